"""``python -m wirestream``: the same command line as the ``wirestream`` script."""

from wirestream.streams.tools.cli import main

main()

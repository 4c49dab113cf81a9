"""The command line, the demo, record rendering and worker subprocesses."""

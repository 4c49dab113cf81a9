"""Reading a drop folder without trusting what is in it.

- No symbolic link is followed: entries are looked at with ``lstat`` and opened with
  ``O_NOFOLLOW`` relative to a descriptor of the folder, so a link (to /etc/passwd, to
  another folder) is skipped, and so is a file swapped for a link between the look and
  the open. Only regular files are read (``O_NONBLOCK``: a FIFO cannot hang the poller).
- The size cap is checked before reading (``lstat``, then ``fstat`` of the open file),
  and no more than ``max_bytes + 1`` bytes are ever read.
- A file is identified by its path, size, mtime and inode. One that is unchanged since
  the last poll (read, or skipped for a reason that does not go away by itself) is not
  opened again, so a too-large file is reported once, not at every poll.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

_CHUNK = 1024 * 1024
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True, slots=True)
class DropFile:
    """One entry of a drop folder: its bytes, or why it was not read."""

    name: str
    key: str  # how the state remembers it: the folder's real path joined with the name
    stamp: list[int] | None  # [mtime_ns, size, inode]; None: look at it again next poll
    data: bytes | None = None
    # When data is None, why (a label of wirestream_feed_skipped_total): unchanged (not
    # reported), symlink, not_regular_file, too_large or unreadable.
    skip: str | None = None
    detail: str = ""


def same_file(known: list[int] | None, stamp: list[int] | None) -> bool:
    """Whether a remembered stamp is this one (stamps of older state files had no inode)."""
    if not known or stamp is None:
        return False
    return known == stamp or (len(known) == 2 and known == stamp[:2])


def _stamp(info: os.stat_result) -> list[int]:
    return [info.st_mtime_ns, info.st_size, info.st_ino]


def scan(directory: Path, known: Mapping[str, list[int]], *, max_bytes: int,
         suffixes: Collection[str], only: str | None = None) -> Iterator[DropFile]:
    """Every candidate in ``directory`` (names with one of ``suffixes``, dot files left
    out), or only the entry ``only``, in name order. Raises OSError when the folder
    cannot be opened or listed. The folder itself may be a link (the operator named it);
    what is inside it is never followed."""
    real = os.path.realpath(directory)
    dir_fd = os.open(real, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        if only is not None:
            names = [only]
        else:
            # Dot files are uploads in progress for many FTP servers (and editors' temp files).
            with os.scandir(dir_fd) as entries:
                names = sorted(e.name for e in entries if not e.name.startswith(".")
                               and os.path.splitext(e.name)[1].lower() in suffixes)
        for name in names:
            entry = _look(dir_fd, name, os.path.join(real, name), known, max_bytes)
            if entry is not None:
                yield entry
    finally:
        os.close(dir_fd)


def _look(dir_fd: int, name: str, key: str, known: Mapping[str, list[int]],
          max_bytes: int) -> DropFile | None:
    try:
        info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None  # gone since the listing (moved away by the agency's client)
    except OSError as exc:
        return DropFile(name, key, None, skip="unreadable", detail=exc.strerror or str(exc))
    stamp = _stamp(info)
    if same_file(known.get(key), stamp):
        return DropFile(name, key, stamp, skip="unchanged")
    refused = _refuse(info, max_bytes)
    if refused:
        return DropFile(name, key, stamp, skip=refused[0], detail=refused[1])
    try:
        fd = os.open(name, _OPEN_FLAGS, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # swapped for a link since the lstat
            return DropFile(name, key, None, skip="symlink", detail="a symbolic link, not "
                                                                     "followed")
        return DropFile(name, key, None, skip="unreadable", detail=exc.strerror or str(exc))
    try:
        opened = os.fstat(fd)  # the file actually open: the truth from here on
        stamp = _stamp(opened)
        refused = _refuse(opened, max_bytes)
        if refused:
            return DropFile(name, key, stamp, skip=refused[0], detail=refused[1])
        data = _read_at_most(fd, max_bytes + 1)
    except OSError as exc:
        return DropFile(name, key, None, skip="unreadable", detail=exc.strerror or str(exc))
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # grew after the fstat: skipped, looked at again next poll
        return DropFile(name, key, None, skip="too_large",
                        detail=f"grew past {max_bytes} bytes while being read; not read")
    return DropFile(name, key, stamp, data=data)


def _refuse(info: os.stat_result, max_bytes: int) -> tuple[str, str] | None:
    if stat.S_ISLNK(info.st_mode):
        return "symlink", "a symbolic link, not followed"
    if not stat.S_ISREG(info.st_mode):
        return "not_regular_file", "not a regular file"
    if info.st_size > max_bytes:
        return "too_large", f"{info.st_size} bytes, more than the cap of {max_bytes}; not read"
    return None


def _read_at_most(fd: int, limit: int) -> bytes:
    data = bytearray()
    while len(data) < limit:
        chunk = os.read(fd, min(_CHUNK, limit - len(data)))
        if not chunk:
            break
        data += chunk
    return bytes(data)

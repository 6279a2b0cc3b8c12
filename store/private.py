"""Files and folders only the service's own user may open: every file it writes is created mode
600 and every folder it makes mode 700, whatever the process's umask (which can only take
permissions away: each is set explicitly after it is made). SQLite's files are made before
SQLite opens them; SQLite gives the -wal and -shm files beside them the main file's mode, and
`tighten_sqlite` makes sure of it after opening."""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

FILE_MODE, FOLDER_MODE = 0o600, 0o700
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")

log = logging.getLogger(__name__)


def private_folder(path: str | Path) -> Path:
    """The folder, made (with any missing parents) mode 700; a folder that already exists is
    left as it is — it may be shared, like /tmp or the operator's own."""
    folder = Path(path)
    missing = []
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    for made in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made meanwhile by another process
            os.mkdir(made, FOLDER_MODE)
            os.chmod(made, FOLDER_MODE)
    return folder


def write_private(path: str | Path, data: bytes) -> None:
    """Write the file, created (or first tightened to) mode 600 before a byte goes in."""
    private_folder(Path(path).parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, FILE_MODE)
    with os.fdopen(fd, "wb") as out:
        os.fchmod(fd, FILE_MODE)
        out.write(data)


def private_sqlite(path: str | Path) -> None:
    """Before SQLite opens the file: its folder made private if missing, and the file itself
    made mode 600 (or tightened to it, with its -wal and -shm)."""
    private_folder(Path(path).parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        tighten_sqlite(path)
        return
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def tighten_sqlite(path: str | Path) -> None:
    """Make the SQLite file and its -wal, -shm or -journal beside it mode 600, where looser."""
    for name in ("", *SQLITE_COMPANIONS):
        tighten_file(f"{path}{name}")


def tighten_file(path: str | Path) -> None:
    """Make a file someone else wrote (a library) mode 600, where looser; gone is fine."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return
    if not mode & 0o077:
        return
    try:
        os.chmod(path, mode & FILE_MODE)
    except PermissionError:
        log.warning("%s is open to others (mode %o) and not ours to make private", path, mode)

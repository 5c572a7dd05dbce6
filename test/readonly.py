"""Making a workspace really read-only in a test, and holding a lock on it as another program.

Root ignores file permissions, so as root the file and folder are also made immutable
(``chattr +i``, from e2fsprogs, which `make deps` installs), which root cannot write
either; :func:`read_only` then proves a write fails before handing over, so a test can
never pass on a file that is in fact writable.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
import subprocess  # nosec B404 - chattr with fixed arguments
from typing import Iterator

import pytest


def _chattr(flag: str, paths: list[str]) -> bool:
    exe = shutil.which("chattr")
    if exe is None:
        return False
    res = subprocess.run([exe, flag, *paths], capture_output=True, text=True, check=False)  # nosec B603
    return res.returncode == 0


def _writable(path: str) -> bool:
    """Try to write, for real: open the file for update, or create a file in the folder."""
    try:
        if os.path.isdir(path):
            probe = os.path.join(path, ".hezhang-probe")
            with open(probe, "w", encoding="utf-8") as fh:
                fh.write("x")
            os.remove(probe)
        else:
            with open(path, "r+b"):
                pass
        return True
    except OSError:
        return False


@contextlib.contextmanager
def read_only(*paths: str) -> Iterator[None]:
    """Files and folders that this process cannot write inside the block."""
    paths = [os.path.abspath(p) for p in paths]
    modes = {p: stat.S_IMODE(os.stat(p).st_mode) for p in paths}
    immutable = False
    try:
        for p in paths:
            os.chmod(p, modes[p] & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        if os.geteuid() == 0:
            immutable = _chattr("+i", paths)
        still = [p for p in paths if _writable(p)]
        if still:
            reason = f"this file system cannot make {still} read-only for root (no chattr +i)"
            if os.environ.get("CI"):  # `make deps` installs chattr (e2fsprogs): never skip there
                pytest.fail(reason)
            pytest.skip(reason)
        yield
    finally:
        if immutable:
            _chattr("-i", paths)
        for p in paths:
            os.chmod(p, modes[p])


def set_wal(path: str, wal: bool) -> None:
    con = sqlite3.connect(path)
    try:
        mode = con.execute(f"PRAGMA journal_mode={'WAL' if wal else 'DELETE'}").fetchone()[0]
        assert mode == ("wal" if wal else "delete"), mode
    finally:
        con.close()


def journal_mode(path: str) -> str:
    """The journal mode written in the file header (byte 18: 1 rollback, 2 WAL)."""
    with open(path, "rb") as fh:
        head = fh.read(20)
    return "wal" if head[18] == 2 else "delete"


@contextlib.contextmanager
def lock_held(path: str, kind: str = "read") -> Iterator[sqlite3.Connection]:
    """Another program's lock on ``path``: ``read`` keeps a read transaction open (a SHARED
    lock, which blocks writers of a rollback-journal file), ``write`` an open write
    transaction (blocks every other writer)."""
    con = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        if kind == "read":
            con.execute("BEGIN")
            con.execute("SELECT count(*) FROM chiefs").fetchone()
        else:
            con.execute("BEGIN IMMEDIATE")
        yield con
    finally:
        con.execute("ROLLBACK")
        con.close()

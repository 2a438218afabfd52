"""Outputs appear whole or not at all: a file is written beside and renamed into place, a set
of outputs (a build's) is switched to with one rename of a link."""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_write(path, mode: str = "w", encoding: str | None = "utf-8"):
    """Open a temporary file beside `path`; on success it replaces `path` in one rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else encoding) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


_SETS = ".kg-sets"  # inside an output folder: one subfolder per set of outputs, `current` the one in use
_CURRENT = "current"


def _fsync_dir(path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    """Every file and folder of a set on disk before the set is switched to (a crash after the switch
    must not find the new names pointing at unwritten data)."""
    for folder, _, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(folder)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two names in one step (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    return False


def _link_tree(src: Path, dst: Path) -> None:
    """A copy of `src` made of hard links (no data copied), so the previous outputs can join a set."""
    if src.is_dir():
        dst.mkdir()
        for entry in sorted(src.iterdir()):
            _link_tree(entry, dst / entry.name)
    else:
        try:
            os.link(src, dst)
        except OSError:  # a file system without hard links
            import shutil

            shutil.copy2(src, dst)


def _adopt(out: Path, sets: Path, names: list[str]) -> None:
    """Turn outputs written as plain files (before sets existed) into links to a set holding them.

    The set is made of hard links first and `current` points at it, so every name shows the
    very bytes it showed before at each step; a folder (the store) is swapped for its link in
    one step where the system allows it."""
    import shutil

    current = sets / _CURRENT
    if not current.is_symlink():
        prev = Path(tempfile.mkdtemp(prefix="set-", dir=sets))
        for name in names:
            if (out / name).exists() and not (out / name).is_symlink():
                _link_tree(out / name, prev / name)
        _fsync_tree(prev)
        tmp = sets / f".{_CURRENT}.tmp"
        tmp.unlink(missing_ok=True)
        os.symlink(prev.name, tmp)
        os.replace(tmp, current)
    for name in names:
        target, want = out / name, os.path.join(_SETS, _CURRENT, name)
        if target.is_symlink() and os.readlink(target) == want:
            continue
        tmp = out / f".{name}.link.tmp"
        tmp.unlink(missing_ok=True)
        os.symlink(want, tmp)
        if target.is_dir() and not target.is_symlink():
            if not _exchange(tmp, target):  # two steps: the name is missing for a moment
                os.replace(target, sets / f".old-{name}")
                os.replace(tmp, target)
            shutil.rmtree(tmp if tmp.is_dir() and not tmp.is_symlink() else sets / f".old-{name}",
                          ignore_errors=True)
        else:
            os.replace(tmp, target)
    _fsync_dir(out)


@contextmanager
def staged(out_dir):
    """A folder to write a whole set of outputs into; on success `out_dir` shows the new set.

    Each output name in `out_dir` is a symbolic link into `.kg-sets/current/`, and `current`
    is itself a link to one set's folder: switching sets is one rename of that link, so
    even kill -9 at any moment leaves the previous set or the new one, never a mix. The
    previous sets are removed after the switch. On failure nothing is touched."""
    import shutil

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sets = out / _SETS
    sets.mkdir(exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix="set-", dir=sets))
    try:
        yield stage
        os.chmod(stage, 0o777 & ~_umask())
        _fsync_tree(stage)
        names = sorted(entry.name for entry in stage.iterdir())
        _adopt(out, sets, names)
        tmp = sets / f".{_CURRENT}.{stage.name}.tmp"
        os.symlink(stage.name, tmp)
        os.replace(tmp, sets / _CURRENT)  # the switch
        _fsync_dir(sets)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    for entry in sets.iterdir():  # earlier sets, and folders left by builds that were killed
        if entry.name not in (_CURRENT, stage.name):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)

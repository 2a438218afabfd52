"""Outputs appear whole or not at all: write to a temporary file, then rename."""
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


@contextmanager
def staged(out_dir):
    """A folder beside `out_dir`'s files to write a whole set of outputs into; on success
    every entry replaces its namesake in `out_dir` with Ctrl-C held off, so the folder
    holds the previous set or the new one, never a mix. On failure nothing is touched."""
    import shutil
    import signal
    import threading

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".staging.", suffix=".tmp", dir=out))
    try:
        yield stage
        main = threading.current_thread() is threading.main_thread()
        held = {signal.SIGINT, signal.SIGTERM}
        if main:
            signal.pthread_sigmask(signal.SIG_BLOCK, held)
        try:
            trash = out / f".{stage.name}.old"
            for entry in sorted(stage.iterdir()):
                target = out / entry.name
                if target.is_dir() and not target.is_symlink():
                    trash.mkdir(exist_ok=True)
                    os.replace(target, trash / entry.name)
                os.replace(entry, target)
        finally:
            if main:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, held)
        shutil.rmtree(trash, ignore_errors=True)
    finally:
        shutil.rmtree(stage, ignore_errors=True)

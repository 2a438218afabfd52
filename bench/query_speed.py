"""How fast `kg visits` answers on a large graph, with the on-disk store and without it, and how
long `kg load` takes to send the graph to an Oxigraph server in chunks.

    .venv/bin/python bench/query_speed.py [--copies 250] [--keep DIR]

The large graph is the seeds' graph repeated: copy i gets its own officials, visits, articles
and projects (IRIs of their own, officials renamed 陈刚 → 陈刚7) on the same places, so
`--official` stays selective while `--place 青海` gathers the visits of every copy.
Only 127.0.0.1 is contacted (an `oxigraph serve` started here and stopped by its pid).
"""
from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pyoxigraph

from kg import rdf, store
from kg.build import run

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

KGR, LABEL = str(rdf.KGR), str(rdf.RDFS.label)
OFFICIAL = str(rdf.KGV.Official)
PLACE = KGR + "place/"


def _renamed(term, i: int):
    """Copy i's own resource; places stay shared, as real places are visited again and again."""
    if isinstance(term, pyoxigraph.NamedNode) and term.value.startswith(KGR) and not term.value.startswith(PLACE):
        return pyoxigraph.NamedNode(f"{term.value}-{i}")
    return term


def repeat(ttl: Path, copies: int, dest: Path) -> None:
    parser = pyoxigraph.parse(path=str(ttl), format=pyoxigraph.RdfFormat.TURTLE)
    triples = [q.triple for q in parser]
    officials = {t.subject for t in triples if t.predicate.value == str(rdf.RDF.type) and t.object.value == OFFICIAL}

    def copy(i):
        for t in triples:
            o = t.object
            if i and t.subject in officials and t.predicate.value == LABEL:
                o = pyoxigraph.Literal(f"{o.value}{i}", language=o.language)
            yield pyoxigraph.Triple(_renamed(t.subject, i) if i else t.subject, t.predicate,
                                    _renamed(o, i) if i else o)

    with dest.open("wb") as fh:
        for i in range(copies):
            fh.write(pyoxigraph.serialize(copy(i), format=pyoxigraph.RdfFormat.TURTLE, prefixes=parser.prefixes))


def timed(args) -> tuple[float, str]:
    t = time.perf_counter()
    res = subprocess.run([str(BIN / "kg"), *map(str, args)], capture_output=True, text=True, check=True)
    return time.perf_counter() - t, res.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=250)
    ap.add_argument("--keep", type=Path, default=None, help="leave the large graph in this folder")
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kg-query-bench."))
    try:
        seeds = work / "seeds"
        run([ROOT / "seeds"], out_dir=seeds)
        big = a.keep or work / "big"
        big.mkdir(parents=True, exist_ok=True)
        repeat(seeds / "graph.ttl", a.copies, big / "graph.ttl")
        size = (big / "graph.ttl").stat().st_size / 1e6
        t = time.perf_counter()
        store.build(big / "graph.ttl", big)
        build_s = time.perf_counter() - t
        n = len(store.open_graph(big))  # distinct triples: the shared places count once
        print(f"graph: {n} triples, graph.ttl {size:.1f} MB; store filled in {build_s:.1f} s")
        for label, args in (("--official 陈刚", ["--official", "陈刚"]), ("--place 青海", ["--place", "青海"])):
            s_store, out = timed(["visits", "--graph", big, *args, "--format", "csv"])
            rows = len(out.splitlines()) - 1
            shutil.move(big / "store", work / "aside")
            s_ttl, _ = timed(["visits", "--graph", big, *args, "--format", "csv"])
            shutil.move(work / "aside", big / "store")
            print(f"kg visits {label}: {rows} rows; with the store {s_store:.2f} s, parsing graph.ttl {s_ttl:.2f} s")
        s_off, out = timed(["officials", "--graph", big, "--limit", "5"])
        print(f"kg officials --limit 5: {s_off:.2f} s")

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = subprocess.Popen([str(BIN / "oxigraph"), "serve", "--location", str(work / "ox"),
                                   "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            s_load, _ = timed(["load", big, "--endpoint", f"http://127.0.0.1:{port}/store"])
            s_q, out = timed(["visits", "--endpoint", f"http://127.0.0.1:{port}/query", "--official", "陈刚",
                              "--format", "csv"])
            print(f"kg load (chunks of 50000) into oxigraph serve: {s_load:.1f} s; "
                  f"kg visits --official 陈刚 --endpoint: {s_q:.2f} s, {len(out.splitlines()) - 1} rows")
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

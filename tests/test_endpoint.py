"""`kg load` and `kg query --endpoint` against a real Oxigraph server (the `oxigraph` package's
binary) started here on 127.0.0.1 and stopped by its pid."""
import json
import math
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph
import pytest
from conftest import run_kg
from test_graph import seed_build_once
from test_query import HOSTILE

from kg import endpoint, queries, store
from kg.endpoint import Endpoint, EndpointError

OXIGRAPH = Path(sys.executable).parent / "oxigraph"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serve(tmp_path_factory) as base:
        yield base


@contextmanager
def serve(tmp_path_factory):
    """http://127.0.0.1:PORT of an Oxigraph server with its data in a temporary folder."""
    assert OXIGRAPH.is_file(), "the oxigraph package (test extra) ships the server binary"
    port = _free_port()
    data = tmp_path_factory.mktemp("oxigraph")
    log = (data.parent / "oxigraph.log").open("wb")
    proc = subprocess.Popen([str(OXIGRAPH), "serve", "--location", str(data), "--bind", f"127.0.0.1:{port}"],
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"oxigraph did not start: {(data.parent / 'oxigraph.log').read_text()}")
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return seed_build_once(tmp_path_factory)[1]


def _count(base: str, graph: str | None = None) -> int:
    q = COUNT if graph is None else f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    return int(Endpoint(f"{base}/query").select(q)[0]["n"])


def test_chunks_are_whole_turtle_documents(out):
    ttl = out / "graph.ttl"
    original = {q.triple for q in pyoxigraph.parse(path=str(ttl), format=pyoxigraph.RdfFormat.TURTLE)}
    seen, sizes = set(), []
    for n, body in endpoint.chunks(ttl, 300):
        assert body.startswith(b"@prefix")  # each chunk declares its prefixes again
        triples = [q.triple for q in pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.TURTLE)]
        assert len(triples) == n
        seen.update(triples)
        sizes.append(n)
    assert seen == original
    assert sizes[:-1] == [300] * (len(sizes) - 1) and 0 < sizes[-1] <= 300
    assert len(sizes) == math.ceil(len(original) / 300)


def test_load_in_chunks_then_query_over_http(server, out):
    triples = len(store.open_graph(out))
    res = run_kg("load", out, "--endpoint", f"{server}/store", "--chunk-size", 400)
    assert res.returncode == 0, res.stderr
    chunks = math.ceil(triples / 400)
    assert f"loaded {triples} triples" in res.stderr and f"in {chunks} chunks" in res.stderr
    assert _count(server) == triples

    res = run_kg("query", COUNT, "--endpoint", f"{server}/query", "--format", "json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == [{"n": str(triples)}]

    res = run_kg("visits", "--endpoint", f"{server}/query", "--place", "青海", "--format", "json")
    assert res.returncode == 0, res.stderr
    remote = json.loads(res.stdout)
    assert {"果洛藏族自治州", "湟中区"} <= {r["target"] for r in remote}
    assert remote == queries.visits(store.open_graph(out), place="青海")  # same answers as the embedded store

    res = run_kg("officials", "--endpoint", f"{server}/query", "--format", "json")
    assert json.loads(res.stdout) == queries.officials(store.open_graph(out))

    # loading again adds nothing: RDF is a set of triples
    assert run_kg("load", out, "--endpoint", f"{server}/store").returncode == 0
    assert _count(server) == triples


def test_named_graph_and_replace(server, out, tmp_path):
    g = "https://example.org/kg/seeds"
    ttl = out / "graph.ttl"
    triples = len(store.open_graph(out))
    res = endpoint.load(ttl, f"{server}/store", graph_iri=g, chunk_size=1000)
    assert (res.triples, res.chunks) == (triples, math.ceil(triples / 1000))
    assert _count(server, g) == triples

    n, body = next(endpoint.chunks(ttl, 100))
    small = tmp_path / "small.ttl"
    small.write_bytes(body)
    res = run_kg("load", small, "--endpoint", f"{server}/store", "--graph-iri", g, "--replace")
    assert res.returncode == 0, res.stderr
    assert _count(server, g) == n == 100  # the graph was emptied first


def test_hostile_names_over_http(server, out):
    assert run_kg("load", out, "--endpoint", f"{server}/store").returncode == 0
    before = _count(server)
    remote = Endpoint(f"{server}/query")
    for name in HOSTILE:
        assert queries.visits(remote, official=name) == []
        assert queries.visits(remote, place=name) == []
    res = run_kg("visits", "--endpoint", f"{server}/query", "--official", HOSTILE[0], "--format", "json")
    assert res.returncode == 1 and json.loads(res.stdout) == [], res.stderr
    assert res.stderr.startswith("kg: no official named ") and len(res.stderr.strip().splitlines()) == 1
    assert _count(server) == before


def test_errors_are_one_line(server, out):
    dead = f"http://127.0.0.1:{_free_port()}"
    for args in (("load", out, "--endpoint", f"{dead}/store"), ("query", COUNT, "--endpoint", f"{dead}/query"),
                 ("visits", "--endpoint", f"{dead}/query")):
        res = run_kg(*args)
        assert res.returncode == 2 and "cannot reach the store" in res.stderr, args
        assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1
    res = run_kg("load", out, "--endpoint", f"{server}/nothing-here")
    assert res.returncode == 2 and "HTTP 404" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    res = run_kg("query", "SELECT ?x WHERE {\n ?x", "--endpoint", f"{server}/query")
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1
    assert res.stderr.startswith("kg: query: syntax error at line 2, column 4: expected "), res.stderr
    res = run_kg("load", out, "--endpoint", f"{server}/store", "--graph-iri", "not an iri")
    assert res.returncode == 2 and "not an absolute IRI" in res.stderr
    with pytest.raises(EndpointError):
        Endpoint(f"{dead}/query").select(COUNT)
    with pytest.raises(ValueError):
        Endpoint("ftp://example.org/sparql")


def test_a_graph_loaded_into_a_named_graph_is_queried(tmp_path_factory, out):
    """`kg load --graph-iri` then every query command: over the union of graphs by default, or
    the one graph with --graph-iri; a server of its own, so that nothing else is in it."""
    with serve(tmp_path_factory) as base:
        g = "https://w3id.org/kg-cn/graph/seeds"
        assert run_kg("load", out, "--endpoint", f"{base}/store", "--graph-iri", g).returncode == 0
        assert _count(base, g) > 0 and int(Endpoint(f"{base}/query").select(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]) > 0  # the union
        local = queries.visits(store.open_graph(out), official="陈刚")
        for extra in ((), ("--graph-iri", g)):
            res = run_kg("visits", "--endpoint", f"{base}/query", "--official", "陈刚", "--format", "json", *extra)
            assert res.returncode == 0 and json.loads(res.stdout) == local, (extra, res.stderr)
            res = run_kg("officials", "--endpoint", f"{base}/query", "--format", "json", *extra)
            assert res.returncode == 0 and json.loads(res.stdout) == queries.officials(store.open_graph(out))
            res = run_kg("query", "SELECT ?c WHERE { ?p rdfs:label \"湟中区\"@zh ; kgv:gbCode ?c }",
                         "--endpoint", f"{base}/query", "--format", "json", *extra)
            assert json.loads(res.stdout) == [{"c": "630106"}], res.stderr
        res = run_kg("visits", "--endpoint", f"{base}/query", "--official", "陈刚",
                     "--graph-iri", "https://example.org/empty")
        assert res.returncode == 1 and "no official named 陈刚" in res.stderr
        res = run_kg("visits", "--graph", out, "--graph-iri", g)
        assert res.returncode == 2 and "--graph-iri names a graph on a server" in res.stderr

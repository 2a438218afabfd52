"""Talking to a running triple store over HTTP: SPARQL queries and loading a graph in chunks.

    from kg.endpoint import Endpoint, load
    Endpoint("http://127.0.0.1:7878/query").select("SELECT …")    # SPARQL 1.1 Protocol, JSON results
    load("out/graph.ttl", "http://127.0.0.1:7878/store", graph_iri="https://example.org/g")

`load` sends the graph by the SPARQL 1.1 Graph Store Protocol as a series of
POSTs of `chunk_size` triples, each a small Turtle document with the prefixes
repeated: a server then never has to swallow one huge request (stalls of
Virtuoso on a single 26 MB upload have been reported), and a large graph
streams from disk without being held in memory. The standard library's urllib
is all it needs.
"""
from __future__ import annotations

import http.client
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

CHUNK_SIZE = 50_000
TIMEOUT = 300.0  # seconds for one request: a chunk on a busy server, a long query
_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*$")


class EndpointError(Exception):
    """The store could not be reached, or it refused a request (the message is one line)."""


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _request(req: urllib.request.Request, timeout: float) -> tuple[str, bytes]:
    """(content type, body) of a request; errors as one-line EndpointErrors naming the address."""
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            cut = resp.headers.get("X-SPARQL-MaxRows")
            if cut:  # Virtuoso answers 200 with the first ResultSetMaxRows rows only
                raise EndpointError(f"{req.full_url}: the server cut the answer at {cut} rows "
                                    "(Virtuoso: raise ResultSetMaxRows in virtuoso.ini [SPARQL])")
            return resp.headers.get("Content-Type", ""), resp.read()
    except urllib.error.HTTPError as e:
        detail = e.read().decode("utf-8", "replace") if e.fp else ""
        detail = f": {_one_line(detail)}" if detail else ""
        raise EndpointError(f"{req.full_url}: HTTP {e.code} {e.reason}{detail}") from None
    except urllib.error.URLError as e:
        raise EndpointError(f"{req.full_url}: cannot reach the store ({e.reason})") from None
    except (OSError, http.client.HTTPException) as e:  # a timeout, a connection dropped half-way
        raise EndpointError(f"{req.full_url}: {e.__class__.__name__}: {e}") from None


def _check_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{url}: not an http(s) address of a store")
    return url


@dataclass
class Endpoint:
    """A SPARQL query endpoint (Oxigraph: http://host:port/query, Fuseki: …/DATASET/sparql,
    Virtuoso: http://host:8890/sparql); `select` is the remote twin of `kg.rdf.select`."""

    url: str
    timeout: float = TIMEOUT
    graph_iri: str | None = None  # ask this named graph only; None: the union of all graphs

    def __post_init__(self):
        _check_url(self.url)
        if self.graph_iri is not None and not _IRI.match(self.graph_iri):
            raise ValueError(f"{self.graph_iri}: not an absolute IRI for a graph")

    def select(self, query: str) -> list[dict]:
        """Rows as {variable: value or None}; ASK gives [{"result": "true"|"false"}], CONSTRUCT
        and DESCRIBE give subject/predicate/object rows, as the embedded store does.

        The dataset is the named graph `graph_iri` as default graph (SPARQL 1.1 Protocol
        `default-graph-uri`, which every server honours), else the union of the default graph
        and every named graph (Oxigraph's `union-default-graph`; Virtuoso's default graph is
        that union already), so that a graph loaded with `kg load --graph-iri` is found either
        way. A syntax error the server reports (HTTP 400 with a position) is a SyntaxError."""
        params = {"query": query}
        if self.graph_iri:
            params["default-graph-uri"] = self.graph_iri
        else:
            params["union-default-graph"] = ""
        body = urllib.parse.urlencode(params).encode("utf-8")
        req = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": _ACCEPT})
        try:
            ctype, data = _request(req, self.timeout)
        except EndpointError as e:
            m = re.search(r"HTTP 400 .*?(error at \d+:\d+: .*)", str(e))
            if m:
                raise SyntaxError(m[1]) from None
            raise
        if "json" in ctype:
            return _json_rows(json.loads(data.decode("utf-8")))
        import pyoxigraph

        try:
            triples = pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES)
            return [{"subject": t.subject.value, "predicate": t.predicate.value, "object": t.object.value}
                    for t in triples]
        except SyntaxError as e:
            raise EndpointError(f"{self.url}: answered {ctype or 'no content type'} that is neither "
                                f"SPARQL JSON results nor N-Triples ({_one_line(str(e))})") from None


def _json_rows(doc: dict) -> list[dict]:
    if "boolean" in doc:
        return [{"result": "true" if doc["boolean"] else "false"}]
    names = doc.get("head", {}).get("vars", [])
    return [{n: (b[n]["value"] if n in b else None) for n in names} for b in doc.get("results", {}).get("bindings", [])]


# ---------------------------------------------------------------- Graph Store Protocol


@dataclass
class LoadResult:
    triples: int
    chunks: int
    url: str  # where the triples went (with ?graph=… or ?default)


def graph_url(endpoint: str, graph_iri: str | None = None) -> str:
    """The Graph Store Protocol address of a graph: …?graph=IRI, or …?default for the default graph.

    An address that already names its graph (Virtuoso's ?graph-uri=…) is used as given."""
    _check_url(endpoint)
    query = urllib.parse.urlsplit(endpoint).query
    if re.search(r"(^|&)(graph|graph-uri|default)(=|&|$)", query):
        return endpoint
    if graph_iri is not None and not _IRI.match(graph_iri):
        raise ValueError(f"{graph_iri}: not an absolute IRI for a graph")
    param = urllib.parse.urlencode({"graph": graph_iri}) if graph_iri else "default"
    return endpoint + ("&" if query else "?") + param


def chunks(ttl, chunk_size: int = CHUNK_SIZE):
    """Turtle documents of at most `chunk_size` triples each, with the file's prefixes, read as a stream."""
    import pyoxigraph

    if chunk_size < 1:
        raise ValueError(f"chunk size must be at least 1, not {chunk_size}")
    parser = pyoxigraph.parse(path=str(ttl), format=pyoxigraph.RdfFormat.TURTLE)
    batch = []
    try:
        for quad in parser:
            batch.append(quad.triple)
            if len(batch) == chunk_size:
                yield len(batch), pyoxigraph.serialize(batch, format=pyoxigraph.RdfFormat.TURTLE,
                                                       prefixes=dict(parser.prefixes))
                batch = []
    except SyntaxError as e:
        raise InputError(ttl, f"not valid Turtle: {_one_line(str(e))}") from None
    except OSError as e:
        raise InputError(ttl, e.strerror or str(e)) from None
    if batch:
        yield len(batch), pyoxigraph.serialize(batch, format=pyoxigraph.RdfFormat.TURTLE,
                                               prefixes=dict(parser.prefixes))


def load(ttl, endpoint: str, graph_iri: str | None = None, chunk_size: int = CHUNK_SIZE, replace: bool = False,
         progress: Callable[[int, int], None] | None = None, timeout: float = TIMEOUT) -> LoadResult:
    """POST a Turtle file to a Graph Store Protocol endpoint (Oxigraph: http://host:port/store,
    Fuseki: …/DATASET/data) in chunks; with `replace`, the first chunk is a PUT that empties the graph.

    `progress(triples_sent, chunks_sent)` is called after each chunk. A Turtle error half-way
    stops the load with the chunks before it sent; load again with `replace` once it is fixed."""
    ttl = Path(ttl)
    if not ttl.is_file():
        raise InputError(ttl, "no such file")
    url = graph_url(endpoint, graph_iri)
    sent = n = 0
    for count, body in chunks(ttl, chunk_size):
        method = "PUT" if replace and n == 0 else "POST"
        req = urllib.request.Request(url, data=body, method=method,
                                     headers={"Content-Type": "text/turtle; charset=utf-8"})
        _request(req, timeout)
        sent += count
        n += 1
        if progress:
            progress(sent, n)
    if replace and n == 0:  # an empty graph still replaces what was there
        _request(urllib.request.Request(url, data=b"", method="PUT", headers={"Content-Type": "text/turtle"}), timeout)
    return LoadResult(sent, n, url)

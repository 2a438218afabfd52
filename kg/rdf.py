"""The graph as RDF in the kg-cn vocabulary (kg/vocab.ttl), and a canonical Turtle writer.

    KGV  https://w3id.org/kg-cn/vocab#   classes and properties
    KGR  https://w3id.org/kg-cn/id/      resources (stable IRIs, see vocab.ttl)

`to_rdf(graph)` reads a networkx graph made by `kg.graph.to_networkx` (or read
back from its JSON) and returns a new `rdflib.Graph`: one resource per node
(rdfs:label "…"@zh, skos:altLabel for other forms, kgv:gbCode and
kgv:locatedIn for divisions, kgv:mentionedIn its articles), a kgv:Visit per
visit (visitor, target, role, date, evidence, prov:wasDerivedFrom the
article), a kgv:Trip per trip (kg.trips: kgv:ledBy, kgv:accompaniedBy,
kgv:place, kgv:stop → kgv:Stop with kgv:order and kgv:target, kgv:startDate,
kgv:endDate, kgv:part its visits, kgv:evidence), W3C ORG posts (org:holds, org:Post, org:postIn) and the articles
with their source file, index and offsets. Co-occurrence is a statistic of the
networkx graph and is not stated in RDF, nor are relations the vocabulary has
no term for.

`write_turtle` writes canonical Turtle; `load_store` and `select` query it in
an embedded Oxigraph store (the library side of `kg query`; kg/queries.py holds
`kg visits` and the listings); `vocabulary()`, `shapes()` and `validate()` give kg/vocab.ttl,
kg/shapes.ttl and a pyshacl report.

IRIs depend only on types, canonical names, codes, file names and offsets, and
`turtle(graph)` sorts everything, so the same input gives byte-identical files.
"""
from __future__ import annotations

import re
from importlib import resources
from urllib.parse import quote

import networkx as nx
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

from .atomic import atomic_write
from .graph import TRIP
from .resolve import post_name, stable_hash

KGV = Namespace("https://w3id.org/kg-cn/vocab#")
KGR = Namespace("https://w3id.org/kg-cn/id/")

PREFIXES = {
    "dcterms": DCTERMS,
    "kgv": KGV,
    "org": ORG,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "xsd": XSD,
}
CLASSES = {
    "Official": KGV.Official,
    "Person": KGV.Person,
    "Organization": KGV.Organization,
    "Place": KGV.Place,
    "Project": KGV.Project,
}
ROLES = {"lead": KGV.lead, "accompanying": KGV.accompanying}
# How precise a visit's kgv:date is (kg.dates.When.precision).
PRECISIONS = {p: KGV[f"{p}Precision"] for p in ("day", "month", "year", "approximate")}
ZH = "zh"


# ---------------------------------------------------------------- IRIs


def _segment(text: str) -> str:
    return quote(str(text), safe="")


def node_iri(node_id: str, type_: str | None = None) -> URIRef:
    """Place:630106 → kgr:place/630106, Official:张三 → kgr:official/%E5%BC%A0%E4%B8%89."""
    typ, _, local = node_id.partition(":")
    return KGR[f"{(type_ or typ).lower()}/{_segment(local)}"]


def article_iri(source: str, index: int) -> URIRef:
    return KGR[f"article/{_segment(source)}/{int(index)}"]


def evidence_iri(source: str, start: int, end: int) -> URIRef:
    return KGR[f"evidence/{_segment(source)}/{int(start)}-{int(end)}"]


def post_iri(name: str, holder: str | None = None) -> URIRef:
    """A post in an organization by its canonical name; a bare title (书记) belongs to its holder."""
    if holder is None:
        return KGR[f"post/{_segment(name)}"]
    return KGR[f"post/{_segment(holder)}/{_segment(name)}"]


def stop_iri(trip: URIRef, order: int) -> URIRef:
    """kgr:trip/<hash>/stop/<n>: the n-th stop of a trip."""
    return URIRef(f"{trip}/stop/{int(order)}")


def visit_iri(u: str, v: str, attrs: dict) -> URIRef:
    return KGR["visit/" + stable_hash(u, v, attrs.get("role", ""), attrs.get("file", ""), attrs.get("article", ""),
                                      attrs.get("start", ""), attrs.get("end", ""), attrs.get("date", ""))]


# ---------------------------------------------------------------- graph → RDF


def _date_literal(iso: str) -> Literal:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        return Literal(iso, datatype=XSD.date)
    if re.fullmatch(r"\d{4}-\d{2}", iso):
        return Literal(iso, datatype=XSD.gYearMonth)
    if re.fullmatch(r"\d{4}", iso):
        return Literal(iso, datatype=XSD.gYear)
    return Literal(iso)


def _int(value) -> Literal:
    return Literal(int(value), datatype=XSD.integer)


def _listed(value) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [x for x in value.split("|") if x]
    return list(value)


def to_rdf(graph: nx.MultiDiGraph) -> Graph:
    """A new rdflib Graph for a kg networkx graph (the networkx graph is not changed)."""
    g = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    g.bind("kgr", KGR)

    articles = graph.graph.get("articles") or {}
    for aid, a in sorted(articles.items()):
        _article(g, a["file"], a["index"], a)

    iris = {}
    for nid, attrs in graph.nodes(data=True):
        iris[nid] = node_iri(nid)
    for nid, attrs in sorted(graph.nodes(data=True)):
        s = iris[nid]
        typ = attrs.get("type")
        if typ == TRIP:
            _trip(g, graph, iris, nid, attrs)
            continue
        g.add((s, RDF.type, CLASSES.get(typ, KGV.Entity)))
        g.add((s, RDFS.label, Literal(attrs.get("label") or nid.partition(":")[2], lang=ZH)))
        for alias in _listed(attrs.get("aliases")):
            g.add((s, SKOS.altLabel, Literal(alias, lang=ZH)))
        if attrs.get("code"):
            g.add((s, RDF.type, KGV.Division))
            g.add((s, KGV.gbCode, Literal(str(attrs["code"]))))
            if attrs.get("level"):
                g.add((s, KGV.divisionLevel, Literal(attrs["level"])))
        if typ == "Official":
            for t in _listed(attrs.get("titles")):
                g.add((s, KGV.title, Literal(t, lang=ZH)))
        for aid in _listed(attrs.get("articles")):
            a = articles.get(aid)
            if a is not None:
                g.add((s, KGV.mentionedIn, article_iri(a["file"], a["index"])))

    posted = set()  # (official, title) with an organization
    for u, v, _, attrs in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        rel = attrs.get("relation")
        if rel == "visited":
            _visit(g, graph, iris, u, v, attrs)
        elif rel == "located_in":
            g.add((iris[u], KGV.locatedIn, iris[v]))
        elif rel == "holds_post" and attrs.get("post"):
            title = attrs["post"]
            org_label = graph.nodes[v].get("label", "")
            name = post_name(title, org_label)
            p = post_iri(name)
            g.add((iris[u], ORG.holds, p))
            g.add((p, RDF.type, ORG.Post))
            g.add((p, RDFS.label, Literal(name, lang=ZH)))
            g.add((p, KGV.title, Literal(title, lang=ZH)))
            g.add((p, ORG.postIn, iris[v]))
            if "file" in attrs:
                g.add((p, PROV.wasDerivedFrom, _article(g, attrs["file"], attrs["article"], articles.get(
                    f"{attrs['file']}#{attrs['article']}"))))
            posted.add((u, title))
    for nid, attrs in sorted(graph.nodes(data=True)):  # titles naming no organization: 书记, 总书记
        if attrs.get("type") != "Official":
            continue
        for title in _listed(attrs.get("titles")):
            if (nid, title) in posted:
                continue
            p = post_iri(title, holder=nid.partition(":")[2])
            g.add((iris[nid], ORG.holds, p))
            g.add((p, RDF.type, ORG.Post))
            g.add((p, RDFS.label, Literal(title, lang=ZH)))
            g.add((p, KGV.title, Literal(title, lang=ZH)))
    return g


def _article(g: Graph, source: str, index, info: dict | None) -> URIRef:
    a = article_iri(source, index)
    g.add((a, RDF.type, KGV.Article))
    g.add((a, KGV.sourceFile, Literal(str(source))))
    g.add((a, KGV.articleIndex, _int(index)))
    if info:
        g.add((a, KGV.startOffset, _int(info["start"])))
        g.add((a, KGV.endOffset, _int(info["end"])))
        if info.get("headline"):
            g.add((a, DCTERMS.title, Literal(info["headline"], lang=ZH)))
        if info.get("date"):
            g.add((a, KGV.dateWritten, Literal(info["date"], lang=ZH)))
    return a


def _visit(g: Graph, graph: nx.MultiDiGraph, iris: dict, u: str, v: str, attrs: dict) -> None:
    visit = visit_iri(u, v, attrs)
    g.add((visit, RDF.type, KGV.Visit))
    g.add((visit, KGV.visitor, iris[u]))
    g.add((visit, KGV.target, iris[v]))
    if attrs.get("role") in ROLES:
        g.add((visit, KGV.role, ROLES[attrs["role"]]))
    if attrs.get("date"):
        g.add((visit, KGV.dateWritten, Literal(attrs["date"], lang=ZH)))
    if attrs.get("iso_date"):
        g.add((visit, KGV.date, _date_literal(str(attrs["iso_date"]))))
    if attrs.get("date_end"):
        g.add((visit, KGV.dateEnd, _date_literal(str(attrs["date_end"]))))
    if attrs.get("date_precision") in PRECISIONS:
        g.add((visit, KGV.datePrecision, PRECISIONS[attrs["date_precision"]]))
    if "file" in attrs:
        articles = graph.graph.get("articles") or {}
        art = _article(g, attrs["file"], attrs["article"], articles.get(f"{attrs['file']}#{attrs['article']}"))
        g.add((visit, PROV.wasDerivedFrom, art))
        if "start" in attrs and "evidence" in attrs:
            ev = evidence_iri(attrs["file"], attrs["start"], attrs["end"])
            g.add((visit, KGV.evidence, ev))
            g.add((ev, RDF.type, KGV.Evidence))
            g.add((ev, KGV.text, Literal(attrs["evidence"], lang=ZH)))
            g.add((ev, KGV.startOffset, _int(attrs["start"])))
            g.add((ev, KGV.endOffset, _int(attrs["end"])))
            g.add((ev, PROV.wasQuotedFrom, art))
            if attrs.get("trip") in iris:
                g.add((iris[attrs["trip"]], KGV.evidence, ev))
    if attrs.get("trip") in iris:
        g.add((iris[attrs["trip"]], KGV.part, visit))


def _trip(g: Graph, graph: nx.MultiDiGraph, iris: dict, nid: str, attrs: dict) -> None:
    """A kgv:Trip (a prov:Activity) with its officials, places, ordered kgv:Stop nodes and dates;
    its parts (kgv:part) and evidence are added with its visits."""
    t = iris[nid]
    g.add((t, RDF.type, KGV.Trip))
    g.add((t, RDFS.label, Literal(attrs.get("label") or nid, lang=ZH)))
    if attrs.get("start_date"):
        g.add((t, KGV.startDate, _date_literal(str(attrs["start_date"]))))
        g.add((t, KGV.endDate, _date_literal(str(attrs.get("end_date") or attrs["start_date"]))))
    if "file" in attrs and "article" in attrs:
        articles = graph.graph.get("articles") or {}
        g.add((t, PROV.wasDerivedFrom, _article(g, attrs["file"], attrs["article"],
                                                articles.get(f"{attrs['file']}#{attrs['article']}"))))
    for _, v, d in graph.out_edges(nid, data=True):
        rel = d.get("relation")
        if rel == "participant":
            g.add((t, KGV.ledBy if d.get("role") == "lead" else KGV.accompaniedBy, iris[v]))
        elif rel == "place":
            g.add((t, KGV.place, iris[v]))
        elif rel == "stop":
            s = stop_iri(t, d["order"])
            g.add((t, KGV.stop, s))
            g.add((s, RDF.type, KGV.Stop))
            g.add((s, KGV.order, _int(d["order"])))
            g.add((s, KGV.target, iris[v]))
            if "file" in d and "start" in d and "evidence" in d:
                g.add((s, KGV.evidence, evidence_iri(d["file"], d["start"], d["end"])))


# ---------------------------------------------------------------- canonical Turtle

_PN_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_INTEGER = re.compile(r"^[+-]?\d+$")


_RDF_TYPE, _XSD_STRING, _XSD_INTEGER = str(RDF.type), str(XSD.string), str(XSD.integer)
_IRI_ESCAPE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_STRING_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')


def _iri(term: URIRef, prefixes: list[tuple[str, str]], used: set | None = None) -> str:
    s = str(term)
    for prefix, ns in prefixes:
        if s.startswith(ns) and _PN_LOCAL.match(s[len(ns):]):
            if used is not None:
                used.add(prefix)
            return f"{prefix}:{s[len(ns):]}"
    if _IRI_ESCAPE.search(s):
        s = "".join(c if c > " " and c not in '<>"{}|^`\\' else "\\u%04X" % ord(c) for c in s)
    return "<" + s + ">"


def _string(text: str) -> str:
    if not _STRING_ESCAPE.search(text):
        return '"' + text + '"'
    out = []
    for c in text:
        if c in _ESCAPES:
            out.append(_ESCAPES[c])
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append("\\u%04X" % ord(c))
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def _term(term, iri) -> str:
    if isinstance(term, URIRef):
        return iri(term)
    if isinstance(term, BNode):
        raise ValueError("canonical Turtle needs IRIs for every resource (found a blank node)")
    if isinstance(term, Literal):
        lex = str(term)
        if term.language:
            return f"{_string(lex)}@{term.language.lower()}"
        datatype = str(term.datatype) if term.datatype is not None else None
        if datatype is None or datatype == _XSD_STRING:
            return _string(lex)
        if datatype == _XSD_INTEGER and _INTEGER.match(lex):
            return lex
        return f"{_string(lex)}^^{iri(term.datatype)}"
    raise TypeError(f"not an RDF term: {term!r}")


def _sort_key(term) -> tuple:
    """Terms in a fixed order: IRIs, then literals by lexical form, language and datatype."""
    if isinstance(term, URIRef):
        return (0, str(term), "", "")
    return (1, str(term), term.language or "", str(term.datatype or ""))


def turtle(graph: Graph) -> str:
    """Canonical Turtle: sorted prefixes, subjects, predicates (rdf:type first) and objects.

    Only IRIs and literals (no blank nodes), so the text depends on the triples alone.
    Only the prefixes some IRI is written with are declared.
    """
    bound = {}
    for prefix, ns in graph.namespaces():
        bound[str(prefix)] = str(ns)
    prefixes = sorted(((p, ns) for p, ns in bound.items() if p), key=lambda x: x[0])
    # longest namespace first, so kgr: never shadows a longer one
    match_order = sorted(prefixes, key=lambda x: (-len(x[1]), x[0]))
    used: set[str] = set()
    written: dict = {}  # IRIs repeat (predicates, types, shared objects): each is shortened once

    def iri(term) -> str:
        text = written.get(term)
        if text is None:
            text = written[term] = _iri(term, match_order, used)
        return text

    by_subject: dict = {}
    for s, p, o in graph:
        by_subject.setdefault(s, {}).setdefault(p, []).append(o)
    lines = []
    for s in sorted(by_subject, key=_sort_key):
        if isinstance(s, BNode):
            raise ValueError("canonical Turtle needs IRIs for every resource (found a blank node)")
        preds = sorted(by_subject[s], key=lambda p: (str(p) != _RDF_TYPE, str(p)))
        parts = []
        for p in preds:
            objs = ", ".join(_term(o, iri) for o in sorted(by_subject[s][p], key=_sort_key))
            name = "a" if str(p) == _RDF_TYPE else iri(p)
            parts.append(f"    {name} {objs}")
        lines.append(iri(s) + "\n" + " ;\n".join(parts) + " .")
        lines.append("")
    body = "\n".join(lines)
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes if p in used) + "\n" + body


def write_turtle(graph: Graph, path) -> None:
    """Write canonical Turtle atomically (byte-identical for the same triples)."""
    with atomic_write(path) as fh:
        fh.write(turtle(graph))


# ---------------------------------------------------------------- vocabulary and shapes


def _packaged(name: str) -> Graph:
    g = Graph()
    g.parse(data=resources.files("kg").joinpath(name).read_text(encoding="utf-8"), format="turtle")
    return g


def vocabulary() -> Graph:
    """kg/vocab.ttl: the classes and properties."""
    return _packaged("vocab.ttl")


def shapes() -> Graph:
    """kg/shapes.ttl: SHACL shapes that graphs made by `to_rdf` conform to."""
    return _packaged("shapes.ttl")


def validate(graph: Graph):
    """(conforms, results graph, report text) from pyshacl against kg/shapes.ttl (pyshacl is an extra)."""
    import pyshacl

    return pyshacl.validate(graph, shacl_graph=shapes(), ont_graph=vocabulary(), inference="none",
                            allow_warnings=True)


# ---------------------------------------------------------------- SPARQL (the twin of `kg query`)

_READABLE = sorted(((p, str(ns)) for p, ns in {**PREFIXES, "kgr": KGR}.items()), key=lambda x: -len(x[1]))
SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted({**PREFIXES, "kgr": KGR}.items()))


def load_store(source):
    """An embedded, in-memory Oxigraph store holding a graph: an rdflib Graph, or a Turtle file
    (kg.store.open_graph opens the on-disk store that `kg build` makes)."""
    import pyoxigraph

    store = pyoxigraph.Store()
    if isinstance(source, Graph):
        store.load(turtle(source), format=pyoxigraph.RdfFormat.TURTLE)
    else:
        store.load(path=str(source), format=pyoxigraph.RdfFormat.TURTLE)
    return store


def select(store, query: str) -> list[dict]:
    """Rows of a query (prefixes kgv, kgr, org, prov, rdfs, skos … predeclared) as {variable: value}.

    `store` is a pyoxigraph Store or a kg.endpoint.Endpoint, so the same query runs on the
    embedded store and on a server. ASK gives [{"result": "true"|"false"}]; CONSTRUCT and
    DESCRIBE give subject/predicate/object rows. A bad query raises SyntaxError."""
    import pyoxigraph

    try:
        if hasattr(store, "select"):
            return store.select(SPARQL_PREFIXES + query)
        # the union of all graphs, as Endpoint asks a server: a store filled by hand may hold named graphs
        solutions = store.query(SPARQL_PREFIXES + query, use_default_graph_as_union=True)
    except SyntaxError as e:  # positions as in the user's query, not counting the prefixes
        shift = SPARQL_PREFIXES.count("\n")
        raise SyntaxError(re.sub(r"\b(\d+):(\d+)\b", lambda m: f"{max(int(m[1]) - shift, 1)}:{m[2]}", str(e),
                                 count=1)) from None
    if isinstance(solutions, pyoxigraph.QueryBoolean):
        return [{"result": "true" if bool(solutions) else "false"}]
    if isinstance(solutions, pyoxigraph.QueryTriples):
        return [{"subject": t.subject.value, "predicate": t.predicate.value, "object": t.object.value}
                for t in solutions]
    names = [v.value for v in solutions.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in solutions]


def readable_iri(value: str) -> str:
    """An IRI as a table shows it: prefixed (kgr:, kgv:, rdfs: …) and its percent-escapes
    decoded, kgr:official/张三 for https://w3id.org/kg-cn/id/official/%E5%BC%A0%E4%B8%89.
    Anything that is not an IRI of a known namespace is returned as it is."""
    from urllib.parse import unquote

    for prefix, ns in _READABLE:
        if value.startswith(ns) and len(value) > len(ns):
            return f"{prefix}:{unquote(value[len(ns):])}"
    return value


def query_error(error: SyntaxError, limit: int = 200) -> str:
    """A SPARQL syntax error as one line: `query: syntax error at line 2, column 7: expected …`."""
    text = " ".join(str(error).split())
    m = re.match(r"(?:.*?)error at (\d+):(\d+):?\s*(.*)", text)
    if m:  # the parser's character classes (['0' ..= '9' | …]) say nothing to a reader
        rest = re.sub(r",?\s*\[[^\]]*\]", "", m[3])
        line = f"query: syntax error at line {m[1]}, column {m[2]}: {rest}"
    else:
        line = f"query: {text}"
    return line if len(line) <= limit else line[: limit - 1] + "…"


_SPARQL_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]*$")


def sparql_iri(value: str) -> str:
    """An IRI (one read from a store) as SPARQL text, refused unless it is a well-formed absolute IRI."""
    if not _SPARQL_IRI.match(value):
        raise ValueError(f"{value!r} is not an IRI")
    return f"<{value}>"


def sparql_literal(text: str, lang: str | None = None) -> str:
    """A string as a SPARQL literal: quotes, backslashes and line breaks escaped, so that a
    user's name can only ever be a value, never query text."""
    return _string(str(text)) + (f"@{lang}" if lang else "")

"""The resolved corpus as a networkx `MultiDiGraph`, and its GraphML and node-link JSON forms.

Plain data in, plain data out: `to_networkx` reads a `Resolution` and builds a
new graph; the exports copy the graph and never change it.

Nodes (ids such as "Place:630106", "Official:张三", "Organization:青海省委")
carry `type`, `label`, `aliases`, `titles`, `code` and `level` (divisions),
`chain` (codes of the containing divisions, innermost first), `division` (the
division a name or post places an organization, project or official in),
`mentions` and `articles` ("file#index").

Edges carry `relation` (visited | holds_post | located_in | cooccurs | …),
`weight`, and where a text says it: `evidence` (the sentence), `file` (the
source file's name; not `source`, which node-link JSON uses for the edge's
tail), `article` (index), `start`/`end` (offsets in the source file),
`date` (as written), `iso_date`, `role` (lead | accompanying) and `post`
(the title as written). `visited` edges are one per statement; `holds_post`
edges one per (official, organization, title) and `cooccurs` edges one per
pair of nodes, their `weight` counting the sentences that say it. `located_in`
edges go from a place to the division containing it (`basis` "GB/T 2260"),
from a thing to the division its name opens with (`basis` "name"), or as a
text states it (`basis` "text").

Trips (kg.trips) are nodes too, "Trip:<hash>" of type Trip (label, `file`,
`article`, `start_date`/`end_date` where the visits are dated), with edges
`participant` (to each official, `role` lead | accompanying), `stop` (to each
stop, `order` from 1, the first visit's evidence) and `place` (to each
division); every `visited` edge names its trip in `trip`.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict

import networkx as nx

from .atomic import atomic_write
from .resolve import Link, Resolution, _file, division_node_id

LIST_ATTRS = ("aliases", "titles", "chain", "articles")
SEPARATOR = "|"
GB2260, BY_NAME, BY_TEXT = "GB/T 2260", "name", "text"
LOCATED = ("Place", "Organization", "Project")
TRIP = "Trip"  # the node type of trips (kg.trips), the one type that is no entity of the texts  # types that are somewhere (officials are not located)


def to_networkx(resolution: Resolution) -> nx.MultiDiGraph:
    """A new graph of the resolution's nodes and links (the resolution is not changed)."""
    g = nx.MultiDiGraph()
    g.graph["name"] = "kg"
    if resolution.region:
        g.graph["region"] = resolution.region
    g.graph["articles"] = {
        aid: {"file": a.source, "index": a.index, "start": a.start, "end": a.end, "headline": a.headline,
              **({"date": a.date} if a.date else {})}
        for aid, a in sorted(resolution.articles.items())
    }
    for nid in sorted(resolution.nodes):
        n = resolution.nodes[nid]
        attrs = {
            "type": n.type,
            "label": n.label,
            "aliases": list(n.aliases),
            "titles": list(n.titles),
            "chain": list(n.chain),
            "mentions": n.mentions,
            "articles": list(n.articles),
        }
        for name in ("code", "level", "division"):
            if getattr(n, name):
                attrs[name] = getattr(n, name)
        g.add_node(nid, **attrs)

    edges: list[tuple[str, str, dict]] = []
    by_relation = defaultdict(list)
    for ln in resolution.links:
        by_relation[ln.relation].append(ln)
    edges += _located_in(resolution, by_relation.pop("located_in", []))
    edges += _aggregate(by_relation.pop("holds_post", []), lambda ln: (ln.subject, ln.object, ln.fact.post or ""))
    edges += _aggregate(by_relation.pop("cooccurs", []), lambda ln: (*sorted((ln.subject, ln.object)), ""), True)
    for rel in sorted(by_relation):
        edges += [(ln.subject, ln.object, _fact_attrs(ln)) for ln in by_relation[rel]]
    count = defaultdict(int)
    for u, v, attrs in sorted(edges, key=_edge_order):
        rel = attrs["relation"]
        key = f"{rel}:{count[(u, v, rel)]}"
        count[(u, v, rel)] += 1
        g.add_edge(u, v, key=key, **attrs)
    add_trips(g)
    return g


def add_trips(g: nx.MultiDiGraph) -> list:
    """Each trip (kg.trips) as a node "Trip:<hash>" of type Trip, with edges to its officials
    (`participant`, role lead | accompanying), its stops (`stop`, `order` from 1, the first visit's
    evidence and date) and its divisions (`place`); its visits get the trip's id as `trip`."""
    from . import trips

    found = trips.from_graph(g)
    for t in found:
        attrs = {"type": TRIP, "label": trip_label(g, t), "file": t.source, "article": t.article,
                 "articles": [t.article_id]}
        if t.start:
            attrs.update(start_date=t.start, end_date=t.end)
        g.add_node(t.id, **attrs)
        roles = [(o, "lead") for o in t.leads] + [(o, "accompanying") for o in t.accompanying]
        for o, role in roles:
            g.add_edge(t.id, o, key="participant:0", relation="participant", role=role, weight=1)
        for s in t.stops:
            first = g.edges[s.visits[0].ref]
            extra = {k: first[k] for k in ("evidence", "file", "article", "start", "end", "date", "iso_date")
                     if k in first}
            g.add_edge(t.id, s.target, key="stop:0", relation="stop", order=s.order, weight=len(s.visits), **extra)
        for p in t.places:
            if p in g:
                g.add_edge(t.id, p, key="place:0", relation="place", weight=1)
        for v in t.visits:
            g.edges[v.ref]["trip"] = t.id
    return found


def trip_label(g: nx.MultiDiGraph, t) -> str:
    """A trip's label, "LEAD、LEAD：PLACE、PLACE": its leads and its divisions (else its first stop)."""
    names = lambda ids: "、".join(g.nodes[n].get("label", n) for n in ids)  # noqa: E731
    where = names(t.places) or names([s.target for s in t.stops[:1]])
    return f"{names(t.leads)}：{where}" if where else names(t.leads)


def _edge_order(e):
    u, v, a = e
    return (a["relation"], u, v, a.get("file", ""), a.get("article", -1), a.get("start", -1), a.get("end", -1),
            a.get("role", ""), a.get("post", ""), a.get("date", ""), a.get("evidence", ""))


def _fact_attrs(ln: Link, weight: int | None = None) -> dict:
    f = ln.fact
    attrs = {"relation": ln.relation, "weight": f.weight if weight is None else weight}
    ev = f.evidence
    if ev is not None:
        attrs.update(evidence=ev.sentence, file=_file(ev.source), article=ev.article, start=ev.start, end=ev.end)
    for name in ("date", "iso_date", "date_end", "date_precision", "role", "post"):
        if getattr(f, name):
            attrs[name] = getattr(f, name)
    return attrs


def _evidence_order(ln: Link):
    ev = ln.fact.evidence
    return (_file(ev.source), ev.article, ev.start, ev.end) if ev else ("\uffff", 0, 0, 0)


def _aggregate(links: list[Link], key, symmetric: bool = False) -> list[tuple[str, str, dict]]:
    """One edge per key, weight summed, the evidence of the first statement in the corpus."""
    groups = defaultdict(list)
    for ln in links:
        groups[key(ln)].append(ln)
    out = []
    for k in sorted(groups):
        lns = sorted(groups[k], key=_evidence_order)
        first = lns[0]
        u, v = (k[0], k[1]) if symmetric else (first.subject, first.object)
        out.append((u, v, _fact_attrs(first, weight=sum(ln.fact.weight for ln in lns))))
    return out


def _located_in(res: Resolution, links: list[Link]) -> list[tuple[str, str, dict]]:
    """Place → containing division (codes), thing → division its name opens with, and what texts say."""
    found: dict[tuple[str, str], dict] = {}
    for nid in sorted(res.nodes):
        n = res.nodes[nid]
        if n.chain:
            found[(nid, division_node_id(n.chain[0]))] = {"relation": "located_in", "weight": 1, "basis": GB2260}
        elif n.division and not n.code and n.type in LOCATED:
            found[(nid, division_node_id(n.division))] = {"relation": "located_in", "weight": 1, "basis": BY_NAME}
    stated = defaultdict(list)
    for ln in links:
        u, v = res.nodes[ln.subject], res.nodes[ln.object]
        if u.code and (not v.code or not u.chain or v.code != u.chain[0]):
            continue  # the codes say where a division is: an ancestor further up is implied, another is wrong
        if ln.subject != ln.object:
            stated[(ln.subject, ln.object)].append(ln)
    for uv in sorted(stated):
        lns = sorted(stated[uv], key=_evidence_order)
        attrs = _fact_attrs(lns[0], weight=len(lns))
        if uv in found:  # the text agrees with the codes: one edge, with the evidence
            attrs["basis"] = found[uv]["basis"]
        else:
            attrs["basis"] = BY_TEXT
        found[uv] = attrs
    return [(u, v, a) for (u, v), a in sorted(found.items())]


# ---------------------------------------------------------------- exports


def _scalar(value):
    if isinstance(value, (list, tuple)):
        return SEPARATOR.join(str(x) for x in value)
    if isinstance(value, (str, int, float, bool)):
        return value
    return None


def scalar_copy(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes GraphML can hold: lists joined with "|", None and mappings left out."""
    h = nx.MultiDiGraph()
    h.graph.update({k: v for k, v in sorted(g.graph.items()) if isinstance(v, (str, int, float, bool))})
    for n, attrs in g.nodes(data=True):
        h.add_node(n, **{k: s for k, v in sorted(attrs.items()) if (s := _scalar(v)) is not None})
    for u, v, k, attrs in g.edges(keys=True, data=True):
        h.add_edge(u, v, key=k, **{a: s for a, x in sorted(attrs.items()) if (s := _scalar(x)) is not None})
    return h


EDGE_KEY = "edge_key"  # GraphML data holding a multi-edge's key
# GraphML's attr.type for each Python type (bool before int: a bool is an int).
_GRAPHML_TYPES = ((bool, "boolean"), (int, "long"), (float, "double"), (str, "string"))
# Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _graphml_type(value) -> str:
    return next(name for t, name in _GRAPHML_TYPES if isinstance(value, t))


def _xml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = value if isinstance(value, str) else str(value)
    if _NOT_XML.search(text):
        text = _NOT_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def graphml_lines(g: nx.MultiDiGraph):
    """GraphML that networkx reads back (`read_graphml`), written line by line.

    networkx's own writer builds the whole XML tree first: on a graph of a
    few thousand nodes and 25,000 edges that took longer than tagging them.
    An attribute whose values have several types is written as a string.
    """
    h = scalar_copy(g)
    domains = {"graph": [h.graph], "node": [a for _, a in h.nodes(data=True)],
               "edge": [a for _, _, a in h.edges(data=True)]}
    keys: dict[tuple[str, str], tuple[str, str]] = {}
    for domain, items in domains.items():
        types: dict[str, set[str]] = defaultdict(set)
        for attrs in items:
            for name, value in attrs.items():
                types[name].add(_graphml_type(value))
        if domain == "edge":
            types[EDGE_KEY] = {"string"}  # the networkx key of a multi-edge, written beside the id
        for name in sorted(types):
            kind = types[name].pop() if len(types[name]) == 1 else "string"
            keys[(domain, name)] = (f"d{len(keys)}", kind)

    def data(domain: str, attrs: dict, indent: str) -> str:
        lines = []
        for name, value in attrs.items():
            key, kind = keys[(domain, name)]
            lines.append(f'{indent}<data key="{key}">{_xml(str(value) if kind == "string" else value)}</data>\n')
        return "".join(lines)

    yield "<?xml version='1.0' encoding='utf-8'?>\n"
    yield (
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
    )
    for (domain, name), (key, kind) in keys.items():
        yield f'  <key id="{key}" for="{domain}" attr.name="{_xml(name)}" attr.type="{kind}" />\n'
    yield '  <graph edgedefault="directed">\n'
    yield data("graph", h.graph, "    ")
    for n, attrs in h.nodes(data=True):
        yield f'    <node id="{_xml(n)}">\n{data("node", attrs, "      ")}    </node>\n'
    for i, (u, v, k, attrs) in enumerate(h.edges(keys=True, data=True)):  # ids unique in the document
        yield (f'    <edge source="{_xml(u)}" target="{_xml(v)}" id="e{i}">\n{data("edge", attrs, "      ")}'
               f'      <data key="{keys[("edge", EDGE_KEY)][0]}">{_xml(k)}</data>\n    </edge>\n')
    yield "  </graph>\n</graphml>\n"


def graphml(g: nx.MultiDiGraph) -> str:
    return "".join(graphml_lines(g))


def write_graphml(g: nx.MultiDiGraph, path) -> None:
    _write(graphml_lines(g), path)


def _write(chunks, path) -> None:
    """Stream text pieces to `path` atomically, never holding the whole file."""
    with atomic_write(path) as fh:
        fh.writelines(chunks)


def read_graphml(path) -> nx.MultiDiGraph:
    """A graph written by `write_graphml`, its list attributes split again and its edge keys
    (visited:0 …) restored from `edge_key` (the GraphML ids, e0, e1 …, are unique per file)."""
    read = nx.read_graphml(path, force_multigraph=True)
    g = nx.MultiDiGraph()
    g.graph.update(read.graph)
    g.add_nodes_from(read.nodes(data=True))
    for u, v, k, attrs in read.edges(keys=True, data=True):
        attrs = dict(attrs)
        g.add_edge(u, v, key=attrs.pop(EDGE_KEY, k), **attrs)
    for _, attrs in g.nodes(data=True):
        for name in LIST_ATTRS:
            if name in attrs and isinstance(attrs[name], str):
                attrs[name] = attrs[name].split(SEPARATOR) if attrs[name] else []
    return g


def node_link(g: nx.MultiDiGraph) -> dict:
    return nx.node_link_data(g, edges="edges")


def json_chunks(g: nx.MultiDiGraph):
    """Node-link JSON with one node or edge per line, keys sorted.

    json.dumps with `indent` falls back to the pure-Python encoder; items
    dumped one by one use the C encoder and stay readable.
    """
    data = node_link(g)
    names = sorted(data)
    yield "{\n"
    for i, name in enumerate(names):
        value, end = data[name], (",\n" if i < len(names) - 1 else "\n")
        if isinstance(value, list) and value:
            yield f"{_dumps(name)}: [\n"
            yield ",\n".join(map(_dumps, value))
            yield f"\n]{end}"
        else:
            yield f"{_dumps(name)}: {_dumps(value)}{end}"
    yield "}\n"


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def to_json(g: nx.MultiDiGraph) -> str:
    return "".join(json_chunks(g))


def write_json(g: nx.MultiDiGraph, path) -> None:
    _write(json_chunks(g), path)


def read_json(path) -> nx.MultiDiGraph:
    with open(path, encoding="utf-8") as fh:
        return nx.node_link_graph(json.load(fh), directed=True, multigraph=True, edges="edges")

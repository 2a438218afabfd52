"""Views of the graph for people who would rather look than read, and a page to look at it in.

    from kg import viz
    g = viz.load("out/")                      # the graph `kg build` wrote
    viz.visits(g)                             # who visited where, one row a statement
    viz.official_ranking(g)                   # officials by visits and by centrality
    viz.division_tree(g)                      # the places visited, province → prefecture → county
    viz.write_html(g, "graph.html")           # `kg viz out/ -o graph.html`

The page is self-contained: data, script and style are inlined and nothing is
fetched, so it opens from a file on a machine with no network. The layout is
computed here with a fixed seed, so the same graph gives the same bytes.
"""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from string import Template

import networkx as nx

from .atomic import atomic_write
from .errors import InputError
from .model import TYPES as _BY_LABEL

TYPES = tuple(_BY_LABEL.values())
COLOURS = {
    "Official": "#d62728",
    "Person": "#ff7f0e",
    "Organization": "#1f77b4",
    "Place": "#2ca02c",
    "Project": "#9467bd",
    "Trip": "#8c564b",  # kg.trips: a node of the graph, not an entity of the texts
}
NAMES_ZH = {"Official": "官员", "Person": "人物", "Organization": "机构", "Place": "地点", "Project": "项目",
            "Trip": "行程"}
RELATIONS_ZH = {"visited": "视察", "holds_post": "任职", "located_in": "位于", "cooccurs": "同句",
                "participant": "参与行程", "stop": "行程站点", "place": "行程地区"}
LEVELS = ("province", "prefecture", "county", "township")
UNPLACED = "（未归入行政区划）"  # the root of visited places no division contains
LAYOUT_SEED = 7


# ---------------------------------------------------------------- loading


def load(graph_dir) -> nx.MultiDiGraph:
    """The graph in `graph_dir` (a `kg build` output folder, or its graph.json itself)."""
    from .graph import read_json

    path = Path(graph_dir)
    if path.is_dir():
        path = path / "graph.json"
    if not path.is_file():
        raise InputError(path, f"no graph here (run `kg build … -o {Path(graph_dir)}` first)")
    try:
        g = read_json(path)
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text") from None
    except json.JSONDecodeError as e:
        raise InputError(path, f"not JSON (line {e.lineno}: {e.msg})") from None
    except (KeyError, TypeError, AttributeError, nx.NetworkXError) as e:
        raise InputError(path, f"not a node-link graph ({type(e).__name__}: {e})") from None
    bad = next((n for n, d in g.nodes(data=True) if "type" not in d or "label" not in d), None)
    if bad is not None:
        raise InputError(path, f"node {bad!r} has no type or label: not a graph written by `kg build`")
    return g


# ---------------------------------------------------------------- views


def _label(g, n) -> str:
    return g.nodes[n].get("label", str(n))


def _visit_edges(g):
    return sorted(
        ((u, v, d) for u, v, d in g.edges(data=True) if d.get("relation") == "visited"),
        key=lambda e: (e[2].get("file", ""), e[2].get("start", -1), e[0], e[1]),
    )


def visit_network(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The officials, what they visited, and the divisions containing those targets (a new graph)."""
    keep = set()
    for u, v, _ in _visit_edges(g):
        keep.update((u, v))
    frontier = set(keep)
    while frontier:  # up the located_in edges to the provinces
        up = {v for n in frontier for _, v, d in g.out_edges(n, data=True) if d.get("relation") == "located_in"}
        frontier = up - keep
        keep |= up
    h = nx.MultiDiGraph()
    h.graph.update(g.graph)
    h.add_nodes_from((n, g.nodes[n]) for n in sorted(keep))
    h.add_edges_from(
        (u, v, k, d)
        for u, v, k, d in g.edges(keys=True, data=True)
        if u in keep and v in keep and d.get("relation") in ("visited", "located_in")
    )
    return h


def visits(g: nx.MultiDiGraph) -> list[dict]:
    """Who visited where: one row per statement, in the order of the pages."""
    return [
        {
            "official": _label(g, u),
            "target": _label(g, v),
            "type": g.nodes[v].get("type"),
            "role": d.get("role"),
            "date": d.get("date"),
            "file": d.get("file"),
            "evidence": d.get("evidence"),
        }
        for u, v, d in _visit_edges(g)
    ]


def official_ranking(g: nx.MultiDiGraph) -> list[dict]:
    """Officials by visits (statements, as leader, distinct targets), then by centrality in the whole graph.

    Degree counts the distinct things an official is linked to; betweenness
    (normalized, on the undirected graph) how often they sit on the shortest
    path between two other things: a broker between otherwise apart parts.
    """
    simple = nx.Graph()
    simple.add_nodes_from(sorted(g.nodes))
    simple.add_edges_from(sorted((u, v) for u, v in g.edges() if u != v))
    between = nx.betweenness_centrality(simple)
    rows = []
    for n, d in sorted(g.nodes(data=True)):
        if d.get("type") != "Official":
            continue
        out = [(v, e) for _, v, e in g.out_edges(n, data=True) if e.get("relation") == "visited"]
        rows.append({
            "official": d.get("label", n),
            "titles": "、".join(d.get("titles") or []),
            "visits": len(out),
            "as_leader": sum(1 for _, e in out if e.get("role") == "lead"),
            "targets": len({v for v, _ in out}),
            "degree": simple.degree(n),
            "betweenness": round(between[n], 4),
        })
    rows.sort(key=lambda r: (-r["visits"], -r["as_leader"], -r["betweenness"], -r["degree"], r["official"]))
    return rows


def _parent(g, n):
    """The division containing `n`: by its codes first, then by its name, then as a text says."""
    ups = [(v, d.get("basis", "")) for _, v, d in g.out_edges(n, data=True) if d.get("relation") == "located_in"]
    order = {"GB/T 2260": 0, "name": 1, "text": 2}
    ups.sort(key=lambda x: (order.get(x[1], 3), x[0]))
    return ups[0][0] if ups else None


def division_tree(g: nx.MultiDiGraph, targets=None) -> list[dict]:
    """The visited targets under their divisions: a forest of {id, label, type, level, visited, children}.

    Roots are provinces; targets that no division contains hang under one
    root labelled UNPLACED.
    """
    if targets is None:
        targets = {v for _, v, _ in _visit_edges(g)}
    nodes, roots = {}, []

    def node(n):
        if n not in nodes:
            d = g.nodes[n]
            nodes[n] = {"id": n, "label": d.get("label", n), "type": d.get("type"), "level": d.get("level"),
                        "visited": False, "children": []}
        return nodes[n]

    unplaced = {"id": None, "label": UNPLACED, "type": None, "level": None, "visited": False, "children": []}
    for t in sorted(targets):
        known = t in nodes
        node(t)["visited"] = True
        if known:
            continue  # already placed as the division of an earlier target
        n, seen, top = t, {t}, None
        while True:
            p = _parent(g, n)
            if p is None or p in seen:
                top = n
                break
            seen.add(p)
            known = p in nodes
            node(p)["children"].append(nodes[n])
            if known:
                break
            n = p
        if top is not None:
            (roots if nodes[top]["level"] else unplaced["children"]).append(nodes[top])

    def order(items):
        items.sort(key=lambda x: (x["type"] != "Place", LEVELS.index(x["level"]) if x["level"] in LEVELS else 9,
                                  x["id"] or ""))
        for x in items:
            order(x["children"])
        return items

    order(roots)
    if unplaced["children"]:
        roots.append({**unplaced, "children": order(unplaced["children"])})
    return roots


def tree_lines(forest: list[dict]) -> list[str]:
    """The tree as indented text lines (★ marks what was visited)."""
    lines = []

    def walk(x, depth):
        lines.append("  " * depth + x["label"] + (" ★" if x["visited"] else ""))
        for c in x["children"]:
            walk(c, depth + 1)

    for root in forest:
        walk(root, 0)
    return lines


# ---------------------------------------------------------------- the page


def layout(g: nx.MultiDiGraph) -> dict:
    """Node → (x, y), the same for the same graph.

    Each connected part gets its own spring layout (fixed seed, nodes in
    sorted order) in a square whose side grows with its size; the squares are
    packed in rows, biggest first, so that small parts sit beside the big one
    instead of being flung to the edge.
    """
    h = nx.Graph()
    h.add_nodes_from(sorted(g.nodes))
    h.add_edges_from(sorted((u, v) for u, v in g.edges() if u != v))
    parts = sorted((sorted(c) for c in nx.connected_components(h)), key=lambda c: (-len(c), c[0]))
    if not parts:
        return {}
    row_width = max(len(parts[0]) ** 0.5, 1.3 * sum(len(c) for c in parts) ** 0.5)
    gap, x, y, row_height, out = 0.6, 0.0, 0.0, 0.0, {}
    for nodes in parts:
        side = len(nodes) ** 0.5
        if x > 0 and x + side > row_width:
            x, y, row_height = 0.0, y + row_height + gap, 0.0
        if len(nodes) == 1:
            pos = {nodes[0]: (0.0, 0.0)}
        else:
            sub = nx.Graph()
            sub.add_nodes_from(nodes)
            sub.add_edges_from(sorted(h.subgraph(nodes).edges()))
            pos = nx.spring_layout(sub, seed=LAYOUT_SEED, k=2.0 / len(nodes) ** 0.5, iterations=200)
        for n, (px, py) in pos.items():
            out[n] = (round(x + (float(px) + 1) / 2 * side, 4), round(y + (float(py) + 1) / 2 * side, 4))
        x += side + gap
        row_height = max(row_height, side)
    return out


def page_data(g: nx.MultiDiGraph, whole: bool = False) -> dict:
    """What the page draws: nodes with positions and details, edges with their evidence."""
    view = g if whole else visit_network(g)
    pos = layout(view)
    ids = sorted(view.nodes)
    index = {n: i for i, n in enumerate(ids)}
    degree = dict(view.degree())
    nodes = []
    for n in ids:
        d = view.nodes[n]
        x, y = pos[n]
        item = {"id": n, "label": d.get("label", n), "type": d.get("type"), "x": x, "y": y,
                "aliases": list(d.get("aliases") or []), "titles": list(d.get("titles") or []),
                "mentions": d.get("mentions", 0), "degree": degree[n]}
        for name in ("code", "level"):
            if d.get(name):
                item[name] = d[name]
        nodes.append(item)
    edges = []
    for u, v, d in sorted(view.edges(data=True), key=lambda e: (e[2].get("relation", ""), e[0], e[1],
                                                                e[2].get("file", ""), e[2].get("start", -1))):
        e = {"s": index[u], "t": index[v], "rel": d.get("relation", "")}
        for src, dst in (("evidence", "ev"), ("file", "file"), ("date", "date"), ("role", "role"),
                         ("post", "post"), ("weight", "w")):
            if d.get(src) not in (None, ""):
                e[dst] = d[src]
        edges.append(e)
    from .maps import page_map

    return {
        "view": "whole" if whole else "visits",
        "map": page_map(g),
        "nodes": nodes,
        "edges": edges,
        "colours": COLOURS,
        "types": {t: NAMES_ZH[t] for t in (*TYPES, "Trip")},
        "relations": RELATIONS_ZH,
    }


def _script_json(data) -> str:
    """JSON that cannot end the <script> element it sits in, whatever the texts hold."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for ch, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def _static(name: str) -> str:
    return resources.files("kg").joinpath("static", name).read_text("utf-8")


def _html_text(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _page(data: dict, title: str | None) -> str:
    if title is None:
        title = "kg：知识图谱" if data["view"] == "whole" else "kg：视察网络"
    return Template(_static("viz.html")).substitute(
        title=_html_text(title), css=_static("viz.css"), js=_static("viz.js"), data=_script_json(data)
    )


def html(g: nx.MultiDiGraph, whole: bool = False, title: str | None = None) -> str:
    """The page as one string: inline data, style and script, no outside reference."""
    return _page(page_data(g, whole=whole), title)


def write_html(g: nx.MultiDiGraph, path, whole: bool = False, title: str | None = None) -> dict:
    """Write the page atomically; returns what it shows (view, node and edge counts, path)."""
    data = page_data(g, whole=whole)
    text = _page(data, title)
    if str(path) == "-":  # standard output
        import sys

        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        with atomic_write(path) as fh:
            fh.write(text)
    return {"view": data["view"], "nodes": len(data["nodes"]), "edges": len(data["edges"]), "path": str(path)}

"""Pictures of the graph with matplotlib, its Chinese labels set in a CJK font.

    from kg import plot
    plot.cjk_font()                      # select an installed CJK font (no tofu, no glyph warnings)
    plot.draw_network(g)                 # the visit network, coloured by type
    plot.draw_division_tree(g)           # the places visited: province → prefecture → county
    plot.draw_ranking(viz.official_ranking(g))

matplotlib's default font (DejaVu Sans) has no Chinese glyphs: every label
would be drawn as boxes, with a "Glyph … missing from font" warning each.
"""
from __future__ import annotations

from . import viz
from .fonts import CJK_FAMILIES, FontError, cjk_font  # noqa: F401  (plot.cjk_font, as documented)
from .model import TYPES

RELATION_STYLE = {
    "visited": {"style": "solid", "color": "#444444", "width": 1.4},
    "located_in": {"style": "dashed", "color": "#999999", "width": 1.0},
    "holds_post": {"style": "solid", "color": "#1f77b4", "width": 1.0},
    "cooccurs": {"style": "solid", "color": "#dddddd", "width": 0.5},
}


def _tint(colour: str, amount: float = 0.55) -> str:
    """The colour mixed with white: a background black text stays readable on."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in (r, g, b))


def displacy_options() -> dict:
    """Options for spacy.displacy's "ent" style: our labels in the graph's colours."""
    return {"ents": list(TYPES), "colors": {label: _tint(viz.COLOURS[t]) for label, t in TYPES.items()}}


def _axes(ax, size):
    if ax is not None:
        return ax.figure, ax
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=size, layout="constrained")
    return fig, ax


def _legend(ax, types, relations=()):
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker="o", linestyle="", markersize=8, color=viz.COLOURS[t],
                      label=f"{viz.NAMES_ZH[t]} {t}") for t in viz.TYPES if t in types]
    handles += [Line2D([], [], linestyle=RELATION_STYLE[r]["style"], color=RELATION_STYLE[r]["color"],
                       label=f"{viz.RELATIONS_ZH[r]} {r}") for r in relations if r in RELATION_STYLE]
    ax.legend(handles=handles, loc="best", fontsize=9, framealpha=0.9)


def draw_network(g, ax=None, whole: bool = False, labels: bool = True):
    """The visit network (or, with `whole`, the whole graph) with Chinese labels, coloured by type."""
    import networkx as nx

    cjk_font()
    view = g if whole else viz.visit_network(g)
    pos = viz.layout(view)
    pos = {n: (x, -y) for n, (x, y) in pos.items()}  # the page's y grows downwards, the axes' upwards
    fig, ax = _axes(ax, (11, 8))
    relations = sorted({d.get("relation") for _, _, d in view.edges(data=True)}, key=str)
    order = ["cooccurs", "located_in", "holds_post", "visited"]
    for rel in sorted(relations, key=lambda r: order.index(r) if r in order else -1):
        style = RELATION_STYLE.get(rel, {"style": "solid", "color": "#bbbbbb", "width": 0.8})
        edges = sorted({(u, v) for u, v, d in view.edges(data=True) if d.get("relation") == rel and u != v})
        nx.draw_networkx_edges(view, pos, edgelist=edges, ax=ax, style=style["style"], edge_color=style["color"],
                               width=style["width"], arrows=rel != "cooccurs", arrowsize=10, node_size=120)
    nodes = sorted(view.nodes)
    degree = dict(view.degree())
    sizes = [min(500, 40 + 40 * degree[n] ** 0.5) for n in nodes]
    nx.draw_networkx_nodes(view, pos, nodelist=nodes, ax=ax, node_size=sizes,
                           node_color=[viz.COLOURS.get(view.nodes[n].get("type"), "#777777") for n in nodes],
                           edgecolors="white", linewidths=0.8)
    if labels:
        shown = nodes if len(nodes) <= 80 else sorted(nodes, key=lambda n: (-degree[n], n))[:40]
        xs = [x for x, _ in pos.values()] or [0.0]
        dx = 0.012 * (max(xs) - min(xs) or 1.0)  # beside the dot, not on it
        beside = {n: (pos[n][0] + dx, pos[n][1]) for n in shown}
        nx.draw_networkx_labels(view, beside, labels={n: view.nodes[n].get("label", n) for n in shown}, ax=ax,
                                font_size=9, font_family="sans-serif", horizontalalignment="left",
                                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7})
    _legend(ax, {view.nodes[n].get("type") for n in nodes}, [r for r in order if r in relations])
    ax.set_title("全图" if whole else "视察网络：官员 → 视察对象 → 所在行政区划")
    ax.margins(0.12, 0.05)
    ax.set_axis_off()
    return fig


def tree_positions(forest: list[dict]) -> list[tuple[dict, float, float, dict | None]]:
    """(item, depth, row, parent) for a left-to-right tree: leaves one row apart, parents centred on children."""
    out, next_row = [], [0.0]

    def place(item, depth, parent):
        entry = [item, depth, 0.0, parent]
        out.append(entry)
        if item["children"]:
            rows = [place(c, depth + 1, item) for c in item["children"]]
            entry[2] = (rows[0] + rows[-1]) / 2
        else:
            entry[2] = next_row[0]
            next_row[0] += 1
        return entry[2]

    for root in forest:
        place(root, 0, None)
        next_row[0] += 0.5  # a little air between provinces
    return [tuple(e) for e in out]


def draw_division_tree(g, ax=None, forest: list[dict] | None = None):
    """The visited places and things under their divisions; ★ marks what an official visited."""
    cjk_font()
    forest = viz.division_tree(g) if forest is None else forest
    placed = tree_positions(forest)
    rows = max([r for _, _, r, _ in placed], default=0) + 1
    depth = max([d for _, d, _, _ in placed], default=0) + 1
    fig, ax = _axes(ax, (3.2 * depth + 3, 0.42 * rows + 1))
    where = {id(item): (d, r) for item, d, r, _ in placed}
    for item, d, r, parent in placed:
        if parent is not None:
            pd, pr = where[id(parent)]
            ax.plot([pd + 0.05, pd + 0.5, pd + 0.5, d - 0.05], [pr, pr, r, r], color="#aaaaaa", lw=1, zorder=1)
    for item, d, r, _ in placed:
        colour = viz.COLOURS.get(item["type"], "#777777")
        text = item["label"] + (" ★" if item["visited"] else "")
        ax.text(d, r, text, ha="left", va="center", fontsize=10, zorder=2,
                fontweight="bold" if item["visited"] else "normal",
                bbox={"boxstyle": "round,pad=0.25", "fc": _tint(colour, 0.75), "ec": colour, "lw": 1})
    ax.set_xlim(-0.1, depth + 1.2)
    ax.set_ylim(rows, -1)
    ax.set_title("视察地点的行政区划树（省 → 地级 → 县级，★ 为视察对象）")
    ax.set_axis_off()
    types = {item["type"] for item, *_ in placed if item["type"]}
    _legend(ax, types)
    return fig


def draw_ranking(rows: list[dict], ax=None, top: int = 15):
    """Officials by visits: statements as leader and as companion, stacked."""
    from matplotlib.ticker import MaxNLocator

    cjk_font()
    rows = [r for r in rows if r["visits"] > 0][:top]
    fig, ax = _axes(ax, (8, 0.35 * len(rows) + 1.2))
    names = [r["official"] for r in rows]
    lead = [r["as_leader"] for r in rows]
    rest = [r["visits"] - r["as_leader"] for r in rows]
    ax.barh(names, lead, color=viz.COLOURS["Official"], label="带队 lead")
    ax.barh(names, rest, left=lead, color=_tint(viz.COLOURS["Official"]), label="陪同 accompanying")
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("视察次数（陈述数）")
    ax.legend(loc="lower right")
    ax.set_title("官员视察次数")
    return fig

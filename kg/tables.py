"""The graph as flat tables: visits with the divisions they fall in, nodes, edges and a panel.

Plain rows (lists of dicts, the same columns in every row, None where a value
is unknown) that kg.export writes as CSV, Parquet, Stata and GEXF and kg.maps
counts. Every visit is placed in the smallest division at county level or
above that holds its target: the target itself when it is one, else the
division its codes, its name or a text places it in (a project in 湟中区, a
mountain in 阿坝州); a township counts for its county. Targets nothing places
keep empty division columns, so that the rows still add up to `kg visits`.
"""
from __future__ import annotations

import networkx as nx

from .graph import SEPARATOR
from .queries import check_date
from .resolve import division_node_id
from . import trips as _trips
from .trips import division_of  # noqa: F401 (kg.tables.division_of: where it was)

LEVELS = ("province", "prefecture", "county")

VISIT_COLUMNS = (
    "official_id", "official", "target_id", "target", "target_type", "role", "date_written", "iso_date",
    "month", "division_code", "division", "division_level", "province_code", "province", "prefecture_code",
    "prefecture", "county_code", "county", "source", "article", "article_id", "evidence_start", "evidence_end", "evidence",
)
NODE_COLUMNS = ("id", "type", "label", "aliases", "titles", "code", "level", "division", "lat", "lon",
                "mentions", "articles")
EDGE_COLUMNS = ("id", "source", "target", "relation", "role", "date_written", "iso_date", "post", "basis",
                "weight", "evidence", "source_file", "article", "evidence_start", "evidence_end")
PANEL_COLUMNS = ("official_id", "official", "division_code", "division", "division_level", "province_code",
                 "prefecture_code", "county_code", "month", "trips", "visits")


# ---------------------------------------------------------------- divisions


def division_chain(g: nx.MultiDiGraph, code: str) -> dict[str, tuple[str, str]]:
    """{level: (code, name)} for the division `code` and those above it (graph first, else the national list)."""
    nid = division_node_id(code)
    if nid in g and g.nodes[nid].get("level"):
        codes = [code] + list(g.nodes[nid].get("chain") or [])
    else:
        from .resolve import chain_codes

        codes = list(chain_codes(code)) or [code]
    out = {}
    for c in codes:
        name, level = _named(g, c)
        if level in LEVELS and level not in out:
            out[level] = (c, name)
    return out


def _named(g, code: str) -> tuple[str, str | None]:
    nid = division_node_id(code)
    if nid in g and g.nodes[nid].get("level"):
        return g.nodes[nid].get("label", code), g.nodes[nid]["level"]
    from . import gazetteer

    d = gazetteer.load().by_code.get(code)
    return (d.name, d.level) if d else (code, None)


def at_level(row: dict, level: str | None) -> tuple[str, str] | None:
    """(code, name) of the row's division at `level` (None: the row's own division); None when the
    row names no division that fine (a visit to a prefecture has no county)."""
    if level is None:
        return (row["division_code"], row["division"]) if row["division_code"] else None
    code = row.get(f"{level}_code")
    return (code, row[level]) if code else None


# ---------------------------------------------------------------- visits


def _dated(iso: str | None, since: str | None, until: str | None) -> bool:
    """The visit's ISO date against the bounds, at the coarser precision of each pair (as `kg visits`)."""
    if not (since or until):
        return True
    if not iso:
        return False
    for bound, ok in ((since, lambda a, b: a >= b), (until, lambda a, b: a <= b)):
        if bound:
            k = min(len(iso), len(bound))
            if not ok(iso[:k], bound[:k]):
                return False
    return True


def _names(d: dict) -> set[str]:
    return {d.get("label", "")} | set(d.get("aliases") or [])


def officials_named(g: nx.MultiDiGraph, name: str) -> set[str]:
    """Official nodes whose label or alias is `name`."""
    name = name.strip()
    return {n for n, d in g.nodes(data=True) if d.get("type") == "Official" and name in _names(d)}


def visit_rows(g: nx.MultiDiGraph, official: str | None = None, role: str | None = None,
               since: str | None = None, until: str | None = None) -> list[dict]:
    """One row per `visited` edge (VISIT_COLUMNS) passing the filters, in the order of `kg visits`.

    `official` matches a label or an alias; `since`/`until` (YYYY, YYYY-MM, YYYY-MM-DD) leave out
    visits with no resolved date, like `kg visits`.
    """
    since = check_date(since) if since else None
    until = check_date(until) if until else None
    who = officials_named(g, official) if official is not None else None
    chains: dict[str, dict] = {}
    rows = []
    for u, v, d in g.edges(data=True):
        if d.get("relation") != "visited" or (who is not None and u not in who):
            continue
        if role is not None and d.get("role") != role:
            continue
        iso = d.get("iso_date")
        if not _dated(iso, since, until):
            continue
        code = division_of(g, v)
        if code is not None and code not in chains:
            chains[code] = division_chain(g, code)
        ch = chains.get(code, {})
        own = next(((lv, c, nm) for lv, (c, nm) in ch.items() if c == code), (None, code, None))
        file, article = d.get("file"), d.get("article")
        row = {
            "official_id": u, "official": g.nodes[u].get("label", u), "target_id": v,
            "target": g.nodes[v].get("label", v), "target_type": g.nodes[v].get("type"),
            "role": d.get("role"), "date_written": d.get("date"), "iso_date": iso,
            "month": iso[:7] if iso and len(iso) >= 7 else None,
            "division_code": code, "division": own[2], "division_level": own[0],
            "source": file, "article": article,
            "article_id": f"{file}#{article}" if file is not None and article is not None else None,
            "evidence_start": d.get("start"), "evidence_end": d.get("end"), "evidence": d.get("evidence"),
        }
        for lv in LEVELS:
            c, nm = ch.get(lv, (None, None))
            row[f"{lv}_code"], row[lv] = c, nm
        rows.append({c: row[c] for c in VISIT_COLUMNS})
    rows.sort(key=lambda r: (r["official"], r["source"] or "",
                             r["evidence_start"] if r["evidence_start"] is not None else -1,
                             r["target"], r["target_id"]))
    return rows


def division_counts(rows: list[dict], level: str | None = None, count: str = "trips") -> dict[tuple[str, str], int]:
    """{(code, name): trips or visits} of the rows' divisions at `level` (None: each row's own division)."""
    out: dict[tuple[str, str], int] = {}
    if count == "visits":
        for r in rows:
            if (key := at_level(r, level)) is not None:
                out[key] = out.get(key, 0) + 1
        return out
    if count != "trips":
        raise ValueError(f"{count!r}: count trips or visits")
    for t in trips(rows):
        for key in {k for v in t.visits if (k := at_level(v.ref, level)) is not None}:
            out[key] = out.get(key, 0) + 1
    return out


def trips(rows: list[dict]) -> list:
    """The trips (kg.trips.Trip) the rows make up; each Visit's `ref` is its row."""
    return _trips.of_rows(rows)


def panel(rows: list[dict]) -> list[dict]:
    """Official × division × month (PANEL_COLUMNS), the cells with at least one visit.

    `visits` counts the rows, `trips` the trips (kg.trips) the official leads that touch the
    division in that month (a group's trip counts for each of its leads); month is None where no date is resolved, division_code
    None where nothing places the target. The visits add up to the rows given.
    """
    cells: dict[tuple, dict] = {}

    def cell(r):
        key = (r["official_id"], r["division_code"] or "", r["month"] or "")
        if key not in cells:
            cells[key] = {c: r.get(c) for c in PANEL_COLUMNS if c not in ("trips", "visits")}
            cells[key].update(trips=0, visits=0)
        return cells[key]

    for r in rows:
        cell(r)["visits"] += 1
    for t in trips(rows):
        for lead in t.leads:
            own = [v.ref for v in t.visits if v.official == lead]
            for r in {(r["division_code"] or "", r["month"] or ""): r for r in own}.values():
                cell(r)["trips"] += 1
    return [cells[k] for k in sorted(cells)]


# ---------------------------------------------------------------- nodes and edges


def _joined(value) -> str | None:
    if isinstance(value, (list, tuple)):
        return SEPARATOR.join(str(x) for x in value)
    return value


def node_rows(g: nx.MultiDiGraph, coords: dict[str, tuple[float, float]] | None = None) -> list[dict]:
    """One row per node (NODE_COLUMNS); lists joined with "|"; lat/lon from `coords` {code: (lat, lon)}."""
    coords = coords or {}
    rows = []
    for n in sorted(g.nodes):
        d = g.nodes[n]
        lat, lon = coords.get(d.get("code") or "", (None, None))
        rows.append({
            "id": n, "type": d.get("type"), "label": d.get("label"), "aliases": _joined(d.get("aliases") or []),
            "titles": _joined(d.get("titles") or []), "code": d.get("code"), "level": d.get("level"),
            "division": d.get("division"), "lat": lat, "lon": lon, "mentions": d.get("mentions"),
            "articles": len(d.get("articles") or []),
        })
    return rows


def edge_rows(g: nx.MultiDiGraph) -> list[dict]:
    """One row per edge (EDGE_COLUMNS), `id` unique across the table ("u|v|key")."""
    rows = []
    for u, v, k, d in sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))):
        rows.append({
            "id": f"{u}|{v}|{k}", "source": u, "target": v, "relation": d.get("relation"), "role": d.get("role"),
            "date_written": d.get("date"), "iso_date": d.get("iso_date"), "post": d.get("post"),
            "basis": d.get("basis"), "weight": d.get("weight"), "evidence": d.get("evidence"),
            "source_file": d.get("file"), "article": d.get("article"), "evidence_start": d.get("start"),
            "evidence_end": d.get("end"),
        })
    return rows

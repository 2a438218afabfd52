"""The graph as files for Gephi, R and Stata: `kg export --format gexf|csv|parquet|stata -o DIR`.

    from kg import export
    export.write(g, "tables/", ["csv", "stata"])     # nodes, edges, visits, panel

Tables (kg.tables): nodes.*, edges.*, visits.* (one row per visit, with its
divisions) and panel.* (official × division × month, trips and visits).
GEXF: graph.gexf, nodes and edges with their attributes, visits dated
(`start`/`end`) where the date is resolved, so that Gephi's timeline plays
them. Each set is written into a staging folder and renamed into DIR whole;
the same graph gives the same bytes in every format.
"""
from __future__ import annotations

import csv
import datetime
from pathlib import Path

from . import tables
from .atomic import atomic_write, staged
from .graph import _xml

FORMATS = ("gexf", "csv", "parquet", "stata")
TABLES = {"nodes": tables.NODE_COLUMNS, "edges": tables.EDGE_COLUMNS, "visits": tables.VISIT_COLUMNS,
          "panel": tables.PANEL_COLUMNS}
INTEGER = {"mentions", "articles", "weight", "article", "evidence_start", "evidence_end", "trips", "visits"}
FLOAT = {"lat", "lon"}
# Stata's .dta stamps the time it was written; a fixed one keeps the bytes reproducible.
STATA_STAMP = datetime.datetime(2000, 1, 1)


def _coords(g) -> dict[str, tuple[float, float]]:
    from . import boundaries

    try:
        known = boundaries.codes()
    except boundaries.BoundaryError:
        return {}
    out = {}
    for _, d in g.nodes(data=True):
        code = d.get("code")
        if code and code in known and (c := boundaries.centroid(code)):
            out[code] = c
    return out


def all_tables(g) -> dict[str, list[dict]]:
    """{name: rows} for nodes, edges, visits and panel."""
    visits = tables.visit_rows(g)
    return {"nodes": tables.node_rows(g, _coords(g)), "edges": tables.edge_rows(g), "visits": visits,
            "panel": tables.panel(visits)}


def _frame(rows: list[dict], columns):
    """A pandas DataFrame with typed columns: nullable integers, floats, strings."""
    import pandas as pd

    data = {}
    for c in columns:
        values = [r[c] for r in rows]
        if c in INTEGER:
            data[c] = pd.array(values, dtype="Int64")
        elif c in FLOAT:
            data[c] = pd.array([float("nan") if v is None else v for v in values], dtype="float64")
        else:
            data[c] = pd.array([None if v is None else str(v) for v in values], dtype="string")
    return pd.DataFrame(data, columns=list(columns))


def write_csv(rows, columns, path) -> None:
    """UTF-8 CSV with a header; empty cells where a value is unknown (R's read.csv reads them as NA)."""
    with atomic_write(path) as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow(["" if r[c] is None else r[c] for c in columns])


def write_parquet(rows, columns, path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {c: pa.int64() if c in INTEGER else pa.float64() if c in FLOAT else pa.string() for c in columns}
    table = pa.table({c: pa.array([r[c] for r in rows], type=types[c]) for c in columns})
    with atomic_write(path, "wb") as fh:
        pq.write_table(table, fh, compression="zstd")


def write_stata(rows, columns, path) -> None:
    """Stata 14+ .dta (format 118: UTF-8 strings); integers as long (missing: .), long texts as strL."""
    df = _frame(rows, columns)
    for c in columns:
        if c in INTEGER:
            df[c] = df[c].astype("float64") if df[c].isna().any() else df[c].astype("int64")
        elif c not in FLOAT:
            df[c] = df[c].astype(object).where(df[c].notna(), "")
    long = [c for c in columns if c not in INTEGER | FLOAT and df[c].map(lambda s: len(s.encode("utf-8"))).max() > 2000]
    with atomic_write(path, "wb") as fh:
        df.to_stata(fh, write_index=False, version=118, time_stamp=STATA_STAMP, convert_strl=long,
                    data_label="kg export", variable_labels=None)


def gexf_lines(g):
    """GEXF 1.3 (Gephi and networkx read it): typed attributes; a visit's `start`/`end` is its resolved date."""
    nodes = tables.node_rows(g, _coords(g))
    node_attrs = [c for c in tables.NODE_COLUMNS if c not in ("id", "label")]
    edge_attrs = [c for c in tables.EDGE_COLUMNS if c not in ("id", "source", "target")]

    def kind(c):
        return "long" if c in INTEGER else "double" if c in FLOAT else "string"

    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield '<gexf xmlns="http://gexf.net/1.3" version="1.3">\n'
    yield '  <meta><creator>kg</creator><description>officials, places and visits</description></meta>\n'
    yield '  <graph defaultedgetype="directed" mode="dynamic" timeformat="date">\n'
    for cls, attrs in (("node", node_attrs), ("edge", edge_attrs)):
        yield f'    <attributes class="{cls}">\n'
        for i, c in enumerate(attrs):
            yield f'      <attribute id="{i}" title="{c}" type="{kind(c)}" />\n'
        yield "    </attributes>\n"

    def values(row, attrs):
        cells = [f'<attvalue for="{i}" value="{_xml(row[c])}" />' for i, c in enumerate(attrs)
                 if row[c] not in (None, "")]
        return f"<attvalues>{''.join(cells)}</attvalues>" if cells else ""

    yield "    <nodes>\n"
    for r in nodes:
        yield f'      <node id="{_xml(r["id"])}" label="{_xml(r["label"] or r["id"])}">{values(r, node_attrs)}</node>\n'
    yield "    </nodes>\n    <edges>\n"
    for r in tables.edge_rows(g):
        when = r["iso_date"] if r["iso_date"] and len(r["iso_date"]) == 10 else None
        span = f' start="{when}" end="{when}"' if when else ""
        weight = f' weight="{r["weight"]}"' if r["weight"] is not None else ""
        yield (f'      <edge id="{_xml(r["id"])}" source="{_xml(r["source"])}" target="{_xml(r["target"])}" '
               f'label="{_xml(r["relation"])}"{weight}{span}>{values(r, edge_attrs)}</edge>\n')
    yield "    </edges>\n  </graph>\n</gexf>\n"


def write_gexf(g, path) -> None:
    with atomic_write(path) as fh:
        fh.writelines(gexf_lines(g))


_WRITERS = {"csv": (write_csv, "csv"), "parquet": (write_parquet, "parquet"), "stata": (write_stata, "dta")}


def write(g, out_dir, formats=("csv",)) -> list[str]:
    """Write the formats into `out_dir` (all files appear together); returns the file names written."""
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValueError(f"{bad[0]!r} is not a format ({', '.join(FORMATS)})")
    written = []
    data = all_tables(g) if any(f != "gexf" for f in formats) else {}
    with staged(out_dir) as stage:
        for fmt in dict.fromkeys(formats):
            if fmt == "gexf":
                write_gexf(g, Path(stage) / "graph.gexf")
                written.append("graph.gexf")
                continue
            writer, ext = _WRITERS[fmt]
            for name, columns in TABLES.items():
                writer(data[name], columns, Path(stage) / f"{name}.{ext}")
                written.append(f"{name}.{ext}")
    return written

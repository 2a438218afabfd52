"""`kg export` on the seeds, each format read back by a reader of its own: networkx (GEXF),
pandas (CSV), pyarrow (Parquet), ReadStat through pyreadstat (Stata), R's read.csv (CSV)."""
import json
import shutil
import subprocess

import networkx as nx
import pytest
from conftest import SEEDS, run_kg

from kg import export, tables, viz


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("graph")
    r = run_kg("build", *SEEDS, "-o", out)
    assert r.returncode == 0, r.stderr
    tables_dir = tmp_path_factory.mktemp("tables")
    r = run_kg("export", "--graph", out, "--format", "gexf", "--format", "csv", "--format", "parquet",
               "--format", "stata", "-o", tables_dir)
    assert r.returncode == 0, r.stderr
    visits = json.loads(run_kg("visits", "--graph", out, "--format", "json").stdout)
    return out, tables_dir, visits


def _chen_guoluo(rows):
    return [r for r in rows if r["official"] == "陈刚" and r["division"] == "果洛藏族自治州"]


def test_csv_reads_back_in_pandas(built):
    import pandas as pd

    _, d, visits = built
    v = pd.read_csv(d / "visits.csv", dtype=str, keep_default_na=False)
    assert len(v) == len(visits) == 23
    assert sorted(zip(v.official, v.target)) == sorted((r["official"], r["target"]) for r in visits)
    p = pd.read_csv(d / "panel.csv", dtype={"division_code": str})
    assert p.visits.sum() == len(visits)
    row = p[(p.official == "陈刚") & (p.division == "果洛藏族自治州")]
    assert len(row) == 1 and row.trips.item() == 1 and row.visits.item() == 3
    assert row.division_code.item() == "632600" and row.month.isna().item()  # the seeds state no year
    assert p[p.official == "刘奇凡"].trips.tolist() == [0]  # accompanying: no trip of his own
    nodes = pd.read_csv(d / "nodes.csv", dtype={"code": str})
    guoluo = nodes[nodes.label == "果洛藏族自治州"].iloc[0]
    assert guoluo.code == "632600" and guoluo.level == "prefecture" and "果洛州" in guoluo.aliases.split("|")
    assert 33 < guoluo.lat < 36 and 98 < guoluo.lon < 101
    edges = pd.read_csv(d / "edges.csv")
    assert (edges.relation == "visited").sum() == len(visits) and edges.id.is_unique


def test_parquet_reads_back_in_pyarrow(built):
    import pyarrow.parquet as pq

    _, d, visits = built
    v = pq.read_table(d / "visits.parquet")
    assert v.num_rows == len(visits)
    assert str(v.schema.field("evidence_start").type) == "int64" and str(v.schema.field("month").type) == "string"
    p = pq.read_table(d / "panel.parquet").to_pylist()
    assert sum(r["visits"] for r in p) == len(visits)
    (row,) = _chen_guoluo(p)
    assert (row["trips"], row["visits"], row["month"], row["prefecture_code"]) == (1, 3, None, "632600")
    n = pq.read_table(d / "nodes.parquet")
    assert str(n.schema.field("lat").type) == "double"


def test_stata_reads_back_in_readstat(built):
    import pyreadstat

    _, d, visits = built
    p, meta = pyreadstat.read_dta(str(d / "panel.dta"))
    assert list(p.columns) == list(tables.PANEL_COLUMNS)
    assert p.visits.sum() == len(visits)
    (row,) = _chen_guoluo(p.to_dict("records"))
    assert row["trips"] == 1 and row["visits"] == 3 and row["division_code"] == "632600" and row["month"] == ""
    v, _ = pyreadstat.read_dta(str(d / "visits.dta"))
    assert len(v) == len(visits) and any("陈刚赴果洛藏族自治州调研" in e for e in v.evidence)


def test_gexf_reads_back_in_networkx(built):
    out, d, visits = built
    h = nx.read_gexf(d / "graph.gexf")
    g = viz.load(out)
    assert h.number_of_nodes() == g.number_of_nodes() and h.number_of_edges() == g.number_of_edges()
    visited = [(u, v, a) for u, v, a in h.edges(data=True) if a["relation"] == "visited"]
    assert len(visited) == len(visits)
    assert h.nodes["Place:632600"]["label"] == "果洛藏族自治州" and h.nodes["Place:632600"]["code"] == "632600"
    assert any(u == "Official:陈刚" and v == "Place:632600" and a["role"] == "lead" for u, v, a in visited)


def test_gexf_dates_visits_for_the_timeline(tmp_path):
    g = nx.MultiDiGraph()
    g.add_node("Official:甲", type="Official", label="甲", aliases=[], titles=[])
    g.add_node("Place:630106", type="Place", label="湟中区", aliases=[], titles=[], code="630106", level="county")
    g.add_edge("Official:甲", "Place:630106", key="visited:0", relation="visited", role="lead", date="12月24日",
               iso_date="2024-12-24", file="a.txt", article=0, start=1, end=9, evidence="甲到湟中区调研。")
    export.write(g, tmp_path, ["gexf", "csv"])
    h = nx.read_gexf(tmp_path / "graph.gexf")
    (_, _, a), = h.edges(data=True)
    assert a["start"] == "2024-12-24" and a["end"] == "2024-12-24" and a["iso_date"] == "2024-12-24"
    assert (tmp_path / "panel.csv").read_text("utf-8").splitlines()[1].endswith(",2024-12,1,1")


def test_csv_reads_back_in_r(built):
    rscript = shutil.which("Rscript")
    assert rscript, "Rscript is not installed (scripts/system-deps installs Debian's r-base-core)"
    _, d, visits = built
    script = (
        f'p <- read.csv("{d / "panel.csv"}", encoding = "UTF-8", na.strings = "", '
        'colClasses = c(division_code = "character"));'
        f'v <- read.csv("{d / "visits.csv"}", encoding = "UTF-8", na.strings = "");'
        'r <- p[!is.na(p$division_code) & p$division_code == "632600" & p$trips == 1, ];'
        'cat(nrow(v), sum(p$visits), nrow(r), r$visits, is.na(r$month), "\\n");'
        'writeLines(enc2utf8(r$official), useBytes = TRUE)'
    )
    res = subprocess.run([rscript, "--vanilla", "-e", script], capture_output=True)
    assert res.returncode == 0, res.stderr.decode()
    first, name = res.stdout.decode("utf-8").splitlines()
    assert first.split() == [str(len(visits)), str(len(visits)), "1", "3", "TRUE"]
    assert name == "陈刚"


def test_export_is_reproducible_and_refuses_bad_input(built, tmp_path):
    out, d, _ = built
    again = tmp_path / "again"
    assert run_kg("export", "--graph", out, "--format", "stata", "--format", "parquet", "-o", again).returncode == 0
    for name in ("panel.dta", "visits.dta", "panel.parquet", "edges.parquet"):
        assert (again / name).read_bytes() == (d / name).read_bytes(), name
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "graph.json").write_text("{not json", "utf-8")
    r = run_kg("export", "--graph", bad, "--format", "csv", "-o", tmp_path / "t")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "not JSON" in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "t" / "nodes.csv").exists()

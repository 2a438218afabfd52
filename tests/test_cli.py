"""`kg build`, `kg visits`, `kg query` end to end on the seeds."""
import json

import pytest

from conftest import SEEDS, run_kg



@pytest.fixture(scope="module")
def graph_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("graph")
    res = run_kg("build", *map(str, SEEDS), "-o", str(out))
    assert res.returncode == 0, res.stderr
    assert "visits 2" in res.stderr  # the summary line
    return out


def test_visits_by_official(graph_dir):
    res = run_kg("visits", "--graph", str(graph_dir), "--official", "陈刚", "--format", "json")
    rows = json.loads(res.stdout)
    assert all(r["official"] == "陈刚" for r in rows)
    assert any(r["target"] == "果洛藏族自治州" and r["role"] == "lead" and r["date"] == "12月24日" for r in rows)


def test_hostile_name_is_a_name(graph_dir):
    res = run_kg("visits", "--graph", str(graph_dir), "--official", '陈刚" } UNION { ?s ?p ?o } #', "--format", "json")
    assert res.returncode == 1 and "no official named" in res.stderr, res.stderr
    assert json.loads(res.stdout) == []


def test_query_and_missing_graph(graph_dir, tmp_path):
    res = run_kg("query", "SELECT ?l WHERE { ?p a kgv:Place ; rdfs:label ?l } ORDER BY ?l", "--graph", str(graph_dir), "--format", "csv")
    assert res.returncode == 0, res.stderr
    assert "湟中区" in res.stdout.splitlines()
    res = run_kg("visits", "--graph", str(tmp_path / "none"))
    assert res.returncode != 0 and "no graph here" in res.stderr and "Traceback" not in res.stderr

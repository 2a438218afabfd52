"""No silent empty answers: a name the graph lacks, or a filter that removed everything, is
said in one line with exit 1; errors of use or input exit 2 (the codes of `kg --help`)."""
import json

import pytest
from conftest import run_kg
from test_graph import seed_build_once

from kg import queries, store


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return seed_build_once(tmp_path_factory)[1]


def test_exit_codes_are_documented():
    res = run_kg("--help")
    assert "0  found" in res.stdout and "1  nothing found" in res.stdout and "2  usage or input error" in res.stdout


def test_an_official_the_graph_does_not_hold(out):
    res = run_kg("visits", "--graph", out, "--official", "无此人")
    assert res.returncode == 1 and res.stdout == ""
    assert res.stderr.strip().splitlines() == [f"kg: no official named 无此人 in {out}/"]
    res = run_kg("visits", "--graph", out, "--official", "陈钢", "--format", "json")
    assert res.returncode == 1 and json.loads(res.stdout) == []
    assert res.stderr.strip() == f"kg: no official named 陈钢 in {out}/ (closest: 陈刚)"


def test_a_place_the_graph_does_not_hold(out):
    res = run_kg("visits", "--graph", out, "--place", "果洛藏族自治洲")
    assert res.returncode == 1 and res.stderr.startswith(f"kg: no place named 果洛藏族自治洲 in {out}/ (closest: ")
    assert "果洛藏族自治州" in res.stderr
    # a division the graph has no node for but that holds places of the graph still answers
    assert run_kg("visits", "--graph", out, "--place", "青海").returncode == 0


def test_a_date_filter_that_removes_every_visit_says_so(out):
    res = run_kg("visits", "--graph", out, "--since", "2024")
    n = len(queries.visits(store.open_graph(out)))
    assert res.returncode == 1 and n > 0
    assert res.stderr.strip() == (f"kg: none of the {n} visits in {out}/ pass the filters: "
                                  f"{n} visits have no resolved date; --undated keeps them")
    res = run_kg("visits", "--graph", out, "--since", "2024", "--undated", "--format", "json")
    assert res.returncode == 0 and len(json.loads(res.stdout)) == n


def test_a_role_filter_that_removes_every_visit_says_so(out):
    lead = [r for r in queries.visits(store.open_graph(out), official="陈刚") if r["role"] == "lead"]
    res = run_kg("visits", "--graph", out, "--official", "陈刚", "--role", "accompanying")
    assert res.returncode == 1
    assert res.stderr.strip().endswith(f"{len(lead)} visits are not in the role accompanying")


def test_empty_queries_and_listings_exit_1(out):
    res = run_kg("query", "SELECT ?x WHERE { ?x a kgv:Nothing }", "--graph", out)
    assert res.returncode == 1 and res.stderr.strip() == f"kg: no row answers the query in {out}/"
    res = run_kg("officials", "--graph", out, "--limit", "0")
    assert res.returncode == 1 and "no officials" in res.stderr
    assert run_kg("officials", "--graph", out, "--limit", "1").returncode == 0


def test_usage_and_input_errors_exit_2(out, tmp_path):
    res = run_kg("visits", "--graph", tmp_path / "nowhere")
    assert res.returncode == 2 and "no graph here" in res.stderr
    res = run_kg("query", "SELECT ?x WHERE {\n  ?x ?y", "--graph", out)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    (line,) = res.stderr.strip().splitlines()
    assert line.startswith("kg: query: syntax error at line 2, column 8: expected ")
    assert run_kg("visits", "--graph", out, "--since", "2024-13").returncode == 2

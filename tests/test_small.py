"""The small things a new user trips on: GraphML ids, `import kg`, `-o -`, readable IRIs in tables."""
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from conftest import KG, SEEDS, run_kg
from test_graph import seed_build_once

from kg import graph as kgraph


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return seed_build_once(tmp_path_factory)


def test_graphml_edge_ids_are_unique_and_read_back_by_networkx_and_igraph(built):
    import igraph

    result, out = built
    path = out / "graph.graphml"
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    ids = [e.get("id") for e in ET.parse(path).getroot().iterfind(".//g:edge", ns)]
    assert len(ids) == result.graph.number_of_edges() == len(set(ids))
    h = nx.read_graphml(path, force_multigraph=True)
    assert h.number_of_edges() == result.graph.number_of_edges()
    back = kgraph.read_graphml(path)  # the keys themselves come back
    assert sorted(back.edges(keys=True)) == sorted(result.graph.edges(keys=True))
    ig = igraph.Graph.Read_GraphML(str(path))
    assert (ig.vcount(), ig.ecount()) == (result.graph.number_of_nodes(), result.graph.number_of_edges())
    assert ig.is_directed() and sorted(ig.es["edge_key"]) == sorted(k for _, _, k in result.graph.edges(keys=True))
    assert "visited" in set(ig.es["relation"])


def test_every_documented_module_is_reachable_from_import_kg():
    code = ("import kg\n"
            "for m in ('store', 'queries', 'rdf', 'endpoint', 'extraction', 'read', 'graph', 'viz', 'plot', 'build'):\n"
            "    getattr(kg, m)\n"
            "print(kg.store.open_graph.__name__, kg.queries.visits.__name__, callable(kg.build))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["open_graph", "visits", "True"]


def test_dash_means_standard_output_everywhere(built, tmp_path):
    _, out = built
    run = lambda *a: subprocess.run(KG + [str(x) for x in a], capture_output=True, text=True, cwd=tmp_path)
    res = run("extract", SEEDS[3], "-o", "-")
    assert res.returncode == 0 and json.loads(res.stdout)["file"] == SEEDS[3].name
    res = run("viz", out, "-o", "-")
    assert res.returncode == 0 and res.stdout.lstrip().lower().startswith("<!doctype html")
    res = run("build", SEEDS[3], "-o", "-")
    assert res.returncode == 0 and "@prefix kgv:" in res.stdout and "kgv:Visit" in res.stdout
    assert not (tmp_path / "-").exists() and list(tmp_path.iterdir()) == []


def test_tables_print_readable_iris(built):
    _, out = built
    q = 'SELECT ?o WHERE { ?o a kgv:Official ; rdfs:label "陈刚"@zh }'
    res = run_kg("query", q, "--graph", out)
    assert res.returncode == 0 and res.stdout.split() == ["o", "kgr:official/陈刚"]
    res = run_kg("query", q, "--graph", out, "--format", "json")  # machine formats keep the IRI as stored
    assert json.loads(res.stdout) == [{"o": "https://w3id.org/kg-cn/id/official/%E9%99%88%E5%88%9A"}]

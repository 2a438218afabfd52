"""The graph of the seeds: one node per thing across pages, divisions with codes and
chains, relative names in context, provenance on edges, GraphML and JSON round trips.

The seeds are tagged once per session (`seed_build_once`, shared with test_rdf.py).
"""
import copy

import networkx as nx
import pytest
from conftest import ROOT, SEEDS

from kg import graph as kgraph
from kg import resolve as kresolve

SYNTHETIC = {
    # two people named 王刚, each 市委书记 of a different city; a project written with and
    # without its district, in two different regions
    "a.txt": "王刚在西宁调研\n\n本报讯(记者 张晓英)3月2日,市委书记王刚前往西宁市城北区调研,"
    "在城北区万吨有机纳米超级食品产业化项目现场了解情况。市委副秘书长李家成参加。\n",
    "b.txt": "王刚在海东调研\n\n本报讯(记者 张晓英)3月5日,市委书记王刚前往海东市乐都区调研。"
    "王刚在万吨有机纳米超级食品产业化项目现场强调,要抓好项目建设。\n",
}

_BUILD = {}


def seed_build_once(tmp_path_factory):
    """(BuildResult, output dir) of the seeds, built once per session."""
    if "seeds" not in _BUILD:
        from kg.build import run

        out = tmp_path_factory.mktemp("seeds-build")
        _BUILD["seeds"] = (run(SEEDS, out_dir=out), out)
    return _BUILD["seeds"]


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory):
    return seed_build_once(tmp_path_factory)


@pytest.fixture(scope="module")
def g(seed_build):
    return seed_build[0].graph


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    from kg.build import run

    d = tmp_path_factory.mktemp("synthetic")
    for name, text in SYNTHETIC.items():
        (d / name).write_text(text, encoding="utf-8")
    return run([d]).graph


def by_label(g, label, type_=None):
    return sorted(n for n, d in g.nodes(data=True) if d["label"] == label and (type_ is None or d["type"] == type_))


def edges(g, relation, u=None, v=None):
    return [
        (a, b, d) for a, b, d in g.edges(data=True)
        if d["relation"] == relation and (u is None or a == u) and (v is None or b == v)
    ]


# ---------------------------------------------------------------- divisions


def test_forms_of_a_division_are_one_node_labelled_with_its_full_name(g):
    golok = g.nodes["Place:632600"]
    assert golok["label"] == "果洛藏族自治州"
    assert golok["code"] == "632600"
    assert {"果洛州", "果洛"} <= set(golok["aliases"])
    assert not by_label(g, "果洛州") and not by_label(g, "果洛")
    # 青海 and 青海省, written on every page, are one node too
    assert by_label(g, "青海省", "Place") == ["Place:630000"]
    assert {"000_7e83b4c38362ee15.txt", "004_bcfb9783f9e97214.txt"} <= {
        a.split("#")[0] for a in g.nodes["Place:630000"]["articles"]
    }


def test_division_nodes_carry_codes_and_located_in_chains(g):
    node = g.nodes["Place:630106"]
    assert (node["label"], node["level"], node["chain"]) == ("湟中区", "county", ["630100", "630000"])
    # 湟中区 → 西宁市 → 青海省 along located_in edges from the codes
    path, here = [], "Place:630106"
    while True:
        up = [(b, d) for _, b, d in edges(g, "located_in", u=here) if d["basis"] == kgraph.GB2260]
        if not up:
            break
        assert len(up) == 1
        here = up[0][0]
        path.append(g.nodes[here]["label"])
    assert path == ["西宁市", "青海省"]
    assert g.nodes["Place:630000"]["chain"] == []
    # every coded place has its parent as a node and one GB/T 2260 edge to it
    for n, d in g.nodes(data=True):
        if d.get("code") and d["chain"]:
            assert [b for _, b, e in edges(g, "located_in", u=n) if e["basis"] == kgraph.GB2260] == [
                f"Place:{d['chain'][0]}"
            ]


def test_township_chain_reaches_the_province(g):
    assert g.nodes["Place:630106204"]["label"] == "海子沟乡"
    assert g.nodes["Place:630106204"]["chain"] == ["630106", "630100", "630000"]


# ---------------------------------------------------------------- organizations and officials


def test_relative_names_are_read_in_context(g):
    assert by_label(g, "省委") == [] and by_label(g, "市委") == []
    qh = g.nodes["Organization:青海省委"]
    assert {"省委", "中共青海省委"} <= set(qh["aliases"])
    assert qh["division"] == "630000"
    assert "市委" in g.nodes["Organization:西宁市委"]["aliases"]
    assert g.nodes["Organization:海西州委"]["division"] == "632800"  # 州委 in the 海西 work report
    posts = {(a, b, d["post"]) for a, b, d in edges(g, "holds_post")}
    assert ("Official:陈刚", "Organization:青海省委", "省委书记") in posts
    assert ("Official:王卫东", "Organization:西宁市委", "市委书记") in posts
    assert ("Official:王卫东", "Organization:青海省委", "省委常委") in posts


def test_one_official_across_pages(g):
    chen = g.nodes["Official:陈刚"]
    assert {a.split("#")[0] for a in chen["articles"]} == {"000_7e83b4c38362ee15.txt", "003_514ea74f013c69a9.txt"}
    assert chen["titles"][:2] == ["省委书记", "省人大常委会主任"]
    assert chen["division"] == "630000"
    assert by_label(g, "王卫东") == ["Official:王卫东"]  # 省委常委、市委书记 on 003, a name in a list on 004


def test_namesakes_with_posts_in_different_cities_stay_two(synthetic):
    g = synthetic
    wang = by_label(g, "王刚", "Official")
    assert wang == ["Official:王刚@630100", "Official:王刚@630200"]
    assert {b for _, b, _ in edges(g, "holds_post", u="Official:王刚@630100")} == {"Organization:西宁市委"}
    assert {b for _, b, _ in edges(g, "holds_post", u="Official:王刚@630200")} == {"Organization:海东市委"}
    assert {"Place:630105", "Place:630100"} <= {b for _, b, _ in edges(g, "visited", u="Official:王刚@630100")}
    assert not {b for _, b, _ in edges(g, "visited", u="Official:王刚@630200")} & {"Place:630105", "Place:630100"}


def test_a_project_with_its_district_is_the_bare_project_only_where_the_district_fits(g, synthetic):
    # seeds: 城北区万吨…项目 and 万吨…项目 on one page are one node
    name = "城北区万吨有机纳米超级食品产业化项目"
    assert by_label(g, name, "Project") == [f"Project:{name}"]
    assert not by_label(g, name[3:])
    assert g.nodes[f"Project:{name}"]["division"] == "630105"
    assert (f"Project:{name}", "Place:630105") in {(a, b) for a, b, _ in edges(g, "located_in")}
    # across pages: the bare name on a page about 海东 is not the 城北区 project
    assert by_label(synthetic, name, "Project") and by_label(synthetic, name[3:], "Project")


# ---------------------------------------------------------------- edges


def test_visits_carry_role_date_and_evidence_that_points_into_the_source(g):
    visits = edges(g, "visited", u="Official:陈刚", v="Place:632600")
    assert len(visits) == 1
    d = visits[0][2]
    assert (d["role"], d["date"], d["file"], d["article"]) == ("lead", "12月24日", "003_514ea74f013c69a9.txt", 0)
    assert "陈刚赴果洛藏族自治州调研" in d["evidence"]
    source = (ROOT / "seeds" / d["file"]).read_text(encoding="utf-8")
    assert source[d["start"]:d["end"]].replace("\n", "") == d["evidence"].replace("\n", "")
    accompanying = {a for a, _, e in edges(g, "visited", v="Place:632600") if e["role"] == "accompanying"}
    assert {"Official:刘奇凡", "Official:班果"} <= accompanying


def test_cooccurrence_is_one_weighted_edge_per_pair(g):
    pairs = [tuple(sorted((a, b))) for a, b, _ in edges(g, "cooccurs")]
    assert len(pairs) == len(set(pairs))
    weights = [d["weight"] for _, _, d in edges(g, "cooccurs")]
    assert min(weights) >= 1 and max(weights) > 1
    d = g.get_edge_data("Organization:青海省委", "Organization:青海省政府")
    assert d and sum(e["weight"] for e in d.values() if e["relation"] == "cooccurs") >= 3


def test_officials_are_not_located(g):
    assert not [a for a, _, _ in edges(g, "located_in") if g.nodes[a]["type"] in ("Official", "Person")]


# ---------------------------------------------------------------- exports and purity


def test_graphml_loads_back_with_attributes(seed_build, g):
    _, out = seed_build
    h = nx.read_graphml(out / "graph.graphml", force_multigraph=True)
    assert (h.number_of_nodes(), h.number_of_edges()) == (g.number_of_nodes(), g.number_of_edges())
    node = h.nodes["Place:630106"]
    assert (node["label"], node["code"], node["chain"], node["type"]) == ("湟中区", "630106", "630100|630000", "Place")
    visit = next(d for a, b, d in h.edges(data=True)
                 if (a, b) == ("Official:陈刚", "Place:632600") and d["relation"] == "visited")
    assert visit["role"] == "lead" and visit["date"] == "12月24日" and isinstance(visit["start"], int)
    back = kgraph.read_graphml(out / "graph.graphml")
    assert back.nodes["Place:632600"]["aliases"] == g.nodes["Place:632600"]["aliases"]


def test_node_link_json_round_trips(seed_build, g):
    _, out = seed_build
    h = kgraph.read_json(out / "graph.json")
    assert dict(h.nodes(data=True)) == dict(g.nodes(data=True))
    assert {(a, b, k): d for a, b, k, d in h.edges(keys=True, data=True)} == {
        (a, b, k): d for a, b, k, d in g.edges(keys=True, data=True)
    }
    assert h.graph["summary"] == g.graph["summary"]
    # the RDF of the graph read back is the RDF that was written
    from kg import rdf as kgrdf

    assert kgrdf.turtle(kgrdf.to_rdf(h)).encode("utf-8") == (out / "graph.ttl").read_bytes()


def test_summary_counts(seed_build):
    r, _ = seed_build
    s = r.summary
    assert (s["pages"], s["failures"]) == (5, 0)
    assert s["articles"] == 26
    assert s["entities"]["Official"] >= 40 and s["visits"] >= 10
    assert s["triples"] == len(r.rdf)


def test_resolution_and_graph_leave_their_inputs_alone(tmp_path):
    from kg.tag import tag_pages

    pages = list(tag_pages([ROOT / "seeds" / "003_514ea74f013c69a9.txt"]))
    before = copy.deepcopy(pages)
    res = kresolve.resolve(pages)
    assert pages == before
    nodes, links = dict(res.nodes), list(res.links)
    g1, g2 = kgraph.to_networkx(res), kgraph.to_networkx(res)
    assert res.nodes == nodes and res.links == links
    assert nx.utils.graphs_equal(g1, g2)
    snapshot = copy.deepcopy(g1)
    kgraph.graphml(g1)
    kgraph.to_json(g1)
    assert nx.utils.graphs_equal(g1, snapshot) and g1.graph == snapshot.graph


def test_unreadable_files_are_reported_and_the_rest_is_built(tmp_path):
    from kg.build import run

    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02\xff" * 200)
    (tmp_path / "page.txt").write_text(SYNTHETIC["a.txt"], encoding="utf-8")
    r = run([tmp_path], out_dir=tmp_path / "out")
    assert [f.path.endswith("bad.txt") for f in r.failures] == [True]
    assert r.summary["pages"] == 1 and r.summary["failures"] == 1
    assert "Official:王刚" in r.graph
    outputs = sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith("."))
    assert outputs == ["extract.jsonl", "graph.graphml", "graph.json", "graph.ttl", "store"]


def test_region_option_sets_the_home_province(tmp_path):
    from kg.tag import tag_pages

    (tmp_path / "p.txt").write_text("省委召开会议\n\n本报讯 省委召开常委会会议,研究部署有关工作。\n", encoding="utf-8")
    pages = list(tag_pages([tmp_path]))
    assert "Organization:甘肃省委" in kresolve.resolve(pages, region="甘肃").nodes
    assert "Organization:青海省委" in kresolve.resolve(pages, region="630000").nodes
    with pytest.raises(ValueError):
        kresolve.resolve(pages, region="不存在的地方")

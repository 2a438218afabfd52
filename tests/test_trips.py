"""Trips (issue 14): an article's visits as one journey, in the library, the graph, the Turtle and
`kg trips` (real pipeline, real store), and the listings counting trips."""
import json

import networkx as nx
import pytest
from conftest import ROOT, run_kg
from test_graph import seed_build_once

from kg import graph as kgraph
from kg import queries, rdf, store, trips
from kg.model import Evidence, Fact

SEED = (ROOT / "seeds" / "003_514ea74f013c69a9.txt").read_text(encoding="utf-8")
# The three tours of 12月24日 on the seed page, their stops as the text reaches them.
TOURS = {
    "陈刚": (["果洛藏族自治州"], ["阿尼玛卿雪山", "久美家园"]),
    "王卫东": (["湟中区"], ["海湖车城", "西堡夏季草莓种植基地", "湟中区新型智慧城市指挥大厅"]),
    "石建平": (["城北区", "大通回族土族自治县"],
            ["城北区万吨有机纳米超级食品产业化项目", "大通县东西部协作农文旅融合产业孵化示范园", "城关古街",
             "西北大环线自驾游首发一站式服务基地配套基础设施建设项目"]),
}
# A page whose masthead gives the year: a group of two leads, a township and a park, someone accompanying;
# then another article with a lead of its own.
DATED_PAGE = """青海日报 2024年12月25日

省领导调研生态保护工作

本报讯(记者 张三)12月24日,省委书记吴德军、省长罗东川来到玛多县调研生态保护工作。

在扎陵湖乡,吴德军、罗东川详细了解生态保护情况。

随后,吴德军、罗东川来到玛多县黄河源园区,察看湿地保护情况。

州领导李明参加。

市长王小二调研城市建设

本报讯(记者 李四)12月23日,市委副书记、市长王小二前往城东区调研城市建设工作。

在城东区某某产业园,王小二实地了解项目进展情况。
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return seed_build_once(tmp_path_factory)


@pytest.fixture(scope="module")
def out(built):
    return built[1]


@pytest.fixture(scope="module")
def seed_trips(out):
    res = run_kg("trips", "--graph", out, "--format", "json")
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


@pytest.fixture(scope="module")
def dated(tmp_path_factory):
    from kg.build import run

    d = tmp_path_factory.mktemp("trips-dated")
    (d / "pages").mkdir()
    (d / "pages" / "p1.txt").write_text(DATED_PAGE, encoding="utf-8")
    return run([d / "pages"], out_dir=d / "out"), d / "out"


def _trips(*args):
    res = run_kg("trips", *args, "--format", "json")
    rows = json.loads(res.stdout)
    assert res.returncode == (0 if rows else 1), res.stderr
    return rows, res.stderr.strip()


# ---------------------------------------------------------------- the seeds


def test_one_trip_per_tour_with_stops_in_text_order(seed_trips):
    for lead, (places, stops) in TOURS.items():
        (trip,) = [t for t in seed_trips if lead in t["lead"]]
        assert trip["lead"] == [lead]
        assert trip["stops"] == stops and trip["places"] == places
        assert trip["source"] == "003_514ea74f013c69a9.txt"
        assert trip["evidence"][0].startswith("本报讯") and "12月24日" in trip["evidence"][0]
        assert all(e in SEED.replace("\n", "") for e in trip["evidence"])
        # the order is the seed text's: each stop is first written after the one before it
        where = [SEED.index(s) for s in stops]
        assert where == sorted(where)
        assert len(trip["stop_types"]) == len(stops) and set(trip["stop_types"]) <= {"Place", "Project", "Organization"}
        assert set(trip) == set(queries.TRIP_FIELDS)


def test_with_the_publication_date_the_tours_are_dated_the_day_before(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "003.txt").write_text(SEED, encoding="utf-8")
    res = run_kg("build", tmp_path / "pages", "-o", tmp_path / "out", "--published", "2024-12-25", "--no-progress")
    assert res.returncode == 0, res.stderr
    rows, _ = _trips("--graph", tmp_path / "out")
    for lead, (places, stops) in TOURS.items():
        (trip,) = [t for t in rows if lead in t["lead"]]
        assert (trip["start"], trip["end"]) == ("2024-12-24", "2024-12-24"), trip
        assert trip["stops"] == stops
    rows, _ = _trips("--graph", tmp_path / "out", "--since", "2024-12-24", "--until", "2024-12-24")
    assert {t["lead"][0] for t in rows} >= set(TOURS)


def test_accompanying_officials_make_no_trip(seed_trips, out):
    leads = {o for t in seed_trips for o in t["lead"]}
    by_lead = {t["lead"][0]: t for t in seed_trips}
    assert by_lead["陈刚"]["accompanying"] == ["刘奇凡", "班果", "朱向峰", "何立春"]  # as the text lists them
    assert by_lead["石建平"]["accompanying"] == ["姜晓东"]
    assert all(not set(t["accompanying"]) & leads for t in seed_trips)
    rows, why = _trips("--graph", out, "--official", "刘奇凡", "--role", "lead")
    assert rows == [] and "刘奇凡 is not the lead" in why
    rows, _ = _trips("--graph", out, "--official", "刘奇凡", "--role", "accompanying")
    assert [t["lead"] for t in rows] == [["陈刚"]]


def test_filters(out):
    rows, _ = _trips("--graph", out, "--official", "王卫东")
    assert [t["lead"] for t in rows] == [["王卫东"]]
    rows, _ = _trips("--graph", out, "--official", "姜晓东")  # accompanying: the trip he took part in
    assert [t["lead"] for t in rows] == [["石建平"]]
    rows, why = _trips("--graph", out, "--official", "姜晓东", "--role", "lead")
    assert rows == [] and why == f"kg: none of the 1 trip with 姜晓东 in {out}/ pass the filters: 姜晓东 is not the lead in 1 of them"
    rows, _ = _trips("--graph", out, "--place", "湟中区")
    assert [t["lead"] for t in rows] == [["王卫东"]]
    rows, _ = _trips("--graph", out, "--place", "西宁市")  # everything inside the city
    assert sorted(t["lead"][0] for t in rows) == ["王卫东", "石建平"]
    rows, _ = _trips("--graph", out, "--place", "果洛")
    assert [t["lead"] for t in rows] == [["陈刚"]]
    rows, _ = _trips("--graph", out, "--place", "大通县", "--official", "石建平")
    assert [t["lead"] for t in rows] == [["石建平"]]
    rows, why = _trips("--graph", out, "--official", "王卫东", "--place", "果洛州")
    assert rows == [] and why == f"kg: no trip with 王卫东 to 果洛州 in {out}/"
    rows, why = _trips("--graph", out, "--official", "陈钢")
    assert rows == [] and why == f"kg: no official named 陈钢 in {out}/ (closest: 陈刚)"


def test_undated_trips_and_usage(out, seed_trips):
    # the seeds state no year: no trip has a resolved date
    assert all(t["start"] is None and t["end"] is None for t in seed_trips)
    rows, why = _trips("--graph", out, "--since", "2024-12")
    n = len(seed_trips)
    assert rows == [] and why == f"kg: none of the {n} trips in {out}/ pass the filters: {n} trips have no resolved date; --undated keeps them"
    rows, _ = _trips("--graph", out, "--since", "2024-12", "--undated")
    assert len(rows) == n
    res = run_kg("trips", "--graph", out, "--role", "lead")
    assert res.returncode == 2 and res.stderr.strip() == "kg: --role says how --official took part in a trip: give --official too"
    res = run_kg("trips", "--graph", out, "--since", "24日")
    assert res.returncode == 2


def test_table_and_csv(out):
    res = run_kg("trips", "--graph", out, "--official", "石建平")
    assert res.returncode == 0, res.stderr
    head, line = res.stdout.splitlines()
    assert head.split() == ["lead", "accompanying", "places", "stops", "start", "end", "source"]
    assert "城北区万吨有机纳米超级食品产业化项目 → " in line
    res = run_kg("trips", "--graph", out, "--official", "石建平", "--format", "csv")
    import csv
    import io

    (row,) = list(csv.DictReader(io.StringIO(res.stdout)))
    assert row["stops"].split("、") == TOURS["石建平"][1] and row["lead"] == "石建平"
    assert len(row["evidence"].splitlines()) == 5


def test_sparql_over_the_turtle_finds_trips_and_ordered_stops(out):
    db = rdf.load_store(out / "graph.ttl")  # the Turtle itself, not the build's store
    rows = rdf.select(db, """SELECT ?lead ?n ?stop WHERE {
        ?trip a kgv:Trip ; kgv:ledBy/rdfs:label ?lead ; kgv:stop ?s .
        ?s a kgv:Stop ; kgv:order ?n ; kgv:target/rdfs:label ?stop .
    } ORDER BY ?lead ?n""")
    found: dict = {}
    for r in rows:
        found.setdefault(r["lead"], []).append(r["stop"])
    for lead, (_, stops) in TOURS.items():
        assert found[lead] == stops
    # a trip is a prov:Activity made of its visits, with its divisions and evidence
    vocab = rdf.vocabulary()
    assert (rdf.KGV.Trip, rdf.RDFS.subClassOf, rdf.PROV.Activity) in vocab
    (r,) = rdf.select(db, """SELECT (COUNT(DISTINCT ?v) AS ?parts) (COUNT(DISTINCT ?e) AS ?sentences) WHERE {
        ?trip kgv:ledBy/rdfs:label "石建平"@zh ; kgv:part ?v ; kgv:evidence ?e ;
              kgv:place/rdfs:label "大通回族土族自治县"@zh ; prov:wasDerivedFrom/kgv:sourceFile ?f .
        ?v a kgv:Visit }""")
    assert int(r["parts"]) >= 6 and int(r["sentences"]) == 5


def test_shapes_and_graph_exports(built, tmp_path):
    result, _ = built
    conforms, _, report = rdf.validate(result.rdf)
    assert conforms, report
    g = result.graph
    trip_nodes = [n for n, d in g.nodes(data=True) if d["type"] == kgraph.TRIP]
    assert len(trip_nodes) == result.summary["trips"] >= 3
    visited = [d for _, _, d in g.edges(data=True) if d["relation"] == "visited"]
    assert all(d["trip"] in trip_nodes for d in visited if d.get("role") == "lead")
    kgraph.write_graphml(g, tmp_path / "g.graphml")
    h = kgraph.read_graphml(tmp_path / "g.graphml")
    assert sorted(n for n, d in h.nodes(data=True) if d["type"] == "Trip") == sorted(trip_nodes)
    stops = {}
    for u, v, d in h.edges(data=True):
        if d["relation"] == "stop":
            stops.setdefault(h.nodes[u]["label"].partition("：")[0], []).append((d["order"], h.nodes[v]["label"]))
    assert [s for _, s in sorted(stops["王卫东"])] == TOURS["王卫东"][1]
    nx.read_graphml(tmp_path / "g.graphml")  # plain networkx reads it too


def test_listings_count_trips(out):
    res = run_kg("officials", "--graph", out, "--format", "json")
    chen = next(r for r in json.loads(res.stdout) if r["official"] == "陈刚")
    assert (chen["trips"], chen["led"]) == (1, 1)  # three sentences of visits, one journey
    liu = next(r for r in json.loads(res.stdout) if r["official"] == "刘奇凡")
    assert (liu["trips"], liu["led"]) == (1, 0)
    res = run_kg("places", "--graph", out, "--format", "csv")
    assert res.stdout.splitlines()[0] == "place,code,level,trips,within,articles"
    places = {r["place"]: r for r in json.loads(run_kg("places", "--graph", out, "--format", "json").stdout)}
    assert places["果洛藏族自治州"]["trips"] == 1  # seven visit statements name it
    assert places["西宁市"]["within"] == 2 and places["湟中区"]["trips"] == 1


# ---------------------------------------------------------------- a dated page


def test_group_trip_with_dates(dated):
    result, out = dated
    rows, _ = _trips("--graph", out)
    assert [t["lead"] for t in rows] == [["王小二"], ["吴德军", "罗东川"]]  # by date: the 23rd first
    group = rows[1]
    # the township, then the park (where the recognizer ends the park's name is not what this tests)
    assert len(group["stops"]) == 2 and group["stops"][0] == "扎陵湖乡" and "黄河源" in group["stops"][1]
    assert group["places"] == ["玛多县"]
    assert group["accompanying"] == ["李明"]
    assert (group["start"], group["end"]) == ("2024-12-24", "2024-12-24")
    rows, _ = _trips("--graph", out, "--since", "2024-12-24")
    assert [t["lead"] for t in rows] == [["吴德军", "罗东川"]]
    rows, _ = _trips("--graph", out, "--until", "2024-12-23")
    assert [t["lead"] for t in rows] == [["王小二"]]
    rows, why = _trips("--graph", out, "--since", "2025")
    assert rows == [] and "2 dated trips fall outside --since 2025" in why
    rows, _ = _trips("--graph", out, "--official", "罗东川")
    assert len(rows) == 1 and rows[0]["lead"] == ["吴德军", "罗东川"]
    # the trip's IRI depends on file, article and leads only
    (t,) = [t for t in trips.from_graph(result.graph) if len(t.leads) == 2]
    assert rdf.node_iri(t.id) == rdf.URIRef(group["trip"])
    assert t.id == trips.trip_id("p1.txt", 0, ["Official:罗东川", "Official:吴德军"])


# ---------------------------------------------------------------- the rules, on facts


def _fact(official, target, start, sentence, role="lead", article=0, iso=None, typ="Place"):
    return Fact("visited", ("Official", official), (typ, target), Evidence("a.txt", article, sentence, start,
                                                                             start + len(sentence)),
                "12月", iso, role)


def test_rules_on_facts():
    facts = [
        _fact("甲", "湟中区", 0, "甲、乙到湟中区调研。", iso="2024-12-24"),
        _fact("乙", "湟中区", 0, "甲、乙到湟中区调研。", iso="2024-12-24"),
        _fact("丙", "湟中区", 20, "丙参加。", role="accompanying"),
        _fact("乙", "某某园区", 30, "在某某园区，乙察看。", typ="Project", iso="2024-12-23"),
        _fact("甲", "某某厂", 30, "在某某园区，乙察看。后到某某厂。", typ="Organization", iso="2024-12-24"),
        _fact("丁", "大通县", 0, "丁到大通县。", article=1),
        _fact("戊", "城北区", 10, "戊到城北区。", article=1),
        _fact("己", "城北区", 20, "戊在城北区时，己陪同。", role="accompanying", article=1),
    ]
    facts[4].date_end = "2024-12-26"  # a range, on Facts that have the field
    first, *rest = trips.from_facts(facts)
    assert first.leads == ["Official:甲", "Official:乙"] and first.accompanying == ["Official:丙"]
    assert [s.target for s in first.stops] == ["Project:某某园区", "Organization:某某厂"]
    assert first.places == ["Place:湟中区"]
    assert (first.start, first.end) == ("2024-12-23", "2024-12-26")
    assert len(first.visits) == 5 and len(first.evidence) == 4
    # two leads sharing no sentence: two trips; the one accompanying joins the trip just before her
    assert [(t.leads, t.accompanying) for t in rest] == [(["Official:丁"], []), (["Official:戊"], ["Official:己"])]
    # no lead, no trip
    assert trips.from_facts([_fact("丙", "湟中区", 20, "丙参加。", role="accompanying")]) == []


def test_span_counts_a_month_as_its_whole():
    v = lambda iso, end=None: trips.Visit("Official:甲", "Place:x", "lead", "a.txt", 0, iso=iso, iso_end=end)  # noqa: E731
    assert trips.span([v("2024-12-24"), v("2024-12")]) == ("2024-12", "2024-12")
    assert trips.span([v("2024-12-24"), v("2024-12-20", "2024-12-27")]) == ("2024-12-20", "2024-12-27")
    assert trips.span([v(None)]) == (None, None)

"""Querying the built graph: the on-disk store, `kg visits` with its filters, the listings and
`kg query`, on the seeds and on a page built here (real pipeline, real Oxigraph store)."""
import os
import json
import re
import shutil
from unicodedata import east_asian_width

import pytest
from conftest import run_kg
from test_graph import seed_build_once

from kg import queries, store
from kg.rdf import KGR, RDFS, load_store, select

HOSTILE = ['"} ; DROP ALL ; #', 'x" || true || "', '陈刚" } UNION { ?s ?p ?o } #', "陈刚'} #\\", "陈刚\\", "}\n#"]
# A page of a paper whose masthead gives the year, so that visit dates resolve to ISO dates.
DATED_PAGE = """青海日报 2024年12月25日

州委书记吴德军深入玛多县调研

本报讯(记者 张三)12月24日,果洛州委书记吴德军赴玛多县调研。

在扎陵湖乡,吴德军详细了解生态保护情况。
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return seed_build_once(tmp_path_factory)


@pytest.fixture(scope="module")
def out(built):
    return built[1]


@pytest.fixture(scope="module")
def db(out):
    return store.open_graph(out)


@pytest.fixture(scope="module")
def dated(tmp_path_factory):
    """The store of a one-page graph with resolved dates."""
    from kg.build import run

    d = tmp_path_factory.mktemp("dated")
    (d / "pages").mkdir()
    (d / "pages" / "p1.txt").write_text(DATED_PAGE, encoding="utf-8")
    run([d / "pages"], out_dir=d / "out")
    return store.open_graph(d / "out")


def _visits(*args) -> list[dict]:
    res = run_kg("visits", *args, "--format", "json")
    rows = json.loads(res.stdout)
    assert res.returncode == (0 if rows else 1), res.stderr  # exit 1: nothing found
    return rows


# ---------------------------------------------------------------- the store


def test_build_fills_a_store_that_holds_the_graph(built, out, db):
    result, _ = built
    assert (out / "store").is_dir() and store.fresh(out)
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [".kg-sets"]  # no temporary folder left
    assert [p.name for p in (out / ".kg-sets").iterdir() if p.name != "current"] == [os.readlink(out / ".kg-sets" / "current")]
    assert len(db) == len(result.rdf) == result.summary["triples"]
    rows = select(db, 'SELECT ?code WHERE { ?p rdfs:label "果洛藏族自治州"@zh ; kgv:gbCode ?code }')
    assert rows == [{"code": "632600"}]
    stamp = json.loads((out / "store" / store.STAMP).read_text("utf-8"))
    assert stamp["triples"] == len(result.rdf) and stamp["size"] == (out / "graph.ttl").stat().st_size


def test_store_is_replaced_whole_and_a_stale_one_is_not_used(out, tmp_path):
    d = tmp_path / "g"
    d.mkdir()
    shutil.copy2(out / "graph.ttl", d / "graph.ttl")
    store.build(d / "graph.ttl", d)
    first = len(store.open_graph(d))
    store.build(d / "graph.ttl", d)  # a second build replaces the first
    assert sorted(p.name for p in d.iterdir()) == ["graph.ttl", "store"]
    assert len(store.open_graph(d)) == first

    # graph.ttl changed after the store was made: the store is stale, graph.ttl is what counts
    with (d / "graph.ttl").open("a", encoding="utf-8") as fh:
        fh.write('\n<https://w3id.org/kg-cn/id/place/x> <http://www.w3.org/2000/01/rdf-schema#label> "新地"@zh .\n')
    assert not store.fresh(d)
    assert len(store.open_graph(d)) == first + 1

    # a copy that lost the files' times but kept their bytes still uses its store
    store.build(d / "graph.ttl", d)
    e = tmp_path / "copy"
    shutil.copytree(d, e, copy_function=shutil.copyfile)
    assert store.fresh(e) and len(store.open_graph(e)) == first + 1

    # a build that fails (broken Turtle) leaves the store it had, and no half store
    before = (d / "store" / store.STAMP).read_bytes()
    (d / "graph.ttl").write_text("@prefix broken", encoding="utf-8")
    with pytest.raises(SyntaxError):
        store.build(d / "graph.ttl", d)
    assert (d / "store" / store.STAMP).read_bytes() == before
    assert sorted(p.name for p in d.iterdir()) == ["graph.ttl", "store"]
    res = run_kg("visits", "--graph", d)  # the store is stale and graph.ttl is broken: one line
    assert res.returncode == 2 and "graph.ttl: not valid Turtle" in res.stderr and "Traceback" not in res.stderr


# ---------------------------------------------------------------- kg visits


def test_visits_in_qinghai_take_in_its_prefectures_counties_and_sites(out):
    rows = _visits("--graph", out, "--place", "青海")
    assert {"official", "target", "target_type", "date", "role", "evidence", "source"} <= set(rows[0])
    targets = {r["target"] for r in rows}
    assert {"果洛藏族自治州", "湟中区"} <= targets
    assert ("陈刚", "果洛藏族自治州", "lead") in {(r["official"], r["target"], r["role"]) for r in rows}
    assert any(r["target_type"] == "Project" for r in rows)  # sites inside counties, by kgv:locatedIn
    golok = next(r for r in rows if r["target"] == "果洛藏族自治州" and r["official"] == "陈刚")
    assert golok["source"] == "003_514ea74f013c69a9.txt" and "陈刚赴果洛藏族自治州调研" in golok["evidence"]
    assert golok["date"] == "12月24日" and golok["target_type"] == "Place"
    # the province is the sum of its parts
    xining, golok_all = _visits("--graph", out, "--place", "西宁"), _visits("--graph", out, "--place", "果洛州")
    key = lambda r: (r["official"], r["target"], r["source"], r["start"])
    assert {key(r) for r in xining} | {key(r) for r in golok_all} <= {key(r) for r in rows}
    assert not {r["official"] for r in xining} & {"陈刚"}


def test_place_by_division_code_when_the_graph_has_no_node_for_it(out):
    db = load_store(out / "graph.ttl")  # in memory, so that it can be changed
    province = KGR["place/630000"]
    db.update(f"DELETE WHERE {{ <{province}> ?p ?o }} ; DELETE WHERE {{ ?s ?p <{province}> }}")
    assert select(db, 'ASK { ?p rdfs:label|skos:altLabel "青海省"@zh }') == [{"result": "false"}]
    assert queries.place_codes(db, "青海") == ["63"]
    for name in ("青海", "青海省"):
        targets = {r["target"] for r in queries.visits(db, place=name)}
        assert {"果洛藏族自治州", "湟中区"} <= targets, name


def test_names_match_every_form(db, out, tmp_path):
    assert queries.visits(db, place="果洛州") == queries.visits(db, place="果洛藏族自治州") != []
    assert queries.visits(db, place="大通县") == queries.visits(db, place="大通回族土族自治县") != []
    # an official known by another name (an alias the resolver would write as skos:altLabel)
    d = tmp_path / "g"
    d.mkdir()
    shutil.copy2(out / "graph.ttl", d / "graph.ttl")
    with (d / "graph.ttl").open("a", encoding="utf-8") as fh:
        fh.write(f'\n<{KGR["official/%E9%99%88%E5%88%9A"]}> <http://www.w3.org/2004/02/skos/core#altLabel> "陈刚同志"@zh .\n')
    by_alias = _visits("--graph", d, "--official", "陈刚同志")
    assert by_alias and by_alias == _visits("--graph", d, "--official", "陈刚")
    assert {r["official"] for r in by_alias} == {"陈刚"}


def test_hostile_names_are_names(db, out):
    triples = len(db)
    for name in HOSTILE:
        assert queries.visits(db, official=name) == []
        assert queries.visits(db, place=name) == []
        assert queries.visits(db, official=name, place=name) == []
    assert len(db) == triples
    res = run_kg("visits", "--graph", out, "--official", HOSTILE[0], "--place", HOSTILE[1], "--format", "json")
    assert res.returncode == 1 and json.loads(res.stdout) == [], res.stderr


def test_dates_and_roles(dated, db):
    rows = queries.visits(dated)
    assert {(r["official"], r["target"], r["date"], r["date_written"]) for r in rows} >= {
        ("吴德军", "玛多县", "2024-12-24", "12月24日")}
    md = lambda **kw: {r["target"] for r in queries.visits(dated, place="玛多县", **kw)}
    assert "玛多县" in md()
    for since in ("2024", "2024-12", "2024-12-24"):
        assert "玛多县" in md(since=since), since
    for until in ("2024", "2024-12", "2024-12-24"):
        assert "玛多县" in md(until=until), until
    assert "玛多县" in md(since="2024-12-24", until="2024-12-24")
    assert md(since="2024-12-25") == md(since="2025") == md(until="2024-12-23") == md(until="2023") == set()
    # the seeds' pages give no year: their visits have no ISO date and a date filter leaves them out
    assert queries.visits(db, official="陈刚") and queries.visits(db, official="陈刚", since="1900") == []
    leads, acc = queries.visits(db, role="lead"), queries.visits(db, role="accompanying")
    assert leads and acc and {r["role"] for r in leads} == {"lead"} and {r["role"] for r in acc} == {"accompanying"}
    assert len(leads) + len(acc) == len(queries.visits(db))
    assert ("陈刚", "果洛藏族自治州") in {(r["official"], r["target"]) for r in leads}
    for bad in ("2024-13", "24-12", "2024/12/24", "2024-12-24T00", '2024" || "'):
        with pytest.raises(ValueError):
            queries.visits(db, since=bad)
    with pytest.raises(ValueError):
        queries.visits(db, role="host")


def test_cli_filters_and_bad_dates(out):
    rows = _visits("--graph", out, "--place", "青海", "--role", "accompanying")
    assert rows and {r["role"] for r in rows} == {"accompanying"}
    assert _visits("--graph", out, "--since", "2024-01") == []
    res = run_kg("visits", "--graph", out, "--since", "2024-13")
    assert res.returncode == 2 and "'2024-13' is not a date" in res.stderr and "Traceback" not in res.stderr


def _cells(line: str) -> list[str]:
    """A line as terminal cells: a wide character fills two."""
    out = []
    for c in line:
        out += [c, ""] if east_asian_width(c) in "WF" else [c]
    return out


def test_table_is_aligned_for_chinese(out):
    res = run_kg("visits", "--graph", out, "--place", "青海")
    lines = res.stdout.splitlines()
    header = lines[0]
    assert header.split() == ["official", "target", "target_type", "date", "role", "evidence", "source"]
    assert len(lines) > 5
    starts = [m.start() for m in re.finditer(r"\S+", header)]  # the header is ASCII: characters are cells
    for line in lines[1:]:
        cells = _cells(line)
        for i, at in enumerate(starts[1:], 1):  # every column begins at its header's cell, after a blank
            assert cells[at - 1] == " ", (line, at)
            if header.split()[i] in ("target", "target_type", "source"):  # never empty
                assert cells[at] not in (" ", ""), (line, at)
    assert any("…" in line for line in lines[1:])  # long evidence is clipped in the table (JSON has it whole)
    assert all(len(_cells(line)) < 250 for line in lines)


# ---------------------------------------------------------------- listings


def test_officials_places_projects(db, out):
    officials = queries.officials(db)
    chen = next(r for r in officials if r["official"] == "陈刚")
    # trips, not visit statements: the seeds report one journey of his (kg.trips)
    assert chen["trips"] == chen["led"] == 1 and chen["posts"] >= 2 and chen["articles"] >= 1
    assert "省委书记" in chen["titles"]
    assert [r["trips"] for r in officials] == sorted((r["trips"] for r in officials), reverse=True)
    trips = queries.trips(db)
    assert sum(r["led"] for r in officials) == sum(len(t["lead"]) for t in trips)
    assert sum(r["trips"] for r in officials) == sum(len(t["lead"]) + len(t["accompanying"]) for t in trips)

    places = {r["place"]: r for r in queries.places(db)}
    assert places["青海省"]["code"] == "630000" and places["青海省"]["level"] == "province"
    assert places["青海省"]["within"] >= places["果洛藏族自治州"]["within"] + places["西宁市"]["within"]
    assert places["果洛藏族自治州"]["trips"] == 1 and places["湟中区"]["within"] >= places["湟中区"]["trips"] >= 1
    assert places["青海省"]["within"] == len(trips)  # every seed trip is in the province, each counted once
    assert all(r["within"] >= r["trips"] for r in places.values())

    projects = queries.projects(db)
    assert projects and all(set(r) == {"project", "place", "visits", "articles"} for r in projects)
    visited = {r["project"]: r for r in projects if r["visits"]}
    assert any(r["place"] in ("湟中区", "城北区", "大通回族土族自治县") for r in visited.values())

    res = run_kg("officials", "--graph", out, "--format", "csv", "--limit", "3")
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[0] == "official,titles,trips,led,posts,articles"
    assert len(res.stdout.splitlines()) == 4
    res = run_kg("places", "--graph", out, "--format", "json")
    assert {r["place"] for r in json.loads(res.stdout)} == set(places)
    res = run_kg("projects", "--graph", out)
    assert res.stdout.split("\n")[0].split() == ["project", "place", "visits", "articles"]


# ---------------------------------------------------------------- kg query


def test_query_select_ask_construct_and_errors(out):
    res = run_kg("query", 'SELECT ?code WHERE { ?p rdfs:label "湟中区"@zh ; kgv:gbCode ?code }', "--graph", out,
                 "--format", "json")
    assert json.loads(res.stdout) == [{"code": "630106"}]
    res = run_kg("query", 'ASK { ?p skos:altLabel "果洛州"@zh }', "--graph", out, "--format", "csv")
    assert res.stdout.split() == ["result", "true"]
    res = run_kg("query", "CONSTRUCT { ?p rdfs:label ?l } WHERE { ?p kgv:gbCode \"632600\" ; rdfs:label ?l }",
                 "--graph", out, "--format", "json")
    assert json.loads(res.stdout) == [{"subject": str(KGR["place/632600"]), "predicate": str(RDFS.label),
                                       "object": "果洛藏族自治州"}]
    res = run_kg("query", "SELECT ?x WHERE { ?x", "--graph", out)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "syntax error at line 1, column" in res.stderr

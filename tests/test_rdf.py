"""graph.ttl of the seeds: parses with rdflib, loads into Oxigraph and answers SPARQL,
conforms to the SHACL shapes, uses only defined terms, and is byte-identical across builds."""
import os
import subprocess
import sys

import pyoxigraph
import pyshacl
import pytest
import rdflib
from conftest import ROOT
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS
from test_graph import seed_build_once

from kg import queries
from kg import rdf as kgrdf
from kg.rdf import KGR, KGV

PREFIXES = """
PREFIX kgv:  <https://w3id.org/kg-cn/vocab#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX org:  <http://www.w3.org/ns/org#>
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return seed_build_once(tmp_path_factory)


@pytest.fixture(scope="module")
def ttl(built):
    return (built[1] / "graph.ttl").read_bytes()


@pytest.fixture(scope="module")
def parsed(ttl):
    g = rdflib.Graph()
    g.parse(data=ttl.decode("utf-8"), format="turtle")
    return g


@pytest.fixture(scope="module")
def store(ttl):
    s = pyoxigraph.Store()  # embedded, in memory
    s.load(ttl, format=pyoxigraph.RdfFormat.TURTLE)
    return s


def select(store, query) -> list[dict]:
    solutions = store.query(PREFIXES + query)
    names = [v.value for v in solutions.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in solutions]


def test_turtle_parses_to_the_graph_that_was_built(built, parsed, store):
    r, _ = built
    assert len(parsed) == len(r.rdf) > 1000
    assert isomorphic(parsed, r.rdf)
    assert len(store) == len(parsed)
    # canonical: writing what was read gives the same bytes
    assert kgrdf.turtle(parsed) == kgrdf.turtle(r.rdf)


def test_sparql_visits_of_chen_gang_name_golok_with_date_and_evidence(store):
    rows = select(store, """
        SELECT ?target ?code ?date ?role ?text ?file ?start WHERE {
          ?official a kgv:Official ; rdfs:label "陈刚"@zh .
          ?visit a kgv:Visit ; kgv:visitor ?official ; kgv:target ?t ; kgv:role ?role ;
                 kgv:evidence ?ev ; prov:wasDerivedFrom ?article .
          OPTIONAL { ?visit kgv:dateWritten ?date }
          OPTIONAL { ?t kgv:gbCode ?code }
          ?t rdfs:label ?target .
          ?ev kgv:text ?text ; kgv:startOffset ?start .
          ?article kgv:sourceFile ?file .
        }""")
    golok = [r for r in rows if r["target"] == "果洛藏族自治州"]
    assert len(golok) == 1, rows
    row = golok[0]
    assert row["code"] == "632600"
    assert row["date"] == "12月24日"
    assert row["role"] == str(KGV.lead)
    assert "陈刚赴果洛藏族自治州调研" in row["text"]
    assert row["file"] == "003_514ea74f013c69a9.txt"
    source = (ROOT / "seeds" / row["file"]).read_text(encoding="utf-8")
    assert source[int(row["start"]):].replace("\n", "").startswith(row["text"][:20])


def test_sparql_follows_located_in_chains(store):
    rows = select(store, """
        SELECT ?label WHERE { ?p kgv:gbCode "630106" ; kgv:locatedIn+ ?up . ?up rdfs:label ?label }""")
    assert sorted(r["label"] for r in rows) == ["西宁市", "青海省"]


def test_sparql_posts_in_organizations(store):
    rows = select(store, """
        SELECT ?post ?orgname WHERE {
          ?o rdfs:label "陈刚"@zh ; org:holds ?p . ?p rdfs:label ?post ; org:postIn ?org . ?org rdfs:label ?orgname }""")
    assert {(r["post"], r["orgname"]) for r in rows} >= {("青海省委书记", "青海省委"), ("青海省人大常委会主任", "青海省人大常委会")}


def test_every_entity_has_one_chinese_label(parsed):
    entities = {s for c in (KGV.Official, KGV.Person, KGV.Organization, KGV.Place, KGV.Project)
                for s in parsed.subjects(RDF.type, c)}
    assert len(entities) > 200
    for s in entities:
        labels = list(parsed.objects(s, RDFS.label))
        assert len(labels) == 1 and labels[0].language == "zh", (s, labels)


def test_shacl_conformance(parsed):
    conforms, _, text = pyshacl.validate(parsed, shacl_graph=kgrdf.shapes(), ont_graph=kgrdf.vocabulary(),
                                         inference="none")
    assert conforms, text


def test_shacl_shapes_catch_a_broken_graph(parsed):
    broken = rdflib.Graph()
    for t in parsed:
        broken.add(t)
    visit = next(parsed.subjects(RDF.type, KGV.Visit))
    broken.remove((visit, KGV.visitor, None))  # a visit without its visitor
    golok = KGR["place/632600"]
    broken.remove((golok, RDFS.label, None))
    broken.add((golok, RDFS.label, rdflib.Literal("Golok")))  # a label without @zh
    conforms, _, text = pyshacl.validate(broken, shacl_graph=kgrdf.shapes(), ont_graph=kgrdf.vocabulary())
    assert not conforms
    assert "MinCountConstraintComponent" in text and "kgv:visitor" in text
    assert "LanguageInConstraintComponent" in text


def test_terms_used_are_defined_in_the_vocabulary(parsed):
    vocab = kgrdf.vocabulary()
    defined = set(vocab.subjects())
    used = {p for p in parsed.predicates() if str(p).startswith(str(KGV))}
    used |= {o for o in parsed.objects(None, RDF.type) if str(o).startswith(str(KGV))}
    used |= {o for o in parsed.objects(None, KGV.role)}
    assert used and used <= defined, used - defined
    # and the vocabulary itself is a valid ontology document
    assert (rdflib.URIRef("https://w3id.org/kg-cn/vocab"), RDF.type, rdflib.OWL.Ontology) in vocab


def test_iris_are_stable_names_not_counters(parsed):
    assert kgrdf.node_iri("Place:630106") == KGR["place/630106"]
    assert kgrdf.node_iri("Official:陈刚") == KGR["official/%E9%99%88%E5%88%9A"]
    assert (kgrdf.node_iri("Official:陈刚"), RDF.type, KGV.Official) in parsed
    assert not any(isinstance(t, rdflib.BNode) for triple in parsed for t in triple)
    assert (KGR["article/003_514ea74f013c69a9.txt/0"], KGV.articleIndex, rdflib.Literal(0)) in parsed


def test_two_builds_are_byte_identical(built, tmp_path):
    """A second build in a fresh process, another hash seed and another working directory."""
    _, first = built
    env = dict(os.environ, PYTHONHASHSEED="4242", PYTHONPATH=str(ROOT))
    code = "import sys; from kg.build import run; run([sys.argv[1]], out_dir=sys.argv[2])"
    subprocess.run([sys.executable, "-c", code, str(ROOT / "seeds"), "out"], cwd=tmp_path, env=env, check=True,
                   capture_output=True)
    for name in ("graph.ttl", "graph.graphml", "graph.json", "extract.jsonl"):
        assert (tmp_path / "out" / name).read_bytes() == (first / name).read_bytes(), name


def test_visits_query_by_official_and_by_place(built):
    _, out = built
    store = kgrdf.load_store(out / "graph.ttl")
    chen = queries.visits(store, official="陈刚")
    assert ("果洛藏族自治州", "lead", "12月24日") in {(r["target"], r["role"], r["date"]) for r in chen}
    assert {r["official"] for r in chen} == {"陈刚"}
    # a place by another of its forms, and everything located in it
    golok = {(r["official"], r["role"]) for r in queries.visits(store, place="果洛州")}
    assert ("陈刚", "lead") in golok and ("刘奇凡", "accompanying") in golok
    xining = {(r["official"], r["target"]) for r in queries.visits(store, place="西宁")}
    assert ("王卫东", "湟中区") in xining and ("石建平", "城北区万吨有机纳米超级食品产业化项目") in xining
    assert not {o for o, _ in xining} & {"陈刚"}

"""Pages → graph, in one call: tag, relate, resolve, and write every output.

    from kg.build import build, run
    g = build(["seeds/"])                      # a networkx MultiDiGraph
    r = run(["seeds/"], out_dir="out/")        # BuildResult(graph, rdf, summary, failures)

With `out_dir`, `run` writes (each file atomically):
    graph.graphml   GraphML (list attributes joined with "|")
    graph.json      node-link JSON
    graph.ttl       canonical Turtle in the kg-cn vocabulary (byte-identical for the same input)
    extract.jsonl   one record per page in the evaluation format (GUIDELINE.md)
Unreadable files are reported in `failures` and never stop the build.
"""
from __future__ import annotations

import importlib
import importlib.util
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import networkx as nx
import rdflib

from . import graph as kgraph
from . import rdf as kgrdf
from .atomic import atomic_write
from .model import Fact
from .resolve import resolve

OUTPUTS = ("graph.graphml", "graph.json", "graph.ttl", "extract.jsonl")
# Fact families of kg.relations, each a function of one TaggedArticle.
RELATIONS = ("visits", "holds_post", "located_in", "cooccurrences")


@dataclass
class BuildResult:
    graph: nx.MultiDiGraph
    rdf: rdflib.Graph
    summary: dict
    failures: list = field(default_factory=list)  # kg.extraction.Failure
    outputs: dict = field(default_factory=dict)  # name → path written


def _relations():
    """kg.relations if it exists (an error inside it is raised, not taken for absence)."""
    if importlib.util.find_spec("kg.relations") is None:
        return None
    return importlib.import_module("kg.relations")


def _page_year(articles) -> int | None:
    try:
        from . import dates
    except ImportError:
        return None
    for ta in articles:
        y = dates.page_year(ta.article.text)
        if y:
            return y
    return None


def page_facts(articles, relations=None) -> list[Fact]:
    """Every fact kg.relations reads from the articles of one page."""
    relations = relations if relations is not None else _relations()
    if relations is None:
        return []
    year = _page_year(articles)
    facts: list[Fact] = []
    for name in RELATIONS:
        fn = getattr(relations, name, None)
        if fn is None:
            continue
        for ta in articles:
            facts += fn(ta, year=year) if name == "visits" else fn(ta)
    return facts


def run(paths: Iterable, out_dir=None, region: str | None = None) -> BuildResult:
    """Tag the pages, read their facts, resolve, and build the graph (and the files, with `out_dir`)."""
    from .extraction import Failure, file_record, tag_pages

    relations = _relations()
    pages, failures, facts, records = [], [], [], []
    for item in tag_pages(paths):
        if isinstance(item, Failure):
            failures.append(item)
            continue
        pages.append(item)
        facts += page_facts(item.articles, relations)
        visits = relations.page_visits(item.articles) if relations and hasattr(relations, "page_visits") else []
        records.append(file_record(item, visits=visits))

    res = resolve(pages, facts, region=region)
    g = kgraph.to_networkx(res)
    rdf = kgrdf.to_rdf(g)
    summary = _summary(pages, failures, g, rdf)
    g.graph["summary"] = summary
    result = BuildResult(g, rdf, summary, failures)
    if out_dir is not None:
        result.outputs = write(result, records, out_dir)
    return result


def build(paths: Iterable, out_dir=None, region: str | None = None) -> nx.MultiDiGraph:
    """The knowledge graph of the pages under `paths` (see `run` for the summary and failures)."""
    return run(paths, out_dir=out_dir, region=region).graph


def write(result: BuildResult, records: list[dict], out_dir) -> dict:
    from .extraction import dumps

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / name for name in OUTPUTS}
    kgraph.write_graphml(result.graph, paths["graph.graphml"])
    kgraph.write_json(result.graph, paths["graph.json"])
    kgrdf.write_turtle(result.rdf, paths["graph.ttl"])
    with atomic_write(paths["extract.jsonl"]) as fh:
        for rec in records:
            fh.write(dumps(rec) + "\n")
    return {k: str(v) for k, v in paths.items()}


def _summary(pages, failures, g: nx.MultiDiGraph, rdf: rdflib.Graph) -> dict:
    types = Counter(d["type"] for _, d in g.nodes(data=True) if d.get("mentions", 0) > 0)
    relations = Counter(d["relation"] for _, _, d in g.edges(data=True))
    return {
        "pages": len(pages),
        "articles": sum(len(p.articles) for p in pages),
        "failures": len(failures),
        "entities": dict(sorted(types.items())),
        "nodes": g.number_of_nodes(),
        "edges": dict(sorted(relations.items())),
        "visits": relations.get("visited", 0),
        "triples": len(rdf),
    }

"""Pages → graph, in one call: tag, relate, resolve, and write every output.

    from kg.build import build, run
    g = build(["seeds/"])                      # a networkx MultiDiGraph
    r = run(["seeds/"], out_dir="out/")        # BuildResult(graph, rdf, summary, failures)

With `out_dir`, `run` writes (each file atomically):
    graph.graphml   GraphML (list attributes joined with "|")
    graph.json      node-link JSON
    graph.ttl       canonical Turtle in the kg-cn vocabulary (byte-identical for the same input)
    store/          an on-disk Oxigraph store of graph.ttl, for `kg visits` and `kg query` (kg/store.py)
    extract.jsonl   one record per page in the evaluation format (GUIDELINE.md)
Unreadable files are reported in `failures` and never stop the build; when no page at all
can be read, `run` raises kg.errors.NothingRead and writes nothing. The outputs are switched
to as one set (kg.atomic.staged): a build killed at any moment leaves the previous set.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import networkx as nx
import rdflib

from . import graph as kgraph
from . import rdf as kgrdf
from .atomic import atomic_write, staged
from .errors import NothingRead
from .model import Fact
from .resolve import resolve

OUTPUTS = ("graph.graphml", "graph.json", "graph.ttl", "extract.jsonl", "store")
# Fact families of kg.relations, each a function of one TaggedArticle.
RELATIONS = ("visits", "holds_post", "located_in", "cooccurrences")


@dataclass
class BuildResult:
    graph: nx.MultiDiGraph
    rdf: rdflib.Graph
    summary: dict
    failures: list = field(default_factory=list)  # kg.tag.Failure
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
    officials = {m.text for ta in articles for m in ta.mentions if m.label == "OFFICIAL"}
    facts: list[Fact] = []
    for name in RELATIONS:
        fn = getattr(relations, name, None)
        if fn is None:
            continue
        for ta in articles:
            facts += fn(ta, year=year, officials=officials) if name == "visits" else fn(ta)
    return facts


def run(
    paths: Iterable,
    out_dir=None,
    region: str | None = None,
    *,
    jobs: int = 1,
    dask=None,
    cache=None,
    progress: bool = False,
    published=None,
) -> BuildResult:
    """Tag the pages, read their facts, resolve, and build the graph (and the files, with `out_dir`).

    Tagging is spread over `jobs` processes (0: one per core) or the workers of
    the Dask scheduler at `dask` (tcp://host:port, or a distributed.Client);
    the graph is the same either way. `cache` is a folder of tagged pages
    (True: OUT/.cache) so that a rebuild tags only new or changed pages.
    `progress` draws a bar on stderr when it is a terminal. The summary adds
    how many pages were `tagged` and how many came from the `cached` pages. `published`
    (YYYY-MM-DD) is every page's publication date, which visit dates resolve against; without it
    a page's is read from its file name, its JSONL record or its masthead (kg.dates.publication).
    """
    from .extraction import file_record
    from .tag import Failure, tag_pages

    relations = _relations()
    paths = list(paths)  # named again in the error when nothing is read
    store = _open_cache(cache, out_dir)
    stats: dict = {}
    pages, failures, facts = [], [], []
    records = _Spool(out_dir) if out_dir is not None else None
    try:
        for item in tag_pages(paths, jobs=jobs, dask=dask, cache=store, stats=stats, progress=progress,
                              published=published):
            if isinstance(item, Failure):
                failures.append(item)
                continue
            facts += page_facts(item.articles, relations)
            if records is not None:
                visits = relations.page_visits(item.articles) if relations and hasattr(relations, "page_visits") else []
                records.append(file_record(item, visits=visits))
            pages.append(_slim(item))
        if not pages:  # an empty graph would replace the previous one for nothing
            raise NothingRead(paths, failures)

        res = resolve(pages, facts, region=region)
        g = kgraph.to_networkx(res)
        rdf = kgrdf.to_rdf(g)
        summary = _summary(pages, failures, g, rdf)
        g.graph["summary"] = summary  # written into graph.json: only what the input determines
        result = BuildResult(g, rdf, {**summary, "tagged": stats["tagged"], "cached": stats["cached"]}, failures)
        if out_dir is not None:
            result.outputs = write(result, records, out_dir)
    finally:
        if records is not None:
            records.close()
    return result


def build(paths: Iterable, out_dir=None, region: str | None = None, **options) -> nx.MultiDiGraph:
    """The knowledge graph of the pages under `paths` (see `run` for the options, summary and failures)."""
    return run(paths, out_dir=out_dir, region=region, **options).graph


def _open_cache(cache, out_dir):
    from .cache import Cache

    if cache is None or cache is False:
        return None
    if cache is True:
        if out_dir is None:
            raise ValueError("cache=True keeps the cache in the output folder: give out_dir, or a cache folder")
        cache = Path(out_dir) / ".cache"
    store = Cache(cache)
    store.prune()
    return store


def _slim(tp):
    """The page as resolve reads it: mentions, article metadata and the sentences mentions sit in.

    The page's and articles' texts and the sentences without a mention are
    dropped, since the pages of the whole corpus stay in memory until resolved.
    """
    from dataclasses import replace

    arts = []
    for ta in tp.articles:
        used = {m.sentence for m in ta.mentions}
        sents = [s if i in used else replace(s, text="") for i, s in enumerate(ta.sentences)]
        arts.append(replace(ta, article=replace(ta.article, text=""), sentences=sents))
    return replace(tp, page=replace(tp.page, text="", articles=[ta.article for ta in arts]), articles=arts)


class _Spool:
    """Records kept in a temporary file beside the outputs until they are written, not in memory."""

    def __init__(self, out_dir):
        import tempfile

        from .extraction import dumps

        Path(out_dir).mkdir(parents=True, exist_ok=True)
        self._fh = tempfile.TemporaryFile("w+", encoding="utf-8", dir=out_dir)
        self._dumps = dumps

    def append(self, record: dict) -> None:
        self._fh.write(self._dumps(record) + "\n")

    def __iter__(self):
        import json

        self._fh.flush()
        self._fh.seek(0)
        for line in self._fh:
            yield json.loads(line)

    def close(self) -> None:
        self._fh.close()


def write(result: BuildResult, records: list[dict], out_dir) -> dict:
    from . import store as kgstore
    from .extraction import dumps

    out = Path(out_dir)
    with staged(out) as stage:  # a Ctrl-C, a crash or kill -9 leaves the previous set of outputs
        paths = {name: stage / name for name in OUTPUTS}
        kgraph.write_graphml(result.graph, paths["graph.graphml"])
        kgraph.write_json(result.graph, paths["graph.json"])
        kgrdf.write_turtle(result.rdf, paths["graph.ttl"])
        kgstore.build(paths["graph.ttl"], stage)  # the Oxigraph store queries use, from the Turtle just written
        with atomic_write(paths["extract.jsonl"]) as fh:
            for rec in records:
                fh.write(dumps(rec) + "\n")
    return {name: str(out / name) for name in OUTPUTS}


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
        "trips": sum(1 for _, d in g.nodes(data=True) if d.get("type") == kgraph.TRIP),
        "triples": len(rdf),
    }


class _CallableModule(types.ModuleType):
    """`kg.build(paths)` calls `build`: the package's shortcut and this module share the name."""

    def __call__(self, paths: Iterable, **kw) -> nx.MultiDiGraph:
        return build(paths, **kw)


sys.modules[__name__].__class__ = _CallableModule

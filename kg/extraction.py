"""The per-file evaluation record (GUIDELINE.md): an output of the pipeline, like the graph.

It reads what the stages before it made (tagged pages, their entities, their visits) and
imports them all; no stage imports it.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

from .grouping import page_entities
from .model import TYPES
from .relations import page_visits
from .tag import Failure, TaggedPage, read_pages, tag_pages  # noqa: F401 (read_pages: kept in the API)


def file_record(tp: TaggedPage, visits: list[dict] | None = None) -> dict:
    ents = []
    for e in page_entities(tp.articles):
        name = e.name()
        rec = {"name": name, "type": e.type, "aliases": sorted(f for f in e.forms if f != name)}
        if e.type == "Official":
            rec["titles"] = e.titles
        if e.code:
            rec["code"] = e.code
        ents.append(rec)
    ents.sort(key=lambda r: (list(TYPES.values()).index(r["type"]), r["name"]))
    return {"file": _file_name(tp.page.source), "entities": ents, "visits": visits or []}


def _file_name(source: str) -> str:
    return Path(source).name


def extract(paths: Iterable, **options) -> list[dict]:
    """Records for the readable files (failures are left out; see `iter_records` for the options)."""
    return [r for r in iter_records(paths, **options) if not isinstance(r, Failure)]


def iter_records(paths: Iterable, **options) -> Iterator[dict | Failure]:
    """One record per input file, streamed in input order; options as for `tag_pages` (jobs, dask, cache, progress)."""
    for item in tag_pages(paths, **options):
        if isinstance(item, Failure):
            yield item
        else:
            yield file_record(item, visits=page_visits(item.articles))


def dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=False)

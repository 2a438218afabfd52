"""Reading and tagging: pages → articles → tagged articles (plain records, no spaCy beyond here).

The second stage of the house (read → tag → relate → resolve → graph → write): it streams pages
through the pipeline in units of work, in input order, from worker processes, a Dask cluster or
the tag cache, and spools the articles of a huge page to disk.
"""
from __future__ import annotations

import os
from pathlib import Path
from dataclasses import dataclass, replace
from typing import Iterable, Iterator

from . import dates, pipeline, read
from .errors import InputError
from .model import Article, Mention, Page, Sentence, TaggedArticle


@dataclass
class TaggedPage:
    page: Page
    articles: list[TaggedArticle]


@dataclass
class Failure:
    path: str
    message: str

    def __str__(self):
        return f"{self.path}: {self.message}"


def to_tagged(doc, article: Article) -> TaggedArticle:
    """Reduce a Doc to plain records so nothing downstream needs spaCy."""
    text = doc.text  # sliced by offsets: Span.text would build a Token per token
    sents = []
    for s in doc.sents:
        a, b = s.start_char, s.end_char
        if not text[a:b].isspace():
            sents.append(Sentence(text[a:b], a, b))
    starts = [s.start for s in sents]
    mentions = []
    for span in doc.spans["kg"]:
        idx = _sentence_index(starts, span.start_char)
        written = text[span.start_char : span.end_char]
        mentions.append(
            Mention(
                text=written,
                label=span.label_,
                start=span.start_char,
                end=span.end_char,
                sentence=idx,
                canonical=span._.canonical or written,
                titles=tuple(span._.titles),
                code=span._.code,
            )
        )
    dates = [(s.start_char, s.end_char, text[s.start_char : s.end_char]) for s in doc.spans["lac"] if s.label_ == "TIME"]
    for name in article.authors:
        mentions.append(Mention(name, "PERSON", -1, -1, -1, name))
    return TaggedArticle(article, sents, mentions, dates)


def _sentence_index(starts: list[int], offset: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo


def read_pages(paths: Iterable, published: str | None = None) -> Iterator[Page | Failure]:
    """Pages with their publication date (kg.dates.publication; `published` overrides it);
    a JSONL corpus gives one page per record, streamed, its id for the file name."""
    for path in read.iter_inputs(paths):
        if read.is_jsonl(path):
            yield from _records(path, published)
            continue
        try:
            page = read.read_page(path)
        except InputError as e:
            yield Failure(e.path, e.message)
            continue
        _date_page(page, dates.publication(page.source, page.text, published))
        yield page


def _records(path, published: str | None) -> Iterator[Page | Failure]:
    for item in read.read_jsonl(path):
        if isinstance(item, InputError):
            yield Failure(item.path, item.message)
            continue
        source = item.id or f"{Path(path).name}#{item.article.index}"
        a = replace(item.article, source=source, index=0)
        page = Page(source, a.text, "utf-8", [a], line=item.line)
        _date_page(page, dates.publication(source, a.text, published, item.published))
        yield page


def _date_page(page: Page, published: str | None) -> Page:
    for a in page.articles:
        a.published = published
    return page


#: Characters of article text per unit of work: pages tagged together let the
#: tagger batch equal-length sentences across them; units bound what is in flight.
UNIT_CHARS = 24_000
UNIT_PAGES = 64  # at most, so that runs served from the cache stream too


def encode_batch(pages: list[Page]):
    """The tagger's encoder run on the pages (the share of `tag_batch` that may run ahead in a thread)."""
    return pipeline.nlp().tokenizer.encode([a.text for p in pages for a in p.articles])


def tag_batch(pages: list[Page], encoded=None) -> list[TaggedPage]:
    """Tag several pages in one pass of the pipeline (the same tags as one page at a time)."""
    if encoded is None:
        encoded = encode_batch(pages)
    docs = iter(pipeline.parse_encoded(encoded, batch_size=max(1, len(encoded.texts))))
    return [TaggedPage(p, [to_tagged(next(docs), a) for a in p.articles]) for p in pages]


def tag_pages(
    paths: Iterable, *, jobs: int = 1, dask=None, cache=None, stats: dict | None = None, progress: bool = False,
    published: str | None = None,
) -> Iterator[TaggedPage | Failure]:
    """Tag every article of every page, streaming, in input order.

    `jobs` worker processes or a `dask` scheduler address tag the pages
    (kg.parallel); `cache` (a kg.cache.Cache) serves pages tagged before and
    keeps the new ones; `stats` counts pages "tagged" and "cached" and the
    "chars" of their text; `progress` draws a bar when stderr is a terminal;
    `published` (YYYY-MM-DD) is the publication date of every page (see `read_pages`).
    """
    from . import parallel
    from .cache import content_key
    from .progress import Progress

    stats = {} if stats is None else stats
    for k in ("tagged", "cached", "chars"):
        stats.setdefault(k, 0)
    bar = Progress(enabled=None if progress else False)
    if bar.enabled:  # totals for the ETA: a list of names, not of pages
        paths = list(read.iter_inputs(paths))
        bar.total, bar.weight = len(paths), sum(_size(p) for p in paths)

    def units():
        unit, pages, chars = [], [], 0
        limit = UNIT_CHARS // 4  # a small first unit: nothing else runs while it is encoded
        for item in read_pages(paths, dates.check_published(published)):
            key = None
            if cache is not None and isinstance(item, Page) and item.line is None and _chars(item) <= BIG_PAGE:
                key = content_key(item.source)
                hit = cache.get(key, item.source) if key else None
                if hit is not None:  # tagged under another publication date, perhaps: this run's
                    pub = item.articles[0].published if item.articles else None
                    _date_page(hit.page, pub)
                    for ta in hit.articles:
                        ta.article.published = pub
                    item = hit
            parts = _parts(item) if isinstance(item, Page) and _chars(item) > UNIT_CHARS else [None]
            for part in parts:  # a long page goes out a unit of articles at a time
                work = item if part is None else part[0]
                unit.append((item, key, part))
                if isinstance(item, Page):
                    pages.append(work)
                    chars += _chars(work)
                if chars >= limit or len(unit) >= UNIT_PAGES:
                    yield unit, pages
                    unit, pages, chars, limit = [], [], 0, UNIT_CHARS
        if unit:
            yield unit, pages

    def finished(item, key, tagged):
        stats["tagged"] += 1
        if cache is not None and key:
            cache.put(key, tagged)
        return tagged

    spool = None
    try:
        for unit, tagged in parallel.ordered_map(tag_batch, units(), jobs=jobs, dask=dask, ahead=encode_batch):
            fresh = iter(tagged)
            for item, key, part in unit:
                if part is not None:
                    _, first, last = part
                    if first:
                        spool = SpooledArticles() if _chars(item) > BIG_PAGE else []
                    for ta in next(fresh).articles:
                        spool.append(ta)
                    if not last:
                        continue
                    page = replace(item, text="", articles=[]) if isinstance(spool, SpooledArticles) else item
                    item, spool = finished(item, key, TaggedPage(page, spool)), None
                elif isinstance(item, Page):
                    item = finished(item, key, next(fresh))
                elif isinstance(item, TaggedPage):
                    stats["cached"] += 1
                chars = sum(len(ta.article.text) for ta in item.articles) if isinstance(item, TaggedPage) else 0
                stats["chars"] += chars
                if bar.enabled:
                    bar.update(1, chars=chars, weight=_size(item.page.source if isinstance(item, TaggedPage) else item.path))
                yield item
    finally:
        bar.close()


#: Article characters of a page beyond which its tagged articles wait on disk, not in memory,
#: until the page's record is made (a concatenated dump of thousands of articles in one file).
BIG_PAGE = 40 * UNIT_CHARS


def _chars(page: Page) -> int:
    return sum(len(a.text) for a in page.articles)


def _parts(page: Page) -> list[tuple[Page, bool, bool]]:
    """(part, first, last): the page's articles in runs of about UNIT_CHARS characters, each a Page
    of its own for the tagger, so that no unit of work grows with the file."""
    runs, run, n = [], [], 0
    for a in page.articles:
        run.append(a)
        n += len(a.text)
        if n >= UNIT_CHARS:
            runs.append(run)
            run, n = [], 0
    if run or not runs:
        runs.append(run)
    return [(replace(page, text="", articles=r), i == 0, i == len(runs) - 1) for i, r in enumerate(runs)]


class SpooledArticles:
    """The tagged articles of a huge page in a temporary file, read back one at a time on each
    pass, so that a page's record costs the memory of one article, not of the file."""

    def __init__(self):
        import tempfile
        import weakref

        fd, self._path = tempfile.mkstemp(prefix="kg-page-", suffix=".pickle")
        self._fh = os.fdopen(fd, "wb")
        self._n = 0
        weakref.finalize(self, _remove, self._fh, self._path)

    def append(self, ta: TaggedArticle) -> None:
        import pickle

        pickle.dump(ta, self._fh, protocol=pickle.HIGHEST_PROTOCOL)
        self._n += 1

    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[TaggedArticle]:
        import pickle

        self._fh.flush()
        with open(self._path, "rb") as fh:
            for _ in range(self._n):
                yield pickle.load(fh)

    def __reduce__(self):  # pickled (to a cache or a process): the articles themselves
        return (list, (list(self),))


def _remove(fh, path) -> None:
    fh.close()
    try:
        os.unlink(path)
    except OSError:
        pass


def _size(path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0

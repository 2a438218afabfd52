"""Pages → tagged articles → one record per file in the evaluation format (GUIDELINE.md)."""
from __future__ import annotations

import json
import os
from pathlib import Path
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Iterable, Iterator

from . import dates, gazetteer, pipeline, read
from .errors import InputError
from .model import TYPES, Article, Mention, Page, Sentence, TaggedArticle


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


@dataclass
class _Entity:
    type: str
    forms: Counter = field(default_factory=Counter)
    titles: list = field(default_factory=list)
    code: str | None = None

    def name(self) -> str:
        """The fullest form written in the text (ties: the most frequent)."""
        return max(self.forms, key=lambda f: (len(f), self.forms[f], f))


def page_entities(articles: list[TaggedArticle]) -> list[_Entity]:
    """One entity per thing named on the page: forms of a division, of an org and its short name."""
    label_votes: dict[str, Counter] = defaultdict(Counter)
    for ta in articles:
        for m in ta.mentions:
            label_votes[m.text][m.label] += 1
    officials = {t for t, v in label_votes.items() if v["OFFICIAL"]}

    gaz = gazetteer.load()
    codes = Counter(m.code[:2] for ta in articles for m in ta.mentions if m.code)
    home = codes.most_common(1)[0][0] if codes else None
    groups: dict[tuple, _Entity] = {}
    for ta in articles:
        for m in ta.mentions:
            label = "OFFICIAL" if m.text in officials else m.label
            if label not in ("OFFICIAL", "PERSON") and (label_votes[m.text]["OFFICIAL"] or label_votes[m.text]["PERSON"]):
                continue
            if label == "PLACE" and m.code:
                key = (label, m.code)
            elif label == "ORG":
                key = (label, org_key(m.text, home, gaz))
            else:
                key = (label, m.text.replace(" ", ""))
            ent = groups.setdefault(key, _Entity(TYPES[label], code=m.code if label == "PLACE" else None))
            ent.forms[m.text] += 1
            for t in m.titles:
                if t not in ent.titles:
                    ent.titles.append(t)
    return merge_prefixed(list(groups.values()))


def merge_prefixed(entities: list[_Entity]) -> list[_Entity]:
    """城北区万吨…项目 and 万吨…项目 are one project: a name that is another plus a place before it."""
    gaz = gazetteer.load()
    by_type: dict[str, list[_Entity]] = defaultdict(list)
    for e in entities:
        by_type[e.type].append(e)
    out = []
    for typ, ents in by_type.items():
        if typ in ("Official", "Person"):
            out += ents
            continue
        ents.sort(key=lambda e: -len(e.name()))
        names = [e.name() for e in ents]
        # the entities by name, so that a long name looks up its suffixes instead of scanning every
        # shorter entity (a page of thousands of entities: linear, not quadratic; the same merges)
        by_name: dict[str, list[int]] = defaultdict(list)
        for j, e in enumerate(ents):
            if not e.code:
                by_name[names[j]].append(j)
        absorbed = set()
        for i, long in enumerate(ents):
            if i in absorbed:
                continue
            if not long.code:
                ln = names[i]  # absorbed forms are shorter than it: the name stays
                found = sorted(j for k in range(4, len(ln)) for j in by_name.get(ln[-k:], ()) if j > i)
                for j in found:
                    if j not in absorbed and _divisions_only(ln[: -len(names[j])], gaz):
                        long.forms.update(ents[j].forms)
                        absorbed.add(j)
            out.append(long)
    return out


def _divisions_only(text: str, gaz) -> bool:
    """Whether text is one or more division names written together (西宁市城北区马坊街道)."""
    if not text:
        return False
    for i in range(len(text), 1, -1):
        if text[:i] in gaz and (i == len(text) or _divisions_only(text[i:], gaz)):
            return True
    return False


def org_key(text: str, home: str | None, gaz) -> str:
    """One key for the forms of a body: 中共青海省委 = 青海省委 = 省委 in a Qinghai paper,
    格尔木市税务局 = 格尔木税务局."""
    text = text.replace(" ", "")
    if text.startswith("中共") and len(text) > 3:
        text = text[2:]
    for i in range(min(len(text) - 1, gaz.max_len), 1, -1):
        forms = gaz.lookup(text[:i])
        if forms:
            d = forms[0].division
            if home and d.level == gazetteer.PROVINCE and d.code[:2] == home:
                return "省" + text[i:]
            return d.code + text[i:]
    return text


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
    from .relations import page_visits  # relations builds on this module's grouping

    for item in tag_pages(paths, **options):
        if isinstance(item, Failure):
            yield item
        else:
            yield file_record(item, visits=page_visits(item.articles))


def dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=False)

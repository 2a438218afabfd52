"""Plain records passed down the pipeline: read → tag → relate → resolve → graph.

Every stage takes and returns these; nothing holds a spaCy object past the
tagging stage, so records can be cached, pickled to workers and compared.
Offsets are character offsets into the decoded text of the source file.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Entity types as the evaluation guideline names them, keyed by spaCy label.
TYPES = {
    "OFFICIAL": "Official",
    "PERSON": "Person",
    "ORG": "Organization",
    "PLACE": "Place",
    "PROJECT": "Project",
}
LABELS = tuple(TYPES)


@dataclass
class Segment:
    """A run of article text copied verbatim from the source at `source_start`."""

    text_start: int
    source_start: int
    length: int


@dataclass
class Article:
    """One article of a page, with the text the tagger sees.

    `text` is headline, dateline and body with layout line breaks removed;
    paragraphs are separated by "\n". `segments` map it back to the source.
    """

    source: str
    index: int
    start: int
    end: int
    text: str
    segments: list[Segment]
    headline: str = ""
    dateline: str = ""
    date: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None  # the page's publication date, YYYY-MM-DD (kg.dates.publication)

    def source_offset(self, i: int) -> int:
        """Source offset of article-text offset `i` (an end offset maps past its last char)."""
        if not self.segments:
            return self.start
        lo, hi = 0, len(self.segments) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.segments[mid].text_start <= i:
                lo = mid
            else:
                hi = mid - 1
        seg = self.segments[lo]
        return seg.source_start + min(i - seg.text_start, seg.length)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            s = self.source_offset(start)
            return s, s
        return self.source_offset(start), self.source_offset(end - 1) + 1


@dataclass
class Page:
    """A decoded input file and its articles."""

    source: str
    text: str
    encoding: str
    articles: list[Article] = field(default_factory=list)
    line: int | None = None  # a JSONL record's line in its file (None: a page of its own file)


@dataclass
class Mention:
    """One tagged span in an article."""

    text: str
    label: str  # one of LABELS
    start: int  # article-text offsets
    end: int
    sentence: int  # index of the sentence in the article
    canonical: str = ""
    titles: tuple[str, ...] = ()
    code: str | None = None


@dataclass
class Sentence:
    text: str
    start: int  # article-text offsets
    end: int


@dataclass
class TaggedArticle:
    """An article after the spaCy pipeline, reduced to plain data."""

    article: Article
    sentences: list[Sentence]
    mentions: list[Mention]
    dates: list[tuple[int, int, str]] = field(default_factory=list)  # TIME spans


@dataclass
class Evidence:
    """Where a fact was read: the sentence and its place in the source file."""

    source: str
    article: int
    sentence: str
    start: int  # source-file offsets of the sentence
    end: int


@dataclass
class Fact:
    """A relation between two entities, named by (type, canonical name)."""

    relation: str  # visited | holds_post | located_in | cooccurs
    subject: tuple[str, str]
    object: tuple[str, str]
    evidence: Evidence | None = None
    date: str | None = None  # as written in the text
    iso_date: str | None = None  # resolved, YYYY-MM-DD or YYYY-MM or YYYY (a range's first day)
    role: str | None = None  # lead | accompanying (visited)
    post: str | None = None  # holds_post: the title as written
    weight: int = 1
    date_end: str | None = None  # a range's last day (9月13日至17日), YYYY-MM-DD
    date_precision: str | None = None  # day | month | year | approximate (日前, 近日), with iso_date

"""Stage 1 of the pipeline: files → decoded text → articles.

Pages are text extracted from laid-out newspapers. Paragraphs are separated by
blank lines, but the column layout also cuts paragraphs, even words, with a
blank line, and one page holds several articles. This module rejoins what the
layout cut, finds article boundaries with conservative heuristics and keeps a
map from every article character back to the page text.
"""
from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

import charset_normalizer

from kg.errors import InputError
from kg.model import Article, Page, Segment

SUFFIXES = {".txt", ".htm", ".html"}
BODY = 30  # a line longer than this is body text, never a headline
HEAD = 40  # and headlines are at most this long

FINAL = "。！？!?…;；"  # ends a sentence
CLOSERS = "”’」』》)）"  # may follow the end of a sentence
CLAUSE_END = ",，、:："  # a line ending with one of these was cut mid-sentence
PROSE = re.compile("[,，、。;；:：!?！？]")  # a long line holding any of these is prose
COMMA = re.compile("[,，]")  # a short line holding one reads as a clause, not a headline
NAME_SEP = re.compile(r"[\s、,，]+")
ROLE = re.compile("特约记者|实习记者|见习记者|本报记者|记者|通讯员")
DATE = re.compile(r"(?:\d{4}年)?\d{1,2}月\d{1,2}日")
# 本报讯(记者 施翔)12月24日 / 本报西宁12月24日讯 / 新华社北京1月2日电(记者 …)
DATELINE = re.compile(
    r"(?:本报|新华社|中新社|[\u4e00-\u9fff]{2,6}(?:日报|晚报|网))"
    r"[\u4e00-\u9fff]{0,6}?(?:\d{1,2}月\d{1,2}日)?[讯电]"
    r"\s*(?:[(（](?P<who>[^()（）]{1,40})[)）])?"
    r"\s*(?:\d{1,2}月\d{1,2}日)?"
)
# (记者 张艳艳), (宁教组): closes an article, on its own line or after its last sentence
BYLINE = re.compile(r"[(（](?P<who>(?:%s)[^()（）]{1,30}|[^()（）\s]{1,8}组)[)）]$" % ROLE.pattern)
START_MARK = re.compile(r"[(（]上?接[^()（）]{1,10}[)）]")  # (上接第一版)
END_MARK = re.compile(r"[(（]下?转[^()（）]{1,10}[)）]")  # (下转第二版)
# a spaced two-character name "马 瞰", a photo credit "黎晓刚 摄", an advertiser "柴达木日报 宣"
CREDIT = re.compile(r"[\u4e00-\u9fff]{1,2} [\u4e00-\u9fff]{1,2}|[^()（）]{2,16} [摄宣]")

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode(data: bytes, path) -> tuple[str, str]:
    """Decode a page without being told its encoding; newlines become "\\n".

    A BOM, else strict UTF-8 then GB18030, decides almost every real page; a few
    corrupt bytes (≤ 1%) are tolerated as U+FFFD so that one bad byte does not
    lose a page, and charset-normalizer guesses other legacy encodings. NUL bytes
    outside UTF-16, or control characters, mean binary data.
    """
    text = enc = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            enc = name
            try:
                text = data[len(bom):].decode(name.removesuffix("-sig"))
            except UnicodeDecodeError:
                pass
            break
    else:
        if b"\0" not in data:  # NUL bytes only occur in UTF-16 text, handled above
            text, enc = _decode_unmarked(data)
    if text is None or _looks_binary(text[:65536]):
        raise InputError(path, "not text (binary data)")
    return text.replace("\r\n", "\n").replace("\r", "\n"), enc


def _looks_binary(sample: str) -> bool:
    """Text holds no control characters beyond the odd stray one."""
    return len(_CONTROL.findall(sample)) > 1 + len(sample) // 100


def _decode_unmarked(data: bytes) -> tuple[str | None, str | None]:
    for name in ("utf-8", "gb18030"):
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            pass
    text, name = min(((data.decode(n, "replace"), n) for n in ("utf-8", "gb18030")), key=lambda c: c[0].count("\ufffd"))
    if text.count("\ufffd") <= len(text) // 100:
        return text, name
    best = charset_normalizer.from_bytes(data).best()
    return (str(best), best.encoding) if best else (None, None)


class _HTMLText(HTMLParser):
    """Visible text of an HTML page, a paragraph break at every block element."""

    SKIP = {"script", "style", "head", "noscript", "template", "nav"}
    BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "td", "th", "section",
             "article", "table", "ul", "ol", "blockquote", "header", "footer", "figcaption", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.skip = 0  # an unclosed <head> must not hide the page
        elif tag in self.SKIP:
            self.skip += 1
        if tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        if tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(re.sub(r"\s+", " ", data))


_HTML_START = re.compile(r"\s*<(?:!doctype\s+html|html[\s>])", re.I)
_HTML_TAG = re.compile(r"</?(?:p|div|br|span|a|td|tr|li|h[1-6]|table|body|img|section|article)\b[^<>]{0,500}>", re.I)


def looks_like_html(text: str) -> bool:
    """An HTML document, or text with many tags (a saved fragment)."""
    return bool(_HTML_START.match(text)) or len(_HTML_TAG.findall(text, 0, 65536)) >= 10


def html_to_text(html: str) -> str:
    """Reduce an HTML page to plain paragraphs separated by blank lines."""
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def read_page(path) -> Page:
    """Read, decode and split one page; every problem is an InputError naming the file."""
    path = Path(path)
    if path.is_dir():
        raise InputError(path, "is a directory, not a file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except PermissionError:
        raise InputError(path, "cannot read (permission denied)") from None
    except OSError as e:
        raise InputError(path, f"cannot read ({e.strerror or e})") from None
    text, encoding = decode(data, path)
    if looks_like_html(text):
        text = html_to_text(text)
    if not text.strip():
        raise InputError(path, "empty file")
    return Page(str(path), text, encoding, split_articles(text, str(path)))


def iter_inputs(paths: Iterable) -> Iterator[Path]:
    """Files as given, folders walked for pages in sorted order; a missing path is
    yielded too, so that read_page reports it."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(f for f in path.rglob("*") if f.suffix.lower() in SUFFIXES and f.is_file())
        else:
            yield path


class _Line(NamedTuple):
    start: int  # offset in the page text
    text: str  # stripped, never empty
    gap: int  # newlines before it: 3 or more set off furniture (column label, credit)


def _lines(text: str) -> Iterator[_Line]:
    prev = 0
    for m in re.finditer(r"[^\n]+", text):
        raw = m.group()
        stripped = raw.strip()
        if stripped:
            start = m.start() + len(raw) - len(raw.lstrip())
            yield _Line(start, stripped, text.count("\n", prev, start))
            prev = start + len(stripped)


def _byline(t: str) -> re.Match | None:
    m = BYLINE.search(t, max(0, len(t) - 40))
    return m if m and (m.start() == 0 or t[m.start() - 1] in FINAL + CLOSERS) else None


def _final(t: str) -> bool:
    end = t.rstrip(CLOSERS)
    return bool(end) and end[-1] in FINAL or _byline(t) is not None


def _dateline(t: str) -> re.Match | None:
    m = DATELINE.match(t)
    return m if m and (m["who"] or DATE.search(m[0])) else None


def _layout_break(line: str, nxt: str) -> bool:
    """Whether the layout cut `line` mid-sentence and `nxt` carries the sentence on.

    Headlines are short, end without punctuation and rarely hold a comma, so a
    short line only joins when it ends with a comma, or holds one and is
    followed by a long line; a short unpunctuated `nxt` is a headline.
    """
    if (_final(line) or nxt[0] in "(（—" or _dateline(nxt) or CREDIT.fullmatch(nxt)
            or len(nxt) <= BODY and not any(c in FINAL for c in nxt)):
        return False
    if line[-1] in CLAUSE_END:
        return True
    if len(line) > BODY:
        return bool(PROSE.search(line))
    return bool(COMMA.search(line)) and line[-1] not in CLOSERS and len(nxt) > BODY


def _paragraphs(text: str) -> list[list[_Line]]:
    """Group the page's lines into paragraphs, rejoining lines the layout cut.

    A short line set off by extra blank lines (a column label such as 政协工作巡礼)
    can sit inside a cut sentence; it becomes its own paragraph after the rejoined
    one, marked as furniture by a gap of -1 so that it never counts as a headline.
    """
    lines = list(_lines(text))
    paras, i = [], 0
    while i < len(lines):
        para, aside = [lines[i]], []
        i += 1
        while i < len(lines):
            last, nxt = para[-1].text, lines[i]
            if _layout_break(last, nxt.text):
                para.append(nxt)
                i += 1
            elif nxt.gap > 2 and 1 < len(nxt.text) <= HEAD and i + 1 < len(lines) and _layout_break(last, lines[i + 1].text):
                aside.append([nxt._replace(gap=-1)])
                para.append(lines[i + 1])
                i += 2
            else:
                break
        paras.append(para)
        paras += aside
    return paras


def _kind(t: str) -> str:
    """D dateline, E article end (byline, 下转), M 上接 marker, C credit, H headline, B body."""
    if _dateline(t):
        return "D"
    if _byline(t) or END_MARK.fullmatch(t):
        return "E"
    if START_MARK.fullmatch(t):
        return "M"
    if CREDIT.fullmatch(t):
        return "C"
    if len(t) <= HEAD and not _final(t) and "。" not in t:
        return "H"
    return "B"


def _names(who: str | None) -> list[str]:
    """Names after the role words of "特约记者 张晓英" or "记者 张三、李四 通讯员 王五"."""
    return [n for part in ROLE.split(who or "")[1:] for n in NAME_SEP.split(part) if n]


def _credit_names(t: str) -> list[str]:
    if t.endswith(" 宣"):  # an advertiser, not a person
        return []
    if t.endswith(" 摄"):
        return [n for n in NAME_SEP.split(ROLE.sub(" ", t[:-2])) if n]
    return [t]


def _starts(texts: list[str], kinds: str) -> list[int]:
    """Indices of the paragraphs that open an article.

    A run of headline lines opens one when it has two lines or more (kicker,
    headline, 上接 marker, credit), a dateline follows within two paragraphs, or
    the previous article ended with a byline. A lone headline is otherwise a
    subheading, except when a dated article ends with a reporter byline that its
    dateline does not name: a dateline-less story followed the dated one, and it
    opened at the first lone headline after the dateline.
    """
    starts, n, i = [0], len(kinds), 0
    named, lone = None, None  # dateline names of the current article; its first lone headline after them
    while i < n:
        if kinds[i] in "HMC":
            j = i
            while j < n and kinds[j] in "HMC":
                j += 1
            if i and (j - i > 1 or "D" in kinds[j:j + 2] or kinds[i - 1] == "E"):
                starts.append(i)
                named = lone = None
            elif named and lone is None:
                lone = i
            i = j
            continue
        if kinds[i] == "D" and named is None:
            named = set(_names(_dateline(texts[i])["who"]))
        elif kinds[i] == "E" and lone is not None:
            byline = _byline(texts[i])
            reporters = set(_names(byline["who"])) if byline else set()
            if reporters and not reporters & named:
                starts.append(lone)
                named = set()
            lone = None
        i += 1
    return starts


def _article(source: str, index: int, paras: list[list[_Line]], texts: list[str], kinds: str) -> Article:
    head = len(kinds) - len(kinds.lstrip("HMC"))
    headline = " ".join(t for t, k in zip(texts[:head], kinds[:head]) if k == "H")
    dateline, date, authors = "", None, []
    for t in texts[head:head + 2]:
        if m := _dateline(t):
            dateline = m[0].rstrip()
            date = (d := DATE.search(dateline)) and d[0]
            authors += _names(m["who"])
            break
    for t, k in zip(texts[:head], kinds):
        if k == "C":
            authors += _credit_names(t)
    for t, k in zip(texts, kinds):
        if k == "E" and (m := _byline(t)):
            authors += _names(m["who"])
    parts, segments, pos = [], [], 0
    for para in paras:
        if parts:
            parts.append("\n")
            pos += 1
        for line in para:
            segments.append(Segment(pos, line.start, len(line.text)))
            parts.append(line.text)
            pos += len(line.text)
    return Article(
        source=source,
        index=index,
        start=min(line.start for para in paras for line in para),
        end=max(line.start + len(line.text) for para in paras for line in para),
        text="".join(parts),
        segments=segments,
        headline=headline,
        dateline=dateline,
        date=date,
        authors=tuple(dict.fromkeys(authors)),
    )


def split_articles(text: str, source: str) -> list[Article]:
    """Split a page's text into articles; a page without clear structure is one article."""
    paras = _paragraphs(text)
    if not paras:
        return []
    texts = ["".join(line.text for line in para) for para in paras]
    kinds = "".join("F" if para[0].gap < 0 else _kind(t) for para, t in zip(paras, texts))  # F: furniture
    starts = _starts(texts, kinds)
    return [
        _article(source, index, paras[s:e], texts[s:e], kinds[s:e])
        for index, (s, e) in enumerate(zip(starts, starts[1:] + [len(paras)]))
    ]


_SENTENCE = re.compile(r"[^\n。！？；;!?]+(?:[。！？；;!?]+[”’」』]*)?|[。！？；;!?]+[”’」』]*")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of article text: after 。！？；!? (the pages also write ASCII ";",
    a closing quote stays with its sentence) and at "\\n"; never empty."""
    spans = []
    for m in _SENTENCE.finditer(text):
        s, e = m.span()
        chunk = m.group()
        s += len(chunk) - len(chunk.lstrip())
        e -= len(chunk) - len(chunk.rstrip())
        if s < e:
            spans.append((s, e))
    return spans


class Published(NamedTuple):
    """An article of a JSONL corpus with the date the corpus gives for it (YYYY-MM-DD as written there)."""

    article: Article
    published: str | None
    id: str | None
    line: int | None = None


def read_jsonl(path) -> Iterator[Published | InputError]:
    """The articles of a JSONL corpus ({"id", "date", "title", "text"} a line, gzip or plain), one at a
    time: memory is bounded by the longest line, not the file (a 2 GB corpus streams).

    A bad line is yielded as an InputError naming `FILE:LINE` and the rest is read on; a file that
    cannot be opened is one InputError. Offsets of an article are into its own title + "\\n" + text.
    """
    import gzip
    import json

    path = Path(path)
    try:
        with path.open("rb") as probe:
            gz = probe.read(2) == b"\x1f\x8b"
        fh = gzip.open(path, "rt", encoding="utf-8", errors="replace") if gz else path.open(
            "r", encoding="utf-8-sig", errors="replace")
    except FileNotFoundError:
        yield InputError(path, "no such file")
        return
    except OSError as e:
        yield InputError(path, f"cannot read ({e.strerror or e})")
        return
    index = 0
    with fh:
        try:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except ValueError as e:
                    yield InputError(f"{path}:{lineno}", f"not JSON ({e.msg if hasattr(e, 'msg') else e})")
                    continue
                if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
                    yield InputError(f"{path}:{lineno}", 'not a record with a "text" string')
                    continue
                title = rec.get("title") if isinstance(rec.get("title"), str) else ""
                body = _CONTROL.sub("", rec["text"]).replace("\r\n", "\n").replace("\r", "\n").strip()
                text = "\n".join(x for x in (title.strip(), body) if x)
                if not text:
                    yield InputError(f"{path}:{lineno}", "empty text")
                    continue
                date = rec.get("date")
                yield Published(
                    Article(source=str(path), index=index, start=0, end=len(text), text=text,
                            segments=[Segment(0, 0, len(text))], headline=title.strip()),
                    str(date) if date is not None else None,
                    str(rec["id"]) if rec.get("id") is not None else None,
                    lineno,
                )
                index += 1
        except (OSError, EOFError) as e:  # a truncated or corrupt gzip stream
            yield InputError(path, f"cannot read past line {index} ({e})")


def is_jsonl(path) -> bool:
    """A JSONL corpus rather than a page: named .jsonl, .jsonl.gz or .ndjson, or, under another
    name that is not a page's (.txt, .htm, .html), gzip data or a first line that is a JSON object."""
    path = Path(path)
    name = path.name.lower()
    if name.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")):
        return True
    if path.suffix.lower() in SUFFIXES or not path.is_file():
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False  # read_page says why
    if head.startswith(b"\x1f\x8b"):
        return True
    first = head.lstrip(codecs.BOM_UTF8 + b" \t\r\n").split(b"\n", 1)[0].strip()
    return first.startswith(b"{") and (first.endswith(b"}") or len(first) >= 4000)

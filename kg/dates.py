"""Dates as the press writes them (12月24日, 24日, 2014年5月, 今年, 去年11月), resolved to ISO.

News writes dates relative to the page: a day without a month takes the
dateline's month, a month without a year the page's year, and 今年/去年 count
from it. The page's year is read from the page itself (a masthead or a full
date); when it is unknown, a date is kept as written and its ISO form is None.
Ranges (1月至11月, 今年以来, 11月底) are periods, not dates of an event.
"""
from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from typing import NamedTuple

_CN = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_NUM = r"[\d〇零一二三四五六七八九十]"
_REL_YEAR = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}
# One date expression: a year (4 digits or 今年/去年), a month, a day, a time of day.
DATE = re.compile(
    r"(?:(?P<y>(?:\d{4}|[〇零一二三四五六七八九]{4})年)|(?P<rel>今年|本年|去年|上年|前年|明年))?"
    r"(?P<m>%s{1,3}月)?份?(?P<d>%s{1,3}[日号])?" % (_NUM, _NUM)
    + r"(?:凌晨|早上|上午|中午|下午|傍晚|晚上|晚|夜间)?"
)
# What makes a date one end of a period rather than the day of an event.
_PERIOD_AFTER = re.compile(r"\s*(?:[至到~～—–\-]|以来|以前|之前|以后|之后|期间|底|初|末|中旬|上旬|下旬|前后)")
_PERIOD_BEFORE = re.compile(r"(?:[至到~～—–\-]|截至|截止|自|从|近)\s*$")
# A masthead or dateline date: 2023年12月25日, 2023-12-25, 23年12月25日.
_MASTHEAD = re.compile(r"(\d{4}|\d{2})\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})(?!\d)")


def _int(s: str | None) -> int | None:
    """12, 〇五, 二十四 (with or without their unit 年/月/日) → int."""
    if not s:
        return None
    s = s.rstrip("年月日号")
    if s.isdigit():
        return int(s)
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN.get(tens, 1) if tens else 1) * 10 + (_CN.get(ones, 0) if ones else 0)
    return int("".join(str(_CN[c]) for c in s)) if s and all(c in _CN for c in s) else None


def _year(s: str) -> int | None:
    y = _int(s)
    return y + 2000 if y is not None and y < 100 else y


def parse(text: str, year: int | None = None, month: int | None = None) -> tuple[str, str | None] | None:
    """(as_written, iso or None) for a text that is one date; None when it is not one.

    `year` and `month` are the reference (the page's year, the dateline's
    month) for what the text leaves out: 24日 needs both, 12月24日 the year.
    A range (1月至11月) is not one date and gives None. Resolved as `resolve`
    does with no publication date.
    """
    text = text.strip()
    m = DATE.fullmatch(text)
    if not m or not (m["y"] or m["rel"] or m["m"] or m["d"]):
        return None
    when = resolve(text, None, year, month)
    return text, when.iso if when else None


def find(text: str) -> list[tuple[int, int, str]]:
    """Point dates in `text` as (start, end, as_written), the time of day left out.

    A bare year (2024年) is not the date of an event, nor is a date that opens
    or closes a period (1月至11月, 今年以来, 截至11月底).
    """
    out = []
    for m in DATE.finditer(text):
        parts = [g for g in ("y", "rel", "m", "d") if m[g]]
        if not parts or parts == ["y"] or m["y"] and m["d"] and not m["m"]:
            continue
        if _PERIOD_AFTER.match(text, m.end()) or _PERIOD_BEFORE.search(text, 0, m.start()):
            continue
        if m.start() and text[m.start() - 1].isdigit():
            continue
        if parts == ["d"] and not re.fullmatch(r"\d{1,2}日", m["d"]):
            continue  # 1号线, 一日游: a day alone is a date only as digits and 日
        end = m.end(parts[-1])
        out.append((m.start(), end, text[m.start():end]))
    return out


def page_year(text: str) -> int | None:
    """The year of a page: its masthead date's (`page_date`), else None.

    A date in a body sentence is not taken: it may be any year the story mentions.
    """
    d = page_date(text)
    return d.year if d else None


def month_of(written: str | None) -> int | None:
    """The month a written date states (12月24日 → 12), to resolve a later 24日."""
    m = DATE.fullmatch(written or "")
    return _int(m["m"]) if m and m["m"] else None


# ---------------------------------------------------------------- against the publication date
#
# A page's visits happened on or before the day it was printed, so the publication date fixes
# what the text leaves out: 24日 is in the publication month (or the month before, when the 24th
# is still to come), 12月 in a January paper is last December, 昨天 is the day before it.

DAY, MONTH, YEAR, APPROXIMATE = "day", "month", "year", "approximate"


class When(NamedTuple):
    """A resolved date: ISO start, ISO end of a range (None for one day), and its precision
    (day, month, year, or approximate: 日前/近日 say "shortly before publication")."""

    iso: str
    end: str | None
    precision: str


# Days named relative to the day of publication (当天/当日 relative to the story's last date: relations).
RELATIVE_DAY = {"今天": 0, "今日": 0, "当天": 0, "当日": 0, "昨天": -1, "昨日": -1, "前天": -2}
# "Shortly before publication"; 日前 not after a digit or a word ending in 日 (3日前, 节日前, 生日前).
_APPROX = r"(?<![\d〇零一二三四五六七八九十节假生作念末期月号今昨次翌每当同前终此该])日前|近日|近期|前不久"
_RELATIVE = re.compile(r"(?P<rel>%s)|(?P<approx>%s)" % ("|".join(RELATIVE_DAY), _APPROX))
_DAY_DATE = r"(?:(?:\d{4}|[〇零一二三四五六七八九]{4})年)?(?:%s{1,3}月)?%s{1,3}[日号]" % (_NUM, _NUM)
# Days of one event: 9月13日至17日, 1月21日至22日, 18日至20日, 9月30日至10月2日.
RANGE = re.compile(r"(?P<a>%s)\s*(?:至|到|~|～|—|–|-)\s*(?P<b>%s)" % (_DAY_DATE, _DAY_DATE))
# A publication date in a file name or a corpus field: 20200123, 2020-01-23, 发布时间：2018-07-0508:46:00.
_ISO_IN = re.compile(r"(?<!\d)((?:19|20)\d\d)(-?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])")


def find_all(text: str) -> list[tuple[int, int, str]]:
    """Every date `find` gives, plus day ranges (9月13日至17日), days relative to publication
    (昨天, 今日) and the approximate 日前/近日, as (start, end, as_written) in text order."""
    out = []
    for m in RANGE.finditer(text):
        if not (m.start() and text[m.start() - 1].isdigit()) and resolve(m[0]) is not False:
            out.append((m.start(), m.end(), m[0]))
    taken = [(s, e) for s, e, _ in out]
    out += [d for d in find(text) if not any(s <= d[0] < e for s, e in taken)]
    out += [(m.start(), m.end(), m[0]) for m in _RELATIVE.finditer(text)
            if not any(s <= m.start() < e for s, e in taken)]
    return sorted(out)


def to_date(value) -> _dt.date | None:
    """A date from a date, YYYY-MM-DD, YYYYMMDD or a text holding one; None if there is none."""
    if value is None or isinstance(value, _dt.date):
        return value
    m = _ISO_IN.search(str(value))
    if not m:
        return None
    try:
        return _dt.date(int(m[1]), int(m[3]), int(m[4]))
    except ValueError:
        return None


def check_published(value) -> str | None:
    """`--published`: YYYY-MM-DD, else a ValueError saying so."""
    if value is None or isinstance(value, _dt.date):
        return value.isoformat() if value else None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value).strip()) or not (d := to_date(value)):
        raise ValueError(f"{value!r} is not a publication date (YYYY-MM-DD)")
    return d.isoformat()


def page_date(text: str) -> _dt.date | None:
    """The date of a page's masthead: a short line of its own near the top (2023年12月25日,
    2023-12-25, 23.12.25), or a full date with its weekday; else None."""
    for line in text.lstrip().split("\n")[:5]:
        if len(line.strip()) <= 40 and not re.search("[，,。；;]", line) and (m := _MASTHEAD.search(line)):
            try:
                d = _dt.date(_year(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                continue
            if 1949 <= d.year <= 2100:
                return d
    m = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日\s*(?:星期|周)[一二三四五六日天]", text)
    try:
        return _dt.date(int(m[1]), int(m[2]), int(m[3])) if m else None
    except ValueError:
        return None


def publication(source: str, text: str, given=None, recorded=None) -> str | None:
    """A page's publication date, ISO: `given` (--published), else a JSONL record's own date,
    else a date in the file name (rmrb-20200123-01-06.txt), else the masthead's; None if none.

    A record's date stands before its id, as a file's name would: it is what the corpus says.
    """
    for d in (given, recorded, Path(str(source)).name, None):
        d = to_date(d) if d is not None else page_date(text)
        if d:
            return d.isoformat()
    return None


def resolve(written: str, published=None, year: int | None = None, month: int | None = None):
    """The `When` of a date as written, against the publication date (and the dateline's
    `month`, the page's `year` when there is no publication date); None when it does not
    resolve, False when `written` is not a date at all.
    """
    pub = to_date(published)
    written = written.strip()
    if written in RELATIVE_DAY:
        return When((pub + _dt.timedelta(RELATIVE_DAY[written])).isoformat(), None, DAY) if pub else None
    if _RELATIVE.fullmatch(written):
        return When(pub.isoformat(), None, APPROXIMATE) if pub else None
    if r := RANGE.fullmatch(written):
        a = resolve(r["a"], pub, year, month)
        if not a or a.precision != DAY:
            return a if a is False else None
        start = _dt.date.fromisoformat(a.iso)
        b = _point(DATE.fullmatch(r["b"]), None, start.year, start.month)
        if b and len(b) == 10 and b < a.iso and "月" in r["b"] and "年" not in r["b"]:
            b = f"{start.year + 1:04d}{b[4:]}"  # 12月30日至1月2日
        if not b or len(b) != 10 or b < a.iso:
            return False
        return When(a.iso, b, DAY)
    m = DATE.fullmatch(written)
    if not m or not (m["y"] or m["rel"] or m["m"] or m["d"]):
        return False
    iso = _point(m, pub, year, month)
    return When(iso, None, {10: DAY, 7: MONTH, 4: YEAR}[len(iso)]) if iso else None


def _point(m: re.Match, pub: _dt.date | None, year: int | None, month: int | None) -> str | None:
    """ISO of one date expression: what it leaves out taken from the dateline's month, else
    the publication date, never after publication (a later month is last year's)."""
    ref = pub.year if pub else year
    if m["y"]:
        y = _year(m["y"])
    elif m["rel"]:
        y = ref + _REL_YEAR[m["rel"]] if ref else None
    else:
        y = ref
    if m["m"]:
        mo = _int(m["m"])
    elif m["d"] and not (m["y"] or m["rel"]):
        mo = month or (pub.month if pub else None)
    else:
        mo = None
    d = _int(m["d"]) if m["d"] else None
    if y is None or (d is not None and mo is None) or (mo is not None and not 1 <= mo <= 12):
        return None
    if pub and not (m["y"] or m["rel"]):
        if not m["m"] and not month:
            if d and d > pub.day:  # 28日 in a paper of the 2nd: last month's
                mo, y = (mo - 1, y) if mo > 1 else (12, y - 1)
        elif mo and mo > pub.month:  # 12月 in a January paper (or a dateline's 12月)
            y -= 1
    if mo is None:
        return f"{y:04d}"
    if d is None:
        return f"{y:04d}-{mo:02d}"
    try:
        return _dt.date(y, mo, d).isoformat()
    except ValueError:
        return None

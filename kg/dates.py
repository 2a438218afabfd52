"""Dates as the press writes them (12月24日, 24日, 2014年5月, 今年, 去年11月), resolved to ISO.

News writes dates relative to the page: a day without a month takes the
dateline's month, a month without a year the page's year, and 今年/去年 count
from it. The page's year is read from the page itself (a masthead or a full
date); when it is unknown, a date is kept as written and its ISO form is None.
Ranges (1月至11月, 今年以来, 11月底) are periods, not dates of an event.
"""
from __future__ import annotations

import re

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
    A range (1月至11月) is not one date and gives None.
    """
    text = text.strip()
    m = DATE.fullmatch(text)
    if not m or not (m["y"] or m["rel"] or m["m"] or m["d"]):
        return None
    return text, _iso(m, year, month)


def _iso(m: re.Match, year: int | None, month: int | None) -> str | None:
    if m["y"]:
        y = _year(m["y"])
    elif m["rel"]:
        y = year + _REL_YEAR[m["rel"]] if year else None
    else:
        y = year
    mo = _int(m["m"]) if m["m"] else (month if m["d"] and not (m["y"] or m["rel"]) else None)
    d = _int(m["d"])
    if y is None or (d is not None and mo is None):
        return None
    if mo is None:
        return f"{y:04d}"
    if not 1 <= mo <= 12:
        return None
    if d is None:
        return f"{y:04d}-{mo:02d}"
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= d <= 31 else None


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
    """The year of a page: a masthead date (a short line of its own near the top, 2023年12月25日,
    2023-12-25, 23.12.25) or a full date with its weekday; else None.

    A date in a body sentence is not taken: it may be any year the story mentions.
    """
    for line in text.lstrip().split("\n")[:5]:
        if len(line.strip()) <= 40 and not re.search("[，,。；;]", line) and (m := _MASTHEAD.search(line)):
            y, mo, d = _year(m[1]), int(m[2]), int(m[3])
            if 1 <= mo <= 12 and 1 <= d <= 31 and 1949 <= y <= 2100:
                return y
    m = re.search(r"(\d{4})年\d{1,2}月\d{1,2}日\s*(?:星期|周)[一二三四五六日天]", text)
    return int(m[1]) if m else None


def month_of(written: str | None) -> int | None:
    """The month a written date states (12月24日 → 12), to resolve a later 24日."""
    m = DATE.fullmatch(written or "")
    return _int(m["m"]) if m and m["m"] else None

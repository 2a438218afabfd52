"""The relation step: visits, posts, co-occurrence and location, read from tagged articles.

Rules over the tagger's mentions, written from the cues of the annotation
guideline (GUIDELINE.md), never from names. A visit needs three things: an
official who goes (named before the cue, or the article's lead when the clause
has no subject of its own), a cue of going or of being on site (赴/前往/来到 X,
在 X 调研, "在 X 现场，官员…"), and a named thing right after the cue. Anything
else an official does with a place (a meeting held there, a speech about it, a
donation to it) has no such cue and is left out. Cues inside quotation marks
are speech, not the reported event.

Functions take plain records (TaggedArticle) and return `Fact`s; `page_visits`
gives the evaluation format for one page.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from itertools import combinations

from . import dates, gazetteer, lexicon, read, speech, visit_model
from .grouping import page_entities
from .model import TYPES, Evidence, Fact, Mention, Sentence, TaggedArticle

SITES = ("PLACE", "PROJECT", "ORG")

# Going somewhere. A bare 到 only where it is not part of 得到, 受到, 达到, 看到 …
MOVE = re.compile(r"赴|前往|来到|走进|走入|深入到?|登上|抵达|(?<![得受达收看提感遇做办迎报签回想直等遭觉找用])到")
# Moves whose object may be unnamed (登上山麓雪线, 走进社区党群服务中心): the paragraph says where.
MOVE_INTO = ("来到", "走进", "走入", "登上")
AT = re.compile("在")
# What an official does at a site: 在 X 调研, 在 X 实地了解.
ON_SITE = re.compile(r"(?:实地|现场|深入)?(?:调研|考察|视察|察看|检查|查看|督导|调度|走访|慰问|暗访|督查|指导|了解|踏勘)")
# 考察/视察/察看 X without 在: the object is the site.
INSPECT = re.compile(r"考察了?|视察了?|察看了?|查看了?|走访了?")
# After such an X, a speech (考察青海重要讲话) or a past event mentioned (视察青海时).
NOT_VISIT_AFTER = re.compile(r"时|期间|重要讲话|讲话|指示|精神|以来")
# Verbs that end the name after a cue; a tagged name running over one of them is a tagger slip.
STOP = re.compile(r"调研|考察|视察|察看|查看|调度|督导|走访|慰问|看望|参加|出席|召开|主持|听取|指导|实地|现场办公")
# Words that end the name after a cue only outside a tagged name (检查站, 时代新能源).
WEAK_STOP = re.compile(r"检查|了解|并|时|期间|开展|进行|就|对|观看|参观|详细|仔细|认真|询问|与|同|向")
BREAK = re.compile(r"[，,。；;！!？?：:（(“”\n]")
QUOTED = re.compile(r"“[^，,。；;！!？?：:（(“”\n]{1,12}”")
SEPARATOR = re.compile(r"、|和|及|与|以及")
# After a site name: 现场, 一线, 建设现场 … (在 X 现场，官员…).
LOCATIVE = re.compile(r"(?:[^，,。、]{0,4}?(?:现场|工地|一线|车间|厂区|展厅|大厅|门前))?(?:内|里|中|上|前|等地|等处|等)?")
# Between an official's name and the cue: 一行, 首先, 先后, a time. Verbs of speech or
# commands mean the cue is not the official's own act (张三要求到基层去).
GAP_BANNED = re.compile(r"说|表示|强调|要求|指出|希望|邀请|带领|组织|会见|看望|听取|主持|要|提出|鼓励|号召|安排|派|让|请|的|是|和|与|对|向|为|把|将|给|同|被|在|看到")
# 率调研组赴…: an official at the head of a group goes himself.
LEADS_GROUP = re.compile(r"(?:一行)?率(?:领)?[^，,。；]{0,12}?(?:调研组|考察组|督导组|检查组|工作组|代表团|队)(?:一行)?(?:先后|专程)?")
# A clause that opens with a cue and no subject of its own: the lead is the subject.
NO_SUBJECT = re.compile(
    r"(?:他们|他|她|调研组|考察组|督导组|检查组|随后|之后|接着|紧接着|然后|首先|先后|又|还|并|再|最后|此后|一行|专程|当天|当日|同日|"
    r"\d{1,2}日|上午|下午|晚上|傍晚|中午|在[^，,。]{1,20}?(?:后|之后|结束后))*"
)
# A time right after a site says when they got there (抵达X后, 到X第一天): the name has ended.
ARRIVED = re.compile(r"(?:后|之后|以后|伊始|第[一二三两四五六七八九十\d]+天|当天|当日|次日)")
# What may stand before the official who opens a sentence and is the subject of all its clauses:
# a connective, and his post (而省长X一行…).
OPENS = re.compile(r"(?:而|但|同时|随后|此后|之后|当天|当日|次日)?(?:[^，,。；;]{0,12}?(?:%s))?" % lexicon.RANK_ALT)
# People who are not officials: what the tagger missed after a cue is no site if it opens with one (安置户…家中).
OTHERS = re.compile(r"(?:%s|大家|我们|人们|代表们|委员们|专家|游客|孩子们|企业)" % "|".join(
    sorted(lexicon.PERSON_ROLES, key=len, reverse=True)))
# How a clause about the lead on site opens when it does not name him (…，察看房屋布置).
ON_SITE_START = re.compile(r"(?:他们|他|她|一行|随后|先后|仔细|详细|认真|实地|现场|亲切|边走边看|不时)*"
                           r"(?:察看|查看|了解|听取|看望|慰问|走访|询问|参观|调研|考察|视察|检查|登上|走进|深入"
                           r"|(?:与|同|和|向)[^，,。]{1,15}?(?:交谈|交流|座谈|握手|询问|了解))")
# What the lead does at a site, said without a subject after "在X，" (在X，充分肯定…；在Y，鼓励…).
# The lead may be named there by his post alone (在X，总书记希望…).
ON_SITE_WORDS = re.compile(r"(?:他|她|%s)?(?:(?:充分)?肯定|鼓励|勉励|希望|强调|要求|指出|对[^，,。]{1,30}?(?:予以|给予|表示)|"
                           r"观看|参观|询问|叮嘱|嘱咐|称赞|赞扬|听取)" % lexicon.RANK_ALT)
# A host briefing the visitor, said after "在X，" (在X，企业负责人介绍…；在X，院长汇报…): X is a stop of the tour.
HOST_BRIEFS = re.compile(r"[^，,。；]{0,6}?(?:负责人|院长|校长|厂长|经理|总经理|董事长|村支书|支部书记|工作人员|技术人员|"
                         r"讲解员|专家|医生|主任)(?:[^，,。；]{0,8}?向[^，,。；]{1,10}?)?(?:介绍|汇报|讲解)")
# Before a site after a cue, what describes it (来到机场附近的X, 考察自贸区内的X, 在洪水尚未退去的X，)
# or its ownership (考察了民营X).
# Not one that makes it the visitor's own (来到他所在的代表团: a deliberation, not a visit).
DESCRIBED = re.compile(r"[^，,。；、：（）他她其我]{1,16}?(?<!所在)的(?:发生地|所在地|诞生地|发源地|故乡|家乡)?"
                       r"|(?:民营|外资|国有|合资|私营)(?:企业)?")
# What shows an official named after "在X，" is on site there, not speaking or teaching (在党校，X为学员讲课).
SITE_ACTION = re.compile(r"察看|查看|了解|询问|交谈|交流|走进|看望|慰问|调研|考察|视察|检查|参观|听取|边走边看|实地|现场")
# Names that are kinds, not names (社区党群服务中心 with no name before it).
GENERIC = re.compile(r"^(?:社区|村|乡镇|乡|镇|街道|企业|公司|工厂|学校|医院|园区|基地|项目|车间|现场|当地|基层|一线|"
                     r"有关|相关|该|这|此|各|全|部分|重点|其他|周边|附近)")
# Where meetings are held: a meeting there is not a visit (会议在青海会议中心闭幕).
VENUE = re.compile(r"(?:会议中心|会堂|礼堂|会议室|宾馆|饭店|酒店|大厦|剧院)$")
# Heads of the sites a text names without the tagger seeing them (东湖车城, 北村草莓种植基地).
UNTAGGED_HEADS = {
    "PROJECT": lexicon.PROJECT_SUFFIXES,
    "PLACE": lexicon.PLACE_SUFFIXES,
    "ORG": lexicon.ORG_SUFFIXES + lexicon.COMPANY_HEADS + ("车城", "商城", "超市", "市场", "厂", "中心", "园", "城"),
}
# Being part of the lead's visit: 省领导A、B参加有关活动; X陪同; 在X陪同下.
ACCOMPANY_END = re.compile(r"(?:(?:一同|一起)?(?:参加|陪同|随同)(?:有关活动|相关活动|活动|调研|考察|视察|检查)?"
                           r"|(?:一同|一起)(?:调研|考察|视察|检查))[。！!]?$")
ACCOMPANY_UNDER = re.compile(r"在([^。；]{1,80}?)(?:的)?陪同下")


@dataclass
class _Visit:
    official: Mention | None  # None: the article's lead
    target: Mention
    sentence: int  # the cue's sentence
    first: int  # the evidence's first sentence (a topic sentence before the cue)
    cue: int  # article offset of the cue, for the date
    role: str = "lead"
    dated: int | None = None  # the sentence whose date it is, if not the cue's (an accompanying row)


def _by_sentence(ta: TaggedArticle, officials: set[str] = frozenset()) -> dict[int, list[Mention]]:
    """Mentions per sentence; a name given a title elsewhere (`officials`) is an official everywhere."""
    out: dict[int, list[Mention]] = {i: [] for i in range(len(ta.sentences))}
    for m in ta.mentions:
        if m.start >= 0:
            out.setdefault(m.sentence, []).append(replace(m, label="OFFICIAL") if m.text in officials else m)
    return out


def _level(m: Mention) -> str | None:
    d = gazetteer.load().by_code.get(m.code) if m.code else None
    return d.level if d else None


def _end(text: str, ms: list[Mention], lo: int, limit: int) -> int:
    """Where the name after a cue ends: a break, a verb, or a weak stop outside a tagged name.
    A short quotation is no break (在“某某”故事的发生地X，: what describes the site)."""
    pos = lo
    while (b := BREAK.search(text, pos, limit)) and b.group() == "“":
        close = QUOTED.match(text, b.start(), limit)
        if not close:
            break
        pos = close.end()
    hi = b.start() if b else limit
    s = STOP.search(text, lo, hi)
    hi = s.start() if s else hi
    for w in WEAK_STOP.finditer(text, lo, hi):
        if not any(m.start < w.start() < m.end and m.start >= lo for m in ms):
            return w.start()
    return hi


def _sites(text: str, ms: list[Mention], lo: int, hi: int, prefix: bool = False) -> tuple[list[Mention], int]:
    """Named sites from `lo` on: names joined by 、/和; a division right before a name is a modifier.

    Returns the targets and where the names stop. A modifier counts as a target
    only if it is a county-level division (城东区 in 城东区光伏…项目): a visit to a
    site in a county is a visit to that county. Names running straight into
    untagged text are the start of a name the tagger missed (西宁 in 西宁南川工业园区)
    and are dropped, unless `prefix` (察看X项目建设进展: the name is followed by more).
    """
    pos = lo + (text.startswith("了", lo))
    pos = _described(text, ms, pos, hi)
    out, group = [], []
    while pos < hi:
        here = [m for m in ms if m.start == pos and m.end <= hi and m.label in SITES]
        if not here:
            break
        best = max(here, key=lambda m: m.end)
        group.append(best)
        pos = best.end
        sep = SEPARATOR.match(text, pos)
        if sep and any(m.start == sep.end() and m.label in SITES for m in ms):
            out += _group_targets(group, ms)
            group, pos = [], sep.end()
    ends = pos == hi or LOCATIVE.fullmatch(text, pos, hi) or SEPARATOR.match(text, pos) or ARRIVED.match(text, pos)
    if group and (ends or prefix and not group[-1].code):
        out += _group_targets(group, ms)
    elif group:
        pos = group[0].start
    return out, pos


def _described(text: str, ms: list[Mention], pos: int, hi: int) -> int:
    """Where the site starts after what describes it (机场附近的X): right after the description, if a
    named site starts there and no name of a person is in it (在张三的陪同下 is no site); else `pos`."""
    if any(m.start == pos and m.label in SITES for m in ms):
        return pos
    d = DESCRIBED.match(text, pos, hi)
    if not d or not any(m.start == d.end() and m.end <= hi and m.label in SITES for m in ms):
        return pos
    if any(pos <= m.start < d.end() and m.label in ("OFFICIAL", "PERSON") for m in ms):
        return pos
    return d.end()


def _group_targets(group: list[Mention], ms: list[Mention]) -> list[Mention]:
    head, mods = group[-1], group[:-1]
    if GENERIC.match(head.text) or VENUE.search(head.text):
        return []
    inner = [m for m in ms if m.label == "PLACE" and head.start <= m.start and m.end <= head.end and m is not head]
    return [head] + [m for m in mods + inner if _level(m) == gazetteer.COUNTY]


def _untagged(text: str, ms: list[Mention], lo: int, hi: int, i: int) -> Mention | None:
    """A site the tagger missed, taken as written when it looks like a name (a site head, no 的)."""
    lo += text.startswith("了", lo)
    name = text[lo:hi]
    for suffix in ("建设现场", "项目现场", "现场", "一线", "工地"):
        name = name.removesuffix(suffix)
    if not 3 <= len(name) <= 20 or not re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9“”·]+", name):
        return None
    if "的" in name or GENERIC.match(name) or VENUE.search(name) or STOP.search(name) or OTHERS.match(name):
        return None
    inside = [m for m in ms if m.start < lo + len(name) and lo < m.end]
    if any(not (m.label == "PLACE" and m.code and m.start == lo) for m in inside):  # only a division may open it
        return None
    for label, heads in UNTAGGED_HEADS.items():
        head = lexicon.longest_suffix(name, heads)
        if head and len(name) > len(head) + 1:
            return Mention(name, label, lo, lo + len(name), i, name)
    return None


def _topic(text: str, s: Sentence, ms: list[Mention], j: int) -> Mention | None:
    """The site a paragraph opens on (严冬的玉龙雪山…。 / 某某家园是…): where its visit happened."""
    if any(m.label == "OFFICIAL" for m in ms):
        return None
    for m in sorted(ms, key=lambda m: (m.start, -m.end)):
        if m.label in SITES and m.start - s.start <= 10 and not GENERIC.match(m.text):
            if _level(m) != gazetteer.PROVINCE:
                return m
    t = re.match(r"([^，,。、]{2,15}?)(?:是|位于|地处|坐落)", s.text)
    return _untagged(text, [], s.start, s.start + len(t[1]), j) if t else None


def _subject(text: str, ms: list[Mention], clause: int, cue: int) -> Mention | None | bool:
    """Who does the cue: the official right before it, None for the lead, False for nobody."""
    people = [m for m in ms if m.label in ("OFFICIAL", "PERSON") and clause <= m.start and m.end <= cue]
    if people:
        m = max(people, key=lambda m: m.end)
        gap = text[m.end:cue]
        plain = len(gap) <= 8 and not GAP_BANNED.search(gap) and not any(m.end <= o.start < cue for o in ms)
        return m if m.label == "OFFICIAL" and (plain or LEADS_GROUP.fullmatch(gap)) else False
    return None if NO_SUBJECT.fullmatch(text[clause:cue]) else False


def _actor_after(text: str, ms: list[Mention], pos: int, end: int) -> Mention | None | bool:
    """After "在X，" or "来到X，": the official who opens the next clause, None (the lead), False (someone else)."""
    rest = text[pos:end]
    people = [m for m in ms if m.label in ("OFFICIAL", "PERSON") and pos <= m.start < pos + 16 and m.end <= end]
    if people:
        m = min(people, key=lambda m: m.start)
        if not BREAK.search(text, pos, m.start) and not re.search(r"的|是|向|对|为|给|和|与|同", text[pos:m.start]):
            return m if m.label == "OFFICIAL" and SITE_ACTION.search(text, m.end, end) else False
    if ON_SITE_START.match(rest):
        return None
    # 在X，充分肯定… / 在X，鼓励…: at a named site (not a division, which may be a topic: 在上海，新增…)
    # what the lead says or does there is his visit
    sites = [m for m in ms if m.label in SITES and m.end <= pos]
    if sites and not _level(max(sites, key=lambda m: m.end)) and (ON_SITE_WORDS.match(rest) or HOST_BRIEFS.match(rest)):
        return None  # 在X，院长汇报…: a host briefs the lead there
    return False


def _candidates(ta: TaggedArticle, by_sent: dict[int, list[Mention]]) -> list[_Visit]:
    """Every visit the cues of an article state; official None where the clause leaves it to the lead."""
    text = ta.article.text
    quoted = speech.quoted(text)
    paragraph = [text.count("\n", 0, s.start) for s in ta.sentences]
    out: list[_Visit] = []
    for i, s in enumerate(ta.sentences):
        ms, last_who = by_sent[i], None
        people = sorted((m for m in ms if m.label in ("OFFICIAL", "PERSON")), key=lambda m: m.start)
        opener = people[0] if people and people[0].label == "OFFICIAL" and OPENS.fullmatch(
            text, s.start, people[0].start) else None
        cues = sorted((m.start(), m.end(), m.group(), kind)
                      for kind, rx in (("move", MOVE), ("at", AT), ("inspect", INSPECT))
                      for m in rx.finditer(text, s.start, s.end))
        for start, end, word, kind in cues:
            if quoted[start] or any(m.start <= start < m.end for m in ms):
                continue
            b = BREAK.search(text[s.start:start][::-1])
            clause = start - b.start() if b else s.start
            if speech.SPEECH.search(text, s.start, clause) or (who := _subject(text, ms, clause, start)) is False:
                continue
            if who is None and last_who is None and opener is not None and opener.end <= clause and not any(
                    opener.end <= m.start < start for m in people):
                who = opener  # 而X一行为了…，到Y第一天便…: the sentence's topic is the subject of its clauses
            own, who = who, who or last_who  # a later clause of a sentence keeps its subject
            hi = _end(text, ms, end, s.end)
            targets, stop = _sites(text, ms, end, hi, prefix=kind == "inspect")
            untagged = not targets and kind != "inspect" and stop == end + text.startswith("了", end)
            if untagged:
                targets = [u] if (u := _untagged(text, ms, end, hi, i)) else []
            after = text[hi:s.end]
            if after.startswith(("参加", "出席")):  # 赴京参加会议: the trip is to an event, not a visit
                continue
            if kind == "at":  # 在X调研, or 在X，<official>…: X must be all names
                if not targets or not (untagged or stop == hi or LOCATIVE.fullmatch(text, stop, hi)):
                    continue
                if not ON_SITE.match(after) and (own is not None or after[:1] not in ",，"):
                    continue
                if own is None and who is not None and after[:1] in ",，":  # …来到X，在Y，总书记指出…
                    if (actor := _actor_after(text, ms, hi + 1, s.end)) is False:
                        continue
                    who = actor or who
            elif kind == "inspect" and (who is None or not targets or NOT_VISIT_AFTER.match(text, stop)):
                continue
            if who is None and after[:1] in ",，":
                who = _actor_after(text, ms, hi + 1, s.end)
                if who is False:
                    continue
            if not targets and word in MOVE_INTO and hi > end:  # 登上山麓雪线: where, the paragraph said
                first = next(k for k in range(i + 1) if paragraph[k] == paragraph[i])
                for j in dict.fromkeys((i - 1, first)):
                    if first <= j < i and (topic := _topic(text, ta.sentences[j], by_sent[j], j)):
                        out.append(_Visit(who, topic, i, j, start))
                        break
                continue
            targets += _seen_projects(text, ms, hi, s.end)
            for o in [who] + _co_subjects(text, ms, who):
                out += [_Visit(o, t, i, i, start) for t in targets]
            last_who = who if targets else last_who
    return out


def _co_subjects(text: str, ms: list[Mention], who: Mention | None) -> list[Mention]:
    """Officials listed with the subject (张三、李四来到…): they went too."""
    out = []
    while who is not None:
        who = next((m for m in ms if m.label == "OFFICIAL" and SEPARATOR.fullmatch(text, m.end, who.start)), None)
        out += [who] if who else []
    return out


def _seen_projects(text: str, ms: list[Mention], lo: int, hi: int) -> list[Mention]:
    """Projects an official looks into on site (在X，张三详细了解Y项目推进情况): visited too."""
    out = []
    said = re.compile(r"强调|要求|指出|表示|说|希望").search(text, lo, hi)
    for v in ON_SITE.finditer(text, lo, said.start() if said else hi):
        at = v.end() + text.startswith("了", v.end())
        out += [m for m in ms if m.start == at and m.label == "PROJECT" and not GENERIC.match(m.text)]
    return out


def _lead(ta: TaggedArticle, by_sent: dict[int, list[Mention]], cands: list[_Visit]) -> Mention | None:
    """The official the article is about: the first to go somewhere, else the headline's official."""
    for v in cands:
        if v.official is not None:
            return v.official
    head = len(ta.article.headline)
    for m in (m for ms in by_sent.values() for m in ms):
        if m.label == "OFFICIAL" and m.end <= head and re.match(
            r"(?:在|赴|到|深入|来到|前往)?\S{0,12}?(?:调研|考察|视察|检查|走访|慰问)", ta.article.text[m.end:head]
        ):
            return m
    return None


def _accompanying(ta: TaggedArticle, by_sent: dict, lead: Mention, visits: list[_Visit]) -> list[_Visit]:
    """Officials reported as taking part, against the divisions the lead went to."""
    units = [v for v in visits if v.official.text == lead.text and v.target.label == "PLACE" and v.target.code]
    if not units:
        return []
    out = []
    for i, s in enumerate(ta.sentences):
        spans = []
        if m := ACCOMPANY_END.search(s.text):
            spans.append((s.start, s.start + m.start()))
        spans += [(s.start + m.start(1), s.start + m.end(1)) for m in ACCOMPANY_UNDER.finditer(s.text)]
        for lo, hi in spans:
            for m in by_sent[i]:
                if m.label == "OFFICIAL" and lo <= m.start and m.end <= hi and m.text != lead.text:
                    out += [_Visit(m, u.target, i, i, u.cue, "accompanying", u.sentence) for u in units]
    return out


def _article_visits(ta: TaggedArticle, officials: set[str] | None = None) -> list[_Visit]:
    """Visits of one article, lead resolved, one per (official, target), body evidence preferred.

    `officials`: names the page gives a title (default: those of this article).
    """
    if officials is None:
        officials = {m.text for m in ta.mentions if m.label == "OFFICIAL"}
    by_sent = _by_sentence(ta, officials)
    cands = _candidates(ta, by_sent)
    lead = _lead(ta, by_sent, cands)
    resolved = [replace(v, official=v.official or lead) for v in cands if v.official or lead]
    resolved += [_Visit(c.official, c.target, c.sentence, c.sentence, c.target.start)
                 for c in visit_model.visits(ta, by_sent, lead)]  # after the rules': theirs win a tie
    if lead:
        resolved += _accompanying(ta, by_sent, lead, resolved)
    head = len(ta.article.headline)
    best: dict[tuple, _Visit] = {}
    for v in resolved:
        key = (v.official.canonical or v.official.text, v.target.canonical or v.target.text)
        old = best.get(key)
        rank = (v.role != "lead", ta.sentences[v.sentence].end <= head)
        if old is None or (old.role != "lead", ta.sentences[old.sentence].end <= head) > rank:
            best[key] = v
    return list(best.values())


def _year(ta: TaggedArticle, year: int | None) -> int | None:
    """The reference year: the publication date's, else given, else a masthead or a full date
    matching the dateline's day."""
    if ta.article.published:
        return int(ta.article.published[:4])
    if year:
        return year
    text, day = ta.article.text, ta.article.date
    if day and (m := re.search(r"(\d{4})年" + re.escape(day), text)):
        return int(m[1])
    return dates.page_year(text)


def _date(ta: TaggedArticle, v: _Visit, year: int | None) -> tuple[str | None, dates.When | None]:
    """The date the cue's sentence writes before the cue, else the dateline's, resolved against
    the publication date (else the page's `year`). 当天/当日 is the day of the date written last
    before it in the article (the dateline's, else the publication day)."""
    s = ta.sentences[v.sentence if v.dated is None else v.dated]
    found = [d for d in dates.find_all(s.text) if s.start + d[1] <= v.cue]
    written = found[-1][2] if found else _context_date(ta, s)
    if written is None:
        return None, None
    month, pub = dates.month_of(ta.article.date), ta.article.published
    said = written
    if written in ("当天", "当日"):
        at = s.start + found[-1][0] if found else s.start
        before = [d[2] for d in dates.find_all(ta.article.text[:at]) if d[2] not in ("当天", "当日")]
        said = before[-1] if before else ta.article.date or written
        if dates.RANGE.fullmatch(said):
            said = dates.RANGE.fullmatch(said)["a"]
    when = dates.resolve(said, pub, year, month)
    return written, when or None


def _context_date(ta: TaggedArticle, s: Sentence) -> str | None:
    """The date of a sentence that writes none: the last one written earlier in its paragraph
    (the story goes on), else the lead's (the first body sentence, past its dateline: 1月21日至22日
    in 新华社西宁1月22日电（记者…）1月21日至22日，…), else the dateline's."""
    text = ta.article.text
    para = text.rfind("\n", 0, s.start) + 1
    before = [d for d in dates.find_all(text[para:s.start]) if re.search("[月日号前天期久]", d[2])]
    if before:  # a year alone (今年收成) is no date of the story
        return before[-1][2]
    lead = next((x for x in ta.sentences if x.start >= len(ta.article.headline)  # past a subtitle
                 and (read._dateline(x.text) or len(x.text) > read.HEAD or read.PROSE.search(x.text))), None)
    if lead is None:
        return ta.article.date
    line = read._dateline(lead.text)
    skip = re.match(r".*?[讯电]\s*(?:[(（][^()（）]{1,40}[)）])?", lead.text) if line else None
    if found := dates.find_all(lead.text[skip.end() if skip else 0:]):
        return found[0][2]
    return ta.article.date or (line and (d := read.DATE.search(line[0])) and d[0]) or None


def _evidence(ta: TaggedArticle, first: int, last: int) -> Evidence:
    a = ta.article
    lo, hi = ta.sentences[first].start, ta.sentences[last].end
    start, end = a.source_span(lo, hi)
    return Evidence(a.source, a.index, a.text[lo:hi], start, end)


def _key(m: Mention) -> tuple[str, str]:
    return TYPES[m.label], m.canonical or m.text


def visits(tagged: TaggedArticle, year: int | None = None, officials: set[str] | None = None) -> list[Fact]:
    """`visited` facts of one article: an official, the place/project/organization, role, date, evidence.

    `year` is the page's year if the caller knows it (for iso_date); `officials` are the names
    the page gives a title (a name titled in one article is an official in the next).
    """
    year = _year(tagged, year)
    out = []
    for v in _article_visits(tagged, officials):
        written, when = _date(tagged, v, year)
        out.append(Fact("visited", ("Official", v.official.canonical or v.official.text), _key(v.target),
                        _evidence(tagged, v.first, v.sentence), written, when and when.iso, v.role,
                        date_end=when and when.end, date_precision=when and when.precision))
    return out


def holds_post(tagged: TaggedArticle) -> list[Fact]:
    """One fact per (official, title as written); the body a title names is the object (省委 in 省委书记)."""
    out, seen = [], set()
    for m in tagged.mentions:
        if m.label != "OFFICIAL":
            continue
        for title in m.titles:
            key = (m.canonical or m.text, title)
            if key in seen:
                continue
            seen.add(key)
            out.append(Fact("holds_post", ("Official", key[0]), _post_object(title),
                            _evidence(tagged, m.sentence, m.sentence) if m.start >= 0 else None, post=title))
    return out


def _post_object(title: str) -> tuple[str, str]:
    """省委书记 → (Organization, 省委); 省长 → (Post, 省长): a body before the rank is the organization."""
    rank = lexicon.RANK_END.search(title)
    body = title[: rank.start()] if rank else ""
    heads = lexicon.BODIES + lexicon.ORG_SUFFIXES
    if len(body) >= 2 and (body in lexicon.RELATIVE_ORGS or lexicon.longest_suffix(body, heads)):
        return "Organization", body
    return "Post", title


def cooccurrences(tagged: TaggedArticle) -> list[Fact]:
    """Unordered pairs of entities named in one sentence; weight = sentences of the article with both."""
    counts: Counter = Counter()
    first: dict[tuple, int] = {}
    for i, ms in _by_sentence(tagged).items():
        keys = sorted({_key(m) for m in ms})
        for pair in combinations(keys, 2):
            counts[pair] += 1
            first.setdefault(pair, i)
    return [Fact("cooccurs", a, b, _evidence(tagged, first[(a, b)], first[(a, b)]), weight=n)
            for (a, b), n in counts.items()]


def located_in(tagged: TaggedArticle) -> list[Fact]:
    """Where named things are: the division a name opens with (西宁经济技术开发区… → 西宁市),
    a division inside a larger one named in the same article, X 位于 Y, 在 Y 建设 X."""
    gaz = gazetteer.load()
    text = tagged.article.text
    out, seen = [], set()

    def add(a: Mention, b: tuple[str, str], i: int):
        if _key(a) != b and (_key(a), b) not in seen:
            seen.add((_key(a), b))
            out.append(Fact("located_in", _key(a), b, _evidence(tagged, i, i)))

    coded = {m.code: m for m in tagged.mentions if m.label == "PLACE" and m.code and m.start >= 0}
    for i, ms in _by_sentence(tagged).items():
        for a in ms:
            if a.label not in SITES:
                continue
            if a.label == "PLACE" and a.code:
                for d in gaz.chain(a.code)[1:]:
                    if d.code in coded:
                        add(a, _key(coded[d.code]), i)
                        break
                continue
            pos, last = a.start, None
            while inner := [m for m in ms if m.start == pos and m.end < a.end and m.label == "PLACE" and m.code]:
                last = max(inner, key=lambda m: m.end)
                pos = last.end
            if last:
                if not _donor(a, last.end - a.start):
                    add(a, _key(last), i)
            elif found := _prefix_division(gaz, a.text, {c[:2] for c in coded}):
                div, k = found
                if not _donor(a, k):
                    add(a, ("Place", div), i)
        s = tagged.sentences[i]
        for m in re.finditer(r"位于|坐落于|地处", text[s.start:s.end]):  # X 位于 Y
            cue, at = s.start + m.start(), s.start + m.end()
            before = [x for x in ms if x.end <= cue and x.label in SITES and not BREAK.search(text, x.end, cue)]
            where, _ = _sites(text, ms, at, _end(text, ms, at, s.end))
            if before and where:
                add(max(before, key=lambda x: (x.end, -x.start)), _key(where[0]), i)
        for m in re.finditer(r"在", text[s.start:s.end]):  # 在 Y 建设 X
            at = s.start + m.end()
            verb = re.compile(r"建设|新建|建成|落地|开工|实施").search(text, at, _end(text, ms, at, s.end) + 2)
            where, stop = _sites(text, ms, at, verb.start()) if verb else ([], at)
            if where and stop == verb.start():
                for t in _sites(text, ms, verb.end(), _end(text, ms, verb.end(), s.end), prefix=True)[0]:
                    add(t, _key(where[0]), i)
    located = {f.subject for f in out}
    for site, division, i in _trip_sites(tagged):
        if _key(site) not in located:
            add(site, _key(division), i)
    return out


def _trip_sites(tagged: TaggedArticle):
    """(site, division, sentence) for the sites a lead visited after arriving in one division:
    赴阿坝藏族羌族自治州调研 … 在某某雪山 puts the mountain in the prefecture. A site reached
    while the trip's division is uncertain (前往甲区、乙县) is left unplaced."""
    trip = None
    leads = sorted((v for v in _article_visits(tagged) if v.role == "lead"), key=lambda v: (v.sentence, v.target.start))
    for v in leads:
        if v.target.label == "PLACE" and v.target.code:
            others = {w.target.code for w in leads if w.sentence == v.sentence and w.target.label == "PLACE"} - {v.target.code, None}
            trip = None if others else v.target
        elif trip is not None and v.target.label in SITES and v.sentence > trip.sentence:
            yield v.target, trip, v.sentence


def _donor(m: Mention, at: int) -> bool:
    """Whether the division that opens a project's name gave it (lexicon.AID_VERBS) rather than holds it."""
    return m.label == "PROJECT" and m.text.startswith(lexicon.AID_VERBS, at)


def _prefix_division(gaz, name: str, provinces: set[str]) -> tuple[str, int] | None:
    """The one division whose written form opens `name` (longest form first), as its full name,
    and the length of that form.

    A bare stem (南川 of 南川区) names a division only in a province the article names.
    """
    for k in range(min(len(name) - 2, gaz.max_len), 1, -1):
        divisions = {f.division.name for f in gaz.lookup(name[:k])
                     if f.kind != "stem" or f.division.code[:2] in provinces}
        if len(divisions) == 1:
            return divisions.pop(), k
        if divisions:
            return None
    return None


def page_visits(articles: list[TaggedArticle]) -> list[dict]:
    """The guideline's `visits` list for one page, names as `page_entities` gives them, one per (official, target)."""

    officials = {m.text for ta in articles for m in ta.mentions if m.label == "OFFICIAL"}
    names: dict[str, str] = {}
    by_code: dict[str, str] = {}
    for e in page_entities(articles):
        for form in e.forms:
            names.setdefault(form, e.name())
        if e.code:
            by_code[e.code] = e.name()
    year = None
    for ta in articles:
        year = year or dates.page_year(ta.article.text)
    rows: dict[tuple, dict] = {}
    for ta in articles:
        y = _year(ta, year)
        for v in _article_visits(ta, officials):
            t = v.target
            official = names.get(v.official.text, v.official.text)
            target = by_code.get(t.code) if t.code else None
            target = target or names.get(t.text, t.text)
            written, when = _date(ta, v, y)
            row = {"official": official, "target": target, "role": v.role, "date": written,
                   "evidence": _evidence(ta, v.first, v.sentence).sentence,
                   "iso_date": when and when.iso, "date_end": when and when.end,
                   "date_precision": when and when.precision}
            old = rows.get((official, target))
            if old is None or old["role"] != "lead" and v.role == "lead":
                rows[(official, target)] = row
    return list(rows.values())

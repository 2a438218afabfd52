"""Helpers shared by the entity components.

Components add candidates to doc.spans["kg"], a group that may overlap
(西宁市 inside 西宁市教育局); `kg_entities` picks the outermost for doc.ents.
"""
from __future__ import annotations

import re
from itertools import accumulate

from spacy.tokens import Doc, Span

from ..lexicon import COUNTED, GENERIC_MODIFIERS, LEVEL_CHARS, PERSON_ROLES, longest_suffix

GROUP = "kg"

for _name, _default in (("canonical", None), ("titles", ()), ("code", None)):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)

# Tags that cannot be inside a name.
BREAK_TAGS = {"w", "p", "c", "u", "d", "r", "xc", "_SP", "TIME"}


class Words:
    """A doc's token texts and tags as plain lists.

    The components read each token many times over; `doc[i]` builds a new
    Token object on every read, which made them cost more than the tagger.
    The tokenizer hands its lists over as they are (`Words(texts, tags)`,
    tokens without spaces between them); any other doc is read once (`of_doc`).
    """

    __slots__ = ("text", "tag", "full", "_start", "_end")

    def __init__(self, texts: list[str], tags: list[str], full: str | None = None, starts: list[int] | None = None):
        self.text, self.tag = texts, tags
        self.full = "".join(texts) if full is None else full  # doc.text, which spaCy builds anew on every read
        self._start = [0, *accumulate(map(len, texts))][:-1] if starts is None else starts
        self._end = [i + len(t) for i, t in zip(self._start, texts)]

    @classmethod
    def of_doc(cls, doc: Doc) -> "Words":
        return cls([t.text for t in doc], [t.tag_ for t in doc], doc.text, [t.idx for t in doc])

    def __len__(self) -> int:
        return len(self.text)

    def end_char(self, end: int) -> int:
        """Where the text of tokens ..end ends."""
        return self._end[end - 1] if end > 0 else 0

    def span(self, start: int, end: int) -> str:
        """The text of tokens start..end (Span.text, without its trailing space)."""
        start, end = max(start, 0), min(end, len(self.text))
        return self.full[self._start[start] : self._end[end - 1]] if end > start else ""


WORDS = "kg.words"


def words(doc: Doc) -> Words:
    """The doc's Words, shared by the components up to the pipeline's last (which drops them)."""
    w = doc.user_data.get(WORDS)
    if w is None or len(w) != len(doc):
        w = doc.user_data[WORDS] = Words.of_doc(doc)
    return w


def forget_words(doc: Doc) -> None:
    doc.user_data.pop(WORDS, None)


def kg_spans(doc: Doc) -> list[Span]:
    return list(doc.spans[GROUP]) if GROUP in doc.spans else []


def add(doc: Doc, spans) -> None:
    """Add spans to the group, keeping the first span seen for each (start, end)."""
    have = kg_spans(doc)
    seen = {(s.start, s.end) for s in have}
    for s in spans:
        if (s.start, s.end) not in seen:
            have.append(s)
            seen.add((s.start, s.end))
    doc.spans[GROUP] = sorted(have, key=lambda s: (s.start, -s.end))


def replace(doc: Doc, spans) -> None:
    doc.spans[GROUP] = sorted(spans, key=lambda s: (s.start, -s.end))


DASHES = frozenset("-—–－")
# A role right before a name: the name is no official's (记者, 村民 …).
ROLE_BEFORE = re.compile("(?:%s)\\s*$" % "|".join(sorted(PERSON_ROLES, key=len, reverse=True)))
# A credit after a name: （X／摄）, X 摄影, （X整理）.
BYLINE_AFTER = re.compile(r"\s*[/／]?\s*(?:摄影?|整理|报道|供图|绘)(?:[）)\s]|$)")
# Heads of a ministry or department whose name joins two fields with 和 (文化和旅游部, 林业和草原局).
JOINED_HEADS = ("部", "厅", "局", "委", "委员会")
# After a person's name, words that are not part of it (张三一行, 张三同志).
AFTER_NAME = frozenset({"一行", "同志", "等人"})
# After a site's name, where around it (国道旁, 园区内, 铁路沿线): not part of the name.
AROUND = frozenset({"旁", "边", "内", "外", "里", "附近", "沿线", "一带", "周边", "境内", "境外"})


# An era before 党 makes a phrase, not a party: 新时代党的建设.
ERA = ("新时代", "新时期", "新形势下", "新阶段")


# 中国 in a fixed phrase names no country (the guideline: 中国特色, 中国式现代化; 美丽中国, 新中国).
CHINA_PHRASE_BEFORE = ("美丽", "新", "平安", "健康", "数字", "法治", "幸福", "魅力", "大美", "活力", "书香")
CHINA_PHRASE_AFTER = ("特色", "式", "梦", "风格", "方案", "智慧", "故事", "声音", "精神", "道路",
                      "品牌", "通史", "好人", "力量", "速度")


def _no_name(doc: Doc, span: Span) -> bool:
    """Words the tagger took for a party: 共产党人, 共产党员 (its members), 新时代党的建设 (an era's
    party building, not a body: 新时代文明实践中心 has no 党 and stays); 中国 in a fixed phrase."""
    text = words(doc).full
    if span.label_ == "PLACE" and span.text == "中国":
        before = text[max(0, span.start_char - 2) : span.start_char]
        return before.endswith(CHINA_PHRASE_BEFORE) or text.startswith(CHINA_PHRASE_AFTER, span.end_char)
    if span.label_ != "ORG" or "党" not in span.text:
        return False
    if span.text.startswith(ERA):
        return True
    return span.text.endswith("党") and text[span.end_char : span.end_char + 1] in ("人", "员")


def dashed_name(w: Words, s: int, e: int) -> tuple[int, int]:
    """A name's tokens with the other half of a name joined by a dash (让-皮埃尔)."""
    if w.text[e - 1] in DASHES and e < len(w) and w.tag[e] == "PER":
        e += 1
    elif e + 1 < len(w) and w.text[e] in DASHES and w.tag[e + 1] == "PER":
        e += 2
    if s >= 2 and w.text[s - 1] in DASHES and w.tag[s - 2] == "PER":
        s -= 2
    return s, e


def _mended(doc: Doc, span: Span) -> Span:
    """The span with the parts the tagger split off put back: the other half of a name joined
    by a dash (让-皮埃尔), the first field of a body named for two (文化和旅游部); what it took
    that is no part of a name left out (张三一行, 国道旁); an untitled official before a credit
    (（X／摄）) made a person."""
    w = words(doc)
    s, e = span.start, span.end
    if span.label_ in ("OFFICIAL", "PERSON") and e - s > 1 and w.text[e - 1] in AFTER_NAME:
        e -= 1
    elif span.label_ in ("PLACE", "ORG", "PROJECT") and e - s > 1 and w.text[e - 1] in AROUND and w.tag[e - 1] == "f":
        e -= 1
    if span.label_ in ("OFFICIAL", "PERSON"):
        s, e = dashed_name(w, s, e)
    elif span.label_ == "ORG" and s >= 2 and w.text[s - 1] == "和" and w.tag[s - 2] in ("n", "an", "vn", "nz"):
        name = w.span(s, e)
        head = longest_suffix(name, JOINED_HEADS)
        fields = all(w.tag[k] in ("n", "an", "vn", "nz") for k in range(s, e))  # not 中央和天津市委
        if head and fields and 2 <= len(name) - len(head) <= 4 and 2 <= len(w.text[s - 2]) <= 4:
            s -= 2
    label = span.label_
    if label == "OFFICIAL" and not span._.titles and BYLINE_AFTER.match(w.full, w.end_char(e)):
        label = "PERSON"  # （王某／摄）: a photographer's or compiler's credit, whatever the model made of it
    if (s, e, label) == (span.start, span.end, span.label_):
        return span
    out = Span(doc, s, e, label=label)
    out._.titles, out._.code = span._.titles, span._.code
    return out


def settle(doc: Doc, kept, flat, mend: bool = False) -> None:
    """The component's last step: `kept` (nested too) in the group, `flat` as doc.ents; when it is
    the pipeline's last (`mend`), the names mended and the shared Words dropped (the recognizer
    between the rules and kg_merge changes no token, so they serve both)."""
    from spacy.util import filter_spans

    if mend:
        mended = {id(x): _mended(doc, x) for x in flat if not _no_name(doc, x)}
        dropped = {id(x) for x in flat} - mended.keys()
        kept = [mended.get(id(x), x) for x in kept if id(x) not in dropped]
        flat = [mended[id(x)] for x in flat if id(x) in mended]
    replace(doc, kept)
    doc.ents = filter_spans(flat)
    if mend:
        forget_words(doc)


def lac_spans(doc: Doc, label: str | None = None) -> list[Span]:
    spans = list(doc.spans["lac"]) if "lac" in doc.spans else []
    return [s for s in spans if label is None or s.label_ == label]


def covered(spans, start: int, end: int, labels=None) -> bool:
    """Whether a span of `spans` (with one of `labels`) covers tokens start..end."""
    return any(s.start <= start and end <= s.end and (labels is None or s.label_ in labels) for s in spans)

# Tags of tokens that can sit inside a multi-word name (LAC tag set).
NAME_TAGS = {"n", "nz", "nw", "ORG", "LOC", "PER", "vn", "an", "a", "m", "q", "f", "s", "v", "vd", "ad", "TIME"}
# Verbs that, right after a place or a name, are its predicate, not part of a name.
PREDICATES = frozenset(
    "调研 考察 视察 检查 察看 建设 推进 打造 实施 加快 开展 引进 建成 共建 采取 落实 启动 签约 投资 推动 发展 开通 开工 竣工 完工 运营 规划 新建 扩建 改造 谋划".split()
)
# Tags a name does not start with.
NO_START_TAGS = {"v", "vd", "ad", "f", "q", "a", "TIME"}


def noun_runs(doc: Doc):
    """Maximal runs of tokens that could form one name, as (start, end) token indices."""
    w = words(doc)
    start = None
    for i, (text, tag) in enumerate(zip(w.text, w.tag)):
        if tag in NAME_TAGS and not text.isspace():
            if start is None:
                start = i
        elif start is not None:
            yield start, i
            start = None
    if start is not None:
        yield start, len(w)


def headed_phrases(
    doc: Doc, suffixes, weak=frozenset(), verbs: bool = True, counted_ok: bool = False, predicates: bool = False,
    openers=frozenset(),
):
    """(start, end, head) for phrases ending in one of `suffixes`, with a non-generic modifier.

    A phrase starts at the first token of its run that may open a name (not a
    verb, not 有关/一批/全省); one whose modifier is generic is skipped, as is a
    counted one (8个项目) unless `counted_ok`, where the count is dropped
    (5家建设银行 → 建设银行). A `weak` head (局, 部) ends a name only inside a
    longer word or a LAC organization, so 布局 and 干部 do not. With
    `predicates`, a verb right after a place or a name starts the phrase
    anew (某县调研东西部协作项目 → 东西部协作项目). Words in `openers` may
    start a name whatever their tag (年产3000吨…项目).
    """
    w = words(doc)
    texts, tags = w.text, w.tag
    for rs, re_ in noun_runs(doc):
        s = rs
        while s < re_:
            text = texts[s]
            if text in openers:
                break
            if tags[s] in NO_START_TAGS or text in GENERIC_MODIFIERS:
                s += 1
            elif COUNTED.match(text) or (tags[s] == "m" and s + 1 < re_ and tags[s + 1] == "q"):
                if not counted_ok:
                    break
                s += 1
            else:
                break
        else:
            continue
        if COUNTED.match(texts[s]) and not counted_ok:
            continue
        text = ""
        for k in range(s, re_):
            if not verbs and tags[k] in ("v", "vd"):
                s, text = k + 1, ""  # a verb ends what came before: 家住|向阳路居民区
                continue
            if predicates and k > s and texts[k] in PREDICATES and tags[k - 1] in ("LOC", "ORG", "PER"):
                s, text = k + 1, ""
                continue
            text += texts[k]
            head = longest_suffix(text, suffixes)
            if head is None or len(text) <= len(head):
                continue
            if head in weak and len(texts[k]) < 3 and tags[k] != "ORG" and texts[s] not in LEVEL_CHARS:
                continue  # 布局, 干部; but 省|生态|环境|厅 after a level is a department
            modifier = text[: -len(head)]
            if modifier in GENERIC_MODIFIERS or len(modifier) < 2:
                continue
            yield s, k + 1, head

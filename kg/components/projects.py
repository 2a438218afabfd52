"""PROJECT: named works, parks, bases and facilities (光伏…产业化项目, 某某智算中心)."""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import lexicon
from . import spans as sp


def specific(w: sp.Words, s: int, e: int) -> bool:
    """A project name needs something that singles it out: a proper noun or a figure,
    and no count of projects (区政府8类23项民生实事项目, 多种合作方式共建工程)."""
    if any(lexicon.COUNTED.match(w.text[k]) for k in range(s, e)):
        return False
    return any(w.tag[k] in ("LOC", "ORG", "nz", "PER", "m") for k in range(s, e))


def coordinated_start(w: sp.Words, s: int) -> int:
    """Where a name starts whose head is shared with the conjuncts before it:
    年产3000吨六氟磷酸锂、600吨氟化锂项目 is one project with two products."""
    start = s
    while start > 1 and w.text[start - 1] == "、":
        j = start - 1
        while j > 0 and w.tag[j - 1] in ("m", "nz", "n", "LOC", "ORG") and w.text[j - 1] not in lexicon.PROJECT_SUFFIXES:
            j -= 1
        if not (start - 1 - j >= 2 and w.tag[j] == "m" and w.tag[s] == "m"):
            break
        if j > 0 and w.text[j - 1] in lexicon.PROJECT_OPENERS:
            j -= 1
        start = j
    return start


def quoted(w: sp.Words):
    """(start, end) of a quoted name of a place's works followed by a project head: “湟水山水”工程
    (a quoted slogan without a place is a campaign: “强村”工程)."""
    for i, text in enumerate(w.text):
        if text != "“":
            continue
        for j in range(i + 2, min(len(w) - 1, i + 10)):
            if w.text[j] == "”":
                if w.text[j + 1] in lexicon.PROJECT_SUFFIXES and any(w.tag[k] in ("LOC", "ORG") for k in range(i + 1, j)):
                    yield i, j + 2
                break
            if w.tag[j] in ("w", "_SP") and w.text[j] not in "、·":
                break


# Kinds of project: a place and these before the head name no project (上海援建项目, 新一轮对口援建项目).
KINDS = re.compile(r"(?:新一轮|新一批|对口|援建|帮扶|协作|扶贫|民生|惠民|重点|重大|在建|续建|新建|招商|签约|引进|"
                   r"基础设施|产业|合作|建设)+")
# What makes a head part of a longer noun: 工程机械, 工程师, 项目部.
HEAD_COMPOUNDS = {"工程": ("机械", "师", "院", "技术", "质量", "车"), "项目": ("部", "组", "办", "经理", "负责人", "资金", "库")}


def kind_only(w: sp.Words, s: int, e: int, head: str) -> bool:
    """Whether the name before the head is only places and kinds of project (上海援建项目)."""
    k = s
    while k < e and w.tag[k] in ("LOC", "ORG") and w.text[k] not in lexicon.PROJECT_SUFFIXES:
        k += 1
    rest = w.span(k, e)[: -len(head)]
    return k > s and rest != "" and KINDS.fullmatch(rest) is not None  # not 川藏公路: places name roads


def compound_head(w: sp.Words, e: int, head: str) -> bool:
    return e < len(w) and w.text[e - 1].endswith(head) and w.text[e].startswith(HEAD_COMPOUNDS.get(head, ()))


# Roads by their number (国道214线, G227线, 315国道): a named project however LAC cut them. The merge,
# not this tagger, applies it, so that the recognizer's features stay those it was trained on.
ROAD = re.compile(r"(?:国道|省道|县道)\d{1,4}线?|(?<![A-Za-z])[GS]\d{1,4}线|(?<!\d)\d{3}国道")


def numbered_roads(doc: Doc):
    """(start, end) of each numbered road whose edges are token edges."""
    for m in ROAD.finditer(doc.text):
        span = doc.char_span(m.start(), m.end())
        if span is not None:
            yield span.start, span.end


# Verbs that no project's name holds: a phrase that runs through one is a clause (某公司位于某区某产业园,
# 代表参观某县教育基地, 国家正式启动某寺保护维修工程), and the name is what follows the verb.
CLAUSE_VERBS = frozenset(
    "位于 地处 坐落 落户 入驻 参观 走进 来到 前往 抵达 到达 深入 走访 看望 慰问 调研 考察 视察 察看 查看 观看 "
    "会见 会晤 组织 参加 出席 启动 打造 打造成 建成 建起 成为 作为 包括 主要包括 助力 支持 达成 夺得 联通 签署 "
    "举行 召开 宣布 表示 指出 强调 要求 听取 了解 称 负责 发现 获得 荣获 命名 授予 评为 列为 入选".split()
)


def clause_start(w: sp.Words, s: int, e: int) -> int | None:
    """Where the name starts in a phrase (s, e) that runs through a clause verb; `s` when none
    does; None when nothing after the verb singles a project out."""
    k = max((k for k in range(s, e - 1) if w.text[k] in CLAUSE_VERBS and w.tag[k] in ("v", "vd", "vn")), default=None)
    if k is None:
        return s
    head = longest_head(w, k + 1, e)
    return k + 1 if head and specific(w, k + 1, e) else None


def longest_head(w: sp.Words, s: int, e: int) -> str | None:
    """The project head the phrase ends in, if what stands before it is two characters or more."""
    text = w.span(s, e)
    head = lexicon.longest_suffix(text, lexicon.PROJECT_SUFFIXES)
    return head if head and len(text) - len(head) >= 2 else None


class ProjectTagger:
    def __call__(self, doc: Doc) -> Doc:
        w = sp.words(doc)
        out = []
        for s, e, head in sp.headed_phrases(
            doc, lexicon.PROJECT_SUFFIXES, predicates=True, openers=lexicon.PROJECT_OPENERS
        ):
            s = coordinated_start(w, s)
            if specific(w, s, e) and not kind_only(w, s, e, head) and not compound_head(w, e, head):
                out.append(Span(doc, s, e, label="PROJECT"))
        out += [Span(doc, s, e, label="PROJECT") for s, e in quoted(w)]
        sp.add(doc, out)
        return doc


@Language.factory("kg_projects", assigns=["doc.spans"], default_config={})
def make_project_tagger(nlp: Language, name: str):
    return ProjectTagger()

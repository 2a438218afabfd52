"""The things a page names: its mentions grouped into entities (forms of a division by code,
forms of a body by its key, a project and the same name with a place before it).

Between tagging and relations: the relations, the resolution of names across pages and the
per-file records all speak of these entities.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from . import gazetteer
from .model import TYPES, TaggedArticle


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
    """城东区光伏…项目 and 光伏…项目 are one project: a name that is another plus a place before it."""
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
    """Whether text is one or more division names written together (某市城东区和平街道)."""
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

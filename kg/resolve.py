"""Resolution: one node per real thing across pages.

Input is plain data (tagged pages from `kg.tag.tag_pages`, facts from
`kg.relations`); output is a `Resolution`: nodes with stable ids, and links
(facts whose ends are node ids). Nothing here mutates its input, and the same
input always gives the same nodes, ids and order.

API: `resolve(pages, facts, region=None) -> Resolution` (nodes by id, links,
articles, `lookup(type, name, source, article)`); the rules as functions:
`canonical_org`, `split_relative`, `relative_division`, `post_scope`,
`split_title`, `post_name`, `prefix_divisions`, `parse_region`.

Identity rules
- Divisions are keyed by GB/T 2260 code: 阿坝州 / 阿坝 / 阿坝藏族羌族自治州 are one
  node labelled with the official full name, the forms as aliases. Every
  division a coded place lies in becomes a node too, so chains are complete.
- Relative names are read in context: 省委 → 青海省委 in a paper whose home
  province is 青海; 市委 → 西宁市委 in an article about 西宁. The home region
  is voted by the coded places of the text (each mention votes for its
  division and the divisions containing it): provincial names (省…) use the
  `region` option, then the page, then the corpus; lower levels (市, 州, 县,
  区, 乡, 镇) the article first. A tie between two divisions leaves the name
  unresolved; it then stays a node of its own page. 中共青海省委 is 青海省委.
- Officials with one name are one person unless their posts or regions
  conflict: posts are placed in divisions (省委书记 → 青海省, 市委书记 → 西宁市,
  湟中区海子沟乡人大主席 → 海子沟乡); two occurrences whose divisions are not
  on one chain are two people (and an official without a post belongs to the
  province of the article). Disambiguated ids carry the division code.
- Organizations and projects whose name is another's with a division before
  it are one (城东区光伏…项目 = 光伏…项目), unless the short name is written
  after two different divisions or on a page about another region.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePath
from typing import Iterable

from . import gazetteer, lexicon
from .gazetteer import COUNTY, LEVEL_RANK, PREFECTURE, PROVINCE, TOWNSHIP
from .grouping import page_entities
from .model import TYPES, Evidence, Fact, TaggedArticle

OFFICIAL, PERSON, ORGANIZATION, PLACE, PROJECT = (TYPES[k] for k in ("OFFICIAL", "PERSON", "ORG", "PLACE", "PROJECT"))
ENTITY_TYPES = (OFFICIAL, PERSON, ORGANIZATION, PLACE, PROJECT)
# Relations whose entities become nodes even if the tagger missed them (a visited site);
# other facts only link nodes that exist.
CREATING = frozenset({"visited"})
NATIONAL = ""  # the scope of a national post (总书记, 国务院总理): compatible with every region

# Level words that open a relative name, longest first, and the levels of division they can mean.
_LEVEL_WORDS = {
    "自治区": {PROVINCE},
    "省": {PROVINCE},
    "市": {PROVINCE, PREFECTURE, COUNTY},
    "州": {PREFECTURE},
    "盟": {PREFECTURE},
    "县": {COUNTY},
    "旗": {COUNTY},
    "区": {COUNTY},
    "乡": {TOWNSHIP},
    "镇": {TOWNSHIP},
}
_PROVINCIAL = ("自治区", "省")
# After a level word these make a common word, not a body: 市场, 省内, 县城, 市民, 区域.
_NOT_BODY = set("场民内外级直属区县里长域际会容貌况情面份城乡镇村")
_NATIONAL_ORGS = ("中共中央", "党中央", "中央", "国务院", "全国", "国家")
_NATIONAL_POSTS = {"总书记", "总理", "副总理", "国务委员", "委员长", "副委员长", "国家主席", "国家副主席"}
_LEVEL_POST = re.compile(r"^(?:代|常务副|副)?(%s)长$" % "|".join(_LEVEL_WORDS))
_RANKS = sorted(lexicon.RANKS, key=len, reverse=True)
_ORG_HEADS = tuple(lexicon.ORG_SUFFIXES) + tuple(lexicon.BODIES)


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class Node:
    """One real thing. `id` is stable: type plus code, canonical name or name@division."""

    id: str
    type: str
    label: str
    aliases: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    code: str | None = None  # GB/T 2260 code of a division
    level: str | None = None  # province | prefecture | county | township
    chain: tuple[str, ...] = ()  # codes of the divisions containing it, innermost first
    division: str | None = None  # code of the division a name or post places it in (orgs, projects, officials)
    mentions: int = 0  # 0 for a division only named through a place inside it
    articles: tuple[str, ...] = ()  # ids of the articles naming it


@dataclass(frozen=True)
class ArticleInfo:
    id: str  # "file#index"
    source: str  # file name
    index: int
    start: int
    end: int
    headline: str = ""
    date: str | None = None  # as written in the dateline


@dataclass(frozen=True)
class Link:
    """A fact between two nodes; `fact` keeps what was read (evidence, date, role, post)."""

    relation: str
    subject: str
    object: str
    fact: Fact


@dataclass
class Resolution:
    nodes: dict[str, Node]
    links: list[Link]
    articles: dict[str, ArticleInfo]
    region: str | None = None
    index: dict = field(default_factory=dict, repr=False)

    def lookup(self, type: str, name: str, source: str | None = None, article: int | None = None) -> str | None:
        """The node a name of a type means, in an article, a page or the corpus (None if unknown or ambiguous)."""
        type = TYPES.get(type, type)
        file = _file(source) if source else None
        keys = [(None, None, type, name)]
        if file is not None:
            keys[:0] = [(file, article, type, name), (file, None, type, name)] if article is not None else [(file, None, type, name)]
        for key in keys:
            ids = self.index.get(key)
            if ids and len(ids) == 1:
                return next(iter(ids))
        return None


def article_id(source: str, index: int) -> str:
    return f"{_file(source)}#{index}"


@lru_cache(maxsize=65536)
def _file(source: str) -> str:
    return PurePath(str(source)).name


# ---------------------------------------------------------------- divisions


def _gaz():
    return gazetteer.load()


@lru_cache(maxsize=None)
def chain_codes(code: str) -> tuple[str, ...]:
    """The code and the codes of the divisions containing it, innermost first."""
    return tuple(d.code for d in _gaz().chain(code))


def _comparable(a: str, b: str) -> bool:
    """Whether two scopes lie on one chain (one contains the other, or either is national)."""
    return a == NATIONAL or b == NATIONAL or a in chain_codes(b) or b in chain_codes(a)


def _votes(codes: Iterable[str]) -> Counter:
    out = Counter()
    for c in codes:
        out.update(chain_codes(c))
    return out


@lru_cache(maxsize=None)
def called(code: str, word: str) -> str | None:
    """How a division is written when the text says just `word`: (630000, 省) → 青海省, (513200, 州) → 阿坝州."""
    d = _gaz().by_code.get(code)
    if d is None or d.level not in _LEVEL_WORDS.get(word, ()):
        return None
    for form, kind in gazetteer.short_forms(d.name, d.level):  # 阿坝州委, not 阿坝藏族羌族自治州委
        if kind == "short" and form.endswith(word):
            return form
    return d.name if d.name.endswith(word) else None


def parse_region(region: str | None) -> str | None:
    """A code for the `region` option: a GB/T 2260 code or a division's name (青海, 西宁市)."""
    if region is None:
        return None
    gaz = _gaz()
    region = str(region).strip()
    if region in gaz.by_code:
        return region
    if re.fullmatch(r"\d{2}", region) and region + "0000" in gaz.by_code:
        return region + "0000"
    divisions = {f.division.code: f.division for f in gaz.lookup(region)}
    if not divisions:
        raise ValueError(f"unknown region: {region!r}")
    return min(divisions.values(), key=lambda d: (LEVEL_RANK[d.level], d.code)).code


@dataclass(frozen=True)
class Context:
    """Votes for divisions, from the most local text outwards."""

    article: Counter = field(default_factory=Counter)
    page: Counter = field(default_factory=Counter)
    home: Counter = field(default_factory=Counter)  # the `region` option
    corpus: Counter = field(default_factory=Counter)

    def tiers(self, word: str | None = None) -> list[Counter]:
        if word in _PROVINCIAL:
            return [self.home, self.page, self.corpus]
        return [self.article, self.page, self.home, self.corpus]

    def province(self) -> str | None:
        for tier in self.tiers("省"):
            best = _best([c for c in tier if _level(c) == PROVINCE], tier)
            if best:
                return best
        return None


@lru_cache(maxsize=None)
def _level(code: str) -> str | None:
    d = _gaz().by_code.get(code)
    return d.level if d else None


def _best(codes, votes: Counter) -> str | None:
    """The code with most votes; a tie goes to the higher level, and a remaining tie to nobody."""
    if not codes:
        return None
    top = max(votes[c] for c in codes)
    best = [c for c in codes if votes[c] == top]
    rank = min(LEVEL_RANK[_level(c)] for c in best)
    best = [c for c in best if LEVEL_RANK[_level(c)] == rank]
    return best[0] if len(best) == 1 else None


def relative_division(word: str, ctx: Context) -> str | None:
    """The division a level word means in context (省 → 630000), or None when the text does not say."""
    for tier in ctx.tiers(word):
        cands = sorted(c for c in tier if tier[c] > 0 and called(c, word))
        if cands:
            return _best(cands, tier)
    return None


def split_relative(name: str) -> tuple[str, str] | None:
    """省委 → (省, 委), 市委市政府 → (市, 委市政府); None for names that are not relative."""
    for word in _LEVEL_WORDS:
        if name.startswith(word) and len(name) > len(word):
            rest = name[len(word):]
            if rest[0] in _NOT_BODY or division_prefix(name):
                return None
            if rest.startswith(lexicon.BODIES) or lexicon.longest_suffix(rest, _ORG_HEADS):
                return word, rest
            return None
    return None


def division_prefix(name: str) -> str | None:
    """The longest division form a name starts with (西宁市第一职业技术学校 → 西宁市), if shorter than the name."""
    gaz = _gaz()
    for i in range(min(len(name) - 1, gaz.max_len), 1, -1):
        if name[:i] in gaz:
            return name[:i]
    return None


def _choose_division(form: str, ctx: Context, inside: str | None = None) -> str | None:
    """The division a written form means: inside `inside` if given, then the one the context votes for."""
    cands = sorted({f.division.code: f for f in _gaz().lookup(form)}.items())
    if inside:
        within = [(c, f) for c, f in cands if inside in chain_codes(c)[1:]]
        cands = within or cands
    if not cands:
        return None

    def supported(item):
        """A bare stem of a county or township (全州, 向阳) counts only where the text names its region."""
        code, f = item
        return f.kind != "stem" or f.division.level == PROVINCE or any(
            t[a] for t in (ctx.article, ctx.page, ctx.home) for a in chain_codes(code))

    cands = [c for c in cands if supported(c)]
    if not cands:
        return None
    if len(cands) == 1:
        return cands[0][0]

    def score(item):
        code, f = item
        ancestors = chain_codes(code)
        support = tuple(sum(t[a] for a in ancestors) for t in ctx.tiers())
        kind = {"full": 0, "short": 1, "stem": 2}[f.kind]
        return tuple(-s for s in support) + (kind, LEVEL_RANK[f.division.level], code)

    return min(cands, key=score)[0]


def prefix_divisions(name: str, ctx: Context) -> tuple[str | None, str]:
    """Divisions written before a name: 湟中区海子沟乡人大 → (630106204, 人大). Remainders keep ≥ 2 chars."""
    code, rest = None, name
    while True:
        p = division_prefix(rest)
        if p is None or len(rest) - len(p) < 2:
            return code, rest
        c = _choose_division(p, ctx, inside=code)
        if c is None:
            return code, rest
        code, rest = c, rest[len(p):]


def canonical_org(name: str, ctx: Context) -> tuple[str, str | None, bool]:
    """(canonical name, division code, resolved): 省委 → (青海省委, 630000, True), 中共青海省委 → 青海省委."""
    n = name.replace(" ", "")
    if n.startswith("中共") and len(n) > 4:
        n = n[2:]
        if n.endswith("委员会") and division_prefix(n) == n[:-3]:
            n = n[:-3] + "委"
    rel = split_relative(n)
    if rel:
        word, rest = rel
        code = relative_division(word, ctx)
        if code is None:
            return n, None, False
        return called(code, word) + rest, code, True
    code, _ = prefix_divisions(n, ctx)
    return n, code, True


def split_title(title: str) -> tuple[str, str]:
    """A post title as (organization part, rank): 省委书记 → (省委, 书记), 副省长 → (省政府, 副省长)."""
    m = _LEVEL_POST.match(title)
    if m:
        return m.group(1) + "政府", title
    for rank in _RANKS:
        if title.endswith(rank) and len(title) > len(rank):
            return title[: -len(rank)], rank
    return "", title


def post_name(title: str, org_label: str) -> str:
    """The post a title names, with its organization's canonical name: 省委书记 in 青海省委 → 青海省委书记,
    副省长 in 青海省政府 → 青海省副省长."""
    org, rank = split_title(title)
    if _LEVEL_POST.match(title) and org_label.endswith("政府"):
        return org_label[: -len("政府")] + title
    if org and org_label:
        return org_label + rank
    return title


def post_scope(title: str, ctx: Context) -> tuple[str | None, str | None, str]:
    """(canonical organization, scope code, rank) of a title; scope is NATIONAL for national posts."""
    org, rank = split_title(title)
    if not org:
        return None, (NATIONAL if title in _NATIONAL_POSTS else None), rank
    if org.startswith(_NATIONAL_ORGS):
        return org, NATIONAL, rank
    if not lexicon.longest_suffix(org, _ORG_HEADS):
        return None, None, rank
    canon, code, resolved = canonical_org(org, ctx)
    return (canon if resolved else org), code, rank


# ---------------------------------------------------------------- occurrences


@dataclass
class _Occurrence:
    """One page entity as named in one article."""

    source: str
    article: int
    entity: object  # kg.grouping._Entity
    type: str
    ctx: Context
    forms: Counter = field(default_factory=Counter)
    titles: list = field(default_factory=list)
    mentions: list = field(default_factory=list)  # (Mention, TaggedArticle)
    key: tuple | None = None
    id: str | None = None

    @property
    def name(self) -> str:
        return self.entity.name()


def _entity_lookup(ents):
    by_form = defaultdict(list)
    for e in ents:
        for f in e.forms:
            by_form[f].append(e)
    return by_form


def _entity_of(m, by_form):
    """The page entity a mention belongs to (None when page_entities dropped it)."""
    cands = by_form.get(m.text, [])
    typ = TYPES[m.label]
    for ok in (
        lambda e: e.type == typ and (typ != PLACE or e.code == m.code),
        lambda e: e.type == typ,
        lambda e: e.type in (OFFICIAL, PERSON),
    ):
        for e in cands:
            if ok(e):
                return e
    return None


def _place_codes(articles: list[TaggedArticle]) -> Counter:
    return _votes(m.code for ta in articles for m in ta.mentions if m.label == "PLACE" and m.code)


def _occurrences(pages, home: Counter) -> list[_Occurrence]:

    corpus = Counter()
    page_votes = []
    for tp in pages:
        arts = [_votes(m.code for m in ta.mentions if m.label == "PLACE" and m.code) for ta in tp.articles]
        pv = sum(arts, Counter())
        corpus.update(pv)
        page_votes.append((arts, pv))
    occs = []
    for tp, (arts, pv) in zip(pages, page_votes):
        ents = page_entities(tp.articles)
        by_form = _entity_lookup(ents)
        order = {id(e): i for i, e in enumerate(ents)}
        for ta, av in zip(tp.articles, arts):
            ctx = Context(av, pv, home, corpus)
            here: dict[int, _Occurrence] = {}
            for m in ta.mentions:
                e = _entity_of(m, by_form)
                if e is None:
                    continue
                o = here.get(id(e))
                if o is None:
                    o = here[id(e)] = _Occurrence(_file(tp.page.source), ta.article.index, e, e.type, ctx)
                o.forms[m.text] += 1
                o.mentions.append((m, ta))
                for t in m.titles:
                    if t not in o.titles:
                        o.titles.append(t)
            occs += sorted(here.values(), key=lambda o: order[id(o.entity)])
    return occs


# ---------------------------------------------------------------- keys


def _key_simple(o: _Occurrence) -> tuple:
    """Keys of places, persons, organizations and projects (officials are clustered apart)."""
    e = o.entity
    if o.type == PLACE:
        if e.code and e.code in _gaz().by_code:
            return (PLACE, e.code)
        return (PLACE, o.name.replace(" ", ""))
    if o.type == PERSON:
        return (PERSON, o.name)
    if o.type == ORGANIZATION:
        canon, code, resolved = canonical_org(o.name, o.ctx)
        if not resolved:
            return (ORGANIZATION, canon, o.source)  # 区政府 with no district in the text
        return (ORGANIZATION, canon)
    return (o.type, o.name.replace(" ", ""))


def _merge_prefixed(keys: list[tuple], ctxs: dict[tuple, Context]) -> dict[tuple, tuple]:
    """Map each org/project key to its group key: 城东区光伏…项目 and 光伏…项目 are one.

    Names are grouped by what is left after the division prefixes (≥ 4 chars);
    a group holds the names with one innermost division and the bare name (if
    its page names that division or no division at all), and a bare name
    written after two different divisions joins neither.
    """
    out = {k: k for k in keys}
    by_base = defaultdict(list)
    for k in keys:
        if len(k) != 2 or k[0] not in (ORGANIZATION, PROJECT):
            continue
        code, rest = prefix_divisions(k[1], ctxs[k])
        if code is not None and len(rest) < 4:
            continue
        by_base[(k[0], rest)].append((code, k))
    for (typ, base), members in sorted(by_base.items()):
        scopes = sorted({c for c, _ in members if c is not None})
        if len(members) < 2 or len(scopes) != 1:
            if len(scopes) > 1:  # one group per division; the bare name stays alone
                for s in scopes:
                    group = sorted(k for c, k in members if c == s)
                    head = max(group, key=lambda k: (len(k[1]), k[1]))
                    for k in group:
                        out[k] = head
            continue
        scope = scopes[0]
        members = [(c, k) for c, k in members if c is not None or _supports(ctxs[k], scope)]
        head = max((k for _, k in members), key=lambda k: (len(k[1]), k[1]))
        for _, k in members:
            out[k] = head
    return out


def _supports(ctx: Context, code: str) -> bool:
    """Whether a page may speak of things in a division: it names the division (or one below
    the province containing it), or names no place below a province at all."""
    below = [c for c in chain_codes(code) if _level(c) != PROVINCE]
    if any(ctx.page[c] for c in below):
        return True
    return not any(n and _level(c) != PROVINCE for c, n in ctx.page.items())


def _official_scopes(o: _Occurrence) -> set[str]:
    scopes = set()
    for t in o.titles:
        _, scope, _ = post_scope(t, o.ctx)
        if scope is not None:
            scopes.add(scope)
    return scopes


def _cluster_officials(occs: list[_Occurrence]) -> dict[int, str]:
    """Node ids for official occurrences: one per person, by name, posts and region."""
    by_name = defaultdict(list)
    for i, o in enumerate(occs):
        if o.type == OFFICIAL:
            by_name[o.name].append(i)
    ids = {}
    for name in sorted(by_name):
        idx = by_name[name]
        scoped = [(i, _official_scopes(occs[i])) for i in idx]
        strong = [(i, s) for i, s in scoped if s]
        weak = [i for i, s in scoped if not s]
        clusters: list[dict] = []  # {"scopes": set, "members": [i], "province": str|None}
        for i, s in strong:
            for c in clusters:
                if all(_comparable(a, b) for a in s for b in c["scopes"]):
                    c["scopes"] |= s
                    c["members"].append(i)
                    break
            else:
                clusters.append({"scopes": set(s), "members": [i]})
        for c in clusters:
            provinces = {x[:2] + "0000" for x in c["scopes"] if x}
            c["province"] = min(provinces) if provinces else None
        for i in weak:
            prov = occs[i].ctx.province()
            fits = [c for c in clusters if c["province"] is None or prov is None or c["province"] == prov]
            if fits:
                votes = occs[i].ctx.article
                best = max(fits, key=lambda c: sum(votes[x] for x in c["scopes"] if x))
                best["members"].append(i)
            else:
                clusters.append({"scopes": set(), "members": [i], "province": prov})
        if len(clusters) == 1:
            for i in clusters[0]["members"]:
                ids[i] = f"{OFFICIAL}:{name}"
            continue
        used = Counter()
        for c in clusters:
            codes = [x for x in c["scopes"] if x]
            disc = min(codes, key=lambda x: (LEVEL_RANK[_level(x)], x)) if codes else (c["province"] or "000000")
            used[disc] += 1
            tag = disc if used[disc] == 1 else f"{disc}.{used[disc]}"
            for i in c["members"]:
                ids[i] = f"{OFFICIAL}:{name}@{tag}"
    return ids


def _node_id(key: tuple) -> str:
    if len(key) == 3:
        return f"{key[0]}:{key[1]}@{key[2]}"
    return f"{key[0]}:{key[1]}"


# ---------------------------------------------------------------- evidence


def sentence_evidence(ta: TaggedArticle, sentence: int) -> Evidence | None:
    if sentence < 0 or sentence >= len(ta.sentences):
        return None
    s = ta.sentences[sentence]
    start, end = ta.article.source_span(s.start, s.end)
    return Evidence(_file(ta.article.source), ta.article.index, s.text, start, end)


# ---------------------------------------------------------------- resolve


def resolve(pages, facts: Iterable[Fact] = (), region: str | None = None, cooccurrence: bool | None = None) -> Resolution:
    """Nodes and links for tagged pages (`TaggedPage`s; failures are skipped) and their facts.

    `region` (a code or a division name) fixes the home region for relative
    names. Co-occurrence links are derived from shared sentences unless the
    facts already hold `cooccurs` facts (or `cooccurrence=False`).
    """
    pages = [p for p in pages if hasattr(p, "articles") and hasattr(p, "page")]
    facts = list(facts)
    home_code = parse_region(region)
    home = _votes([home_code]) if home_code else Counter()
    occs = _occurrences(pages, home)

    # keys
    official_ids = _cluster_officials(occs)
    keys = {}
    ctxs = {}
    for i, o in enumerate(occs):
        if o.type == OFFICIAL:
            continue
        k = _key_simple(o)
        keys[i] = k
        ctxs.setdefault(k, o.ctx)
    groups = _merge_prefixed(sorted(set(keys.values())), ctxs)
    for i, o in enumerate(occs):
        o.id = official_ids[i] if o.type == OFFICIAL else _node_id(groups[keys[i]])

    # nodes
    acc: dict[str, dict] = {}

    def slot(nid, typ):
        return acc.setdefault(
            nid,
            {"type": typ, "forms": Counter(), "titles": [], "articles": set(), "own": Counter(), "codes": Counter(), "mentions": 0},
        )

    for o in occs:
        a = slot(o.id, o.type)
        a["forms"].update(o.forms)
        a["mentions"] += sum(o.forms.values())
        a["articles"].add(article_id(o.source, o.article))
        for t in o.titles:
            if t not in a["titles"]:
                a["titles"].append(t)
        if o.type == PLACE and o.entity.code in _gaz().by_code:
            a["own"][o.entity.code] += 1
        elif o.type == OFFICIAL:
            scopes = [s for s in _official_scopes(o) if s]
            if scopes:  # the most specific division a post is in
                a["codes"][max(scopes, key=lambda s: (LEVEL_RANK[_level(s)], s))] += 1
        elif o.type in (ORGANIZATION, PROJECT, PLACE):
            if o.type == ORGANIZATION:
                code = canonical_org(o.name, o.ctx)[1]
            else:
                code, rest = prefix_divisions(o.name, o.ctx)
                code = None if o.type == PROJECT and rest.startswith(lexicon.AID_VERBS) else code  # 上海援建项目
            if code:
                a["codes"][code] += 1

    nodes: dict[str, Node] = {}
    for nid, a in acc.items():
        nodes[nid] = _make_node(nid, a)
    _add_ancestors(nodes)

    # index: names → node ids, per article, per page and corpus-wide
    index: dict[tuple, set] = defaultdict(set)
    for o in occs:
        node = nodes[o.id]
        names = set(o.forms) | {o.name, node.label} | set(node.aliases)
        for m, _ in o.mentions:
            names.add(m.canonical or m.text)
        for n in names:
            for key in ((o.source, o.article, o.type, n), (o.source, None, o.type, n), (None, None, o.type, n)):
                index[key].add(o.id)
    for node in nodes.values():
        for n in (node.label, *node.aliases):
            index[(None, None, node.type, n)].add(node.id)

    # articles
    articles = {}
    for tp in pages:
        for ta in tp.articles:
            a = ta.article
            aid = article_id(a.source, a.index)
            articles[aid] = ArticleInfo(aid, _file(a.source), a.index, a.start, a.end, a.headline, a.date)

    res = Resolution(nodes, [], dict(sorted(articles.items())), home_code, dict(index))
    links = _fact_links(res, facts, pages, home)
    links += _post_links(res, occs)
    if cooccurrence is None:
        cooccurrence = not any(f.relation == "cooccurs" for f in facts)
    if cooccurrence:
        links += _cooccurrence_links(occs)
    res.links = _dedupe(links)
    return res


def _make_node(nid: str, a: dict) -> Node:
    typ = a["type"]
    forms = a["forms"]
    code = level = division = None
    chain: tuple[str, ...] = ()
    if a["own"]:  # a division: its official full name
        code = max(a["own"], key=lambda c: (a["own"][c], c))
        d = _gaz().by_code[code]
        label, level, chain = d.name, d.level, chain_codes(code)[1:]
    else:  # the key's name: canonical (青海省委, not 省委 or 中共青海省委), the fullest of a merged group
        name = nid.split(":", 1)[1]
        label = name.rsplit("@", 1)[0] if typ in (OFFICIAL, ORGANIZATION) else name
        if a["codes"]:
            division = max(a["codes"], key=lambda c: (a["codes"][c], c))
    aliases = tuple(sorted(f for f in forms if f != label))
    return Node(
        id=nid,
        type=typ,
        label=label,
        aliases=aliases,
        titles=tuple(a["titles"]),
        code=code,
        level=level,
        chain=chain,
        division=division,
        mentions=a["mentions"],
        articles=tuple(sorted(a["articles"])),
    )


def division_node_id(code: str) -> str:
    return f"{PLACE}:{code}"


def _add_ancestors(nodes: dict[str, Node]) -> None:
    gaz = _gaz()
    for node in list(nodes.values()):
        codes = list(node.chain) + ([node.division] if node.division else [])
        if node.division:
            codes += list(chain_codes(node.division)[1:])
        for c in codes:
            nid = division_node_id(c)
            if nid not in nodes:
                d = gaz.by_code[c]
                nodes[nid] = Node(nid, PLACE, d.name, code=c, level=d.level, chain=chain_codes(c)[1:])


# ---------------------------------------------------------------- links


def _fact_links(res: Resolution, facts: list[Fact], pages, home: Counter) -> list[Link]:
    """Links for facts, their entities found by name in the article, the page, then the corpus."""
    corpus = Counter()
    per_page = []
    for tp in pages:
        pv = _place_codes(tp.articles)
        corpus.update(pv)
        per_page.append((tp, pv))
    contexts = {
        article_id(ta.article.source, ta.article.index): Context(_place_codes([ta]), pv, home, corpus)
        for tp, pv in per_page
        for ta in tp.articles
    }
    out = []
    for f in facts:
        ev = f.evidence
        src, art = (ev.source, ev.article) if ev else (None, None)
        ctx = contexts.get(article_id(ev.source, ev.article)) if ev else None
        ctx = ctx or Context(home=home, corpus=corpus)
        create = f.relation in CREATING
        s = _node_for(res, f.subject, src, art, ctx, create)
        o = _node_for(res, f.object, src, art, ctx, create)
        if s and o:
            out.append(Link(f.relation, s, o, f))
    return out


def _node_for(res: Resolution, ent: tuple[str, str], source, article, ctx: Context, create: bool) -> str | None:
    typ, name = ent
    typ = TYPES.get(typ, typ)
    nid = res.lookup(typ, name, source, article)
    if nid:
        return nid
    if typ == OFFICIAL:  # several people of this name: the one the article's places point to
        cands = sorted(res.index.get((None, None, typ, name), ()))
        if cands:
            return max(cands, key=lambda c: (ctx.article[res.nodes[c].division or ""], ctx.page[res.nodes[c].division or ""], c))
    if typ not in ENTITY_TYPES or not name or not create:
        return None
    return _new_node(res, typ, name, ctx, source, article)


def _new_node(res: Resolution, typ: str, name: str, ctx: Context, source: str | None, article: int | None) -> str:
    """A node for a thing named only in a fact or a title (a site the tagger missed: 东湖车城)."""
    division = None
    if typ == PLACE and (code := _whole_division(name, ctx)):
        key = (PLACE, code)
    elif typ == ORGANIZATION:
        canon, division, resolved = canonical_org(name, ctx)
        key = (ORGANIZATION, canon) if resolved else (ORGANIZATION, canon, _file(source or ""))
    else:
        key = (typ, name)
        if typ in (PLACE, PROJECT):
            division, _ = prefix_divisions(name, ctx)
    nid = _node_id(key)
    seen = dict(mentions=1, articles=(article_id(source, article),)) if source and article is not None else {}
    if nid not in res.nodes:
        if typ == PLACE and len(key) == 2 and key[1] in _gaz().by_code:
            d = _gaz().by_code[key[1]]
            res.nodes[nid] = Node(nid, PLACE, d.name, tuple(a for a in (name,) if a != d.name), code=d.code,
                                  level=d.level, chain=chain_codes(d.code)[1:], **seen)
        else:
            label = key[1]
            res.nodes[nid] = Node(nid, typ, label, tuple(a for a in (name,) if a != label), division=division,
                                  **seen)
        _add_ancestors(res.nodes)
    res.index.setdefault((None, None, typ, name), set()).add(nid)
    return nid


def _whole_division(name: str, ctx: Context) -> str | None:
    """The division a whole name is a form of (阿坝州 → 513200), chosen by context."""
    return _choose_division(name, ctx) if name in _gaz() else None


def _post_links(res: Resolution, occs: list[_Occurrence]) -> list[Link]:
    """holds_post links from the titles the text gives an official, to the organization in the title."""
    out = []
    for o in occs:
        if o.type != OFFICIAL:
            continue
        for m, ta in o.mentions:
            for title in m.titles:
                org, scope, rank = post_scope(title, o.ctx)
                if not org:
                    continue
                org_id = _org_node(res, org, o)
                ev = sentence_evidence(ta, m.sentence)
                fact = Fact("holds_post", (OFFICIAL, res.nodes[o.id].label), (ORGANIZATION, res.nodes[org_id].label),
                            evidence=ev, post=title)
                out.append(Link("holds_post", o.id, org_id, fact))
    return out


def _org_node(res: Resolution, org: str, o: _Occurrence) -> str:
    """The organization node of a title's organization, created if the text names it only in the title."""
    return res.lookup(ORGANIZATION, org, o.source, o.article) or _new_node(res, ORGANIZATION, org, o.ctx, o.source,
                                                                           o.article)


def _cooccurrence_links(occs: list[_Occurrence]) -> list[Link]:
    """One link per pair of nodes named in one sentence (weight 1 each; the graph sums them)."""
    per_sentence = defaultdict(set)
    arts = {}
    for o in occs:
        for m, ta in o.mentions:
            if m.sentence >= 0:
                per_sentence[(o.source, o.article, m.sentence)].add(o.id)
                arts[(o.source, o.article)] = ta
    out = []
    for (src, art, sent), ids in sorted(per_sentence.items()):
        ids = sorted(ids)
        ev = sentence_evidence(arts[(src, art)], sent)
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                out.append(Link("cooccurs", a, b, Fact("cooccurs", (a, a), (b, b), evidence=ev)))
    return out


def _dedupe(links: list[Link]) -> list[Link]:
    """Links in a stable order, each fact once (same ends, relation, role, date and evidence)."""
    seen = {}
    for ln in links:
        f = ln.fact
        ev = f.evidence
        k = (ln.relation, ln.subject, ln.object, f.role or "", f.date or "", f.post or "",
             (_file(ev.source), ev.article, ev.start, ev.end) if ev else ("", -1, -1, -1))
        if k not in seen:
            seen[k] = ln
    return [seen[k] for k in sorted(seen)]


def stable_hash(*parts) -> str:
    """A short hex digest of parts (for ids of visits and other reified facts)."""
    h = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:16]

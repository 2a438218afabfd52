"""The national division list (GB/T 2260 codes) and the short forms the press uses.

Short forms are derived by rule, never listed by hand: 阿坝藏族羌族自治州 → 阿坝州 → 阿坝,
互助土族自治县 → 互助县, 青海省 → 青海, 大柴旦行政委员会 → 大柴旦行委.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

PROVINCE, PREFECTURE, COUNTY, TOWNSHIP = "province", "prefecture", "county", "township"
LEVEL_RANK = {PROVINCE: 0, PREFECTURE: 1, COUNTY: 2, TOWNSHIP: 3}

# The 55 minority nationalities, as they appear inside autonomous-area names.
ETHNIC = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 "
    "拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 "
    "塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
_ETHNIC_RUN = "(?:%s)族" % "|".join(sorted(ETHNIC, key=len, reverse=True))
_ETHNIC_ALT = "|".join(sorted(ETHNIC, key=len, reverse=True))
_AUTONOMOUS = re.compile(r"^(.+?)(?:%s)+自治(州|县|旗|区|乡)$" % _ETHNIC_RUN)
_ETHNIC_TOWNSHIP = re.compile(r"^(.+?)(?:%s)+(乡|镇)$" % _ETHNIC_RUN)
# Stems made only of these are common words, not names (城中区 → 城中, 城关镇 → 城关).
_GENERIC_CHARS = set("城郊东西南北中新老高上下前后关市县区矿林")
# Placeholders in the list that are not names of places.
_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# Province-level units the statistics list leaves out (codes from GB/T 2260).
_EXTRA_PROVINCES = (("810000", "香港特别行政区"), ("820000", "澳门特别行政区"), ("710000", "台湾省"))


@dataclass(frozen=True)
class Division:
    code: str  # 6 digits (GB/T 2260) down to counties, 9 for townships
    name: str  # the official full name
    level: str
    parent: str | None  # code of the containing division


@dataclass(frozen=True)
class Form:
    """One way of writing a division: full name, suffixed short form or bare stem."""

    division: Division
    kind: str  # full | short | stem


def short_forms(name: str, level: str) -> list[tuple[str, str]]:
    """(form, kind) pairs for a full division name, most specific first."""
    out: list[tuple[str, str]] = []
    if level == PROVINCE:
        stem = re.sub(r"(?:自治区|特别行政区|省|市)$", "", name)
        while True:  # 新疆维吾尔 → 新疆, but 西藏 stays 西藏
            shorter = re.sub(r"(?:%s)族?$" % _ETHNIC_ALT, "", stem)
            if shorter == stem or len(shorter) < 2:
                break
            stem = shorter
        if stem != name and len(stem) >= 2:
            out.append((stem, "stem"))
        return out
    m = _AUTONOMOUS.match(name)
    if m:
        stem, suffix = m.groups()
        if len(stem) >= 2:
            out.append((stem + suffix, "short"))
            out.append((stem, "stem"))
        return out
    m = _ETHNIC_TOWNSHIP.match(name)
    if m and len(m.group(1)) >= 2:
        out.append((m.group(1) + m.group(2), "short"))
        return out
    if name.endswith("行政委员会"):
        stem = name[: -len("行政委员会")]
        out += [(stem + "行委", "short"), (stem, "stem")]
        return out
    if level == TOWNSHIP:
        return out
    for suffix in ("地区", "盟", "市", "县", "区", "旗", "州"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            if not set(stem) <= _GENERIC_CHARS:
                out.append((stem, "stem"))
            break
    return out


# Some township-level units are named by their kind alone (开发区, 工业园区, 街道).
_GENERIC_NAME_CHARS = _GENERIC_CHARS | set("经济技术开发工业园高新产业小镇街道乡")


def generic_name(name: str) -> bool:
    return set(name) <= _GENERIC_NAME_CHARS and len(name) != 3 or name in ("开发区", "园区", "街道", "矿区")


class Gazetteer:
    """Every division and every written form of it, for lookup by string."""

    def __init__(self, divisions: list[Division]):
        self.by_code = {d.code: d for d in divisions}
        self.forms: dict[str, list[Form]] = {}
        for d in divisions:
            if generic_name(d.name):
                continue
            self._add(d.name, Form(d, "full"))
            for form, kind in short_forms(d.name, d.level):
                self._add(form, Form(d, kind))
        self.max_len = max(len(k) for k in self.forms)

    def _add(self, text: str, form: Form) -> None:
        self.forms.setdefault(text, []).append(form)

    def lookup(self, text: str) -> list[Form]:
        return self.forms.get(text, [])

    def __contains__(self, text: str) -> bool:
        return text in self.forms

    def chain(self, code: str) -> list[Division]:
        """The division and its ancestors, innermost first."""
        out = []
        d = self.by_code.get(code)
        while d is not None:
            out.append(d)
            d = self.by_code.get(d.parent) if d.parent else None
        return out


def _read(name: str) -> list[dict]:
    with resources.files("kg").joinpath("data", name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    divisions: list[Division] = []
    for r in _read("provinces.csv"):
        divisions.append(Division(r["code"] + "0000", r["name"], PROVINCE, None))
    for code, name in _EXTRA_PROVINCES:
        divisions.append(Division(code, name, PROVINCE, None))
    for r in _read("cities.csv"):
        if r["name"] not in _PLACEHOLDERS:
            divisions.append(Division(r["code"] + "00", r["name"], PREFECTURE, r["provinceCode"] + "0000"))
    prefectures = {d.code for d in divisions}
    for r in _read("areas.csv"):
        parent = r["cityCode"] + "00"
        if parent not in prefectures:
            parent = r["provinceCode"] + "0000"
        divisions.append(Division(r["code"], r["name"], COUNTY, parent))
    for r in _read("streets.csv"):
        divisions.append(Division(r["code"], r["name"], TOWNSHIP, r["areaCode"]))
    return Gazetteer(divisions)

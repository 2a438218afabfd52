"""Write kg/data/countries.tsv: the Chinese names of the world's countries and territories.

usage: python scripts/countries.py PYCOUNTRY_DIR   (an unpacked pycountry wheel, e.g. 26.2.16)

The names are ISO 3166-1's, in the zh_CN translation of the iso-codes project that
pycountry ships; each official name also gives its short form by the grammar of
state names (…共和国, …王国, …伊斯兰共和国 dropped; 阿拉伯叙利亚共和国 → 叙利亚). China
itself and its regions are the division list's, not this file's. A few variants the
PRC press writes differ from iso-codes' spelling; they are added at the end.
"""
from __future__ import annotations

import gettext
import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "kg" / "data" / "countries.tsv"
SUFFIX = re.compile(r"(?:伊斯兰共和国|玻利瓦尔共和国|人民民主共和国|民主社会主义共和国|社会主义共和国|联邦民主共和国|"
                    r"民主共和国|人民共和国|联邦共和国|共和国|王国|大公国|公国)$")
SKIP = ("CN", "TW", "HK", "MO")
# The press's spellings where iso-codes writes another (马尔他 → 马耳他) or a longer form.
EXCLUDE = {"中非"}  # China and Africa (中非合作论坛) far more often than the Central African Republic
PRESS = {"MT": ["马耳他"], "BD": ["孟加拉国"], "MN": ["蒙古国"], "SA": ["沙特"], "KR": ["韩国"], "KP": ["朝鲜"]}


def forms(names: list[str]) -> list[str]:
    out = [n for n in names if re.fullmatch(r"[\u4e00-\u9fff·]+", n)]
    for n in list(out):
        short = SUFFIX.sub("", n.removeprefix("阿拉伯"))
        if short != n and len(short) >= 2 and not short.endswith(("民", "联合", "主义")):
            out.append(short)
    return [n for n in dict.fromkeys(out) if n not in EXCLUDE]


def main() -> None:
    root = Path(sys.argv[1]) / "pycountry"
    tr = gettext.translation("iso3166-1", localedir=str(root / "locales"), languages=["zh_CN"])
    rows = []
    for c in json.loads((root / "databases" / "iso3166-1.json").read_text("utf-8"))["3166-1"]:
        if c["alpha_2"] in SKIP:
            continue
        names = [tr.gettext(c[k]) for k in ("name", "official_name", "common_name") if c.get(k)]
        found = forms(names + PRESS.get(c["alpha_2"], []))
        if found:
            rows.append(f"{c['alpha_2']}\t{','.join(found)}")
    header = "# ISO 3166-1 names in Chinese (iso-codes zh_CN via pycountry; scripts/countries.py)\n"
    OUT.write_text(header + "\n".join(sorted(rows)) + "\n", encoding="utf-8")
    print(f"{len(rows)} countries → {OUT}")


if __name__ == "__main__":
    main()

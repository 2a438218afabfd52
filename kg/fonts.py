"""A CJK font for matplotlib: its default (DejaVu Sans) has no Chinese glyphs, so every
label would be drawn as boxes with a "Glyph … missing from font" warning each.

Shared by the plots (kg.plot) and the maps (kg.maps), which otherwise have nothing in common.
"""
from __future__ import annotations

import re
from pathlib import Path

# Families that cover Simplified Chinese, preferred first (Debian: fonts-noto-cjk,
# fonts-wqy-zenhei, fonts-arphic-uming; macOS and Windows ship the later ones).
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Serif CJK SC",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback", "AR PL UMing CN", "PingFang SC",
    "Heiti SC", "Microsoft YaHei", "SimHei", "Noto Sans CJK JP", "Noto Sans CJK TC",
)
_CJK_FILE = re.compile(r"cjk|sourcehan|wqy|droidsansfallback|uming|ukai|simhei|msyh|pingfang", re.IGNORECASE)
class FontError(RuntimeError):
    """No installed font can draw Chinese."""


def _families(fm) -> set[str]:
    return {f.name for f in fm.fontManager.ttflist}


def cjk_font() -> str:
    """Make an installed CJK font matplotlib's first sans-serif family; returns its name.

    matplotlib caches the font list on first use: a font installed after that
    is found by its file name and added, so an old cache cannot hide it.
    """
    from matplotlib import font_manager as fm
    from matplotlib import rcParams

    family = next((f for f in CJK_FAMILIES if f in _families(fm)), None)
    if family is None:
        for path in sorted(fm.findSystemFonts()):
            if _CJK_FILE.search(Path(path).name):
                try:
                    fm.fontManager.addfont(path)
                except (RuntimeError, OSError, ValueError):
                    continue
        family = next((f for f in CJK_FAMILIES if f in _families(fm)), None)
    if family is None:
        raise FontError("no Chinese font installed: install one (Debian: apt-get install fonts-noto-cjk)")
    rcParams["font.family"] = "sans-serif"
    rcParams["font.sans-serif"] = [family] + [f for f in rcParams["font.sans-serif"] if f != family]
    rcParams["axes.unicode_minus"] = False  # the CJK fonts lack U+2212 in some cuts
    return family

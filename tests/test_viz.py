"""`kg viz` and the pictures: a self-contained page driven in headless Chromium, matplotlib with Chinese labels."""
import base64
import fcntl
import io
import json
import os
import re
import shutil
import signal
import time
import warnings

import networkx as nx
import numpy as np
import pytest
from conftest import SEEDS, run_kg

from kg import plot, viz

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# No request may leave the machine: every host resolves to nothing and any proxied fetch goes to a closed port.
OFFLINE = ["--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--host-resolver-rules=MAP * ~NOTFOUND"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A graph built from the seeds by `kg build`, and the page `kg viz` made of it."""
    out = tmp_path_factory.mktemp("graph")
    r = run_kg("build", *SEEDS, "-o", out)
    assert r.returncode == 0, r.stderr
    page = out / "graph.html"
    r = run_kg("viz", out, "-o", page)
    assert r.returncode == 0, r.stderr
    return out, page, r.stderr


@pytest.fixture(scope="module")
def g(built):
    return viz.load(built[0])


def _data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.DOTALL)
    return json.loads(m.group(1))


def _node(g, label):
    return next(n for n, d in g.nodes(data=True) if d["label"] == label)


# ---------------------------------------------------------------- the page as a file


def test_page_is_self_contained(built):
    _, page, stderr = built
    html = page.read_text("utf-8")
    assert "http://" not in html and "https://" not in html  # no CDN, no IRIs, no namespaces
    assert not re.search(r"<(script|img|iframe)[^>]*\ssrc=|<link\b|@import|url\(", html)
    assert "<canvas" in html and "kgViz" in html
    assert re.match(r"kg: .*graph\.html: visits view, \d+ nodes, \d+ edges$", stderr.strip())


def test_page_holds_the_visits_with_evidence(built):
    data = _data(built[1].read_text("utf-8"))
    assert data["view"] == "visits"
    labels = [n["label"] for n in data["nodes"]]
    chen, guoluo = labels.index("陈刚"), labels.index("果洛藏族自治州")
    assert data["nodes"][chen]["type"] == "Official" and data["nodes"][guoluo]["type"] == "Place"
    assert "果洛" in data["nodes"][guoluo]["aliases"]
    visit = [e for e in data["edges"] if (e["s"], e["t"], e["rel"]) == (chen, guoluo, "visited")]
    assert visit and "陈刚赴果洛藏族自治州调研" in visit[0]["ev"] and visit[0]["role"] == "lead"
    # the divisions above the targets come along, up to the province
    qinghai = labels.index("青海省")
    assert any((e["s"], e["t"], e["rel"]) == (guoluo, qinghai, "located_in") for e in data["edges"])
    assert {e["rel"] for e in data["edges"]} == {"visited", "located_in"}


def test_whole_graph_flag(built, tmp_path):
    page = tmp_path / "all.html"
    r = run_kg("viz", built[0], "-o", page, "--all")
    assert r.returncode == 0, r.stderr
    whole, visits = _data(page.read_text("utf-8")), _data(built[1].read_text("utf-8"))
    assert whole["view"] == "whole" and len(whole["nodes"]) > 2 * len(visits["nodes"])
    assert {"cooccurs", "holds_post", "visited", "located_in"} <= {e["rel"] for e in whole["edges"]}
    assert "http://" not in page.read_text("utf-8") and "https://" not in page.read_text("utf-8")


def test_page_is_deterministic_and_matches_the_python_twin(built, g, tmp_path):
    again = tmp_path / "again.html"
    shown = viz.write_html(g, again)
    assert again.read_bytes() == built[1].read_bytes()
    assert shown["view"] == "visits" and shown["nodes"] == len(_data(again.read_text("utf-8"))["nodes"])


def test_texts_cannot_break_out_of_the_page(tmp_path):
    g = nx.MultiDiGraph()
    evil = '</script><script>document.title="owned"</script>&<!-- \u2028'
    g.add_node("Official:x", type="Official", label=evil, aliases=["a</SCRIPT>"], titles=[])
    g.add_node("Place:y", type="Place", label="某地", aliases=[], titles=[])
    g.add_edge("Official:x", "Place:y", relation="visited", evidence=evil, role="lead")
    html = viz.html(g)
    assert html.count("</script>") == 2  # the data's and the renderer's own closing tags
    assert "</SCRIPT>" not in html and "<!--" not in html
    data = _data(html)
    assert data["nodes"][0]["label"] == evil and data["edges"][0]["ev"] == evil


@pytest.mark.parametrize("content, problem", [(None, "no graph here"), ("{not json", "not JSON"),
                                              ('{"nodes": 3}', "not a node-link graph")])
def test_bad_graph_is_one_line(tmp_path, content, problem):
    d = tmp_path / "out"
    d.mkdir()
    if content is not None:
        (d / "graph.json").write_text(content, "utf-8")
    r = run_kg("viz", d, "-o", tmp_path / "x.html")
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and problem in lines[0] and str(d) in lines[0] and "Traceback" not in r.stderr
    assert not (tmp_path / "x.html").exists()


# ---------------------------------------------------------------- the page in a browser


class Chromium:
    """Headless Chromium driven over the DevTools protocol on a pipe (fds 3 and 4): no port, no network."""

    def __init__(self, profile, size=(1200, 800)):
        assert CHROMIUM, "chromium is not installed (Debian: apt-get install chromium)"
        to_browser, from_us = os.pipe()
        from_browser, to_us = os.pipe()
        # Above fd 4, so that placing them on the child's 3 and 4 cannot clobber one with the other.
        theirs = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 5) for fd in (to_browser, to_us)]
        for fd in (to_browser, to_us):
            os.close(fd)
        args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", *OFFLINE,
                f"--user-data-dir={profile}", f"--window-size={size[0]},{size[1]}", "--remote-debugging-pipe",
                "about:blank"]
        self.pid = os.posix_spawn(CHROMIUM, args, os.environ, file_actions=[
            (os.POSIX_SPAWN_DUP2, theirs[0], 3),  # the browser reads our commands on fd 3
            (os.POSIX_SPAWN_DUP2, theirs[1], 4),  # and writes its answers on fd 4
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
        ])
        for fd in theirs:
            os.close(fd)
        self.out, self.inp = from_us, from_browser
        self.buf, self.n, self.events, self.session = b"", 0, [], None
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Network.enable")
        self.call("Page.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=size[0], height=size[1], deviceScaleFactor=1,
                  mobile=False)

    def _message(self):
        while b"\0" not in self.buf:
            chunk = os.read(self.inp, 1 << 16)
            assert chunk, "chromium closed the DevTools pipe"
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, **params):
        self.n += 1
        msg = {"id": self.n, "method": method, "params": params}
        if self.session and not method.startswith(("Target.", "Browser.")):
            msg["sessionId"] = self.session
        os.write(self.out, json.dumps(msg).encode() + b"\0")
        while True:
            m = self._message()
            if m.get("id") == self.n:
                assert "error" not in m, f"{method}: {m['error']}"
                return m["result"]
            self.events.append(m)

    def wait(self, method):
        for i, m in enumerate(self.events):
            if m.get("method") == method:
                return self.events.pop(i)
        while True:
            m = self._message()
            if m.get("method") == method:
                return m
            self.events.append(m)

    def open(self, url):
        self.call("Page.navigate", url=url)
        self.wait("Page.loadEventFired")

    def js(self, expression):
        res = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        assert "exceptionDetails" not in res, res["exceptionDetails"]
        return res["result"].get("value")

    def mouse(self, kind, x, y, **kw):
        self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, **kw)

    def click(self, x, y):
        self.mouse("mousePressed", x, y, button="left", buttons=1, clickCount=1)
        self.mouse("mouseReleased", x, y, button="left", buttons=0, clickCount=1)

    def screenshot(self) -> np.ndarray:
        import matplotlib.image

        png = base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
        return matplotlib.image.imread(io.BytesIO(png), format="png")[:, :, :3]

    def requested(self):
        return [m["params"]["request"]["url"] for m in self.events if m.get("method") == "Network.requestWillBeSent"]

    def close(self):
        try:
            self.call("Browser.close")
        except (AssertionError, OSError):
            pass
        for _ in range(200):  # up to 20 s to exit on its own
            if os.waitpid(self.pid, os.WNOHANG)[0]:
                break
            time.sleep(0.1)
        else:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.out)
        os.close(self.inp)


@pytest.fixture
def browser(tmp_path):
    b = Chromium(tmp_path / "profile")
    yield b
    b.close()


def _pixels_near(img: np.ndarray, colour: str, tol: float = 0.06) -> int:
    rgb = np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return int((np.abs(img - rgb).max(axis=2) < tol).sum())


def test_page_draws_the_graph_offline(built, browser):
    page = built[1]
    browser.open(page.as_uri())
    shot = browser.screenshot()
    canvas = browser.js("(() => { const r = document.getElementById('kg-canvas').getBoundingClientRect();"
                        " return [r.left, r.top, r.width, r.height]; })()")
    x, y, w, h = (int(v) for v in canvas)
    drawn = shot[y:y + h, x:x + w]
    assert w > 600 and h > 600
    assert (np.abs(drawn - 1.0).max(axis=2) > 0.1).mean() > 0.01  # not a blank canvas
    assert _pixels_near(drawn, viz.COLOURS["Official"]) > 300  # the red dots of the officials
    assert _pixels_near(drawn, viz.COLOURS["Place"]) > 150  # the green dots of the places
    assert browser.requested() == [page.as_uri()]  # the page itself, and nothing else
    assert all(u.startswith(("file:", "data:", "about:")) for u in browser.requested())


def test_click_shows_aliases_titles_and_evidence(built, g, browser):
    browser.open(built[1].as_uri())
    chen, guoluo = _node(g, "陈刚"), _node(g, "果洛藏族自治州")
    at = browser.js(f"kgViz.screenOf({json.dumps(chen)})")
    browser.click(at["x"], at["y"])
    assert browser.js("kgViz.selected()") == chen
    text = browser.js("document.getElementById('kg-panel').innerText")
    assert "陈刚" in text and "官员" in text
    assert "省委书记" in text  # a title
    assert "果洛藏族自治州" in text and "陈刚赴果洛藏族自治州调研" in text  # the target and the sentence
    # the place's panel lists its aliases
    at = browser.js(f"kgViz.screenOf({json.dumps(guoluo)})")
    browser.click(at["x"], at["y"])
    text = browser.js("document.getElementById('kg-panel').innerText")
    assert browser.js("kgViz.selected()") == guoluo and "果洛州" in text and "632600" in text
    # a click on empty canvas clears the selection
    browser.click(5, 790)
    assert browser.js("kgViz.selected()") is None


def test_wheel_zooms_and_drag_pans(built, g, browser):
    browser.open(built[1].as_uri())
    before = browser.js("[kgViz.view.scale, kgViz.view.x, kgViz.view.y]")
    browser.mouse("mouseWheel", 400, 400, deltaX=0, deltaY=-400)
    browser.js("new Promise(r => requestAnimationFrame(() => r(1)))")
    zoomed = browser.js("[kgViz.view.scale, kgViz.view.x, kgViz.view.y]")
    assert zoomed[0] > 1.5 * before[0]
    browser.mouse("mousePressed", 300, 700, button="left", buttons=1, clickCount=1)
    for step in range(1, 6):
        browser.mouse("mouseMoved", 300 + 30 * step, 700 - 20 * step, button="left", buttons=1)
    browser.mouse("mouseReleased", 450, 600, button="left", buttons=0, clickCount=1)
    panned = browser.js("[kgViz.view.scale, kgViz.view.x, kgViz.view.y]")
    assert panned[0] == zoomed[0]
    assert panned[1] == pytest.approx(zoomed[1] + 150) and panned[2] == pytest.approx(zoomed[2] - 100)
    assert browser.js("kgViz.selected()") is None  # a drag is not a click


def test_search_finds_a_node_by_alias(built, g, browser):
    browser.open(built[1].as_uri())
    browser.js("document.getElementById('kg-search').focus()")
    browser.call("Input.insertText", text="果洛州")
    for kind in ("keyDown", "keyUp"):
        browser.call("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13)
    assert browser.js("kgViz.selected()") == _node(g, "果洛藏族自治州")


def test_hostile_label_is_text_in_the_browser(tmp_path, browser):
    g = nx.MultiDiGraph()
    evil = '</script><img src=x onerror="document.title=\'owned\'">'
    g.add_node("Official:x", type="Official", label=evil, aliases=[], titles=["<b>书记</b>"])
    g.add_node("Place:y", type="Place", label="某地", aliases=[], titles=[])
    g.add_edge("Official:x", "Place:y", relation="visited", evidence=evil, role="lead")
    page = tmp_path / "evil.html"
    viz.write_html(g, page)
    browser.open(page.as_uri() + "#node=Official%3Ax")
    assert browser.js("kgViz.selected()") == "Official:x"
    assert browser.js("document.title") != "owned"
    assert browser.js("document.querySelectorAll('#kg-panel img, #kg-panel b').length") == 0
    text = browser.js("document.getElementById('kg-panel').innerText")
    assert evil in text and "<b>书记</b>" in text


# ---------------------------------------------------------------- views


def test_visits_table(g):
    rows = viz.visits(g)
    assert {"official", "target", "type", "role", "date", "evidence"} <= set(rows[0])
    assert any(r["official"] == "陈刚" and r["target"] == "果洛藏族自治州" and r["role"] == "lead" for r in rows)
    assert len(rows) == sum(1 for *_, d in g.edges(data=True) if d["relation"] == "visited")


def test_official_ranking(g):
    rows = viz.official_ranking(g)
    assert len(rows) == sum(1 for _, d in g.nodes(data=True) if d["type"] == "Official")
    assert [r["visits"] for r in rows] == sorted((r["visits"] for r in rows), reverse=True)
    chen = next(r for r in rows if r["official"] == "陈刚")
    assert chen["visits"] >= 1 and chen["as_leader"] >= 1 and chen["degree"] >= chen["targets"]
    assert 0 <= chen["betweenness"] <= 1 and "省委书记" in chen["titles"]


def test_division_tree(g):
    forest = viz.division_tree(g)
    qinghai = next(t for t in forest if t["label"] == "青海省")
    assert qinghai["level"] == "province"
    guoluo = next(c for c in qinghai["children"] if c["label"] == "果洛藏族自治州")
    assert guoluo["visited"] and guoluo["level"] == "prefecture"
    lines = viz.tree_lines(forest)
    assert "青海省" in lines and "  果洛藏族自治州 ★" in lines
    # every visited target appears once, under its divisions or among the unplaced
    targets = {d["label"] for n, d in g.nodes(data=True) if any(
        e["relation"] == "visited" for *_, e in g.in_edges(n, data=True))}
    starred = [line.strip()[:-2] for line in lines if line.endswith(" ★")]
    assert sorted(starred) == sorted(targets)


def test_division_tree_by_codes_and_names():
    g = nx.MultiDiGraph()
    for nid, label, level in (("P:1", "甲省", "province"), ("P:2", "乙市", "prefecture"), ("P:3", "丙县", "county")):
        g.add_node(nid, type="Place", label=label, level=level)
    g.add_node("X:1", type="Project", label="丙县某工程")
    g.add_node("X:2", type="Place", label="某山")
    g.add_node("O:1", type="Official", label="某人")
    g.add_edge("P:3", "P:2", relation="located_in", basis="GB/T 2260")
    g.add_edge("P:2", "P:1", relation="located_in", basis="GB/T 2260")
    g.add_edge("X:1", "P:3", relation="located_in", basis="name")
    for t in ("X:1", "X:2", "P:3"):
        g.add_edge("O:1", t, relation="visited")
    assert viz.tree_lines(viz.division_tree(g)) == [
        "甲省", "  乙市", "    丙县 ★", "      丙县某工程 ★", viz.UNPLACED, "  某山 ★"]


# ---------------------------------------------------------------- pictures


def _png(fig) -> np.ndarray:
    import matplotlib.image

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60)
    buf.seek(0)
    return matplotlib.image.imread(buf, format="png")[:, :, :3]


def test_pictures_draw_chinese_without_missing_glyphs(g):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    family = plot.cjk_font()
    assert "CJK" in family or "Han" in family or "Hei" in family
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figs = [plot.draw_network(g), plot.draw_division_tree(g), plot.draw_ranking(viz.official_ranking(g))]
        images = [_png(f) for f in figs]
    messages = [str(w.message) for w in caught]
    assert not [m for m in messages if "missing from" in m or "Glyph" in m], messages
    network, tree, ranking = images
    assert _pixels_near(network, viz.COLOURS["Official"]) > 200 and _pixels_near(network, viz.COLOURS["Place"]) > 50
    assert _pixels_near(ranking, viz.COLOURS["Official"]) > 500
    assert (np.abs(tree - 1.0).max(axis=2) > 0.2).mean() > 0.01
    labels = {t.get_text() for t in figs[0].axes[0].texts}
    assert {"陈刚", "果洛藏族自治州"} <= labels
    for f in figs:
        plt.close(f)


def test_chinese_glyphs_are_not_boxes():
    """Two different characters drawn alone differ: a missing glyph draws the same box for both."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    plot.cjk_font()

    def draw(ch):
        fig = Figure(figsize=(1, 1))
        fig.text(0.5, 0.5, ch, fontsize=40, ha="center", va="center")
        return _png(fig)

    a, b, c = draw("刚"), draw("洛"), draw("刚")
    assert (a < 0.5).sum() > 50  # ink
    assert np.abs(a - b).sum() > 20 and np.array_equal(a, c)


def test_font_installed_after_the_font_cache_is_found():
    """matplotlib's cache can predate the font package: cjk_font finds the file and adds it."""
    from matplotlib import font_manager as fm

    kept = list(fm.fontManager.ttflist)
    try:
        fm.fontManager.ttflist = [f for f in kept if not re.search(r"CJK|Han|Hei|WenQuanYi|UMing", f.name)]
        fm.fontManager._findfont_cached.cache_clear()
        assert plot.cjk_font() in plot.CJK_FAMILIES
        assert any("CJK" in f.name for f in fm.fontManager.ttflist)
    finally:
        fm.fontManager.ttflist = kept
        fm.fontManager._findfont_cached.cache_clear()


def test_displacy_colours_match_the_graph():
    from spacy import displacy

    import kg

    doc = kg.nlp()("省委书记、省人大常委会主任陈刚赴果洛藏族自治州调研")
    html = displacy.render(doc, style="ent", options=plot.displacy_options())
    assert "OFFICIAL" in html and "PLACE" in html and "陈刚" in html
    assert plot.displacy_options()["colors"]["OFFICIAL"] in html
    assert "http" not in html


def test_kg_build_is_the_notebooks_entry_point():
    """`kg.build(paths)` works whether or not the module kg.build was imported first (it shares the name)."""
    import kg
    import kg.build
    from kg import build as module

    assert module is kg.build and callable(module.run)
    g = kg.build([SEEDS[3]])
    assert isinstance(g, nx.MultiDiGraph)
    chen = _node(g, "陈刚")
    assert any(g.nodes[v]["label"] == "果洛藏族自治州" for _, v, d in g.out_edges(chen, data=True)
               if d["relation"] == "visited")


# ---------------------------------------------------------------- labels and the map tab


def _overlap(a, b) -> bool:
    return a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]


def test_labels_do_not_overlap(built, g, browser):
    browser.open(built[1].as_uri())
    data = _data(built[1].read_text("utf-8"))
    for zoom in (0, -600):  # as drawn, then zoomed far out where names must give way
        if zoom:
            browser.mouse("mouseWheel", 400, 400, deltaX=0, deltaY=-zoom)
            browser.js("new Promise(r => requestAnimationFrame(() => r(1)))")
        labels = browser.js("kgViz.labels()")
        assert labels and all(not _overlap(a, b) for i, a in enumerate(labels) for b in labels[i + 1:])
        rect = browser.js("(() => { const r = document.getElementById('kg-canvas').getBoundingClientRect();"
                          " return [r.left, r.top]; })()")
        for n in data["nodes"]:
            at = browser.js(f"kgViz.screenOf({json.dumps(n['id'])})")
            dot = {"x": at["x"] - rect[0] - 3, "y": at["y"] - rect[1] - 3, "w": 6, "h": 6}
            assert not any(_overlap(dot, lb) for lb in labels), n["label"]
        if not zoom:  # at the fitted view every name finds a place
            assert sorted(lb["text"] for lb in labels) == sorted(n["label"] for n in data["nodes"])


def test_place_links_to_the_map_tab(built, g, browser):
    data = _data(built[1].read_text("utf-8"))
    shaded = {d["code"]: d for d in data["map"]["divisions"] if d.get("name")}
    assert set(shaded) == {"632600", "630106", "630105", "630121"}
    assert shaded["632600"]["trips"] == 1 and shaded["632600"]["visits"] == 7
    browser.open(built[1].as_uri())
    at = browser.js(f"kgViz.screenOf({json.dumps(_node(g, '果洛藏族自治州'))})")
    browser.click(at["x"], at["y"])
    link = browser.js("(() => { const b = document.getElementById('kg-to-map').getBoundingClientRect();"
                      " return [b.left + b.width / 2, b.top + b.height / 2]; })()")
    assert "在地图上查看" in browser.js("document.getElementById('kg-to-map').innerText")
    browser.click(*link)
    assert browser.js("kgViz.mode()") == "map"
    shot = browser.screenshot()
    colour = shaded["632600"]["colour"]
    assert _pixels_near(shot, colour, tol=0.03) > 5000  # the shaded divisions, as the legend says
    assert _pixels_near(shot, "#eeeeee", tol=0.02) > 20000  # the counties no one visited
    labels = [lb["text"] for lb in browser.js("kgViz.labels()")]
    assert "果洛藏族自治州 1 次出行，7 条视察" in labels and len(labels) == 4
    assert browser.requested() == [built[1].as_uri()]
    tab = browser.js("(() => { const b = document.getElementById('kg-tab-graph').getBoundingClientRect();"
                     " return [b.left + b.width / 2, b.top + b.height / 2]; })()")
    browser.click(*tab)
    assert browser.js("kgViz.mode()") == "graph"

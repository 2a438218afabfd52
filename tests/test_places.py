"""Places right (issue 14): a site lies in the division the text puts it in, never in a namesake
elsewhere, and a word that looks like a county's stem is no county (real pipeline, real build)."""
import networkx as nx
import pytest

from kg.build import run

PAGE = """西藏日报 2018年7月5日

自治区领导调研援藏项目

本报讯(记者 张三)7月4日,自治区党委副书记王五来到日喀则市江孜县,察看上海援建江孜县城供水工程建设情况,
并到江孜县人民医院看望医务人员。随后,王五来到白居寺。

全国港口江海联运发展迅速

本报讯(记者 李四)今年以来,全国港口加快发展江海联运、海铁联运,海港和内河港口吞吐量稳步增长。
"""


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    d = tmp_path_factory.mktemp("places")
    (d / "pages").mkdir()
    (d / "pages" / "p1.txt").write_text(PAGE, encoding="utf-8")
    run([d / "pages"], out_dir=d / "out")
    return nx.read_graphml(d / "out" / "graph.graphml")


def _located(g):
    return {(g.nodes[u]["label"], g.nodes[v]["label"]) for u, v, d in g.edges(data=True)
            if d.get("relation") == "located_in"}


def test_a_site_lies_where_the_text_puts_it_and_a_project_not_in_the_division_that_aids_it(graph):
    located = _located(graph)
    assert ("江孜县", "日喀则市") in located
    assert ("江孜县人民医院", "江孜县") in located
    projects = {d["label"] for _, d in graph.nodes(data=True) if d.get("type") == "Project"}
    aided = "上海援建江孜县城供水工程"
    assert aided in projects  # the project is in the graph …
    assert not {b for a, b in located if a == aided} & {"上海市", "上海"}  # … not in Shanghai, which aids it


def test_words_that_look_like_a_far_county_make_no_county(graph):
    codes = {d.get("label"): d.get("code") for _, d in graph.nodes(data=True)}
    # 江海 (江海区, Guangdong) and 海港 (海港区, Hebei) in a text that names neither province
    assert not any(codes.get(w) for w in ("江海", "江海区", "海港", "海港区"))
    assert codes.get("江孜县") == "540222"

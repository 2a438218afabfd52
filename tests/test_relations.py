"""kg.relations and kg.dates on the real pipeline's output for the seed pages."""
import re
from pathlib import Path

import pytest

from kg import dates, relations
from kg.tag import TaggedPage, tag_pages

ROOT = Path(__file__).resolve().parent.parent
SEED_003 = ROOT / "seeds" / "003_514ea74f013c69a9.txt"
SEED_004 = ROOT / "seeds" / "004_bcfb9783f9e97214.txt"


def _page(path) -> TaggedPage:
    (page,) = tag_pages([path])
    assert isinstance(page, TaggedPage), page
    return page


@pytest.fixture(scope="module")
def p003():
    return _page(SEED_003)


@pytest.fixture(scope="module")
def p004():
    return _page(SEED_004)


def _article(page, needle):
    """The tagged article whose text holds `needle`."""
    (ta,) = [ta for ta in page.articles if needle in ta.article.text]
    return ta


def _rows(page, official):
    return {v["target"]: v for v in relations.page_visits(page.articles) if v["official"] == official}


def _visited(tmp_path, name, text, official):
    """The targets of `official`'s visits on a page of `text` written as `name`."""
    page = tmp_path / name
    page.write_text(text, encoding="utf-8")
    return {v["target"] for v in relations.page_visits(_page(page).articles) if v["official"] == official}


def _flat(s):
    return re.sub(r"\s", "", s)


def test_lead_visit_with_date_and_evidence(p003):
    ta = _article(p003, "陈刚赴果洛藏族自治州")
    facts = [f for f in relations.visits(ta) if f.object == ("Place", "果洛藏族自治州") and f.subject[1] == "陈刚"]
    assert len(facts) == 1
    f = facts[0]
    assert (f.relation, f.subject, f.role, f.date) == ("visited", ("Official", "陈刚"), "lead", "12月24日")
    assert "赴果洛藏族自治州调研" in f.evidence.sentence
    # the evidence points back at the page: the same characters, less the layout's line breaks
    assert _flat(p003.page.text[f.evidence.start:f.evidence.end]) == _flat(f.evidence.sentence)


def test_iso_date_needs_a_year(p003):
    ta = _article(p003, "陈刚赴果洛藏族自治州")
    lead = ("Official", "陈刚"), ("Place", "果洛藏族自治州")
    (f,) = [f for f in relations.visits(ta, year=2024) if (f.subject, f.object) == lead]
    assert f.iso_date == "2024-12-24"
    (g,) = [f for f in relations.visits(ta) if (f.subject, f.object) == lead]
    assert g.iso_date is None  # the page does not say its year


def test_site_named_in_the_sentence_before(p003):
    # "严冬的阿尼玛卿雪山…。陈刚登上海拔4215米的山麓雪线": the place is in the previous sentence
    row = _rows(p003, "陈刚")["阿尼玛卿雪山"]
    assert row["role"] == "lead" and "登上" in row["evidence"]


def test_every_division_the_visit_went_to(p003):
    rows = _rows(p003, "石建平")
    assert {"城北区", "大通县"} <= set(rows)
    assert all(rows[t]["role"] == "lead" for t in ("城北区", "大通县"))
    # the sites of the visit, subject carried from the article's lead ("来到X,石建平与…", "在X现场,…")
    assert any(t.endswith("万吨有机纳米超级食品产业化项目") for t in rows)
    assert any(t.endswith("孵化示范园") for t in rows)


def test_accompanying_officials_against_the_lead_divisions(p003):
    rows = _rows(p003, "姜晓东")
    assert set(rows) == {"城北区", "大通县"}
    assert {r["role"] for r in rows.values()} == {"accompanying"}
    assert rows["城北区"]["evidence"] == "市领导姜晓东参加。"
    provincial = {"刘奇凡", "班果", "朱向峰", "何立春"}
    found = {v["official"] for v in relations.page_visits(p003.articles) if v["target"] == "果洛藏族自治州"}
    assert provincial <= found


def test_one_row_per_official_and_target(p003):
    rows = relations.page_visits(p003.articles)
    keys = [(v["official"], v["target"]) for v in rows]
    assert len(keys) == len(set(keys))
    assert set(rows[0]) == {"official", "target", "role", "date", "evidence", "iso_date", "date_end", "date_precision"}


def test_articles_without_a_visit_have_none(p003):
    # a report on investment figures and one on the environment name places but no one goes there
    for needle in ("招商引资省外到位资金", "全省空气质量优良天数"):
        assert relations.visits(_article(p003, needle)) == []


def test_a_meeting_is_not_a_visit(p004):
    ta = _article(p004, "在青海会议中心胜利闭幕")
    assert relations.visits(ta) == []
    assert relations.page_visits(p004.articles) == []


def test_speech_quotes_and_other_people_are_not_visits(tmp_path):
    page = tmp_path / "900_test.txt"
    page.write_text(
        "\n\n吴晓军赴海北州调研\n\n本报讯(记者 马丽)3月5日,省委副书记、省长吴晓军赴海北州调研。"
        "在沙柳河镇,记者看到一排排新房整齐排列。"  # the reporter is there, not (said) the official
        "“去年,省委书记陈刚来到沙柳河镇考察。”村民告诉记者。"  # a quotation
        "省委书记陈刚说,2016年8月,习近平总书记来到青海考察。\n",  # reported speech
        encoding="utf-8",
    )
    rows = relations.page_visits(_page(page).articles)
    assert [(v["official"], v["target"], v["role"], v["date"]) for v in rows] == [("吴晓军", "海北州", "lead", "3月5日")]


def test_itinerary_clauses_at_named_sites_are_the_leads_visits(tmp_path):
    targets = _visited(
        tmp_path, "901_test.txt",
        "\n\n吴晓军赴海北州调研\n\n本报讯(记者 马丽)3月5日,省委副书记、省长吴晓军赴海北州调研。"
        "在海北州第一人民医院,充分肯定医院的改革成效;在西海镇中学,鼓励师生努力学习。"
        "在刚察县第一中学,省长希望孩子们好好读书。"
        "在海北州,新增就业岗位三千个。\n",  # a division opening a clause may be its topic: no visit
        "吴晓军",
    )
    assert {"海北州第一人民医院", "西海镇中学", "刚察县第一中学"} <= targets


def test_a_site_after_its_description_or_a_hosts_briefing_is_a_stop(tmp_path):
    targets = _visited(
        tmp_path, "902_test.txt",
        "\n\n吴晓军赴海东市调研\n\n本报讯(记者 马丽)3月5日,省委副书记、省长吴晓军赴海东市调研。"
        "吴晓军来到高铁站附近的海东华信物流有限公司,了解企业复工情况。"
        "在海东市第二人民医院,院长汇报了发热门诊的运行情况。"
        "随后,吴晓军来到他所在的青海代表团,同代表们一起审议政府工作报告。\n",
        "吴晓军",
    )
    assert {"海东华信物流有限公司", "海东市第二人民医院"} <= targets
    assert "青海代表团" not in targets  # his own delegation's deliberation is no visit


def test_a_site_after_a_quoted_description_in_a_clause_that_keeps_its_subject(tmp_path):
    targets = _visited(
        tmp_path, "903_test.txt",
        "\n\n张三在湟中区调研\n\n本报讯 9月5日，省委书记张三来到湟中区考察，"
        "在“红军桥”旁边的红旗村，书记指出，要始终坚持为人民服务。\n",
        "张三",
    )
    assert {"湟中区", "红旗村"} <= targets


def test_holds_post_names_the_body_of_a_title(p003):
    ta = _article(p003, "陈刚赴果洛藏族自治州")
    posts = {(f.subject[1], f.post): f.object for f in relations.holds_post(ta)}
    assert posts[("陈刚", "省委书记")] == ("Organization", "省委")
    assert posts[("陈刚", "省人大常委会主任")] == ("Organization", "省人大常委会")
    ta = _article(p003, "石建平前往城北区")
    posts = {(f.subject[1], f.post): f.object for f in relations.holds_post(ta)}
    assert posts[("石建平", "市长")] == ("Post", "市长")
    assert posts[("石建平", "市委副书记")] == ("Organization", "市委")


def test_cooccurrence_weights(p003):
    ta = _article(p003, "陈刚赴果洛藏族自治州")
    facts = relations.cooccurrences(ta)
    assert all(f.subject < f.object for f in facts)  # unordered pairs, each once
    pair = {(f.subject, f.object): f.weight for f in facts}
    # 陈刚 and 果洛 share the headline, the dateline sentence and the meeting sentence
    assert pair[(("Official", "陈刚"), ("Place", "果洛藏族自治州"))] == 3


def test_located_in(p003):
    ta = _article(p003, "石建平前往城北区")
    where = {f.subject[1]: f.object for f in relations.located_in(ta)}
    project = next(name for name in where if name.endswith("万吨有机纳米超级食品产业化项目"))
    assert where[project] == ("Place", "城北区")


def test_sites_of_a_trip_lie_in_its_division(p003):
    ta = _article(p003, "陈刚赴果洛藏族自治州")
    where = {f.subject[1]: f.object for f in relations.located_in(ta)}
    assert where["阿尼玛卿雪山"] == ("Place", "果洛藏族自治州")
    two = _article(p003, "石建平前往城北区")  # 城北区、大通县: the sites are not put in either by the trip
    assert list(relations._trip_sites(two)) == []


@pytest.mark.parametrize(
    "text, year, month, expected",
    [
        ("12月24日", 2024, None, ("12月24日", "2024-12-24")),
        ("12月24日下午", 2024, None, ("12月24日下午", "2024-12-24")),
        ("24日", 2024, 12, ("24日", "2024-12-24")),
        ("24日", None, 12, ("24日", None)),
        ("2014年5月", None, None, ("2014年5月", "2014-05")),
        ("今年", 2024, None, ("今年", "2024")),
        ("去年11月", 2024, None, ("去年11月", "2023-11")),
        ("二〇二四年十二月二十四日", None, None, ("二〇二四年十二月二十四日", "2024-12-24")),
        ("1月至11月", 2024, None, None),
        ("调研", 2024, None, None),
    ],
)
def test_parse_dates(text, year, month, expected):
    assert dates.parse(text, year, month) == expected


def test_find_point_dates_not_periods():
    assert [d[2] for d in dates.find("本报讯(记者 施翔)12月24日下午,王卫东赴湟中区")] == ["12月24日"]
    assert dates.find("1月至11月,全省空气质量优良;今年以来,截至11月底,近二十年来") == []
    assert [d[2] for d in dates.find("2014年5月,总书记来到这里;2023-2025年")] == ["2014年5月"]


def test_page_year():
    assert dates.page_year("青海日报\n2024年12月25日 星期三\n第1版") == 2024
    assert dates.page_year("24.12.25 第3版") == 2024
    assert dates.page_year("本报讯(记者 施翔)12月24日") is None
    assert dates.page_year("2016年8月22日,总书记来到这里考察。") is None  # a story's date, not the page's


def test_a_province_by_its_short_name_visited_by_the_official_opening_the_sentence(tmp_path):
    targets = _visited(
        tmp_path, "904_test.txt",
        "\n\n援藏培训班开班\n\n本报讯 7月4日，培训班在拉萨开班。"
        "而省长吴晓军一行为了把培训办得更实，到藏第一天便开展调研工作，深入一线调研指导。\n",
        "吴晓军",
    )
    assert targets & {"西藏", "西藏自治区", "藏"}


def test_a_donor_and_a_place_naming_a_meeting_are_no_candidates(tmp_path):
    from kg import visit_model

    page = tmp_path / "905_test.txt"
    page.write_text(
        "\n\n临潭县到碌曲县开展对口帮扶\n\n本报讯 6月2日，临潭县委书记刘明远率队赴碌曲县调研。"
        "刘明远一行实地考察了郎木寺镇贡巴村等天津援建项目建设情况。"
        "在天津—碌曲对口帮扶工作座谈会上，碌曲县委书记王强表示感谢。\n",
        encoding="utf-8",
    )
    (ta,) = _page(page).articles
    by_sent = relations._by_sentence(ta)
    sites = {c.target.text for c in visit_model.candidates(ta, by_sent, None)}
    assert "碌曲县" in sites  # a real stop is a candidate
    tianjin = [m for m in ta.mentions if m.text == "天津"]
    assert len(tianjin) == 2 and sites.isdisjoint({"天津", "天津市"})


def test_an_official_from_another_province_visits_the_host_not_his_own_district(tmp_path):
    targets = _visited(
        tmp_path, "905_test.txt",
        "\n\n徐汇区短期援藏交流培训班开班\n\n8月3日，徐汇区短期援藏交流培训班在日喀则市桑珠孜区开班。"
        "上海市徐汇区委组织部副部长张明远出席开班仪式。桑珠孜区委副书记刘海出席开班仪式。"
        "张明远一行到藏第一天便深入一线调研指导。"
        "在之后的两天中，交流团8名领导将围绕徐汇区媒体融合发展建设思路、徐汇区公共文化服务等方面为桑珠孜区干部授课。\n",
        "张明远",
    )
    assert {"桑珠孜区", "藏"} <= targets
    assert "徐汇区" not in targets  # the district he is posted in is where he came from

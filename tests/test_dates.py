"""Visit dates resolved against the publication date, on real sentences (the seeds and the
unlabelled corpus, ../shared/corpus), read from pages and from JSONL input."""
import json
from pathlib import Path

import pytest
from conftest import run_kg

import kg
from kg import dates

ROOT = Path(__file__).resolve().parent.parent
SEED_003 = ROOT / "seeds" / "003_514ea74f013c69a9.txt"

# Real sentences: the seeds' (003) and the corpus's, with the corpus's publication date.
SEED_LEAD = "本报讯(记者 施翔)12月24日下午,省委常委、市委书记王卫东深入湟中区调研走在前作表率工作进展情况。"
CORPUS = {  # id: (date as the corpus gives it, text)
    "xwlb-20220715-01": ("20220715", "央视网消息（新闻联播）：中共中央总书记、国家主席、中央军委主席习近平近日来到新疆考察调研，"
                                     "看望慰问各族干部群众。\n7月12日至15日，习近平在新疆维吾尔自治区党委书记马兴瑞、自治区政府"
                                     "主席艾尔肯·吐尼亚孜陪同下，先后来到乌鲁木齐、石河子、吐鲁番等地，深入学校、国际陆港区、社区、"
                                     "博物馆、农村和新疆生产建设兵团等进行调研。\n12日下午，习近平首先来到新疆大学考察调研。"
                                     "习近平参观了校史馆和铸牢中华民族共同体意识研究基地。"),
    "tibetcn-xzw_xw_zqdt-0927-0080": ("发布时间：2018-09-1713:31:00",
                                      "9月14日至15日，云南省委书记陈豪在迪庆藏族自治州德钦县调研时强调，要以习近平新时代中国特色"
                                      "社会主义思想为指导，坚定不移贯彻落实党的治藏方略。"),
    "tibetcn-xzw_yz_zx-0927-0005": ("发布时间：2018-09-2110:16:00",
                                    "日前，在工商联系统对口援藏工作座谈会暨精准扶贫西藏行召开后，江苏省委统战部副部长、省工商联"
                                    "党组书记、常务副主席顾万峰赴西藏江苏商会调研。"),
}


def _jsonl(path: Path, records: list[dict], bad: str | None = None) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    if bad is not None:
        lines.insert(1, bad)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _corpus_records():
    return [{"id": i, "date": d, "title": "", "text": t} for i, (d, t) in CORPUS.items()]


def _visit(records, file, official, target):
    (rec,) = [r for r in records if r["file"] == file]
    (v,) = [v for v in rec["visits"] if v["official"] == official and v["target"] == target]
    return v


@pytest.fixture(scope="module")
def corpus_records(tmp_path_factory):
    return kg.extract([_jsonl(tmp_path_factory.mktemp("jsonl") / "news.jsonl", _corpus_records())])


def test_seed_page_with_published_dates_its_visits(tmp_path):
    out = tmp_path / "d.jsonl"
    res = run_kg("extract", SEED_003, "-o", out, "--published", "2024-12-25", "--no-progress")
    assert res.returncode == 0, res.stderr
    (rec,) = [json.loads(line) for line in out.open(encoding="utf-8")]
    golok = [v for v in rec["visits"] if (v["official"], v["target"]) == ("陈刚", "果洛藏族自治州")]
    assert [(v["date"], v["iso_date"], v["date_precision"], v["date_end"]) for v in golok] == [
        ("12月24日", "2024-12-24", "day", None)]
    assert {v["iso_date"] for v in rec["visits"]} == {"2024-12-24"}
    bad = run_kg("extract", SEED_003, "-o", tmp_path / "x.jsonl", "--published", "2024-12-32")
    assert bad.returncode == 2 and "is not a publication date (YYYY-MM-DD)" in bad.stderr and "Traceback" not in bad.stderr


def test_a_date_in_the_file_name_and_a_month_after_it_is_last_year(tmp_path):
    # 12月24日 in a paper of 2025-01-02 (the name says so) is 2024-12-24; 24日 alone too
    page = tmp_path / "qhrb-20250102-01.txt"
    page.write_text("王卫东赴湟中区调研\n\n" + SEED_LEAD + "\n", "utf-8")
    (rec,) = kg.extract([page])
    v = _visit([rec], page.name, "王卫东", "湟中区")
    assert (v["date"], v["iso_date"], v["date_precision"]) == ("12月24日", "2024-12-24", "day")
    assert dates.resolve("24日", "2025-01-02") == dates.When("2024-12-24", None, "day")


def test_a_story_dated_approximately_then_by_range_then_by_day(corpus_records):
    # 近日 in the lead, 7月12日至15日 for the trip, 12日下午 for its first stop, in a paper of 2022-07-15
    got = {v["target"]: (v["date"], v["iso_date"], v["date_end"], v["date_precision"])
           for v in corpus_records[0]["visits"] if v["official"] == "习近平"}
    assert got["新疆维吾尔自治区"] == ("近日", "2022-07-15", None, "approximate")
    assert got["乌鲁木齐"] == got["吐鲁番"] == ("7月12日至15日", "2022-07-12", "2022-07-15", "day")
    assert got["新疆大学"] == ("12日", "2022-07-12", None, "day")


def test_a_range_of_days_has_a_start_and_an_end(corpus_records):
    v = _visit(corpus_records, "tibetcn-xzw_xw_zqdt-0927-0080", "陈豪", "德钦县")
    assert (v["date"], v["iso_date"], v["date_end"], v["date_precision"]) == (
        "9月14日至15日", "2018-09-14", "2018-09-15", "day")


def test_shortly_before_publication_is_approximate(corpus_records):
    (rec,) = [r for r in corpus_records if r["file"] == "tibetcn-xzw_yz_zx-0927-0005"]
    assert rec["visits"], rec
    for v in rec["visits"]:
        assert (v["date"], v["iso_date"], v["date_precision"]) == ("日前", "2018-09-21", "approximate")


@pytest.mark.parametrize("sentence, published, written, expected", [
    # 昨日 and 昨天: the day before publication
    ("自治区福彩中心工作人员得知这一消息并确定消息属实后，于昨日下午到西藏军区总医院看望被烫伤的卓玛。", "2016-04-27",
     "昨日", ("2016-04-26", None, "day")),
    ("昨天下午五点多，这位温州挂职干部驱车到远牧点，走访看望牧民群众。", "2020-01-23", "昨天", ("2020-01-22", None, "day")),
    # a day after the day of publication: the month before's
    ("央视网消息（新闻联播）：30日下午，国家主席习近平在香港特别行政区第五任行政长官林郑月娥陪同下，来到香港科学园考察。",
     "2022-07-01", "30日", ("2022-06-30", None, "day")),
    # 12月 in a January paper: last year's
    ("本报北京12月31日电（记者冯春梅）中国人民政治协商会议全国委员会12月31日上午在全国政协礼堂举行新年茶话会。", "2020-01-01",
     "12月31日", ("2019-12-31", None, "day")),
    ("“缘起——喜马拉雅艺术展”于12月24日在北京8号公馆艺术中心开幕。", "2018-01-08", "12月24日", ("2017-12-24", None, "day")),
    # a range with its year written; a range across the new year
    ("2016年12月21日至12月27日，西藏自治区人大常委会主任白玛赤林率西藏自治区人大代表团访问尼泊尔。", "2017-01-03",
     "2016年12月21日至12月27日", ("2016-12-21", "2016-12-27", "day")),
    ("9月13日至17日，代表团在当地考察。", "2018-09-20", "9月13日至17日", ("2018-09-13", "2018-09-17", "day")),
    ("近日，全国新的社会阶层专业人士赴港澳考察交流活动圆满举办。", "2018-09-25", "近日", ("2018-09-25", None, "approximate")),
    ("2005年8月", "2020-09-04", "2005年8月", ("2005-08", None, "month")),
])
def test_dates_of_real_sentences(sentence, published, written, expected):
    found = [d[2] for d in dates.find_all(sentence)]
    assert written in found
    assert tuple(dates.resolve(written, published)) == expected


def test_not_dates():
    assert [d[2] for d in dates.find_all("在春节假日前夕，3日前报名。")] == ["3日"]  # 日前 of 节日前 / 3日前 is no 日前
    assert dates.resolve("12月24日") is None  # no publication date, no year: unresolved
    assert dates.resolve("调研", "2024-12-25") is False
    assert dates.resolve("2月30日", "2024-03-01") is None


@pytest.mark.parametrize("name, text, given, recorded, expected", [
    ("rmrb-20200123-01-06.txt", "", None, None, "2020-01-23"),
    ("xwlb-20250722-05.txt", "", None, None, "2025-07-22"),
    ("page-2020-01-23.txt", "", None, None, "2020-01-23"),
    ("003_514ea74f013c69a9.txt", "青海日报 2024年12月25日\n\n", None, None, "2024-12-25"),  # the masthead
    ("003_514ea74f013c69a9.txt", "", None, None, None),
    ("tibetcn-xzw_sz-0927-0141", "", None, "发布时间：2018-09-2416:29:00", "2018-09-24"),  # the record's date
    ("rmrb-20200123-01-06.txt", "", "2024-12-25", "2020-01-01", "2024-12-25"),  # --published wins
])
def test_publication_date(name, text, given, recorded, expected):
    assert dates.publication(name, text, given, recorded) == expected


def test_jsonl_extract_names_a_bad_line_and_reads_the_rest(tmp_path):
    path = _jsonl(tmp_path / "news.jsonl", _corpus_records()[:2], bad='{"id": "x", "text": ')
    out = tmp_path / "out.jsonl"
    res = run_kg("extract", path, "-o", out, "--no-progress")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    errors = [line for line in res.stderr.splitlines() if ": not JSON" in line]
    assert errors == [f"kg: {path}:2: not JSON (Expecting value)"]
    assert [json.loads(line)["file"] for line in out.open(encoding="utf-8")] == list(CORPUS)[:2]


def test_jsonl_build_dates_the_graph(tmp_path):
    records = _corpus_records() + [{"id": "seed-003-lead", "date": "2025-01-02", "title": "", "text": SEED_LEAD}]
    path = tmp_path / "news.jsonl.gz"
    import gzip

    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    res = run_kg("build", path, "-o", tmp_path / "out", "--no-progress")
    assert res.returncode == 0, res.stderr
    ttl = (tmp_path / "out" / "graph.ttl").read_text("utf-8")
    assert '"2018-09-14"^^xsd:date' in ttl and '"2018-09-15"^^xsd:date' in ttl
    assert "kgv:dateEnd" in ttl and "kgv:dayPrecision" in ttl and "kgv:approximatePrecision" in ttl
    assert '"2024-12-24"^^xsd:date' in ttl and '"seed-003-lead"' in ttl  # the record's id is the source
    files = [json.loads(line)["file"] for line in (tmp_path / "out" / "extract.jsonl").open(encoding="utf-8")]
    assert files == [r["id"] for r in records]
    # the graph answers a date filter with them
    rows = json.loads(run_kg("visits", "--graph", tmp_path / "out", "--since", "2024-12-24", "--format", "json").stdout)
    assert ("王卫东", "2024-12-24") in {(r["official"], r["date"]) for r in rows}
    assert all(r["date"] >= "2024-12-24" for r in rows)  # 17日 of 2024-10-18 and the 2018 visits left out

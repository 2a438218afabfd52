"""kg.read: decoding, HTML reduction, reading errors and article splitting on the real seed pages."""
import random
import time
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.read import decode, html_to_text, iter_inputs, read_page, split_articles, split_sentences

ROOT = Path(__file__).parent.parent
SEEDS = {f.name[:3]: f for f in sorted((ROOT / "seeds").glob("*.txt"))}
HTML_PAGE = Path(__file__).parent / "data" / "read" / "page.html"
SENTENCE = "本报讯(记者 施翔)12月24日下午,省委常委、市委书记王卫东深入湟中区调研走在前作表率工作进展情况。"

HEADLINES = {
    "000": [
        "汇聚起抗震救灾和灾后重建的强大正能量 陈刚 吴晓军等领导同志带头捐款",
        "西宁跻身中国动力电池产能十强城市",
        "我省“五经普”工作受国务院表扬",
        "省人社厅发布急需紧缺人才目录",
        "“两室一平台”:架起群众“连心桥” 畅通履职“民意道”",
    ],
    "001": [
        "凝心聚力担使命 踔厉奋发谱新篇 ——省政协书写“五张答卷”推进政协事业高质量发展",
        "阳光议事会 “议”出民生幸福事",
        "西宁市第一职业技术学校党委 “红色引领”强党建 “四心融合”促发展",
        "西宁市城北区 创新社区“微治理” 擦亮民生“幸福色”",
        "西宁市教育局 “双联四共”聚合力 党建联盟促发展",
        "西宁市城西区 打造年轻干部高效“供应链”",
        "格尔木税务局 便民办税春风筑牢残疾人“幸福路”",
        "西宁市第十二中学党委 加强党建引领 激发校园新活力",
        "西宁市大通县 突出三个结合 考准领导班子实绩",
        "海东市化隆县 带领干部群众投身乡村振兴建设美好家园",
    ],
    "002": ["政府工作报告", "3月3日全国爱耳日 “科学爱耳护耳,实现主动健康”"],
    "003": [
        "陈刚在果洛州调研时强调 推动生态保护和增收致富良性循环 奋力推进高质量发展和长治久安",
        "生物园区超额完成 招商引资年度目标任务",
        "王卫东赴湟中区调研走在前作表率工作",
        "石建平调研东西部协作项目建设工作",
        "前11个月全省空气质量优良天数比例达95%以上",
        "青海推动社保业务“就近办”落地落实",
    ],
    "004": [
        "共同绘就中国式现代化青海篇章的锦绣画卷 省政协十三届三次会议胜利闭幕 吴晓军罗东川出席公保扎西主持并讲话",
        "罗东川看望省政协港澳委员并座谈交流",
        "多项指标领跑! 西宁开发区经济答卷亮眼",
    ],
}

# (dateline, date, authors) of every article
DATELINES = {
    "000": [
        ("本报讯(特约记者 张晓英)", None, ("张晓英",)),
        ("本报讯(记者 樊娅楠)", None, ("樊娅楠",)),
        ("本报讯(记者 一丁)12月27日", "12月27日", ("一丁",)),
        ("本报讯(记者 一丁)", None, ("一丁",)),
        ("", None, ("张艳艳",)),  # from the trailing byline (记者 张艳艳)
    ],
    "003": [
        ("本报讯(特约记者 莫昌伟)12月24日", "12月24日", ("莫昌伟",)),
        ("本报讯(记者 张国静)", None, ("张国静",)),
        ("本报讯(记者 施翔)12月24日", "12月24日", ("施翔",)),
        ("本报讯(记者 樊娅楠)12月24日", "12月24日", ("樊娅楠",)),
        ("本报讯(记者 李静)12月24日", "12月24日", ("李静",)),
        ("本报讯(记者 刘瑜)", None, ("刘瑜",)),
    ],
    "004": [
        ("本报讯(特约记者 张晓英)1月21日", "1月21日", ("张晓英",)),
        ("本报讯(特约记者 石成观)1月19日", "1月19日", ("石成观",)),
        ("", None, ("黎晓刚", "樊娅楠")),  # photo credit, then the inline byline (记者 樊娅楠)
    ],
}

# (seed, as the layout cut it in the page text, as the article must read)
LAYOUT_BREAKS = [
    ("000", "为西\n\n宁锂电", "为西宁锂电产业发展注入强劲动能。"),
    ("000", "具有重要\n\n意义。", "推动经济高质量发展具有重要意义。"),
    ("000", "决策需求,\n\n全面准确", "决策需求,全面准确把握园区经济发展情况"),
    ("000", "效率更高,速\n\n度更快", "效率更高,速度更快。”张若蕾说"),
    ("001", "在今年终\n\n于要实现了", "“盼了几年的‘煤改气’,在今年终于要实现了。"),
    ("001", "税务局工作\n\n人员", "活动现场,格尔木市税务局工作人员重点解读"),
    ("001", "“关注\n\n\n\n政协工作巡礼\n\n森林", "首次举办“关注森林 绿色城乡是安处”主题活动"),
    ("002", "县域经济\n\n架,", "相得益彰的县域经济架,着力增强承接产业"),
    ("003", "梳\n\n理清楚", "要坚持整体推进与重点攻坚相结合,梳理清楚涉及资产盘活的重点区域"),
    ("003", "了解产\n\n业协作", "石建平实地了解产业协作、有机蔬菜精深加工"),
    ("003", "地域覆\n\n盖、", "综合考虑地域覆盖、人口密度"),
    ("004", "邀请10\n\n余家", "邀请10余家重点企业赴西宁开发区考察调研"),
    ("004", "现代化产业体系\n\n建设已驶入快车道", "现代化产业体系建设已驶入快车道。"),
]


@pytest.fixture(scope="module")
def pages():
    return {k: read_page(f) for k, f in SEEDS.items()}


def assert_offsets(page, article):
    for i, ch in enumerate(article.text):
        if ch != "\n":
            assert page.text[article.source_offset(i)] == ch, (article.index, i)


# decoding


def test_decode_utf8_seed():
    data = SEEDS["003"].read_bytes()
    assert decode(data, "p.txt") == (data.decode("utf-8"), "utf-8")


def test_decode_utf8_bom_stripped_and_newlines_normalised():
    text, enc = decode(b"\xef\xbb\xbf" + "标题\r\n\r\n正文。\r末行".encode(), "p.txt")
    assert (text, enc) == ("标题\n\n正文。\n末行", "utf-8-sig")


def test_decode_gb18030():
    data = SENTENCE.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert decode(data, "p.txt") == (SENTENCE, "gb18030")


def test_decode_gbk_page_with_one_corrupt_byte():
    data = SEEDS["003"].read_text(encoding="utf-8").encode("gbk")
    text, enc = decode(data[:1000] + b"\xff" + data[1000:], "p.txt")
    assert enc == "gb18030" and text.count("\ufffd") == 1 and "王卫东赴湟中区调研走在前作表率工作" in text


@pytest.mark.parametrize("codec,bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_decode_utf16_with_bom(codec, bom):
    text = SEEDS["000"].read_text(encoding="utf-8")
    assert decode(bom + text.replace("\n", "\r\n").encode(codec), "p.txt") == (text, codec)


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x00\x00\x01\x02",  # NUL bytes
        bytes(random.Random(1).choices(range(1, 0x80), k=4096)),  # valid UTF-8, but control bytes
        bytes(random.Random(2).choices(range(0x80, 0x100), k=4096)),  # high bytes, 3% invalid GB18030
    ],
)
def test_binary_file_is_an_input_error_naming_the_file(tmp_path, data):
    path = tmp_path / "scan_0417.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as e:
        read_page(path)
    assert "scan_0417.txt" in str(e.value) and "binary" in e.value.message


# reading errors and inputs


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file") as e:
        read_page(tmp_path / "nope.txt")
    assert e.value.path.endswith("nope.txt")


def test_directory_is_not_a_page(tmp_path):
    with pytest.raises(InputError, match="directory"):
        read_page(tmp_path)


def test_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "locked.txt"
    path.write_text("标题", encoding="utf-8")

    def denied(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(InputError) as e:
        read_page(path)
    assert str(e.value) == f"{path}: cannot read (permission denied)"


@pytest.mark.parametrize("data", [b"", b" \r\n\r\n\t\n"])
def test_empty_file(tmp_path, data):
    path = tmp_path / "empty.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match="empty file"):
        read_page(path)


def test_iter_inputs(tmp_path):
    for name in ["b/2.txt", "b/1.HTML", "a/x.htm", "a/deep/y.txt", "a/notes.pdf", "c.json", "z.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    got = list(iter_inputs([tmp_path, tmp_path / "c.json", tmp_path / "missing.txt"]))
    rel = [p.relative_to(tmp_path).as_posix() for p in got]
    assert rel == ["a/deep/y.txt", "a/x.htm", "b/1.HTML", "b/2.txt", "z.txt", "c.json", "missing.txt"]


# HTML


def test_html_page_reduced_to_paragraphs():
    page = read_page(HTML_PAGE)
    paras = page.text.split("\n\n")
    assert paras[:2] == ["王卫东赴湟中区调研走在前作表率工作", SENTENCE]
    assert paras[3] == (
        "在西堡夏季草莓种植基地,王卫东与基地负责人亲切交谈,实地了解品种培育、种植规模、产品销售等情况。"
        "他强调,要强化规划引领,擦亮叫响西宁草莓“金字招牌”。"
    )
    assert "市领导姜晓东参加。" in paras  # <br> breaks the paragraph
    assert paras[-1].endswith("推进情况&进度。")
    for hidden in ["脚本", "页面标题", "style-rule-text", "首页", "<", "&ldquo;"]:
        assert hidden not in page.text
    assert [a.headline for a in page.articles] == ["王卫东赴湟中区调研走在前作表率工作", "石建平调研东西部协作项目建设工作"]
    assert [a.authors for a in page.articles] == [("施翔",), ("樊娅楠",)]
    for a in page.articles:
        assert_offsets(page, a)


def test_unclosed_head_does_not_hide_the_body():
    html = "<html><head><title>页面标题</title><body><p>西宁跻身中国动力电池产能十强城市</p><p>正文&nbsp;第一段。</p>"
    assert html_to_text(html) == "西宁跻身中国动力电池产能十强城市\n\n正文 第一段。"


def test_gbk_html_page(tmp_path):
    path = tmp_path / "page.htm"
    path.write_bytes(HTML_PAGE.read_text(encoding="utf-8").encode("gb18030"))
    page = read_page(path)
    assert page.encoding == "gb18030" and page.text == read_page(HTML_PAGE).text


# the seeds


@pytest.mark.parametrize("seed", sorted(HEADLINES))
def test_seed_headlines(pages, seed):
    assert [a.headline for a in pages[seed].articles] == HEADLINES[seed]
    assert [a.index for a in pages[seed].articles] == list(range(len(HEADLINES[seed])))


@pytest.mark.parametrize("seed", sorted(DATELINES))
def test_seed_datelines(pages, seed):
    assert [(a.dateline, a.date, a.authors) for a in pages[seed].articles] == DATELINES[seed]


def test_seed_003_datelines_start_their_body(pages):
    for a in pages["003"].articles:
        lines = a.text.split("\n")
        k = next(i for i, line in enumerate(lines) if line.startswith(a.dateline))
        assert " ".join(lines[:k]) == a.headline


def test_group_bylines_close_articles_without_authors(pages):
    arts = pages["001"].articles
    assert [a.text.rsplit("\n", 1)[-1] for a in arts[2:6]] == ["(宁教组)", "(城北组)", "(宁教组)", "(城西组)"]
    assert all(a.authors == () for a in arts[1:])
    assert arts[0].authors == ("马 瞰",)  # the page-top author line


@pytest.mark.parametrize("seed,cut,joined", LAYOUT_BREAKS)
def test_layout_breaks_joined(pages, seed, cut, joined):
    page = pages[seed]
    assert cut in page.text
    assert sum(joined in a.text for a in page.articles) == 1


def test_truncated_paragraph_keeps_its_byline_apart(pages):
    dt = pages["001"].articles[8]
    assert dt.text.endswith("“平时考核+跟踪\n(大通组)")


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_offsets_map_back_to_the_page(pages, seed):
    page = pages[seed]
    covered = bytearray(len(page.text))
    for a in page.articles:
        assert a.source == str(SEEDS[seed])
        assert_offsets(page, a)
        assert page.text[a.start] == a.text[0] and page.text[a.end - 1] == a.text[-1]
        assert a.source_span(0, len(a.text)) == (a.start, a.end)
        for s in a.segments:
            assert a.text[s.text_start:s.text_start + s.length] == page.text[s.source_start:s.source_start + s.length]
            assert not any(covered[s.source_start:s.source_start + s.length])
            covered[s.source_start:s.source_start + s.length] = b"\1" * s.length
    # nothing of the page is lost: every visible character is in exactly one article
    assert all(covered[i] or ch.isspace() for i, ch in enumerate(page.text))
    assert [a.start for a in page.articles] == sorted(a.start for a in page.articles)


def test_subheadings_stay_in_their_article(pages):
    arts = pages["003"].articles
    air = arts[4]
    for sub in ["持续蓝天打好污染防治攻坚战", "强力推进突出生态环境问题整改", "强化自然生态保护修复"]:
        assert f"\n{sub}\n" in air.text
        assert not any(a.headline.startswith(sub) for a in arts)
    assert air.text.startswith("前11个月全省空气质量优良天数比例达95%以上\n本报讯(记者 李静)12月24日")
    # a page-wide column label inside a cut sentence stays with its article too
    assert "\n政协工作巡礼\n" in pages["001"].articles[0].text


def test_dateline_less_story_after_dated_one(pages):
    """The reporter byline (记者 张艳艳) shows that a new story began after the dated one."""
    before, story = pages["000"].articles[3:5]
    assert before.text.endswith("28.56%。")
    assert story.text.startswith("“两室一平台”:架起群众“连心桥” 畅通履职“民意道”\n“零距离”倾听民意")
    assert story.text.endswith("\n(记者 张艳艳)")


def test_dateline_forms():
    text = "\n\n".join([
        "青海召开生态保护工作会议",
        "本报讯（记者 张三、李四 通讯员 王五）1月2日上午，全省生态保护工作会议在西宁召开。",
        "会议强调，要坚持生态优先。",
        "国务院部署冬春农业生产",
        "新华社北京1月3日电（记者 赵六）国务院常务会议3日召开。",
    ])
    arts = split_articles(text, "x.txt")
    assert [(a.headline, a.dateline, a.date, a.authors) for a in arts] == [
        ("青海召开生态保护工作会议", "本报讯（记者 张三、李四 通讯员 王五）1月2日", "1月2日", ("张三", "李四", "王五")),
        ("国务院部署冬春农业生产", "新华社北京1月3日电（记者 赵六）", "1月3日", ("赵六",)),
    ]


def test_page_without_structure_is_one_article():
    text = "\n\n".join(["第一段没有标题,只有正文。", "第二段也是正文。", "短行", "第三段。"])
    arts = split_articles(text, "x.txt")
    assert len(arts) == 1 and arts[0].text == text.replace("\n\n", "\n") and arts[0].headline == ""
    assert split_articles("", "x.txt") == []


def test_split_sentences():
    text = "“你好。”他说。\n  标题 行 \n第二句!第三句?尾巴;下一句；\n\n。"
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "“你好。”", "他说。", "标题 行", "第二句!", "第三句?", "尾巴;", "下一句；", "。"]
    assert split_sentences("\n \n") == []


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_split_sentences_on_seed_articles(pages, seed):
    for a in pages[seed].articles:
        spans = split_sentences(a.text)
        assert spans and spans == sorted(spans)
        for s, e in spans:
            sent = a.text[s:e]
            assert sent and "\n" not in sent and sent == sent.strip()
        assert "".join(a.text[s:e].replace(" ", "") for s, e in spans) == "".join(a.text.split())


def test_large_page_is_linear(tmp_path):
    one = SEEDS["003"].read_text(encoding="utf-8")
    reps = 5_000_000 // len(one.encode()) + 1
    path = tmp_path / "big.txt"
    path.write_text(one * reps + "无标点的超长一行" * 200_000, encoding="utf-8")
    t = time.perf_counter()
    page = read_page(path)
    elapsed = time.perf_counter() - t
    assert elapsed < 30, elapsed  # about 1 s; a quadratic pass would take hours
    assert len(page.articles) == 6 * reps
    assert [a.headline for a in page.articles[-6:]] == HEADLINES["003"]
    assert page.articles[-1].text.endswith("无标点的超长一行")
    for a in page.articles[-6:]:
        assert_offsets(page, a)

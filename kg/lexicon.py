"""The grammar of posts, bodies and named things in the Chinese official press.

Titles are built from parts (level + body + rank), organizations and projects
are recognised by their head nouns; nothing here names a person or a place.
"""
from __future__ import annotations

import re
from functools import lru_cache

# Administrative levels that open a relative name: 省委, 市政府, 县人大常委会.
LEVELS = ("省", "市", "州", "县", "区", "乡", "镇", "盟", "旗", "自治区", "全国", "中央", "国家")

# Bodies of the party-state; a level or a place before them makes an organization.
BODIES = (
    "委", "党委", "党组", "党工委", "党总支", "党支部", "纪委", "监委", "纪委监委", "政府", "人民政府",
    "人大", "人大常委会", "政协", "人民法院", "法院", "人民检察院", "检察院", "委员会", "常委会",
    "组织部", "宣传部", "统战部", "政法委", "编办", "政府办", "政府办公厅", "委办公厅", "人大常委会办公室",
    "政府新闻办", "新闻办", "工商联", "总工会", "团委", "妇联", "残联", "科协", "文联", "侨联",
)

# Ranks: the last part of a post title.
RANKS = (
    "总书记", "书记", "副书记", "常务副书记", "常委", "委员", "主任", "副主任", "常务副主任", "主席", "副主席",
    "秘书长", "副秘书长", "部长", "副部长", "常务副部长", "厅长", "副厅长", "局长", "副局长", "处长",
    "副处长", "科长", "院长", "副院长", "检察长", "副检察长", "庭长", "署长", "主任委员", "副主任委员",
    "省长", "副省长", "代省长", "常务副省长", "市长", "副市长", "代市长", "常务副市长", "州长", "副州长",
    "代州长", "县长", "副县长", "代县长", "区长", "副区长", "代区长", "乡长", "副乡长", "镇长", "副镇长",
    "村长", "盟长", "旗长", "总理", "副总理", "国务委员", "委员长", "副委员长", "党组书记", "党组成员",
    "党组副书记", "成员", "代表", "人大代表", "政协委员", "组长", "副组长", "会长", "副会长", "主委",
    "副主委", "负责人", "巡视员", "督察长", "监察专员", "调研员", "校长", "副校长", "站长", "所长", "队长",
    # ranks of state bodies, public institutions, the army and the police
    "司长", "副司长", "审计长", "副审计长", "行长", "副行长", "理事长", "副理事长", "社长", "副社长", "台长",
    "副台长", "馆长", "副馆长", "总编辑", "副总编辑", "团长", "副团长", "领队", "总领队", "副领队", "支书",
    "指挥长", "副指挥长", "指导员", "教导员", "政委", "副政委", "司令员", "副司令员", "司令", "副司令",
    "总司令", "副总司令", "司令官", "指挥官", "参谋长", "军长", "师长",
    "旅长", "营长", "连长", "将军", "检察官", "法官", "发言人", "领导人", "总干事", "副总干事",
    # posts abroad and of foreign states
    "总统", "副总统", "首相", "副首相", "外长", "大使", "领事", "总领事", "参赞", "议长", "副议长", "议员",
    "国务卿", "大臣", "国王", "女王", "元首", "行政长官", "知事",
)
# Words that make the person after them a non-official (reporters, staff, residents).
PERSON_ROLES = (
    "记者", "特约记者", "通讯员", "实习记者", "实习生", "摄影", "摄", "编辑", "责任编辑", "作者", "居民",
    "村民", "群众", "市民", "牧民", "农民", "老人", "学生", "同学", "老师", "医生", "护士", "经理",
    "总经理", "董事长", "员工", "职工", "工人", "技术员", "安置户", "户主", "志愿者", "网格员", "管护员",
)
# Common Chinese surnames (single and compound). A two-character word LAC calls a
# name, with no title or role beside it, needs one to count as a person (踔厉,
# 扬帆 and 双月 are words of the headline style, not people).
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
    "卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常"
    "温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴"
    "霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚"
    "岑景党宫费卜冷晏席卫米杭洪诸钮嵇邬巩匡荣全班查鄢仇应栾桑迟阎寇官乐原花巴才多拉索旦格措达"
).union({"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐", "端木"})
# Collective nouns before a list of names of officials: 省领导李四、王五.
LEADER_NOUNS = ("领导", "领导同志", "负责同志", "主要负责同志", "负责人")
# Verbs after a list of names that marks them as officials at an event.
OFFICIAL_LIST_VERBS = ("出席", "参加", "陪同", "在主席台就座", "在主席台前排就座", "就座", "主持", "列席", "调研", "视察", "考察")

# Head nouns of organizations (longest first when matching).
ORG_SUFFIXES = (
    "管理委员会", "管委会", "委员会", "常委会", "人民政府", "政府", "办公厅", "办公室", "厅", "局", "总局",
    "分局", "办", "院", "部", "委", "署", "协会", "学会", "商会", "联合会", "基金会", "促进会", "研究会",
    "公司", "有限公司", "集团", "银行", "支行", "分行", "学校", "中学", "小学", "大学", "学院", "中心学校",
    "医院", "卫生院", "研究所", "研究院", "设计院", "报社", "日报", "晚报", "电视台", "广播电视台",
    "出版社", "党委", "党组", "党总支", "党支部", "党工委", "代表团", "联络室", "活动室", "税务局",
    "法院", "检察院", "联盟", "基金", "合作社", "派出所", "公安局", "幼儿园", "事务所", "俱乐部",
    "军区", "支队", "人大", "政协", "残联", "工商联", "妇联", "总工会", "团委", "科协", "文联", "党",
    "博物馆", "纪念馆", "图书馆", "美术馆", "档案馆", "科技馆",  # institutions, by the guideline
)
# Single-character heads are also endings of common words (布局, 干部, 开局):
# they head a name only inside a longer word or a LAC organization.
WEAK_ORG_SUFFIXES = frozenset(s for s in ORG_SUFFIXES if len(s) == 1)
# Head nouns that name a built or planned thing.
PROJECT_SUFFIXES = (
    "项目", "工程", "产业园", "示范园", "孵化示范园", "孵化园", "科技园", "工业园", "物流园", "基地",
    "示范基地", "种植基地", "生产基地", "数据中心", "智算中心", "算力中心", "储气站", "电站", "光伏电站",
    "风电场", "变电站", "生产线", "提取线", "指挥大厅", "体验馆", "展览馆", "公路",
    "铁路", "高速公路", "大桥", "隧道", "机场", "水库", "水利枢纽", "管道", "花园", "储能电站", "智算产业园",
    "码头", "新城", "号线", "快线", "国道", "省道", "高铁", "枢纽", "交通枢纽", "监测点",
)
# Head nouns of named places that are not divisions.
PLACE_SUFFIXES = (
    "村", "社区", "居民区", "街道", "街", "路", "大街", "古街", "广场", "山", "雪山", "河", "江", "湖",
    "海", "高原", "盆地", "草原", "湿地", "国家公园", "公园", "自然保护区", "保护区", "地区", "流域",
    "开发区", "经济技术开发区", "高新区", "新区", "园区", "自贸区", "自由贸易试验区", "自由贸易区", "保税区",
    "综合保税区", "科学城", "工业园区", "矿区", "林场", "农场", "牧场",
    "峡", "峡谷", "沟", "湾", "岛", "半岛", "口岸", "景区", "家园", "墓群", "遗址", "寺", "塔",
)
# One-character heads that make a two-character name a place (黄河, 长江, 冷湖).
GEO_HEADS = frozenset("江河湖海山岛")
# Village-level units: communities and villages are divisions below the national list.
VILLAGE_HEADS = ("社区", "村")
# Heads of settlements whose names LAC tags as places (前营街/LOC 社区/n).
SETTLEMENT_HEADS = ("社区", "村", "居民区", "街道", "小区", "家园", "古街")
# Determiners and quantifiers that make a head noun generic: 有关项目, 一批项目, 各类企业.
# A count before a head makes it generic: 8个项目, 12家企业, 两个中心.
COUNTED = re.compile(r"^[\d０-９一二三四五六七八九十百千万余多几两数]+[个家项类批件次名所座条位处只种]")
# Words that open a project's name although they are verbs: 年产3000吨…项目.
PROJECT_OPENERS = frozenset({"年产", "年处理", "年加工", "年吞吐", "日处理", "日产"})
GENERIC_MODIFIERS = (
    "有关", "相关", "一批", "一些", "各类", "各项", "各个", "各", "该", "此", "这", "这些", "那些", "其他",
    "其它", "全部", "所有", "部分", "多个", "若干", "重点", "重大", "新", "本", "我", "全", "每", "个",
    "些", "类", "等", "某", "首批", "首个", "大型", "一", "两", "几", "多", "全省", "全市", "全州", "全县",
    "全区", "我省", "我市", "我州", "我县", "我区", "本市", "本省", "其", "各地", "各级",
)

# Words that make a body a kind of body rather than a named one: 地方政协, 基层党组织, 乡村学校.
CATEGORY_MODIFIERS = frozenset(
    "人民 地方 基层 各级 乡村 乡镇 城乡 城区 农村 社区 村 民主党派 民营 国有 中小 有关部门 同级 上级 下级".split()
)
# Those of them that never close a place name inside an organization's name (社区 and 村 do).
CATEGORY_OPENERS = CATEGORY_MODIFIERS - {"社区", "村", "人民"}
# Single-character levels: two in a row name several levels at once (州市政协, 市县).
LEVEL_CHARS = frozenset("省市州县区乡镇村")

# The ranks as a regex alternation, longest first (so that 副书记 wins over 书记).
RANK_ALT = "|".join(sorted(RANKS, key=len, reverse=True))
RANK_END = re.compile("(?:%s)$" % RANK_ALT)
# A cadre (援藏干部X, 驻村干部X) is in a post, so the guideline makes them officials. Read by the
# merge only, after the recognizer: the rules it learnt its features from stay as they were.
CADRE_RANKS = ("干部",)
RANK_OR_CADRE_END = re.compile("(?:%s)$" % "|".join(sorted(RANKS + CADRE_RANKS, key=len, reverse=True)))


def longest_suffix(text: str, suffixes: tuple[str, ...]) -> str | None:
    """The longest of `suffixes` that `text` ends with."""
    lengths, members = suffix_index(suffixes)
    n = len(text)
    for k in lengths:
        if k <= n and text[n - k :] in members:
            return text[n - k :]
    return None


@lru_cache(maxsize=64)
def suffix_index(suffixes: tuple[str, ...]) -> tuple[tuple[int, ...], frozenset[str]]:
    """The lengths of `suffixes`, longest first, and the set of them: a suffix test is then
    one set lookup per length, not one endswith per suffix (the components make millions)."""
    return tuple(sorted({len(s) for s in suffixes if s}, reverse=True)), frozenset(suffixes)


def relative_orgs() -> set[str]:
    """省委, 市政府, 县人大常委会 …: a level followed by a body."""
    out = set()
    for level in LEVELS:
        for body in BODIES:
            out.add(level + body)
    out.update({"党中央", "中共中央", "国务院", "全国人大", "全国政协", "中央军委"})
    return out


RELATIVE_ORGS = frozenset(relative_orgs())


def _countries() -> frozenset[str]:
    """The world's countries as Chinese writes them (kg/data/countries.tsv, ISO 3166-1)."""
    from importlib import resources

    text = resources.files("kg").joinpath("data/countries.tsv").read_text("utf-8")
    return frozenset(f for line in text.splitlines() if line and not line.startswith("#")
                     for f in line.split("\t")[1].split(","))


# Countries: a name inside an organization's opens it (希腊共产党 → 希腊 a place of its own).
STATES = _countries()
# Countries and regions the press names without a head noun.
COUNTRIES = STATES | frozenset(
    "中国 中华人民共和国 港澳 港澳台 欧洲 亚洲 非洲 北美 南美 东南亚 中亚 西亚 东盟 欧盟".split()
)
# Nouns after 等 that make the preceding list a list of organizations.
ORG_LIST_HEADS = ("企业", "公司", "头部企业", "龙头企业", "单位", "机构", "集团", "银行", "学校", "医院", "部门", "商户")
# Heads of company names that have no legal suffix: 瑞佳实业, 国肽生物, 时代新能源.
COMPANY_HEADS = ("实业", "科技", "生物", "能源", "新能源", "电力", "控股", "股份", "药业", "制药", "矿业", "化工", "材料", "电子", "物流", "建设", "传媒", "置业", "投资", "农业", "牧业", "食品")

# After a division's name, the words that make it the giver of a project, not its place:
# 上海援建项目 lies in the county Shanghai aids (某县新一轮对口援建项目 lies in that county).
AID_VERBS = ("援建", "援助", "支援", "捐建", "援藏", "援疆", "援青")
# The one-character names of provinces (简称) that name nothing else once a verb of arrival
# stands before them (赴藏调研, 到京第二天); 宁 (Nanjing or Ningxia), 新, 云, 贵 and 黑 are left out.
PROVINCE_ABBREVIATIONS = {
    "京": "110000", "津": "120000", "冀": "130000", "晋": "140000", "蒙": "150000", "辽": "210000",
    "吉": "220000", "沪": "310000", "苏": "320000", "浙": "330000", "皖": "340000", "闽": "350000",
    "赣": "360000", "鲁": "370000", "豫": "410000", "鄂": "420000", "湘": "430000", "粤": "440000",
    "桂": "450000", "琼": "460000", "渝": "500000", "川": "510000", "蜀": "510000", "黔": "520000",
    "滇": "530000", "藏": "540000", "陕": "610000", "秦": "610000", "甘": "620000", "陇": "620000",
    "青": "630000", "疆": "650000", "港": "810000", "澳": "820000", "台": "710000",
}
ARRIVAL_VERBS = frozenset("到 赴 来 抵 抵达 前往 来到 奔赴 赶赴 返 回 返回".split())


# The parts Tibetan names are made of (扎西, 多吉, 才让 …): LAC cuts many four-character names
# after three characters or two (白玛旺|堆, 尕藏|才|让); parts in a row make one name again.
TIBETAN_NAME_PARTS = frozenset("""
扎西 多吉 次仁 卓玛 尼玛 达娃 平措 旺堆 顿珠 拉姆 央金 格桑 曲珍 措姆 白玛 仁增 才让 桑杰 索朗 加措 嘉措 旦增 巴桑
洛桑 普布 德吉 边巴 米玛 次旦 强巴 丹增 贡布 多杰 才旦 东智 更登 罗布 群培 拉巴 央宗 玉珍 旺姆 卓嘎 益西 嘎玛
旺久 次珠 欧珠 朗杰 格列 阿旺 扎巴 琼达 晋美 土登 坚参 坚赞 单增 曲吉 吉宗 德庆 次央 仓决 拉珍 央拉 贡桑 索南
占堆 达瓦 普琼 巴珠 尼珍 曲措 加央 南加 才仁 多布杰 旺秋 仁青 泽仁 降措 俄珠 昂旺 西绕 洛松 扎顿 格勒 尕藏 更桑
完玛 万玛 拉毛 卓么 才吉 措毛 吉毛 兰措 东主 周加 昂秀 尕玛 久美 南杰 才项 公保 扎拉 丹珠 更尕 旦正 尖措 切羊
多美 看本 夏吾 桑吉 仁欠 华旦 本加 吉太 加布
""".split())


def tibetan_name(text: str) -> bool:
    """Whether `text` (four characters or more) is made of Tibetan name parts only."""
    n = len(text)
    if n < 4:
        return False
    ok = [True] + [False] * n
    for i in range(n):
        if ok[i]:
            for k in (2, 3):
                if i + k <= n and text[i : i + k] in TIBETAN_NAME_PARTS:
                    ok[i + k] = True
    return ok[n]


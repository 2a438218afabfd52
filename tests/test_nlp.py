"""The real pipeline (LAC + our components) on real newspaper sentences."""


def ents(doc):
    return {(e.text, e.label_) for e in doc.ents}


def test_title_and_name_give_an_official_with_titles(nlp):
    doc = nlp("12月24日,省委书记、省人大常委会主任陈刚赴果洛藏族自治州调研并召开座谈会。")
    official = [e for e in doc.ents if e.label_ == "OFFICIAL"]
    assert [e.text for e in official] == ["陈刚"]
    assert official[0]._.titles == ("省委书记", "省人大常委会主任")
    assert ("省委", "ORG") in {(s.text, s.label_) for s in doc.spans["kg"]}


def test_leader_list_names_are_officials(nlp):
    doc = nlp("省领导刘奇凡、班果、朱向峰、何立春参加有关活动。")
    assert {e.text for e in doc.ents if e.label_ == "OFFICIAL"} == {"刘奇凡", "班果", "朱向峰", "何立春"}


def test_byline_gives_a_person(nlp):
    doc = nlp("本报讯(记者 施翔)12月24日下午,省委常委、市委书记王卫东深入湟中区调研。")
    assert ("施翔", "PERSON") in ents(doc)
    assert ("王卫东", "OFFICIAL") in ents(doc)


def test_short_form_of_a_prefecture_is_a_place_with_its_code(nlp):
    doc = nlp("陈刚在果洛州调研时强调要推动生态保护。")
    places = [e for e in doc.ents if e.label_ == "PLACE"]
    assert [(p.text, p._.code, p._.canonical) for p in places] == [("果洛州", "632600", "果洛藏族自治州")]


def test_named_project_is_a_project(nlp):
    doc = nlp("在城北区万吨有机纳米超级食品产业化项目现场,石建平实地了解产业协作情况。")
    assert ("城北区万吨有机纳米超级食品产业化项目", "PROJECT") in ents(doc)
    nested = {(s.text, s.label_) for s in doc.spans["kg"]}
    assert ("城北区", "PLACE") in nested


def test_generic_mentions_are_not_projects(nlp):
    doc = nlp("园区成功引进一批投资规模大的项目,其中工业项目22个。")
    assert not [e for e in doc.ents if e.label_ == "PROJECT"]


def test_long_lac_place_is_split_into_what_it_is(nlp):
    doc = nlp("湟中区海子沟乡人大代表联络室为有效破解基层人大工作薄弱问题。")
    spans = {(s.text, s.label_) for s in doc.spans["kg"]}
    assert {("湟中区", "PLACE"), ("海子沟乡", "PLACE"), ("湟中区海子沟乡人大代表联络室", "ORG")} <= spans


def test_posts_of_state_bodies_and_foreign_states_make_officials(nlp):
    doc = nlp("会议听取了审计署审计长周建明受国务院委托作的报告。智利总统加布里埃尔-博里奇会见了代表团。")
    officials = {e.text: e._.titles for e in doc.ents if e.label_ == "OFFICIAL"}
    assert officials["周建明"] == ("审计署审计长",)
    assert "加布里埃尔-博里奇" in officials  # the two halves of a dashed name are one name
    doc = nlp("该国海军副总司令马克·威尔逊今天表示，舰队已经做好准备。")
    assert {(e.text, e.label_) for e in doc.ents} >= {("马克·威尔逊", "OFFICIAL")}


def test_a_name_taken_for_words_before_a_verb_of_speech(nlp):
    doc = nlp("省文物局副局长杨强说，特别是古代文物收藏。")
    assert [(e.text, e._.titles) for e in doc.ents if e.label_ == "OFFICIAL"] == [("杨强", ("省文物局副局长",))]
    doc = nlp("习近平总书记多次强调，要保护好文物。")
    assert "多次" not in {e.text for e in doc.ents}


def test_a_description_between_post_and_name_keeps_the_post(nlp):
    doc = nlp("日喀则市江孜县县委副书记、第九批援藏干部王建国说。")
    assert [(e.text, e.label_) for e in doc.ents if e.text == "王建国"] == [("王建国", "OFFICIAL")]


def test_museums_are_organizations_and_routes_projects(nlp):
    doc = nlp("他来到甘肃省博物馆参观。北京开通地铁16号线、京雄快线。工业和信息化部部长出席。")
    found = ents(doc)
    assert ("甘肃省博物馆", "ORG") in found
    assert {("地铁16号线", "PROJECT"), ("京雄快线", "PROJECT")} <= found
    assert ("工业和信息化部", "ORG") in found


def test_party_members_and_era_phrases_are_no_party(nlp):
    doc = nlp("一代代共产党人在这里艰苦奋斗，推进新时代党的建设。中国共产党的领导是根本保证。")
    assert {e.text for e in doc.ents if e.label_ == "ORG"} == {"中国共产党"}


def test_a_relative_body_inside_a_named_one_is_not_a_second_body(nlp):
    doc = nlp("杭州市委书记王立新参加调研。")
    assert "市委" not in {s.text for s in doc.spans["kg"] if s.label_ == "ORG"}
    assert "杭州市委" in {s.text for s in doc.spans["kg"] if s.label_ == "ORG"}


def test_a_country_opening_a_name_is_a_place_of_its_own(nlp):
    doc = nlp("智利大学历史学院院长表示，马里兰州立大学也派人参加。")
    spans = {(s.text, s.label_) for s in doc.spans["kg"]}
    assert ("智利", "PLACE") in spans
    assert ("兰州", "PLACE") not in spans  # 马里兰州立大学 is not cut at 马里


def test_china_in_a_fixed_phrase_is_no_place(nlp):
    doc = nlp("新中国成立七十多年来，我们建设美丽中国。中国同阿根廷签署协议。")
    assert [e.text for e in doc.ents if e.text == "中国"] == ["中国"]  # the last one only


def test_a_credit_after_a_name_makes_a_person(nlp):
    doc = nlp("连队的菜园。（赵春林／摄）战士们在菜园里劳动。")
    assert ("赵春林", "PERSON") in ents(doc)


def test_a_tibetan_name_lac_cut_short_is_whole_again(nlp):
    doc = nlp("拉萨市教育局局长白玛旺堆介绍，扎西才让说，今年收成好。")
    assert ("白玛旺堆", "OFFICIAL") in ents(doc)
    assert ("扎西才让", "PERSON") in ents(doc)


def test_kinds_of_project_after_a_place_and_compound_heads_are_no_project(nlp):
    doc = nlp("上海援建项目全部完工，湖南工程机械行业增长，川藏公路通车。")
    assert {e.text for e in doc.ents if e.label_ == "PROJECT"} == {"川藏公路"}


def test_company_makes_officials_but_not_of_reporters(nlp):
    doc = nlp("张建国陪同考察。（记者刘海、陈静、王磊、赵敏）")
    found = ents(doc)
    assert ("张建国", "OFFICIAL") in found
    assert not {e.text for e in doc.ents if e.label_ == "OFFICIAL"} & {"刘海", "陈静", "王磊", "赵敏"}


def test_a_list_of_people_is_read_whole(nlp):
    # 刘海 (LAC: a noun), 许其光 (许/其/光) and 尤正 stand in the list as its other names do
    doc = nlp("钱文军、王立、刘海、许其光、孙立平、杨晓光、陈东、胡建华、郭永昆、黄明坤、尤正、王进、肖成、张国黎、"
              "夏立龙、何立新，中央有关部门负责人出席座谈会。")
    people = {e.text for e in doc.ents if e.label_ in ("OFFICIAL", "PERSON")}
    assert {"刘海", "许其光", "尤正", "钱文军", "何立新"} <= people
    assert len(people) == 16


def test_a_section_after_a_body_is_part_of_its_name(nlp):
    doc = nlp("湖南省儿童医院耳鼻喉科专家来到西藏大学，推动西藏大学学科建设。")
    orgs = {e.text for e in doc.ents if e.label_ == "ORG"}
    assert "湖南省儿童医院耳鼻喉科" in orgs and "西藏大学" in orgs
    assert "湖南省儿童医院" in {s.text for s in doc.spans["kg"] if s.label_ == "ORG"}  # the body, nested
    assert "西藏大学学科" not in orgs  # a field of study is no section


def test_a_road_by_its_number_is_a_project_whatever_the_recognizer_says(nlp):
    doc = nlp("沿着国道214线一路向南，G227线也已通车。")
    assert {"国道214线", "G227线"} <= {e.text for e in doc.ents if e.label_ == "PROJECT"}


def test_a_township_before_a_village_is_a_place_of_its_own():
    from kg import pipeline

    rules = pipeline.build(None)  # the rules' own spans, which the recognizer reads as features
    doc = rules("县长走访了稻城县洛绒乡扎堆村。")
    places = {s.text for s in doc.spans["kg"] if s.label_ == "PLACE"}
    assert {"稻城县", "洛绒乡", "扎堆村"} <= places and "洛绒乡扎堆村" not in places


def test_what_follows_a_name_but_is_not_part_of_it_is_left_out(nlp):
    from spacy.tokens import Span

    from kg.components import spans as sp

    doc = nlp("国道318线旁便是一片草原，王立新一行来到这里。")
    assert [t.text for t in doc[:3]] == ["国道", "318线", "旁"] and doc[8].text == "一行"
    doc.user_data[sp.WORDS] = sp.Words.of_doc(doc)
    assert sp._mended(doc, Span(doc, 0, 3, label="PROJECT")).text == "国道318线"
    assert sp._mended(doc, Span(doc, 7, 9, label="OFFICIAL")).text == "王立新"


def test_two_bodies_written_as_one_word_are_two_organizations(nlp):
    doc = nlp("临潭县县委县政府高度重视，兰州市委市政府大力支持。")
    orgs = {e.text for e in doc.ents if e.label_ == "ORG"}
    assert {"临潭县县委", "县政府", "兰州市委", "市政府"} <= orgs
    assert not orgs & {"临潭县县委县政府", "兰州市委市政府"}


def test_divisions_lac_cut_at_the_wrong_character_are_cut_again():
    from kg import tokenizer

    assert tokenizer._recut_divisions([("海北州门", "LOC"), ("源县", "n"), ("调研", "v")]) == [
        ("海北州", "LOC"), ("门源县", "LOC"), ("调研", "v")]
    assert tokenizer._recut_divisions([("海北州", "LOC"), ("门源县", "LOC")]) == [("海北州", "LOC"), ("门源县", "LOC")]


def test_a_province_by_its_one_character_name_after_a_verb_of_arrival(nlp):
    doc = nlp("省长吴晓军赴藏调研，人们信仰藏传佛教。")
    places = [(e.text, e._.code) for e in doc.ents if e.label_ == "PLACE"]
    assert places == [("藏", "540000")]
    doc = nlp("专家组抵津后，走访了津巴布韦的医院。")  # 津 for a country the text names
    assert "津" not in {e.text for e in doc.ents}


def test_a_project_phrase_that_runs_through_a_clause_verb_keeps_the_name_after_it(nlp):
    doc = nlp("星河远科技有限公司位于浙江湖州市吴兴区智能装备产业园。图为记者们来到循化县有机枸杞种植基地。")
    got = [(e.text, e.label_) for e in doc.ents]
    assert ("浙江湖州市吴兴区智能装备产业园", "PROJECT") in got and ("星河远科技有限公司", "ORG") in got
    assert ("循化县有机枸杞种植基地", "PROJECT") in got
    assert not [t for t, _ in got if "位于" in t or "来到" in t]


def test_a_cadre_named_with_the_word_is_an_official(nlp):
    doc = nlp("会上，四川省第九批援藏干部周明远作了发言。驻村干部马文清带领村民修路。")
    officials = {e.text: e._.titles for e in doc.ents if e.label_ == "OFFICIAL"}
    assert set(officials) == {"周明远", "马文清"}
    assert officials["周明远"][-1].endswith("援藏干部")

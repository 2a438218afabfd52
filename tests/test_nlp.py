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
    doc = nlp("会议听取了审计署审计长侯凯受国务院委托作的报告。古巴国家主席迪亚斯-卡内尔会见了代表团。")
    officials = {e.text: e._.titles for e in doc.ents if e.label_ == "OFFICIAL"}
    assert officials["侯凯"] == ("审计署审计长",)
    assert "迪亚斯-卡内尔" in officials  # the two halves of a dashed name are one name


def test_a_name_taken_for_words_before_a_verb_of_speech(nlp):
    doc = nlp("国家文物局副局长关强说，特别是古代文物收藏。")
    assert [(e.text, e._.titles) for e in doc.ents if e.label_ == "OFFICIAL"] == [("关强", ("国家文物局副局长",))]
    doc = nlp("习近平总书记多次强调，要保护好文物。")
    assert "多次" not in {e.text for e in doc.ents}


def test_a_description_between_post_and_name_keeps_the_post(nlp):
    doc = nlp("那曲市比如县县委副书记、第八批援藏干部盛悠说。")
    assert [(e.text, e.label_) for e in doc.ents if e.text == "盛悠"] == [("盛悠", "OFFICIAL")]


def test_museums_are_organizations_and_routes_projects(nlp):
    doc = nlp("他来到陕西历史博物馆参观。北京开通地铁22号线、京雄快线。文化和旅游部部长出席。")
    found = ents(doc)
    assert ("陕西历史博物馆", "ORG") in found
    assert {("地铁22号线", "PROJECT"), ("京雄快线", "PROJECT")} <= found
    assert ("文化和旅游部", "ORG") in found


def test_party_members_and_era_phrases_are_no_party(nlp):
    doc = nlp("大批共产党人在这片热土谱写了感人篇章，推进新时代党的建设。中国共产党的领导是根本保证。")
    assert {e.text for e in doc.ents if e.label_ == "ORG"} == {"中国共产党"}


def test_a_relative_body_inside_a_named_one_is_not_a_second_body(nlp):
    doc = nlp("重庆市委书记陈敏尔参加调研。")
    assert "市委" not in {s.text for s in doc.spans["kg"] if s.label_ == "ORG"}
    assert "重庆市委" in {s.text for s in doc.spans["kg"] if s.label_ == "ORG"}


def test_a_country_opening_a_name_is_a_place_of_its_own(nlp):
    doc = nlp("纳米比亚大学人文学院院长表示，马里兰州立大学也派人参加。")
    spans = {(s.text, s.label_) for s in doc.spans["kg"]}
    assert ("纳米比亚", "PLACE") in spans
    assert ("兰州", "PLACE") not in spans  # 马里兰州立大学 is not cut at 马里


def test_china_in_a_fixed_phrase_is_no_place(nlp):
    doc = nlp("新中国成立以来，我们建设美丽中国。中国同巴西签署协议。")
    assert [e.text for e in doc.ents if e.text == "中国"] == ["中国"]  # the last one only


def test_a_credit_after_a_name_makes_a_person(nlp):
    doc = nlp("执勤二中队的菜园。（王小英／摄）战士们在菜园里劳动。")
    assert ("王小英", "PERSON") in ents(doc)


def test_a_tibetan_name_lac_cut_short_is_whole_again(nlp):
    doc = nlp("西藏大学学工部部长平措旺堆介绍，尕藏才让说，今年收成好。")
    assert ("平措旺堆", "OFFICIAL") in ents(doc)
    assert ("尕藏才让", "PERSON") in ents(doc)


def test_kinds_of_project_after_a_place_and_compound_heads_are_no_project(nlp):
    doc = nlp("泸州援建项目全部完工，湖南工程机械行业增长，多西公路通车。")
    assert {e.text for e in doc.ents if e.label_ == "PROJECT"} == {"多西公路"}


def test_company_makes_officials_but_not_of_reporters(nlp):
    doc = nlp("肖捷陪同考察。（记者吴刚、曲颂、黄培昭、万宇）")
    found = ents(doc)
    assert ("肖捷", "OFFICIAL") in found
    assert not {e.text for e in doc.ents if e.label_ == "OFFICIAL"} & {"吴刚", "曲颂", "黄培昭", "万宇"}

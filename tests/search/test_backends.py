"""Both backends behind the same interface, on documents built directly."""

import uuid

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from search.backends import ELASTICSEARCH, EMBEDDED, get_backend
from search.query import SearchQuery
from tests.search.conftest import drop_indices, make_doc

pytestmark = pytest.mark.django_db

CATALOGUE = [
    make_doc(
        1,
        "光伏发电站设计",
        summary="从选址、组件选型到并网接入,讲解光伏电站设计。",
        description="集中式与分布式光伏电站的设计方法。",
        lessons=("场址资源评估", "并网接入设计"),
        lecturers=("李秀梅",),
        honours=("吉林工匠",),
        tags=("光伏",),
        level="intermediate",
        level_label="中级",
        hours=12,
        enrolments=40,
    ),
    make_doc(
        2,
        "焊工技能竞赛强化训练",
        summary="焊接工艺与实操强化训练,小班制。",
        lessons=("焊接冶金基础", "板对接与管对接"),
        lecturers=("张志强",),
        tags=("焊工",),
        academy_id="2",
        academy="吉林省新装备工匠学院",
        level="advanced",
        level_label="高级",
        mode="in_person",
        mode_label="线下",
        hours=32,
        enrolments=5,
    ),
    make_doc(
        3,
        "数控机床装调维修工实操",
        summary="数控机床机械装调、电气故障诊断与维修。",
        description="CNC 机床的伺服系统与主轴装调。",
        lecturers=("刘洋",),
        academy_id="2",
        academy="吉林省新装备工匠学院",
        level="advanced",
        level_label="高级",
        mode="in_person",
        mode_label="线下",
        hours=24,
    ),
    make_doc(
        4,
        "新能源前沿技术",
        summary="风电、光伏、储能与氢能的前沿技术。",
        lecturers=("王建国", "李秀梅"),
        honours=("全国劳动模范", "大国工匠"),
        hours=8,
        plays=1000,
    ),
    make_doc(
        5, "太极拳", summary="二十四式简化太极拳。", category_id="2", category="社会融入", hours=6
    ),
    make_doc(
        6, "书法", summary="楷书基本笔画与结构。", category_id="3", category="文化艺术", hours=2
    ),
]


@pytest.fixture(scope="module")
def elasticsearch_catalogue(elasticsearch_url):
    """One Elasticsearch index of the catalogue for the tests that only read it."""
    alias = f"lms-test-{uuid.uuid4().hex[:12]}"
    with override_settings(ELASTICSEARCH_URL=elasticsearch_url, ELASTICSEARCH_INDEX=alias):
        backend = get_backend(ELASTICSEARCH)
        backend.index(CATALOGUE)
        backend.client.indices.refresh(index=alias)
    yield alias
    drop_indices(elasticsearch_url, alias)


@pytest.fixture
def indexed(request, backend_name, settings, refresh):
    """The catalogue, searchable; not to be changed by the test."""
    if backend_name == ELASTICSEARCH:
        settings.ELASTICSEARCH_INDEX = request.getfixturevalue("elasticsearch_catalogue")
        return get_backend(ELASTICSEARCH)
    backend = get_backend(backend_name)
    backend.index(CATALOGUE)
    return backend


def titles(results):
    return [hit.title for hit in results.hits]


def strict(results):
    """Titles of the strict matches (partial ones aside)."""
    return [hit.title for hit in results.hits if not hit.partial]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("光伏", "光伏发电站设计"),
        ("光伏发电", "光伏发电站设计"),
        ("焊", "焊工技能竞赛强化训练"),
        ("焊接", "焊工技能竞赛强化训练"),
        ("数控机床", "数控机床装调维修工实操"),
        ("cnc", "数控机床装调维修工实操"),
        ("hanjie", "焊工技能竞赛强化训练"),
        ("shukong", "数控机床装调维修工实操"),
        ("gfd", "光伏发电站设计"),
        ("taijiquan", "太极拳"),
        ("wangjianguo", "新能源前沿技术"),
        ("大国工匠", "新能源前沿技术"),
        ("ＣＮＣ", "数控机床装调维修工实操"),
    ],
)
def test_finds(indexed, query, first):
    results = indexed.search(SearchQuery(text=query))
    assert titles(results)[:1] == [first]


def test_title_phrase_ranks_above_a_mention(indexed):
    assert titles(indexed.search(SearchQuery(text="光伏")))[:2] == [
        "光伏发电站设计",
        "新能源前沿技术",
    ]


def test_title_phrase_then_most_title_bigrams_then_the_description(backend, refresh):
    backend.index(
        [
            make_doc(21, "工业机器人操作与编程", description="焊接机器人的示教与编程。", plays=900),
            make_doc(22, "机器人焊接工作站", plays=500),
            make_doc(23, "焊接机器人应用"),
            make_doc(24, "焊工基础", description="焊接与机器人无关的内容。", plays=5000),
        ]
    )
    refresh()
    # The popular course with the words apart in its description comes last.
    assert [hit.id for hit in backend.search(SearchQuery(text="焊接机器人")).hits] == [
        23,
        22,
        21,
        24,
    ]


def test_a_course_naming_the_query_again_and_again_ranks_first(backend, refresh):
    # Both titles start with 焊接; ties would put the shorter first, but the other
    # names 焊接 six times in its own texts (term frequency).
    backend.index(
        [
            make_doc(31, "焊接入门", summary="入门课程。"),
            make_doc(
                32,
                "焊接工艺与实操",
                summary="焊接工艺、焊接缺陷与焊接检验。",
                lessons=("焊接安全", "焊接材料"),
            ),
        ]
    )
    refresh()
    assert [hit.id for hit in backend.search(SearchQuery(text="焊接")).hits] == [32, 31]


def test_one_character_starting_a_title_is_no_sign(backend, refresh):
    # 焊 starts the first title only as the first of a longer word.
    backend.index(
        [
            make_doc(33, "焊接机器人编程", summary="示教编程。"),
            make_doc(34, "氩弧焊实操", summary="氩弧焊的焊枪、焊丝与焊缝。"),
        ]
    )
    refresh()
    assert [hit.id for hit in backend.search(SearchQuery(text="焊")).hits] == [34, 33]


def test_pairs_of_characters_stop_at_punctuation(backend, refresh):
    # 工智 only across the bracket of the first title: no strict match there.
    backend.index([make_doc(39, "汽车维修工(智能网联方向)"), make_doc(40, "人工智能训练师")])
    refresh()
    found = backend.search(SearchQuery(text="工智"))
    assert [hit.id for hit in found.hits][:1] == [40] and found.total - found.partial == 1


def test_a_title_typed_without_its_punctuation_is_the_title(backend, refresh):
    # The second course names the words more often; the first is what was typed.
    backend.index(
        [
            make_doc(41, "职工心理健康:压力调适"),
            make_doc(42, "压力调适职工心理健康", summary="心理健康,心理健康,心理健康。压力调适。"),
        ]
    )
    refresh()
    assert [hit.id for hit in backend.search(SearchQuery(text="职工心理健康压力调适")).hits] == [
        41,
        42,
    ]


def test_a_latin_word_in_a_title_is_a_whole_word(backend, refresh):
    # ps is inside WPS (found through the pieces of Latin words), but is not its title.
    backend.index(
        [
            make_doc(43, "WPS表格", summary="办公软件。"),
            make_doc(44, "商品图片PS处理", summary="主图。"),
        ]
    )
    refresh()
    assert [hit.id for hit in backend.search(SearchQuery(text="ps")).hits] == [44, 43]


def test_partial_matches_with_the_querys_characters_in_the_title_first(backend, refresh):
    # Neither holds 焊接; both name 焊 twice, one of them in its (longer) title.
    backend.index(
        [
            make_doc(35, "二氧化碳气体保护焊实操", summary="保护焊设备调节。"),
            make_doc(36, "金属材料基础", summary="焊缝与焊点的金属组织。"),
        ]
    )
    refresh()
    found = backend.search(SearchQuery(text="焊接"))
    assert [hit.id for hit in found.hits] == [35, 36] and found.partial == 2


def test_words_saying_what_kind_of_course_weigh_less(backend, refresh):
    # The sibling sharing the subject (化工) comes before the one sharing 技能提升.
    backend.index(
        [
            make_doc(37, "化工总控工技能提升"),
            make_doc(38, "维修电工技能提升"),
            make_doc(39, "化工过程控制与优化"),
            make_doc(40, "中式烹调师"),
            make_doc(41, "班组长管理"),
        ]
    )
    refresh()
    found = backend.search(SearchQuery(text="化工总控工技能提升"))
    assert [hit.id for hit in found.hits][:3] == [37, 39, 38]


def test_a_vocabulary_term_of_several_words_is_held_through_its_words(backend, refresh):
    # 数控编程 stands for CNC编程; a course on 数控车床编程 holds 数控 and 编程, not 控编.
    backend.index(
        [
            make_doc(42, "数控车床编程与操作"),
            make_doc(43, "Python编程入门"),
            make_doc(44, "CNC机床维护"),
        ]
    )
    refresh()
    found = backend.search(SearchQuery(text="CNC编程", synonyms=(("cnc编程", "数控编程"),)))
    assert strict(found) == ["数控车床编程与操作"]


def test_initials_of_a_vocabulary_term_find_courses_holding_it(backend, refresh):
    # tzzy: 特种作业, named by the electricians' course only in its summary, whose
    # title's initials do not hold tzzy; two letters (dg) stand for too many terms.
    backend.index(
        [
            make_doc(45, "低压电工作业", summary="特种作业操作证考前培训。"),
            make_doc(46, "特种设备安全管理", summary="锅炉与压力容器。"),
            make_doc(47, "安全用电常识", summary="维修电工的安全常识。"),
        ]
    )
    refresh()
    vocabulary = (("特种作业", "特种作业操作证"), ("电工", "维修电工"))
    found = backend.search(SearchQuery(text="tzzy", synonyms=vocabulary))
    assert strict(found) == ["低压电工作业"]
    assert "<mark>特种作业操作证</mark>" in found.hits[0].highlight["text"]
    assert strict(backend.search(SearchQuery(text="tzzy"))) == []
    two = backend.search(SearchQuery(text="dg", synonyms=vocabulary))  # 低压电工's initials
    assert strict(two) == ["低压电工作业"]


def test_pinyin_of_a_vocabulary_term_finds_what_the_term_finds(indexed):
    # dianhan spells 电焊, which no course names: as 电焊 does, it finds the welding
    # course through the vocabulary, not 光伏发电站设计 through 电站 (dianzhan), one
    # letter off, as it does without the vocabulary.
    vocabulary = (("电焊", "焊接"),)
    for typed in ("dianhan", "dian han", "电焊", "xuedianhan"):  # xue + 电焊
        found = indexed.search(SearchQuery(text=typed, synonyms=vocabulary))
        assert strict(found) == ["焊工技能竞赛强化训练"], typed
    without = indexed.search(SearchQuery(text="dianhan"))
    assert titles(without)[:1] == ["光伏发电站设计"] and without.corrected == "dian zan"


def test_words_in_no_one_course_find_partial_matches_marked(indexed):
    # 光伏 and 焊接 are both there, but in no one course: each is a partial match.
    found = indexed.search(SearchQuery(text="光伏焊接"))
    assert {"光伏发电站设计", "焊工技能竞赛强化训练"} <= set(titles(found))
    assert found.partial == found.total and all(hit.partial for hit in found.hits)


def test_question_filler_is_not_required(indexed):
    found = indexed.search(SearchQuery(text="有没有关于太极拳的课程"))
    assert strict(found) == ["太极拳"]


def test_traditional_characters_and_full_width_find_simplified(indexed):
    assert titles(indexed.search(SearchQuery(text="數控機床")))[0] == "数控机床装调维修工实操"
    assert strict(indexed.search(SearchQuery(text="書法"))) == ["书法"]


def test_fuzzy_pinyin_and_one_wrong_letter(indexed):
    for typed in ("sukong", "shukonf", "taijiqun", "guanfu", "hanjei"):
        found = titles(indexed.search(SearchQuery(text=typed)))
        assert found, typed
    assert titles(indexed.search(SearchQuery(text="sukong")))[0] == "数控机床装调维修工实操"
    fixed = indexed.search(SearchQuery(text="hanjei"))
    assert titles(fixed)[0] == "焊工技能竞赛强化训练"
    # Nothing matches hanjei as typed: han jie's courses are partial matches, said so.
    assert fixed.corrected == "han jie" and strict(fixed) == [] and fixed.partial == fixed.total
    assert indexed.search(SearchQuery(text="hanjie")).corrected == ""


def test_spaced_and_unspaced_pinyin_find_the_same(indexed):
    spaced = titles(indexed.search(SearchQuery(text="guang fu")))
    assert spaced == titles(indexed.search(SearchQuery(text="guangfu"))) != []


def test_short_latin_words_are_found_inside_longer_ones(backend, refresh):
    backend.index([make_doc(9, "AutoCAD机械制图"), make_doc(10, "电工基础")])
    refresh()
    assert titles(backend.search(SearchQuery(text="cad"))) == ["AutoCAD机械制图"]
    assert titles(backend.search(SearchQuery(text="auto"))) == ["AutoCAD机械制图"]


def test_longer_latin_words_and_numbers_are_found_inside_longer_words(backend, refresh):
    backend.index(
        [
            make_doc(9, "SolidWorks三维建模"),
            make_doc(10, "Solis逆变器维护", summary="组串式逆变器。"),
            make_doc(11, "高压电工作业安全", summary="10kV配电室的倒闸操作。"),
            make_doc(12, "电工基础", summary="低压电器与照明线路。"),
        ]
    )
    refresh()
    # Every piece of solid in one course: not Solis, which has soli but not olid.
    assert [hit.id for hit in backend.search(SearchQuery(text="Solid")).hits] == [9]
    assert [hit.id for hit in backend.search(SearchQuery(text="10")).hits] == [11]
    # A unit written in Chinese finds its symbol through the vocabulary.
    units = (("千伏", "kV"),)
    found = backend.search(SearchQuery(text="10千伏", synonyms=units))
    assert [(hit.id, hit.partial) for hit in found.hits] == [(11, False)]


def test_a_long_question_finds_the_course_of_its_one_known_word(backend, refresh):
    backend.index(
        [
            make_doc(31, "瑜伽与颈椎保健", summary="办公室瑜伽、颈椎病预防与肩颈放松。"),
            make_doc(32, "职工心理健康", summary="压力管理与情绪调适。"),
            make_doc(33, "太极拳", summary="二十四式简化太极拳。"),
            make_doc(34, "家政服务员", summary="家庭保洁与收纳整理。"),
        ]
    )
    refresh()
    # 脖子 and 疼 are in no course: of five words, only 办公室 is; a partial match.
    found = backend.search(SearchQuery(text="长期坐办公室脖子疼怎么办"))
    assert [(hit.id, hit.partial) for hit in found.hits] == [(31, True)]
    # Of three words, two in no course: only a loose partial match; none, nothing.
    found = backend.search(SearchQuery(text="深海潜水瑜伽"))
    assert [(hit.id, hit.partial) for hit in found.hits] == [(31, True)]
    assert backend.search(SearchQuery(text="深海潜水")).total == 0


def test_loose_partial_matches_fill_the_page_after_the_closer_ones(backend, refresh):
    # 焊 is the rarer character of 电焊: a course holding it is a closer partial match
    # than the newer ones holding only 电, whatever the order.
    titles = ["焊缝检验", "光伏发电站设计", "电工基础", "电气控制", "电梯安装", "电子商务"]
    titles += ["家用电器维修", "茶艺", "面点制作", "中式烹调"]
    backend.index([make_doc(id_, title) for id_, title in enumerate(titles, start=50)])
    refresh()
    for sort in ("relevance", "newest"):
        found = backend.search(SearchQuery(text="电焊", sort=sort))
        assert [hit.id for hit in found.hits][:1] == [50] and found.total == found.partial == 7
    assert [hit.id for hit in found.hits] == [50, 56, 55, 54, 53, 52, 51]


def test_full_width_letters_are_found_as_typed_on_a_phone(backend, refresh):
    backend.index([make_doc(9, "ＣＮＣ编程入门", summary="ＰＬＣ与数控系统。")])
    refresh()
    for typed in ("cnc", "CNC编程", "plc"):
        assert [hit.id for hit in backend.search(SearchQuery(text=typed)).hits] == [9], typed


def test_nothing_found(indexed):
    results = indexed.search(SearchQuery(text="潜水艇"))
    assert results.total == 0 and results.hits == []


def test_synonyms_are_expanded(indexed):
    without = indexed.search(SearchQuery(text="电焊"))
    assert all(hit.partial for hit in without.hits)  # 焊 alone: a partial match
    found = indexed.search(SearchQuery(text="电焊", synonyms=(("电焊", "焊接"),)))
    assert strict(found) == ["焊工技能竞赛强化训练"]


def test_highlights_title_and_text(indexed):
    hit = indexed.search(SearchQuery(text="光伏")).hits[0]
    assert hit.highlight["title"] == "<mark>光伏</mark>发电站设计"
    assert "<mark>光伏</mark>" in hit.highlight["text"]
    spelled = indexed.search(SearchQuery(text="hanjie")).hits[0]
    assert "<mark>焊接</mark>" in spelled.highlight["text"]


def test_highlight_escapes_html(backend, refresh):
    backend.index([make_doc(9, "<b>焊接</b>入门", summary="焊接 & <script>")])
    refresh()
    hit = backend.search(SearchQuery(text="焊接")).hits[0]
    assert hit.highlight["title"] == "&lt;b&gt;<mark>焊接</mark>&lt;/b&gt;入门"
    assert "<script>" not in hit.highlight["text"] and "&lt;script&gt;" in hit.highlight["text"]


def test_facets_count_with_the_other_filters(indexed):
    results = indexed.search(SearchQuery(filters={"academy": "2"}))
    assert results.total == 2
    academy = {v.value: (v.count, v.selected) for v in results.facets["academy"]}
    # The academy facet ignores its own filter, so another academy can be chosen.
    assert academy == {"1": (4, False), "2": (2, True)}
    level = {v.value: v.count for v in results.facets["level"]}
    assert level == {"advanced": 2}
    labels = {v.value: v.label for v in results.facets["academy"]}
    assert labels["2"] == "吉林省新装备工匠学院"

    narrowed = indexed.search(SearchQuery(filters={"academy": "1", "hours": "4-16"}))
    assert sorted(titles(narrowed)) == ["光伏发电站设计", "太极拳", "新能源前沿技术"]
    hours = {v.value: v.count for v in narrowed.facets["hours"]}
    assert hours == {"0-4": 1, "4-16": 3}
    category = {v.label: v.count for v in narrowed.facets["category"]}
    assert category == {"职业发展": 2, "社会融入": 1}


def test_facets_count_what_the_query_finds(indexed):
    results = indexed.search(SearchQuery(text="光伏", filters={"level": "intermediate"}))
    assert titles(results) == ["光伏发电站设计"]
    # Levels of the courses about 光伏 (not of every course), whichever is chosen.
    level = {v.value: (v.count, v.selected) for v in results.facets["level"]}
    assert level == {"intermediate": (1, True), "beginner": (1, False)}
    assert {v.value: v.count for v in results.facets["academy"]} == {"1": 1}
    assert {v.value: v.count for v in results.facets["hours"]} == {"4-16": 1}


def test_facets_follow_new_values_and_renamed_labels(backend, refresh):
    """A new academy and a renamed category are counted and labelled in the next search
    (the embedded backend reads labels by key from its indexes, each search)."""
    backend.index([make_doc(1, "焊接入门", category_id="7", category="职业发展")])
    refresh()
    first = backend.search(SearchQuery(text="焊接"))
    assert {v.value: v.count for v in first.facets["academy"]} == {"1": 1}

    backend.index(
        [
            make_doc(1, "焊接入门", category_id="7", category="技能提升"),
            make_doc(2, "焊接进阶", academy_id="9", academy="吉林省新农业工匠学院"),
        ]
    )
    refresh()
    again = backend.search(SearchQuery(text="焊接"))
    academy = {v.value: (v.label, v.count) for v in again.facets["academy"]}
    assert academy["9"] == ("吉林省新农业工匠学院", 1)
    assert {v.label for v in again.facets["category"]} >= {"技能提升"}
    assert "职业发展" not in {v.label for v in again.facets["category"] if v.value == "7"}


def test_browsing_counts_the_index_as_it_is(backend, refresh):
    """Browsing without words counts every course (the embedded backend groups its
    index of facet values, not the candidates of a search): each facet among the
    courses meeting the other filters, labels as they are now."""
    backend.index(
        [
            make_doc(1, "焊接入门", category_id="7", category="职业发展"),
            make_doc(2, "电工基础", category_id="7", category="职业发展", level="advanced"),
            make_doc(3, "书法", academy_id="2", academy="吉林省新装备工匠学院", hours=48.0),
        ]
    )
    refresh()
    first = backend.search(SearchQuery(filters={"level": "advanced", "category": "7"}))
    assert first.total == 1 and [hit.id for hit in first.hits] == [2]
    assert {v.value: v.count for v in first.facets["level"]} == {"advanced": 1, "beginner": 1}
    assert {v.value: (v.label, v.count) for v in first.facets["category"]} == {"7": ("职业发展", 1)}
    assert {v.value: v.count for v in first.facets["hours"]} == {"4-16": 1}

    backend.index(
        [
            make_doc(1, "焊接入门", category_id="7", category="技能提升"),
            make_doc(2, "电工基础", category_id="7", category="技能提升", level="advanced"),
        ]
    )
    refresh()
    again = backend.search(SearchQuery())
    assert again.total == 3 and again.partial == 0
    category = {v.value: (v.label, v.count) for v in again.facets["category"]}
    assert category == {"7": ("技能提升", 2), "1": ("职业发展", 1)}
    assert {v.value: v.count for v in again.facets["hours"]} == {"4-16": 2, "40-": 1}


def test_sort_and_pages(indexed):
    newest = indexed.search(SearchQuery(sort="newest", page_size=4))
    assert [hit.id for hit in newest.hits] == [6, 5, 4, 3]
    assert newest.total == 6 and newest.page_count == 2
    second = indexed.search(SearchQuery(sort="newest", page=2, page_size=4))
    assert [hit.id for hit in second.hits] == [2, 1]
    popular = indexed.search(SearchQuery(sort="popular"))
    assert [hit.id for hit in popular.hits][:2] == [4, 1]


def test_only_ids(indexed):
    results = indexed.search(SearchQuery(only_ids=(5, 2)))
    assert sorted(hit.id for hit in results.hits) == [2, 5]


def test_delete_and_reindex(backend, refresh):
    backend.index(CATALOGUE)
    backend.delete([2, 999])
    refresh()
    assert backend.search(SearchQuery(text="焊")).total == 0
    backend.index([make_doc(3, "数控车床编程")])
    refresh()
    assert titles(backend.search(SearchQuery(text="车床"))) == ["数控车床编程"]
    assert backend.search(SearchQuery(text="装调")).total == 0


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("光伏", "光伏发电站设计"),
        ("数", "数控机床装调维修工实操"),
        ("guangf", "光伏发电站设计"),
        ("hanj", "焊工技能竞赛强化训练"),
        ("gf", "光伏发电站设计"),
        ("sk", "数控机床装调维修工实操"),
    ],
)
def test_suggest_as_you_type(indexed, typed, expected):
    assert expected in [s.title for s in indexed.suggest(typed)]


def test_suggest_titles_spelled_as_typed_first(indexed):
    assert [s.title for s in indexed.suggest("shuk")][:1] == ["数控机床装调维修工实操"]
    assert {s.title for s in indexed.suggest("sh")[:2]} == {"书法", "数控机床装调维修工实操"}


def test_suggest_nothing(indexed):
    assert indexed.suggest("潜水") == []
    assert indexed.suggest("  ") == []


def test_rebuild_replaces_everything(backend, backend_name, refresh, settings):
    backend.index(CATALOGUE)
    refresh()
    during = []

    def progress(count):  # while the new index is filled, searches find the old one
        during.append((count, backend.search(SearchQuery(text="太极")).total))

    assert backend.rebuild(iter(CATALOGUE[:2]), progress=progress) == 2
    refresh()
    assert during == [(2, 1)]
    assert backend.search(SearchQuery(text="太极")).total == 0
    assert sorted(hit.id for hit in backend.search(SearchQuery()).hits) == [1, 2]
    if backend_name == ELASTICSEARCH:
        (index,) = backend.indices()
        assert index.startswith(f"{settings.ELASTICSEARCH_INDEX}-")


@pytest.mark.postgres
def test_the_embedded_index_is_the_databases_full_text_search(db):
    """FTS5 on SQLite, a tsvector with a GIN index on PostgreSQL: the same pre-cut tokens."""
    backend = get_backend(EMBEDDED)
    backend.index([make_doc(9, "光伏发电站设计", lecturers=("李秀梅",))])
    with CaptureQueriesContext(connection) as queries:
        assert [hit.id for hit in backend.search(SearchQuery(text="光伏")).hits] == [9]
    searched = " ".join(q["sql"] for q in queries.captured_queries)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Lexemes tagged with their column (title, body, spelling, initials).
            assert "tokens @@" in searched and "b:光伏" in searched
            cursor.execute("SELECT tokens::text FROM search_searchentry WHERE id = 9")
            tokens = set(cursor.fetchone()[0].split())
            assert {"'t:光伏'", "'b:光伏'", "'b:秀梅'", "'s:guanfu'", "'i:gf'"} <= tokens
        else:
            assert "search_entry_fts MATCH" in searched
            cursor.execute("SELECT title, spell FROM search_entry_fts WHERE rowid = 9")
            title, spell = cursor.fetchone()
            assert "光伏" in title.split() and "guanfu" in spell.split()

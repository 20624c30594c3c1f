import pytest

from search import text
from search.query import SearchQuery, plan


def test_chinese_is_cut_into_characters_and_bigrams_latin_stays_whole():
    assert text.runs("光伏发电站设计 CNC数控,３Ｄ打印") == [
        "光伏发电站设计",
        "cnc",
        "数控",
        "3d",
        "打印",
    ]
    assert text.index_tokens("光伏发电 CNC") == [
        "光",
        "伏",
        "发",
        "电",
        "cnc",
        "光伏",
        "伏发",
        "发电",
    ]


@pytest.mark.parametrize(
    ("query", "han", "words"),
    [
        ("数控机床", ("数控", "控机", "机床"), ()),
        ("焊", ("焊",), ()),
        ("CNC编程", ("编程",), ("cnc",)),
        ("光伏 焊", ("光伏", "焊"), ()),
    ],
)
def test_query_terms(query, han, words):
    terms = text.query_terms(query)
    assert (terms.han, terms.words) == (han, words)


def test_most_terms_as_elasticsearch_counts_them():
    assert [text.required_matches(n) for n in range(1, 9)] == [1, 2, 2, 3, 3, 4, 5, 6]


def test_pinyin_and_initials_read_characters_in_context():
    assert text.pinyin("数控CNC机床 银行") == ["shu", "kong", "cnc", "ji", "chuang", "yin", "hang"]
    assert text.pinyin("长春重庆") == ["chang", "chun", "chong", "qing"]
    assert text.initials("光伏发电") == ["g", "f", "f", "d"]
    assert text.syllable_spans("学 焊接") == [(0, 1, "xue"), (2, 3, "han"), (3, 4, "jie")]


@pytest.mark.parametrize(
    ("typed", "readings"),
    [
        ("hanjie", (("han", "jie"),)),
        ("xian", (("xian",),)),
        ("fangan", (("fan", "gan"), ("fang", "an"))),
        ("han jie", (("han", "jie"),)),
        ("guangfufadian", (("guang", "fu", "fa", "dian"),)),
        ("lvse", (("lv", "se"),)),
        ("gfd", ()),
        ("cnc", ()),
        ("光伏", ()),
    ],
)
def test_latin_queries_are_read_as_pinyin_when_they_can_be(typed, readings):
    assert text.segment_pinyin(typed) == readings


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("hanj", (("han",), "j")),
        ("hanjie", (("han", "jie"), "")),
        ("guangfufad", (("guang", "fu", "fa"), "d")),
        ("cnc", None),
    ],
)
def test_pinyin_being_typed(typed, expected):
    assert text.segment_pinyin_prefix(typed) == expected


def test_plan_expands_synonyms_in_python_and_reads_latin_as_pinyin_and_initials():
    planned = plan(SearchQuery(text="电焊工", synonyms=(("电焊", "焊接"),)))
    assert [(v.text, v.weight) for v in planned.variants] == [("电焊工", 1.0), ("焊接工", 0.8)]
    assert planned.pinyin == () and planned.initials == ()

    latin = plan(SearchQuery(text="gfd"))
    assert latin.initials == ("g", "f", "d") and latin.initial_bigrams == ("gf", "fd")
    assert plan(SearchQuery(text="Hanjie")).pinyin == (("han", "jie"),)


def test_full_width_and_case_are_normalised():
    assert text.normalize("  ＣＮＣ　数控 ") == "cnc 数控"

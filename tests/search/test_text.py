import struct

import pytest

from search import text, tokens
from search.query import (
    INITIALS,
    REPEATED,
    SCORE_STEP,
    TEXT,
    All,
    SearchQuery,
    Term,
    phrase_points,
    plan,
    terms_of,
    units,
)
from tests.search.conftest import make_doc


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


def test_most_terms_are_all_but_one_of_three_or_more():
    assert [text.required_matches(n) for n in range(1, 6)] == [1, 2, 2, 3, 4]


def test_traditional_characters_become_simplified():
    assert text.normalize("電焊工證 數控機床") == "电焊工证 数控机床"
    assert text.index_tokens("職工") == ["职", "工", "职工"]


def test_query_words_and_filler():
    found = units(text.normalize("有没有关于光伏板安装的课程"))
    assert [u.text for u in found if not u.filler] == ["光伏", "板", "安装"]
    assert [u.text for u in units("课程")] == ["课程"]  # nothing else: kept


def test_vocabulary_terms_are_read_whole_before_words():
    found = units("我想学电焊", synonyms=(("电焊", "焊接", "焊工"),))
    assert [(u.text, u.alternatives) for u in found if not u.filler] == [
        ("电焊", ("电焊", "焊接", "焊工"))
    ]
    # A Latin term only as a whole word: the ai of "mail" is not 人工智能.
    assert [u.text for u in units("mail", synonyms=(("ai", "人工智能"),))] == ["mail"]


def test_fuzzy_pinyin_merges_what_phone_keyboards_offer():
    pairs = [("zhang", "zang"), ("chi", "ci"), ("shu", "su"), ("nong", "long"), ("hu", "fu")]
    pairs += [("guang", "guan"), ("feng", "fen"), ("xing", "xin")]
    for typed, meant in pairs:
        assert text.fuzzy(typed) == text.fuzzy(meant), typed
    assert text.fuzzy("zhang") != text.fuzzy("zhan" + "g" * 0 + "x")


def test_one_letter_off_spells_pinyin_only_from_four_letters():
    assert "hanjie" in text.one_letter_off("hanjei")
    assert "shukong" in text.one_letter_off("shukonf")
    assert text.one_letter_off("gfd") == []


def test_latin_grams():
    assert {"cad", "auto", "ut"} <= set(text.latin_grams("AutoCAD"))
    assert text.latin_grams("PLC 1200") == ["pl", "lc"]


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


def everywhere(terms):
    """Every term in every course (of two)."""
    return {term: 2 for term in terms}, 2


def test_plan_reads_latin_as_pinyin_and_initials():
    def initials_only(terms):
        return {t: 2 for t in terms if t.field == INITIALS}, 2

    latin = plan(SearchQuery(text="gfd"), initials_only)
    assert latin.initials == ("g", "f", "d") and latin.initial_bigrams == ("gf", "fd")
    assert plan(SearchQuery(text="Hanjie"), everywhere).readings == (("han", "jie"),)


def han(terms):
    """Every term but Latin words in every course (of two)."""
    return {t: 2 for t in terms if not (t.field == TEXT and t.token.isascii())}, 2


def test_initials_of_three_letters_or_more_spell_out_vocabulary_terms():
    vocabulary = (("大数据", "数据分析"), ("养羊", "肉羊养殖"), ("英语", "外语"))
    spelled = plan(SearchQuery(text="dsj", synonyms=vocabulary), han)
    assert Term(TEXT, "数据") in terms_of(spelled.strict)
    assert dict(spelled.phrases) == {"dsj": 1.0, "大数据": 0.5, "数据分析": 0.5}
    two = plan(SearchQuery(text="yy", synonyms=vocabulary), han)  # 养羊, 英语 or more
    assert two.initials == ("y", "y")
    assert all(term.field != TEXT for term in terms_of(two.strict))
    word = plan(SearchQuery(text="dsj", synonyms=vocabulary), everywhere)  # dsj is a word
    assert word.initials == () and dict(word.phrases) == {"dsj": 1.0}


def test_pinyin_spells_out_vocabulary_terms_in_the_fuzzy_form():
    vocabulary = (("电焊", "焊接"), ("理发", "美发"), ("数控", "cnc"), ("机床", "车床"))
    for typed in ("dianhan", "dian han", "dianfan", "dianhang"):  # h/f, an/ang
        spelled = plan(SearchQuery(text=typed, synonyms=vocabulary), han)
        assert Term(TEXT, "焊接") in terms_of(spelled.strict), typed
        assert dict(spelled.phrases) == {typed.replace(" ", ""): 1.0, "电焊": 0.5, "焊接": 0.5}
    # Terms within the query, in order, syllables between them left to the spelling
    # signals (xue of xuelifa); no phrase then.
    spelled = plan(SearchQuery(text="xuelifa", synonyms=vocabulary), han)
    assert Term(TEXT, "美发") in terms_of(spelled.strict)
    both = plan(SearchQuery(text="shukongjichuang", synonyms=vocabulary), han)
    (spelled_out,) = [part for part in both.strict.parts if Term(TEXT, "数控") in terms_of(part)]
    assert isinstance(spelled_out, All) and Term(TEXT, "车床") in terms_of(spelled_out)
    assert dict(both.phrases) == {"shukongjichuang": 1.0}
    lone = plan(SearchQuery(text="dian", synonyms=vocabulary), han)  # one syllable: no term
    assert Term(TEXT, "焊接") not in terms_of(lone.strict)


def test_plan_drops_terms_in_no_course_and_weighs_rare_ones_more():
    def some(terms):
        return {
            t: {"能源": 1, "汽车": 5, "新": 5, "能": 1, "源": 1}.get(t.token, 0) for t in terms
        }, 10

    planned = plan(SearchQuery(text="新能源汽车"), some)
    assert terms_of(planned.strict) == [Term(TEXT, "能源"), Term(TEXT, "汽车")]  # not 新能
    weights = dict(planned.weights)
    assert weights[Term(TEXT, "能源")] > weights[Term(TEXT, "汽车")]


def test_a_word_in_no_course_leaves_only_partial_matches():
    def some(terms):
        return {t: 3 for t in terms if t.token in {"培训", "培", "训", "钢"}}, 10

    planned = plan(SearchQuery(text="钢琴培训"), some)
    assert planned.strict is None


def test_every_part_of_a_score_is_added_exactly_by_both_backends():
    def some(terms):
        return {t: 3 for t in terms}, 7  # weights such as log(1 + 7/3), not dyadic

    planned = plan(SearchQuery(text="焊接技术"), some)
    parts = [w for _t, w in planned.scored(partial=True)]
    parts += [w for _t, w in planned.titled(partial=True) + planned.repeats()]
    parts += [p for phrase, w in planned.phrases for p in phrase_points(phrase, w)]
    assert parts and all((w * SCORE_STEP).is_integer() for w in parts)

    def float32_sum(values):  # as Elasticsearch adds a course's parts, rounding each sum
        total = 0.0
        for value in values:
            total = struct.unpack("f", struct.pack("f", total + value))[0]
        return total

    # so 32-bit sums are the exact sums, in any order: near-equal courses order alike
    assert float32_sum(parts) == float32_sum(reversed(parts)) == sum(parts)


def test_a_course_keeps_the_level_each_term_is_repeated_to():
    doc = make_doc(
        1, "焊接工艺", summary="焊接缺陷与焊接检验。", lessons=("焊接安全", "焊接材料", "钳工")
    )
    repeats = tokens.columns(doc)["repeats"]
    # 焊接 five times: level 4 (4–5), one token; 工 twice (焊接工艺, 钳工); 钳 once: none.
    assert "焊接4" in repeats and not {"焊接2", "焊接3", "焊接6"} & set(repeats)
    assert "工2" in repeats and not any(token.startswith("钳") for token in repeats)
    # A search asks for each level of its words weighing most, up to REPEATED of them.
    two = plan(SearchQuery(text="焊接工艺"), everywhere).repeats()
    assert {token for token, _w in two} == {
        tokens.repeated(word, level) for word in ("焊接", "工艺") for level in tokens.REPEAT_LEVELS
    }
    three = plan(SearchQuery(text="焊接工艺检验"), everywhere).repeats()
    assert len({token[:-1] for token, _w in three}) == REPEATED


def test_full_width_and_case_are_normalised():
    assert text.normalize("  ＣＮＣ　数控 ") == "cnc 数控"

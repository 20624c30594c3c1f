"""The relevance table: what a worker types, and the demo course that must come up in
the first results. Both backends pass the same table."""

import uuid

import pytest
from django.test import override_settings

from search.backends import ELASTICSEARCH, EMBEDDED, get_backend
from search.query import SearchQuery
from tests.conftest import rolled_back
from tests.search.conftest import drop_indices

pytestmark = pytest.mark.django_db

SYNONYMS = (("电焊", "焊接"), ("数控", "cnc"), ("光伏", "太阳能发电"), ("ai", "人工智能"))

# (kind, query, the course expected, within the first n results). The demo has a few
# near-twins (书法 and the night school's 书法(楷书), 直播带货实战 and 直播带货入门):
# either may come first there.
TABLE = [
    ("whole word", "光伏发电站设计", "光伏发电站设计", 1),
    ("whole word", "数控机床", "数控机床装调维修工实操", 1),
    ("whole word", "人工智能训练师", "人工智能训练师", 1),
    ("whole word", "直播带货", "直播带货实战", 2),
    ("whole word", "心理健康", "职工心理健康", 1),
    ("whole word", "升压站", "风电场升压站设备巡视及维护", 1),
    ("whole word", "无人机巡检", "无人机智能巡检与激光三维建模技术应用", 1),
    ("whole word", "锂电保护", "新能源锂电保护", 1),
    ("whole word", "热力管道", "智能热力管道运行工", 1),
    ("whole word", "网约配送员", "网约配送员安全与服务", 1),
    ("whole word", "劳模精神", "劳模工匠精神", 1),
    ("one character", "焊", "焊工技能竞赛强化训练", 1),
    ("one character", "摄", "摄影", 1),
    ("one character", "书", "书法", 3),
    ("one character", "党", "党史教育", 1),
    ("two characters", "光伏", "光伏发电站设计", 1),
    ("two characters", "素描", "美术:素描入门", 1),
    ("two characters", "冰雪", "冰雪运动入门", 2),
    ("two characters", "储能", "新能源前沿技术", 1),
    ("two characters", "太极", "太极拳", 1),
    ("mixed", "GIS开关柜", "风电场升压站设备巡视及维护", 1),
    ("mixed", "GIS 巡视", "风电场升压站设备巡视及维护", 1),
    ("pinyin", "hanjie", "焊工技能竞赛强化训练", 1),
    ("pinyin", "guangfu", "光伏发电站设计", 1),
    ("pinyin", "shukongjichuang", "数控机床装调维修工实操", 1),
    ("pinyin", "taijiquan", "太极拳", 1),
    ("pinyin", "shufa", "书法", 2),
    ("pinyin", "zhibo", "直播带货实战", 2),
    ("pinyin", "xinli jiankang", "职工心理健康", 1),
    ("pinyin", "wangjianguo", "风电场升压站设备巡视及维护", 5),
    ("initials", "gfd", "光伏发电站设计", 1),
    ("initials", "tjq", "太极拳", 1),
    ("initials", "rgzn", "人工智能训练师", 1),
    ("initials", "xljk", "职工心理健康", 2),
    ("initials", "sk", "数控机床装调维修工实操", 3),
    ("synonym", "电焊", "焊工技能竞赛强化训练", 1),
    ("synonym", "CNC", "数控机床装调维修工实操", 1),
    ("synonym", "CNC机床", "数控机床装调维修工实操", 1),
    ("synonym", "太阳能发电", "光伏发电站设计", 1),
    ("synonym", "AI训练师", "人工智能训练师", 1),
    ("lecturer", "李秀梅", "光伏发电站设计", 2),
    ("honour", "大国工匠", "风电场升压站设备巡视及维护", 5),
    ("tag", "技能竞赛", "焊工技能竞赛强化训练", 1),
    # The night school's courses, under its sites
    ("whole word", "职业规划", "职场沟通与职业规划", 1),
    ("pinyin", "sizheng", "新时代青年职工思政课", 2),
    ("initials", "zcgt", "职场沟通与职业规划", 1),
]


@pytest.fixture(scope="module")
def elasticsearch_demo(elasticsearch_url, demo_documents):
    alias = f"lms-test-{uuid.uuid4().hex[:12]}"
    with override_settings(ELASTICSEARCH_URL=elasticsearch_url, ELASTICSEARCH_INDEX=alias):
        backend = get_backend(ELASTICSEARCH)
        backend.index(demo_documents)
        backend.client.indices.refresh(index=alias)
    yield alias
    drop_indices(elasticsearch_url, alias)


@pytest.fixture(scope="module")
def embedded_demo(django_db_blocker, demo_documents):
    with rolled_back(django_db_blocker):
        get_backend(EMBEDDED).index(demo_documents)
        yield


@pytest.fixture
def demo_index(request, backend_name, settings, embedded_demo):
    if backend_name == ELASTICSEARCH:
        settings.ELASTICSEARCH_INDEX = request.getfixturevalue("elasticsearch_demo")
    return get_backend(backend_name)


def test_the_table_is_big_enough():
    kinds = {kind for kind, *_rest in TABLE}
    assert len(TABLE) >= 30
    assert {"whole word", "one character", "two characters", "mixed", "pinyin"} <= kinds
    assert {"initials", "synonym"} <= kinds


@pytest.mark.parametrize(("kind", "query", "expected", "within"), TABLE)
def test_relevance(demo_index, kind, query, expected, within):
    results = demo_index.search(SearchQuery(text=query, synonyms=SYNONYMS))
    top = [hit.title for hit in results.hits[:within]]
    assert expected in top, f"{kind} query {query!r}: {top}"


def test_night_school_courses_belong_to_their_site(demo_documents):
    academies = {doc.title: (doc.academy, doc.training_base) for doc in demo_documents}
    assert academies["书法(楷书)"] == ("吉林省青年职工夜校", "")
    assert academies["直播带货入门"] == ("辽源市青年职工夜校", "")
    assert academies["直播带货实战"] == ("吉林省新电商工匠学院", "辽源工人网红基地")
    assert all(academy for academy, _base in academies.values())


def test_the_academy_facet_lists_the_night_school(demo_index):
    facet = demo_index.search(SearchQuery(text="书法")).facets["academy"]
    counts = {v.label: v.count for v in facet}
    assert counts["吉林省青年职工夜校"] == 1 and counts["吉林省工匠学院总部"] >= 1

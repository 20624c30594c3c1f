"""The Chinese analysis of the Elasticsearch index, built from what a stock node has:
titles as characters and bigrams, for the phrase signal (the terms the query plan
looks up are made in Python, `search.tokens`, and sent as keywords)."""

import uuid

import pytest

from search.backends.elasticsearch import client
from search.documents import CourseIndexDocument, index_settings

CORE_TOKENIZERS = {"standard"}
CORE_FILTERS = {"lowercase", "shingle"}


def test_the_default_needs_nothing_but_the_server_core():
    analysis = index_settings()["analysis"]
    for analyzer in analysis["analyzer"].values():
        assert analyzer["tokenizer"] in CORE_TOKENIZERS
        for name in analyzer["filter"]:
            assert analysis["filter"].get(name, {"type": name})["type"] in CORE_FILTERS


@pytest.fixture
def analysed_index(elasticsearch_url):
    name = f"lms-test-analysis-{uuid.uuid4().hex[:8]}"
    es = client(elasticsearch_url)
    es.indices.create(
        index=name,
        settings=index_settings(),
        mappings=CourseIndexDocument._doc_type.mapping.to_dict(),
    )
    yield lambda analyzer, text: [
        token["token"]
        for token in es.indices.analyze(index=name, analyzer=analyzer, text=text)["tokens"]
    ]
    es.indices.delete(index=name)


def test_a_stock_node_cuts_chinese_into_characters_and_bigrams(analysed_index):
    assert analysed_index("lms_chinese", "光伏发电 CNC") == [
        "光", "光伏", "伏", "伏发", "发", "发电", "电", "电cnc", "cnc",
    ]  # fmt: skip
    assert analysed_index("lms_chinese_search", "光伏发电") == ["光伏", "伏发", "发电"]
    # One character or one word stays itself, to meet the characters indexed.
    assert analysed_index("lms_chinese_search", "焊") == ["焊"]
    assert analysed_index("lms_letter_pairs", "g f f d") == ["gf", "ff", "fd"]

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from academies.models import IndustryAcademyPage, TrainingBasePage
from tests.academies.factories import make_unit

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("demo")
def test_home_shows_the_hierarchy_in_chinese(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in html
    assert "吉林省工匠学院总部" in html
    for academy in IndustryAcademyPage.objects.all():
        assert academy.title in html
    for base in TrainingBasePage.objects.all():
        assert base.title in html
    assert "“1+6+N”" in html
    assert "1 个总部、6 所产业工匠学院、7 个培训基地" in html


@pytest.mark.usefixtures("demo")
def test_language_switch_to_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "One headquarters, 6 industry academies and 7 training bases." in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-CN">' in client.get("/").content.decode()


def test_browser_language_alone_does_not_switch_to_english(client, demo):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-CN">' in html


@pytest.mark.usefixtures("demo")
def test_home_query_count_does_not_grow_with_the_tree(client):
    client.get("/")  # warm caches (site root, content types)
    with CaptureQueriesContext(connection) as before:
        client.get("/")
    hq_academy = IndustryAcademyPage.objects.first()
    for number in range(5):
        make_unit(hq_academy, TrainingBasePage, f"新增基地{number}")
    with CaptureQueriesContext(connection) as after:
        html = client.get("/").content.decode()
    assert "新增基地4" in html
    assert len(after.captured_queries) == len(before.captured_queries)


def test_home_renders_before_any_demo_content(client):
    assert client.get("/").status_code == 200

"""The delegated-administration matrix, exercised through the Wagtail admin's own URLs."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.images.models import Image
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from academies.models import IndustryAcademyPage, TrainingBasePage
from lms.demo import DEMO_LEARNER_PHONE
from tests.images import tiny_png

pytestmark = pytest.mark.django_db

OWN, OTHER = "new-energy", "new-materials"


def login(client, username):
    if username is not None:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def academy(slug):
    return IndustryAcademyPage.objects.get(slug=slug)


def base_form(title, slug, action):
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "short_name": title[:10],
            "level": "city",
            "city": "长春市",
            "introduction": streamfield([]),
            "partners": inline_formset([]),
            action: "1",
        }
    )


def add_base(client, parent, title, slug, action="action-publish"):
    url = reverse("wagtailadmin_pages:add", args=("academies", "trainingbasepage", parent.pk))
    return client.post(url, base_form(title, slug, action))


def publish_edit(client, page):
    url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "short_name": page.short_name,
            "industry": page.industry,
            "introduction": streamfield([("paragraph", rich_text("<p>新的介绍</p>"))]),
            "partners": inline_formset([]),
            "action-publish": "1",
        }
    )
    return client.post(url, data)


ROLES = [
    # username, may manage OWN, may manage OTHER
    ("admin", True, True),
    ("hq_admin", True, True),
    ("new_energy_admin", True, False),
    ("new_materials_admin", False, True),
    ("lecturer", False, False),
    (DEMO_LEARNER_PHONE, False, False),
    (None, False, False),
]


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(("username", "own_allowed", "other_allowed"), ROLES)
def test_edit_view_access(client, username, own_allowed, other_allowed):
    login(client, username)
    for slug, allowed in ((OWN, own_allowed), (OTHER, other_allowed)):
        response = client.get(reverse("wagtailadmin_pages:edit", args=(academy(slug).pk,)))
        if allowed:
            assert response.status_code == 200, (username, slug)
        elif username is None:
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
        else:
            # Wagtail answers a refused admin request with a redirect to the dashboard
            # (users with admin access) or to the login page (users without).
            assert response.status_code in (302, 403), (username, slug, response.status_code)


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(("username", "own_allowed", "other_allowed"), ROLES)
def test_add_and_publish_a_training_base(client, username, own_allowed, other_allowed):
    login(client, username)
    for slug, allowed in ((OWN, own_allowed), (OTHER, other_allowed)):
        parent = academy(slug)
        new_slug = f"base-by-{username or 'anonymous'}-in-{slug}"
        response = add_base(client, parent, f"测试基地 {new_slug}", new_slug)
        created = TrainingBasePage.objects.child_of(parent).filter(slug=new_slug).first()
        if allowed:
            assert response.status_code == 302, (username, slug)
            assert created is not None and created.live, (username, slug)
            assert client.get(created.url).status_code == 200
        else:
            assert created is None, (username, slug)


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(("username", "own_allowed", "other_allowed"), ROLES)
def test_publish_an_edit(client, username, own_allowed, other_allowed):
    login(client, username)
    for slug, allowed in ((OWN, own_allowed), (OTHER, other_allowed)):
        page = academy(slug)
        before = page.live_revision_id
        publish_edit(client, page)
        page.refresh_from_db()
        assert (page.live_revision_id != before) == allowed, (username, slug)
        if allowed:
            assert "新的介绍" in client.get(page.url).content.decode()


@pytest.mark.usefixtures("demo")
def test_academy_admin_sees_only_own_private_media(client):
    own = Image.objects.create(
        title="新能源讲义图",
        file=SimpleUploadedFile("own.png", tiny_png()),
        collection=academy(OWN).collection,
    )
    other = Image.objects.create(
        title="新材料内部图",
        file=SimpleUploadedFile("other.png", tiny_png()),
        collection=academy(OTHER).collection,
    )
    login(client, "new_energy_admin")
    listing = client.get(reverse("wagtailimages:index")).content.decode()
    assert own.title in listing
    assert other.title not in listing
    assert client.get(reverse("wagtailimages:edit", args=(own.pk,))).status_code == 200
    assert client.get(reverse("wagtailimages:edit", args=(other.pk,))).status_code in (302, 403)


@pytest.mark.usefixtures("demo")
def test_academy_admin_cannot_delete_their_academy(client):
    login(client, "new_energy_admin")
    page = academy(OWN)
    client.post(reverse("wagtailadmin_pages:delete", args=(page.pk,)))
    assert Page.objects.filter(pk=page.pk).exists()

import pytest

from academies import demo as academies_demo
from academies.models import HeadquartersPage, IndustryAcademyPage
from courses.models import Category


@pytest.fixture
def units(db):
    """The academy hierarchy and its users (the academies' demo steps, without the
    courses', videos' and other apps' demo content)."""
    for _label, step in academies_demo.steps():
        step()


@pytest.fixture
def hq(units):
    return HeadquartersPage.objects.get()


@pytest.fixture
def new_energy(units):
    return IndustryAcademyPage.objects.get(slug="new-energy")


@pytest.fixture
def new_materials(units):
    return IndustryAcademyPage.objects.get(slug="new-materials")


@pytest.fixture
def category(db):
    return Category.objects.get(name="职业发展")

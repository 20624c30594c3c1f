import pytest

from academies import demo as academies_demo
from academies.models import HeadquartersPage, IndustryAcademyPage
from courses.models import Category
from tests.conftest import rolled_back


@pytest.fixture(scope="module")
def unit_slice(django_db_setup, django_db_blocker):
    """A slice of the demo hierarchy: headquarters, two academies, a base of the
    headquarters and one of the new-energy academy, with their admins and users —
    made once for the tests of a module (provisioning units takes seconds)."""
    with rolled_back(django_db_blocker):
        academies_demo.seed_headquarters()
        for fields in academies_demo.ACADEMIES:
            if fields["slug"] in ("new-energy", "new-materials"):
                academies_demo.seed_academy(fields)
        academies_demo.seed_base(
            None,
            {
                "slug": "skills-base",
                "title": "吉林省职业技能竞赛示范基地",
                "short_name": "技能竞赛基地",
            },
        )
        academies_demo.seed_base(
            "new-energy", {"slug": "pv-base", "title": "光伏发电实训基地", "short_name": "光伏基地"}
        )
        academies_demo.seed_users()
        yield


@pytest.fixture
def units(unit_slice, db):
    """The slice of the hierarchy, for one test (which runs in a savepoint)."""


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

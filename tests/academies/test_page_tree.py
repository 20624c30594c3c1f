from wagtail.test.utils import WagtailPageTestCase

from academies.models import HeadquartersPage, IndustryAcademyPage, TrainingBasePage
from courses.models import CourseIndexPage, CoursePage, LecturerIndexPage
from lms.models import HomePage
from nightschool.models import NightSchoolPage
from tests.academies.factories import make_unit
from tests.conftest import run_demo_steps


class PageTreeRulesTest(WagtailPageTestCase):
    def test_headquarters_only_under_home(self):
        self.assertCanCreateAt(HomePage, HeadquartersPage)
        self.assertCanNotCreateAt(HeadquartersPage, HeadquartersPage)
        self.assertCanNotCreateAt(IndustryAcademyPage, HeadquartersPage)

    def test_academies_only_under_headquarters(self):
        self.assertCanCreateAt(HeadquartersPage, IndustryAcademyPage)
        self.assertCanNotCreateAt(HomePage, IndustryAcademyPage)
        self.assertCanNotCreateAt(IndustryAcademyPage, IndustryAcademyPage)

    def test_training_bases_under_academy_or_headquarters(self):
        self.assertCanCreateAt(IndustryAcademyPage, TrainingBasePage)
        self.assertCanCreateAt(HeadquartersPage, TrainingBasePage)
        self.assertCanNotCreateAt(HomePage, TrainingBasePage)
        self.assertCanNotCreateAt(TrainingBasePage, TrainingBasePage)

    def test_subpage_types(self):
        self.assertAllowedSubpageTypes(HomePage, {HeadquartersPage, NightSchoolPage})
        course_pages = {CoursePage, CourseIndexPage, LecturerIndexPage}
        self.assertAllowedSubpageTypes(
            HeadquartersPage, {IndustryAcademyPage, TrainingBasePage, *course_pages}
        )
        self.assertAllowedParentPageTypes(TrainingBasePage, {HeadquartersPage, IndustryAcademyPage})

    def test_only_one_headquarters_per_site(self):
        home = HomePage.objects.get()
        assert HeadquartersPage.can_create_at(home)
        make_unit(home, HeadquartersPage, "总部")
        assert not HeadquartersPage.can_create_at(home)

    def test_hierarchy_grows_without_code_changes(self):
        home = HomePage.objects.get()
        hq = make_unit(home, HeadquartersPage, "总部")
        for number in range(12):
            make_unit(hq, IndustryAcademyPage, f"第{number}产业工匠学院", industry=f"产业{number}")
        assert IndustryAcademyPage.objects.child_of(hq).count() == 12
        assert IndustryAcademyPage.can_create_at(hq)


class DemoPagesRouteAndRenderTest(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        run_demo_steps("academies.demo")

    def test_every_unit_page_routes_and_renders(self):
        pages = [
            *HeadquartersPage.objects.all(),
            *IndustryAcademyPage.objects.all(),
            *TrainingBasePage.objects.all(),
        ]
        assert len(pages) >= 1 + 6 + 6
        for page in pages:
            self.assertPageIsRoutable(page)
            self.assertPageIsRenderable(page)

    def test_academy_page_shows_introduction_partners_and_bases(self):
        academy = IndustryAcademyPage.objects.get(slug="new-ecommerce")
        response = self.client.get(academy.url)
        html = response.content.decode()
        assert response.status_code == 200
        assert "2023-08-29" in html
        assert "兴边富民电商培训班" in html  # introduction
        assert "吉林财经大学" in html  # partner
        assert "辽源工人网红基地" in html  # a base under it
        assert "长春汽车工业高等专科学校实训基地" not in html  # another academy's base

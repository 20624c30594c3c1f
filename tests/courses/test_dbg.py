import pytest
from courses.models import Lesson, Chapter
from tests.courses.factories import make_course
pytestmark = pytest.mark.django_db
def test_dbg(hq):
    c = make_course(hq, "x", lessons=3)
    print("XX", list(Lesson.objects.values_list("title", "sort_order")), list(Chapter.objects.values_list("title","sort_order")))
    assert 0

import pytest
from django.core.management import call_command
from tests.browser.test_search_journey import embedded_search  # noqa
pytestmark = pytest.mark.browser
def test_dbg(live_server, settings):
    from search.models import SearchEntry, IndexOperation
    from courses.models import CoursePage
    print("URL", repr(settings.ELASTICSEARCH_URL), settings.Q_CLUSTER)
    call_command("seed_demo", verbosity=0)
    print("ENTRIES", SearchEntry.objects.count(), IndexOperation.objects.count(), CoursePage.objects.live().count())
    from django_q.models import Task
    for t in Task.objects.all()[:5]: print("TASK", t.func, t.success, str(t.result)[:300])

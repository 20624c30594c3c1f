import pytest
from django.urls import reverse
pytestmark = pytest.mark.django_db
def test_probe(client, school):
    client.force_login(school.branch_admin)
    page = client.get("/admin/").content.decode()
    import re
    i = page.find("sidebar")
    m = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', page, re.S)
    print((m.group(1) if m else page)[:6000])
    r = client.post(reverse("nightschool_admin:roster", args=(1,)), {"phone": "139 0000 0001", "minutes": 90, "reason": ""})
    print(r.status_code)

import pytest
from tests.search.test_views import catalogue, page  # noqa
pytestmark = pytest.mark.django_db
@pytest.mark.parametrize("backend_name", ["embedded"], indirect=True)
def test_dbg(client, catalogue):
    import re
    html = page(client, q="hanjie")
    print(re.findall(r'search-count">(.*?)</h1>', html, re.S), re.findall(r'search-hit__title"><a[^>]*>(.*?)</a>', html), re.findall(r'search-hit__text">(.*?)</p>', html))

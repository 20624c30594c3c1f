"""Demo search statistics: what workers searched for last week, so the home page has hot
searches (counted per day without any identity, as real searches are)."""

import datetime

from django.utils import timezone

from search.models import QueryCount
from search.text import normalize

# (query, searches a day); the home page shows the most searched.
SEARCHES = [
    ("光伏", 23),
    ("焊工", 19),
    ("人工智能训练师", 16),
    ("新能源汽车维修", 14),
    ("直播带货", 12),
    ("安全生产", 11),
    ("心理健康", 9),
    ("人参", 7),
    ("数控", 6),
    ("书法", 5),
]
DAYS = 7


def steps():
    yield "search statistics", seed_query_counts


def seed_query_counts() -> None:
    today = timezone.localdate()
    for offset in range(DAYS):
        day = today - datetime.timedelta(days=offset)
        for query, searches in SEARCHES:
            QueryCount.objects.get_or_create(
                query=normalize(query), day=day, defaults={"searches": searches}
            )

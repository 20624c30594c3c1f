"""Thin django-q2 entry points for keeping the search indexes true."""

from search import services


def index_drain() -> int:
    """Apply waiting index changes (enqueued on commit, and every minute by schedule)."""
    return services.index_drain()


def popularity_refresh() -> int:
    """Re-index courses whose enrolments or plays changed (scheduled hourly)."""
    return services.popularity_refresh()

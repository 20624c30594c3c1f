"""Queue entry points of the back office."""

from dashboards.services import figures_refresh


def refresh_figures() -> None:
    """Rebuild the dashboards' roll-up tables (by schedule, and on demand from the admin)."""
    figures_refresh()

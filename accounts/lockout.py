"""Log-in lockouts at three levels, on django-axes' database handler.

axes compares the largest failure count of its lockout parameters with one limit. Here
each parameter of ``AXES_LOCKOUT_PARAMETERS`` has its own limit, in
``ACCOUNTS_LOGIN_FAILURE_LIMITS`` (in the same order): one client guessing one account's
password, one account guessed from many clients, one client trying many accounts. A
factory's workers may share one address, so that limit is the highest.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


class TieredLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        # Scaled so that axes' comparison with AXES_FAILURE_LIMIT is each count's with
        # its own limit: count * F // limit >= F exactly when count >= limit.
        scale = settings.AXES_FAILURE_LIMIT
        return max(
            count * scale // limit
            for count, limit in zip(counts, settings.ACCOUNTS_LOGIN_FAILURE_LIMITS, strict=True)
        )

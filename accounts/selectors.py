"""Reads about people: their profile and the one way a person is named everywhere."""

from accounts.models import LearnerProfile
from accounts.phones import mask_phone


def learner_profile(*, user) -> LearnerProfile | None:
    return LearnerProfile.objects.filter(user=user).first()


def display_name(user) -> str:
    """How a person is named on every page, list and export: a learner's real name, else
    the name an admin entered for the account (王 + 师傅), else the masked mobile number
    (or the username of a staff account). Select `learner_profile` along with the user
    when naming many."""
    if user is None:
        return "—"
    profile = getattr(user, "learner_profile", None)
    name = (profile.real_name if profile else "") or f"{user.first_name}{user.last_name}".strip()
    return name or mask_phone(user.get_username())

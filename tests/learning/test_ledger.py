import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from academies.models import HeadquartersPage, IndustryAcademyPage
from learning.models import AppendOnlyError, LedgerEntry, LedgerSource
from learning.selectors import learner_minutes_for_year, learner_year_progress
from learning.services import CHECKS, ledger_adjust, ledger_append, yearly_target_set
from lms.demo import DEMO_LEARNER_PHONE

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(demo):
    users = get_user_model().objects
    return users.get(username=DEMO_LEARNER_PHONE), users.get(username="new_energy_admin")


@pytest.fixture
def academy(demo):
    return IndustryAcademyPage.objects.get(slug="new-energy")


def test_credit_is_recorded_with_where_it_came_from(people, academy):
    learner, _admin = people
    entry = ledger_append(
        learner=learner,
        minutes=45,
        source=LedgerSource.VIDEO,
        academy=academy,
        reference="lesson:1",
    )
    assert (entry.minutes, entry.academy_id, entry.academy_title) == (45, academy.pk, academy.title)


def test_the_same_key_never_credits_twice(people, academy):
    learner, _admin = people
    first = ledger_append(learner=learner, minutes=30, source="class", academy=academy, key="s:1:u")
    again = ledger_append(learner=learner, minutes=30, source="class", academy=academy, key="s:1:u")
    assert first.pk == again.pk
    assert LedgerEntry.objects.filter(learner=learner).count() == 1


def test_entries_cannot_be_edited_or_deleted_through_the_orm(people, academy):
    learner, _admin = people
    entry = ledger_append(learner=learner, minutes=10, source="video", academy=academy)
    entry.minutes = 600
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(minutes=600)
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    assert LedgerEntry.objects.get(pk=entry.pk).minutes == 10


def test_the_database_itself_refuses_to_change_an_entry(people, academy):
    learner, _admin = people
    entry = ledger_append(learner=learner, minutes=10, source="video", academy=academy)
    table = LedgerEntry._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET minutes = 600 WHERE id = %s", [entry.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entry.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).minutes == 10


def test_a_correction_is_a_new_entry_with_reason_and_author(people, academy):
    learner, admin = people
    wrong = ledger_append(learner=learner, minutes=120, source="class", academy=academy)
    fix = ledger_adjust(
        learner=learner, minutes=-60, reason="签到时间有误", author=admin, corrects=wrong
    )
    assert (fix.source, fix.author, fix.corrects, fix.academy_id) == (
        "manual",
        admin,
        wrong,
        academy.pk,
    )
    assert learner_minutes_for_year(learner=learner, year=timezone.localdate().year) == 60
    assert LedgerEntry.objects.get(pk=wrong.pk).minutes == 120


@pytest.mark.parametrize(("minutes", "reason"), [(30, "  "), (0, "补录")])
def test_an_adjustment_needs_a_reason_and_minutes(people, minutes, reason):
    learner, admin = people
    with pytest.raises(ValidationError):
        ledger_adjust(learner=learner, minutes=minutes, reason=reason, author=admin)
    assert not LedgerEntry.objects.exists()


def test_cannot_correct_another_learners_entry(people, academy):
    learner, admin = people
    entry = ledger_append(learner=admin, minutes=30, source="video", academy=academy)
    with pytest.raises(ValidationError):
        ledger_adjust(learner=learner, minutes=-30, reason="x", author=admin, corrects=entry)


def test_year_progress_uses_the_nearest_target_up_the_tree(people, academy):
    learner, _admin = people
    year = timezone.localdate().year
    hq = HeadquartersPage.objects.get()
    yearly_target_set(academy=hq, year=year, hours=40)
    ledger_append(learner=learner, minutes=90, source="video", academy=academy)

    progress = learner_year_progress(learner=learner, academy=academy)
    assert (progress.hours, progress.target_hours, progress.percent) == (1.5, 40, 4)

    yearly_target_set(academy=academy, year=year, hours=3)
    assert learner_year_progress(learner=learner, academy=academy).percent == 50


def test_last_years_minutes_do_not_count_this_year(people, academy):
    learner, _admin = people
    entry = ledger_append(learner=learner, minutes=50, source="video", academy=academy)
    year = entry.created_at.astimezone(timezone.get_current_timezone()).year
    assert learner_minutes_for_year(learner=learner, year=year) == 50
    assert learner_minutes_for_year(learner=learner, year=year - 1) == 0


@pytest.mark.parametrize(
    ("minutes", "source", "reason"),
    [
        (30, "video", ""),
        (0, "video", ""),
        (-5, "manual", ""),
        (-5, "manual", "补录"),
        (0, "manual", ""),
    ],
)
def test_the_ledgers_checks_agree_with_the_tables_constraints(people, minutes, source, reason):
    """Entries are checked in Python before they are written (the database checks them
    again): the same verdict as each constraint's own query."""
    learner, _admin = people
    entry = LedgerEntry(learner=learner, minutes=minutes, source=source, reason=reason)
    for constraint in LedgerEntry._meta.constraints:
        try:
            constraint.validate(LedgerEntry, entry)
        except ValidationError:
            refused = True
        else:
            refused = False
        assert CHECKS[constraint.name](entry) is not refused, constraint.name


def test_a_credit_of_no_minutes_is_refused(people, academy):
    learner, _admin = people
    with pytest.raises(ValidationError):
        ledger_append(learner=learner, minutes=0, source="video", academy=academy, key="v:1:0")
    assert not LedgerEntry.objects.exists()


def test_an_adjustment_stays_within_the_authors_units_and_above_zero(people, academy):
    learner, admin = people
    materials = IndustryAcademyPage.objects.get(slug="new-materials")
    ledger_append(learner=learner, minutes=45, source="class", academy=materials)
    ledger_append(learner=learner, minutes=30, source="video", academy=academy)
    for unit, minutes in ((materials, -45), (materials, 60), (None, -10), (academy, -31)):
        with pytest.raises(ValidationError):
            ledger_adjust(learner=learner, minutes=minutes, reason="x", author=admin, academy=unit)
    assert learner_minutes_for_year(learner=learner, year=timezone.localdate().year) == 75
    entry = ledger_adjust(
        learner=learner, minutes=-30, reason="重复计时", author=admin, academy=academy
    )
    assert (entry.author, entry.reason, entry.academy_id) == (admin, "重复计时", academy.pk)
    hq_admin = get_user_model().objects.get(username="hq_admin")  # manages every academy
    ledger_adjust(learner=learner, minutes=-45, reason="核减", author=hq_admin, academy=materials)
    assert learner_minutes_for_year(learner=learner, year=timezone.localdate().year) == 0


def test_a_correction_keeps_the_reference_of_the_entry_it_corrects(people, academy):
    learner, admin = people
    wrong = ledger_append(
        learner=learner, minutes=120, source="class", academy=academy, reference="class:7"
    )
    fix = ledger_adjust(
        learner=learner, minutes=-60, reason="签到有误", author=admin, corrects=wrong
    )
    assert (fix.reference, fix.academy_id) == ("class:7", academy.pk)

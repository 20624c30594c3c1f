import pytest

# Courses and learners come from the courses tests' fixtures.
from tests.courses.conftest import new_energy, unit_slice, units  # noqa: F401
from tests.courses.factories import make_learner


@pytest.fixture
def learner(units):  # noqa: F811 — `units` is the fixture imported above
    return make_learner("13900000001", name="王小明")

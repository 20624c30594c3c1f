import pytest

from tests.courses.conftest import hq, new_energy, new_materials, unit_slice, units  # noqa: F401
from tests.courses.factories import make_learner


@pytest.fixture
def learner(units):  # noqa: F811
    return make_learner("13900000001", name="王小明")

# Courses and learners come from the courses tests' fixtures.
from tests.courses.conftest import new_energy, units  # noqa: F401

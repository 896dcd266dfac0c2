"""Settings for the whole test suite.

Hypothesis's per-example deadline is a wall-clock limit; tests here never assert on time (the machine may
be loaded, and CI runs on two cores), so it is off everywhere.
"""

from hypothesis import settings

settings.register_profile("nncourse", deadline=None)
settings.load_profile("nncourse")

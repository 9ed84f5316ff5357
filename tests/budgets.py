"""How many examples each property test draws: one knob for the whole suite.

Each test names its budget for a thorough run, `examples(400)`; the run's Hypothesis profile
scales every budget at once:

    python -m pytest                                   # "quick": 3/10 of each budget
    python -m pytest --hypothesis-profile thorough     # each budget as written (CI runs this)
    python -m pytest --hypothesis-profile deep         # five times each, for a long run

The README's test line is the first thing a newcomer runs and must be quick on two cores
(issue 24), while the thorough budgets are what found the suite's bugs; CI runs the
property tests again, thorough, after that line (.ci/run, `-m property`). The profile's
`max_examples` is also what a test with no budget of its own draws. A budget never drops below
ten examples (or below its own size when that is smaller): a test whose examples are each
a second of work keeps a few.
"""

from __future__ import annotations

from hypothesis import settings

# The thorough profile's max_examples: the scale the budgets are written in.
THOROUGH = 100

# Each profile on top of the one Hypothesis loaded at import: its own default, or under CI
# (the CI variable set) its "ci" profile, which derandomizes and keeps no example database,
# so that a landing is never refused by a new random find that the author never saw.
_LOADED = settings.get_profile(settings.get_current_profile_name())
settings.register_profile("quick", _LOADED, max_examples=THOROUGH * 3 // 10, deadline=None)
settings.register_profile("thorough", _LOADED, max_examples=THOROUGH, deadline=None)
settings.register_profile("deep", _LOADED, max_examples=THOROUGH * 5, deadline=None)
# The run's profile unless `--hypothesis-profile` names another (the plugin loads that later,
# in pytest_configure; this module is imported by tests/conftest.py, before).
settings.load_profile("quick")


def examples(thorough: int) -> int:
    """The number of examples a test whose thorough budget is `thorough` draws in this run."""
    scaled = round(thorough * settings().max_examples / THOROUGH)  # the loaded profile
    return max(min(thorough, 10), scaled)

"""Every number the engine decides with, named and in one place.

They are defaults drawn from DESIGN.md; changing one changes the engine's
behaviour everywhere it matters and nowhere else.
"""

REAL_TEAMS_THRESHOLD = 50  # % of staff in real teams below which team-charter work is chosen
NATIONAL_IN_TEAMS = "about 9 in 10"  # West et al. 2011, used when a spec gives no figure
NATIONAL_REAL_TEAMS = "about 4 in 10"
SEVERAL_ORGANISATIONS = 2  # organisations at which work across boundaries is chosen
APPRECIATIVE_CULTURE = ("blame", "fatigued", "siloed")
# Culture tags some rule answers; any other tag is reported as changing nothing.
CULTURE_WITH_RULES = APPRECIATIVE_CULTURE
COLLABORATIVE_TASKS = 2  # tasks sharing a topic that make a collaborative

SESSION_START = "09:30"
AFTERNOON_START = "13:30"  # a second session the same day, only when days run short
AFTERNOON_MAX_MINUTES = 210  # a morning session longer than this fills the day
SET_MINUTES = 180  # half a day
ADVISER_SUPPORTED_MEETINGS = 2  # first meetings a later set keeps its adviser for
SET_LIFETIME_MEETINGS = 6  # after which a set re-contracts or runs itself
SET_START_WINDOW_DAYS = 14  # a set first meets within two weeks of the action-learning launch
SET_CADENCE_SLACK_DAYS = 7  # a meeting may move up to a week from the cadence
SET_MINIMUM_MEETINGS = 4  # meetings a set should have when the programme is long enough

# Where in the programme (as fractions of its length) each phase's sessions fall.
PHASE_WINDOWS = {
    "launch": (0.0, 0.04),
    "foundations": (0.06, 0.30),
    "improvement": (0.12, 0.50),
    "development": (0.45, 0.88),
    "close": (0.94, 1.0),
}
LATEST_REPEAT = 0.88  # repeated sessions spread from their phase's start to here

FIRST_TEST_DAYS = 7  # first PDSA test within a week of the launch
FOLLOW_UP_DEFAULT_MONTHS = 6

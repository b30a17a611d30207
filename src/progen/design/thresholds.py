"""Every number the engine decides with, named and in one place.

They are defaults drawn from DESIGN.md; changing one changes the engine's
behaviour everywhere it matters and nowhere else.
"""

# % of staff in real teams below which team-charter work is chosen: a design default,
# not a figure from the research, and said to be one wherever it is used.
REAL_TEAMS_THRESHOLD = 50
NATIONAL_IN_TEAMS = "about 9 in 10"  # NHS staff survey figures used when a spec gives none
NATIONAL_REAL_TEAMS = "about 4 in 10"
SEVERAL_ORGANISATIONS = 2  # organisations at which work across boundaries is chosen
APPRECIATIVE_CULTURE = ("blame", "fatigued", "siloed")
# Cultures where people keep quiet about concerns and mistakes: they bring
# psychological-safety work (Edmondson 1999: teams learn when speaking up feels safe).
SPEAK_UP_CULTURE = ("hierarchical", "blame")
STRENGTH_CULTURE = ("innovative", "supportive")  # strengths participative work builds on
# Culture tags some rule answers; any other tag is reported as changing nothing.
CULTURE_WITH_RULES = tuple(
    dict.fromkeys(APPRECIATIVE_CULTURE + SPEAK_UP_CULTURE + STRENGTH_CULTURE)
)
COLLABORATIVE_TASKS = 2  # tasks sharing a topic that make a collaborative

# A second taught session the same day, only when days run short, starts this long after the
# programme's session_start (09:30 and 13:30 by default), and only after a morning session
# no longer than AFTERNOON_MAX_MINUTES: a longer one fills the day.
AFTERNOON_AFTER_MINUTES = 240
AFTERNOON_MAX_MINUTES = 210
LATEST_AFTERNOON = 14 * 60 + 30  # no second session starting after 14:30: the day ends
SET_MINUTES = 180  # half a day
ONLINE_MINUTES = 90  # a session this short for people in several towns is held online
SET_AFTER_SESSION_BREAK = 30  # minutes for lunch between a session and a set meeting the same day
ADVISER_SUPPORTED_MEETINGS = 2  # first meetings a later set keeps its adviser for
# ... and where people are not yet used to questioning each other openly (a system at an
# early stage, or a culture described as blaming or hierarchical), one more: progen's
# default, so a set practises safe questioning with help before it runs itself.
ADVISER_SUPPORTED_MEETINGS_GUARDED = 3
GUARDED_CULTURE = ("blame", "hierarchical")
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

# Sets should meet at least this often before the closing event, so the session that opens
# them comes at least (meetings - 1) cadences plus this many weeks before it, where it can.
SET_MEETINGS_BEFORE_CLOSE = 4
SET_LAUNCH_SLACK_WEEKS = 2

# Modules of priority 1..this must run: the programme's spine (its launch, the Model for
# Improvement and action-learning launches, the closing event), plus any module a finding
# promises (essential_when). Everything else is fitted by value, so a modest budget still
# plans and says what it left out, rather than being refused.
ESSENTIAL_PRIORITY = 1
# What an optional session (priority 2-5) is worth when the budget cannot hold them all,
# before adding one for each finding that selected it: a priority-2 session outranks any
# priority-3 one, whatever findings chose it, and a repeated module's occurrences too (up to
# four of them: relational coordination is kept before both team-reflexivity sessions).
# Essential sessions come before all.
OPTIONAL_VALUE = {2: 400, 3: 90, 4: 20, 5: 4}
LENGTH_STEP = 15  # sessions are shortened in steps of this many minutes

FIRST_TEST_DAYS = 7  # first PDSA test within a week of the launch
FOLLOW_UP_DEFAULT_MONTHS = 6

# Participants from which the evaluation adds the licensed 360° tool and Team Climate
# Inventory to the Relational Coordination Survey: below it their cost and survey load
# outweigh what they add to the free measures (progen's default, not a research finding).
LICENSED_FROM_PEOPLE = 60

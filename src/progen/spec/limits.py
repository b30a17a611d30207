"""Bounds on what a spec may cost to read and to build, checked before anything walks
the data or plans the programme.

A spec is a few kilobytes of hand-written YAML; these limits are far above any
real programme (500 groups of named people fit) and far below what would let a
hostile file (an alias bomb, a megabyte of nesting) tie up a build server. What
`progen validate` accepts, `progen build` completes: the largest accepted programme
is built in bench/ and its time and memory are in BENCHMARKS.md.
"""

import re

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32
MAX_EVENTS = 200_000
MAX_NODES = 100_000
MAX_PEOPLE = 20_000  # everyone taking part; a region of 5,000 plans in under a second
# Action-learning set meetings the spec could lead to (sets of the smallest size, each
# meeting every set_cadence_weeks for the whole programme). Calendars, set pages and the
# programme JSON grow with them: a region of 5,000 people meeting monthly for a year has
# up to 14,000, and 20,000 people meeting monthly for two years up to 108,000.
MAX_SET_MEETINGS = 120_000

# Records (SPEC.md section 6) are typed by hand or exported from a spreadsheet: a year of
# daily measure points, or the attendance of a thousand people at forty events, is a few
# thousand rows. The bounds keep a hostile file (a zip bomb, a million-row sheet) cheap to
# refuse while leaving a hundredfold margin above any real programme.
MAX_RECORD_BYTES = 16 * 1024 * 1024  # one CSV file, or one records.xlsx as stored
MAX_RECORD_ROWS = 100_000  # rows of one file or sheet, the header included
MAX_RECORD_COLUMNS = 50  # cells read across a row; the widest file has eight columns
# A workbook is a zip: its members are checked, by their declared sizes, before any is
# unpacked (Python's zipfile never unpacks more than a member declares).
MAX_WORKBOOK_UNPACKED = 256 * 1024 * 1024
MAX_WORKBOOK_MEMBERS = 1_000

# Characters no text progen prints may hold: C0 and C1 controls other than tab and line
# breaks, and the bidirectional overrides that make a line read other than it is written
# (the spec schema's text pattern says the same).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# What one records cell or one programme's records may hold. A measured value or an
# evaluation score beyond a million million is a typo (no count, cost or rate in a care
# system comes near it) and would overflow the arithmetic of the charts; a text cell of
# a few paragraphs is a long PDSA result, not a pasted document. The counts bound the
# work of the charts and of the board report (BENCHMARKS.md): a measure read daily for
# thirteen years, and a PDSA cycle a week for two years on one task, still fit.
MAX_RECORD_VALUE = 1e12  # the largest magnitude of a measure value or evaluation score
MAX_RECORD_TEXT = 2_000  # characters in one records text cell: a long paragraph
MAX_MEASURE_POINTS = 5_000  # data points of one task's measure
MAX_PDSA_CYCLES = 100  # PDSA cycles recorded for one task
# The earliest year a record may be dated: a typed 0202 or a blank read as year 1 is a typo.
EARLIEST_RECORD_YEAR = 1900
LATEST_RECORD_YEAR = 2200  # and the latest; records after the programme are checked with it

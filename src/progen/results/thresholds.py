"""Every number the results analysis decides with, named and in one place.

The XmR numbers are NHS England's Making Data Count rules exactly as the NHS-R
community's NHSRplotthedots (R/ptd_spc_standard.R, R/ptd_calculate_point_type.R,
R/ptd_add_short_group_warnings.R) applies them with its default options; the run-chart
numbers are Perla, Provost and Murray's (2011) rules for early data.
"""

# XmR (individuals) chart, NHSRplotthedots R/ptd_spc_standard.R
LIMIT = 2.66  # process limits at the mean ± 2.66 × the mean moving range
NEAR_LIMIT = 2 * (LIMIT / 3)  # near limits two thirds of the way out, computed as the package does
SCREEN = 3.267  # moving ranges at or above 3.267 × their mean are screened out
# R/ptd_calculate_point_type.R
RUN = 7  # points in a row on one side of the mean
TREND = 7  # points in a row each strictly above (or below) the one before
NEAR_WINDOW = 3  # two of three points beyond a near limit...
NEAR_NEEDED = 2
# R/ptd_add_short_group_warnings.R: limits from fewer points are trial limits
PROVISIONAL_BELOW = 12

# Run chart, Perla, Provost and Murray (2011)
SHIFT = 6  # points in a row on one side of the median (points on it neither count nor break)
RUN_CHART_TREND = 5  # points in a row all going up or all going down (equal neighbours once)

# Too few or too many runs, by the number of useful observations (points not on the median):
# fewer than the first number of runs is too few, more than the second too many. Perla et al.
# tabulate these from Swed and Eisenhart (1943); the numbers here are that distribution's
# one-sided 5% critical values for the useful observations split evenly above and below
# the median (the largest run count no more likely than 5%, and the smallest such from the
# top), which tests/test_runchart.py recomputes exactly.
RUNS_LIMITS = {
    10: (3, 9), 11: (3, 10), 12: (3, 11), 13: (4, 11), 14: (4, 12), 15: (4, 13), 16: (5, 13),
    17: (5, 14), 18: (6, 14), 19: (6, 15), 20: (6, 16), 21: (7, 16), 22: (7, 17), 23: (8, 17),
    24: (8, 18), 25: (9, 18), 26: (9, 19), 27: (9, 20), 28: (10, 20), 29: (10, 21),
    30: (11, 21), 31: (11, 22), 32: (11, 23), 33: (12, 23), 34: (12, 24), 35: (13, 24),
    36: (13, 25), 37: (14, 25), 38: (14, 26), 39: (14, 27), 40: (15, 27), 41: (15, 28),
    42: (16, 28), 43: (16, 29), 44: (17, 29), 45: (17, 30), 46: (17, 31), 47: (18, 31),
    48: (18, 32), 49: (19, 32), 50: (19, 33), 51: (20, 33), 52: (20, 34), 53: (21, 34),
    54: (21, 35), 55: (21, 36), 56: (22, 36), 57: (22, 37), 58: (23, 37), 59: (23, 38),
    60: (24, 38),
}  # fmt: skip

# Progress and the board's decisions. These are progen's own defaults, chosen so that a
# board hears about a problem while there is still time to act; they are not taken from
# any published source, and a programme lead may judge differently.
SET_STOPPED_AFTER = 2  # a set whose last this-many planned meetings were all missed
ATTENDANCE_LOW = 0.5  # a group attending fewer than half the places it was expected at
ATTENDANCE_FALL = 0.2  # a group whose rate fell by 20 points from the first half of its
ATTENDANCE_MIN_EVENTS = 4  # held events to the second, judged once it has this many
ATTENDANCE_MIN_PLACES = 20  # ...and only when each half (or, for a low rate, all) has this many
WEEKLY_GAP_DAYS = 10  # points a median of this many days apart or fewer are weekly data

# Reading an improvement: progen's own default, not a published rule. Limits worked out
# from a segment that still holds the points before a change describe neither the old
# process nor the new one, so progen asks the team to rebase once the new level has held
# for this many points, and only then to test the target against the limits. It is the
# count below which NHSRplotthedots calls a segment's limits provisional (PROVISIONAL_BELOW),
# so the rebased segment starts with limits that are not.
REBASE_AFTER = PROVISIONAL_BELOW

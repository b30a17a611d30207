"""Which days the programme may use: its session days, minus bank holidays and blackouts.

Bank holidays come from the `holidays` library (UK subdivisions ENG, SCT, NIR);
England and Wales share one calendar, so England's stands for both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from progen.spec.model import Programme

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
REGIONS = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}
# More bank holidays than any UK nation has had in a year (ten in England in 2022), so
# that counting this many per year gives a floor on the open days without loading the
# holiday tables: validation stays quick for the usual spec with room to spare.
MOST_BANK_HOLIDAYS_A_YEAR = 12
# The Christmas and New Year break, 24 December to 1 January: services run skeleton rotas
# and people take leave, so no session, set meeting or questionnaire falls in it. A
# default of this design, kept with the bank holidays (off with holidays: none).
FESTIVE = ((12, 24), (1, 1))
FESTIVE_DAYS = (dt.date(2, *FESTIVE[1]) - dt.date(1, *FESTIVE[0])).days + 1
FESTIVE_REASON = "the Christmas and New Year break (this programme's default)"


@dataclass(frozen=True)
class Calendar:
    """The programme window and the dates in it that sessions may use."""

    start: dt.date
    end: dt.date
    weekdays: tuple[int, ...]
    closed: dict[dt.date, str]  # date -> why it is closed (bank holiday name or 'blackout')

    @cached_property
    def open_days(self) -> tuple[dt.date, ...]:
        days = (self.start + dt.timedelta(n) for n in range((self.end - self.start).days + 1))
        return tuple(d for d in days if d.weekday() in self.weekdays and d not in self.closed)

    def at_fraction(self, fraction: float) -> dt.date:
        """The date `fraction` of the way through the window."""
        span = (self.end - self.start).days
        return self.start + dt.timedelta(days=round(span * min(max(fraction, 0.0), 1.0)))


def bank_holidays(region: str, years: range) -> dict[dt.date, str]:
    if region not in REGIONS:
        return {}
    import holidays

    found = holidays.country_holidays("GB", subdiv=REGIONS[region], years=list(years))
    return {day: str(name) for day, name in sorted(found.items())}


def fewest_open_days(programme: Programme) -> int:
    """A floor on the open session days, without the holiday tables: session days minus
    blackouts minus the most bank holidays any year could hold."""
    calendar = Calendar(
        programme.start,
        programme.end,
        tuple(WEEKDAYS.index(d) for d in programme.session_days),
        {d: "blackout" for d in programme.blackout},
    )
    years = programme.end.year - programme.start.year + 1
    per_year = MOST_BANK_HOLIDAYS_A_YEAR + FESTIVE_DAYS
    holidays = per_year * years if programme.holidays in REGIONS else 0
    return len(calendar.open_days) - holidays


def festive(years: range) -> dict[dt.date, str]:
    """Every day of the Christmas and New Year break that touches these years."""
    (m1, d1), (m2, d2) = FESTIVE
    days: dict[dt.date, str] = {}
    # the break that ends in the first year, and each one that starts in a year, within the
    # calendar's own years 1 to 9999
    for year in range(max(years.start - 1, dt.MINYEAR), min(years.stop, dt.MAXYEAR)):
        day, last = dt.date(year, m1, d1), dt.date(year + 1, m2, d2)
        while day <= last:
            days[day] = FESTIVE_REASON
            day += dt.timedelta(days=1)
    return days


def closed_days(region: str, years: range) -> dict[dt.date, str]:
    """Bank holidays and the Christmas and New Year break, for a region with a calendar."""
    if region not in REGIONS:
        return {}
    return festive(years) | bank_holidays(region, years)


def programme_calendar(programme: Programme) -> Calendar:
    years = range(programme.start.year, programme.end.year + 1)
    closed = closed_days(programme.holidays, years)
    closed.update({d: "blackout" for d in programme.blackout})
    weekdays = tuple(WEEKDAYS.index(d) for d in programme.session_days)
    return Calendar(programme.start, programme.end, weekdays, closed)


def working_day(day: dt.date, closed: dict[dt.date, str], step: int = 1) -> dt.date:
    """`day`, or the nearest working day from it in the direction of `step` (+1 or -1):
    not a weekend, a bank holiday or the Christmas break (`closed`). A questionnaire goes
    out, and a PDSA cycle starts and ends, on a working day."""
    while day.weekday() >= 5 or day in closed:
        day += dt.timedelta(days=step)
    return day

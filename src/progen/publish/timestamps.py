"""Reproducible timestamps: SOURCE_DATE_EPOCH, or one derived from the spec, never the clock.

Every renderer stamps a build time somewhere: MkDocs in the sitemap and in the gzip
header of sitemap.xml.gz, the calendar in each event's DTSTAMP. A gzip header holds the
time as an unsigned 32-bit count of seconds, so a timestamp must lie between 1970-01-01
and 2106-02-07 or MkDocs crashes half way through a build. A SOURCE_DATE_EPOCH outside
that range is the caller's mistake and is refused before anything is built; a programme
that starts outside it (which the spec allows) is stamped with the nearest instant inside
it, since the stamp records when outputs were made, not when the programme runs.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

VARIABLE = "SOURCE_DATE_EPOCH"
LATEST = 2**32 - 1  # 2106-02-07T06:28:15Z, the last second a gzip header can hold
_DIGITS = re.compile(r"[0-9]+")


class BadEpoch(ValueError):
    """SOURCE_DATE_EPOCH is set to something that is not a usable timestamp."""


def given_epoch() -> int | None:
    """SOURCE_DATE_EPOCH as an int, None when unset or empty; BadEpoch when it is malformed.

    The reproducible-builds specification asks for a malformed value to stop the build
    rather than be replaced silently, so that a typo cannot make outputs differ quietly.
    """
    value = os.environ.get(VARIABLE)
    if value is None or value == "":
        return None
    if not _DIGITS.fullmatch(value) or len(value) > len(str(LATEST)) or int(value) > LATEST:
        shown = value if len(value) <= 40 else value[:37] + "..."
        raise BadEpoch(
            f"{VARIABLE} must be a whole number of seconds since 1970-01-01 UTC, "
            f"from 0 to {LATEST} (2106-02-07); got {shown!r}. "
            f"Set it to a valid time or unset it (progen then uses the programme's start date)"
        )
    return int(value)


def spec_epoch(start: dt.date) -> int:
    """Midnight UTC on the programme's start date, brought inside 1970-01-01 .. 2106-02-07."""
    midnight = dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC)
    return min(max(int(midnight.timestamp()), 0), LATEST)


def build_epoch(start: dt.date) -> int:
    """The timestamp every output of a programme starting on `start` carries."""
    given = given_epoch()
    return spec_epoch(start) if given is None else given


@contextmanager
def source_date_epoch(start: dt.date) -> Iterator[None]:
    """SOURCE_DATE_EPOCH set for the renderers while they run, then put back as it was."""
    before = os.environ.get(VARIABLE)
    os.environ[VARIABLE] = str(build_epoch(start))
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(VARIABLE, None)
        else:
            os.environ[VARIABLE] = before

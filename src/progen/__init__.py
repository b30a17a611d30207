"""progen: bespoke leadership and team-development programmes for health and social care."""

__version__ = "0.1.0"

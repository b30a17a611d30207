"""The words a spec's codes stand for, and the facts each UK nation brings.

Codes in a spec are short and stable (`health-board`, `top-team`); readers see the words
here. A nation decides the bank-holiday calendar a programme avoids and the staff survey
its evaluation reads, so both live in one table rather than in `if`s.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = {
    "acute-trust": "acute trust",
    "community-trust": "community trust",
    "mental-health-trust": "mental health trust",
    "ambulance-trust": "ambulance trust",
    "primary-care": "primary care",
    "local-authority": "local authority",
    "voluntary": "voluntary organisation",
    "independent": "independent provider",
    "commissioner": "commissioner",
    "community": "community group",
    "health-board": "health board",
    "health-and-social-care-partnership": "health and social care partnership",
    "hospice": "hospice",
    "housing": "housing provider",
    "police": "police service",
    "fire-and-rescue": "fire and rescue service",
    "education": "education provider",
    "other": "other organisation",
}

LEVELS = {
    "top-team": "top team",
    "senior": "senior",
    "middle": "middle",
    "frontline": "frontline",
    "community": "community",
}


@dataclass(frozen=True)
class Nation:
    name: str
    holidays: str  # the programme.holidays calendar used when the spec names none
    staff_survey: str  # the national staff survey whose themes the evaluation reads


NATIONS = {
    "england": Nation("England", "england-and-wales", "NHS Staff Survey"),
    "wales": Nation("Wales", "england-and-wales", "NHS Wales staff survey"),
    "scotland": Nation("Scotland", "scotland", "iMatter staff experience survey"),
    "northern-ireland": Nation("Northern Ireland", "northern-ireland", "HSC staff survey"),
}

"""A valid region-scale programme spec for benchmarks: 20 organisations, 400 stakeholder
groups of about 5,000 people (some groups named person by person), 12 tasks whose
stakeholders overlap, and depends_on links between groups. Deterministic: the same seed
always gives the same text.

    .venv/bin/python bench/region_spec.py /tmp/region.yaml [seed]
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import yaml

HEADER = "# yaml-language-server: $schema=../schemas/programme.schema.json\n"
KINDS = (
    "acute-trust",
    "community-trust",
    "mental-health-trust",
    "ambulance-trust",
    "primary-care",
    "local-authority",
    "voluntary",
    "independent",
    "commissioner",
    "community",
)
LEVELS = ("top-team", "senior", "middle", "frontline", "community")
TOWNS = ("Northgate", "Eastbridge", "Southmoor", "Westfield", "Riverside", "Hillcrest", "Oakham")
ROLES = (
    "ward teams",
    "discharge leads",
    "therapists",
    "social workers",
    "pharmacists",
    "care home managers",
    "district nurses",
    "GPs",
    "carers",
    "paramedics",
)
GIVEN = ("Asha", "Tom", "Priya", "Sam", "Jo", "Kim", "Alex", "Ruth", "Dev", "Nia", "Owen", "Lena")
FAMILY = ("Patel", "Reed", "Brown", "Green", "White", "Okafor", "Hughes", "Khan", "Evans", "Lee")

ORGANISATIONS = 20
GROUPS = 400
TASKS = 12
PEOPLE = 5_000


def region(seed: int = 2027) -> dict:
    rng = random.Random(seed)
    organisations = [
        {
            "id": f"org-{o:02}",
            "name": f"Region organisation {o:02}",
            "kind": KINDS[o % len(KINDS)],
            "location": TOWNS[o % len(TOWNS)],
        }
        for o in range(ORGANISATIONS)
    ]
    # counts that add up to PEOPLE exactly: 12 or 13 a group, with some larger and smaller
    sizes = [PEOPLE // GROUPS] * GROUPS
    for g in range(PEOPLE - sum(sizes)):
        sizes[g * 7 % GROUPS] += 1
    for _ in range(100):
        a, b = rng.randrange(GROUPS), rng.randrange(GROUPS)
        move = min(rng.randint(1, 6), sizes[a] - 3)
        sizes[a] -= move
        sizes[b] += move
    groups = []
    for g in range(GROUPS):
        org = organisations[g % ORGANISATIONS]
        group: dict = {
            "id": f"group-{g:03}",
            "name": f"{ROLES[g % len(ROLES)].capitalize()} {g:03}",
            "organisation": org["id"],
            "level": LEVELS[g % len(LEVELS)],
        }
        if g % 9 == 0:
            group["location"] = rng.choice(TOWNS)
        if g % 10 == 3:  # every tenth group names its people
            names = [
                f"{GIVEN[(g + n) % len(GIVEN)]} {FAMILY[n % len(FAMILY)]} {g:03}-{n}"
                for n in range(sizes[g])
            ]
            group["people"] = names
        else:
            group["count"] = sizes[g]
        others = rng.sample([h for h in range(GROUPS) if h != g], k=rng.randint(0, 3))
        if others:
            group["depends_on"] = [f"group-{h:03}" for h in sorted(others)]
        groups.append(group)
    tasks = []
    for t in range(TASKS):
        # each task has its own block of groups plus a shared overlap with its neighbour
        own = range(t * GROUPS // TASKS, (t + 1) * GROUPS // TASKS)
        shared = rng.sample(range(GROUPS), k=12)
        members = sorted(set(own) | set(shared))
        tasks.append(
            {
                "id": f"task-{t:02}",
                "title": f"Shared task {t + 1}",
                "aim": f"Improve pathway {t + 1} across the region by March 2028",
                "topic": ("flow", "frailty", "mental-health")[t % 3],
                "measure": {
                    "name": "median days delayed",
                    "unit": "days",
                    "baseline": 6,
                    "target": 2,
                },
                "stakeholders": [f"group-{g:03}" for g in members],
            }
        )
    return {
        "version": 1,
        "programme": {
            "id": "region-benchmark",
            "title": "Region-scale benchmark programme",
            "start": "2027-01-12",
            "weeks": 52,
            "session_days": ["tue", "wed", "thu"],
            "holidays": "england-and-wales",
            "blackout": ["2027-04-06", "2027-12-28"],
            "contact_hours": 48,
            "set_size": [5, 7],
            "set_cadence_weeks": 4,
        },
        "context": {
            "stage": "improving",
            "summary": "A generated region of twenty organisations, for benchmarks.",
            "team_working": {"in_teams": 89, "real_teams": 41},
            "top_team_effective": False,
            "culture": ["siloed", "fatigued"],
        },
        "organisations": organisations,
        "tasks": tasks,
        "stakeholders": groups,
        "facilitators": [
            {"name": f"Set adviser {n}", "organisation": organisations[n]["id"]} for n in range(10)
        ],
        "evaluation": {
            "follow_up_months": 6,
            "measures": [{"name": "Readmissions", "source": "warehouse", "level": "results"}],
        },
    }


def region_text(seed: int = 2027) -> str:
    body = yaml.safe_dump(region(seed), sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


def write(path: Path, seed: int = 2027) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(region_text(seed), "utf-8")
    return path


if __name__ == "__main__":
    if not 2 <= len(sys.argv) <= 3:
        sys.exit("usage: region_spec.py OUTPUT.yaml [SEED]")
    out = write(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) == 3 else 2027)
    data = region(int(sys.argv[2]) if len(sys.argv) == 3 else 2027)
    people = sum(g.get("count", len(g.get("people", []))) for g in data["stakeholders"])
    print(f"wrote {out}: {len(data['stakeholders'])} groups, {people:,} people")

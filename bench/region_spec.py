"""A valid region-scale programme spec for benchmarks. By default: 20 organisations, 400
stakeholder groups of 5,000 people (every tenth group named person by person), 12 tasks
whose stakeholders overlap, 10 set advisers and depends_on links between groups.
Deterministic: the same arguments always give the same text.

    .venv/bin/python bench/region_spec.py /tmp/region.yaml [--seed N]
    .venv/bin/python bench/region_spec.py /tmp/largest.yaml --largest

`--largest` is the largest programme `progen validate` accepts: every count at its limit
(people, groups, organisations, tasks, set advisers, weeks), read from the schema and
progen's limits, with the smallest sets and the shortest cadence that keeps the set
meetings within progen's limit, so the most sets, each meeting the most times.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from progen.spec import limits
from progen.spec.schema import programme_schema

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


@dataclass(frozen=True)
class Scale:
    """How big a generated programme is."""

    people: int = 5_000
    groups: int = 400
    organisations: int = 20
    tasks: int = 12
    advisers: int = 10
    weeks: int = 52
    set_size: tuple[int, int] = (5, 7)
    cadence: int = 4
    seed: int = 2027


REGION = Scale()


def largest() -> Scale:
    """Every limit `progen validate` enforces, at its maximum: the most people, groups,
    organisations, tasks, advisers and weeks, the smallest sets, and the shortest cadence
    that keeps the set meetings within limits.MAX_SET_MEETINGS."""
    fields = programme_schema()["properties"]
    programme = fields["programme"]["properties"]
    low = programme["set_size"]["items"]["minimum"]
    weeks = programme["weeks"]["maximum"]
    cadence = programme["set_cadence_weeks"]["minimum"]
    while limits.MAX_PEOPLE // low * (weeks // cadence + 1) > limits.MAX_SET_MEETINGS:
        cadence += 1
    return Scale(
        people=limits.MAX_PEOPLE,
        groups=fields["stakeholders"]["maxItems"],
        organisations=fields["organisations"]["maxItems"],
        tasks=fields["tasks"]["maxItems"],
        advisers=fields["facilitators"]["maxItems"],
        weeks=weeks,
        set_size=(low, low + 1),
        cadence=cadence,
    )


def region(scale: Scale = REGION) -> dict:
    people, groups_n, tasks_n = scale.people, scale.groups, scale.tasks
    rng = random.Random(scale.seed)
    organisations = [
        {
            "id": f"org-{o:02}",
            "name": f"Region organisation {o:02}",
            "kind": KINDS[o % len(KINDS)],
            "location": TOWNS[o % len(TOWNS)],
        }
        for o in range(scale.organisations)
    ]
    # counts that add up to `people` exactly, with some groups larger and some smaller
    sizes = [people // groups_n] * groups_n
    for g in range(people - sum(sizes)):
        sizes[g * 7 % groups_n] += 1
    for _ in range(100):
        a, b = rng.randrange(groups_n), rng.randrange(groups_n)
        move = min(rng.randint(1, 6), sizes[a] - 3)
        sizes[a] -= move
        sizes[b] += move
    groups = []
    for g in range(groups_n):
        org = organisations[g % len(organisations)]
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
        others = rng.sample([h for h in range(groups_n) if h != g], k=rng.randint(0, 3))
        if others:
            group["depends_on"] = [f"group-{h:03}" for h in sorted(others)]
        groups.append(group)
    tasks = []
    for t in range(tasks_n):
        # each task has its own block of groups plus a shared overlap with other tasks
        own = range(t * groups_n // tasks_n, (t + 1) * groups_n // tasks_n)
        shared = rng.sample(range(groups_n), k=12)
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
            "weeks": scale.weeks,
            "session_days": ["tue", "wed", "thu"],
            "holidays": "england-and-wales",
            "blackout": ["2027-04-06", "2027-12-28"],
            "contact_hours": 30,
            "set_size": list(scale.set_size),
            "set_cadence_weeks": scale.cadence,
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
            {
                "name": f"Set adviser {n}",
                "organisation": organisations[n % len(organisations)]["id"],
            }
            for n in range(scale.advisers)
        ],
        "evaluation": {
            "follow_up_months": 6,
            "measures": [{"name": "Readmissions", "source": "warehouse", "level": "results"}],
        },
    }


def region_text(scale: Scale = REGION) -> str:
    body = yaml.safe_dump(region(scale), sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


def write(path: Path, scale: Scale = REGION) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(region_text(scale), "utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--seed", type=int, default=REGION.seed)
    parser.add_argument("--people", type=int, help="people in all (default 5,000)")
    parser.add_argument("--largest", action="store_true", help="every limit at its maximum")
    args = parser.parse_args()
    scale = replace(largest() if args.largest else REGION, seed=args.seed)
    if args.people:
        scale = replace(scale, people=args.people)
    out = write(args.output, scale)
    data = region(scale)
    people = sum(g.get("count", len(g.get("people", []))) for g in data["stakeholders"])
    print(f"wrote {out}: {len(data['stakeholders'])} groups, {people:,} people")


if __name__ == "__main__":
    main()

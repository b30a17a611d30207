"""The score set formation maximises: one weight table, the score, and its changes.

`set_score` and `total_score` say what a good set is; `mixing_change` and `set_value` are
the same score taken apart for the search, which keeps per-set counts and asks what one
person leaving or joining a set would change. Both read the weights from `WEIGHTS` and the
rules from `set_value`, so the score the search climbs is the score the tests check.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from math import ceil, isqrt

from progen.design.participants import Participant

# The weight table. Organisation weighs most because crossing organisational boundaries is
# the programme's reason to exist; level next because the system view needs grades that
# rarely meet; location last because it often follows organisation. A depends_on pair
# brought together counts like a level: it is the direct form of "the people who need each
# other meet".
WEIGHTS = {"organisation": 3, "level": 2, "location": 1, "depends_on": 2}
# The Participant fields counted as distinct values, in the order the search encodes them.
ATTRIBUTES = ("organisation", "level", "location")
ATTRIBUTE_WEIGHTS = tuple(WEIGHTS[a] for a in ATTRIBUTES)
_ORGANISATION, _LEVEL, _LOCATION = ATTRIBUTE_WEIGHTS  # as mixing_change reads them
PAIR_WEIGHT = WEIGHTS["depends_on"]

TOP_TEAM = "top-team"
# Fairness: a set's mixing counts as FAIR_SCALE x its square root, rounded down.
FAIR_SCALE = 100
# A broken rule costs more than any change of mixing a move between two sets can bring, so
# the search never trades a rule for mixing: rules first, then rank, then fair mixing.
RULE_PENALTY = 1_000_000
# Rank in the room: two groups of one organisation at different staff grades in one set
# (a manager with their own staff, an executive with the organisation's front line),
# unless one depends on the other's work: a stated hand-off belongs in the room, as the
# obstetricians their own midwives escalate to do. Each such pair costs more than mixing
# can repay and less than a rule, so the search keeps them apart wherever the rules allow.
# Community members hold no staff grade.
RANK_PENALTY = 10_000
STAFF_LEVELS = ("top-team", "senior", "middle", "frontline")

# A person as the search sees them: integer keys for organisation, level, location and
# group, drawn from disjoint ranges so one count table per set holds them all.
Key = tuple[int, int, int, int]
NOBODY: Key = (-1, -1, -1, -1)


@dataclass(frozen=True)
class FormedSet:
    task: str
    members: tuple[Participant, ...]


def mixing_score(members: Sequence[Participant], depends: frozenset[tuple[str, str]]) -> int:
    """How many boundaries one set crosses, weighted:

    3 x (distinct organisations - 1) + 2 x (distinct levels - 1) + 1 x (distinct locations - 1)
    + 2 x (depends_on pairs (a, b), a != b, with both group a and group b in the set).

    Counting distinct-minus-one makes a set of colleagues from one place score 0 and each
    extra kind of person score its weight. A pair listed both ways counts twice: each
    direction is a stated dependency.
    """
    if not members:
        return 0
    groups = {p.stakeholder for p in members}
    pairs = sum(1 for a, b in depends if a != b and a in groups and b in groups)
    distinct = (len({getattr(p, a) for p in members}) for a in ATTRIBUTES)
    return sum(w * (d - 1) for w, d in zip(ATTRIBUTE_WEIGHTS, distinct, strict=True)) + (
        PAIR_WEIGHT * pairs
    )


def top_team_cap(top_team_people: int, sets: int) -> int:
    """Most top-team members one set of a task may hold: the task's share per set, rounded up."""
    return ceil(top_team_people / sets) if sets else 0


def fair(mixing: int) -> int:
    """FAIR_SCALE x the square root of a set's mixing score, rounded down."""
    return _ROOTS[mixing] if mixing < len(_ROOTS) else isqrt(FAIR_SCALE * FAIR_SCALE * mixing)


# Every mixing score a set of up to 10 people (the schema's largest) can reach, precomputed
# because the search asks for them in its innermost loop.
_ROOTS = [isqrt(FAIR_SCALE * FAIR_SCALE * m) for m in range(1024)]


def top_team_excess(top_team: int, cap: int) -> int:
    """Top-team members one set holds beyond its task's share."""
    return max(0, top_team - cap)


def rank_pair(a: Participant, b: Participant, depends: frozenset[tuple[str, str]]) -> bool:
    """Whether a's and b's groups put rank in the room (see RANK_PENALTY)."""
    return (
        a.organisation == b.organisation
        and a.level != b.level
        and a.level in STAFF_LEVELS
        and b.level in STAFF_LEVELS
        and (a.stakeholder, b.stakeholder) not in depends
        and (b.stakeholder, a.stakeholder) not in depends
    )


def ranked(members: Sequence[Participant], depends: frozenset[tuple[str, str]]) -> int:
    """Pairs of the set's groups that put rank in the room (rank_pair)."""
    groups = list({p.stakeholder: p for p in members}.values())
    return sum(1 for i, a in enumerate(groups) for b in groups[i + 1 :] if rank_pair(a, b, depends))


def set_value(mixing: int, organisations: int, top_team: int, cap: int, rank: int = 0) -> int:
    """One set's part of the objective, from its running counts (see set_score)."""
    broken = (organisations == 1) + top_team_excess(top_team, cap)
    return fair(mixing) - RULE_PENALTY * broken - RANK_PENALTY * rank


def value_change(
    mixing: int,
    mixing_gain: int,
    organisations: int,
    organisations_gain: int,
    top_team: int,
    top_team_gain: int,
    cap: int,
    new_cap: int,
    rank_gain: int = 0,
) -> int:
    """set_value after the changes less set_value before, taken term by term so that the
    search's innermost loop skips the terms that cannot change (most moves change only
    the mixing and the count of organisations)."""
    change = fair(mixing + mixing_gain) - fair(mixing) if mixing_gain else 0
    if rank_gain:
        change -= RANK_PENALTY * rank_gain
    if organisations_gain:
        change -= RULE_PENALTY * ((organisations + organisations_gain == 1) - (organisations == 1))
    if top_team_gain or cap != new_cap:
        change -= RULE_PENALTY * (
            top_team_excess(top_team + top_team_gain, new_cap) - top_team_excess(top_team, cap)
        )
    return change


def set_score(members: Sequence[Participant], depends: frozenset[tuple[str, str]], cap: int) -> int:
    """What set formation maximises for one set: rules first, then fair mixing.

    Rules, each broken one costing RULE_PENALTY (more than mixing can ever repay, so the
    search keeps every rule it can): a set holds people from more than one organisation,
    and no more top-team members than `cap`, its task's share (`top_team_cap`). Several
    executives with one frontline member make a set nobody questions freely in; a set from
    one organisation brings no boundary into the room.

    Rank next, each pair of groups of one organisation at different staff grades costing
    RANK_PENALTY (`ranked`), unless one depends on the other: people rarely question their
    own line manager, or their organisation's executive, freely, so such groups sit in
    different sets wherever the rules allow. Grades still mix across organisations, and
    along stated hand-offs, which mixing rewards.

    Mixing counts fairly: the value is the square root of `mixing_score` (times FAIR_SCALE),
    so a boundary crossed in a poorly mixed set is worth more than one in a well-mixed set.
    Summed over sets this raises the least-mixed sets first and still rewards the total: it
    prefers three sets scoring 9, 9 and 9 to 16, 10 and 1, which a plain total cannot tell
    apart, and gives up a little total to lift a set far below the others. A per-set
    transform was chosen over "total + W x the worst set" because it keeps the effect of a
    move on mixing local to the two sets it touches, which the search needs to stay fast.
    """
    organisations = len({p.organisation for p in members})
    top_team = sum(1 for p in members if p.level == TOP_TEAM)
    return set_value(
        mixing_score(members, depends), organisations, top_team, cap, ranked(members, depends)
    )


def total_score(sets: Iterable[FormedSet], depends: frozenset[tuple[str, str]]) -> int:
    """Sum of set_score over sets, each task's top-team share taken from its own sets."""
    sets = tuple(sets)
    per_task: dict[str, list[int]] = {}
    for s in sets:
        tally = per_task.setdefault(s.task, [0, 0])
        tally[0] += sum(1 for p in s.members if p.level == TOP_TEAM)
        tally[1] += 1
    caps = {task: top_team_cap(*tally) for task, tally in per_task.items()}
    return sum(set_score(s.members, depends, caps[s.task]) for s in sets)


def empty_counts() -> dict[int, int]:
    """Key counts of a set with no members, as mixing_change reads them: NOBODY's key is
    always there twice, so "nobody" is never new to a set nor the last of their kind."""
    return {NOBODY[0]: 2}


def mixing_change(
    counts: dict[int, int],
    neighbours: dict[int, list[tuple[int, int]]],
    rank_pairs: dict[int, list[int]],
    out: Key,
    inn: Key,
) -> tuple[int, int, int]:
    """(change of mixing_score, change of distinct organisations, change of `ranked`) of
    one set when `out` leaves it and `inn` joins it; NOBODY stands for no one, for a plain
    join or leave. One pass for all three, as this is the search's innermost loop.

    `counts` holds how many members have each key (see empty_counts), with no zero
    entries; `neighbours` gives, per group key, the depends_on pairs with each other group
    (a pair listed both ways appears twice), as mixing_score counts them; `rank_pairs`,
    per group key, the groups it would put rank in the room with (rank_pair).
    """
    if out == inn:
        return 0, 0, 0
    (org_out, level_out, place_out, _), (org_in, level_in, place_in, _) = out, inn
    organisations = (org_in not in counts) - (counts[org_out] == 1) if org_out != org_in else 0
    mixing = _ORGANISATION * organisations
    if level_out != level_in:
        mixing += _LEVEL * ((level_in not in counts) - (counts[level_out] == 1))
    if place_out != place_in:
        mixing += _LOCATION * ((place_in not in counts) - (counts[place_out] == 1))
    old, new = out[3], inn[3]
    rank = 0
    if old != new:
        # plain loops, not sum() over generators: this is the search's innermost loop
        gone = counts[old] == 1
        if gone:
            for g, m in neighbours.get(old, ()):
                if g in counts:
                    mixing -= PAIR_WEIGHT * m
            for g in rank_pairs.get(old, ()):
                if g in counts:
                    rank -= 1
        if new not in counts:
            for g, m in neighbours.get(new, ()):
                if g in counts and not (gone and g == old):
                    mixing += PAIR_WEIGHT * m
            for g in rank_pairs.get(new, ()):
                if g in counts and not (gone and g == old):
                    rank += 1
    return mixing, organisations, rank

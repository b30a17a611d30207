"""The checks a schema cannot express: references, duplicates and feasibility.

They run on schema-valid data only, so every field they read has the right type.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from progen.errors import SHOWN_PROBLEMS, Problem
from progen.spec import limits
from progen.spec.load import Document
from progen.spec.schema import suggest

Check = Callable[[Document, dict], list[Problem]]


def _list(value: object) -> list:
    """A list the schema accepted; anything else makes the check stand down (a string or a
    mapping would otherwise be walked character by character, or key by key)."""
    if not isinstance(value, list):
        raise TypeError("not a list")
    return value


def _whole(value: object) -> int:
    """A whole number the schema accepted; true/false and text make the check stand down."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise TypeError("not a whole number")
    return int(value)


def _unique_ids(doc: Document, data: dict) -> list[Problem]:
    problems = []
    for section in ("organisations", "tasks", "stakeholders", "venues"):
        first: dict[str, int] = {}
        for i, item in enumerate(_list(data.get(section, []))):
            if item["id"] in first:
                line = doc.mark((section, first[item["id"]], "id")).line
                problems.append(
                    doc.problem(
                        (section, i, "id"),
                        f"duplicate id '{item['id']}' "
                        f"(already used at line {line}); ids must be unique",
                    )
                )
            else:
                first[item["id"]] = i
    return problems


_SET_ID = re.compile(r"set-[0-9]+")


def _set_names(doc: Document, data: dict) -> list[Problem]:
    """A group's calendar is calendars/<group id>.ics beside the sets' calendars/set-<n>.ics
    (SPEC.md section 5), so a group may not take a set's name."""
    return [
        doc.problem(
            ("stakeholders", i, "id"),
            f"'{group['id']}' is how progen names an action-learning set (its calendar is "
            f"calendars/{group['id']}.ics); choose another id for this group",
        )
        for i, group in enumerate(_list(data["stakeholders"]))
        if _SET_ID.fullmatch(group["id"])
    ]


def _references(doc: Document, data: dict) -> list[Problem]:
    known = {
        "organisation": list(dict.fromkeys(o["id"] for o in _list(data["organisations"]))),
        "stakeholder": list(dict.fromkeys(s["id"] for s in _list(data["stakeholders"]))),
        "venue": list(dict.fromkeys(v["id"] for v in _list(data.get("venues", [])))),
    }
    problems = []
    places: list[tuple[tuple, object, str]] = []  # (path, value, kind of id it names)
    for i, group in enumerate(data["stakeholders"]):
        places.append((("stakeholders", i, "organisation"), group["organisation"], "organisation"))
        for j, other in enumerate(_list(group.get("depends_on", []))):
            path = ("stakeholders", i, "depends_on", j)
            if other == group["id"]:
                problems.append(
                    doc.problem(
                        path, f"'{other}' depends on itself; list the other groups it relies on"
                    )
                )
            places.append((path, other, "stakeholder"))
    for i, task in enumerate(_list(data["tasks"])):
        for j, group in enumerate(_list(task["stakeholders"])):
            places.append((("tasks", i, "stakeholders", j), group, "stakeholder"))
    if "venue" in data["programme"]:
        places.append((("programme", "venue"), data["programme"]["venue"], "venue"))
    for i, org in enumerate(data["organisations"]):
        if "venue" in org:
            places.append((("organisations", i, "venue"), org["venue"], "venue"))
    for i, facilitator in enumerate(_list(data.get("facilitators", []))):
        if "organisation" in facilitator:
            places.append(
                (("facilitators", i, "organisation"), facilitator["organisation"], "organisation")
            )
    ids = {kind: set(names) for kind, names in known.items()}
    # a value of the wrong type has its schema problem already
    unknown = [(p, v, kind) for p, v, kind in places if isinstance(v, str) and v not in ids[kind]]
    # "did you mean" is for a few typos: thousands of unknown ids are not typos, and
    # comparing each with hundreds of known ids would take minutes
    hints = len(unknown) <= SHOWN_PROBLEMS
    for path, value, kind in unknown:
        names = known[kind]
        problems.append(
            doc.problem(
                path,
                f"'{value}' is not a known {kind} id{suggest(value, names) if hints else ''}; "
                + (
                    f"known: {', '.join(names[:12])}{', ...' if len(names) > 12 else ''}"
                    if names
                    else f"the spec lists no {kind}s yet"
                ),
            )
        )
    return problems


def group_size(group: dict) -> int:
    """People in a group: its count, or the number of names listed."""
    return group.get("count", len(_list(group.get("people", []))))


def _group_counts(doc: Document, data: dict) -> list[Problem]:
    problems = []
    for i, group in enumerate(_list(data["stakeholders"])):
        named = len(_list(group.get("people", [])))
        if "count" in group and _whole(group["count"]) < named:
            problems.append(
                doc.problem(
                    ("stakeholders", i, "count"),
                    f"count is {group['count']} but {named} people are "
                    f"named; make count at least {named} or leave it out",
                )
            )
        elif "count" not in group and named == 0:
            problems.append(
                doc.problem(
                    ("stakeholders", i),
                    "give the group a count of people or list their names under people",
                )
            )
    return problems


def set_bounds(data: dict) -> tuple[int, int]:
    low, high = _list(data["programme"].get("set_size", [5, 7]))
    return _whole(low), _whole(high)


def _programme(doc: Document, data: dict) -> list[Problem]:
    programme = data["programme"]
    problems = []
    low, high = set_bounds(data)
    if low > high:
        problems.append(
            doc.problem(
                ("programme", "set_size"),
                f"the smallest set ({low}) is "
                f"larger than the largest ({high}); write [{high}, {low}]",
            )
        )
    cadence = _whole(programme.get("set_cadence_weeks", 4))
    if _whole(programme["weeks"]) < 2 * cadence:
        problems.append(
            doc.problem(
                ("programme", "weeks"),
                f"{programme['weeks']} weeks leave "
                f"room for fewer than two set meetings every {cadence} weeks; "
                f"make weeks at least {2 * cadence} or set_cadence_weeks at "
                f"most {programme['weeks'] // 2}",
            )
        )
    return problems


def _task_sizes(doc: Document, data: dict) -> list[Problem]:
    low, _ = set_bounds(data)
    sizes = {s["id"]: _whole(group_size(s)) for s in _list(data["stakeholders"])}
    problems = []
    for i, task in enumerate(_list(data["tasks"])):
        groups = _list(task["stakeholders"])
        if not groups:
            continue  # the schema asks for at least one already
        people = sum(sizes.get(g, 0) for g in groups)
        if people < low:
            problems.append(
                doc.problem(
                    ("tasks", i, "stakeholders"),
                    f"task '{task['id']}' has "
                    f"{people} {'person' if people == 1 else 'people'}, too few for one "
                    "action-learning set "
                    f"of {low}; add stakeholders or lower programme.set_size",
                )
            )
    return problems


LAST_START_YEAR = 9990  # later starts leave the programme and its follow-up past 9999-12-31


def _start(doc: Document, data: dict) -> list[Problem]:
    start = dt.date.fromisoformat(data["programme"]["start"])
    if start.year <= LAST_START_YEAR:
        return []
    return [
        doc.problem(
            ("programme", "start"),
            f"'{start.isoformat()}' is too late a start: the programme's dates would run "
            "past the year 9999; check the year",
        )
    ]


def _people(doc: Document, data: dict) -> list[Problem]:
    total = sum(group_size(g) for g in _list(data["stakeholders"]) if isinstance(g, dict))
    if total <= limits.MAX_PEOPLE:
        return []
    return [
        doc.problem(
            ("stakeholders",),
            f"the groups hold {total:,} people; progen plans "
            f"programmes of up to {limits.MAX_PEOPLE:,}: split the system into "
            f"several programmes",
            at_key=True,
        )
    ]


def _set_meetings(doc: Document, data: dict) -> list[Problem]:
    """The most set meetings the spec can lead to, bounded before anything is planned.

    Every set has at least programme.set_size[0] people and meets at most once every
    set_cadence_weeks for the whole programme, so this bound holds whatever sets form;
    a build's time and memory grow with it (calendars, set pages, programme JSON).
    """
    programme = data["programme"]
    low, _ = set_bounds(data)
    cadence = _whole(programme.get("set_cadence_weeks", 4))
    weeks = _whole(programme["weeks"])
    in_tasks = {g for task in _list(data["tasks"]) for g in _list(task["stakeholders"])}
    people = sum(_whole(group_size(g)) for g in _list(data["stakeholders"]) if g["id"] in in_tasks)
    if low < 1 or cadence < 1 or people > limits.MAX_PEOPLE:
        return []  # the schema or the people limit has said what is wrong already
    meetings = people // low * (weeks // cadence + 1)
    if meetings <= limits.MAX_SET_MEETINGS:
        return []
    where = "set_cadence_weeks" if "set_cadence_weeks" in programme else "weeks"
    every = "every week" if cadence == 1 else f"every {cadence} weeks"
    return [
        doc.problem(
            ("programme", where),
            f"{people:,} people in action-learning sets of {low} or more, meeting {every} "
            f"for {weeks} weeks, could hold up to {meetings:,} set meetings; progen builds "
            f"programmes of up to {limits.MAX_SET_MEETINGS:,}: meet less often "
            "(set_cadence_weeks), make sets larger (set_size), shorten the programme or "
            "split it into several programmes",
        )
    ]


CHECKS: tuple[Check, ...] = (
    _people,
    _set_meetings,
    _unique_ids,
    _set_names,
    _references,
    _group_counts,
    _programme,
    _start,
    _task_sizes,
)


def check_problems(doc: Document) -> list[Problem]:
    """Problems the schema cannot see, found even when the schema found others.

    Users fix a file in one pass when they see everything at once, so each check
    runs on whatever shape the data has; one that meets a part the schema already
    rejected (a missing key, a number where a list belongs) stands down, because
    that part has its own schema error already.
    """
    problems: list[Problem] = []
    for check in CHECKS:
        try:
            problems += check(doc, doc.data)  # type: ignore[arg-type]
        except (KeyError, TypeError, AttributeError, ValueError):
            continue
    return problems

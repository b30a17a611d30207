"""The session catalogue: one Markdown file per module, front matter plus plan.

Modules are data so an organisation can add or replace them without touching
Python: files in a user folder override built-ins with the same id. Front matter
is checked against module.schema.json with the same located errors as specs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from itertools import islice, pairwise
from pathlib import Path

from jsonschema import Draft202012Validator

from progen.design import thresholds as t
from progen.design.model import LEVELS, AudienceRule
from progen.design.plan_shape import shape_problems
from progen.errors import Problem, UserError
from progen.resources import schemas_dir, templates_dir
from progen.spec.files import NotReadable, read_limited
from progen.spec.limits import CONTROL_CHARACTERS, MAX_BYTES
from progen.spec.load import decode, parse
from progen.spec.schema import checker, describe_errors

PHASES = ("launch", "foundations", "improvement", "development", "close")


@dataclass(frozen=True)
class Agenda:
    minutes: int
    item: str


@dataclass(frozen=True)
class Module:
    """One catalogue module. Who it is for, what it needs and where it goes are data, so an
    organisation can change them in a module file without touching Python."""

    id: str
    title: str
    summary: str
    phase: str
    emphasis: str
    order: int
    priority: int
    essential_when: tuple[str, ...]  # findings under which an optional module is essential
    min_minutes: int
    default_minutes: int
    max_minutes: int
    repeat: int
    audience: AudienceRule  # task is None here; per_task says it is filled in per task
    per_task: bool
    roles: tuple[str, ...]
    audience_note: str
    all_of: tuple[str, ...]
    any_of: tuple[str, ...]
    none_of: tuple[str, ...]
    kind: str | None  # e.g. problem-solving, accountability: what before_kinds refers to
    requires: tuple[str, ...]  # runs only when these run, and after them
    completed_by: tuple[str, ...]  # runs only when these run too (the rest of its cycle)
    after: tuple[str, ...]  # after these whenever both run
    before_kinds: tuple[str, ...]  # before every running module of these kinds
    after_set_meetings: int  # after every set's n-th meeting (0: no such rule)
    last: bool  # after every other session and every set meeting
    opens_sets: bool  # the sets start meeting after it, so it must leave them time
    in_person: bool  # never moved online: the session depends on trust built in the room
    evidence: tuple[str, ...]
    agenda: tuple[Agenda, ...]
    body: str
    source: str

    @property
    def levels(self) -> tuple[str, ...]:
        """The levels the module's audience rule can reach."""
        return self.audience.levels if self.audience.who == "levels" else LEVELS

    def selected_by(self, findings: frozenset[str]) -> bool:
        """All of all_of, one of any_of when given, and none of none_of."""
        return (
            set(self.all_of) <= findings
            and (not self.any_of or bool(findings & set(self.any_of)))
            and not findings & set(self.none_of)
        )

    @property
    def chosen_by(self) -> tuple[str, ...]:
        """The findings whose presence selects this module."""
        return (*self.all_of, *self.any_of)

    def essential(self, findings: frozenset[str]) -> bool:
        """Priority-1 modules are essential; others when a finding promises them (an early
        system's diagnosis promises clarity first, an 'improving' one the participative
        shift)."""
        return self.priority <= t.ESSENTIAL_PRIORITY or bool(findings & set(self.essential_when))


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads((schemas_dir() / "module.schema.json").read_text("utf-8"))
    return checker(schema)


def _split(path: Path, text: str) -> tuple[str, str]:
    """Front matter and body; the front matter keeps its line numbers (the '---' is line 1)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise UserError(
            [
                Problem(
                    str(path),
                    1,
                    1,
                    "",
                    "a module starts with a '---' line, then its front matter, then another '---'",
                )
            ]
        )
    for end, line in enumerate(lines[1:], 1):
        if line.strip() == "---":
            return "\n" + "".join(lines[1:end]), "".join(lines[end + 1 :]).strip() + "\n"
    raise UserError([Problem(str(path), 1, 1, "", "the front matter has no closing '---' line")])


def _consistency(doc, data: dict) -> list[Problem]:
    """What the module schema cannot say: lengths in order, an agenda that adds up,
    and evidence that is in the bibliography."""
    from progen.design.bibliography import bibliography

    problems = []
    low, default, high = (data["minutes"][k] for k in ("min", "default", "max"))
    if not low <= default <= high:
        problems.append(
            doc.problem(
                ("minutes",),
                f"minutes must satisfy min <= default <= max; got {low}, {default}, {high}",
            )
        )
    total = sum(a["minutes"] for a in data["agenda"])
    if total != default:
        problems.append(
            doc.problem(
                ("agenda",),
                f"the agenda adds up to {total} minutes but minutes.default is {default}",
            )
        )
    for i, key in enumerate(data.get("evidence", [])):
        if key not in bibliography():
            problems.append(doc.problem(("evidence", i), f"'{key}' is not in the bibliography"))
    return problems


def body_problems(file: str, text: str, body: str) -> list[Problem]:
    """A plan body longer, wider or more deeply nested than any facilitator writes,
    located at the line in the module file (the first ten such lines)."""
    offset = text[: text.find(body[:40])].count("\n") if body.strip() else 0
    found = islice(shape_problems(body), 10)
    return [Problem(file, offset + n, 1, "", message) for n, message in found]


def _module(path: Path) -> Module:
    try:
        raw = read_limited(path, MAX_BYTES, "module file")
    except NotReadable as err:
        raise UserError([Problem(str(path), 1, 1, "", err.reason)]) from None
    text = decode(str(path), raw)
    front, body = _split(path, text)
    doc = parse(str(path), front.encode("utf-8"), what="front matter")
    problems = describe_errors(doc, _validator())
    problems += body_problems(str(path), text, body)
    problems += _control_problems(doc, doc.data)
    data = doc.data
    if not problems and data["id"] != path.stem:  # type: ignore[index]
        problems.append(
            doc.problem(
                ("id",),
                f"id '{data['id']}' must match the file name "  # type: ignore[index]
                f"'{path.stem}'",
            )
        )
    if not problems:
        problems += _consistency(doc, data)  # type: ignore[arg-type]
    if problems:
        raise UserError(problems)
    d: dict = data  # type: ignore[assignment]
    audience, when = d["audience"], d.get("when", {})
    return Module(
        id=d["id"],
        title=d["title"],
        summary=d["summary"],
        phase=d["phase"],
        emphasis=d.get("emphasis", "neutral"),
        order=d.get("order", 50),
        priority=d.get("priority", 3),
        essential_when=tuple(d.get("essential_when", [])),
        min_minutes=d["minutes"]["min"],
        default_minutes=d["minutes"]["default"],
        max_minutes=d["minutes"]["max"],
        repeat=d.get("repeat", 1),
        audience=AudienceRule(
            audience["who"],
            tuple(audience.get("levels", [])),
            set_members=audience.get("set_members", False),
            line_managers=audience.get("line_managers", False),
        ),
        per_task=audience["who"] == "task" or audience.get("per_task", False),
        roles=tuple(audience.get("roles", [])),
        audience_note=audience.get("note", ""),
        all_of=tuple(when.get("all_of", [])),
        any_of=tuple(when.get("any_of", [])),
        none_of=tuple(when.get("none_of", [])),
        kind=d.get("kind"),
        requires=tuple(d.get("requires", [])),
        completed_by=tuple(d.get("completed_by", [])),
        after=tuple(d.get("after", [])),
        before_kinds=tuple(d.get("before_kinds", [])),
        after_set_meetings=d.get("after_set_meetings", 0),
        last=d.get("last", False),
        opens_sets=d.get("opens_sets", False),
        in_person=d.get("in_person", False),
        evidence=tuple(d.get("evidence", [])),
        agenda=tuple(Agenda(a["minutes"], a["item"]) for a in d["agenda"]),
        body=body,
        source=str(path),
    )


def _control_problems(doc, value: object, path: tuple = ()) -> list[Problem]:
    """Control characters in the front matter's text, located: a title printed by `plan`
    must not retitle the user's terminal."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _control_problems(doc, v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _control_problems(doc, v, (*path, i))]
    if isinstance(value, str) and (bad := CONTROL_CHARACTERS.search(value)):
        return [
            doc.problem(
                path, f"the text holds the control character U+{ord(bad[0]):04X}; delete it"
            )
        ]
    return []


def _must_follow(modules: list[Module]) -> dict[str, set[str]]:
    """Module id -> the ids it comes after, from every order rule in the catalogue."""
    kinds: dict[str, set[str]] = {}
    for m in modules:
        if m.kind:
            kinds.setdefault(m.kind, set()).add(m.id)
    follows = {m.id: set(m.requires) | set(m.after) for m in modules}
    for m in modules:
        for kind in m.before_kinds:
            for later in kinds.get(kind, ()):
                follows[later].add(m.id)
        if m.last:
            follows[m.id] |= {o.id for o in modules if o.id != m.id}
    return follows


def _order_problems(modules: list[Module]) -> list[Problem]:
    """Unknown module ids in requires/after, and order rules that go round in a circle
    (which no schedule could honour)."""
    known = {m.id for m in modules}
    problems = [
        Problem(m.source, 1, 1, key, f"'{ref}' is not a module id")
        for m in modules
        for key in ("requires", "completed_by", "after")
        for ref in getattr(m, key)
        if ref not in known
    ]
    follows = _must_follow(modules)
    if cycle := _circle(follows):
        source = next(m.source for m in modules if m.id == cycle[0])
        steps = ", ".join(f"{a} after {b}" for a, b in pairwise(cycle))
        problems.append(
            Problem(source, 1, 1, "after", f"the order rules go round in a circle: {steps}")
        )
    return problems


def _circle(follows: dict[str, set[str]]) -> list[str] | None:
    """Module ids a, b, ..., a where each comes after the next, if the rules hold a circle."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        for prior in sorted(follows.get(node, ())):
            if cycle := visit(prior, [*path, node]):
                return cycle
        done.add(node)
        return None

    return next((c for node in sorted(follows) if (c := visit(node, []))), None)


def load_catalogue(extra: Path | None = None) -> tuple[Module, ...]:
    """Built-in modules, overridden or extended by the *.md files in `extra`."""
    found: dict[str, Path] = {p.stem: p for p in sorted((templates_dir() / "modules").glob("*.md"))}
    if extra is not None:
        if not extra.is_dir():
            raise UserError([Problem(str(extra), 1, 1, "", "no such folder of modules")])
        found.update({p.stem: p for p in sorted(extra.glob("*.md"))})
    modules, problems = [], []
    from progen.design.plan_text import plan_template

    for path in found.values():
        try:
            module = _module(path)
            plan_template(module)  # a plan's template mistakes are found here, not mid-build
            modules.append(module)
        except UserError as err:
            problems += err.problems
    problems += _order_problems(modules)
    if problems:
        raise UserError(problems)
    return tuple(sorted(modules, key=lambda m: (PHASES.index(m.phase), m.order, m.id)))

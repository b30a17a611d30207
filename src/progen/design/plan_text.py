"""Facilitators' plans written from the programme's own facts.

A module's body is a template over the assembled programme, so no sentence in a
plan can contradict it: how often sets meet, whether every set has an adviser,
how many minutes each member gets in a round, how many times sets really meet,
the stage's emphasis, and whether another session the plan mentions runs at all.

Module bodies in a user's modules folder are untrusted. They render in a Jinja
sandbox that allows only what a plan needs (text, `if`, `set`, the helpers below
and a few plain filters): no loops, macros, includes or method calls, and string
growth is capped, so no module can hang or exhaust a build. Any mistake in one is
a UserError at the module file's line.

What a body can use:
  facts.stage, facts.movement            the stage and how the emphasis moves (as a sentence)
  facts.cadence, facts.set_length        'every five weeks', 'half a day'
  facts.sets, facts.advisers             the sets formed and the set advisers the spec names
  facts.every_set_advised                an adviser for each set when all sets meet at once
  facts.advised_sets                     sets with an adviser at their own first meeting
  facts.smallest_set, facts.largest_set  members in the smallest and largest set
  facts.set_meetings                     'three or four times': each set's real meetings
  facts.fewest_meetings, facts.most_meetings, facts.set_lifetime (meetings before re-contracting)
  facts.tasks, facts.collaborative
  session, task                          this session (minutes, occurrence, ...) and its task
  runs('module-id'), times('module-id')  whether, and how often, a module's sessions run
  earlier('module-id'), later('module-id')  whether one runs before or after this session
  title('module-id')                     the title of a module that runs
  minutes('Agenda item start')           this session's minutes for that agenda item
  met_before()                           how often sets have met before this session
  online()                               whether this session is held at an online venue
  n|words, n|counted('noun'), n|often    'five', 'five sets', 'twice'
  x|number                               14 for 14.0
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from itertools import islice
from pathlib import Path

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from progen.design import thresholds as t
from progen.design.catalogue import Module
from progen.design.model import Programme, Session
from progen.design.participants import participating_organisations
from progen.design.plan_shape import MAX_PLAN_CHARACTERS, shape_problems
from progen.design.venues import online_venues
from progen.errors import Problem, UserError
from progen.wording import context_words, counted, figure, joined, md_escape, number_word, quoted

TEMPLATE = "<template>"  # the file name Jinja gives a template compiled from a string
MAX_TEXT = 20_000  # characters one expression may produce
_OBJECT = re.compile(r"'[\w.]+\.(PlanFacts|Session|Task) object'")  # as errors name them

# The node types a plan needs; anything else (loops, macros, includes, ~ joins) is refused.
ALLOWED = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Const,
    nodes.Getattr,
    nodes.Getitem,
    nodes.Slice,
    nodes.If,
    nodes.CondExpr,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Neg,
    nodes.Pos,
    nodes.Compare,
    nodes.Operand,
    nodes.Add,
    nodes.Sub,
    nodes.Mul,
    nodes.Div,
    nodes.FloorDiv,
    nodes.Mod,
    nodes.Filter,
    nodes.Test,
    nodes.Call,
    nodes.Keyword,
    nodes.Assign,
)
MAX_CONSTANT = 10_000  # the largest number a plan may write: minutes, people, weeks
MAX_CONSTANT_TEXT = 1_000  # characters of one quoted text in a plan
FILTERS = (
    "abs", "capitalize", "default", "first", "int", "join", "last", "length", "lower",
    "max", "min", "round", "title", "upper",
)  # fmt: skip


def _span(low: int, high: int, noun: str = "times") -> str:
    """'four times', 'three or four times', 'two to six times'; once and twice by name."""
    if low == high:
        return {1: "once", 2: "twice"}.get(low, f"{number_word(low)} {noun}")
    joiner = " or " if high == low + 1 else " to "
    return f"{number_word(low)}{joiner}{number_word(high)} {noun}"


def _length(minutes: int) -> str:
    if minutes == t.SET_MINUTES:
        return "half a day"
    hours, rest = divmod(minutes, 60)
    return counted(hours, "hour") if not rest else counted(minutes, "minute")


@dataclass(frozen=True)
class Held:
    """One session that runs, as other plans may refer to it."""

    module: str
    title: str
    task: str | None
    when: tuple  # (date, start), to compare with another session


@dataclass(frozen=True)
class PlanFacts:
    """The facts of one assembled programme that session plans may state."""

    stage: str
    movement: str
    cadence: str
    set_length: str
    sets: int
    advisers: int
    advised_sets: int
    smallest_set: int
    largest_set: int
    set_meetings: str
    fewest_meetings: int
    most_meetings: int
    set_lifetime: int
    tasks: int
    collaborative: bool
    organisations: str  # the participating organisations' names, as prose
    summary: str  # the spec's local picture in its authors' words, or ""
    task_titles: str  # every task's title in quotes, as prose
    sponsors: dict[str, str]  # task id -> its senior and top-team groups' names, or ""
    held: tuple[Held, ...]  # every session that runs
    meetings: tuple[tuple, ...]  # each set's meeting dates
    online_venues: frozenset[str] = frozenset()  # the spec's online venues, as sessions name them

    @property
    def every_set_advised(self) -> bool:
        """Enough advisers for one in each set when all sets meet at once (a whole-room
        session); sets meeting on their own days may share advisers (`advised_sets`)."""
        return 0 < self.sets <= self.advisers


SUMMARY_QUOTED = 600  # characters of the organisers' summary a plan quotes
NAMED_AT_MOST = 8  # names a plan lists before it says "each of the 12 organisations"


def _named(names: list[str], noun: str) -> str:
    """The names as prose (Markdown-escaped), or 'each of the 12 <noun>' when there are too
    many to read out."""
    if len(names) > NAMED_AT_MOST:
        return f"each of the {len(names)} {noun}"
    return joined([md_escape(n) for n in names])


def plan_facts(p: Programme, titles: dict[str, str]) -> PlanFacts:
    """The facts of `p`; `titles` gives each module's title by id."""
    weeks = p.spec.programme.set_cadence_weeks
    sizes = [len(s.members) for s in p.sets] or [0]
    meetings = [len(s.meetings) for s in p.sets] or [0]
    return PlanFacts(
        stage=p.diagnosis.stage,
        movement=context_words()["stages"][p.diagnosis.stage]["movement"],
        cadence="every week" if weeks == 1 else f"every {counted(weeks, 'week')}",
        set_length=_length(p.sets[0].minutes if p.sets else t.SET_MINUTES),
        sets=len(p.sets),
        advisers=len(p.spec.facilitators),
        advised_sets=sum(1 for s in p.sets if s.facilitator),
        smallest_set=min(sizes),
        largest_set=max(sizes),
        set_meetings=_span(min(meetings), max(meetings)),
        fewest_meetings=min(meetings),
        most_meetings=max(meetings),
        set_lifetime=t.SET_LIFETIME_MEETINGS,
        tasks=len(p.spec.tasks),
        collaborative=p.diagnosis.has("collaborative"),
        organisations=_named(
            [o.name for o in p.spec.organisations if o.id in participating_organisations(p.spec)],
            "organisations",
        ),
        # spec text inside Markdown: escaped, so it reads as the organisers wrote it
        summary=md_escape(quoted(p.spec.context.summary, SUMMARY_QUOTED))
        if p.spec.context.summary
        else "",
        task_titles=_named([f"'{task.title}'" for task in p.spec.tasks], "tasks"),
        sponsors={
            task.id: _named(
                [
                    p.spec.stakeholder(g).name
                    for g in task.stakeholders
                    if p.spec.stakeholder(g).level in ("top-team", "senior")
                ],
                "groups",
            )
            for task in p.spec.tasks
        },
        held=tuple(Held(s.module, titles[s.module], s.task, (s.date, s.start)) for s in p.sessions),
        meetings=tuple(s.meetings for s in p.sets),
        online_venues=online_venues(p.spec),
    )


class _Sandbox(SandboxedEnvironment):
    """Calls only the plan helpers, and caps the text an operator can build."""

    intercepted_binops = frozenset({"+", "*", "%"})

    def call(self, context, obj, /, *args, **kwargs):
        if not getattr(obj, "plan_helper", False):
            raise SecurityError(f"{getattr(obj, '__name__', 'this')} cannot be called here")
        return obj(*args, **kwargs)

    def call_binop(self, context, operator, left, right):
        if operator == "%" and isinstance(left, str):  # "%0999999999d" % 1: a gigabyte
            raise SecurityError("text cannot be formatted with % in a session plan")
        for side in (left, right):
            if isinstance(side, (str, list, tuple)) and operator == "*":
                other = right if side is left else left
                if isinstance(other, int) and len(side) * other > MAX_TEXT:
                    raise SecurityError("that would make too long a text")
        for side in (left, right):
            if isinstance(side, int) and abs(side) > MAX_CONSTANT**2:
                raise SecurityError("that would make too large a number")
        out = super().call_binop(context, operator, left, right)
        if isinstance(out, (str, list, tuple)) and len(out) > MAX_TEXT:
            raise SecurityError("that would make too long a text")
        return out


def _helper(fn):
    fn.plan_helper = True
    return fn


@cache
def _environment() -> _Sandbox:
    env = _Sandbox(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
    env.filters = {name: env.filters[name] for name in FILTERS}
    env.filters["words"] = number_word
    env.filters["counted"] = counted
    env.filters["often"] = lambda n: _span(n, n)
    env.filters["number"] = figure
    env.globals = {}
    env.tests = {name: env.tests[name] for name in ("defined", "none", "number", "string")}
    return env


def _body_line(source: str) -> int:
    """The file line on which a module's body starts (after the front matter's closing
    '---' and any blank lines), so template line numbers can point into the file."""
    try:
        lines = Path(source).read_text("utf-8").splitlines()
    except OSError:
        return 1
    closing = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
    blank = next((i for i in range(closing + 1, len(lines)) if lines[i].strip()), closing + 1)
    return blank + 1


def _problem(module: Module, line: int | None, message: str) -> UserError:
    at = _body_line(module.source) + (line or 1) - 1
    return UserError([Problem(module.source, at, 1, "", f"in the session plan: {message}")])


@cache
def plan_template(module: Module) -> jinja2.Template:
    """The module body as a template, refusing any construct a plan does not need; a
    UserError at the module file's line for anything wrong with it."""
    env = _environment()
    try:
        tree = env.parse(module.body)
        found = list(tree.find_all(nodes.Node))
    except jinja2.TemplateSyntaxError as err:
        raise _problem(module, err.lineno, err.message or "template syntax error") from None
    except (RecursionError, MemoryError, ValueError):  # nested thousands deep, huge numbers
        raise _problem(
            module, None, "an expression is nested too deeply or holds too large a number"
        ) from None
    for node in found:
        if not isinstance(node, ALLOWED):
            name = type(node).__name__.lower()
            raise _problem(module, node.lineno, f"'{name}' is not allowed in a session plan")
        if isinstance(node, nodes.Filter) and node.name not in env.filters:
            raise _problem(module, node.lineno, f"no filter named '{node.name}'")
        if isinstance(node, nodes.Test) and node.name not in env.tests:
            raise _problem(module, node.lineno, f"no test named '{node.name}'")
        if isinstance(node, nodes.Const) and _too_big(node.value):
            raise _problem(module, node.lineno, "a number or text in the plan is too large")
    try:
        return env.from_string(tree)
    except (RecursionError, MemoryError):
        raise _problem(
            module, None, "an expression is nested too deeply or holds too large a number"
        ) from None


def _too_big(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return abs(value) > MAX_CONSTANT
    return isinstance(value, str) and len(value) > MAX_CONSTANT_TEXT


def _template_line(err: BaseException) -> int | None:
    frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename == TEMPLATE]
    return frames[-1].lineno if frames else None


def render_plan(module: Module, facts: PlanFacts, session: Session, task=None) -> str:
    """The module's body written out for `session` of the programme `facts` describe.

    `module` (not only its body) is taken so a mistake can be located in its file."""
    here = (session.date, session.start)

    def held(module_id: str) -> list[Held]:
        found = [h for h in facts.held if h.module == module_id]
        same = [h for h in found if h.task == session.task]
        return same if session.task and same else found

    @_helper
    def runs(module_id: str) -> bool:
        return bool(held(module_id))

    @_helper
    def times(module_id: str) -> int:
        return len(held(module_id))

    @_helper
    def earlier(module_id: str) -> bool:
        return any(h.when < here for h in held(module_id))

    @_helper
    def later(module_id: str) -> bool:
        return any(h.when > here for h in held(module_id))

    @_helper
    def title(module_id: str) -> str:
        found = held(module_id)
        if not found:
            raise LookupError(f"'{module_id}' does not run in this programme; test runs() first")
        return found[0].title

    @_helper
    def minutes(item: str) -> int:
        found = next((a.minutes for a in session.agenda if a.item.startswith(item)), None)
        if found is None:
            raise LookupError(f"no agenda item starts with '{item}'")
        return found

    @_helper
    def online() -> bool:
        return session.venue in facts.online_venues

    @_helper
    def met_before() -> str:
        counts = [sum(1 for d in dates if d < session.date) for dates in facts.meetings] or [0]
        return _span(min(counts), max(counts))

    context = {
        "facts": facts,
        "session": session,
        "task": task,
        "runs": runs,
        "times": times,
        "earlier": earlier,
        "later": later,
        "title": title,
        "minutes": minutes,
        "met_before": met_before,
        "online": online,
    }
    template = plan_template(module)
    try:
        text = _bounded(template.generate(context))
    except (RecursionError, MemoryError):
        raise _problem(module, None, "the plan's expressions are too deep or too large") from None
    except (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError) as err:
        message = err.message if isinstance(err, jinja2.TemplateError) else str(err)
        message = _OBJECT.sub(lambda m: m.group(1).lower().removeprefix("plan"), message or "")
        raise _problem(module, _template_line(err), message or type(err).__name__) from None
    for _, message in islice(shape_problems(text), 1):
        raise _problem(module, None, f"written out for {session.title}, {message}")
    return text.strip() + "\n"


def _bounded(chunks: Iterator[str]) -> str:
    """The rendered plan, stopped as soon as it is longer than a plan may be: each
    expression is capped, but a body of many capped expressions could still write
    hundreds of megabytes before a check on the finished text could refuse it."""
    text, size = [], 0
    for chunk in chunks:
        text.append(chunk)
        size += len(chunk)
        if size > MAX_PLAN_CHARACTERS:
            break
    return "".join(text)


def with_plans(p: Programme, catalogue: tuple[Module, ...]) -> Programme:
    """The programme with each session's plan written from its module's body."""
    modules = {m.id: m for m in catalogue}
    facts = plan_facts(p, {m.id: m.title for m in catalogue})
    tasks = {task.id: task for task in p.spec.tasks}
    sessions = tuple(
        replace(s, plan=render_plan(modules[s.module], facts, s, tasks.get(s.task or "")))
        for s in p.sessions
    )
    return replace(p, sessions=sessions)

"""Every task a group serves holds at least one of its members where the set sizes allow
(design/set_shares.py), and a group left out of a task is told so."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from progen.design import set_shares
from progen.design.assemble import assemble
from progen.design.participants import Participant, tasks_served
from progen.design.set_score import FormedSet
from progen.design.set_shares import absent_warnings
from progen.spec.load import parse
from progen.spec.validate import validate_document

# Four survivors and four therapists serve both tasks; before the repair the set search put
# all of them in the discharge sets and "Life after stroke" heard from neither group.
STROKE = (Path(__file__).parent / "specs" / "lagan-stroke.yaml").read_text("utf-8")

EMPTY = """
version: 1
programme: {id: empty, title: E, start: 2027-03-02, weeks: 26, set_size: [5, 5]}
context: {stage: improving}
organisations: [{id: o1, name: Org One, kind: acute-trust, location: Town}]
tasks:
  - {id: t1, title: Task one, aim: Improve one, stakeholders: [execs, shared]}
  - {id: t2, title: Task two, aim: Improve two, stakeholders: [shared]}
stakeholders:
  - {id: execs, name: Executives, organisation: o1, level: top-team, count: 5}
  - {id: shared, name: Nurses, organisation: o1, level: frontline, count: 5}
facilitators: [{name: Ann Adviser, organisation: o1}]
"""


def spec_of(text: str):
    return validate_document(parse("spec.yaml", text.encode()))


def presence(p) -> Counter:
    return Counter((m.stakeholder, s.task) for s in p.sets for m in s.members)


def test_each_task_hears_from_every_group_that_serves_it_unless_a_rule_forbids():
    """Therapists move into 'Life after stroke'; the survivors cannot, as each is the only
    member from outside the trust in a discharge set, and a set from one organisation is
    the worse fault: they are warned about instead. Sizes and rules hold."""
    p = assemble(spec_of(STROKE))
    here = presence(p)
    warned = {w.path for w in absent_warnings(p.spec, p.sets)}
    groups = [g.id for g in p.spec.stakeholders]
    for group, tasks in tasks_served(p.spec).items():
        for task in tasks:
            if not here[(group, task)]:
                assert f"stakeholders[{groups.index(group)}]" in warned, (group, task)
    assert here[("therapists", "life-after")] >= 1
    assert warned == {f"stakeholders[{groups.index('stroke-survivors')}]"}
    low, high = p.spec.programme.set_size
    assert all(low <= len(s.members) <= high for s in p.sets)
    assert all(len({m.organisation for m in s.members}) > 1 for s in p.sets)


def test_a_group_the_set_sizes_keep_out_of_a_task_is_warned_about():
    p = assemble(spec_of(EMPTY))
    [warning] = [w for w in p.warnings if "none of Nurses" in w.message]
    assert warning.path == "stakeholders[1]"
    assert "'Task one'" in warning.message


def test_a_move_keeps_the_running_counts_a_count_of_the_sets():
    """Set b has room, so group g reaches task b by moving p there; the repair keeps its
    (group, task) counts up to date instead of recounting every member each time."""

    def person(name, group, organisation, tasks):
        return Participant(name, group, organisation, "frontline", "town", tasks)

    p = person("p", "g", "o1", ("a", "b"))
    sets = [
        FormedSet("a", (p, *(person(f"x{i}", "h", "o2", ("a",)) for i in range(2)),
                        person("w", "n", "o4", ("a",)))),
        FormedSet("b", (person("y", "k", "o3", ("b",)), person("z", "m", "o2", ("b",)))),
    ]  # fmt: skip
    counts = set_shares._count(sets)
    assert set_shares._place(sets, counts, (2, 4), p, 0, "b")
    assert [m.name for m in sets[0].members] == ["x0", "x1", "w"]
    assert [m.name for m in sets[1].members] == ["y", "z", "p"]
    assert +counts == set_shares._count(sets)  # unary plus drops the zero counts


def test_a_swap_keeps_the_running_counts_a_count_of_the_sets():
    """Both sets are full, so the only way for group g into task b is a swap with q, who
    serves task a too and whose group stays in b without them."""

    def person(name, group, organisation, tasks):
        return Participant(name, group, organisation, "frontline", "town", tasks)

    p = person("p", "g", "o1", ("a", "b"))
    q = person("q", "k", "o3", ("a", "b"))
    sets = [
        FormedSet("a", (p, person("x1", "h", "o2", ("a",)), person("x2", "h", "o2", ("a",)))),
        FormedSet("b", (q, person("y", "k", "o3", ("b",)), person("z", "m", "o2", ("b",)))),
    ]
    counts = set_shares._count(sets)
    assert set_shares._place(sets, counts, (3, 3), p, 0, "b")
    assert [m.name for m in sets[0].members] == ["x1", "x2", "q"]
    assert [m.name for m in sets[1].members] == ["y", "z", "p"]
    assert +counts == set_shares._count(sets)  # unary plus drops the zero counts

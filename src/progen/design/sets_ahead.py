"""Set formation started early, in a second process, so a large plan uses both cores.

Forming the sets is the longest step of a large plan, and it needs nothing but the spec:
the module catalogue, the calendar, the budget and the schedule that validation and
assembly work out first do not change who sits in which set. So once a spec of
AHEAD_PEOPLE people or more has passed the schema, `start` forks a child that forms its
sets while the parent goes on, and `sets_for` takes the child's answer when the plan needs
the sets. The answer is the same either way: the search is seeded and counts evaluations,
not time.

Whenever the child cannot help, the sets are formed in-process instead, so the plan never
depends on which way they came: no `os.fork` (not POSIX), other threads running (a fork
copies their locks, held or not: `progen serve`), a small spec (a second process would
cost more than the search), or a child that failed (a spec whose sets cannot be formed
fails in-process with its own error).
"""

from __future__ import annotations

import marshal
import os
import signal
import threading
from dataclasses import dataclass

from progen.design.participants import dependency_pairs, expand_participants
from progen.design.set_score import FormedSet
from progen.design.set_shares import shared_out
from progen.design.sets import form_sets
from progen.orphans import die_with
from progen.spec.model import Spec

# People at which the set search takes about a tenth of a second (93 people: 0.12 s, its
# evaluation budget nearly spent), several times what forking and handing back the answer
# cost (about 10 ms); below it the sets are formed in-process.
AHEAD_PEOPLE = 100
# Children kept waiting for a plan at once: a build validates its specs one after
# another; past this many, the oldest is stopped rather than left working.
_WAITING = 4


def formed_sets(spec: Spec) -> tuple[FormedSet, ...]:
    """The spec's sets as the search forms them (sets.form_sets), each task then holding
    a member of every group that serves it where a move allows (set_shares.shared_out)."""
    people = expand_participants(spec)
    tasks = [task.id for task in spec.tasks]
    found = form_sets(people, tasks, spec.programme.set_size, dependency_pairs(spec))
    return shared_out(spec, found)


@dataclass(frozen=True)
class _Child:
    spec: Spec
    pid: int
    answer: int  # the read end of the pipe the child writes its sets to


_waiting: dict[int, _Child] = {}


def start(spec: Spec) -> None:
    """Begin forming the spec's sets in a child process, where that can help."""
    if (
        not hasattr(os, "fork")
        or not hasattr(signal, "pthread_sigmask")
        or threading.active_count() > 1
        or id(spec) in _waiting
        or len(expand_participants(spec)) < AHEAD_PEOPLE
    ):
        return
    while len(_waiting) >= _WAITING:
        _stop(_waiting.pop(next(iter(_waiting))))
    parent = os.getpid()
    # Ctrl-C waits until the fork is done: Python runs its after-fork hooks inside
    # os.fork() and drops any exception raised in them, KeyboardInterrupt included.
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no process to spare (a process limit): form them here later
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: answer, then leave without running the parent's clean-up
            code = 1
            try:
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)
                os.close(read)
                die_with(parent)
                with os.fdopen(write, "wb") as out:
                    out.write(_encoded(spec, formed_sets(spec)))
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        _waiting[id(spec)] = _Child(spec, pid, read)
    except OSError:  # no pipe to spare (a file limit): form them here later
        return
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def discard(spec: Spec) -> None:
    """Stop the child forming a spec's sets when the plan will not need them (the spec
    failed validation), rather than leave it working for nobody."""
    child = _waiting.pop(id(spec), None)
    if child is not None:
        _stop(child)


def sets_for(spec: Spec) -> tuple[FormedSet, ...]:
    """formed_sets(spec): the child's answer when one was started for this spec, else
    worked out here."""
    child = _waiting.pop(id(spec), None)  # holds its spec, so no other spec has that id
    answer = _reap(child) if child else b""
    return _decoded(spec, answer) if answer else formed_sets(spec)


def _stop(child: _Child) -> None:
    os.kill(child.pid, signal.SIGKILL)
    os.close(child.answer)
    os.waitpid(child.pid, 0)


def _reap(child: _Child) -> bytes:
    """Everything the child wrote, once it has exited; nothing unless it succeeded."""
    chunks = []
    with os.fdopen(child.answer, "rb") as answer:
        while chunk := answer.read(1 << 16):
            chunks.append(chunk)
    _, status = os.waitpid(child.pid, 0)
    return b"".join(chunks) if os.waitstatus_to_exitcode(status) == 0 else b""


def _encoded(spec: Spec, sets: tuple[FormedSet, ...]) -> bytes:
    """Each set as its task and its members' places in expand_participants(spec), which
    the parent works out the same way."""
    index = {p: i for i, p in enumerate(expand_participants(spec))}
    return marshal.dumps([(s.task, [index[m] for m in s.members]) for s in sets])


def _decoded(spec: Spec, data: bytes) -> tuple[FormedSet, ...]:
    people = expand_participants(spec)
    return tuple(
        FormedSet(task, tuple(people[i] for i in members)) for task, members in marshal.loads(data)
    )

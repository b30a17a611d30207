"""Jobs run side by side in forked processes, at most as many at once as there are cores.

A build's work is a few long, independent, CPU-bound jobs (each programme's handbook
PDF, and everything else of each programme: publish.programme). Forked children inherit
the assembled programmes and the imported renderers without pickling or importing them
again; each reports its stages as they finish, and how it ended, through a pipe. Each
job writes its own files, so the output is byte for byte what running the jobs one
after another in this process writes, which is what happens with one worker, where
fork is unavailable, or for a job no process can be started for (a process limit).

A job's failure is raised here as the exception the job raised (a located UserError, an
OSError naming its file), and the jobs still running are stopped first. Ctrl-C is the
parent's to handle: children ignore SIGINT and are terminated when the parent stops for
any reason; on Linux they are killed with it even when it is killed outright.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait

from progen.orphans import die_with
from progen.publish.programme import Job


class JobFailed(RuntimeError):
    """A job's failure that could not be carried back as the exception itself."""


class ChildTraceback(Exception):
    """Where a job failed in its child process (the traceback's text): the cause of the
    exception raised here, so that a bug's report still shows where it happened."""


def cores() -> int:
    """The cores this process may run on (its affinity, where the system tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def run(
    jobs: Sequence[Job],
    workers: int,
    stage_done: Callable[[int, str, float], None],
    ended: Callable[[int], None],
) -> None:
    """Run every job, at most `workers` at once, in the order given as workers come free.
    `stage_done(i, stage, seconds)` hears job i's stages as they finish, `ended(i)` its
    end, both in this process; the first failure stops the rest and is raised."""
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for i, job in enumerate(jobs):
            job(lambda stage, seconds, i=i: stage_done(i, stage, seconds))
            ended(i)
        return
    context = multiprocessing.get_context("fork")
    waiting = list(enumerate(jobs))
    running: dict[Connection, tuple[int, multiprocessing.process.BaseProcess]] = {}
    try:
        while waiting or running:
            while waiting and len(running) < workers:
                i, job = waiting.pop(0)
                receive, send = context.Pipe(duplex=False)
                child = context.Process(target=_child, args=(send, job, os.getpid()), daemon=True)
                try:
                    child.start()
                except OSError:  # no process to spare (a process limit)
                    send.close()
                    receive.close()
                    if running:  # try again when a running job frees its process
                        waiting.insert(0, (i, job))
                        break
                    job(lambda stage, seconds, i=i: stage_done(i, stage, seconds))
                    ended(i)  # ran here, as with one worker
                    continue
                send.close()
                running[receive] = (i, child)
            if not running:
                continue
            for receive in wait(list(running)):
                i, child = running[receive]
                message = _heard(receive, child)
                if message[0] == "stage":
                    stage_done(i, message[1], message[2])
                    continue
                del running[receive]
                child.join()
                receive.close()
                if message[0] == "failed":
                    _, err, trace = message
                    raise err from ChildTraceback(trace)
                ended(i)
    finally:
        for receive, (_, child) in running.items():
            child.terminate()
            child.join()
            receive.close()


def _heard(receive: Connection, child) -> tuple:
    """The child's next message; a child that died without a word failed."""
    try:
        return receive.recv()
    except EOFError:
        child.join()
        stopped = JobFailed(f"a build process stopped (exit code {child.exitcode})")
        return ("failed", stopped, "it sent no word of why")


def _child(send: Connection, job: Job, parent: int) -> None:
    """In the forked child: run `job`, telling the parent each stage and how it ended."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us on Ctrl-C
    die_with(parent)
    try:
        job(lambda stage, seconds: send.send(("stage", stage, seconds)))
    except BaseException as err:
        send.send(("failed", _carried(err), "".join(traceback.format_exception(err))))
    else:
        send.send(("done",))
    finally:
        send.close()


def _carried(err: BaseException) -> BaseException:
    """`err` as the parent can receive it: itself when it survives pickling, else its type
    and message (the traceback travels beside it, as text: pickling drops it)."""
    try:
        return pickle.loads(pickle.dumps(err))
    except Exception:
        return JobFailed(f"{type(err).__name__}: {err}")

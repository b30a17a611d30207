"""The handbook PDF laid out in a second process while this one writes everything else.

WeasyPrint's layout is the slowest step of a build and uses one core; the site, the
records template, the calendars and the CSVs take about as long again on the other. A
forked child inherits the assembled programme without copying or pickling it, writes its
one file and reports how it ended through a pipe, so the output is byte for byte what a
serial build writes. Where fork is unavailable the work runs here, in turn.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable


class BackgroundFailed(RuntimeError):
    """The child's failure, named as it happened there."""


def _run(send, fn: Callable[..., None], args: tuple) -> None:
    try:
        fn(*args)
    except BaseException as err:  # reported to the parent, which raises it there
        send.send(f"{type(err).__name__}: {err}")
    else:
        send.send(None)
    finally:
        send.close()


def started(fn: Callable[..., None], *args) -> Callable[[bool], None]:
    """Start `fn(*args)` beside this process; the returned `finish(ok)` waits for it and
    raises its failure, or, when `ok` is false (this process failed meanwhile), stops it."""
    if "fork" not in multiprocessing.get_all_start_methods():
        fn(*args)
        return lambda ok: None
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_run, args=(send, fn, args), daemon=True)
    child.start()
    send.close()

    def finish(ok: bool) -> None:
        if not ok:
            child.terminate()
            child.join()
            return
        try:
            outcome = receive.recv()
        except EOFError:  # the child died without a word (killed, out of memory)
            outcome = f"the process laying out the PDF stopped (exit code {child.exitcode})"
        child.join()
        receive.close()
        if outcome is not None:
            raise BackgroundFailed(outcome)

    return finish

"""Child processes that do not outlive the process that started them."""

from __future__ import annotations

import os
import signal

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with(parent: int) -> None:
    """Have the kernel kill this child when the parent dies (Linux), so that a killed
    build or plan leaves no process working on for nobody (a build's into its abandoned
    staging folder)."""
    import ctypes  # here, in the child: the validate and plan paths never load it

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the parent's terminate() still applies
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)

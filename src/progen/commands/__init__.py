"""What each `progen` command does, one module per command, apart from the command line.

`progen.cli` parses options and prints; the modules here hold each command's flow, so
that `serve`, the tests and the benchmarks run the same flow the command line does.
A user's mistake is raised as `progen.errors.UserError` (located problems) or as
`Refused` (a usage mistake) or `Failed` (a file progen cannot write or read), which
the command line prints once.
"""


class Refused(ValueError):
    """The command was asked for something it cannot do as asked (exit status 2)."""


class Failed(RuntimeError):
    """The command could not do what it was asked, through no mistake in the spec (exit 1)."""

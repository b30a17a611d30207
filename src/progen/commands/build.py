"""`progen build`: validate (and so assemble) every spec, then publish each programme.

The flow, in the order it runs:

1. check SOURCE_DATE_EPOCH and validate ALL specs, which assembles each programme
   (commands.validate); any problem stops the build before anything is written;
2. take the output folder's lock and repair what a killed build left (publish.staging);
3. per programme, skip it when its content hash matches the manifest of its last good
   output (publish.content_hash);
4. check that progen wrote everything it is about to replace (publish.ownership):
   anything else in the way stops the build, naming it, before any work is done;
5. publish each remaining programme into a staging folder inside the output (site,
   handbook PDF, programme.json, calendars, CSVs; publish.programme), with a manifest of
   the files written: the programmes' jobs run side by side on every core
   (publish.parallel), each stage announced as it finishes;
6. only when every programme succeeded, check again, swap each new folder into place and
   rewrite site/index.html from what is now published (publish.staging, publish.index).

A failure at any step leaves the output folder as it was. Timestamps come from
SOURCE_DATE_EPOCH (or the spec's start date, see publish.timestamps) so the same inputs
give the same bytes, however many jobs run at once.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from progen.commands.validate import validated
from progen.publish import parallel, programme
from progen.publish.content_hash import content_hash, records_digest, shared_digest, up_to_date
from progen.publish.ownership import OutputInTheWay, index_problems, programme_problems
from progen.publish.staging import locked, recover, staging, swap_in
from progen.publish.timestamps import given_epoch
from progen.spec.find import as_typed, modules_folder

# The order stages are listed in a programme's line, whatever order they finished in.
STAGES = ("validate", "site", "report", "records template", "files", "pdf", "manifest")


@dataclass
class Outcome:
    """What happened to one programme: 'built' or 'up to date', and each stage's seconds."""

    id: str
    source: str
    status: str = "built"
    timings: dict[str, float] = field(default_factory=dict)

    def line(self) -> str:
        order = sorted(self.timings, key=lambda s: STAGES.index(s) if s in STAGES else len(STAGES))
        stages = [f"{name} {self.timings[name]:.2f} s" for name in order]
        if self.status != "built":
            stages.append(self.status)
        return f"{self.id}: " + " · ".join(stages)


def stage_line(pid: str, stage: str, seconds: float) -> str:
    """The progress line for one stage of one programme, printed as the stage finishes
    (to standard error: standard output may be JSON); indented, so that the line summing
    up each programme stands out among them."""
    return f"  {pid}: {stage} done in {seconds:.2f} s"


def in_the_way(out: Path, pids: Sequence[str]) -> None:
    """Raise OutputInTheWay naming everything a build replacing `pids` and the index would
    lose that progen did not write; return when there is nothing."""
    problems = index_problems(out / "index.html")
    for pid in pids:
        problems += programme_problems(out / pid, pid)
    if problems:
        raise OutputInTheWay(problems)


def build(
    spec_paths: Sequence[Path],
    out: Path,
    modules_dir: Path | None = None,
    *,
    force: bool = False,
    echo: Callable[[str], None] = print,
    progress: Callable[[str], None] = lambda line: None,
    warned: Callable[[list], None] = lambda warnings: None,
    records_dir: Path | None = None,
    workers: int | None = None,
) -> list[Outcome]:
    """Validate, assemble and publish the specs into `out`; see the module docstring.
    Each spec uses `modules_dir` when given, else the modules beside its own programmes/.
    At most `workers` jobs run at once (default: one per core; 1 runs them one after
    another in this process). `echo` hears a line per programme as it is done and one for
    the whole build; `progress`, a line per programme and stage as each finishes.

    Raises BadEpoch when SOURCE_DATE_EPOCH is malformed, UserError (with every problem)
    when a spec or module is wrong, OutputInTheWay when something progen did not write
    is where it would write; `out` is then untouched.
    `warned` hears every spec's warnings once all are valid, before anything is written
    (the command stops there under --strict).
    Returns one Outcome per spec, in the order given.
    """
    began = time.perf_counter()
    given_epoch()  # a malformed SOURCE_DATE_EPOCH stops the build before any work
    outcomes = _validated_outcomes(spec_paths, modules_dir, records_dir, progress)
    warned([w for found, _ in outcomes for w in found.warnings])
    created = not os.path.lexists(out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        with locked(out):
            for name in recover(out):
                echo(f"{as_typed(out / name)}: put back after an interrupted build")
            _publish_all(
                outcomes, out, modules_dir, force, echo, progress, workers or parallel.cores()
            )
    except BaseException:
        if created and not any(out.iterdir()):
            out.rmdir()
        raise
    built = sum(o.status == "built" for _, o in outcomes)
    echo(
        f"{as_typed(out)}/index.html: {len(outcomes)} programme{'s' * (len(outcomes) != 1)} "
        f"({built} built, {len(outcomes) - built} up to date) "
        f"in {time.perf_counter() - began:.2f} s"
    )
    return [outcome for _, outcome in outcomes]


def _validated_outcomes(
    spec_paths: Sequence[Path],
    modules_dir: Path | None,
    records_dir: Path | None,
    progress: Callable[[str], None],
) -> list[tuple]:
    """Every spec validated, each with its Outcome holding the seconds that took, or one
    UserError carrying every problem in every file."""
    seconds: dict[str, float] = {}
    began = time.perf_counter()

    def timed_each(found) -> None:
        nonlocal began
        pid = found.spec.programme.id
        seconds[pid] = time.perf_counter() - began
        progress(stage_line(pid, "validate", seconds[pid]))
        began = time.perf_counter()

    checked = validated(spec_paths, modules_dir, timed_each, records_dir)
    outcomes = []
    for found in checked:
        spec = found.programme.spec
        outcome = Outcome(spec.programme.id, spec.source)
        outcome.timings["validate"] = seconds[outcome.id]
        outcomes.append((found, outcome))
    return outcomes


def _publish_all(
    outcomes: list[tuple],
    out: Path,
    modules_dir: Path | None,
    force: bool,
    echo: Callable[[str], None],
    progress: Callable[[str], None],
    workers: int,
) -> None:
    """Steps 3 to 6 of the module docstring, for `build`, which holds the output's lock."""
    from progen.publish.index import write_index

    shared = functools.cache(shared_digest)
    stale = []
    for found, outcome in outcomes:
        modules = modules_folder(found.path, modules_dir)
        records = found.records
        wanted = content_hash(found.path.read_bytes() + records_digest(records), shared(modules))
        if not force and up_to_date(out / outcome.id, outcome.id, wanted):
            outcome.status = "up to date"
            echo(outcome.line())
        else:
            stale.append((found, outcome, wanted))
    pids = [outcome.id for _, outcome, _ in stale]
    in_the_way(out, pids)
    if stale:
        with staging(out) as temp:
            _publish_stale(stale, temp / "new", echo, progress, workers)
            in_the_way(out, pids)  # again: the user may have put something there meanwhile
            swap_in([(temp / "new" / pid, out / pid) for pid in pids], temp / "old")
            write_index(out)  # before the old copies go, so a kill here is repaired
    else:
        write_index(out)


def _publish_stale(
    stale: list[tuple],
    new: Path,
    echo: Callable[[str], None],
    progress: Callable[[str], None],
    workers: int,
) -> None:
    """Each stale programme published into new/<id>, its jobs on `workers` processes; a
    programme's line is printed as soon as its last job ends."""
    from progen.publish.ownership import write_manifest

    rendering = programme.renderers()  # imported once, here, for every job to inherit
    per_programme = [
        programme.jobs(found.programme, found.records, new / outcome.id, rendering)
        for found, outcome, _ in stale
    ]
    slots = [(k, i) for k, mine in enumerate(per_programme) for i in range(len(mine))]
    if workers > 1:
        # each programme's last job, its handbook and the longest, first: so that no core
        # is left laying out a handbook alone when everything else is done
        slots.sort(key=lambda slot: (-slot[1], slot[0]))
    jobs = [per_programme[k][i] for k, i in slots]
    owners = [k for k, _ in slots]  # the index in `stale` of each job's programme
    left = {k: owners.count(k) for k in range(len(stale))}

    def stage_done(j: int, stage: str, seconds: float) -> None:
        outcome = stale[owners[j]][1]
        outcome.timings[stage] = outcome.timings.get(stage, 0.0) + seconds
        progress(stage_line(outcome.id, stage, seconds))

    def ended(j: int) -> None:
        k = owners[j]
        left[k] -= 1
        if left[k]:
            return
        found, outcome, wanted = stale[k]
        folder = new / outcome.id
        began = time.perf_counter()
        programme.finish(found.programme, folder)
        write_manifest(folder, outcome.id, wanted)
        outcome.timings["manifest"] = time.perf_counter() - began
        echo(outcome.line())

    parallel.run(jobs, workers, stage_done, ended)

"""The records files of SPEC.md section 6 and their columns, as data.

The reader checks headers against these, the template writes them, and both agree on
which columns a coordinator types (`typed`) and which the template fills in: a row whose
typed cells are all still blank is a planned row not yet recorded, never an error.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RecordsFile:
    name: str  # measures: the CSV file measures.csv, the sheet "measures"
    required: tuple[str, ...]
    optional: tuple[str, ...]
    typed: tuple[str, ...]  # the cells a coordinator types; all blank = not yet recorded

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


FILES = (
    RecordsFile(
        "measures",
        ("task", "date", "value"),
        ("note", "rebase"),
        ("date", "value", "note", "rebase"),
    ),
    RecordsFile("attendance", ("event", "date", "name", "attended"), (), ("attended",)),
    RecordsFile(
        "pdsa",
        ("task", "cycle", "start", "end", "change", "prediction", "result", "decision"),
        (),
        ("change", "prediction", "result", "decision"),
    ),
    RecordsFile("feedback", ("session", "rating"), ("comment",), ("rating", "comment")),
    RecordsFile(
        "evaluation",
        ("timepoint", "level", "measure", "respondent", "score"),
        (),
        ("respondent", "score"),
    ),
)
BY_NAME = {f.name: f for f in FILES}
WORKBOOK = "records.xlsx"
# The sheet the template opens on, telling the coordinator what to type; never records.
ABOUT_SHEET = "about"

ATTENDED = {
    "yes": True, "y": True, "true": True, "1": True,
    "no": False, "n": False, "false": False, "0": False,
}  # fmt: skip
DECISIONS = ("adopt", "adapt", "abandon", "continue")
RATINGS = (1, 5)
# The scales of the evaluation measures whose forms the handbook prints
# (templates/pdf/questionnaire_form.html and feedback_form.html): a score outside one is a
# typo. Other measures (licensed instruments, local data) keep their own scales, which
# progen does not know; their scores are bounded only by MAX_RECORD_VALUE.
SCORE_SCALES = {
    "Session feedback": (1, 5),
    "Leadership self-assessment": (1, 5),
    "Confidence and commitment": (0, 10),
}

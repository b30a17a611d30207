"""Results over time: task measures read as run charts and XmR (SPC) charts.

Pure functions from a measure's data points to frozen results (SPEC.md section 6);
loading records and publishing progress live elsewhere.
"""

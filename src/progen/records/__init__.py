"""What happened in a programme (SPEC.md section 6): records read, checked and templated."""

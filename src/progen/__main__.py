"""`python -m progen` runs the command line."""

from progen.cli import main

main()

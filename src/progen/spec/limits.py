"""Bounds on what a spec may cost to read, checked before anything walks the data.

A spec is a few kilobytes of hand-written YAML; these limits are far above any
real programme (500 groups of named people fit) and far below what would let a
hostile file (an alias bomb, a megabyte of nesting) tie up a build server.
"""

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32
MAX_EVENTS = 200_000
MAX_NODES = 100_000
MAX_PEOPLE = 20_000  # everyone taking part; a region of 5,000 plans in under a second

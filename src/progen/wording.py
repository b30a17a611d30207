"""Small helpers for writing numbers into sentences."""


def plural(n: int, noun: str) -> str:
    """'1 set', '3 sets'; nouns with irregular plurals are written out by the caller."""
    return f"{n} {noun}{'s' * (n != 1)}"

"""Facts of a spec worked out once per spec object.

A spec is frozen, so anything derived from it alone stays true for as long as the object
lives. `functools.lru_cache` would key on the spec's value, and hashing a frozen dataclass
walks every field on every call: at 400 groups that costs more than the fact itself. This
keys on the object's identity instead, holding the few most recent specs so an identity
cannot be reused while its entry lives.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from progen.spec.model import Spec

R = TypeVar("R")

# Specs remembered per function: validation, plan and a build's two jobs each hold one, and
# a test run moves through many, so a handful is plenty and bounds the memory.
_HELD = 8


def per_spec(fact: Callable[[Spec], R]) -> Callable[[Spec], R]:
    """`fact(spec)`, computed on a spec's first call and returned as is after that."""
    held: dict[int, tuple[Spec, R]] = {}

    @wraps(fact)
    def remembered(spec: Spec) -> R:
        found = held.get(id(spec))
        if found is None or found[0] is not spec:
            if len(held) >= _HELD:
                del held[next(iter(held))]
            found = held[id(spec)] = (spec, fact(spec))
        return found[1]

    return remembered

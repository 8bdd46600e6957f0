"""Small helpers for bulk work (reading and importing tens of thousands of rows)."""

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the duration of a bulk step.

    Hundreds of thousands of parsed cells, values and parameters would otherwise trigger full collections that
    walk every object made so far again and again (a third of the time of a 20k-row read). Such data forms no
    cycles, so reference counting still frees it; the collector is back on, as it was, when the block ends or
    raises.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

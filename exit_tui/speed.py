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


@contextlib.contextmanager
def kept_frozen() -> Iterator[None]:
    """gc_paused for a large result that is kept afterwards (a cached read model, the rows of a chart): when the
    block ends, every object the collector tracks is moved to its permanent generation (gc.freeze).

    Otherwise the first collections after the block walk the tens of thousands of new objects (a tenth of a
    second and more at 50k tasks) and every later full collection walks them again, stopping every thread, the
    UI's too. Frozen objects are still freed by reference counting when dropped (such data forms no cycles);
    only cyclic garbage not yet collected at that moment stays for good, so use it for large results, rarely.
    """
    with gc_paused():
        yield
        gc.freeze()

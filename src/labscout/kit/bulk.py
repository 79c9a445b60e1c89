"""Running a bulk build that allocates millions of long-lived objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block, and restore it after.

    A build holds half a million records, mentions and features at once, and almost none of them sit in a
    reference cycle, yet every collection of the oldest generation walks them all again: on the full corpus
    that was a fifth of the ingest (`bench/ingest.py`), for no memory returned. Reference counting still
    frees everything as usual; cycles made inside the block wait for the first collection after it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

from __future__ import annotations

import gc
import weakref

import pytest

from labscout.kit.bulk import cyclic_gc_paused


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_collector_is_off_inside_and_back_on_after() -> None:
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_collector_is_restored_when_the_block_fails() -> None:
    with pytest.raises(RuntimeError, match="bad record"), cyclic_gc_paused():
        raise RuntimeError("bad record")
    assert gc.isenabled()


def test_a_caller_that_had_it_off_keeps_it_off() -> None:
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_cycles_made_inside_are_freed_by_the_next_collection() -> None:
    with cyclic_gc_paused():
        node = _Node()
        alive = weakref.ref(node)
        del node
        # Reference counting alone cannot free a cycle, and no automatic collection runs while paused.
        assert alive() is not None
    gc.collect()
    assert alive() is None

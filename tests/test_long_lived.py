"""No collector passes (or no full ones, for imports) while long-lived objects are built;
they are frozen afterwards."""

import gc
import threading
import weakref

from treewright.long_lived import building_long_lived, importing_long_lived


class _Node:
    def __init__(self):
        self.me = self  # a cycle: only the cyclic collector could free it


def test_no_collection_inside_and_what_was_built_is_frozen():
    collections = []

    def count(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(count)
    frozen_before = gc.get_freeze_count()
    try:
        with building_long_lived():
            built = [_Node() for _ in range(50_000)]  # far past gen0's threshold of 700
            assert not gc.isenabled()
        assert collections == []
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen_before + len(built)
        kept = weakref.ref(built[0])
        del built
        gc.collect()
        assert kept() is not None  # frozen: full passes no longer look at these cycles
    finally:
        gc.callbacks.remove(count)
        gc.unfreeze()
    gc.collect()
    assert kept() is None


class _BlockInAnotherThread:
    """Holds `block` open in another thread from `enter()` until `leave()`."""

    def __init__(self, block):
        self._inside, self._leave = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._run, args=(block,))

    def _run(self, block):
        with block():
            self._inside.set()
            self._leave.wait(5)

    def enter(self):
        self._thread.start()
        self._inside.wait(5)

    def leave(self):
        self._leave.set()
        if self._thread.ident is not None:  # started
            self._thread.join(5)


def test_overlapping_blocks_in_two_threads_keep_the_collector_off_until_the_last_ends():
    other = _BlockInAnotherThread(building_long_lived)
    try:
        with building_long_lived():
            other.enter()
        assert not gc.isenabled()  # this block ended, the other thread's has not
        other.leave()
        assert gc.isenabled()
    finally:
        other.leave()
        gc.unfreeze()


def test_a_collector_turned_off_before_stays_off():
    gc.disable()
    try:
        with building_long_lived():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_an_import_block_frees_its_garbage_young_but_runs_no_full_pass():
    generations = []

    def seen(phase, info):
        if phase == "start":
            generations.append(info["generation"])

    threshold = gc.get_threshold()
    gc.callbacks.append(seen)
    try:
        with importing_long_lived():
            dropped = weakref.ref(_Node())  # cyclic garbage, as imports leave behind
            kept = [_Node() for _ in range(200_000)]
            assert dropped() is None  # a young pass freed it inside the block
            assert gc.isenabled()
        assert 0 in generations and 2 not in generations
        assert gc.get_threshold() == threshold
    finally:
        gc.callbacks.remove(seen)
        gc.unfreeze()
    del kept


def test_a_build_and_an_import_overlapping_in_two_threads():
    threshold = gc.get_threshold()
    importing = _BlockInAnotherThread(importing_long_lived)
    try:
        with building_long_lived():
            importing.enter()
            assert not gc.isenabled()  # the build's pause wins while it lasts
        assert gc.isenabled() and gc.get_threshold()[2] > threshold[2]  # no full passes yet
        importing.leave()
        assert gc.isenabled() and gc.get_threshold() == threshold
    finally:
        importing.leave()
        gc.unfreeze()

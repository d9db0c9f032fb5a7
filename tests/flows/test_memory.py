"""Freezing a process's older objects out of the cyclic collections a publishing stage makes."""

import gc

import pytest

from flows.memory import older_objects_frozen


@pytest.fixture
def thawed():
    """No frozen object on entry; on exit, the test process frozen again if it was (a loaded model)."""
    was = gc.get_freeze_count()
    gc.unfreeze()
    yield
    gc.unfreeze()
    if was:
        gc.freeze()


def _collected(obj) -> bool:
    return any(o is obj for o in gc.get_objects())


def test_older_objects_are_frozen_inside_and_thawed_after(thawed):
    old = [[]]
    old.append(old)  # a cycle made before the block
    with older_objects_frozen():
        assert gc.get_freeze_count() > 0 and not _collected(old)
        new = [[]]
        new.append(new)
        assert _collected(new)  # made inside: collected as usual
    assert gc.get_freeze_count() == 0 and _collected(old)  # a long-lived process collects them again


def test_a_process_that_had_frozen_objects_keeps_them_frozen(thawed):
    model = [[]]
    model.append(model)
    gc.freeze()  # as loading the model does
    with older_objects_frozen():
        pass
    assert gc.get_freeze_count() > 0 and not _collected(model)

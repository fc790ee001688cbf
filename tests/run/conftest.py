"""Fixtures shared by the run tests."""

from __future__ import annotations

import pytest

from tests.run.processes import kill_marked, new_mark


@pytest.fixture
def mark():
    """A marker put in the environment of the processes a test starts; whatever carries it is killed after."""
    value = new_mark()
    try:
        yield value
    finally:
        kill_marked(value)

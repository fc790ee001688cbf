"""Fixtures of the template tests."""

from __future__ import annotations

import uuid

import pytest

from tests.templates.cli import jimu


@pytest.fixture
def endpoint_name():
    """A deployment name of this test alone; its model server is stopped afterwards."""
    name = f"model_{uuid.uuid4().hex[:8]}"
    yield name
    jimu("deployments", "stop", name)

"""Run a built-in component through the real entry point, in-process, on small real tables."""

from __future__ import annotations

import pytest

from jimu.testing import run_component as run_folder


@pytest.fixture
def run_component(tmp_path, catalog, jimu_home):
    def run(name: str, params: dict, inputs: dict | None = None, pipeline_params: dict | None = None, **options):
        folder = catalog.require(f"{name}@{catalog.versions(name)[-1]}").folder  # the current built-in
        return run_folder(folder, params, inputs, pipeline_params, workdir=tmp_path / "run", **options)

    return run

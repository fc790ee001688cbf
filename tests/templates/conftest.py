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


# The bring-your-own-data templates (test_classification, test_regression): each module names its template
# (NAME), writes the CSV a user uploads (make_upload(path)) and says which column of it to predict (UPLOAD_LABEL).
# Each run happens once per module; the tests read what it wrote.

@pytest.fixture(scope="module")
def templates(catalog):
    from jimu.template.catalog import TemplateCatalog

    return TemplateCatalog.from_dirs(catalog)


@pytest.fixture(scope="module")
def module_endpoint(request):
    """A deployment name of this module alone; its model server is stopped when the module is done."""
    from tests.templates.ml import stopped_afterwards

    with stopped_afterwards(f"{request.module.NAME}_{uuid.uuid4().hex[:8]}") as name:
        yield name


@pytest.fixture(scope="module")
def default_run(request, templates, catalog, module_endpoint, tmp_path_factory):
    """The module's template instantiated with its defaults and run (its model served as module_endpoint)."""
    from tests.templates.ml import instantiated, run_pipeline

    out = tmp_path_factory.mktemp("defaults") / "pipeline.json"
    return run_pipeline(instantiated(templates, catalog, request.module.NAME, {}, out), f"endpoint_name={module_endpoint}")


@pytest.fixture(scope="module")
def upload(request, tmp_path_factory):
    """The module's CSV, uploaded to the dataset store: (the file, its dataset URI)."""
    from tests.templates.ml import uploaded

    return uploaded(request.module.make_upload(tmp_path_factory.mktemp("upload") / "upload.csv"))


@pytest.fixture(scope="module")
def upload_run(request, templates, catalog, module_endpoint, upload, tmp_path_factory):
    """The module's template run on the upload, predicting UPLOAD_LABEL; predictions go to exports/tests/<NAME>.csv."""
    from tests.templates.ml import instantiated, run_pipeline

    name = request.module.NAME
    chosen = {"data": upload[1], "label": request.module.UPLOAD_LABEL, "endpoint_name": module_endpoint,
              "predictions_file": f"tests/{name}.csv"}
    return run_pipeline(instantiated(templates, catalog, name, chosen, tmp_path_factory.mktemp("upload") / "p.json"))

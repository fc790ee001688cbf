"""jimu.runtime.served: a deployment's record, read through storage, names the model it serves."""

from __future__ import annotations

import json

import pytest

from jimu.runtime.served import (
    DEPLOYMENTS_ENV,
    RECORD_FILE,
    ServedModelError,
    deployments_root,
    served_model_uri,
)


def write_record(root, name: str, record) -> None:
    (root / name).mkdir(parents=True)
    (root / name / RECORD_FILE).write_text(json.dumps(record), encoding="utf-8")


def test_the_local_root_is_the_managers_folder(jimu_home, monkeypatch):
    from jimu.serving.manager import STATE_FILE, deployments_dir

    monkeypatch.delenv(DEPLOYMENTS_ENV, raising=False)
    assert deployments_root() == str(deployments_dir()) == str(jimu_home / "deployments")
    assert STATE_FILE == RECORD_FILE


def test_reads_the_model_uri_or_none(jimu_home, monkeypatch):
    monkeypatch.delenv(DEPLOYMENTS_ENV, raising=False)
    assert served_model_uri("screening") is None
    write_record(jimu_home / "deployments", "screening", {"name": "screening", "model_uri": "/models/a"})
    assert served_model_uri("screening") == "/models/a"


def test_a_storage_uri_root_from_the_environment(tmp_path, monkeypatch):
    write_record(tmp_path, "screening", {"model_uri": "s3://bucket/models/a"})
    monkeypatch.setenv(DEPLOYMENTS_ENV, f"file://{tmp_path}")
    assert served_model_uri("screening") == "s3://bucket/models/a"


@pytest.mark.parametrize("name", ["../etc", "Screening", "a/b", "", "x\n"])
def test_a_name_that_is_not_a_deployment_name_reads_nothing(name, jimu_home):
    with pytest.raises(ServedModelError, match="is not a deployment name"):
        served_model_uri(name)


@pytest.mark.parametrize("record", [{"name": "screening"}, ["/models/a"], {"model_uri": 3}])
def test_a_record_without_a_model_uri_is_a_clear_error(record, tmp_path):
    write_record(tmp_path, "screening", record)
    with pytest.raises(ServedModelError, match="names no model_uri"):
        served_model_uri("screening", str(tmp_path))

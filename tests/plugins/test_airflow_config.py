"""The editor's folders in plugin mode come from Airflow's configuration."""

from __future__ import annotations

import os
from pathlib import Path

from jimu.plugins.airflow_config import (
    dags_folder_from_airflow,
    ui_config_from_airflow,
    workspace_from_airflow,
)

WORKSPACE_ENV = "AIRFLOW__JIMU__WORKSPACE"


def test_the_workspace_defaults_to_the_jimu_home(jimu_home, monkeypatch):
    monkeypatch.delenv(WORKSPACE_ENV, raising=False)
    assert workspace_from_airflow() == jimu_home / "workspace"


def test_an_absolute_workspace_is_taken_as_is(tmp_path, monkeypatch):
    monkeypatch.setenv(WORKSPACE_ENV, str(tmp_path / "pipelines"))
    assert workspace_from_airflow() == tmp_path / "pipelines"


def test_a_relative_workspace_is_under_airflow_home(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # not the working folder: a server's is nobody's choice
    monkeypatch.setenv(WORKSPACE_ENV, "jimu/pipelines")
    assert workspace_from_airflow() == Path(os.environ["AIRFLOW_HOME"]) / "jimu" / "pipelines"


def test_a_home_relative_workspace_is_expanded(monkeypatch):
    monkeypatch.setenv(WORKSPACE_ENV, "~/pipelines")
    assert workspace_from_airflow() == Path.home() / "pipelines"


def test_deploy_writes_into_airflows_dags_folder():
    assert dags_folder_from_airflow() == Path(os.environ["AIRFLOW__CORE__DAGS_FOLDER"])


def test_the_config_is_plugin_mode_with_airflows_guards(tmp_path, monkeypatch):
    monkeypatch.setenv(WORKSPACE_ENV, str(tmp_path))
    config = ui_config_from_airflow()
    assert config.mode == "airflow"
    assert config.workspace == tmp_path
    assert config.dags_folder == dags_folder_from_airflow()
    assert config.token is None
    assert config.read_dependencies and config.write_dependencies and config.current_user

"""`jimu deploy` and pools, without an Airflow: which pools, and the errors that say what to fix.
(Pools created in a real Airflow: tests/scheduler/test_deploy_pools.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jimu.cli import main
from jimu.deploy_pools import PASSWORD_ENV, TOKEN_ENV, USERNAME_ENV, pools_named
from jimu.validate import load_pipeline
from tests.conftest import EXAMPLE
from tests.notify.receivers import free_port
from tests.test_backfill import daily_pipeline


@pytest.fixture
def pooled_spec(tmp_path) -> Path:
    raw = daily_pipeline("pools_test", tmp_path / "sales.csv", defaults={"pool": "jimu_etl"})
    raw["nodes"][1]["pool"] = "jimu_sql_heavy"
    spec = tmp_path / "pipeline.json"
    spec.write_text(json.dumps(raw), encoding="utf-8")
    return spec


@pytest.fixture
def no_credentials(monkeypatch):
    for name in (TOKEN_ENV, USERNAME_ENV, PASSWORD_ENV):
        monkeypatch.delenv(name, raising=False)


def deploy(spec: Path, dags: Path, *args: str) -> int:
    return main(["deploy", str(spec), "--profile", "local", "--dags-folder", str(dags), *args])


def test_pools_named_are_each_nodes_own_else_the_default(pooled_spec, catalog):
    assert pools_named([load_pipeline(pooled_spec, catalog)]) == ["jimu_etl", "jimu_sql_heavy"]
    assert pools_named([load_pipeline(EXAMPLE, catalog)]) == []


def test_no_airflow_url_names_the_flag_and_the_profile_field(pooled_spec, tmp_path, capsys):
    assert deploy(pooled_spec, tmp_path / "dags") == 2
    err = capsys.readouterr().err
    assert "pools jimu_etl, jimu_sql_heavy" in err
    assert "--airflow-url URL" in err and "airflow_url in the profile YAML" in err and "--no-pools" in err
    assert not (tmp_path / "dags").exists()  # nothing written


def test_an_unreachable_airflow_is_a_clear_error_and_nothing_is_written(pooled_spec, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, "a-token")
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    assert deploy(pooled_spec, tmp_path / "dags", "--airflow-url", url) == 1
    err = capsys.readouterr().err
    assert f"cannot reach Airflow at {url}/api/v2/" in err and "--airflow-url URL" in err
    assert not (tmp_path / "dags").exists()


def test_missing_credentials_name_the_environment_variables(pooled_spec, tmp_path, capsys, no_credentials):
    assert deploy(pooled_spec, tmp_path / "dags", "--airflow-url", "http://127.0.0.1:9") == 1
    err = capsys.readouterr().err
    assert TOKEN_ENV in err and USERNAME_ENV in err and "--airflow-conn-id" in err


def test_no_pools_skips_them(pooled_spec, tmp_path, capsys):
    assert deploy(pooled_spec, tmp_path / "dags", "--no-pools") == 0
    out = capsys.readouterr().out
    assert "pool " not in out and "1 added" in out


def test_a_kubernetes_deploy_lists_the_images_its_dags_pin(tmp_path, capsys, catalog):
    profile = tmp_path / "prod.yaml"
    profile.write_text("name: prod\nkind: kubernetes\nimage_registry: registry.example.com/jimu\n", encoding="utf-8")
    assert main(["deploy", str(EXAMPLE), "--profile", str(profile), "--dags-folder", str(tmp_path / "dags")]) == 0
    out = capsys.readouterr().out
    spec = load_pipeline(EXAMPLE, catalog)
    expected = sorted({f"registry.example.com/jimu/{catalog.require(n.component).spec.runtime.image}"
                       for n in spec.nodes})
    listed = out[out.index("images the DAGs pin"):].splitlines()[1:]
    assert [line.strip() for line in listed] == expected
    dag = (tmp_path / "dags" / "wine_quality.py").read_text()
    assert all(f"image={json.dumps(image)}" in dag for image in expected)  # the images the DAG file names

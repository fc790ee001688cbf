"""Scheduling from the gallery: instantiate with a schedule and a failure alert, deploy, and the DAG Airflow loads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jimu.ui_plugin.app import create_app
from jimu.ui_plugin.config import UiConfig
from jimu.validate import validate_pipeline

SCHEDULED = {"id": "my_sales", "schedule": "@daily", "alert_email": "analyst@example.com"}


def test_instantiate_with_a_schedule_saves_it_with_the_alert(api, workspace, catalog):
    answer = api.post("/api/templates/daily_sales/instantiate", json=SCHEDULED)
    assert answer.status_code == 201, answer.text
    saved = json.loads((workspace / "my_sales.json").read_text())
    assert (saved["schedule"], saved["catchup"], saved["start_unpaused"]) == ("@daily", False, True)
    failure = saved["notifications"]["on_failure"]
    assert {"channel": "email", "conn_id": "smtp_default", "to": ["analyst@example.com"]} in failure
    assert validate_pipeline(saved, catalog).ok


def test_without_a_schedule_nothing_about_scheduling_is_written(api, workspace):
    assert api.post("/api/templates/daily_sales/instantiate", json={"id": "plain"}).status_code == 201
    saved = json.loads((workspace / "plain.json").read_text())
    assert "start_unpaused" not in saved and saved["catchup"] is True


@pytest.mark.parametrize(("body", "field", "words"), [
    ({"schedule": "61 * * * *"}, "schedule", "is not a cron expression or a preset"),
    ({"schedule": "@sometimes"}, "schedule", "is not a cron expression or a preset"),
    ({"schedule": "@daily", "alert_email": "me at example"}, "alert_email", "is not an email address"),
    ({"schedule": "61 * * * *", "lang": "zh"}, "schedule", "不是 cron 表达式或预设"),
])
def test_a_bad_schedule_or_address_is_422_on_its_field(api, workspace, body, field, words):
    answer = api.post("/api/templates/daily_sales/instantiate", json={"id": "bad_one", **body})
    assert answer.status_code == 422, answer.text
    problems = answer.json()["detail"]["problems"]
    assert [p["field"] for p in problems] == [field] and words in problems[0]["message"]
    assert not (workspace / "bad_one.json").exists()


def test_the_deployed_dag_runs_unpaused_on_the_schedule_with_the_alert(api, ui_config, workspace):
    from airflow.dag_processing.dagbag import DagBag

    api.post("/api/templates/daily_sales/instantiate", json=SCHEDULED)
    answer = api.post("/api/pipelines/my_sales/deploy?profile=local")
    assert answer.status_code == 200, answer.text
    deployed = answer.json()
    assert deployed["dag_id"] == "my_sales.local" and deployed["dag_url"] is None  # standalone: no Airflow UI
    bag = DagBag(dag_folder=deployed["path"])
    assert bag.import_errors == {}
    dag = bag.dags["my_sales.local"]
    assert dag.is_paused_upon_creation is False and dag.catchup is False
    assert dag.schedule == "@daily" and dag.timetable.expression == "0 0 * * *"
    alerts = [a for a in dag.default_args["on_failure_callback"] if a.channel == "email"]
    assert [(a.conn_id, a.to) for a in alerts] == [("smtp_default", ["analyst@example.com"])]


def test_profiles_lists_the_built_ins_and_the_profiles_folder(api):
    profiles = {p["name"]: p for p in api.get("/api/profiles").json()}
    assert profiles["local"] == {"name": "local", "kind": "local", "dag_id_suffix": ".local"}
    assert profiles["kubernetes"]["kind"] == "kubernetes"
    shipped = {p.stem for p in (Path(__file__).parents[3] / "profiles").glob("*.yaml")}
    assert shipped <= set(profiles)


def test_the_dag_link_points_at_airflows_ui(tmp_path, wine):
    from fastapi.testclient import TestClient

    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "prod.yaml").write_text("name: prod\nkind: kubernetes\nairflow_url: https://airflow.example.com/\n")
    (profiles / "broken.yaml").write_text("name: [\n")
    for mode, profile, url in [("standalone", "prod", "https://airflow.example.com/dags/wine_quality"),
                               ("airflow", "kubernetes", "/dags/wine_quality")]:
        config = UiConfig(workspace=tmp_path / mode, dags_folder=tmp_path / f"dags_{mode}", mode=mode,
                          profiles_dir=profiles)
        with TestClient(create_app(config)) as client:
            assert [p["name"] for p in client.get("/api/profiles").json()] == ["local", "kubernetes", "prod"]
            client.post("/api/pipelines", json=wine)
            answer = client.post(f"/api/pipelines/wine_quality/deploy?profile={profile}")
            assert answer.status_code == 200, answer.text
            assert answer.json()["dag_url"] == url


def test_without_a_dags_folder_the_refusal_says_why(tmp_path, wine):
    from fastapi.testclient import TestClient

    with TestClient(create_app(UiConfig(workspace=tmp_path))) as client:
        client.post("/api/pipelines", json=wine)
        refused = client.post("/api/pipelines/wine_quality/deploy?profile=local")
    assert refused.status_code == 409 and refused.json()["detail"]["reason"] == "no-dags-folder"

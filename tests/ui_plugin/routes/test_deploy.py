"""POST /api/pipelines/{id}/deploy writes the DAG file jimu compile would, and refuses clashes."""

from __future__ import annotations

import copy
from pathlib import Path

from jimu.ui_plugin.app import create_app
from jimu.ui_plugin.config import UiConfig


def test_deploy_writes_the_compiled_dag(api, ui_config, wine):
    api.post("/api/pipelines", json=wine)
    answer = api.post("/api/pipelines/wine_quality/deploy")
    assert answer.status_code == 200, answer.text
    target = ui_config.dags_folder / "wine_quality.py"
    assert answer.json() == {"dag_id": "wine_quality", "path": str(target.resolve()), "changed": True, "dag_url": None}
    preview = api.post("/api/compile?profile=kubernetes", json=wine).json()["source"]
    assert target.read_text(encoding="utf-8") == preview
    assert api.post("/api/pipelines/wine_quality/deploy").json()["changed"] is False

    local = api.post("/api/pipelines/wine_quality/deploy?profile=local")
    assert local.status_code == 200 and (ui_config.dags_folder / "wine_quality.local.py").is_file()


def test_a_dag_id_clash_is_refused(api, ui_config, wine):
    api.post("/api/pipelines", json=wine)
    api.post("/api/pipelines/wine_quality/deploy")
    other = ui_config.dags_folder / "hand_copy.py"
    other.write_bytes((ui_config.dags_folder / "wine_quality.py").read_bytes())
    (ui_config.dags_folder / "wine_quality.py").unlink()
    answer = api.post("/api/pipelines/wine_quality/deploy")
    assert answer.status_code == 409
    assert "hand_copy.py" in answer.json()["detail"]["message"]
    assert not (ui_config.dags_folder / "wine_quality.py").exists()


def test_deploy_needs_a_valid_pipeline_and_a_dags_folder(api, ui_config, wine, tmp_path):
    bad = copy.deepcopy(wine)
    bad["edges"] = []
    api.post("/api/pipelines", json=bad)
    answer = api.post("/api/pipelines/wine_quality/deploy")
    assert answer.status_code == 409 and answer.json()["detail"]["issues"]
    assert list(ui_config.dags_folder.iterdir()) == []
    assert api.post("/api/pipelines/nope/deploy").status_code == 404

    from fastapi.testclient import TestClient

    no_dags = create_app(UiConfig(workspace=Path(ui_config.workspace)))
    with TestClient(no_dags) as client:
        refused = client.post("/api/pipelines/wine_quality/deploy")
    assert refused.status_code == 409 and "no dags folder" in refused.json()["detail"]["message"]

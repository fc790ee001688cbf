"""`jimu templates`: an engineer publishes a pipeline as a template, a business user instantiates and runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pandas as pd
import pytest

from jimu.template.catalog import builtin_template_folders
from jimu.template.folder import load_template
from tests.compile.expect import component_yaml
from tests.conftest import EXAMPLE
from tests.templates.test_wine_quality import expected_features

JIMU = Path(sys.executable).with_name("jimu")
SHIPPED = {folder.name: load_template(folder) for folder in builtin_template_folders()}


def jimu(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "JIMU_HOME": str(home), "PATH": f"{JIMU.parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([str(JIMU), *args], capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture
def home(tmp_path) -> Path:
    return tmp_path / "home"


def publish_strong_wines(home: Path, version: str = "1.0.0", *extra: str) -> subprocess.CompletedProcess:
    """The example pipeline as a template: the SQL's threshold stays a field, the export file is fixed."""
    return jimu("templates", "publish", str(EXAMPLE), "--name", "strong_wines", "--version", version,
                "--title", "Strong wines", "--title-zh", "烈性葡萄酒", "--category", "etl",
                "--expose", "min_alcohol", "--expose", "features.args=feature_args",
                "--field-title", "feature_args=Feature settings", "--field-title-zh", "min_alcohol=最低酒精度",
                *extra, home=home)


def test_publish_show_instantiate_and_run_equals_pandas(home, tmp_path):
    proc = publish_strong_wines(home)
    assert proc.returncode == 0, proc.stderr
    assert "published  template strong_wines@1.0.0; form: feature_args, min_alcohol" in proc.stdout

    shown = json.loads(jimu("templates", "show", "strong_wines", "--json", "--lang", "zh", home=home).stdout)
    assert shown["title"] == "烈性葡萄酒"
    assert list(shown["form"]) == ["min_alcohol", "feature_args"]
    assert shown["form"]["min_alcohol"]["title"] == "最低酒精度"
    # Described by the component's own schema for the param; its value in the pipeline is the default.
    args_schema = component_yaml("python@1.0.0")["params"]["properties"]["args"]
    assert shown["form"]["feature_args"] == {
        "type": args_schema["type"], "title": "Feature settings", "default": {"digits": 4},
        "description": args_schema["description"],
    }
    listed = jimu("templates", "list", home=home).stdout
    assert "strong_wines@1.0.0" in listed
    assert all(shipped.ref in listed for shipped in SHIPPED.values())

    out = tmp_path / "mine.json"
    proc = jimu("templates", "instantiate", "strong_wines", "--set", "min_alcohol=13.6", "--id", "my_wines",
                "-o", str(out), home=home)
    assert proc.returncode == 0, proc.stderr
    mine = json.loads(out.read_text())
    assert (mine["id"], mine["template"]) == ("my_wines", "strong_wines@1.0.0")
    assert sorted(mine["params"]) == ["feature_args", "min_alcohol"]
    # The export file left the form: fixed at the example's default inside the node.
    export = json.loads(EXAMPLE.read_text())["params"]["export_file"]["default"]
    assert next(n for n in mine["nodes"] if n["id"] == "export")["params"]["uri"] == export

    proc = jimu("run", str(out), home=home)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    actual = pd.read_csv(home / "exports" / export)
    expected = expected_features(13.6)
    keys = list(expected.columns)
    pd.testing.assert_frame_equal(actual.sort_values(keys).reset_index(drop=True),
                                  expected.astype(actual.dtypes.to_dict()).sort_values(keys).reset_index(drop=True),
                                  check_exact=False, atol=1e-4)


def test_wrong_values_are_named_in_plain_words_and_nothing_is_written(home, tmp_path):
    out = tmp_path / "screen.json"
    proc = jimu("templates", "instantiate", "cancer_screening", "--set", "min_accuracy=1.5", "--set", "trees=lots",
                "-o", str(out), home=home)
    assert proc.returncode == 1
    assert "error: Minimum accuracy must be between 0 and 1" in proc.stderr
    assert 'error: Trees in the forest must be a whole number, not "lots"' in proc.stderr
    assert not out.exists()
    proc = jimu("templates", "instantiate", "cancer_screening", "--set", "min_accuracy=2", "--lang", "zh",
                "-o", str(out), home=home)
    assert "最低准确率必须在 0 到 1 之间" in proc.stderr


def test_an_existing_output_is_kept_unless_forced(home, tmp_path):
    out = tmp_path / "kept.json"
    out.write_text("mine")
    proc = jimu("templates", "instantiate", "wine_quality", "-o", str(out), home=home)
    assert proc.returncode == 1 and "add --force" in proc.stderr and out.read_text() == "mine"
    assert jimu("templates", "instantiate", "wine_quality", "-o", str(out), "--force", home=home).returncode == 0
    assert json.loads(out.read_text())["template"] == SHIPPED["wine_quality"].ref


def test_versions_are_immutable_and_a_breaking_form_needs_a_major_version(home):
    assert publish_strong_wines(home).returncode == 0
    assert "unchanged  template strong_wines@1.0.0" in publish_strong_wines(home).stdout
    proc = publish_strong_wines(home, "1.0.0", "--author", "someone else")
    assert proc.returncode == 1 and "already published with other content" in proc.stderr
    # 1.1.0 without the feature_args field breaks what 1.0.0 users fill in.
    proc = jimu("templates", "publish", str(EXAMPLE), "--name", "strong_wines", "--version", "1.1.0",
                "--title", "Strong wines", "--expose", "min_alcohol", home=home)
    assert proc.returncode == 1
    assert "form field 'feature_args' was removed" in proc.stderr and "version: 2.0.0" in proc.stderr
    # Adding a field is compatible.
    assert publish_strong_wines(home, "1.1.0", "--expose", "export_file").returncode == 0


@pytest.mark.parametrize(("expose", "message"), [
    ("nosuch.param", "there is no node 'nosuch'"),
    ("strong_wines.nosuch", "sql@1.2.0 has no param 'nosuch'"),
    ("not_a_param", "the pipeline has no param 'not_a_param'"),
    ("load_wine.uri=min_alcohol", "the pipeline already has a param 'min_alcohol'"),
    ("a.b=../x", "field name '../x' is not valid"),
    ("export_file", "pipeline param 'min_alcohol' is bound in the SQL of node 'strong_wines' as :min_alcohol"),
])
def test_a_bad_expose_names_what_to_fix(home, expose, message):
    proc = jimu("templates", "publish", str(EXAMPLE), "--name", f"t{uuid.uuid4().hex[:8]}", "--version", "1.0.0",
                "--title", "T", "--expose", expose, home=home)
    assert proc.returncode == 1 and message in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_local_file_for_a_data_field_is_stored_as_a_dataset_and_its_columns_checked(home, tmp_path):
    from sklearn.datasets import load_iris

    iris = load_iris(as_frame=True).frame.rename(columns=lambda c: c.replace(" (cm)", "").replace(" ", "_"))
    csv = tmp_path / "flowers.csv"
    iris.to_csv(csv, index=False)
    out = tmp_path / "flowers.json"

    proc = jimu("templates", "instantiate", "classification", "--set", f"data={csv}", "--set", "label=colour",
                "-o", str(out), home=home)
    assert proc.returncode == 1 and not out.exists()
    assert "flowers.csv: stored as dataset" in proc.stdout  # checked and kept: the data was fine
    assert f"error: Column to predict must be a column of Your data: {', '.join(iris.columns)}" in proc.stderr

    proc = jimu("templates", "instantiate", "classification", "--set", f"data={csv}", "--set", "label=target",
                "-o", str(out), home=home)
    assert proc.returncode == 0, proc.stderr
    params = json.loads(out.read_text())["params"]
    stored = Path(params["data"]["default"])
    assert stored.is_relative_to(home / "datasets") and params["label"]["default"] == "target"
    pd.testing.assert_frame_equal(pd.read_parquet(stored), iris, check_dtype=False)
    assert "flowers.csv: already stored as dataset" in proc.stdout

    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,b\n1,2\n3\n", encoding="utf-8")
    proc = jimu("templates", "instantiate", "classification", "--set", f"data={ragged}", "--lang", "zh",
                "-o", str(tmp_path / "x.json"), home=home)
    assert proc.returncode == 1 and "各行的字段数不一致" in proc.stderr and not (tmp_path / "x.json").exists()
    assert len(list((home / "datasets").iterdir())) == 1  # only the iris file: the ragged one stored nothing

"""The limits jimu validate copies from Airflow (it must not import Airflow: it runs on every
edit) are Airflow's own, read from the installed Airflow: an upgrade that changes one fails here."""

from __future__ import annotations

from jimu.validate.rules_airflow import DISPLAY_NAME_MAX_LEN, TAG_MAX_LEN


def test_copied_limits_are_airflows():
    from airflow.models.dag import DagModel
    from airflow.models.taskinstance import TaskInstance
    from airflow.sdk.definitions import dag

    assert TAG_MAX_LEN == dag.TAG_MAX_LEN
    assert DISPLAY_NAME_MAX_LEN == DagModel.__table__.c.dag_display_name.type.length
    assert DISPLAY_NAME_MAX_LEN == TaskInstance.__table__.c.task_display_name.type.length


def test_validation_does_not_import_airflow():
    import subprocess
    import sys

    code = "import sys, jimu.validate; print('airflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest
from sklearn.datasets import load_iris

IRIS = load_iris(as_frame=True).frame.rename(columns=lambda c: c.replace(" (cm)", "").replace(" ", "_"))


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "iris.sqlite"
    with sqlite3.connect(path) as con:
        IRIS.to_sql("iris", con, index=False)
    return path


def query_sqlite(path, sql, params=()):
    with sqlite3.connect(path) as con:
        rows = con.execute(sql, params).fetchall()
        names = [d[0] for d in con.execute(sql, params).description]
    return pd.DataFrame(rows, columns=names)


def test_query_with_bound_params(db, run_component):
    sql = "SELECT target, COUNT(*) AS n, AVG(petal_length) AS mean_petal FROM iris WHERE sepal_length >= :min_len GROUP BY target ORDER BY target"
    run = run_component("read_sql", {"url": f"sqlite:///{db}", "query": sql}, pipeline_params={"min_len": 5.5, "unused": 1})
    assert run.exit_code == 0
    expected = query_sqlite(db, sql.replace(":min_len", "?"), (5.5,))
    pd.testing.assert_frame_equal(run.table(), expected)
    assert run.result["rows_written"] == {"table": len(expected)}


def test_url_from_environment(db, run_component, monkeypatch):
    monkeypatch.setenv("IRIS_DB_URL", f"sqlite:///{db}")
    run = run_component("read_sql", {"url_env": "IRIS_DB_URL", "query": "SELECT * FROM iris"})
    assert run.exit_code == 0
    pd.testing.assert_frame_equal(run.table(), IRIS)


def test_param_values_are_bound_not_spliced(db, run_component):
    sql = "SELECT * FROM iris WHERE CAST(target AS TEXT) = :who"
    run = run_component("read_sql", {"url": f"sqlite:///{db}", "query": sql}, pipeline_params={"who": "0' OR '1'='1"})
    assert run.exit_code == 0
    assert run.table().empty  # spliced, the OR would have matched every row


def test_only_one_select_runs(db, run_component, capfd):
    run = run_component("read_sql", {"url": f"sqlite:///{db}", "query": "SELECT 1; DROP TABLE iris"})
    assert run.exit_code == 1
    assert "param 'query': expected one SELECT" in capfd.readouterr().err
    assert len(query_sqlite(db, "SELECT * FROM iris")) == 150


def test_unknown_pipeline_param(db, run_component, capfd):
    run = run_component("read_sql", {"url": f"sqlite:///{db}", "query": "SELECT * FROM iris WHERE target = :kind"})
    assert run.exit_code == 1
    err = capfd.readouterr().err
    assert "node 'node' (read_sql@1.0.0) failed" in err and "param 'query': binds :kind" in err


def test_password_in_url_is_refused(run_component, capfd):
    run = run_component("read_sql", {"url": "postgresql://me:hunter2@db.example/shop", "query": "SELECT 1"})
    assert run.exit_code == 1
    err = capfd.readouterr().err
    assert "param 'url': holds a password" in err and "url_env" in err and "hunter2" not in err


def test_unset_variable_and_missing_file(tmp_path, run_component, capfd, monkeypatch):
    monkeypatch.delenv("NO_SUCH_DB_URL", raising=False)
    assert run_component("read_sql", {"url_env": "NO_SUCH_DB_URL", "query": "SELECT 1"}).exit_code == 1
    assert "param 'url_env': environment variable 'NO_SUCH_DB_URL' is not set" in capfd.readouterr().err
    missing = tmp_path / "nope.sqlite"
    assert run_component("read_sql", {"url": f"sqlite:///{missing}", "query": "SELECT 1"}).exit_code == 1
    assert f"param 'url': SQLite file '{missing}' does not exist" in capfd.readouterr().err
    assert not missing.exists()

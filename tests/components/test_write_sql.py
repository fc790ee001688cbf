from __future__ import annotations

import sqlite3

import pandas as pd
from sklearn.datasets import load_wine

WINE = load_wine(as_frame=True).frame.head(40)
FRAME = pd.DataFrame({"id": [1, 2, 3], "name": ["ann", "bob", None], "score": [1.5, None, 3.0]})


def read_back(path, table):
    with sqlite3.connect(path) as con:
        return pd.read_sql_query(f'SELECT * FROM "{table}"', con)


def test_write_then_read_back(tmp_path, run_component):
    db = tmp_path / "out.sqlite"
    run = run_component("write_sql", {"url": f"sqlite:///{db}", "table_name": "wine"}, inputs={"table": WINE})
    assert run.exit_code == 0
    pd.testing.assert_frame_equal(read_back(db, "wine"), WINE)
    pd.testing.assert_frame_equal(run.table(), WINE)  # passed on unchanged
    assert run.result["exports"] == [f"sqlite:///{db}#wine"]


def test_nulls_append_and_replace(tmp_path, run_component, monkeypatch):
    db = tmp_path / "out.sqlite"
    monkeypatch.setenv("OUT_DB_URL", f"sqlite:///{db}")
    params = {"url_env": "OUT_DB_URL", "table_name": "people"}
    assert run_component("write_sql", params, inputs={"table": FRAME}).exit_code == 0
    pd.testing.assert_frame_equal(read_back(db, "people"), FRAME)
    assert run_component("write_sql", {**params, "if_exists": "append"}, inputs={"table": FRAME}).exit_code == 0
    pd.testing.assert_frame_equal(read_back(db, "people"), pd.concat([FRAME, FRAME], ignore_index=True))
    assert run_component("write_sql", {**params, "if_exists": "replace"}, inputs={"table": FRAME.head(1)}).exit_code == 0
    pd.testing.assert_frame_equal(read_back(db, "people"), FRAME.head(1))


def test_existing_table_fails_by_default(tmp_path, run_component, capfd):
    db = tmp_path / "out.sqlite"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE people (x INTEGER)")
        con.execute("INSERT INTO people VALUES (7)")
    run = run_component("write_sql", {"url": f"sqlite:///{db}", "table_name": "people"}, inputs={"table": FRAME})
    assert run.exit_code == 1
    err = capfd.readouterr().err
    assert "node 'node' (write_sql@1.0.0) failed" in err
    assert "param 'if_exists': table 'people' already exists" in err
    assert read_back(db, "people")["x"].tolist() == [7]


def test_table_name_must_be_an_identifier(tmp_path, run_component, capfd):
    db = tmp_path / "out.sqlite"
    bad = 'x"; DROP TABLE y; --'
    params = {"url": f"sqlite:///{db}", "table_name": bad}
    # The schema refuses it in a pipeline; the component refuses it too (check_params=False).
    run = run_component("write_sql", params, inputs={"table": FRAME}, check_params=False)
    assert run.exit_code == 1
    assert "param 'table_name'" in capfd.readouterr().err
    assert not db.exists()

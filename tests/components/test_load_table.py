from __future__ import annotations

import pandas as pd
from sklearn.datasets import load_iris


def test_csv_with_header(tmp_path, run_component):
    csv = tmp_path / "in.csv"
    csv.write_text("a,b\n1,x\n2,y\n", encoding="utf-8")
    run = run_component("load_table", {"uri": str(csv)})
    assert run.exit_code == 0
    pd.testing.assert_frame_equal(run.table(), pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}), check_dtype=False)
    assert run.result["rows_written"] == {"table": 2}


def test_package_file_with_own_column_names(run_component):
    names = ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"]
    params = {"uri": "package://sklearn.datasets/data/iris.csv", "skip_rows": 1, "has_header": False, "column_names": names}
    run = run_component("load_table", params)
    assert run.exit_code == 0
    iris = load_iris()
    table = run.table()
    assert list(table.columns) == names and len(table) == len(iris.data) == 150
    assert table[names[:4]].to_numpy().tolist() == iris.data.tolist()
    assert table["species"].tolist() == iris.target.tolist()


def test_parquet(tmp_path, run_component):
    frame = pd.DataFrame({"k": ["a", "b", "c"], "v": [1.5, 2.5, None]})
    frame.to_parquet(tmp_path / "in.parquet")
    run = run_component("load_table", {"uri": str(tmp_path / "in.parquet")})
    pd.testing.assert_frame_equal(run.table(), frame)


def test_package_path_may_not_climb_out(run_component, capfd):
    run = run_component("load_table", {"uri": "package://sklearn.datasets/../../../etc/passwd"})
    assert run.exit_code == 1
    assert "without '..'" in capfd.readouterr().err


def test_missing_file_names_the_node(tmp_path, run_component, capfd):
    run = run_component("load_table", {"uri": str(tmp_path / "nope.csv")})
    assert run.exit_code == 1
    err = capfd.readouterr().err
    assert "node 'node' (load_table@1.0.0) failed" in err and "nope.csv" in err

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
    assert run.exit_code == 98  # FatalError: retrying will not help
    assert "without '..'" in capfd.readouterr().err


def test_missing_file_names_the_node(tmp_path, run_component, capfd):
    run = run_component("load_table", {"uri": str(tmp_path / "nope.csv")})
    assert run.exit_code == 1
    err = capfd.readouterr().err
    assert "node 'node' (load_table@1.2.0) failed" in err and "nope.csv" in err


# --- formats: each compared with pandas reading the same file on its own --------------------------

import gzip  # noqa: E402
import json  # noqa: E402
import string  # noqa: E402

import pytest  # noqa: E402
from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from jimu.runtime.exit_codes import FATAL_EXIT_CODE  # noqa: E402

# Words CSV readers type by design (TRUE -> a boolean, inf -> a float: pandas alike) are left out of
# text columns, since no reader can tell them from values; "nan" stays text and is drawn.
TYPED_WORDS = {"true", "false", "inf", "infinity"}
WORDS = st.text(alphabet=string.ascii_letters, min_size=1, max_size=8).filter(lambda w: w.lower() not in TYPED_WORDS)
# Columns every format stores the same way: ints (nullable), floats, words, booleans.
COLUMN_KINDS = {
    "int": st.one_of(st.none(), st.integers(-(2**53), 2**53)),
    "float": st.floats(-1e9, 1e9, allow_nan=False).map(lambda x: round(x, 6)),
    "word": WORDS,
    "flag": st.booleans(),
}


@st.composite
def frames(draw, kinds: list[str] | None = None) -> pd.DataFrame:
    kinds = kinds or draw(st.lists(st.sampled_from(sorted(COLUMN_KINDS)), min_size=1, max_size=4))
    rows = draw(st.integers(1, 6))
    data = {f"c{i}_{kind}": draw(st.lists(COLUMN_KINDS[kind], min_size=rows, max_size=rows)) for i, kind in enumerate(kinds)}
    frame = pd.DataFrame(data)
    for name in frame.columns:  # a column of only nulls has no type to compare
        if frame[name].isna().all():
            frame[name] = 0
    return frame


def write_with_pandas(frame: pd.DataFrame, path, fmt: str) -> None:
    compression = "gzip" if str(path).lower().endswith(".gz") else None
    if fmt == "csv":
        frame.to_csv(path, index=False, compression=compression)
    elif fmt == "tsv":
        frame.to_csv(path, index=False, sep="\t", compression=compression)
    elif fmt == "parquet":
        frame.to_parquet(path, index=False)
    elif fmt == "json":
        frame.to_json(path, orient="records", compression=compression)
    else:
        frame.to_json(path, orient="records", lines=True, compression=compression)


def read_with_pandas(path, fmt: str) -> pd.DataFrame:
    # Only an empty field is missing: a word such as "None" or "NA" stays a word, as load_table
    # keeps it (pandas' defaults would turn it into NaN and lose the text).
    if fmt == "csv":
        return pd.read_csv(path, keep_default_na=False, na_values=[""])
    if fmt == "tsv":
        return pd.read_csv(path, sep="\t", keep_default_na=False, na_values=[""])
    if fmt == "parquet":
        return pd.read_parquet(path)
    return pd.read_json(path, orient="records", lines=fmt == "jsonl", dtype=False)


EXTENSIONS = {"csv": ".csv", "tsv": ".tsv", "parquet": ".parquet", "json": ".json", "jsonl": ".jsonl"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    frame=frames(), fmt=st.sampled_from(sorted(EXTENSIONS)), upper=st.booleans(),
    gz=st.booleans(), explicit=st.booleans(),
)
@example(frame=pd.DataFrame({"c0_flag": [False], "c1_word": ["None"]}), fmt="csv", upper=False, gz=False,
         explicit=False)
@example(frame=pd.DataFrame({"c0_word": ["NA", "null", "nan"]}), fmt="tsv", upper=False, gz=False, explicit=True)
@example(frame=pd.DataFrame({"c0_word": ["nan"]}), fmt="csv", upper=False, gz=False, explicit=False)
@example(frame=pd.DataFrame({"c0_word": ["NaN", "x"], "c1_float": [1.5, 2.0]}), fmt="csv", upper=False, gz=True,
         explicit=False)
def test_every_format_reads_what_pandas_reads(tmp_path_factory, run_component, frame, fmt, upper, gz, explicit):
    extension = EXTENSIONS[fmt] + (".gz" if gz and fmt != "parquet" else "")
    path = tmp_path_factory.mktemp("fmt") / f"data{extension.upper() if upper else extension}"
    write_with_pandas(frame, path, fmt)
    params = {"uri": str(path), **({"format": fmt} if explicit else {})}
    run = run_component("load_table", params)
    assert run.exit_code == 0
    assert run.result["rows_written"] == {"table": len(frame)}
    assert "warnings" not in run.result
    expected = read_with_pandas(path, fmt)
    pd.testing.assert_frame_equal(run.table(), expected, check_dtype=False)
    pd.testing.assert_frame_equal(run.table(), frame, check_dtype=False)


def test_json_keys_missing_from_some_records_become_nulls(tmp_path, run_component):
    path = tmp_path / "records.json"
    path.write_text(json.dumps([{"a": 1}, {"a": 2, "b": "x"}, {"b": "y"}]), encoding="utf-8")
    run = run_component("load_table", {"uri": str(path)})
    assert run.exit_code == 0
    pd.testing.assert_frame_equal(run.table(), pd.read_json(path, orient="records"), check_dtype=False)


@pytest.mark.parametrize("name", ["data.txt", "data.xlsx", "data", "data.CSV.zip", "archive.gz"])
def test_an_unknown_extension_is_refused_with_the_known_formats(tmp_path, run_component, capfd, name):
    path = tmp_path / name
    content = b"a,b\n1,2\n"
    path.write_bytes(gzip.compress(content) if name.endswith(".gz") else content)
    run = run_component("load_table", {"uri": str(path)})
    assert run.exit_code == FATAL_EXIT_CODE
    err = capfd.readouterr().err
    assert f"param 'format': cannot tell the format of {name!r} from its extension" in err
    assert "set param 'format' to one of csv, tsv, parquet, json, jsonl" in err
    assert "Traceback" not in err
    # Naming the format reads it.
    assert run_component("load_table", {"uri": str(path), "format": "csv"}).result["rows_written"] == {"table": 1}


@pytest.mark.parametrize(
    ("content", "fmt", "message"),
    [
        ('{"a": 1}\n{"a": 2}\n', "json", "not valid JSON"),
        ('{"a": [1, 2]}', "json", "not a dict; for one object per line set param 'format' to jsonl"),
        ('[{"a": 1}, 5]', "json", "item 1 of the JSON array is a int, not an object"),
        ("not json at all", "jsonl", "cannot read"),
        ("PAR1 but not parquet", "parquet", "cannot read"),
    ],
)
def test_a_file_that_does_not_parse_fails_without_retry(tmp_path, run_component, capfd, content, fmt, message):
    path = tmp_path / f"bad{EXTENSIONS[fmt]}"
    path.write_text(content, encoding="utf-8")
    run = run_component("load_table", {"uri": str(path)})
    assert run.exit_code == FATAL_EXIT_CODE
    err = capfd.readouterr().err
    assert message in err and f"param 'uri': cannot read {str(path)!r} as {fmt}" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("name", "content"),
    [("header_only.csv", "a,b\n"), ("empty.csv", ""), ("empty.json", "[]"), ("empty.jsonl", ""), ("blank.tsv", "a\tb\n")],
)
def test_zero_rows_load_with_a_warning(tmp_path, run_component, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    run = run_component("load_table", {"uri": str(path)})
    assert run.exit_code == 0
    assert run.result["rows_written"] == {"table": 0}
    assert run.result["warnings"] == [f"read 0 rows from {path}: downstream nodes get an empty table; check the file and its params"]


def test_csv_params_on_another_format_are_refused(tmp_path, run_component, capfd):
    pd.DataFrame({"a": [1]}).to_parquet(tmp_path / "in.parquet")
    run = run_component("load_table", {"uri": str(tmp_path / "in.parquet"), "skip_rows": 2})
    assert run.exit_code == FATAL_EXIT_CODE
    assert "param 'skip_rows' applies to csv and tsv files only, and this file is parquet; remove it" in capfd.readouterr().err


def test_gzip_csv_from_a_package_file_name(tmp_path, run_component):
    path = tmp_path / "NUMBERS.CSV.GZ"
    path.write_bytes(gzip.compress(b"x\n1\n2\n"))
    assert run_component("load_table", {"uri": str(path)}).table()["x"].tolist() == [1, 2]


def test_only_the_listed_texts_are_missing_values(tmp_path, run_component):
    """Class: words that pandas/pyarrow treat as missing by default (NA, null, nan, None) in text and number columns."""
    path = tmp_path / "codes.csv"
    path.write_text("country,amount\nNA,1\nnull,\nNone,NA\n,3\n", encoding="utf-8")
    run = run_component("load_table", {"uri": str(path)})
    table = run.table()
    assert table["country"].tolist()[:3] == ["NA", "null", "None"] and pd.isna(table["country"][3])
    amounts = table["amount"].tolist()  # "NA" is text here, so the column is text
    assert [amounts[0], amounts[2], amounts[3]] == ["1", "NA", "3"] and pd.isna(amounts[1])
    r_style = run_component("load_table", {"uri": str(path), "null_values": ["", "NA"]}).table()
    expected = pd.read_csv(path, keep_default_na=False, na_values=["", "NA"])
    pd.testing.assert_frame_equal(r_style, expected, check_dtype=False)


# --- package:// files are found without importing the package ------------------------------------

import importlib.util  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

from jimu.catalog import builtin_components_dir  # noqa: E402
from jimu.runtime import FatalError  # noqa: E402

MAIN = builtin_components_dir() / "load_table" / "main.py"
WINE = "package://sklearn.datasets/data/wine_data.csv"


def load_main():
    spec = importlib.util.spec_from_file_location("load_table_main_under_test", MAIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


load_table_main = load_main()

RESOLVE_IN_FRESH_PROCESS = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("load_table_main", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
before = "sklearn" in sys.modules
path = module.package_file(sys.argv[2])
print(json.dumps({"path": path, "before": before, "after": "sklearn" in sys.modules}))
"""


def fresh_python(*args: str) -> str:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, check=True, timeout=60).stdout


def test_a_package_file_is_found_without_importing_the_package():
    found = json.loads(fresh_python("-c", RESOLVE_IN_FRESH_PROCESS, str(MAIN), WINE))
    assert found == {"path": found["path"], "before": False, "after": False}
    # Independently, the import system's own answer (which does import sklearn), in another process.
    expected = fresh_python(
        "-c", "import importlib.resources; print(importlib.resources.files('sklearn.datasets') / 'data/wine_data.csv')"
    ).strip()
    assert found["path"] == expected


def make_package(root, dotted: str, init: str = "raise SystemExit('this __init__ must not run')\n"):
    folder = root.joinpath(*dotted.split("."))
    folder.mkdir(parents=True)
    for depth in range(1, len(dotted.split(".")) + 1):
        root.joinpath(*dotted.split(".")[:depth], "__init__.py").write_text(init, encoding="utf-8")
    return folder


def test_no_init_runs_on_the_way(tmp_path, monkeypatch):
    folder = make_package(tmp_path, "jimu_probe_pkg.inner")
    (folder / "data.csv").write_text("a\n1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert load_table_main.package_file("package://jimu_probe_pkg.inner/data.csv") == str(folder / "data.csv")
    assert "jimu_probe_pkg" not in sys.modules


@pytest.mark.parametrize("uri, message", [
    ("package://jimu_no_such_pkg/x.csv", "no installed package 'jimu_no_such_pkg' ('jimu_no_such_pkg' is not found"),
    ("package://sklearn.no_such_sub/x.csv", "no installed package 'sklearn.no_such_sub' ('sklearn.no_such_sub' is"),
    ("package://json.decoder/x.csv", "'json.decoder' is a module, not a package; name the package folder"),
    ("package://jimu_ns_probe/x.csv", "'jimu_ns_probe' is a namespace package"),
    ("package://jimu_ns_probe.regular/nope.csv", "package 'jimu_ns_probe.regular' has no file 'nope.csv'"),
    ("package://jimu_link_probe/escape.csv", "'escape.csv' leads outside package 'jimu_link_probe' (a symbolic link)"),
])
def test_what_cannot_be_resolved_is_refused_with_the_reason(tmp_path, monkeypatch, uri, message):
    (tmp_path / "jimu_ns_probe").mkdir()  # no __init__.py: a namespace package
    make_package(tmp_path / "jimu_ns_probe", "regular")
    outside = tmp_path / "secret.csv"
    outside.write_text("a\n1\n", encoding="utf-8")
    (make_package(tmp_path, "jimu_link_probe") / "escape.csv").symlink_to(outside)
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(FatalError) as refused:
        load_table_main.package_file(uri)
    assert str(refused.value).startswith(f"param 'uri': {uri!r}: ") and message in str(refused.value)


SEGMENTS = st.sampled_from(["data", "wine_data.csv", ".", "x y", "é"])
HOSTILE_INNER = st.one_of(
    st.lists(st.one_of(SEGMENTS, st.just("..")), min_size=1, max_size=5).filter(lambda p: ".." in p).map("/".join),
    st.lists(SEGMENTS, max_size=4).map(lambda parts: "/" + "/".join(parts)),  # absolute: package:///etc/passwd
    st.tuples(st.text(max_size=6), st.text(max_size=6)).map("\0".join),
    st.tuples(st.text(max_size=6), st.text(max_size=6)).map("\\".join),
    st.just(""),
)
NAME_PARTS = st.sampled_from(["sklearn", "datasets", "", "..", "1x", "a-b", "a b", "é"])
HOSTILE_NAMES = st.lists(NAME_PARTS, min_size=1, max_size=4).map(".".join).filter(
    lambda name: not all(part.isidentifier() for part in name.split("."))
)


@settings(max_examples=60, deadline=None)
@given(inner=HOSTILE_INNER)
@example(inner="../../../etc/passwd")
@example(inner="data/..\\..\\x")
def test_hostile_inner_paths_are_refused(inner):
    with pytest.raises(FatalError, match="a relative path without '..', backslashes or NUL"):
        load_table_main.package_file(f"package://sklearn.datasets/{inner}")


@settings(max_examples=60, deadline=None)
@given(name=HOSTILE_NAMES)
def test_names_that_are_not_dotted_identifiers_are_refused(name):
    uri = f"package://{name}/data/wine_data.csv"
    with pytest.raises(FatalError) as refused:
        load_table_main.package_file(uri)
    assert "is not a dotted Python package name" in str(refused.value) or "without '..'" in str(refused.value)


# --- 1.2.0: a folder is one table; a relative uri is read from the exports folder -----------------

from pathlib import Path  # noqa: E402


def exports(home: Path) -> Path:
    return home / "exports"


def read_folder_with_pandas(paths, fmt: str) -> pd.DataFrame:
    return pd.concat([read_with_pandas(path, fmt) for path in paths], ignore_index=True)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), fmt=st.sampled_from(sorted(EXTENSIONS)), k=st.integers(1, 4), relative=st.booleans())
def test_a_folder_of_k_files_reads_as_pandas_reads_them_one_by_one(tmp_path_factory, jimu_home, run_component,
                                                                   data, fmt, k, relative):
    # The same columns in every file, so the files agree; the rows differ.
    kinds = data.draw(st.lists(st.sampled_from(sorted(COLUMN_KINDS)), min_size=1, max_size=4))
    parts = [data.draw(frames(kinds)) for _ in range(k)]
    root = exports(jimu_home) if relative else tmp_path_factory.mktemp("folder")
    folder = root / f"daily_{fmt}"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    # Names whose sorted order is not the order they are written in.
    paths = [folder / f"day_{9 - i:02d}{EXTENSIONS[fmt]}" for i in range(k)]
    for path, part in zip(paths, parts, strict=True):
        write_with_pandas(part, path, fmt)
    (folder / ".half_written.tmp").write_text("not data", encoding="utf-8")
    (folder / "_SUCCESS").write_text("", encoding="utf-8")
    run = run_component("load_table", {"uri": folder.name if relative else str(folder)})
    assert run.exit_code == 0
    expected = read_folder_with_pandas(sorted(paths), fmt)
    assert run.result["rows_written"] == {"table": len(expected)}
    pd.testing.assert_frame_equal(run.table(), expected, check_dtype=False)


def test_files_whose_columns_disagree_are_refused_naming_both(tmp_path, run_component, capfd):
    pd.DataFrame({"day": ["a"], "revenue": [1.5]}).to_parquet(tmp_path / "2026-11-01.parquet")
    pd.DataFrame({"day": ["b"], "revenue": ["lots"]}).to_parquet(tmp_path / "2026-11-02.parquet")
    pd.DataFrame({"day": ["c"], "units": [3]}).to_parquet(tmp_path / "2026-11-03.parquet")
    run = run_component("load_table", {"uri": str(tmp_path)})
    assert run.exit_code == FATAL_EXIT_CODE
    err = capfd.readouterr().err
    assert "column 'revenue' is double in 2026-11-01.parquet but large_string in 2026-11-02.parquet" in err
    (tmp_path / "2026-11-02.parquet").unlink()
    run = run_component("load_table", {"uri": str(tmp_path)})
    err = capfd.readouterr().err
    assert run.exit_code == FATAL_EXIT_CODE
    assert ("do not have the same columns: 2026-11-01.parquet has ['day', 'revenue'], "
            "2026-11-03.parquet has ['day', 'units']") in err


def test_an_empty_day_and_integers_meeting_floats_stack_like_pandas(tmp_path, run_component):
    pd.DataFrame({"store": ["a", "b"], "units": [1, 2]}).to_parquet(tmp_path / "1.parquet")
    pd.DataFrame({"store": pd.Series([], dtype=object), "units": pd.Series([], dtype=float)}).to_parquet(
        tmp_path / "2.parquet")
    pd.DataFrame({"store": ["c"], "units": [2.5]}).to_parquet(tmp_path / "3.parquet")
    run = run_component("load_table", {"uri": str(tmp_path)})
    assert run.exit_code == 0
    expected = pd.concat([pd.read_parquet(tmp_path / f"{i}.parquet") for i in (1, 2, 3)], ignore_index=True)
    pd.testing.assert_frame_equal(run.table(), expected, check_dtype=False)


def test_a_folder_of_several_formats_needs_a_format(tmp_path, run_component, capfd):
    pd.DataFrame({"a": [1]}).to_csv(tmp_path / "x.csv", index=False)
    pd.DataFrame({"a": [2]}).to_parquet(tmp_path / "y.parquet")
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    run = run_component("load_table", {"uri": str(tmp_path)})
    assert run.exit_code == FATAL_EXIT_CODE
    assert "holds files of several formats (csv, parquet); set param 'format'" in capfd.readouterr().err
    picked = run_component("load_table", {"uri": str(tmp_path), "format": "parquet"})
    assert picked.table()["a"].tolist() == [2]


def test_an_empty_folder_loads_zero_rows_with_a_warning(tmp_path, run_component):
    run = run_component("load_table", {"uri": str(tmp_path)})
    assert run.exit_code == 0
    assert run.result["rows_written"] == {"table": 0}
    assert run.result["warnings"] == [f"read 0 rows from {tmp_path}: downstream nodes get an empty table; "
                                      "check the file and its params"]


def test_a_relative_uri_is_read_from_the_exports_folder_not_the_current_one(tmp_path, jimu_home, run_component,
                                                                           monkeypatch):
    (exports(jimu_home) / "sales").mkdir(parents=True)
    (exports(jimu_home) / "sales" / "day.csv").write_text("n\n1\n", encoding="utf-8")
    elsewhere = tmp_path / "cwd"
    (elsewhere / "sales").mkdir(parents=True)
    (elsewhere / "sales" / "day.csv").write_text("n\n999\n", encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    assert run_component("load_table", {"uri": "sales/day.csv"}).table()["n"].tolist() == [1]
    assert run_component("load_table", {"uri": "sales"}).table()["n"].tolist() == [1]


def test_a_relative_uri_may_not_climb_out_of_the_exports_folder(tmp_path, jimu_home, run_component, capfd):
    (tmp_path / "secret.csv").write_text("a\n1\n", encoding="utf-8")
    run = run_component("load_table", {"uri": "../../secret.csv"})
    assert run.exit_code == FATAL_EXIT_CODE
    assert "param 'uri': '../../secret.csv' climbs out of the exports folder; remove '..'" in capfd.readouterr().err

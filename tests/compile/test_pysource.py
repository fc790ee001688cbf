"""Names written into DAG source read back as the same string.

Class of inputs: every identifier Python accepts, ASCII or not. Python folds non-ASCII names
to NFKC when parsing, so a param schema key 'µ' written as a keyword would arrive as 'μ'.
"""

from __future__ import annotations

import ast
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jimu.compile.pysource import call, is_plain_name, py_literal

identifiers = st.text(min_size=1, max_size=6).filter(str.isidentifier)


@given(identifiers)
def test_a_name_we_write_is_the_name_python_reads(name):
    if not is_plain_name(name):
        with pytest.raises(ValueError):
            call("f", [], [(name, py_literal(1))], 0)
        return
    source = call("f", [], [(name, py_literal(1))], 0)
    assert ast.parse(source).body[0].value.keywords[0].arg == name


# Characters Python folds when they appear in a name (NFKC): micro sign, ligatures, fraktur, ...
FOLDING = [c for c in map(chr, range(0xA0, 0x10000)) if ("a" + c).isidentifier() and unicodedata.normalize("NFKC", c) != c]


@given(st.from_regex(r"\A[a-z_][a-z0-9_]{0,5}\Z"), st.sampled_from(FOLDING), st.booleans())
def test_names_python_would_fold_are_never_plain(ascii_part, folding, first):
    name = folding + ascii_part if first and folding.isidentifier() else ascii_part + folding
    assert name.isidentifier()
    assert not is_plain_name(name)
    with pytest.raises(ValueError):
        call("f", [], [(name, py_literal(1))], 0)


def test_folded_schema_keys_reach_airflow_unchanged(catalog):
    from jimu.compile import compile_pipeline, load_profile
    from jimu.validate import validate_pipeline

    raw = {"id": "folding", "params": {"p": {"type": "string", "default": "x", "µ": 1, "ﬁle": 2}}, "nodes": []}
    report = validate_pipeline(raw, catalog)
    assert report.ok, report.issues
    source = compile_pipeline(report.spec, catalog, load_profile("kubernetes"))
    tree = ast.parse(source)
    params_call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call) and ast.unparse(n.func) == "Param")
    written = {kw.arg for kw in params_call.keywords} | {
        k.value for kw in params_call.keywords if kw.arg == "schema" for k in kw.value.keys
    }
    assert {"µ", "ﬁle"} <= written, written
    assert "μ" not in written and "file" not in written


def test_a_pipeline_without_nodes_compiles_to_a_dag_that_loads(catalog, tmp_path):
    from jimu.compile import compile_pipeline, load_profile
    from jimu.validate import validate_pipeline
    from tests.compile.expect import load_dagbag

    report = validate_pipeline({"id": "empty", "nodes": []}, catalog)
    for profile in ("kubernetes", "local"):
        path = tmp_path / f"{profile}.py"
        path.write_text(compile_pipeline(report.spec, catalog, load_profile(profile)), encoding="utf-8")
        bag = load_dagbag(path)
        assert bag.import_errors == {} and len(bag.dags) == 1

"""User text never becomes code.

Hostile strings (quotes, backslashes, Jinja, shell, newlines, NUL, path traversal, Python
injection, unicode, 1 MB blobs) go into every user-text field of a pipeline spec. For both
deployment profiles the compiled DAG must parse, import into a real Airflow DagBag without
errors and run no payload; and after Airflow renders the task templates, the real Jimu entry
point must hand the component params and pipeline params equal to the spec's values.

Every payload that could run a command tries to create MARKER; it must never exist.

The example counts keep the file under a minute; for a deeper search set
JIMU_SECURITY_EXAMPLES (default 25; the exec test runs a quarter as many).
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import tokenize
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from jimu.catalog import ComponentCatalog
from jimu.compile import compile_pipeline
from jimu.compile.profile import BUILTIN_PROFILES
from jimu.compile.render_tasks import ENTRY_COMMAND
from jimu.run.node_process import run_node_process, run_root
from jimu.runtime import entry, storage
from jimu.runtime.invocation import resolve_invocation
from jimu.validate import validate_pipeline

REPO = Path(__file__).resolve().parents[2]
FIXTURE_COMPONENTS = REPO / "tests" / "fixtures" / "components"
ECHO_DIR = FIXTURE_COMPONENTS / "echo_params"
SQL_DIR = REPO / "components" / "sql"
ECHO_FILE = "echo.json"
ECHO_OUT_DIR_ENV = "JIMU_ECHO_OUT_DIR"

# An absolute path every command-running payload tries to create.
MARKER_DIR = Path(tempfile.mkdtemp(prefix="jimu-security-marker-"))
MARKER = MARKER_DIR / "MARKER"

PIPELINE_ID = "hostile_pipeline"
ECHO_NODE = "echo"
SQL_NODE = "query"
MEGABYTE = 1024 * 1024
# Linux refuses a single argv string longer than this (MAX_ARG_STRLEN): such values are
# checked in-process rather than through a real exec.
MAX_ARG_STRLEN = 128 * 1024
AIRFLOW_TAG_MAX_LEN = 100
DISPLAY_NAME_MAX_LEN = 2000
EXAMPLES = int(os.environ.get("JIMU_SECURITY_EXAMPLES", "25"))
TOKENIZE_LIMIT = 2 * MEGABYTE

PAYLOADS = [
    "'", '"', "'''", '"""', "\\", "\\\\", "\\'", '\\"', "\\n", "\\x00", "\\u2028", "\\N{BULLET}",
    "{{ 7*7 }}", "{{ run_id }}", "{{ params }}", "{{ dict(params) | tojson }}", "{{", "}}",
    "{% raw %}", "{% endraw %}", "{%", "%}", "{# #}", "{#", "#}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    f"{{{{ cycler.__init__.__globals__.os.system('touch {MARKER}') }}}}",
    f"{{% for x in [1] %}}{{{{ self.__init__.__globals__.__builtins__.__import__('os').system('touch {MARKER}') }}}}{{% endfor %}}",
    "${HOME}", "$HOME", "${IFS}", "%PATH%",
    f"$(touch {MARKER})", f"`touch {MARKER}`", f"; touch {MARKER}", f"&& touch {MARKER}", f"| touch {MARKER}",
    "; rm -rf /", "; rm -rf ~ #",
    "\n", "\r", "\r\n", "\u2028", "\u2029", "\x85", "\x00", "\t", "\x0b", "\x0c", "\x1b[2J", "\x7f",
    "../../etc/passwd", "/etc/passwd", "..\\..\\windows\\win.ini", "file:///etc/passwd",
    f"__import__('os').system('touch {MARKER}')",
    f'"); import os; os.system("touch {MARKER}',
    f"'); import os; os.system('touch {MARKER}",
    f"\"\"\"); import os; os.system('touch {MARKER}'); (\"\"\"",
    f"'''); import os; os.system('touch {MARKER}'); ('''",
    f"\n)\nimport os; os.system('touch {MARKER}')\n#",
    f"\\\n__import__('os').system('touch {MARKER}')",
    "# -*- coding: latin-1 -*-", "#", "\\N{", "\\u", "\\x", "%s", "%(x)s", "{0}", "{x!r}",
    '{"$param": "free"}', "$param", "-- comment", "/* c */", "*/", ":free", "?", "$1",
    "--invocation", "--params={}", "--component-dir=/tmp", "-h", "--help", "@file",
    "<script>alert(1)</script>", "&amp;", "é", "漢字", "🙂", "\u202e", "\ufeff", "\u200b", "\U0010ffff",
    "null", "true", "1e999", "NaN",
]

# Hypothesis' own text: any code point but lone surrogates (a spec is UTF-8 JSON text).
CHARS = st.characters(exclude_categories=("Cs",))
hostile_text = st.lists(
    st.one_of(st.sampled_from(PAYLOADS), st.text(CHARS, max_size=6)), max_size=6
).map("".join)
# A dict key that is never a `{"$param": ...}` reference.
hostile_key = hostile_text.filter(lambda key: key != "$param")
hostile_json = st.recursive(
    st.one_of(
        hostile_text,
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.none(),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(hostile_key, inner, max_size=3),
    ),
    max_leaves=10,
)
hostile_object = st.dictionaries(hostile_key, hostile_json, max_size=4)
# Run ids come from the trigger form / API: Airflow's default pattern allows "-rerun" or
# "--help", which must stay the value of --run-id. (No NUL: an argv string cannot hold one.)
hostile_run_id = st.tuples(
    st.sampled_from(["manual__", "-", "--", "-h", "--help", "--params", "--run-id=", "--component-dir=/tmp"]),
    hostile_text,
).map("".join).filter(lambda text: "\x00" not in text)

PROFILES = ("kubernetes", "local")

# Extra keys in a param's JSON Schema become Param(...) keyword arguments or a schema dict:
# names Param itself takes must stay data too. JSON Schema keywords are left out: their values
# have meaning, and the validator checks them. "self" and "source" the validator rejects
# (Airflow cannot store them: test_param_schema_keys_airflow_cannot_store_are_rejected).
PARAM_ARGUMENT_KEYS = ("self", "source")
JSON_SCHEMA_KEYWORDS = frozenset({
    "$schema", "$id", "$ref", "$anchor", "$dynamicRef", "$dynamicAnchor", "$vocabulary", "$comment",
    "$defs", "$recursiveRef", "$recursiveAnchor", "definitions", "dependencies", "allOf", "anyOf",
    "oneOf", "not", "if", "then", "else", "dependentSchemas", "prefixItems", "items", "contains",
    "properties", "patternProperties", "additionalProperties", "propertyNames", "unevaluatedItems",
    "unevaluatedProperties", "type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum",
    "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
    "uniqueItems", "maxContains", "minContains", "maxProperties", "minProperties", "required",
    "dependentRequired", "format", "contentEncoding", "contentMediaType", "contentSchema", "title",
    "description", "default", "deprecated", "readOnly", "writeOnly", "examples",
})
TRICKY_SCHEMA_KEYS = [
    "schema", "value", "default_", "description_", "kwargs", "args", "cls", "class", "lambda", "None", "True",
    "__class__", "__init__", "__dict__", "print", "x_jimu", "x-jimu", "0", "", "a b", "**x", "*",
]
schema_extras = st.dictionaries(
    st.one_of(st.sampled_from(TRICKY_SCHEMA_KEYS), hostile_key).filter(
        lambda k: k not in JSON_SCHEMA_KEYWORDS and k not in PARAM_ARGUMENT_KEYS
    ),
    hostile_json,
    max_size=3,
)


def canonical(value: Any) -> str:
    """Exact comparison: 1 != 1.0 != True, and every character counts."""
    return json.dumps(value, sort_keys=True, ensure_ascii=True)


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass
class Case:
    raw: dict
    source: str
    run_id: str
    conf: dict
    sql_text: str


def build_case(
    *, title, description, tags, param_title, param_descriptions, enum, free_default,
    comment, blob_default, choice_extras, blob_extras, node_titles, node_descriptions, text, nested, items, number,
    sql_text, source, run_id, conf,
) -> Case:
    params = {
        "choice": {
            **choice_extras,
            "type": "string",
            "title": param_title,
            "description": param_descriptions[0],
            "enum": enum,
            "default": enum[0],
        },
        # "$comment" is no Python identifier: this schema reaches Param(**{...}).
        "free": {"type": "string", "description": param_descriptions[1], "$comment": comment, "default": free_default},
        "blob": {**blob_extras, "type": "object", "description": param_descriptions[2], "default": blob_default},
    }
    echo_params = {
        "text": text,
        # Nested hostile keys and values, plus a reference resolved at run time.
        "nested": {**nested, "inner": {"deeper": [{"$param": "free"}, text]}, "blob": {"$param": "blob"}},
        "items": items,
        "ref": {"$param": "choice"},
        "number": number,
    }
    sql_params = {
        "query": f"SELECT {sql_string(sql_text)} AS value, :free AS bound",
        "dialect": "duckdb",
    }
    raw = {
        "id": PIPELINE_ID,
        "title": title,
        "description": description,
        "tags": tags,
        "params": params,
        "nodes": [
            {"id": ECHO_NODE, "component": "echo_params@1.0.0", "title": node_titles[0],
             "description": node_descriptions[0], "params": echo_params},
            {"id": SQL_NODE, "component": "sql@1.2.0", "title": node_titles[1],
             "description": node_descriptions[1], "params": sql_params},
        ],
        "edges": [],
    }
    return Case(raw, source, run_id, conf, sql_text)


@st.composite
def hostile_cases(draw) -> Case:
    enum = draw(st.lists(hostile_text, min_size=1, max_size=4, unique=True))
    return build_case(
        title=draw(hostile_text),
        description=draw(hostile_text),
        tags=draw(st.lists(hostile_text.filter(lambda t: len(t) <= AIRFLOW_TAG_MAX_LEN), max_size=4)),
        param_title=draw(hostile_text),
        param_descriptions=draw(st.lists(hostile_text, min_size=3, max_size=3)),
        enum=enum,
        free_default=draw(hostile_text),
        comment=draw(hostile_text),
        blob_default=draw(hostile_object),
        choice_extras=draw(schema_extras.filter(lambda d: all(k.isidentifier() for k in d))),
        blob_extras=draw(schema_extras),
        node_titles=draw(st.lists(hostile_text, min_size=2, max_size=2)),
        node_descriptions=draw(st.lists(hostile_text, min_size=2, max_size=2)),
        text=draw(hostile_text),
        nested=draw(hostile_object),
        items=draw(st.lists(hostile_json, max_size=4)),
        number=draw(st.floats(allow_nan=False, allow_infinity=False)),
        sql_text=draw(hostile_text),
        source=draw(hostile_text),
        run_id=draw(hostile_run_id),
        # What a user types into the trigger form: overrides the defaults at run time.
        conf={
            # Keys the DAG does not declare reach the run's params too.
            **draw(st.dictionaries(hostile_key.filter(lambda k: k not in {"choice", "free", "blob"}), hostile_json, max_size=2)),
            "choice": draw(st.sampled_from(enum)),
            "free": draw(hostile_text),
            # A run value that looks like a reference stays a value: substitution is one pass.
            "blob": draw(st.one_of(hostile_object, st.sampled_from([{"$param": "choice"}, {"$param": "free"}]))),
        },
    )


def megabyte_text(seed: str) -> str:
    unit = seed + "".join(PAYLOADS)
    return (unit * (MEGABYTE // len(unit) + 1))[:MEGABYTE]


def huge_case() -> Case:
    """Every user-text field 1 MB long, except what Airflow caps: tags (100 characters) and the
    DAG and task titles (display names, stored in 2000-character columns)."""
    big = {name: megabyte_text(name) for name in (
        "title", "description", "param_title", "d0", "d1", "d2", "e0", "e1", "free", "comment",
        "blob", "t0", "t1", "nd0", "nd1", "text", "key", "item", "sql", "source", "conf",
    )}
    return build_case(
        title=big["title"][:DISPLAY_NAME_MAX_LEN], description=big["description"],
        tags=[PAYLOADS[0] * AIRFLOW_TAG_MAX_LEN, "".join(PAYLOADS)[:AIRFLOW_TAG_MAX_LEN]],
        param_title=big["param_title"], param_descriptions=[big["d0"], big["d1"], big["d2"]],
        enum=[big["e0"], big["e1"]], free_default=big["free"], comment=big["comment"],
        blob_default={big["key"][:1000]: big["blob"]},
        choice_extras={"kwargs": big["blob"], "value": [big["blob"]]},
        blob_extras={"schema": big["blob"], big["key"]: big["blob"]},
        node_titles=[big["t0"][:DISPLAY_NAME_MAX_LEN], big["t1"][:DISPLAY_NAME_MAX_LEN]], node_descriptions=[big["nd0"], big["nd1"]],
        text=big["text"], nested={big["key"]: [big["item"], {"k": big["item"]}]},
        items=[big["item"], 1, None], number=1.5, sql_text=big["sql"], source=big["source"],
        run_id="manual__" + "{{ 7*7 }}" * 1000,
        conf={"choice": big["e1"], "free": big["conf"], "blob": {"x": big["conf"]}},
    )


def fixed_case() -> Case:
    """One hand-picked hostile case, for tests that need no search."""
    text = "".join(PAYLOADS)
    return build_case(
        title=text, description=text, tags=["{{ 7*7 }}", "'; rm -rf /"], param_title=text,
        param_descriptions=[text, text, text], enum=[text, "b"], free_default=text, comment=text,
        blob_default={text: text}, choice_extras={}, blob_extras={"x-jimu": text},
        node_titles=[text, text], node_descriptions=[text, text], text=text, nested={text: [text]},
        items=[text], number=0.5, sql_text=text, source=text, run_id="manual__" + text.replace("\x00", ""),
        conf={"choice": "b", "free": text, "blob": {"$param": "free"}},
    )


# ---------------------------------------------------------------------------------------------
# helpers


@pytest.fixture(scope="module", autouse=True)
def marker_dir():
    yield MARKER_DIR
    assert_no_marker()
    MARKER_DIR.rmdir()


@pytest.fixture(scope="module")
def hostile_catalog() -> ComponentCatalog:
    return ComponentCatalog.from_dirs([FIXTURE_COMPONENTS])


def assert_no_marker() -> None:
    assert not MARKER.exists(), f"a payload ran a command: {MARKER} exists"


def expected_pipeline_params(case: Case) -> dict:
    """The run's params: defaults, overridden by the trigger conf."""
    defaults = {name: schema["default"] for name, schema in case.raw["params"].items()}
    return {**defaults, **case.conf}


def expected_node_params(case: Case, node_id: str, pipeline_params: dict) -> dict:
    """The node's params with references resolved, built without Jimu's own substitution."""
    node = next(n for n in case.raw["nodes"] if n["id"] == node_id)
    params = json.loads(json.dumps(node["params"]))
    if node_id == ECHO_NODE:
        params["nested"]["inner"]["deeper"][0] = pipeline_params["free"]
        params["nested"]["blob"] = pipeline_params["blob"]
        params["ref"] = pipeline_params["choice"]
    return params


def check_source_shape(source: str, case: Case) -> None:
    """User text appears only as string constants and in the header comments."""
    tree = ast.parse(source)
    allowed_names = {
        "DAG", "Param", "literal", "JimuPodOperator", "JimuComponentOperator", "k8s",
        "datetime", "dag", "JIMU_HOME", "JIMU_CATALOG", ECHO_NODE, SQL_NODE,
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            assert node.id in allowed_names, f"unexpected name {node.id!r} in the DAG file"
        elif isinstance(node, ast.Attribute):
            assert node.attr in {"datetime", "timedelta", "UTC", "V1ResourceRequirements",
                                 "V1EnvFromSource", "V1SecretEnvSource"}, node.attr
        elif isinstance(node, ast.Call):
            func = ast.unparse(node.func)
            assert func in {"DAG", "Param", "literal", "JimuPodOperator", "JimuComponentOperator",
                            "datetime.datetime", "datetime.timedelta", "k8s.V1ResourceRequirements",
                            "k8s.V1EnvFromSource", "k8s.V1SecretEnvSource"}, func
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            assert module in {"__future__", "datetime", "airflow.sdk", "kubernetes.client",
                              "jimu.operators.pod", "jimu.operators.local_component"}, module
        assert not isinstance(node, (ast.FunctionDef, ast.Lambda, ast.JoinedStr, ast.Subscript, ast.ClassDef))
    top = [type(n).__name__ for n in tree.body]
    assert top[-1] == "With" and set(top[:-1]) <= {"ImportFrom", "Import", "Assign"}, top
    for assign in (n for n in tree.body if isinstance(n, ast.Assign)):  # only the home constants, strings
        assert [ast.unparse(t) for t in assign.targets] in (["JIMU_HOME"], ["JIMU_CATALOG"])
        assert isinstance(assign.value, ast.Constant) and isinstance(assign.value.value, str)
    if len(source) < TOKENIZE_LIMIT:  # pure-Python tokenize takes seconds on 25 MB files
        comments = [
            tok.string for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type == tokenize.COMMENT
        ]
        # six header lines, and in local files two fixed lines about the home
        expected = 8 if "JimuComponentOperator(" in source else 6
        assert len(comments) == expected and all(c.isascii() for c in comments), comments[:8]
        assert comments[2] == "# source: " + ascii(case.source or "<memory>")[1:-1]
    header = source.split("\n", 5)
    assert header[2] == "# source: " + ascii(case.source or "<memory>")[1:-1]

    # The DAG call's user-text keywords hold exactly the spec's values.
    dag_call = tree.body[-1].items[0].context_expr
    kwargs = {kw.arg: kw.value for kw in dag_call.keywords}
    spec = case.raw
    assert ast.literal_eval(kwargs["dag_display_name"]) == (spec["title"] or spec["id"])
    assert ast.literal_eval(kwargs["description"]) == (spec["description"] or None)
    assert ast.literal_eval(kwargs["tags"]) == sorted({"jimu", *spec["tags"]})


def check_params(params, case: Case) -> None:
    for name, schema in case.raw["params"].items():
        param = params.get_param(name)
        assert canonical(param.value) == canonical(schema["default"])
        assert param.description == schema["description"]
        rest = {k: v for k, v in schema.items() if k not in {"default", "description"}}
        assert canonical(param.schema) == canonical(rest), name


def check_dag(dag, case: Case, profile: str) -> None:
    spec = case.raw
    assert dag.dag_id == PIPELINE_ID + BUILTIN_PROFILES[profile].dag_id_suffix
    assert dag.dag_display_name == (spec["title"] or spec["id"])
    assert dag.description == (spec["description"] or None)
    assert set(dag.tags) == {"jimu", *spec["tags"]}
    check_params(dag.params, case)
    assert sorted(t.task_id for t in dag.tasks) == sorted([ECHO_NODE, SQL_NODE])
    for node in spec["nodes"]:
        task = dag.get_task(node["id"])
        assert task.task_display_name == (node["title"] or node["id"])
        if profile == "local":
            assert canonical(task.invocation["params"]) == canonical(node["params"])


def compile_and_load(case: Case, spec, catalog: ComponentCatalog, profile: str, dags_dir: Path):
    source = compile_pipeline(spec, catalog, BUILTIN_PROFILES[profile], source=case.source)
    check_source_shape(source, case)
    path = dags_dir / f"{PIPELINE_ID}_{profile}_{uuid.uuid4().hex}.py"
    path.write_text(source, encoding="utf-8")

    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(path), safe_mode=False)
    assert bag.import_errors == {}, bag.import_errors
    assert_no_marker()
    dag = bag.dags[PIPELINE_ID + BUILTIN_PROFILES[profile].dag_id_suffix]
    check_dag(dag, case, profile)

    # The dag processor stores the DAG serialized (the trigger form reads params from there);
    # a failure to serialize is reported as an import error too.
    from airflow.serialization.serialized_objects import DagSerialization

    stored = json.loads(json.dumps(DagSerialization.to_dict(dag)))
    restored = DagSerialization.from_dict(stored)
    check_params(restored.params, case)
    assert restored.dag_display_name == (case.raw["title"] or PIPELINE_ID)
    assert restored.description == (case.raw["description"] or None)
    assert_no_marker()
    return dag


def run_params(dag, case: Case) -> dict:
    """What Airflow hands a task as `params`: defaults merged with the trigger conf, validated."""
    from airflow.sdk.definitions.param import process_params

    return process_params(dag, dag.tasks[0], case.conf, suppress_exception=False)


def pod_args(task, case: Case, params: dict, dag) -> tuple[list[str], dict[str, str]]:
    """Render the task's templates as Airflow does, then build its pod (no cluster needed)."""
    from airflow.sdk.definitions.param import ParamsDict

    from tests.compile.expect import run_context

    context = run_context(case.run_id, ParamsDict(params))
    task.render_template_fields(context, jinja_env=dag.get_template_env())
    pod = task.build_pod_request_obj(dry_run=True)
    container = pod.spec.containers[0]
    assert container.command == ENTRY_COMMAND
    args = list(container.args)
    assert args[0::2] == ["--invocation", "--run-id", "--params", "--run-values"], args[0::2]
    assert args[3] == case.run_id
    assert json.loads(args[7])["run_id"] == case.run_id  # a hostile run id is JSON data in the run values too
    node = next(n for n in case.raw["nodes"] if n["id"] == task.task_id)
    static = json.loads(args[1])
    assert canonical(static["params"]) == canonical(node["params"]), "the invocation changed on rendering"
    assert static["pipeline"] == PIPELINE_ID and static["node"] == task.task_id
    assert canonical(json.loads(args[5])) == canonical(params)
    assert all("\x00" not in arg for arg in args), "an argv string cannot hold NUL"
    assert pod.metadata.labels["jimu.dev/node"] == task.task_id
    env = {e.name: e.value for e in container.env or []}
    return args, env


def read_echo_file(path: Path) -> dict:
    return json.loads(path.read_text(encoding="ascii"))


def check_echo(echo: dict, case: Case, node_id: str, pipeline_params: dict) -> None:
    assert echo["node"] == node_id
    assert echo["run_id"] == case.run_id
    assert canonical(echo["pipeline_params"]) == canonical(pipeline_params)
    assert canonical(echo["params"]) == canonical(expected_node_params(case, node_id, pipeline_params))


@contextmanager
def environ(**values: str | None):
    with mock.patch.dict(os.environ):
        for key, value in values.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield


@contextmanager
def entry_in_process():
    """run_node_process with its child `python -m jimu.runtime.entry` run in this process."""
    real_run = subprocess.run

    def fake_run(command, stdout=None, stderr=None, timeout=None, check=False, **kwargs):
        assert command[:3] == [sys.executable, *ENTRY_COMMAND[1:]], command[:3]
        code = entry.main(command[3:])
        return subprocess.CompletedProcess(command, code)

    with mock.patch("jimu.run.node_process.subprocess.run", fake_run):
        yield real_run


@dataclass
class Pod:
    node: str
    args: list[str]
    env: dict[str, str]


def prepare_pods(dag, case: Case) -> tuple[list[Pod], dict]:
    params = run_params(dag, case)
    assert canonical(params) == canonical(expected_pipeline_params(case))
    return [Pod(task.task_id, *pod_args(task, case, params, dag)) for task in dag.tasks], params


def run_pod_subprocess(pod: Pod, out_dir: Path) -> None:
    """The container's command, exec'd as the kubelet would (component folder overridden)."""
    assert max(len(a.encode()) for a in pod.args) < MAX_ARG_STRLEN
    command = [sys.executable, *ENTRY_COMMAND[1:], *pod.args, "--component-dir", str(ECHO_DIR)]
    child_env = {**os.environ, **pod.env, ECHO_OUT_DIR_ENV: str(out_dir)}
    proc = subprocess.run(command, env=child_env, capture_output=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-3000:]


def run_pod_in_process(pod: Pod, out_dir: Path) -> None:
    with environ(**{ECHO_OUT_DIR_ENV: str(out_dir)}):
        assert entry.main(pod.args + ["--component-dir", str(ECHO_DIR)]) == 0


def check_pods(pods: list[Pod], params: dict, case: Case, out_dir: Path) -> None:
    for pod in pods:
        check_echo(read_echo_file(out_dir / f"{pod.node}.{ECHO_FILE}"), case, pod.node, params)


def prepare_local(dag, case: Case) -> tuple[dict[str, dict], dict]:
    """Each task's invocation as JimuComponentOperator.execute resolves it."""
    from jimu.operators.local_component import JimuComponentOperator

    params = run_params(dag, case)
    assert canonical(params) == canonical(expected_pipeline_params(case))
    resolved = {}
    for task in dag.tasks:
        assert isinstance(task, JimuComponentOperator)
        resolved[task.task_id] = resolve_invocation(
            task.invocation, run_id=case.run_id, pipeline_params={key: params[key] for key in params}
        )
    return resolved, params


def check_local(resolved: dict[str, dict], params: dict, case: Case) -> None:
    data = Path(storage.default_storage_base()).resolve()
    for node_id, invocation in resolved.items():
        for uri in invocation["outputs"].values():
            _, folder = storage.resolve(uri)
            assert data in Path(folder).resolve().parents, f"{folder} is outside {data}"
            check_echo(read_echo_file(Path(folder) / ECHO_FILE), case, node_id, params)
    # The real SQL component, on the invocation file run_node_process wrote: the hostile SQL
    # string literal comes back as data, the bound pipeline param as the run's value.
    sql = resolved[SQL_NODE]
    invocation_file = run_root(sql["pipeline"], sql["run_id"]) / SQL_NODE / "invocation.json"
    assert entry.main(["--invocation-file", str(invocation_file), "--component-dir", str(SQL_DIR)]) == 0
    table = storage.read_table(sql["outputs"]["table"]).to_pylist()
    assert table == [{"value": case.sql_text, "bound": params["free"]}]


def run_everything(case: Case, catalog: ComponentCatalog, work: Path, profiles, exec_children: bool) -> None:
    """Compile, load, render and run every node of `case`; children exec'd or in-process."""
    report = validate_pipeline(case.raw, catalog)
    assert report.ok, [str(i) for i in report.issues]
    dags = {profile: compile_and_load(case, report.spec, catalog, profile, work) for profile in profiles}
    pod_out = work / "pods"
    pod_out.mkdir()
    jobs = []
    if "kubernetes" in dags:
        pods, pod_params = prepare_pods(dags["kubernetes"], case)
        run_pod = run_pod_subprocess if exec_children else run_pod_in_process
        jobs += [lambda pod=pod: run_pod(pod, pod_out) for pod in pods]
    if "local" in dags:
        resolved, local_params = prepare_local(dags["local"], case)
        jobs += [lambda inv=inv: run_node_process(inv, ECHO_DIR, timeout=120) for inv in resolved.values()]
    with environ(**{ECHO_OUT_DIR_ENV: None}):
        if exec_children:
            with ThreadPoolExecutor(len(jobs)) as pool:  # as Airflow would: independent tasks at once
                for future in [pool.submit(job) for job in jobs]:
                    future.result()
        else:
            with entry_in_process():
                for job in jobs:
                    job()
    assert_no_marker()
    if "kubernetes" in dags:
        check_pods(pods, pod_params, case, pod_out)
    if "local" in dags:
        check_local(resolved, local_params, case)
    assert_no_marker()


# ---------------------------------------------------------------------------------------------
# tests

HYPOTHESIS = {
    "deadline": None,
    "database": None,  # nothing written into the repository
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
}


@settings(max_examples=EXAMPLES, **HYPOTHESIS)
@given(case=hostile_cases())
def test_hostile_text_reaches_components_as_data(case, hostile_catalog, monkeypatch):
    """Many hostile specs, both profiles; the entry point runs in this process."""
    with tempfile.TemporaryDirectory(prefix="jimu-hostile-") as tmp:
        monkeypatch.setenv("JIMU_HOME", str(Path(tmp) / "home"))
        run_everything(case, hostile_catalog, Path(tmp), PROFILES, exec_children=False)


@settings(max_examples=max(1, EXAMPLES // 4), **HYPOTHESIS)
@given(case=hostile_cases())
def test_hostile_text_survives_exec_like_a_pod(case, hostile_catalog, monkeypatch):
    """Fewer specs (each exec costs a Python start-up), through real argv and child processes."""
    with tempfile.TemporaryDirectory(prefix="jimu-hostile-") as tmp:
        monkeypatch.setenv("JIMU_HOME", str(Path(tmp) / "home"))
        run_everything(case, hostile_catalog, Path(tmp), PROFILES, exec_children=True)


def test_megabyte_strings_reach_components_as_data(hostile_catalog, monkeypatch, tmp_path):
    """1 MB in every text field: beyond what one argv string can hold, so run in-process."""
    monkeypatch.setenv("JIMU_HOME", str(tmp_path / "home"))
    run_everything(huge_case(), hostile_catalog, tmp_path, PROFILES, exec_children=False)


# ---------------------------------------------------------------------------------------------
# ids are identifiers, never free text

# The documented id rules (the validator's hints): what a hostile id may never get past. Always
# fullmatch: with re.match, "$" also matches before a final newline, so "load\n" looked valid.
VALID_PIPELINE_ID = re.compile(r"[a-z][a-z0-9_-]{0,62}")
VALID_NODE_ID = re.compile(r"[a-z][a-z0-9_]{0,62}")

# What a pattern written with re.match and "$" let through, and other invisible characters.
LINE_ENDS = ["\n", "\r", "\r\n", "\x00", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\t", " ", "\ufeff", "\u200b"]


HOSTILE_IDS = st.one_of(
    st.sampled_from([p for p in PAYLOADS if p]),
    hostile_text.filter(bool),
    st.sampled_from(["a" * 64, "A", "1abc", "_x", "x y", "x.y", "x\n", "x\x00", "é", "dag", "class", "import"]),
    # A valid id with a line end or other invisible character before or after it.
    st.builds(
        lambda valid, mark, at_end: valid + mark if at_end else mark + valid,
        st.from_regex(VALID_NODE_ID, fullmatch=True), st.sampled_from(LINE_ENDS), st.booleans(),
    ),
)


def minimal_pipeline(pipeline_id: str, node_id: str) -> dict:
    return {
        "id": pipeline_id,
        "nodes": [{"id": node_id, "component": "echo_params@1.0.0", "params": {"text": "x"}}],
        "edges": [],
    }


def issue_codes(report) -> set[str]:
    return {issue.code for issue in report.issues if issue.severity == "error"}


@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(bad=HOSTILE_IDS)
def test_hostile_pipeline_ids_are_rejected(bad, hostile_catalog):
    assume(not VALID_PIPELINE_ID.fullmatch(bad))
    report = validate_pipeline(minimal_pipeline(bad, "ok_node"), hostile_catalog)
    assert not report.ok
    assert issue_codes(report) == {"bad-pipeline-id"}, report.issues
    issue = next(i for i in report.issues if i.code == "bad-pipeline-id")
    assert issue.path == "$.id" and issue.hint


@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(bad=HOSTILE_IDS)
def test_hostile_node_ids_are_rejected(bad, hostile_catalog):
    assume(not VALID_NODE_ID.fullmatch(bad) or bad in {"dag", "class", "import"} or bad.endswith("_"))
    raw = minimal_pipeline("ok_pipeline", bad)
    raw["nodes"].append({"id": "sink", "component": "echo_params@1.0.0", "params": {}})
    raw["edges"] = []
    report = validate_pipeline(raw, hostile_catalog)
    assert not report.ok
    assert issue_codes(report) <= {"bad-node-id", "reserved-node-id"} and issue_codes(report), report.issues
    issue = next(i for i in report.issues if i.code in {"bad-node-id", "reserved-node-id"})
    assert issue.path == "$.nodes[0].id" and issue.node == bad and issue.hint


@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(bad=HOSTILE_IDS)
def test_hostile_param_names_and_edge_refs_are_rejected(bad, hostile_catalog):
    assume(not VALID_NODE_ID.fullmatch(bad))
    raw = minimal_pipeline("ok_pipeline", "ok_node")
    raw["params"] = {bad: {"type": "string", "default": "x"}}
    raw["edges"] = [{"from": f"{bad}.out", "to": f"ok_node.{bad}"}]
    report = validate_pipeline(raw, hostile_catalog)
    assert not report.ok
    codes = issue_codes(report)
    assert {"bad-param-name", "bad-edge-ref"} <= codes, report.issues


@pytest.mark.parametrize("key", PARAM_ARGUMENT_KEYS)
@pytest.mark.parametrize("param", ["choice", "blob"])  # keyword-argument and schema-dict forms
def test_param_schema_keys_airflow_cannot_store_are_rejected(key, param, hostile_catalog, tmp_path):
    """Param(default, description, source, **schema): a schema key "self" broke the DAG import,
    "source" its deserialization by the scheduler and API server. The validator says so."""
    case = fixed_case()
    case.raw["params"][param][key] = "x"
    report = validate_pipeline(case.raw, hostile_catalog)
    assert [(i.code, i.path) for i in report.issues] == [("bad-param-schema", f"$.params.{param}.{key}")]
    assert key in report.issues[0].message and report.issues[0].hint

    # What the validator prevents: compiled anyway, Airflow cannot take the DAG.
    from airflow.dag_processing.dagbag import DagBag
    from airflow.exceptions import DeserializationError
    from airflow.serialization.serialized_objects import DagSerialization

    source = compile_pipeline(report.spec, hostile_catalog, BUILTIN_PROFILES["local"])
    path = tmp_path / "dag.py"
    path.write_text(source, encoding="utf-8")
    bag = DagBag(dag_folder=str(path), safe_mode=False)
    broken = bool(bag.import_errors)
    if not broken:
        stored = json.loads(json.dumps(DagSerialization.to_dict(bag.dags[PIPELINE_ID + ".local"])))
        try:
            DagSerialization.from_dict(stored)
        except DeserializationError:
            broken = True
    assert broken, f"Airflow now stores a schema key {key!r}: the validator rule can go"


HOSTILE_SCHEDULES = st.one_of(
    hostile_text,
    st.tuples(st.sampled_from(["0 6 * * *", "@daily", "*/5 * * * *"]), hostile_text).map("".join),
    st.tuples(hostile_text, st.sampled_from(["0 6 * * *", "@daily"])).map("".join),
)


@settings(max_examples=EXAMPLES, **HYPOTHESIS)
@given(schedule=HOSTILE_SCHEDULES)
@example(schedule="0 6 * * *\n__import__('os')")
@example(schedule="0 6 * * *\n")  # croniter takes these; does Airflow?
@example(schedule=" 0\t6 * * *")
@example(schedule="0 6 * * * *")
@example(schedule="* * * * * * *")
def test_hostile_schedules_are_rejected_or_load(schedule, hostile_catalog, tmp_path_factory):
    """A schedule is a cron expression or a preset: anything else is an issue, never code."""
    raw = minimal_pipeline("ok_pipeline", "ok_node")
    raw["schedule"] = schedule
    report = validate_pipeline(raw, hostile_catalog)
    if not report.ok:
        assert [(i.code, i.path) for i in report.issues] == [("bad-schedule", "$.schedule")], report.issues
        return
    from airflow.dag_processing.dagbag import DagBag

    path = tmp_path_factory.mktemp("schedule") / "dag.py"
    path.write_text(compile_pipeline(report.spec, hostile_catalog, BUILTIN_PROFILES["local"]), encoding="utf-8")
    bag = DagBag(dag_folder=str(path), safe_mode=False)
    assert bag.import_errors == {}, bag.import_errors
    assert_no_marker()


@settings(max_examples=EXAMPLES, **HYPOTHESIS)
@given(ref=HOSTILE_IDS)
def test_hostile_component_refs_are_rejected(ref, hostile_catalog):
    raw = minimal_pipeline("ok_pipeline", "ok_node")
    raw["nodes"][0]["component"] = ref
    report = validate_pipeline(raw, hostile_catalog)
    assert not report.ok
    assert {i.code for i in report.issues} <= {"bad-component-ref", "unknown-component"}, report.issues
    assert all(i.path == "$.nodes[0].component" and i.hint for i in report.issues)


@pytest.mark.parametrize("run_id", ["-rerun", "--", "-h", "--help", "--params", "--run-id=x", "-", ""])
def test_run_ids_that_look_like_options_stay_values(run_id):
    """Airflow allows run ids such as "-rerun" or "--": argparse read them as options (or
    dropped "--"), so every pod of such a run failed before the component started."""
    pod = ["--invocation", "{}", "--run-id", run_id, "--params", '{"p": "--"}']
    args = entry.parse_args(pod + ["--component-dir", "--"])
    assert (args.invocation, args.run_id, args.params, args.component_dir) == ("{}", run_id, '{"p": "--"}', "--")
    assert entry.parse_args([f"--run-id={run_id}", "--invocation-file=f"]).run_id == run_id


def spoil(valid: str, mark: str, where: str) -> str:
    return {"end": valid + mark, "start": mark + valid, "middle": valid[:1] + mark + valid[1:]}[where]


# Every field a pattern guards: (where the bad text goes, the JSON path the issue must name).
GUARDED_FIELDS = [
    "pipeline_id", "node_id", "param_name", "edge_from_node", "edge_from_port", "edge_to_node", "edge_to_port",
    "component_name", "component_version", "toleration_key", "toleration_value", "node_toleration_key",
    "cpu", "memory", "cpu_limit", "memory_limit", "node_cpu", "node_selector_key", "node_selector_value",
]


def plant(field: str, valid: str, bad: str) -> tuple[dict, str]:
    """A valid spec with `bad` in `field` (`valid` where the field needs a well-formed neighbour)."""
    raw = {
        "id": "ok_pipeline",
        "params": {"ok": {"type": "string", "default": "x"}},
        "defaults": {"resources": {}},
        "nodes": [
            {"id": "load", "component": "load_table@1.2.0", "params": {"uri": "a.csv"}},
            {"id": "query", "component": "sql@1.2.0", "params": {"query": "SELECT * FROM load"}},
        ],
        "edges": [{"from": "load.table", "to": "query.tables"}],
    }
    res = raw["defaults"]["resources"]
    if field == "pipeline_id":
        raw["id"] = bad
        return raw, "$.id"
    if field == "node_id":
        raw["nodes"][0]["id"] = bad
        raw["edges"] = []
        return raw, "$.nodes[0].id"
    if field == "param_name":
        raw["params"][bad] = {"type": "string", "default": "x"}
        return raw, f"$.params.{bad}"
    if field.startswith("edge_"):
        _, end, part = field.split("_")
        key = "from" if end == "from" else "to"
        node, port = raw["edges"][0][key].split(".")
        raw["edges"][0][key] = f"{bad}.{port}" if part == "node" else f"{node}.{bad}"
        return raw, f"$.edges[0].{key}"
    if field.startswith("component_"):
        raw["nodes"][0]["component"] = f"{bad}@1.0.0" if field.endswith("name") else f"load_table@{bad}"
        return raw, "$.nodes[0].component"
    if field in ("toleration_key", "toleration_value"):
        res["tolerations"] = [{"key": bad if field.endswith("key") else "gpu", "value": bad if field.endswith("value") else "yes"}]
        return raw, f"$.defaults.resources.tolerations[0].{field.split('_')[1]}"
    if field == "node_toleration_key":
        raw["nodes"][1]["resources"] = {"tolerations": [{"key": bad, "operator": "Exists"}]}
        return raw, "$.nodes[1].resources.tolerations[0].key"
    if field in ("cpu", "memory", "cpu_limit", "memory_limit"):
        res[field] = bad
        return raw, f"$.defaults.resources.{field}"
    if field == "node_cpu":
        raw["nodes"][1]["resources"] = {"cpu": bad}
        return raw, "$.nodes[1].resources.cpu"
    if field == "node_selector_key":
        res["node_selector"] = {bad: "a100"}
        return raw, f"$.defaults.resources.node_selector.{bad}"
    res["node_selector"] = {"pool": bad}
    return raw, "$.defaults.resources.node_selector.pool"


VALID_TEXT = {
    "component_version": st.sampled_from(["1.0.0"]),
    "toleration_key": st.sampled_from(["gpu", "nvidia.com/gpu", "example.com/x-y_z"]),
    "node_toleration_key": st.sampled_from(["gpu", "nvidia.com/gpu"]),
    "toleration_value": st.sampled_from(["yes", "a100", "x.y"]),
    "node_selector_key": st.sampled_from(["pool", "example.com/gpu"]),
    "node_selector_value": st.sampled_from(["a100", "x-y.z"]),
    **{f: st.sampled_from(["500m", "1", "2Gi", "1.5"]) for f in ("cpu", "memory", "cpu_limit", "memory_limit", "node_cpu")},
    "component_name": st.sampled_from(["load_table"]),
    "edge_from_node": st.sampled_from(["load"]), "edge_to_node": st.sampled_from(["query"]),
    "edge_from_port": st.sampled_from(["table"]), "edge_to_port": st.sampled_from(["tables"]),
}


@settings(max_examples=4 * EXAMPLES, deadline=None, database=None)
@given(
    field=st.sampled_from(GUARDED_FIELDS),
    data=st.data(),
    mark=st.sampled_from(LINE_ENDS),
    where=st.sampled_from(["end", "start", "middle"]),
)
@example(field="pipeline_id", data=None, mark="\n", where="end")
@example(field="node_id", data=None, mark="\n", where="end")
@example(field="cpu", data=None, mark="\n", where="end")
def test_line_ends_in_guarded_fields_are_refused(field, data, mark, where, catalog):
    """Each field a grammar guards refuses a valid value with a line end (or NUL, a Unicode line
    separator, a BOM...) before, inside or after it, naming the field's JSON path."""
    grammar = VALID_TEXT.get(field, st.from_regex(VALID_NODE_ID, fullmatch=True).filter(lambda t: not t.endswith("_")))
    valid = data.draw(grammar) if data is not None else "ok"
    if field == "cpu" and data is None:
        valid = "1Gi"
    bad = spoil(valid, mark, where)
    raw, path = plant(field, valid, bad)
    report = validate_pipeline(raw, catalog)
    assert not report.ok, (field, bad)
    paths = {i.path for i in report.issues if i.severity == "error"}
    assert path in paths, (field, bad, [str(i) for i in report.issues])
    assert all(i.hint for i in report.issues)


@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(field=st.sampled_from(GUARDED_FIELDS), data=st.data())
def test_valid_guarded_fields_compile_and_import(field, data, catalog, tmp_path_factory):
    """The other side: the same fields with valid values pass, and the DAG imports in both profiles."""
    grammar = VALID_TEXT.get(field, st.from_regex(VALID_NODE_ID, fullmatch=True).filter(lambda t: not t.endswith("_")))
    valid = data.draw(grammar)
    raw, _ = plant(field, valid, valid)
    if field == "node_id":
        raw["nodes"][1]["params"]["query"] = "SELECT 1 AS x"
    if field == "edge_from_node" or field == "edge_to_node":
        return  # the only node names are fixed here
    report = validate_pipeline(raw, catalog)
    if field in ("component_name", "component_version", "param_name") and not report.ok:
        return  # an unknown component or an unused param name is another matter
    assert report.ok, (field, valid, [str(i) for i in report.issues])
    from airflow.dag_processing.dagbag import DagBag

    folder = tmp_path_factory.mktemp("guarded")
    for profile in PROFILES:
        path = folder / f"{profile}.py"
        path.write_text(compile_pipeline(report.spec, catalog, BUILTIN_PROFILES[profile]), encoding="utf-8")
        bag = DagBag(dag_folder=str(path), safe_mode=False)
        assert bag.import_errors == {}, bag.import_errors


def test_marker_never_created():
    assert_no_marker()

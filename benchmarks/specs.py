"""Generated pipelines for the benchmarks, and the baselines' view of a compiled DAG file.

`generate_pipeline` writes realistic specs of any size (sql and python nodes, varied SQL with
joins and CTEs). `read_dag_source` takes a DAG file Jimu compiled apart with `ast`, so the
baselines (dag-factory YAML, a hand-written loop) are derived from what Jimu actually emits
rather than from a copy of its renderer: when the compiler changes, the baselines follow.
`task_fingerprint` then checks that a baseline built the same tasks.
"""

from __future__ import annotations

import ast
import datetime
import enum
from dataclasses import dataclass, field
from typing import Any

SHAPES = ("chain", "fanout", "mesh")

PIPELINE_PARAMS = {
    "min_amount": {"type": "number", "minimum": 0, "default": 10, "description": "smallest order kept"},
    "since": {"type": "string", "default": "2025-01-01", "description": "first order date"},
}

# (dialect, upstream tables, template); {a} and {b} are upstream node ids, {i} and {k} vary the text.
SQL_TEMPLATES: list[tuple[str, int, str]] = [
    (
        "duckdb", 0,
        ("SELECT *\nFROM (VALUES (1, 'north', 10.5, DATE '2025-01-0{d}'), (2, 'south', {k}.0, DATE '2025-02-01'))\n"
         "  AS t(customer_id, region, amount, order_date)"),
    ),
    (
        "duckdb", 1,
        ("SELECT customer_id, SUM(amount) AS total_{i}, COUNT(*) AS orders\nFROM {a}\n"
         "WHERE amount >= :min_amount\nGROUP BY customer_id\nHAVING COUNT(*) > {k}\nORDER BY total_{i} DESC"),
    ),
    (
        "duckdb", 1,
        ("SELECT *, ROW_NUMBER() OVER (PARTITION BY region ORDER BY order_date DESC) AS rn_{i}\n"
         "FROM {a}\nQUALIFY rn_{i} <= {k}"),
    ),
    (
        "duckdb", 1,
        ("WITH daily AS (\n"
         "  SELECT CAST(order_date AS DATE) AS day, region, SUM(amount) AS revenue\n"
         "  FROM {a}\n"
         "  WHERE order_date >= CAST(:since AS DATE)\n"
         "  GROUP BY 1, 2\n"
         "), smoothed AS (\n"
         "  SELECT *, AVG(revenue) OVER (PARTITION BY region ORDER BY day\n"
         "                               ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS avg_7d\n"
         "  FROM daily\n"
         ")\n"
         "SELECT region, day, revenue, avg_7d, revenue / NULLIF(avg_7d, 0) AS lift_{i}\n"
         "FROM smoothed\nWHERE revenue > {k}"),
    ),
    (
        "postgres", 1,
        ("SELECT customer_id::text AS customer_key,\n"
         "       date_trunc('month', order_date) AS month,\n"
         "       COUNT(DISTINCT order_id) AS orders_{i}\n"
         "FROM {a}\nWHERE status ILIKE 'ship%' AND amount > :min_amount\nGROUP BY 1, 2"),
    ),
    (
        "duckdb", 2,
        ("WITH recent AS (\n"
         "  SELECT customer_id, SUM(amount) AS total\n"
         "  FROM {a}\n"
         "  WHERE order_date >= :since\n"
         "  GROUP BY customer_id\n"
         ")\n"
         "SELECT c.customer_id, c.region, COALESCE(r.total, 0) AS total_{i},\n"
         "       CASE WHEN r.total > {k} THEN 'high' WHEN r.total > 0 THEN 'low' ELSE 'none' END AS tier\n"
         "FROM {b} AS c\nLEFT JOIN recent AS r ON r.customer_id = c.customer_id\n"
         "ORDER BY total_{i} DESC\nLIMIT 1000"),
    ),
    (
        "duckdb", 2,
        ("SELECT o.region, o.product_id, SUM(o.qty * p.price) AS revenue_{i},\n"
         "       RANK() OVER (PARTITION BY o.region ORDER BY SUM(o.qty * p.price) DESC) AS rnk\n"
         "FROM {a} AS o\n"
         "JOIN {b} AS p ON p.product_id = o.product_id AND p.valid_from <= o.order_date\n"
         "WHERE o.amount >= :min_amount\nGROUP BY o.region, o.product_id"),
    ),
    (
        "bigquery", 2,
        ("SELECT a.customer_id,\n"
         "       SAFE_DIVIDE(SUM(a.amount), COUNT(DISTINCT b.session_id)) AS per_session_{i}\n"
         "FROM `{a}` AS a\nINNER JOIN `{b}` AS b USING (customer_id)\n"
         "WHERE DATE(a.order_date) >= DATE '2025-01-0{d}'\nGROUP BY a.customer_id"),
    ),
    (
        "duckdb", 2,
        ("SELECT customer_id, 'first' AS source_{i} FROM {a} WHERE amount > {k}\n"
         "UNION ALL\n"
         "SELECT customer_id, 'second' AS source_{i} FROM {b} AS b\n"
         "WHERE EXISTS (\n"
         "  SELECT 1 FROM {a} AS x WHERE x.customer_id = b.customer_id AND x.amount > :min_amount\n"
         ")"),
    ),
    (
        "mysql", 2,
        ("SELECT a.region,\n"
         "       GROUP_CONCAT(DISTINCT b.product_id ORDER BY b.product_id SEPARATOR ',') AS products_{i}\n"
         "FROM {a} a JOIN {b} b ON a.order_id = b.order_id\n"
         "WHERE b.qty BETWEEN 1 AND {k}\nGROUP BY a.region"),
    ),
]


BENCH_COMPONENTS = ("sql", "python")


def load_catalog():
    """The component catalog as `jimu` builds it; if an unrelated component folder is broken
    (a built-in under construction), just the built-ins these pipelines use, with a warning."""
    from jimu.catalog import ComponentCatalog, builtin_components_dir, load_component
    from jimu.errors import JimuError

    try:
        return ComponentCatalog.from_dirs()
    except JimuError as exc:
        print(f"   WARNING: the full component catalog does not load ({exc}); "
              f"using only the built-ins {', '.join(BENCH_COMPONENTS)}")
        return ComponentCatalog([load_component(builtin_components_dir() / name) for name in BENCH_COMPONENTS])


def node_id(i: int) -> str:
    return f"n{i:04d}"


def upstream_indexes(i: int, shape: str) -> list[int]:
    """chain: i-1; fanout: the root feeds every other node; mesh: i-1 and i-2 (joins)."""
    if i == 0:
        return []
    if shape == "chain":
        return [i - 1]
    if shape == "fanout":
        return [0]
    if shape == "mesh":
        return [i - 1] if i == 1 else [i - 2, i - 1]
    raise ValueError(f"unknown shape {shape!r}; use one of {SHAPES}")


def sql_query(i: int, upstream: list[str]) -> tuple[str, str]:
    """A (dialect, query) reading exactly the upstream tables, varied by i."""
    fitting = [t for t in SQL_TEMPLATES if t[1] <= len(upstream) and (t[1] > 0 or not upstream)]
    dialect, _, template = fitting[i % len(fitting)]
    a = upstream[0] if upstream else ""
    b = upstream[1] if len(upstream) > 1 else a
    return dialect, template.format(a=a, b=b, i=i, k=i % 97 + 3, d=i % 9 + 1)


def python_code(i: int, upstream: list[str]) -> str:
    if not upstream:
        return (
            "import pandas as pd\n\n\n"
            "def transform(tables, params):\n"
            f"    return pd.DataFrame({{'customer_id': [1, 2], 'amount': [{i}.5, 2.0]}})\n"
        )
    frames = ", ".join(f"tables[{u!r}]" for u in upstream)
    return (
        "import pandas as pd\n\n\n"
        "def transform(tables, params):\n"
        f"    df = pd.concat([{frames}], ignore_index=True)\n"
        f"    df['score_{i}'] = df['amount'] * params['factor']\n"
        "    return df[df['amount'] >= params['min_amount']]\n"
    )


def generate_pipeline(n_nodes: int, shape: str = "chain", pipeline_id: str | None = None) -> dict[str, Any]:
    """A valid pipeline dict: even nodes run SQL, odd nodes Python, wired as `shape` says."""
    nodes, edges = [], []
    for i in range(n_nodes):
        nid = node_id(i)
        upstream = [node_id(u) for u in upstream_indexes(i, shape)]
        if i % 2 == 0:
            dialect, query = sql_query(i, upstream)
            node = {"id": nid, "component": "sql@1.2.0", "params": {"dialect": dialect, "query": query}}
        else:
            args = {"factor": i % 7 + 1, "min_amount": {"$param": "min_amount"}}
            node = {"id": nid, "component": "python@1.0.0", "params": {"code": python_code(i, upstream), "args": args}}
        node["title"] = f"Step {i} ({shape})"
        if i % 10 == 3:
            node["retries"] = 2
        nodes.append(node)
        edges += [{"from": f"{u}.table", "to": f"{nid}.tables"} for u in upstream]
    return {
        "schema_version": 1,
        "id": pipeline_id or f"bench_{shape}_{n_nodes}",
        "title": f"Benchmark {shape} of {n_nodes} nodes",
        "description": "generated by benchmarks/specs.py",
        "tags": ["benchmark"],
        "params": PIPELINE_PARAMS,
        "schedule": "0 6 * * *",
        "defaults": {"retries": 1, "retry_delay_seconds": 60, "resources": {"cpu": "500m", "memory": "512Mi"}},
        "nodes": nodes,
        "edges": edges,
    }


# --- A compiled DAG file, taken apart -------------------------------------------------------


@dataclass
class TaskCall:
    var: str
    operator: str
    kwargs: dict[str, ast.expr]


@dataclass
class DagSource:
    """The parts of a generated DAG file the baselines need, as AST nodes and source text."""

    text: str
    imports: list[str]
    aliases: dict[str, str]  # local name -> dotted import path
    dag_kwargs: dict[str, ast.expr]
    tasks: list[TaskCall]
    upstream: dict[str, list[str]] = field(default_factory=dict)
    _data: bytes = b""
    _line_starts: list[int] = field(default_factory=list)

    def segment(self, node: ast.AST) -> str:
        """ast.get_source_segment without re-splitting the whole file on every call."""
        if not self._line_starts:
            self._data = self.text.encode("utf-8")
            self._line_starts = [0]
            for line in self._data.splitlines(keepends=True):
                self._line_starts.append(self._line_starts[-1] + len(line))
        start = self._line_starts[node.lineno - 1] + node.col_offset  # col offsets count UTF-8 bytes
        end = self._line_starts[node.end_lineno - 1] + node.end_col_offset
        return self._data[start:end].decode("utf-8")


def read_dag_source(text: str) -> DagSource:
    """Imports, DAG(...) kwargs, operator calls and `a >> b` dependencies of a Jimu DAG file."""
    tree = ast.parse(text)
    imports, aliases = [], {}
    with_node = None
    for stmt in tree.body:
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            imports.append(ast.unparse(stmt))
            for alias in stmt.names:
                base = f"{stmt.module}." if isinstance(stmt, ast.ImportFrom) else ""
                aliases[alias.asname or alias.name] = base + alias.name
        elif isinstance(stmt, ast.With):
            with_node = stmt
    if with_node is None:
        raise ValueError("no `with DAG(...)` block in the DAG file")
    dag_call = with_node.items[0].context_expr
    dag_kwargs = {k.arg: k.value for k in dag_call.keywords}
    tasks: list[TaskCall] = []
    upstream: dict[str, list[str]] = {}
    for stmt in with_node.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
            call = stmt.value
            kwargs = {k.arg: k.value for k in call.keywords}
            tasks.append(TaskCall(stmt.targets[0].id, ast.unparse(call.func), kwargs))
            upstream.setdefault(stmt.targets[0].id, [])
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.BinOp):
            left, right = stmt.value.left, stmt.value.right
            sources = [e.id for e in left.elts] if isinstance(left, ast.List) else [left.id]
            upstream.setdefault(right.id, []).extend(sources)
    return DagSource(text, imports, aliases, dag_kwargs, tasks, upstream)


def task_id_of(task: TaskCall) -> str:
    return ast.literal_eval(task.kwargs["task_id"])


def to_typed_data(node: ast.expr, aliases: dict[str, str]) -> Any:
    """Literal data for dag-factory: calls become {"__type__": dotted path, "__args__": [...], **kwargs}."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.List | ast.Tuple):
        return [to_typed_data(e, aliases) for e in node.elts]
    if isinstance(node, ast.Dict):
        return {ast.literal_eval(k): to_typed_data(v, aliases) for k, v in zip(node.keys, node.values, strict=True)}
    if isinstance(node, ast.Call):
        data: dict[str, Any] = {"__type__": resolve(node.func, aliases)}
        if node.args:
            data["__args__"] = [to_typed_data(a, aliases) for a in node.args]
        for kw in node.keywords:
            if kw.arg is None:
                data.update(to_typed_data(kw.value, aliases))
            else:
                data[kw.arg] = to_typed_data(kw.value, aliases)
        return data
    raise ValueError(f"cannot express {ast.unparse(node)!r} as dag-factory YAML")


def resolve(func: ast.expr, aliases: dict[str, str]) -> str:
    """`k8s.V1EnvFromSource` -> `kubernetes.client.models.V1EnvFromSource`, via the file's imports."""
    dotted = ast.unparse(func)
    head, _, rest = dotted.partition(".")
    base = aliases.get(head, head)
    return f"{base}.{rest}" if rest else base


def dag_factory_config(source: DagSource) -> dict[str, Any]:
    """The dag-factory config (one DAG) that builds the same operators as the Jimu file."""
    dag_args: dict[str, Any] = {}
    for key, value in source.dag_kwargs.items():
        if key == "dag_id":
            continue
        if key == "start_date":  # datetime.datetime(Y, M, D, tzinfo=datetime.UTC): dag-factory takes a date
            year, month, day = (ast.literal_eval(a) for a in value.args[:3])
            dag_args[key] = datetime.date(year, month, day).isoformat()
            continue
        dag_args[key] = to_typed_data(value, source.aliases)
    tasks = {}
    for task in source.tasks:
        conf = {"operator": resolve(ast.parse(task.operator, mode="eval").body, source.aliases)}
        for key, value in task.kwargs.items():
            if key != "task_id":
                conf[key] = to_typed_data(value, source.aliases)
        upstream = source.upstream.get(task.var, [])
        if upstream:
            conf["dependencies"] = list(upstream)
        tasks[task_id_of(task)] = conf
    dag_id = ast.literal_eval(source.dag_kwargs["dag_id"])
    return {dag_id: {**dag_args, "tasks": tasks}}


# --- Did a baseline build the same tasks? ---------------------------------------------------


def plain(value: Any) -> Any:
    """Comparable data for operator attributes: k8s models as dicts, enums by value, literals unwrapped."""
    if hasattr(value, "to_dict") and callable(value.to_dict):
        return plain(value.to_dict())
    if type(value).__name__ == "LiteralValue":
        return ("literal", plain(value.value))
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def task_fingerprint(dag, attributes: list[str]) -> dict[str, dict[str, Any]]:
    """task_id -> the named attributes (plain data) and the sorted upstream task ids."""
    found = {}
    for task in dag.tasks:
        found[task.task_id] = {name: plain(getattr(task, name, "<missing>")) for name in attributes}
        found[task.task_id]["upstream"] = sorted(task.upstream_task_ids)
    return found


def fingerprint_attributes(source: DagSource) -> list[str]:
    """Every keyword any task of the Jimu file passes: the attributes a baseline must match."""
    names = {key for task in source.tasks for key in task.kwargs}
    return sorted(names)


def compare_fingerprints(expected: dict, actual: dict, limit: int = 5) -> list[str]:
    """Human-readable differences, at most `limit`; empty when the DAGs match."""
    problems = []
    if set(expected) != set(actual):
        missing = sorted(set(expected) - set(actual))[:limit]
        extra = sorted(set(actual) - set(expected))[:limit]
        problems.append(f"task ids differ: missing {missing}, extra {extra}")
    for task_id in sorted(set(expected) & set(actual)):
        for key, value in expected[task_id].items():
            if actual[task_id].get(key) != value:
                problems.append(f"{task_id}.{key}: {value!r:.120} != {actual[task_id].get(key)!r:.120}")
                if len(problems) >= limit:
                    return problems
    return problems


def exec_dag_source(text: str, filename: str = "<jimu dag>"):
    """The DAG object a DAG file defines (what the DAG processor would find in it)."""
    namespace: dict[str, Any] = {"__name__": "bench_dag_module"}
    exec(compile(text, filename, "exec"), namespace)  # noqa: S102 - running a DAG file is the point
    return namespace["dag"]


# --- The same DAG, written by hand as a loop --------------------------------------------------


def hand_written_loop(source: DagSource, note: str) -> str:
    """A compact DAG file that builds the same operators in a loop over a table of per-task values.

    What is the same for every task is written once, verbatim, in the loop body; what varies goes
    into the table (as its source text, so calls stay calls); the dependencies are a list per task.
    """
    tasks = source.tasks
    operators = {t.operator for t in tasks}
    if len(operators) != 1:
        raise ValueError(f"expected one operator class, found {sorted(operators)}")
    task_ids = [task_id_of(t) for t in tasks]
    columns: list[str] = []  # names of the per-task table columns
    rows: list[list[str]] = [[] for _ in tasks]  # source text per task and column
    call_kwargs: list[str] = []

    def column(name: str, values: list[str]) -> str:
        ident = "".join(c if c.isalnum() else "_" for c in name).strip("_") or "value"
        while ident in columns or ident in {"task_id", "extra", "upstream", "tasks", "dag", "up"}:
            ident += "_"
        columns.append(ident)
        for row, value in zip(rows, values, strict=True):
            row.append(value)
        return ident

    def varying(name: str, values: list[str]) -> str:
        if all(v == repr(tid) or v == f'"{tid}"' for v, tid in zip(values, task_ids, strict=True)):
            return "task_id"
        return column(name, values)

    keys = sorted({k for t in tasks for k in t.kwargs}, key=lambda k: (k != "task_id", k))
    optional: dict[int, list[str]] = {i: [] for i in range(len(tasks))}
    for key in keys:
        present = [key in t.kwargs for t in tasks]
        if not all(present):
            for i, t in enumerate(tasks):
                if key in t.kwargs:
                    optional[i].append(f"{key!r}: {source.segment(t.kwargs[key])}")
            continue
        nodes = [t.kwargs[key] for t in tasks]
        texts = [source.segment(n) for n in nodes]
        if len(set(texts)) == 1:
            call_kwargs.append(f"{key}={ast.unparse(nodes[0])}")
        elif all(isinstance(n, ast.Dict) for n in nodes) and len({tuple(map(ast.unparse, n.keys)) for n in nodes}) == 1:
            items = []
            for j, k in enumerate(nodes[0].keys):
                values = [source.segment(n.values[j]) for n in nodes]
                value = values[0] if len(set(values)) == 1 else varying(f"{key}_{ast.literal_eval(k)}", values)
                items.append(f"{source.segment(k)}: {value}")
            call_kwargs.append(f"{key}={{{', '.join(items)}}}")
        elif all(isinstance(n, ast.List) for n in nodes) and len({len(n.elts) for n in nodes}) == 1:
            items = []
            for j in range(len(nodes[0].elts)):
                elts = [n.elts[j] for n in nodes]
                values = [source.segment(e) for e in elts]
                if len(set(values)) == 1:
                    items.append(values[0])
                    continue
                funcs = {ast.unparse(e.func) if isinstance(e, ast.Call) and len(e.args) == 1 and not e.keywords
                         else None for e in elts}
                if len(funcs) == 1 and None not in funcs:
                    inner = varying(f"{key}_{j}", [source.segment(e.args[0]) for e in elts])
                    items.append(f"{funcs.pop()}({inner})")
                else:
                    items.append(varying(f"{key}_{j}", values))
            call_kwargs.append(f"{key}=[{', '.join(items)}]")
        else:
            call_kwargs.append(f"{key}={varying(key, texts)}")

    dag_args = ",\n".join(f"    {k}={source.segment(v)}" for k, v in source.dag_kwargs.items())
    table = []
    for i, task in enumerate(tasks):
        upstream = [task_ids[[t.var for t in tasks].index(v)] for v in source.upstream.get(task.var, [])]
        fields = [repr(task_ids[i]), *rows[i], "{" + ", ".join(optional[i]) + "}", repr(upstream)]
        table.append(f"    ({', '.join(fields)}),")
    body = ",\n".join(f"            {kw}" for kw in call_kwargs if not kw.startswith("task_id="))
    return "\n".join([
        f"# {note}",
        *source.imports,
        "",
        f"# task_id, {', '.join(columns)}, extra kwargs, upstream task ids",
        "TASKS = [",
        *table,
        "]",
        "",
        f"with DAG(\n{dag_args},\n) as dag:",
        "    tasks = {}",
        f"    for task_id, {', '.join(columns)}, extra, upstream in TASKS:",
        f"        tasks[task_id] = {operators.pop()}(",
        "            task_id=task_id,",
        body + ",",
        "            **extra,",
        "        )",
        "        for up in upstream:",
        "            tasks[up] >> tasks[task_id]",
        "",
    ])

"""Rules about SQL params: they parse in their dialect and name only what exists."""

from __future__ import annotations

from collections.abc import Iterator

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError

from jimu.errors import Issue
from jimu.refs import param_reference
from jimu.validate.context import RuleContext

DEFAULT_DIALECT = "duckdb"
# Component param schemas mark SQL with "format": "sql"; this keyword names the input whose
# upstream node ids are the table names the query may read.
TABLES_INPUT_KEY = "x-jimu-tables-input"


def sql_params(schema: dict) -> list[tuple[str, dict]]:
    props = schema.get("properties", {})
    return [(k, v) for k, v in props.items() if isinstance(v, dict) and v.get("format") == "sql"]


def check_sql(ctx: RuleContext) -> Iterator[Issue]:
    for i, node in enumerate(ctx.spec.nodes):
        comp = ctx.components.get(node.id)
        if comp is None or ctx.node_index.get(node.id) != i:
            continue
        for key, prop in sql_params(comp.spec.params):
            sql = node.params.get(key)
            if not isinstance(sql, str):
                continue  # missing or wrong type is reported by the param rules
            dialect = _dialect(ctx, node, comp)
            if dialect is None:
                continue  # a wrong type or unknown param reference is reported by the param rules
            path = ctx.node_path(i, "params", key)
            tables_input = prop.get(TABLES_INPUT_KEY)
            allowed = ctx.upstream_of(node.id, tables_input) if tables_input else None
            yield from check_query(ctx, node.id, path, sql, dialect, allowed)


def _dialect(ctx, node, comp) -> str | None:
    """The dialect a node's SQL is written in, through a pipeline param's default; None if unknown."""
    value = node.params.get("dialect")
    ref = param_reference(value)
    if ref is not None:
        value = ctx.spec.params.get(ref, {}).get("default")
        if value is None:
            return None
    if value is None or value == "":
        value = comp.spec.param_defaults().get("dialect", DEFAULT_DIALECT)
    return value if isinstance(value, str) else None


def check_query(ctx, node_id, path, sql, dialect, allowed_tables) -> Iterator[Issue]:
    try:
        sqlglot.Dialect.get_or_raise(dialect)
    except ValueError:
        yield Issue(
            "unknown-sql-dialect", path.rsplit(".", 1)[0] + ".dialect",
            f"SQL dialect {dialect!r} is unknown",
            "use a sqlglot dialect such as duckdb, postgres, mysql, bigquery, spark, hive", node_id,
        )
        return
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except ParseError as exc:
        first = exc.errors[0] if exc.errors else {}
        yield Issue(
            "sql-syntax", path,
            f"SQL does not parse as {dialect} at line {first.get('line', '?')}, "
            f"col {first.get('col', '?')}: {first.get('description', str(exc))}",
            f"fix the SQL near {first.get('highlight', '')!r}", node_id,
        )
        return
    except SqlglotError as exc:  # e.g. TokenError: an unclosed quote or comment
        yield Issue(
            "sql-syntax", path, f"SQL does not parse as {dialect}: {exc.__cause__ or exc}",
            "look for an unclosed quote, comment or identifier", node_id,
        )
        return
    if len(statements) != 1 or not isinstance(statements[0], exp.Query):
        yield Issue(
            "sql-not-a-query", path,
            f"expected one SELECT query, found {len(statements)} statement(s)",
            "write a single SELECT (WITH ... SELECT is fine); its result is the node's output",
            node_id,
        )
        return
    yield from _check_names(ctx, node_id, path, statements[0], allowed_tables)


def _check_names(ctx, node_id, path, query, allowed_tables) -> Iterator[Issue]:
    ctes = {cte.alias_or_name for cte in query.find_all(exp.CTE)}
    for found in sorted(_referenced_params(query)):
        if found == "" or found not in ctx.spec.params:
            yield Issue(
                "unknown-pipeline-param", path,
                f"SQL uses parameter {':' + found if found else '?'} but the pipeline has no such param",
                "name a pipeline param as :name (defined: "
                f"{', '.join(sorted(ctx.spec.params)) or 'none'})",
                node_id,
            )
    if allowed_tables is None:
        return
    for table in sorted({t.name for t in query.find_all(exp.Table) if t.name} - ctes):
        if table not in allowed_tables:
            yield Issue(
                "unknown-sql-table", path,
                f"SQL reads table {table!r}, which is no upstream node of this one",
                "tables are the ids of the nodes connected to this input "
                f"(connected: {', '.join(allowed_tables) or 'none'}); connect {table!r} or fix the name",
                node_id,
            )


def _referenced_params(query: exp.Expression) -> set[str]:
    names = set()
    for node in query.find_all(exp.Placeholder, exp.Parameter):
        names.add(node.name if isinstance(node, exp.Placeholder) else node.this.name)
    return names

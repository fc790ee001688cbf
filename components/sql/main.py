"""Run a SELECT over upstream tables with DuckDB; pipeline params and run values are bound parameters."""

from __future__ import annotations

import duckdb
import sqlglot
from sqlglot import exp

from jimu.runtime import FatalError, storage
from jimu.runtime.run_values import RUN_VALUE_NAMES, sql_bind_value

# Errors the same query raises again on the same tables: retrying will not help.
DETERMINISTIC_ERRORS = (
    duckdb.BinderException, duckdb.CatalogException, duckdb.ParserException, duckdb.SyntaxException,
    duckdb.ConversionException, duckdb.TypeMismatchException, duckdb.OutOfRangeException,
    duckdb.NotImplementedException, duckdb.PermissionException,
)
SHOWN_COLUMNS = 20


def to_duckdb(query: str, dialect: str) -> tuple[str, set[str]]:
    """The query in DuckDB's dialect, and the names of the params it binds."""
    try:
        statements = sqlglot.parse(query, read=dialect)
    except sqlglot.errors.SqlglotError as exc:
        raise FatalError(f"param 'query': does not parse as {dialect}: {exc}; fix the SQL or set param 'dialect'") from None
    if len(statements) != 1 or not isinstance(statements[0], exp.Query):
        raise FatalError("param 'query': the query must be exactly one SELECT statement")
    tree = statements[0]
    names = {
        node.name if isinstance(node, exp.Placeholder) else node.this.name
        for node in tree.find_all(exp.Placeholder, exp.Parameter)
    }
    return tree.sql(dialect="duckdb"), names


def describe_tables(tables: dict) -> str:
    """`name (N rows: a, b, ...)` for each upstream table, to explain a binder error."""
    parts = []
    for name, table in sorted(tables.items()):
        columns = table.column_names
        shown = ", ".join(columns[:SHOWN_COLUMNS]) + (", ..." if len(columns) > SHOWN_COLUMNS else "")
        parts.append(f"{name} ({table.num_rows} rows; columns: {shown or 'none'})")
    return "; ".join(parts) or "none (no input is connected)"


def bind_value(ctx, name: str):
    """A pipeline param of that name, else the run value (ds binds as a DATE, the dates as timestamps)."""
    if name in ctx.pipeline_params:
        return ctx.pipeline_params[name]
    return sql_bind_value(name, ctx.run)


def run(ctx) -> None:
    sql, names = to_duckdb(ctx.params["query"], ctx.params.get("dialect", "duckdb"))
    missing = sorted(n for n in names if n not in ctx.pipeline_params and n not in RUN_VALUE_NAMES)
    if missing:
        raise FatalError(
            f"param 'query': the query binds {missing}, which are neither pipeline params nor run values "
            f"({', '.join(RUN_VALUE_NAMES)}); add them as pipeline params"
        )
    tables = {name: storage.read_table(uri) for name, uri in ctx.input_uris("tables").items()}
    for name, table in sorted(tables.items()):
        if table.num_columns == 0:  # DuckDB cannot register it; say which upstream is empty
            raise FatalError(
                f"input 'tables': upstream table {name!r} has no columns ({table.num_rows} rows); "
                f"check node {name!r} (e.g. the file it loads)"
            )
    con = duckdb.connect()
    try:
        con.execute("SET enable_external_access = false")  # upstream tables only, no file reads
        for name, table in tables.items():
            con.register(name, table)
        binds = {name: bind_value(ctx, name) for name in names}
        result = con.sql(sql, params=binds).to_arrow_table()
    except DETERMINISTIC_ERRORS as exc:
        raise FatalError(f"param 'query': {exc}\nupstream tables: {describe_tables(tables)}") from None
    finally:
        con.close()
    ctx.log(f"query returned {result.num_rows} rows")
    ctx.write_table("table", result)

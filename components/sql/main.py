"""Run a SELECT over upstream tables with DuckDB; pipeline params are bound parameters."""

from __future__ import annotations

import duckdb
import sqlglot
from sqlglot import exp

from jimu.runtime import storage


def to_duckdb(query: str, dialect: str) -> tuple[str, set[str]]:
    """The query in DuckDB's dialect, and the names of the params it binds."""
    statements = sqlglot.parse(query, read=dialect)
    if len(statements) != 1 or not isinstance(statements[0], exp.Query):
        raise ValueError("the query must be exactly one SELECT statement")
    tree = statements[0]
    names = {
        node.name if isinstance(node, exp.Placeholder) else node.this.name
        for node in tree.find_all(exp.Placeholder, exp.Parameter)
    }
    return tree.sql(dialect="duckdb"), names


def run(ctx) -> None:
    sql, names = to_duckdb(ctx.params["query"], ctx.params.get("dialect", "duckdb"))
    missing = sorted(n for n in names if n not in ctx.pipeline_params)
    if missing:
        raise KeyError(f"the query binds {missing}, which are not pipeline params")
    con = duckdb.connect()
    try:
        con.execute("SET enable_external_access = false")  # upstream tables only, no file reads
        for name, uri in ctx.input_uris("tables").items():
            con.register(name, storage.read_table(uri))
        binds = {name: ctx.pipeline_params[name] for name in names}
        result = con.sql(sql, params=binds).to_arrow_table()
    finally:
        con.close()
    ctx.log(f"query returned {result.num_rows} rows")
    ctx.write_table("table", result)

"""Run one SELECT on a database through SQLAlchemy; pipeline params are bound parameters."""

from __future__ import annotations

import os

import pandas as pd
import sqlalchemy
import sqlglot
from sqlalchemy.engine import URL
from sqlglot import exp
from sqlglot.errors import SqlglotError

from jimu.runtime.database import connect, database_url, url_param

# SQLAlchemy backend name -> sqlglot dialect, to check the query is one SELECT before it runs.
DIALECTS = {
    "sqlite": "sqlite", "postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql", "mssql": "tsql",
    "oracle": "oracle", "duckdb": "duckdb", "snowflake": "snowflake", "bigquery": "bigquery",
}


def existing_database_url(params: dict) -> URL:
    """The database URL; a SQLite file must exist (SQLite would create it and report "no such table")."""
    parsed = database_url(params)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        if not os.path.isfile(parsed.database):
            raise ValueError(
                f"param {url_param(params)!r}: SQLite file {parsed.database!r} does not exist; fix the path"
            )
    return parsed


def check_query(query: str, dialect: str | None) -> None:
    if dialect is None:
        return  # a backend sqlglot does not know: the database itself will judge the text
    try:
        statements = [s for s in sqlglot.parse(query, read=dialect) if s is not None]
    except SqlglotError as exc:
        raise ValueError(f"param 'query': does not parse as {dialect}: {exc}; fix the SQL or set param 'dialect'") from None
    if len(statements) != 1 or not isinstance(statements[0], exp.Query):
        raise ValueError(
            f"param 'query': expected one SELECT, found {len(statements)} statement(s) "
            f"({', '.join(type(s).__name__ for s in statements)}); write a single SELECT"
        )


def run(ctx) -> None:
    url = existing_database_url(ctx.params)
    source = url_param(ctx.params)
    query = ctx.params["query"]
    check_query(query, ctx.params.get("dialect") or DIALECTS.get(url.get_backend_name()))
    statement = sqlalchemy.text(query)
    names = sorted(statement.compile().params)
    missing = [n for n in names if n not in ctx.pipeline_params]
    if missing:
        raise ValueError(
            f"param 'query': binds {', '.join(':' + n for n in missing)}, which the pipeline has no params for; "
            "add those pipeline params or fix the names"
        )
    binds = {name: ctx.pipeline_params[name] for name in names}
    engine = connect(url, source)
    try:
        with engine.connect() as connection:
            frame = pd.read_sql_query(statement, connection, params=binds)
    finally:
        engine.dispose()
    ctx.log(f"read {len(frame)} rows, {len(frame.columns)} columns from {url.render_as_string(hide_password=True)}")
    ctx.write_table("table", frame)

"""Run one SELECT on a database through SQLAlchemy; pipeline params are bound parameters."""

from __future__ import annotations

import os

import pandas as pd
import sqlalchemy
import sqlglot
from sqlalchemy.engine import URL, make_url
from sqlglot import exp
from sqlglot.errors import SqlglotError

# SQLAlchemy backend name -> sqlglot dialect, to check the query is one SELECT before it runs.
DIALECTS = {
    "sqlite": "sqlite", "postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql", "mssql": "tsql",
    "oracle": "oracle", "duckdb": "duckdb", "snowflake": "snowflake", "bigquery": "bigquery",
}


def database_url(params: dict) -> URL:
    """The URL from `url` or from the variable `url_env` names; a password only from the latter."""
    url, url_env = params.get("url"), params.get("url_env")
    if bool(url) == bool(url_env):
        raise ValueError(
            "params 'url' and 'url_env': set exactly one: url for a URL without a password, "
            "url_env for the name of an environment variable holding the URL"
        )
    if url_env:
        value = os.environ.get(url_env)
        if not value:
            raise ValueError(
                f"param 'url_env': environment variable {url_env!r} is not set; set it in the pod "
                "(from a Kubernetes secret) or in the local environment"
            )
        source, text = "url_env", value
    else:
        source, text = "url", url
    try:
        parsed = make_url(text)
    except Exception as exc:  # SQLAlchemy's ArgumentError; its message would repeat the URL and any password
        raise ValueError(
            f"param {source!r}: not a SQLAlchemy URL ({type(exc).__name__}); write e.g. "
            "sqlite:////data/shop.sqlite or postgresql://user@host/db"
        ) from None
    if source == "url" and parsed.password:
        raise ValueError(
            "param 'url': holds a password, which would be stored in the pipeline; put the URL in an "
            "environment variable (e.g. from a Kubernetes secret) and name that variable in url_env"
        )
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        # SQLite would create a missing file and then report "no such table"
        if not os.path.isfile(parsed.database):
            raise ValueError(f"param {source!r}: SQLite file {parsed.database!r} does not exist; fix the path")
    return parsed


def connect(url: URL, source: str) -> sqlalchemy.Engine:
    try:
        return sqlalchemy.create_engine(url)
    except (ModuleNotFoundError, sqlalchemy.exc.NoSuchModuleError) as exc:
        raise ValueError(
            f"param {source!r}: no database driver for {url.drivername!r} in this image ({exc}); "
            "use a backend the image has a driver for (sqlite is built in) or add the driver to the image"
        ) from None


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
    url = database_url(ctx.params)
    source = "url_env" if ctx.params.get("url_env") else "url"
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

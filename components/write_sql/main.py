"""Write a table into a database table through SQLAlchemy, in one transaction; pass it on."""

from __future__ import annotations

import os
import re

import sqlalchemy
from sqlalchemy.engine import URL, make_url

TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
IF_EXISTS = ("fail", "replace", "append")


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
    return parsed


def connect(url: URL, source: str) -> sqlalchemy.Engine:
    try:
        return sqlalchemy.create_engine(url)
    except (ModuleNotFoundError, sqlalchemy.exc.NoSuchModuleError) as exc:
        raise ValueError(
            f"param {source!r}: no database driver for {url.drivername!r} in this image ({exc}); "
            "use a backend the image has a driver for (sqlite is built in) or add the driver to the image"
        ) from None


def check_params(params: dict) -> tuple[str, str]:
    name = params.get("table_name")
    if not isinstance(name, str) or not TABLE_NAME.match(name):
        raise ValueError(
            f"param 'table_name': {name!r} is not a plain table name; use letters, digits and '_', "
            "starting with a letter or '_', at most 63 characters"
        )
    if_exists = params.get("if_exists", "fail")
    if if_exists not in IF_EXISTS:
        raise ValueError(f"param 'if_exists': {if_exists!r} is unknown; use one of {', '.join(IF_EXISTS)}")
    return name, if_exists


def run(ctx) -> None:
    table_name, if_exists = check_params(ctx.params)
    url = database_url(ctx.params)
    source = "url_env" if ctx.params.get("url_env") else "url"
    table = ctx.read_arrow("table")
    frame = table.to_pandas()
    engine = connect(url, source)
    try:
        if if_exists == "fail" and sqlalchemy.inspect(engine).has_table(table_name):
            raise ValueError(
                f"param 'if_exists': table {table_name!r} already exists and if_exists is 'fail'; "
                "set if_exists to replace or append, or choose another table_name"
            )
        with engine.begin() as connection:  # one transaction: all rows or none, and no half-replaced table
            frame.to_sql(table_name, connection, if_exists=if_exists, index=False)
    finally:
        engine.dispose()
    where = f"{url.render_as_string(hide_password=True)}#{table_name}"
    ctx.record_export(where)
    ctx.log(f"wrote {len(frame)} rows to table {table_name!r} ({if_exists}) at {url.render_as_string(hide_password=True)}")
    ctx.write_table("table", table)

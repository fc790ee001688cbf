"""Write a table into a database table through SQLAlchemy, in one transaction; pass it on."""

from __future__ import annotations

import re

import sqlalchemy

from jimu.runtime.database import connect, database_url, url_param

TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
IF_EXISTS = ("fail", "replace", "append")


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
    source = url_param(ctx.params)
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

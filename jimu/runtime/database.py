"""Database URLs for components that talk SQL through SQLAlchemy (read_sql, write_sql).

A URL comes from the `url` param or, when it carries a password, from the environment variable
that `url_env` names (a Kubernetes Secret in pods), so credentials never sit in a pipeline.
"""

from __future__ import annotations

import os

import sqlalchemy
from sqlalchemy.engine import URL, make_url


def url_param(params: dict) -> str:
    """Which param the URL came from, for error messages."""
    return "url_env" if params.get("url_env") else "url"


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
        text = value
    else:
        text = url
    source = url_param(params)
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

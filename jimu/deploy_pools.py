"""The Airflow pools deployed DAGs name, created through that Airflow's REST API when missing.

Credentials never come from a spec, a profile or a generated file: from the environment
(JIMU_AIRFLOW_TOKEN, or JIMU_AIRFLOW_USERNAME and JIMU_AIRFLOW_PASSWORD) or from an Airflow
connection (its login and password), found where Airflow finds connections (AIRFLOW_CONN_<ID>,
a secrets backend). A pool that exists is left as it is: its slots are the platform team's.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

import httpx

from jimu.errors import JimuError
from jimu.spec import PipelineSpec

DEFAULT_POOL_SLOTS = 4
TIMEOUT_SECONDS = 30.0
TOKEN_ENV, USERNAME_ENV, PASSWORD_ENV = "JIMU_AIRFLOW_TOKEN", "JIMU_AIRFLOW_USERNAME", "JIMU_AIRFLOW_PASSWORD"
URL_FIX = "pass --airflow-url URL (e.g. http://127.0.0.1:8080) or set airflow_url in the profile YAML"


class PoolError(JimuError):
    """The pools could not be checked or created; the message names the flag or field to fix."""


@dataclass(frozen=True)
class PoolOutcome:
    name: str
    status: str  # created or exists
    slots: int


def pools_named(specs: Iterable[PipelineSpec]) -> list[str]:
    """Every pool a node of these pipelines runs in (its own, else the pipeline default)."""
    return sorted({pool for spec in specs for node in spec.nodes if (pool := node.effective("pool", spec.defaults))})


def airflow_credentials(conn_id: str | None) -> dict[str, str]:
    """{"token": ...} or {"username": ..., "password": ...}, from a connection or the environment."""
    if conn_id:
        from airflow.exceptions import AirflowNotFoundException
        from airflow.sdk import BaseHook

        try:
            connection = BaseHook.get_connection(conn_id)
        except AirflowNotFoundException:
            raise PoolError(f"--airflow-conn-id {conn_id!r}: no such Airflow connection; define it, e.g. as "
                            f"AIRFLOW_CONN_{conn_id.upper()}='{{\"conn_type\": \"http\", \"login\": ..., "
                            "\"password\": ...}'") from None
        return {"username": connection.login or "", "password": connection.password or ""}
    if os.environ.get(TOKEN_ENV):
        return {"token": os.environ[TOKEN_ENV]}
    if os.environ.get(USERNAME_ENV):
        return {"username": os.environ[USERNAME_ENV], "password": os.environ.get(PASSWORD_ENV, "")}
    raise PoolError(f"no credentials for the Airflow REST API: set {TOKEN_ENV}, or {USERNAME_ENV} and "
                    f"{PASSWORD_ENV}, or pass --airflow-conn-id ID; or skip pools with --no-pools")


def api_client(airflow_url: str, credentials: dict[str, str]) -> httpx.Client:
    """A client of `airflow_url`/api/v2, with a bearer token (from /auth/token when given a password)."""
    base = airflow_url.rstrip("/")
    token = credentials.get("token")
    try:
        if token is None:
            answer = httpx.post(f"{base}/auth/token", timeout=TIMEOUT_SECONDS,
                                json={"username": credentials["username"], "password": credentials["password"]})
            if answer.status_code in (401, 403):
                raise PoolError(f"Airflow at {base} refused the login of {credentials['username']!r}: check "
                                f"{USERNAME_ENV}/{PASSWORD_ENV} or the connection's login and password")
            answer.raise_for_status()
            token = answer.json()["access_token"]
    except httpx.HTTPError as exc:
        raise PoolError(f"cannot reach Airflow at {base} ({exc}): {URL_FIX}, or skip pools with --no-pools") from None
    return httpx.Client(base_url=f"{base}/api/v2", timeout=TIMEOUT_SECONDS,
                        headers={"Authorization": f"Bearer {token}"})


def ensure_pools(api: httpx.Client, names: Iterable[str], slots: int = DEFAULT_POOL_SLOTS) -> list[PoolOutcome]:
    """Create each missing pool with `slots` slots; existing pools are reported, never changed."""
    outcomes = []
    for name in names:
        try:
            found = api.get(f"/pools/{quote(name, safe='')}")
            if found.status_code == 200:
                outcomes.append(PoolOutcome(name, "exists", found.json()["slots"]))
                continue
            if found.status_code != 404:
                raise PoolError(f"pool {name!r}: Airflow answered HTTP {found.status_code} {found.text[:300]}")
            created = api.post("/pools", json={
                "name": name, "slots": slots, "description": "created by jimu deploy", "include_deferred": False,
            })
        except httpx.HTTPError as exc:
            raise PoolError(f"cannot reach Airflow at {api.base_url} ({exc}): {URL_FIX}") from None
        if created.status_code not in (200, 201):
            raise PoolError(f"pool {name!r} not created: HTTP {created.status_code} {created.text[:300]}")
        outcomes.append(PoolOutcome(name, "created", created.json()["slots"]))
    return outcomes

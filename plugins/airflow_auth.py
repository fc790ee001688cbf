"""Airflow's login and permissions as the FastAPI dependencies the editor app expects.

Airflow does not authenticate a plugin's FastAPI app, so the plugin passes these in through
`UiConfig`. They resolve the user from `Authorization: Bearer <jwt>` or, for the browser's
same-origin fetches from the iframe, from Airflow's `_token` cookie. Airflow's security
module is heavy to import, so it is imported only when the app is built.
"""

# No `from __future__ import annotations`: FastAPI reads the dependency in current_user_name's
# annotation, and a string annotation could not see the names imported inside the function.
from typing import Annotated, Any

# Saving a pipeline or deploying its DAG file changes DAGs: Airflow's "edit DAGs" permission
# (FAB: can_edit on DAGs; SimpleAuthManager: role "user" or higher).
WRITE_METHOD = "PUT"


def read_dependencies() -> tuple[Any, ...]:
    """Every /jimu/api route (reads and runs): any logged-in Airflow user; 401 otherwise."""
    from airflow.api_fastapi.core_api.security import requires_authenticated
    from fastapi import Depends

    return (Depends(requires_authenticated()),)


def write_dependencies() -> tuple[Any, ...]:
    """Saves, deletes and deploys: a user Airflow lets edit DAGs; 403 for the others."""
    from airflow.api_fastapi.core_api.security import requires_access_dag
    from fastapi import Depends

    return (Depends(requires_access_dag(WRITE_METHOD)),)


def current_user_dependency():
    """A dependency returning the Airflow user's name (shown by /api/me)."""
    from airflow.api_fastapi.core_api.security import get_user
    from fastapi import Depends

    def current_user_name(user: Annotated[Any, Depends(get_user)]) -> str:
        return user.get_name()

    return current_user_name

"""The Bearer token `jimu ui` asks for when it listens beyond loopback."""

from __future__ import annotations

import secrets

from fastapi import Request

from jimu.ui_plugin.errors import ApiError


def bearer_token_required(token: str):
    """A FastAPI dependency: 401 unless `Authorization: Bearer <token>` (constant-time compare)."""
    expected = token.encode("utf-8")

    def check_bearer_token(request: Request) -> None:
        # Header values arrive decoded as latin-1: encoding them back gives the bytes sent.
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode("latin-1"), expected):
            raise ApiError(
                401, "this server needs a Bearer token",
                "send `Authorization: Bearer <token>` with the token `jimu ui` was started with "
                "(--token or $JIMU_UI_TOKEN)",
                headers={"WWW-Authenticate": "Bearer"},
            )

    return check_bearer_token

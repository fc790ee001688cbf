"""Request bodies past a size limit are refused with 413 while they are read.

Content-Length is a claim, not a limit: a chunked body has none and a client may lie. The
body is counted as it arrives; the first chunk past the limit ends the request.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jimu.ui_plugin.errors import error_response


class BodyTooLarge(Exception):
    """The request body passed the limit while it was being read."""


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:  # too late for another answer (a route that streams before reading)
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit_mb = self.max_bytes / (1024 * 1024)
        response = error_response(
            413, f"the request body is larger than {self.max_bytes} bytes ({limit_mb:.1f} MB)",
            "send a smaller document (split the pipeline), or raise max_body_bytes in the server's UiConfig",
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)

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
    def __init__(self, app: ASGIApp, max_bytes: int, larger: dict[str, int] | None = None):
        # larger: path (as the app sees it, after any mount prefix) -> its own limit, e.g. uploads.
        self.app, self.default_max, self.larger = app, max_bytes, dict(larger or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        root = scope.get("root_path", "")
        own = path[len(root):] if root and path.startswith(root) else path
        limit = self.larger.get(own, self.default_max)
        declared = dict(scope.get("headers") or ()).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, limit)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
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
            await self._refuse(scope, receive, send, limit)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        limit_mb = limit / (1024 * 1024)
        response = error_response(
            413, f"the request body is larger than {limit} bytes ({limit_mb:.1f} MB)",
            "upload a smaller file (a sample of the rows, or only the columns you need), or raise max_upload_bytes "
            "in the server's UiConfig" if limit != self.default_max else
            "send a smaller document (split the pipeline), or raise max_body_bytes in the server's UiConfig",
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)

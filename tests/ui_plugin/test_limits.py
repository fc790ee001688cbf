"""Bodies past the limit get 413 while they stream in, whatever Content-Length says."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import httpx

from jimu.ui_plugin.app import create_app
from jimu.ui_plugin.config import UiConfig
from tests.ui_plugin.live import serving

LIMIT = 64 * 1024


def raw_request(url: str, head: str, chunks: list[bytes]) -> bytes:
    """Send a hand-written request (chunks as they are) and read the answer until the server closes."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(head.encode())
        try:
            for chunk in chunks:
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the rest arrived: what a limit does
        answer = b""
        while True:
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                break
            if not data:
                break
            answer += data
    return answer


def test_limits(tmp_path):
    app = create_app(UiConfig(workspace=tmp_path, max_body_bytes=LIMIT))
    with serving(app) as url:
        ok = httpx.post(url + "/api/validate", content=b'{"id": "a"}' + b" " * (LIMIT - 20))
        assert ok.status_code == 200

        declared = httpx.post(url + "/api/validate", content=b"x" * (LIMIT + 1))
        assert declared.status_code == 413
        assert "larger than" in declared.json()["detail"]["message"] and declared.json()["detail"]["fix"]

        # Chunked: no Content-Length to trust; the body is counted as it arrives.
        def chunked():
            for _ in range(LIMIT // 1000 + 10):
                yield b"y" * 1000

        streamed = httpx.post(url + "/api/validate", content=chunked())
        assert streamed.status_code == 413

        # A Content-Length that lies low: the server reads only what it declares, so it never
        # reads past the limit either; a small claim with a huge chunked body is refused too.
        head = ("POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Transfer-Encoding: chunked\r\n\r\n")
        body = [b"%x\r\n%s\r\n" % (8192, b"z" * 8192)] * (LIMIT // 8192 + 4) + [b"0\r\n\r\n"]
        answer = raw_request(url, head, body)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]

        # Other routes with bodies share the limit.
        assert httpx.put(url + "/api/pipelines/a", content=b"x" * (LIMIT + 1),
                         headers={"If-Match": "*"}).status_code == 413

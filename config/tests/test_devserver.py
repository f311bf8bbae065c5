"""`make run`'s "already running" check asks /healthz, so our own server is told from another program."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator

import pytest

from config.devserver import what_is_on_the_port


def _serve(body: bytes, content_type: str) -> Iterator[int]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def ours() -> Iterator[int]:
    yield from _serve(b'{"status": "ok"}', "application/json")


@pytest.fixture
def another_program() -> Iterator[int]:
    yield from _serve(b"<html>Someone else's dashboard</html>", "text/html")


def test_our_server_is_recognised_by_its_healthz(ours):
    assert what_is_on_the_port("127.0.0.1", ours) == "ours"


def test_another_program_on_the_port_is_not_taken_for_ours(another_program):
    assert what_is_on_the_port("127.0.0.1", another_program) == "other"


def test_a_free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert what_is_on_the_port("127.0.0.1", port) == "free"

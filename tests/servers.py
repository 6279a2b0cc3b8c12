"""The service served by gunicorn, as in production, for the tests that need real processes:
`gunicorn(env, log)` starts it on a free port and gives its URL; `stop` ends it; `Caller`
calls its JSON API over HTTP as one signed-in user."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.servers import listening_address

GUNICORN = ["--no-control-socket", "--bind", "127.0.0.1:0", "--log-level", "info"]


def start(
    env: Mapping[str, str], log: Path, *, workers: int = 2
) -> tuple[subprocess.Popen[bytes], str]:
    """gunicorn serving `create_app()` with these settings over the environment's; its log is
    written to `log`. Returns the process and the URL it listens at, once it does."""
    with log.open("wb") as output:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                *GUNICORN,
                "--workers",
                str(workers),
                "web:create_app()",
            ],
            env={**os.environ, **env},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        return server, listening_address(server, log, wait=30)
    except BaseException:
        stop(server)
        raise


@contextmanager
def gunicorn(env: Mapping[str, str], log: Path, *, workers: int = 2) -> Iterator[str]:
    """The URL of a gunicorn serving the service, stopped when the block ends."""
    server, url = start(env, log, workers=workers)
    try:
        yield url
    finally:
        stop(server)


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


class Caller:
    """A server's JSON API (/api/v1) over HTTP, as one user signed in with a password."""

    def __init__(self, url: str, username: str, password: str) -> None:
        self.url = url
        self.token = ""
        status, body = self.call(
            "POST", "/auth/tokens", {"username": username, "password": password}
        )
        assert status == 201, body
        self.token = body["token"]

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        """The answer's status and JSON body."""
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(  # noqa: S310 - the test's own server, over http
            f"{self.url}/api/v1{path}",
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers=headers,
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as refused:
            return refused.code, json.loads(refused.read() or b"null")

    def ok(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """The body of an answer that must succeed."""
        status, answer = self.call(method, path, body)
        assert status < 300, (status, answer)
        return answer

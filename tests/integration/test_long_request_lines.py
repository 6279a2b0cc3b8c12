"""A request line too long for the service, against the Procfile's own `web` command — a real
gunicorn: the API answers 414 with its JSON error body and the pages with a page in Chinese,
not gunicorn's bare HTML; an address just under the limit is served as usual."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from web import create_app
from web.security import MAX_REQUEST_TARGET

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
CHEAP_HASHING = {"PASSWORD_TIME_COST": "1", "PASSWORD_MEMORY_KIB": "8", "PASSWORD_PARALLELISM": "1"}


def procfile_web_command() -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == "web":
            return command.strip()
    raise AssertionError("the Procfile has no web process")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The Procfile's web process (one worker) on a fresh SQLite store, until the module ends."""
    folder = tmp_path_factory.mktemp("web")
    config = {"DATABASE_URL": f"sqlite:///{folder}/needs.sqlite", **CHEAP_HASHING}
    assert create_app(config).test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    chosen = free_port()
    env = {
        **os.environ,
        **config,
        "PATH": f"{VENV_BIN}:{os.environ['PATH']}",
        "PORT": str(chosen),
        "WEB_CONCURRENCY": "1",
    }
    log = (folder / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        ["sh", "-c", f"exec {procfile_web_command()}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while get(chosen, "/api/v1/health") is None:
            assert server.poll() is None, (folder / "gunicorn.log").read_text(errors="replace")
            assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
            time.sleep(0.1)
        yield chosen
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(5)
        log.close()


def get(port: int, target: str) -> http.client.HTTPResponse | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", target)
        response = connection.getresponse()
        response.read()
    except OSError:
        return None
    finally:
        connection.close()
    return response


def fetch(port: int, target: str) -> tuple[int, str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", target)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read().decode()
    finally:
        connection.close()


def padded(path: str, length: int) -> str:
    """`path` with a query that makes the request target `length` characters long."""
    return path + "?q=" + "x" * (length - len(path) - 3)


@pytest.mark.parametrize("length", [MAX_REQUEST_TARGET + 1, 6000, 8000])
def test_an_api_address_over_the_limit_is_a_414_with_the_json_error_body(
    port: int, length: int
) -> None:
    status, kind, body = fetch(port, padded("/api/v1/needs", length))
    assert (status, kind) == (414, "application/json")
    error = json.loads(body)
    assert error["code"] == 414
    assert error["status"]
    assert str(MAX_REQUEST_TARGET) in error["message"]


def test_a_page_address_over_the_limit_is_a_414_page_in_chinese(port: int) -> None:
    status, kind, body = fetch(port, padded("/needs", 6000))
    assert status == 414
    assert kind.startswith("text/html")
    assert "网址太长" in body


def test_an_address_just_under_the_limit_is_served_as_usual(port: int) -> None:
    status, kind, body = fetch(port, padded("/api/v1/needs", MAX_REQUEST_TARGET))
    assert (status, kind) == (401, "application/json")
    assert json.loads(body)["code"] == 401

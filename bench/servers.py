"""The two apps under gunicorn (2 sync workers, as the Procfile runs the service), the
service's log follower beside it, and a small HTTP client for setting scenes."""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.machine import VENV_BIN, children, rss_mib
from bench.stores import ROOT

WORKERS = 2


@dataclass
class Server:
    """One app under gunicorn, and any companion processes (the service's follower)."""

    name: str
    app: str
    env: dict[str, str]
    folder: Path
    companions: list[list[str]] = field(default_factory=list)
    url: str = ""
    _processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def command(self) -> list[str]:
        return [
            str(VENV_BIN / "gunicorn"),
            "--no-control-socket",
            "--workers",
            str(WORKERS),
            "--bind",
            "127.0.0.1:0",
            "--access-logfile",
            str(self.folder / f"{self.name}-access.log"),
            self.app,
        ]

    def start(self) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        log = self.folder / f"{self.name}-gunicorn.log"
        with log.open("wb") as out:
            server = subprocess.Popen(
                self.command(), env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
            )
        self._processes.append(server)
        for i, argv in enumerate(self.companions):
            with (self.folder / f"{self.name}-companion{i}.log").open("wb") as out:
                self._processes.append(
                    subprocess.Popen(
                        argv, env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
                    )
                )
        self.url = listening_address(server, log)
        _wait_healthy(self.url, "/api/v1/health" if self.name == "service" else "/health")
        return self.url

    def workers(self) -> list[int]:
        return children(self._processes[0].pid) if self._processes else []

    def worker_rss(self) -> list[float]:
        """Each web worker's resident set, in MiB."""
        return [rss_mib(pid) for pid in self.workers()]

    def stop(self) -> None:
        while self._processes:
            process = self._processes.pop()
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def listening_address(server: subprocess.Popen[bytes], log: Path, wait: float = 60) -> str:
    """The URL gunicorn says it listens at, once it does (and its workers have booted)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        found = re.search(r"Listening at: (http://\S+)", log.read_text(errors="replace"))
        if found:
            return found.group(1)
        if server.poll() is not None:
            break
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not start:\n{log.read_text(errors='replace')}")


def _wait_healthy(url: str, path: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            status, _, _ = request(url, "GET", path)
            if status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url}{path} did not answer 200 within 60 s")
        time.sleep(0.2)


def service(env: dict[str, str], folder: Path) -> Server:
    """The service as the Procfile runs it: web, and the follower of the log."""
    follower = [str(VENV_BIN / "flask"), "--app", "web", "follow"]
    return Server("service", "web:create_app()", env, folder, companions=[follower])


def crud(env: dict[str, str], folder: Path, name: str = "crud") -> Server:
    return Server(name, "bench.crud_app:create_app()", env, folder)


def request(
    url: str,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    *,
    form: bool = False,
) -> tuple[int, dict[str, str], bytes]:
    """One request on a new connection: status, headers (Set-Cookie joined by newlines), body."""
    parts = urlsplit(url)
    assert parts.hostname is not None, url  # the bench's URLs always name their host
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    sent = dict(headers or {})
    data = None
    if body is not None and form:
        from urllib.parse import urlencode

        data = urlencode(body).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = json.dumps(body, ensure_ascii=False).encode()
        sent["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=data, headers=sent)
        response = conn.getresponse()
        answer: dict[str, str] = {}
        for key, value in response.getheaders():
            key = key.lower()
            answer[key] = f"{answer[key]}\n{value}" if key in answer else value
        return response.status, answer, response.read()
    finally:
        conn.close()


def api_token(url: str, username: str, password: str) -> str:
    status, _, body = request(
        url, "POST", "/api/v1/auth/tokens", {"username": username, "password": password}
    )
    if status != 201:
        raise RuntimeError(f"signing in as {username} failed: {status} {body[:300]!r}")
    return str(json.loads(body)["token"])


def _session_cookie(headers: dict[str, str]) -> str | None:
    found = re.search(r"(?:^|\n)(session=[^;]+)", headers.get("set-cookie", ""))
    return found.group(1) if found else None


def page_session(url: str, username: str, password: str) -> str:
    """Sign in to the pages with the form; the session cookie ("session=…") to send back.
    The cookie is Secure in production, so it is carried by hand over plain HTTP."""
    status, headers, body = request(url, "GET", "/sign-in")
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body) or re.search(
        rb'value="([^"]+)"[^>]*name="csrf_token"', body
    )
    cookie = _session_cookie(headers)
    if status != 200 or token is None or cookie is None:
        raise RuntimeError(f"the sign-in page did not give a form and a session ({status})")
    form = {"username": username, "password": password, "csrf_token": token.group(1).decode()}
    status, headers, _ = request(url, "POST", "/sign-in", form, {"Cookie": cookie}, form=True)
    signed_in = _session_cookie(headers)
    if status not in (302, 303) or signed_in is None:
        raise RuntimeError(f"signing in to the pages as {username} failed ({status})")
    return signed_in


def post_many(
    url: str, token: str, bodies: list[dict[str, Any]], *, parallel: int = WORKERS
) -> int:
    """POST the needs (spread over `parallel` connections at a time); how many were created."""

    def one(body: dict[str, Any]) -> bool:
        status, _, _ = request(
            url, "POST", "/api/v1/needs", body, {"Authorization": f"Bearer {token}"}
        )
        return status == 201

    with ThreadPoolExecutor(parallel) as pool:
        return sum(pool.map(one, bodies))

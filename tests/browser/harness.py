"""A real server — gunicorn, as in production — on a freshly seeded SQLite store, and Debian's
chromium driven by Playwright, shared by every browser test and page journey of the run
(Playwright's sync API runs once per thread, and one seeded store is enough: each journey logs
needs of its own). `Harness.app` is the same service in this process, for setting scenes."""

from __future__ import annotations

import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests import servers
from web.pages.cli import compile_catalogues

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHEAP_HASHING = {"PASSWORD_TIME_COST": "1", "PASSWORD_MEMORY_KIB": "8", "PASSWORD_PARALLELISM": "1"}
PASSWORD = "demo-password"
PHONE = "Pixel 7"
NARROW = {"width": 360, "height": 740}


@dataclass
class Harness:
    """The running server and browser; `stop` ends both (safe to call twice)."""

    url: str
    app: Any
    browser: Any
    devices: dict[str, Any]
    _stops: list[Any] = field(default_factory=list)

    def phone(self, **overrides: Any) -> Any:
        """A new browser context like a Pixel 7 in Shanghai; Chinese unless told otherwise."""
        options = {**self.devices[PHONE], "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
        options.pop("default_browser_type", None)
        options.update(overrides)
        return self.browser.new_context(base_url=self.url, **options)

    def stop(self) -> None:
        while self._stops:
            self._stops.pop()()


_running: Harness | None = None


def harness() -> Harness:
    """The run's harness, started on first use."""
    global _running
    if _running is None:
        _running = _start()
    return _running


def stop() -> None:
    global _running
    if _running is not None:
        _running.stop()
        _running = None


def _start() -> Harness:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(
            f"{CHROMIUM} is missing: run scripts/ensure-chromium (scripts/test does)"
        )
    from playwright.sync_api import sync_playwright

    compile_catalogues()
    stops: list[Any] = []
    try:
        app, url = _serve(stops)
        playwright = sync_playwright().start()
        stops.append(playwright.stop)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        stops.append(browser.close)
    except BaseException:
        while stops:
            stops.pop()()
        raise
    return Harness(url, app, browser, playwright.devices, stops)


def _serve(stops: list[Any]) -> tuple[Any, str]:
    """Seed a fresh store, then serve it with gunicorn as in production, on a free port."""
    from web import create_app

    folder = Path(tempfile.mkdtemp(prefix="needs-browser-"))
    stops.append(lambda: shutil.rmtree(folder, ignore_errors=True))
    settings = {
        "DATABASE_URL": f"sqlite:///{folder}/needs.sqlite",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "DEMO_PASSWORD": PASSWORD,
        **CHEAP_HASHING,
    }
    app = create_app(settings)
    stops.append(lambda: _close(app))
    runner = app.test_cli_runner()
    for command in ("init-db", "seed-demo"):
        result = runner.invoke(args=[command], env={"DEMO_PASSWORD": PASSWORD})
        assert result.exit_code == 0, result.output
    server, url = servers.start(settings, folder / "gunicorn.log")
    stops.append(lambda: servers.stop(server))
    return app, url


def _close(app: Any) -> None:
    built = app.extensions.get("needs.services")
    if built is not None:
        built.close()


@contextmanager
def signed_in(username: str, **overrides: Any) -> Iterator[Any]:
    """A page in a new phone context, signed in as the user."""
    context = harness().phone(**overrides)
    try:
        page = context.new_page()
        sign_in(page, username)
        yield page
    finally:
        context.close()


def sign_in(page: Any, username: str) -> None:
    page.goto("/sign-in")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)

"""Browser tests: Playwright driving Debian's chromium at a phone's size against a live server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.harness import Harness, harness, stop


@pytest.fixture(scope="session")
def live() -> Iterator[Harness]:
    """The server and the browser, shared by the whole run."""
    yield harness()
    stop()

"""What a deploy installs. From a clean tree (the files git keeps: no .mo a developer compiled)
`python -m build` makes the sdist and from it the wheel, isolated as a deploy's build is, so
setup.py has only the build requirements pyproject.toml names (from PyPI or pip's cache). The
wheel must hold the compiled catalogues, the templates and the static files, and, installed in
a venv of its own, serve its pages in Chinese under gunicorn. An editable install compiles the
catalogues too, beside their sources.

The new venv gets the wheel only (`--no-deps`); its dependencies are the project venv's, put
on its path after its own site-packages by a .pth file: the same distributions pip would fetch,
in seconds rather than the half a minute installing them from PyPI takes. The service still
runs the wheel's code and files, not the source tree's: `web` is found in the new venv (asserted
below) and every process starts outside the source tree."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = (
    "web/translations/zh_Hans_CN/LC_MESSAGES/messages.mo",
    "web/translations/en/LC_MESSAGES/messages.mo",
)
PIP = (sys.executable, "-m", "pip", "--quiet", "--disable-pip-version-check")
# The Procfile's web process, one worker, from the new venv's python.
WEB = ("-m", "gunicorn", "--no-control-socket", "--workers", "1")
# Where the python of a venv finds the package `web`.
WHERE = "import importlib.util; print(importlib.util.find_spec('web').origin)"
LISTENING = re.compile(rb"Listening at: http://127\.0\.0\.1:(\d+)")

pytestmark = pytest.mark.slow


def run(*command: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Run a command to its end; its output, or a failure that shows it."""
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return str(done.stdout)


def clean_tree(destination: Path) -> Path:
    """The project as a fresh clone has it (tracked and new files, nothing git ignores)."""
    listed = run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # tracked but deleted in the work tree: not there
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    return destination


def new_venv(home: Path) -> Path:
    """An empty venv (no pip: the project venv's pip installs into it); its python."""
    run(sys.executable, "-m", "venv", "--without-pip", home)
    return home / "bin" / "python"


def compiled(tree: Path) -> set[str]:
    return {str(mo.relative_to(tree)) for mo in tree.glob("web/translations/*/*/*.mo")}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = clean_tree(tmp_path_factory.mktemp("tree"))
    assert not compiled(tree)
    dist = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", dist, tree)
    (built,) = dist.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new venv holding the wheel, the project venv's site-packages after its own."""
    home = tmp_path_factory.mktemp("venv")
    python = new_venv(home)
    run(*PIP, "--python", python, "install", "--no-deps", "--no-index", wheel)
    theirs = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    ours = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    Path(theirs.strip(), "zz-project-dependencies.pth").write_text("".join(f"{p}\n" for p in ours))
    return home


def environment(folder: Path) -> dict[str, str]:
    """A deploy's environment: no settings but the database, nothing of the tests'."""
    kept = {k: os.environ[k] for k in ("PATH", "HOME", "TMPDIR", "LANG") if k in os.environ}
    return kept | {"DATABASE_URL": f"sqlite:///{folder}/needs.sqlite"}


@pytest.fixture
def served(venv: Path, tmp_path: Path) -> Iterator[str]:
    """gunicorn from the new venv, as the Procfile's web process runs it, after its release
    step; started outside the source tree so nothing can be imported from it."""
    python, env = str(venv / "bin" / "python"), environment(tmp_path)
    where = run(python, "-c", WHERE, cwd=tmp_path, env=env)
    assert Path(where.strip()).is_relative_to(venv), where
    run(python, "-m", "flask", "--app", "web", "init-db", cwd=tmp_path, env=env)
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        gunicorn = subprocess.Popen(
            [python, *WEB, "--bind", "127.0.0.1:0", "web:create_app()"],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield f"http://127.0.0.1:{listening_port(log, gunicorn)}"
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        try:
            gunicorn.wait(20)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
            gunicorn.wait(5)


def listening_port(log: Path, process: subprocess.Popen[bytes]) -> int:
    """The port gunicorn bound (port 0: the system picks a free one), read from its log."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = LISTENING.search(log.read_bytes())
        if found:
            return int(found.group(1))
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise AssertionError(f"gunicorn did not start:\n{log.read_text(errors='replace')}")


def page(url: str) -> str:
    # gunicorn listens before its worker boots: the request waits in the socket's backlog.
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - a local http URL
        return str(response.read().decode())


def test_the_wheel_holds_the_compiled_catalogues_the_templates_and_the_static_files(
    wheel: Path,
) -> None:
    with zipfile.ZipFile(wheel) as built:
        names = set(built.namelist())
        assert set(CATALOGUES) <= names
        for catalogue in CATALOGUES:
            assert built.read(catalogue)[:4] in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")
    assert "web/templates/pages/base.html" in names
    assert "web/templates/pages/sign_in.html" in names
    assert {"web/static/pages.css", "web/static/pages.js", "web/static/offline.js"} <= names


def test_the_installed_wheel_serves_its_pages_in_chinese(served: str) -> None:
    signing_in = page(f"{served}/sign-in")
    assert '<html lang="zh-CN">' in signing_in
    assert "<h1>登录</h1>" in signing_in
    assert 'value="en" lang="en">English</button>' in signing_in
    assert "中文</button>" not in signing_in


def test_an_editable_install_compiles_the_catalogues_beside_their_sources(tmp_path: Path) -> None:
    tree = clean_tree(tmp_path / "tree")
    python = new_venv(tmp_path / "venv")
    run(*PIP, "--python", python, "install", "--no-deps", "--editable", tree)
    assert compiled(tree) == set(CATALOGUES)
    where = run(python, "-c", WHERE, cwd=tmp_path)
    assert Path(where.strip()).is_relative_to(tree), where

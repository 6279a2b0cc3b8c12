"""What the figures were measured on, how busy it was, and the tools the run needs."""

from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

VENV_BIN = Path(sys.executable).parent
BUSY = 1.5  # a 1-minute load above this on 2 cores at the start: the machine is not quiet
BUSY_SHARE = 0.25  # other programs using more of all cores than this while measuring


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def load() -> tuple[float, float, float]:
    """The 1, 5 and 15 minute load averages."""
    one, five, fifteen = (float(x) for x in _read("/proc/loadavg").split()[:3])
    return one, five, fifteen


def load_text() -> str:
    one, five, fifteen = load()
    return f"load {one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min) on {os.cpu_count()} cores"


def cpu_model() -> str:
    for line in _read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def ram_gib() -> float:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def rss_mib(pid: int) -> float:
    """A process's resident set (VmRSS), in MiB."""
    for line in _read(f"/proc/{pid}/status").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    """The direct children of a process (a gunicorn master's workers)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(p) for p in _read(str(task)).split()]
    return sorted(found)


@dataclass(frozen=True)
class Machine:
    """The machine and software the figures belong to."""

    cpu: str
    cores: int
    ram_gib: float
    python: str
    system: str
    packages: str
    sqlite: str
    wrk: str

    def lines(self) -> list[str]:
        return [
            f"CPU: {self.cpu}, {self.cores} cores; RAM {self.ram_gib:.1f} GiB; {self.system}",
            f"Python {self.python}; {self.packages}; SQLite {self.sqlite}; {self.wrk}",
        ]


def describe() -> Machine:
    names = ("eventsourcing", "flask", "gunicorn", "marshmallow", "psycopg")
    packages = ", ".join(f"{n} {version(n)}" for n in names)
    wrk = shutil.which("wrk")
    wrk_version = "wrk missing"
    if wrk:
        out = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
        wrk_version = (out.stdout or out.stderr).splitlines()[0].split(" Copyright")[0]
    return Machine(
        cpu=cpu_model(),
        cores=os.cpu_count() or 0,
        ram_gib=ram_gib(),
        python=platform.python_version(),
        system=f"{platform.system()} {platform.release()}",
        packages=packages,
        sqlite=sqlite3.sqlite_version,
        wrk=wrk_version,
    )


def ensure_wrk() -> str:
    """The path of wrk, installed with apt-get (through sudo unless root) when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print("bench: wrk is missing; apt-get install -y wrk", file=sys.stderr, flush=True)
    install = [*sudo, "apt-get", "install", "-y", "-qq", "wrk"]
    if subprocess.run(install, env=env, capture_output=True, check=False).returncode != 0:
        subprocess.run([*sudo, "apt-get", "update", "-qq"], env=env, check=False)
        subprocess.run(install, env=env, check=True, capture_output=True)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk could not be installed (apt-get install -y wrk)")
    return found


def _tree_ticks(pid: int) -> int:
    """CPU ticks used by a process, its waited-for children and its live descendants."""
    fields = _read(f"/proc/{pid}/stat").rsplit(")", 1)[-1].split()
    own = sum(int(x) for x in fields[11:15]) if len(fields) > 14 else 0
    return own + sum(_tree_ticks(child) for child in children(pid))


def _store_ticks() -> int:
    """CPU ticks used by the PostgreSQL server: the store the benchmarks measure (the server
    that serves their statements), not another program. Counted from each postmaster down, so
    a backend that ended (a connection closed) stays counted in its parent's reaped ticks."""
    names: dict[int, tuple[str, int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _read(f"/proc/{entry}/stat")
            name, _, rest = stat.partition(" (")[2].rpartition(")")
            fields = rest.split()
            if name == "postgres" and len(fields) > 1:
                names[int(entry)] = (name, int(fields[1]))  # its parent
    masters = [pid for pid, (_, parent) in names.items() if parent not in names]
    return sum(_tree_ticks(pid) for pid in masters)


def _busy_ticks() -> int:
    """CPU ticks the whole machine spent busy (user, nice, system, irq, softirq, steal)."""
    values = [int(x) for x in _read("/proc/stat").splitlines()[0].split()[1:9]]
    return sum(values) - values[3] - values[4]  # less idle and iowait


class Others:
    """How much of the machine other programs used since the last look (0..1 of all cores);
    the PostgreSQL server the benchmarks run against is theirs, not another program."""

    def __init__(self) -> None:
        self._last = (_busy_ticks(), self._ours(), os.times().elapsed)
        self._share = 0.0

    @staticmethod
    def _ours() -> int:
        """The benchmark's own ticks: its process tree and the PostgreSQL server it measures."""
        return _tree_ticks(os.getpid()) + _store_ticks()

    def share(self) -> float:
        busy, ours, now = _busy_ticks(), self._ours(), os.times().elapsed
        last_busy, last_ours, then = self._last
        if now - then < 0.5:  # figures of the same measurement share its interval
            return self._share
        self._last = (busy, ours, now)
        ticks = os.sysconf("SC_CLK_TCK") * (now - then) * (os.cpu_count() or 1)
        self._share = max(0.0, ((busy - last_busy) - (ours - last_ours)) / ticks)
        return self._share

"""Load from wrk: a Lua script per call, run for a while, read back as numbers."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

# Every script ends by printing one line the harness reads (latencies in microseconds).
_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK-RESULT %d %d %d %d %d %d %d %d %d %d %d %d\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max))
end
"""

_POST = r"""
local path = %(path)s
local token = %(token)s
local blocks = %(blocks)s
local urgencies = {"low", "normal", "normal", "high", "critical"}
local categories = {"poverty_relief", "hardship", "emergency", "study_aid", "worry_relief",
                    "mediation"}
local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
local body = '{"category": "%%s", "block": "%%s", "household": {"building": %%d, ' ..
  '"unit": "%%s", "room": "%%d0%%d"}, "resident_name": "王阿姨", ' ..
  '"contact_phone": "138 0013 8000", "description": "独居老人，行动不便，' ..
  '需要有人每周上门看望并帮忙买菜。", "urgency": "%%s", "consent_to_share": true, ' ..
  '"duplicate_ok": true}'

local new_households = %(new_households)s
local threads = 0
local counter = 0
local started = os.time() %% 100000

math.randomseed(os.time())

setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

request = function()
  local block = blocks[math.random(#blocks)]
  local building = block.buildings[math.random(#block.buildings)]
  local unit, floor, room = tostring(math.random(4)), math.random(6), math.random(4)
  if new_households then
    -- an address never used before: this run's start and thread as the unit, a count as room
    counter = counter + 1
    unit = string.format("%%d%%d", started, tid or 0)
    floor, room = counter, 0
  end
  local json = string.format(body, categories[math.random(#categories)], block.code, building,
    unit, floor, room, urgencies[math.random(#urgencies)])
  return wrk.format("POST", path, headers, json)
end
"""

_GET = r"""
wrk.method = "GET"
wrk.path = %(path)s
%(headers)s
"""


def _lua(value: object) -> str:
    """A Lua literal for a string, a list or a dict of plain values."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return "{" + ", ".join(_lua(v) for v in value) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_lua(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def post_script(
    path: str, token: str, blocks: dict[str, list[int]], *, new_households: bool = False
) -> str:
    """POST a need as JSON with a bearer token, in one of the blocks: at a random address of
    the block's few thousand (they soon recur), or with `new_households` at an address no
    request used before (the service registers a new household each time)."""
    block_list = [{"code": code, "buildings": sorted(b)} for code, b in blocks.items()]
    values = {
        "path": _lua(path),
        "token": _lua(token),
        "blocks": _lua(block_list),
        "new_households": "true" if new_households else "false",
    }
    return _POST % values + _DONE


def get_script(path: str, headers: dict[str, str]) -> str:
    """GET one path with fixed headers (a bearer token or a session cookie)."""
    lines = "\n".join(f"wrk.headers[{_lua(k)}] = {_lua(v)}" for k, v in headers.items())
    return _GET % {"path": _lua(path), "headers": lines} + _DONE


@dataclass(frozen=True)
class Result:
    """One wrk run: throughput, latency percentiles (ms) and errors."""

    requests: int
    seconds: float
    errors: int
    non_2xx: int
    p50: float
    p90: float
    p95: float
    p99: float
    max: float

    @property
    def ok(self) -> int:
        return self.requests - self.non_2xx

    @property
    def rps(self) -> float:
        """Answered requests a second, not counting failures."""
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def error_share(self) -> float:
        return (self.errors + self.non_2xx) / self.requests if self.requests else 1.0


def run(
    wrk: str,
    url: str,
    script: str,
    folder: Path,
    *,
    seconds: float,
    connections: int,
    threads: int = 1,
) -> Result:
    """Run wrk against the URL with the script; the numbers its done() printed."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"wrk-{abs(hash(script)) % 10**8}.lua"
    path.write_text(script, encoding="utf-8")
    command = [
        wrk,
        f"-t{threads}",
        f"-c{max(connections, threads)}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "-s",
        str(path),
        url,
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    found = re.search(r"^WRK-RESULT ([\d ]+)$", out.stdout, re.MULTILINE)
    if out.returncode != 0 or found is None:
        raise RuntimeError(f"wrk failed ({' '.join(command)}):\n{out.stdout}\n{out.stderr}")
    n, us, connect, read, write, status, timeout, p50, p90, p95, p99, top = (
        int(x) for x in found.group(1).split()
    )
    return Result(
        requests=n,
        seconds=us / 1e6,
        errors=connect + read + write + timeout,
        non_2xx=status,
        p50=p50 / 1000,
        p90=p90 / 1000,
        p95=p95 / 1000,
        p99=p99 / 1000,
        max=top / 1000,
    )


def command_line(url: str, *, seconds: float, connections: int, threads: int = 1) -> str:
    """The wrk command as a reader would type it (the script's name stands for the script)."""
    return f"wrk -t{threads} -c{connections} -d{max(1, round(seconds))}s -s <script>.lua {url}"

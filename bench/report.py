"""Figures as they are measured: progress lines while running, a table side by side with the
baseline or target, the targets met or not (with the measurement that says why), and
docs/performance.md written from the same content."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from statistics import quantiles

from bench.machine import BUSY_SHARE, Machine, Others, load_text


def percentiles(samples: Sequence[float]) -> dict[str, float]:
    """p50, p95, p99 and the mean of timings (in whatever unit they came in)."""
    ordered = sorted(samples)
    if len(ordered) == 1:
        only = ordered[0]
        return {"p50": only, "p95": only, "p99": only, "mean": only, "n": 1}
    cuts = quantiles(ordered, n=100, method="inclusive")
    return {
        "p50": cuts[49],
        "p95": cuts[94],
        "p99": cuts[98],
        "mean": sum(ordered) / len(ordered),
        "n": len(ordered),
    }


def ms(value: float) -> str:
    return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"


# Which profile tells where the time of a target's path goes (a word of the target: a path).
PROFILED = {
    "logging": "POST /api/v1/needs",
    "listing": "GET /api/v1/needs?",
    "list page": "GET /needs,",
    "ranking": "Casework.matches",
    "rebuild": "Follower.rebuild",
}


@dataclass
class Figure:
    """One measured figure with what it is read against."""

    section: str
    what: str
    measured: str
    beside: str = ""
    ratio: str = ""
    load: str = ""


@dataclass
class Target:
    """A target of the issue, and whether this run met it."""

    target: str
    measured: str
    met: bool | None
    why: str = ""


@dataclass
class Report:
    """Everything one run measured, in the order it was measured."""

    machine: Machine
    command: str
    sizes: str
    figures: list[Figure] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    profiles: list[tuple[str, str]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    loads: list[str] = field(default_factory=list)
    busy: bool = False  # the machine had other work: the figures are no record
    others: Others = field(default_factory=Others)

    def progress(self, text: str) -> None:
        elapsed = time.monotonic() - self.started
        print(f"bench [{elapsed:6.1f} s] {text}", file=sys.stderr, flush=True)

    def add(
        self, section: str, what: str, measured: str, beside: str = "", ratio: str = ""
    ) -> None:
        share = self.others.share()
        self.busy = self.busy or share > BUSY_SHARE
        figure = Figure(
            section,
            what,
            measured,
            beside,
            ratio,
            f"others {share:.0%} CPU; {load_text().split(' (')[0]}",
        )
        self.figures.append(figure)
        extra = f"  |  {beside}" if beside else ""
        extra += f"  |  {ratio}" if ratio else ""
        self.progress(f"{section}: {what}: {measured}{extra}")

    def judge(self, target: str, measured: str, met: bool | None, why: str = "") -> None:
        self.targets.append(Target(target, measured, met, why))

    def note(self, text: str) -> None:
        self.notes.append(text)

    def explain(self) -> None:
        """Give each target not met the heaviest frames of the profile of its path."""
        for target in self.targets:
            if target.met is not False:
                continue
            path = next((p for k, p in PROFILED.items() if k in target.target), None)
            store = "PostgreSQL" if "PostgreSQL" in target.target else "SQLite"
            found = [
                (title, text)
                for title, text in self.profiles
                if path and title.startswith(path) and f"({store})" in title
            ]
            if path is None or not found:  # no profile without a path
                continue
            # The profile of the target's scenario, where there is one (new households).
            new = "new households" in target.target
            title, text = ([f for f in found if ("new households" in f[0]) == new] or found)[0]
            own = text.splitlines()[1].partition(": ")[2]
            top = own.split(", ")[:3]
            crud = [t for t, _ in self.profiles if t.startswith(path) and "CRUD" in t]
            beside = f"; the CRUD app: {crud[0].rsplit(', ', 1)[-1]}" if crud else ""
            where = f"profile ({title.rsplit(', ', 1)[-1]}{beside}): most time of their own in "
            target.why = "; ".join(filter(None, [target.why, where + ", ".join(top)]))

    # --- output ------------------------------------------------------------------------

    def table(self) -> list[str]:
        rows = [("section", "figure", "measured", "baseline / target", "ratio", "others; load")]
        rows += [(f.section, f.what, f.measured, f.beside, f.ratio, f.load) for f in self.figures]
        widths = [max(len(r[i]) for r in rows) for i in range(6)]
        return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]

    def summary(self) -> str:
        judged = [t for t in self.targets if t.met is not None]
        met = sum(1 for t in judged if t.met)
        missed = [t.target.split(" ≤")[0].split(" ≥")[0] for t in judged if not t.met]
        tail = f"; not met: {', '.join(missed)}" if missed else ""
        seconds = time.monotonic() - self.started
        return (
            f"bench: {len(self.figures)} figures, targets met {met}/{len(judged)}{tail}; "
            f"{seconds:.0f} s; {load_text()}"
        )

    def print(self) -> None:
        print("\n".join(["", *self.machine.lines(), f"command: {self.command}", ""]))
        print("\n".join(self.table()))
        print("\ntargets:")
        for t in self.targets:
            mark = {True: "met", False: "NOT MET", None: "not measured"}[t.met]
            print(f"  [{mark}] {t.target}: {t.measured}" + (f" — {t.why}" if t.why else ""))
        for text in self.notes:
            print(f"note: {text}")
        for title, text in self.profiles:
            print(f"\nprofile: {title}\n{text}")
        print(self.summary())

    def markdown(self) -> str:
        when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        lines = [
            "# Performance",
            "",
            "Written by `make bench` (`python -m bench`); do not edit by hand — run it again.",
            "",
            *(
                [
                    "**Other programs used more than a quarter of the machine's CPU while some "
                    "figures were measured (see the last column): these figures are no record.**",
                    "",
                ]
                if self.busy
                else []
            ),
            f"- Run: {when}; {self.sizes}",
            *[f"- {line}" for line in self.machine.lines()],
            f"- Command: `{self.command}`",
            *[f"- {load}" for load in self.loads],
            "",
            "## Targets",
            "",
            "| target | measured | met | why |",
            "|---|---|---|---|",
        ]
        for t in self.targets:
            mark = {True: "met", False: "**not met**", None: "not measured"}[t.met]
            lines.append(f"| {t.target} | {t.measured} | {mark} | {t.why} |")
        lines += [
            "",
            "## Figures",
            "",
            "| section | figure | measured | baseline / target | ratio | others' CPU; load |",
            "|---|---|---|---|---|---|",
        ]
        for f in self.figures:
            cells = (f.section, f.what, f.measured, f.beside, f.ratio, f.load)
            lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
        if self.notes:
            lines += ["", "## How it was measured", "", *[f"- {n}" for n in self.notes]]
        for title, text in self.profiles:
            lines += ["", f"## Profile: {title}", "", "```", text.rstrip(), "```"]
        lines += ["", self.summary(), ""]
        return "\n".join(lines)

    def section_lines(self, title: str) -> list[str]:
        """This run as one section of the file: what, targets, figures."""
        busy = (
            "**Other programs used more than a quarter of the machine's CPU while some figures "
            "were measured (see the last column): these figures are no record.**"
        )
        lines = [
            f"## {title}",
            "",
            *([busy, ""] if self.busy else []),
            f"- {self.sizes}",
            f"- Command: `{self.command}`",
            *[f"- {line}" for line in self.machine.lines()],
            *[f"- {load}" for load in self.loads],
            "",
            "| target | measured | met | why |",
            "|---|---|---|---|",
        ]
        for t in self.targets:
            mark = {True: "met", False: "**not met**", None: "not judged"}[t.met]
            lines.append(f"| {t.target} | {t.measured} | {mark} | {t.why} |")
        lines += ["", "| section | figure | measured | target / beside | others' CPU; load |"]
        lines.append("|---|---|---|---|---|")
        for f in self.figures:
            cells = (f.section, f.what, f.measured, f.beside, f.load)
            lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
        return lines

    def write(self, path: Path) -> None:
        """The whole file, keeping the sections other commands wrote (the street's)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        kept = [kept_section(path, name) for name in SECTIONS]
        text = self.markdown().rstrip("\n") + "".join(f"\n\n{k}" for k in kept if k) + "\n"
        path.write_text(text, encoding="utf-8")
        self.progress(f"wrote {path}")

    def write_section(self, path: Path, name: str, lines: list[str]) -> None:
        """Write (or replace) one command's own section of the file, leaving the rest."""
        path.parent.mkdir(parents=True, exist_ok=True)
        old = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
        begin, end = _markers(name)
        block = "\n".join([begin, *lines, end])
        if begin in old and end in old:
            text = old[: old.index(begin)] + block + old[old.index(end) + len(end) :]
        else:
            text = old.rstrip("\n") + "\n\n" + block + "\n"
        path.write_text(text, encoding="utf-8")
        self.progress(f"wrote the {name} section of {path}")


# Sections of docs/performance.md written by other commands, kept when make bench rewrites it.
SECTIONS = ("street",)


def _markers(name: str) -> tuple[str, str]:
    return (
        f"<!-- {name}: written by python -m bench {name}; do not edit by hand -->",
        f"<!-- end of {name} -->",
    )


def kept_section(path: Path, name: str) -> str:
    """The named section as the file holds it (markers included), or ''."""
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8")
    begin, end = _markers(name)
    if begin not in text or end not in text:
        return ""
    return text[text.index(begin) : text.index(end) + len(end)]

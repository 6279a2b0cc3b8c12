"""Translation commands: `flask --app web translate update|compile` (pybabel underneath)."""

from __future__ import annotations

from pathlib import Path

import click
from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "web" / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"


def pybabel(*args: str) -> None:
    # Babel leaves CommandLineInterface.run unannotated.
    if CommandLineInterface().run(["pybabel", "-q", *args]):  # type: ignore[no-untyped-call]
        raise click.ClickException(f"pybabel {args[0]} failed")


def extract() -> None:
    """Collect every message of the pages and templates into messages.pot."""
    pybabel(
        "extract",
        "-F",
        str(ROOT / "babel.cfg"),
        "-k",
        "_l",
        "--no-location",
        "--sort-output",
        "--project",
        "urgent-needs-menu",
        "-o",
        str(TEMPLATE),
        str(ROOT),
    )


@click.group()
def translate() -> None:
    """Keep the zh_CN and en catalogues in step with the code."""


@translate.command()
def update() -> None:
    """Extract the messages and merge them into every catalogue (new ones untranslated)."""
    extract()
    pybabel(
        "update",
        "-i",
        str(TEMPLATE),
        "-d",
        str(TRANSLATIONS),
        "--no-fuzzy-matching",
        "--ignore-obsolete",
    )


def compile_catalogues() -> None:
    """Compile the catalogues into the .mo files the service reads."""
    pybabel("compile", "-d", str(TRANSLATIONS))


@translate.command("compile")
def compile_command() -> None:
    """Compile the catalogues into the .mo files the service reads."""
    compile_catalogues()

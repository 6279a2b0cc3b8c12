"""The build compiles the pages' translation catalogues: every wheel, `pip install .` and
editable install has web/translations/*/LC_MESSAGES/messages.mo beside its .po, so a deploy
shows the pages in Chinese without a step of its own. The .mo files are build output, never
committed; everything else about the project is in pyproject.toml."""

from __future__ import annotations

from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from setuptools import setup
from setuptools.command.build_py import build_py


def compile_catalogues(translations: Path) -> None:
    """pybabel compile, as `flask --app web translate compile` runs it; a build with a
    catalogue left uncompiled (broken, or marked fuzzy) fails rather than ship English."""
    catalogues = sorted(translations.glob("*/LC_MESSAGES/messages.po"))
    if not catalogues:
        raise SystemExit(f"no translation catalogues under {translations}")
    for stale in translations.glob("*/LC_MESSAGES/messages.mo"):
        stale.unlink()  # copied along from the source tree, perhaps older than its .po
    # Babel leaves CommandLineInterface.run unannotated.
    failed = CommandLineInterface().run(  # type: ignore[no-untyped-call]
        ["pybabel", "-q", "compile", "-d", str(translations)]
    )
    uncompiled = [str(po) for po in catalogues if not po.with_suffix(".mo").is_file()]
    if failed or uncompiled:
        raise SystemExit(f"pybabel compile failed in {translations}: {uncompiled or 'errors'}")


class BuildPyWithCatalogues(build_py):
    """build_py, then the catalogues compiled where the install will read them: in the build
    folder that becomes the wheel, or — for an editable install, which reads the package from
    the source tree — beside the .po files themselves."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            compile_catalogues(Path(self.get_package_dir("web"), "translations"))
        else:
            compile_catalogues(Path(self.build_lib, "web", "translations"))


setup(cmdclass={"build_py": BuildPyWithCatalogues})

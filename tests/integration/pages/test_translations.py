"""Every message the pages show is translated, in both catalogues, and none is fuzzy."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from web.pages.cli import ROOT, TRANSLATIONS
from web.presentation.words import LANGUAGES

KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}


def catalogue_of(language: str) -> Catalog:
    folder = "zh_Hans_CN" if language == "zh_CN" else language
    with (TRANSLATIONS / folder / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=folder)


def translated(catalogue: Catalog, message_id: str) -> bool:
    found = catalogue.get(message_id)
    if found is None:
        return False
    strings = [found.string] if isinstance(found.string, str) else list(found.string)
    return all(strings)


def messages_in_the_code() -> set[str]:
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = extract_from_dir(ROOT, method_map, options_map, keywords=KEYWORDS)
    return {message if isinstance(message, str) else message[0] for _, _, message, *_ in found}


def test_the_code_has_messages_to_translate() -> None:
    assert {"Sign in", "Log a need", "My block"} <= messages_in_the_code()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_in_the_code_is_translated(language: str) -> None:
    catalogue = catalogue_of(language)
    missing = sorted(m for m in messages_in_the_code() if not translated(catalogue, m))
    assert not missing, f"untranslated in {language}: {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_message_in_the_catalogue_is_fuzzy_or_empty(language: str) -> None:
    catalogue = catalogue_of(language)
    assert not catalogue.fuzzy, f"the {language} catalogue is marked fuzzy"
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    empty = [m.id for m in catalogue if m.id and not translated(catalogue, m.id)]
    assert not fuzzy, f"fuzzy in {language}: {fuzzy}"
    assert not empty, f"empty in {language}: {empty}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_their_placeholders(language: str) -> None:
    problems = [
        (message.id, [str(error) for error in errors])
        for message, errors in catalogue_of(language).check()
        if errors
    ]
    assert not problems, problems


def test_the_chinese_catalogue_is_chinese() -> None:
    assert catalogue_of("zh_CN").get("Log a need").string == "登记需求"


def test_catalogue_folders_are_where_babel_looks() -> None:
    assert {p.name for p in Path(TRANSLATIONS).iterdir() if p.is_dir()} == {"en", "zh_Hans_CN"}

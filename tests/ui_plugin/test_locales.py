"""The editor's message catalogues: every string exists in English and in Chinese, with the same placeholders."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import REPO

LOCALES = REPO / "ui_plugin" / "frontend" / "src" / "locales"
LANGUAGES = ("en", "zh")
PLACEHOLDER = re.compile(r"{{\s*(\w+)\s*}}")
# Built-in component texts: English comes from each component's own spec, so only Chinese is listed.
SPEC_TEXTS = {"components"}


def flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    found = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            found.update(flatten(value, f"{prefix}{key}."))
        else:
            found[f"{prefix}{key}"] = value
    return found


def catalogue(language: str) -> dict[str, str]:
    """A language's messages as i18n.ts assembles them: the shared file plus one file per feature."""
    messages = flatten(json.loads((LOCALES / f"{language}.json").read_text(encoding="utf-8")))
    for feature in sorted((LOCALES / language).glob("*.json")):
        if feature.stem not in SPEC_TEXTS:
            messages.update(flatten(json.loads(feature.read_text(encoding="utf-8")), f"{feature.stem}."))
    return messages


def features(language: str) -> set[str]:
    return {path.stem for path in (LOCALES / language).glob("*.json")}


def test_every_feature_has_a_file_in_each_language():
    assert features("en") == features("zh")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_exists_in_the_other_language(language):
    other = LANGUAGES[1 - LANGUAGES.index(language)]
    missing = sorted(set(catalogue(language)) - set(catalogue(other)))
    assert not missing, f"in {language} but not in {other}: {missing}"


def test_translations_keep_the_placeholders():
    english, chinese = catalogue("en"), catalogue("zh")
    differ = {key: (english[key], chinese[key]) for key in english.keys() & chinese.keys()
              if set(PLACEHOLDER.findall(str(english[key]))) != set(PLACEHOLDER.findall(str(chinese[key])))}
    assert not differ


def test_chinese_messages_are_chinese():
    """A copied English string in zh is a forgotten translation (ids, units and code aside)."""
    han = re.compile(r"[\u4e00-\u9fff]")
    untranslated = {key: text for key, text in catalogue("zh").items()
                    if isinstance(text, str) and re.search(r"[A-Za-z]{4,}", PLACEHOLDER.sub("", text))
                    and not han.search(text)}
    assert not untranslated


def test_built_in_component_translations_name_real_components():
    names = {path.parent.name for path in (REPO / "components").glob("*/component.yaml")}
    translated = json.loads((LOCALES / "zh" / "components.json").read_text(encoding="utf-8"))
    assert set(translated) == names
    assert all(set(text) == {"title", "description"} for text in translated.values())


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_template_category_has_a_name_in_each_language(language):
    """A card shows its category in the UI's language: every category a template may name has one."""
    from jimu.template.spec import CATEGORIES

    named = catalogue(language)
    assert [c for c in CATEGORIES if f"templates.categories.{c}" not in named] == []

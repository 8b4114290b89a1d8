"""Every interface string goes through Flask-Babel and has its French, Arabic and English translation."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
METHODS = [("course/**.py", "python"), ("course/web/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def strings_in_the_code() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(ROOT, METHODS, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalog(lang: str):
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_every_string_in_the_code_is_translated(lang):
    messages = catalog(lang)
    assert not messages.fuzzy, "a catalog marked fuzzy is not compiled"
    missing = []
    for text in sorted(strings_in_the_code()):
        message = messages.get(text)
        strings = () if message is None else (message.string if isinstance(message.string, tuple) else (message.string,))
        if message is None or message.fuzzy or not strings or not all(strings):
            missing.append(text)
    assert missing == []


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_translations_keep_their_placeholders(lang):
    problems = [(message.id, errors) for message, errors in catalog(lang).check()]
    assert problems == []


def test_arabic_has_its_six_plural_forms():
    assert catalog("ar").num_plurals == 6

"""The French catalogue covers every message the code can show."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from citoyens_ssg import i18n

PROJECT = Path(__file__).resolve().parent.parent


def messages_in(folder: Path) -> set[str]:
    keywords = {"_": None, "N_": None}
    found = extract_from_dir(str(folder), method_map=[("**.py", "python")], keywords=keywords)
    return {message for _file, _line, message, _comments, _context in found if isinstance(message, str)}


def test_every_message_has_a_french_translation():
    french = i18n._catalogue("fr")
    used = messages_in(PROJECT / "citoyens_ssg") | messages_in(PROJECT / "plugins")
    assert used, "no message found: the extraction itself is broken"
    assert sorted(used - french.keys()) == []


def test_translations_keep_their_placeholders():
    import string

    for message, translation in i18n._catalogue("fr").items():
        fields = {f for _t, f, _s, _c in string.Formatter().parse(message) if f}
        assert {f for _t, f, _s, _c in string.Formatter().parse(translation) if f} == fields, message

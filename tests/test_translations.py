"""The French catalogue is complete, and the compiled catalogue Helpline runs with is the
one committed next to it (``bin/messages --compile`` rebuilds it with pure Python)."""

import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

import helpline

LOCALE = Path(helpline.__file__).parent / "locale"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")


@pytest.fixture(scope="module")
def french():
    return polib.pofile(str(LOCALE / "fr" / "LC_MESSAGES" / "django.po"))


def test_every_message_is_translated_and_none_is_fuzzy(french):
    assert [e.msgid for e in french.untranslated_entries()] == []
    assert [e.msgid for e in french.fuzzy_entries()] == []
    assert [e.msgid for e in french.obsolete_entries()] == []
    assert not french.metadata_is_fuzzy
    for entry in french:
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == [0, 1], entry.msgid
            assert all(entry.msgstr_plural.values()), entry.msgid


def test_translations_keep_every_placeholder(french):
    for entry in french.translated_entries():
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        for text in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            assert sorted(PLACEHOLDER.findall(text)) == wanted, entry.msgid


def catalogue_table(entries):
    return {
        (e.msgid, e.msgid_plural): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in entries
        if e.msgid
    }


def test_the_committed_mo_matches_the_po(french):
    compiled = polib.mofile(str(LOCALE / "fr" / "LC_MESSAGES" / "django.mo"))
    assert catalogue_table(compiled) == catalogue_table(french.translated_entries()), (
        "the .mo is stale: run bin/messages --compile"
    )
    assert len(compiled) == len(french.translated_entries())


def test_django_reads_the_french_catalogue():
    with translation.override("fr"):
        assert translation.gettext("Log in") == "Se connecter"
        assert translation.ngettext("%(count)d day", "%(count)d days", 7) == "%(count)d jours"
        assert translation.ngettext("%(count)d day", "%(count)d days", 1) == "%(count)d jour"

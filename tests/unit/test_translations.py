"""The French catalogue: complete, compiled, faithful to the placeholders of the English.

No database. The .po is read with a small parser of our own (below); the .mo with the standard
library's gettext. When GNU gettext is installed, the catalogue is also regenerated from the
code, in a temporary copy of the sources, to find strings added without a translation.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

# As in the Makefile's `messages` target.
MAKEMESSAGES_IGNORE = (".venv", "tests", "bench", "demo")
# What makemessages reads for the "django" domain (it ignores the settings' media and static roots).
SOURCE_SUFFIXES = {".py", ".html", ".txt"}
NOT_SOURCES = {"media", "static_collected", "__pycache__", "node_modules"}

FIX = (
    "run `make messages` and translate them in locale/fr/LC_MESSAGES/django.po, then run "
    "`make messages` again to compile"
)


# A .po reader -------------------------------------------------------------------------------


class PoSyntaxError(ValueError):
    pass


@dataclass
class Entry:
    msgid: str | None = None
    msgstr: str | None = None
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def is_fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is not None:
            return [self.msgstr_plural[index] for index in sorted(self.msgstr_plural)]
        return [self.msgstr or ""]

    @property
    def is_translated(self) -> bool:
        return all(self.translations)

    @property
    def key(self) -> str:
        """The key of the compiled catalogue: the context, EOT, then the msgid."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid

    def where(self) -> str:
        return self.references[0] if self.references else f"{PO.name}:{self.line}"

    def __str__(self) -> str:
        context = f" [{self.msgctxt}]" if self.msgctxt is not None else ""
        return f"{self.msgid!r}{context} ({self.where()})"


_STRING = r'"((?:[^"\\]|\\.)*)"'
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s*" + _STRING + r"\s*$")
_CONTINUATION = re.compile(r"^" + _STRING + r"\s*$")
_ESCAPE = re.compile(r'\\(?:([ntrabfv\\"?\'])|([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.?))')
_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "\\": "\\",
    '"': '"',
    "?": "?",
    "'": "'",
}


def unescape(text: str, where: str = "") -> str:
    """A C string body as gettext writes it; octal and hex escapes are bytes of the UTF-8."""
    out, position = bytearray(), 0
    for match in _ESCAPE.finditer(text):
        if match[4] is not None:
            raise PoSyntaxError(f"{where}: unknown escape \\{match[4]} in {text!r}")
        out += text[position : match.start()].encode()
        if match[1]:
            out += _SIMPLE_ESCAPES[match[1]].encode()
        else:
            out.append(int(match[2], 8) if match[2] else int(match[3], 16))
        position = match.end()
    out += text[position:].encode()
    return out.decode("utf-8")


def parse_po(text: str, name: str = "django.po") -> list[Entry]:
    """The entries of a .po file, header included, obsolete (#~) entries left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    pending = Entry()  # comments seen before the entry they belong to
    target: tuple[str, int | None] | None = None  # what a continuation line extends

    def finish() -> None:
        nonlocal current, target
        if current is not None:
            if current.msgid is None:
                raise PoSyntaxError(f"{name}:{current.line}: entry without msgid")
            if current.msgid_plural is None and current.msgstr is None:
                raise PoSyntaxError(f"{name}:{current.line}: msgid without msgstr")
            if current.msgid_plural is not None and (
                current.msgstr is not None or not current.msgstr_plural
            ):
                raise PoSyntaxError(f"{name}:{current.line}: plural entry needs msgstr[n]")
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            finish()
            pending = Entry()
            continue
        if line.startswith("#~"):  # obsolete entry: not part of the catalogue
            finish()
            pending = Entry()
            continue
        if line.startswith("#"):
            if current is not None and target is not None and target[0] == "msgstr":
                finish()
            if current is not None:
                raise PoSyntaxError(f"{name}:{number}: comment inside an entry")
            if line.startswith("#,"):
                pending.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            elif line.startswith("#:"):
                pending.references += line[2:].split()
            continue  # "#." "#|" and translator comments carry no data we check
        where = f"{name}:{number}"
        keyword = _KEYWORD.match(line)
        if keyword:
            word, index, value = keyword[1], keyword[2], unescape(keyword[3], where)
            if (
                word in ("msgctxt", "msgid")
                and current is not None
                and (target is None or target[0] == "msgstr" or word == "msgctxt")
            ):
                finish()
            if current is None:
                if word not in ("msgctxt", "msgid"):
                    raise PoSyntaxError(f"{where}: {word} before msgid")
                current = Entry(flags=pending.flags, references=pending.references, line=number)
                pending = Entry()
            if index is not None and word != "msgstr":
                raise PoSyntaxError(f"{where}: only msgstr takes an index")
            if word == "msgstr" and index is not None:
                if int(index) in current.msgstr_plural:
                    raise PoSyntaxError(f"{where}: second msgstr[{index}] in one entry")
                current.msgstr_plural[int(index)] = value
            elif getattr(current, word) is not None:
                raise PoSyntaxError(f"{where}: second {word} in one entry")
            else:
                setattr(current, word, value)
            target = (word, int(index) if index is not None else None)
            continue
        continuation = _CONTINUATION.match(line)
        if continuation and target is not None and current is not None:
            value = unescape(continuation[1], where)
            word, index = target
            if index is not None:
                current.msgstr_plural[index] += value
            else:
                setattr(current, word, getattr(current, word) + value)
            continue
        raise PoSyntaxError(f"{where}: cannot read {raw!r}")
    finish()
    seen, duplicates = set(), set()
    for entry in entries:
        key = (entry.msgctxt, entry.msgid)
        (duplicates if key in seen else seen).add(key)
    if duplicates:
        raise PoSyntaxError(f"{name}: duplicate entries {sorted(duplicates, key=str)}")
    return entries


def read_po(path: Path) -> list[Entry]:
    return parse_po(path.read_text(encoding="utf-8"), path.name)


def messages(entries: list[Entry]) -> list[Entry]:
    return [entry for entry in entries if not entry.is_header]


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    assert PO.is_file(), f"{PO} is missing: {FIX}"
    return read_po(PO)


# Placeholders ---------------------------------------------------------------------------------

_PRINTF = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"
    r"(?P<conversion>[diouxXeEfFgGcrsa%])"
)
_BRACE = re.compile(r"\{\{|\}\}|\{(?P<field>[A-Za-z_]\w*|\d*)(?:![rsa])?(?::[^{}]*)?\}")


def placeholders(text: str) -> tuple[frozenset[str], tuple[str, ...], frozenset[str]]:
    """(named %(x)… specs, positional %… specs in order, {x} fields) of a string."""
    named, positional = set(), []
    for match in _PRINTF.finditer(text):
        if match["conversion"] == "%":
            continue
        (named.add if match["name"] is not None else positional.append)(match[0])
    fields = {match["field"] for match in _BRACE.finditer(text) if match["field"] is not None}
    return frozenset(named), tuple(positional), frozenset(fields)


def placeholder_problems(entry: Entry) -> list[str]:
    problems = []
    if entry.msgid_plural is None:
        expected = placeholders(entry.msgid)
        if placeholders(entry.msgstr) != expected:
            problems.append(f"{entry}: {entry.msgstr!r} does not have the placeholders {expected}")
        return problems
    singular, plural = placeholders(entry.msgid), placeholders(entry.msgid_plural)
    for index, text in sorted(entry.msgstr_plural.items()):
        found = placeholders(text)
        if index == 0:
            # French uses form 0 for 0 and 1: it may name the count the English singular omits.
            ok = (
                singular[0] <= found[0] <= singular[0] | plural[0]
                and singular[2] <= found[2] <= singular[2] | plural[2]
                and found[1] in (singular[1], plural[1])
            )
        else:
            ok = found == plural
        if not ok:
            problems.append(f"{entry}: msgstr[{index}] {text!r} breaks the placeholders")
    return problems


# The tests ------------------------------------------------------------------------------------


def test_the_parser_reads_what_gettext_writes():
    sample = (
        '# header comment\nmsgid ""\nmsgstr ""\n"Language: fr\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        "#: a.py:1\n#, python-format\n"
        'msgid ""\n"A long %(x)s "\n"line with a \\"quote\\"\\tand a tab.\\n"\n'
        'msgstr "Une ligne %(x)s « longue »\\n"\n\n'
        '#. extracted\n#| msgid "old"\nmsgctxt "menu"\nmsgid "Open"\nmsgstr "Ouvrir"\n\n'
        'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "un"\nmsgstr[1] ""\n\n'
        "#, fuzzy\n"
        'msgid "Back\\\\slash é \\303\\251"\nmsgstr "x"\n\n'
        '#~ msgid "gone"\n#~ msgstr "parti"\n'
    )
    header, long, menu, plural, fuzzy = parse_po(sample)
    assert header.is_header and "Plural-Forms" in header.msgstr
    assert long.msgid == 'A long %(x)s line with a "quote"\tand a tab.\n'
    assert long.flags == {"python-format"} and long.references == ["a.py:1"]
    assert (menu.msgctxt, menu.key, menu.msgstr) == ("menu", "menu\x04Open", "Ouvrir")
    assert plural.msgstr_plural == {0: "un", 1: ""} and not plural.is_translated
    assert fuzzy.is_fuzzy and fuzzy.msgid == "Back\\slash é é"
    with pytest.raises(PoSyntaxError):
        parse_po('msgid "a"\nmsgstr "b"\nmsgid "a"\nmsgstr "c"\n')
    with pytest.raises(PoSyntaxError):
        parse_po('msgid "a"\nnonsense\n')


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    header = catalogue[0]
    assert header.is_header, "the catalogue must start with its header"
    for field_line in (
        "Language: fr\n",
        "Plural-Forms: nplurals=2; plural=(n > 1);\n",
        "charset=UTF-8\n",
        "Project-Id-Version: Cartel",
    ):
        assert field_line in header.msgstr, f"the header lacks {field_line!r}"
    assert not header.is_fuzzy, "the header is still marked fuzzy"

    entries = messages(catalogue)
    assert entries, f"{PO} holds no message"
    untranslated = [str(entry) for entry in entries if not entry.is_translated]
    fuzzy = [str(entry) for entry in entries if entry.is_fuzzy]
    assert not untranslated, f"untranslated: {FIX}\n  " + "\n  ".join(untranslated)
    assert not fuzzy, "fuzzy (check them, then remove the flag):\n  " + "\n  ".join(fuzzy)
    for entry in entries:
        if entry.msgid_plural is not None:
            assert sorted(entry.msgstr_plural) == [0, 1], f"{entry}: French has 2 plural forms"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) not installed")
def test_gettext_agrees_the_catalogue_is_complete_and_well_formed(catalogue):
    result = subprocess.run(
        [shutil.which("msgfmt"), "--check", "--statistics", "-o", os.devnull, str(PO)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    report = result.stderr.strip()
    assert result.returncode == 0, report
    assert "untranslated" not in report and "fuzzy" not in report, f"{report}: {FIX}"
    count = int(re.search(r"(\d+) translated message", report)[1])
    assert count == len(messages(catalogue)), "our parser and msgfmt disagree on the entries"


def test_the_committed_mo_is_compiled_from_the_po(catalogue):
    assert MO.is_file(), f"{MO.name} is missing: run `make messages` and commit it"
    with MO.open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    assert compiled.info().get("language") == "fr"
    expected = {}
    for entry in messages(catalogue):
        if entry.is_fuzzy or not entry.is_translated:
            continue  # msgfmt leaves them out; the test above reports them
        if entry.msgid_plural is None:
            expected[entry.key] = entry.msgstr
        else:
            expected.update({(entry.key, n): text for n, text in entry.msgstr_plural.items()})
    actual = {key: text for key, text in compiled._catalog.items() if key != ""}
    differences = sorted(
        (
            repr(key)
            for key in expected.keys() | actual.keys()
            if expected.get(key) != actual.get(key)
        ),
    )
    assert not differences, (
        f"{MO.name} is not compiled from the current {PO.name} (run `make messages`): "
        + ", ".join(differences[:10])
        + (" …" if len(differences) > 10 else "")
    )


def test_translations_keep_the_placeholders_of_the_english(catalogue):
    problems = [
        problem
        for entry in messages(catalogue)
        if entry.is_translated
        for problem in placeholder_problems(entry)
    ]
    assert not problems, "\n".join(problems)


def test_french_punctuation_has_its_non_breaking_space(catalogue):
    """French puts a space before « : ; ? ! » and inside « », and it must not break the line:
    a plain space there leaves a colon alone at the start of a line on a narrow tablet."""
    plain = re.compile(r" [:;?!»]|« ")
    wrong = [
        f"{PO.name}:{entry.line}: {text!r}"
        for entry in messages(catalogue)
        for text in [entry.msgstr or "", *entry.msgstr_plural.values()]
        if plain.search(text)
    ]
    assert not wrong, "\n".join(wrong)


def test_placeholder_rule():
    assert placeholders("%(count)d œuvre, %s et {name} ; 100 %%") == (
        frozenset({"%(count)d"}),
        ("%s",),
        frozenset({"name"}),
    )
    assert placeholders("%(seconds).1f s {{literal}}") == (
        frozenset({"%(seconds).1f"}),
        (),
        frozenset(),
    )
    entry = Entry(
        msgid="one work",
        msgid_plural="%(n)d works",
        msgstr_plural={0: "%(n)d œuvre", 1: "%(n)d œuvres"},
    )
    assert placeholder_problems(entry) == []
    entry.msgid, entry.msgstr_plural[0] = "%(n)d work", "une œuvre"
    assert len(placeholder_problems(entry)) == 1
    assert placeholder_problems(Entry(msgid="%(a)s", msgstr="%(b)s"))


@pytest.mark.parametrize(
    ("english", "french"),
    [("inventory number", "numéro d'inventaire"), ("works", "œuvres"), ("Publish", "Publier")],
)
def test_key_words_of_the_interface_in_french(english, french):
    with translation.override("fr"):
        assert translation.gettext(english) == french


def _copy_sources(destination: Path) -> None:
    """The files makemessages reads from the repository, at the same relative paths."""

    def ignored(directory: str, names: list[str]) -> set[str]:
        top = Path(directory) == ROOT
        skipped = set()
        for name in names:
            path = Path(directory, name)
            if path.is_dir() and not path.is_symlink():
                if name.startswith(".") or name in MAKEMESSAGES_IGNORE or name in NOT_SOURCES:
                    skipped.add(name)
                elif top and name == "locale":
                    skipped.add(name)
            elif path.suffix not in SOURCE_SUFFIXES or name.startswith("."):
                skipped.add(name)
        return skipped

    shutil.copytree(ROOT, destination, ignore=ignored, symlinks=True)


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msguniq", "msgattrib")),
    reason="GNU gettext (xgettext) not installed",
)
def test_every_string_of_the_code_has_a_french_translation(tmp_path):
    """Regenerate the catalogue in a copy: the repository's locale/ is never written.

    makemessages writes each source file's strings to the locale folder whose parent contains
    it, whatever LOCALE_PATHS says, so it cannot run from the repository root without touching
    the repository's catalogue: it runs in a copy of the sources with a copy of locale/.
    """
    sources = tmp_path / "src"
    _copy_sources(sources)
    shutil.copytree(PO.parents[2], sources / "locale")
    settings_dir = tmp_path / "settings"
    settings_dir.mkdir()
    (settings_dir / "cartel_messages_settings.py").write_text(
        "from pathlib import Path\n\n"
        "from config.settings.dev import *  # noqa: F403\n\n"
        f"LOCALE_PATHS = [Path({str(sources / 'locale')!r})]\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cartel_messages_settings",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(settings_dir), os.environ.get("PYTHONPATH")])
        ),
    }
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "fr",
            "--no-obsolete",
            *(f"--ignore={pattern}" for pattern in MAKEMESSAGES_IGNORE),
        ],
        cwd=sources,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    regenerated = read_po(sources / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    assert messages(regenerated), "makemessages found no string: is the copy complete?"
    missing = [
        str(entry) for entry in messages(regenerated) if not entry.is_translated or entry.is_fuzzy
    ]
    assert not missing, (
        f"{len(missing)} string(s) of the code have no French translation: run `make messages` "
        "and translate them in locale/fr/LC_MESSAGES/django.po, then run `make messages` "
        "again to compile.\n  " + "\n  ".join(missing)
    )

"""Reader for the SMF lexicons of Joconde (``lex*.txt``, "Mise à jour mai 2014").

Plain streaming Python, no Django: :func:`iter_entries` reads the lines one by one and
yields one :class:`LexiconEntry` per term. Loading them into the database is the job of
``museum_collections.services.vocabularies``.

The files are word-processor exports: a hierarchy indented with tabs, a few header lines,
and a handful of conventions and accidents. Every construct found in the 16 files of the
May 2014 release, and the rule applied to it:

Header
    Everything before the first term is a preamble. A line of the preamble is a note (not a
    term) when it is unindented and looks like one: it starts with ``Liste d…`` (title),
    ``Mise à jour`` (date) or is wholly between parentheses (subtitle), or it contains a
    French colon ``" : "`` (``Important : …``, ``Ex : …``) or the legend ``<>``. A line that
    directly follows a note (no blank line between) continues that note
    (``Un intervenant peut être …`` in lexautr). The first other line is the first term; from
    there on, every non-blank line is a term. Notes are collected in ``notes`` if given.
Blank lines
    Ignored; they do not close a branch (lexstat separates its top-level groups with them).
Indentation
    The level is the number of TAB characters before the text; spaces mixed with the tabs
    are ignored (``"\\t \\t \\tfigure"`` in lexrepr is level 3, ``" thèmes"`` is level 0).
Bullets
    A ``-`` in the indentation marks an item one level below the tabs in front of it:
    ``"\\t\\t\\t\\t  - Sakkarah"`` (lexlieux) is level 5 and ``"-   \\t\\tAppolodore"``
    (lexsrep) level 3. A label never starts with a hyphen: ``"- -janv"`` gives ``janv``.
Parent
    The broader term is the nearest line above with a smaller level, as in an outline. The
    official files jump two levels down three times (lexdeno line 4613, lexperi 204, lexrepr
    13004), and each time a later sibling comes back one level short (lexdeno 4658, lexperi
    267, lexrepr 13005): the outline reading is kept and a warning given (``level_skip``,
    ``misaligned``; errors with ``strict=True``). A term indented below nothing (the first
    term of the list indented) is an error.
Synonyms ``a = b = c``
    The first form is the preferred label, the others are alternative labels
    (``Alexandrie = Al Iskandariyah  = Al-Iskandariyah  = Alexandria``). An empty form is an
    error.
``<term>``
    A form that must not be used (legend of lexdomn). It is not a concept: the entry has
    ``preferred=False`` and no ``use``; the loader gives it as an alternative label to the
    term above it, and terms indented below it hang from that term too.
``x/0<TAB>EM y``
    "Employer y": x is a non-preferred form of y (lexstat line 53). The entry has
    ``preferred=False`` and ``use="y"``; the loader adds x to y's alternative labels.
Roman numerals
    An unindented heading such as ``I. domaine par support de conservation`` or
    ``IV domaine disciplinaire`` (lexdomn) loses its numeral, as in OpenTheso th294, and is
    flagged ``heading``.
Sort prefixes
    ``01 ``/``02 `` in front of a term (``01 oeuvre reproduite`` in lexgene,
    ``02 DANI`` in lexautr) is a sorting mark, not part of the term: removed, flag ``prefix``.
Text after a tab
    ``"Dy 5<TAB><TAB><TAB>  -1"`` (lexdeno, 9 lines): what follows the first tab after the
    text is a stray column; it is dropped with a warning.
Stray punctuation and entities
    Double quotes and semicolons around a label (``"; ROUBION-CARTERET Marie"``, lexautr)
    are removed; HTML entities are decoded (``l&apos;ainé``, lexepoq). Runs of spaces inside
    a label become one space; trailing spaces go.
Everything else (``?`` under ``affixe``, ``[wilaya]`` qualifiers, ``01-juin``) is kept as
written: they are terms of the published list. The same term twice under one broader term
(``DUHEM Emile`` in lexautr, ``type a`` / ``type A`` in lexdeno) is yielded twice; the
loader merges them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

# What each problem means and what to do, for messages outside Django (the loader
# translates them by code).
MESSAGES = {
    "encoding": "the line is not valid UTF-8 ({detail}). Save the file as UTF-8 and retry.",
    "orphan": (
        "the term “{label}” is indented (level {level}) but no term above it can be its "
        "broader term. Remove the indentation or restore the missing broader term."
    ),
    "empty_label": (
        "empty term in “{text}”. Each form between “=” must have text; remove the extra “=”."
    ),
    "brackets": ("unbalanced “<” or “>” in “{text}”. Write a non-preferred form as <form>, alone."),
    "empty_use": (
        "the “EM” (use) reference in “{text}” has no target. Write “form/0<TAB>EM term”."
    ),
    "level_skip": (
        "the indentation jumps from level {previous} to level {level} at “{label}”; the term "
        "was placed under “{parent}”. Check the tabs at the start of the line."
    ),
    "misaligned": (
        "“{label}” (level {level}) is a sibling of “{sibling}” (level {sibling_level}) but "
        "not indented like it; it was placed under “{parent}”. Check the tabs."
    ),
    "trailing_text": (
        "text after a tab was ignored in “{label}”: “{rest}”. Remove it or join it to the term."
    ),
    "top_non_preferred": (
        "the non-preferred form “{label}” has no term above it to point to; it was ignored."
    ),
}


class LexiconError(ValueError):
    """A line the reader cannot interpret; `code` names the problem (see MESSAGES)."""

    def __init__(self, source: str, line: int, code: str, **params):
        self.source, self.line, self.code, self.params = source, line, code, params
        super().__init__(f"{source}, line {line}: {MESSAGES[code].format(**params)}")


@dataclass(frozen=True)
class LexiconWarning:
    """Something odd but readable; the entry was read as the message says."""

    source: str
    line: int
    code: str
    params: dict = field(default_factory=dict)

    def __str__(self):
        return f"{self.source}, line {self.line}: {MESSAGES[self.code].format(**self.params)}"


@dataclass(frozen=True)
class LexiconEntry:
    """One term of a lexicon.

    `path` holds the preferred labels of the broader terms, top first (empty at the top).
    A non-preferred form (`preferred=False`) is no concept: `use` names the term to use
    instead when the file says so (EM), otherwise the form belongs to the term above it.
    """

    label: str
    alt_labels: tuple[str, ...]
    path: tuple[str, ...]
    line: int
    preferred: bool = True
    use: str | None = None
    flags: frozenset[str] = frozenset()
    warnings: tuple[LexiconWarning, ...] = ()

    @property
    def depth(self) -> int:
        return len(self.path)


_INDENT = re.compile(r"[\t ]*(?:-[\t ]+)?")
_SPACES = re.compile(r"[ \u00a0]+")
_EM = re.compile(r"^(?P<form>.*?)(?:/0[\t ]*|\t[\t ]*)EM(?:[\t ]+(?P<use>.*))?$")
_ENTITY = re.compile(r"&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")
_ROMAN = re.compile(r"^(?:[IVX]+)\.?\s+(?=\S)")
_SORT_PREFIX = re.compile(r"^0\d\s+")
_NOTE = re.compile(r"^(?:Liste d|Mise à jour\b|\(.*\)$)|\s:\s|<>")
_STRAY = '"; '


@dataclass
class _Open:
    """A line still open in the outline: a possible broader term for the next lines."""

    level: int
    label: str
    preferred: bool


def read_lines(path: str | Path) -> Iterator[bytes]:
    """The raw lines of a file, streamed (decoded by iter_entries, line by line)."""
    with open(path, "rb") as stream:
        yield from stream


def iter_entries(
    lines: Iterable[str | bytes],
    source: str = "<lexicon>",
    *,
    strict: bool = False,
    notes: list[str] | None = None,
) -> Iterator[LexiconEntry]:
    """Yield the terms of a lexicon in file order (broader terms before narrower ones).

    `lines` may be text or bytes (decoded as UTF-8, a BOM is allowed). Raises LexiconError
    on a line that cannot be read; with `strict`, warnings are raised as errors too.
    """
    stack: list[_Open] = []
    in_preamble = True
    previous_was_note = False
    for number, raw in enumerate(lines, 1):
        text = _decode(raw, source, number)
        if number == 1:
            text = text.removeprefix("\ufeff")
        if not text.strip():
            previous_was_note = False
            continue
        if in_preamble:
            if text[0] not in "\t " and (previous_was_note or _NOTE.search(text)):
                previous_was_note = True
                if notes is not None:
                    notes.append(" ".join(text.split()))
                continue
            in_preamble = False

        indent = _INDENT.match(text).group()
        level = indent.count("\t") + (1 if "-" in indent else 0)
        body = text[len(indent) :].lstrip("-\t ")
        warnings: list[LexiconWarning] = []
        flags: set[str] = set()

        # x/0 <TAB> EM y: x is not to be used, use y.
        use = None
        em = _EM.match(body)
        if em:
            use = _clean(em.group("use") or "")
            if not use:
                raise LexiconError(source, number, "empty_use", text=text.strip())
            body, flags = em.group("form"), {"use"}
        # A tab after the text starts a stray column.
        body, tab, rest = body.partition("\t")
        if tab and rest.strip():
            warnings.append(
                LexiconWarning(
                    source, number, "trailing_text", {"label": body.strip(), "rest": rest.strip()}
                )
            )
        forms = [_clean(part) for part in body.split("=")]
        if not all(forms):
            raise LexiconError(source, number, "empty_label", text=text.strip())

        preferred = use is None
        label = forms[0]
        if "<" in body or ">" in body:
            if not (len(forms) == 1 and label.startswith("<") and label.endswith(">")):
                raise LexiconError(source, number, "brackets", text=text.strip())
            label = _clean(label[1:-1])
            if not label:
                raise LexiconError(source, number, "empty_label", text=text.strip())
            preferred, flags = False, flags | {"avoid"}
        numeral = _ROMAN.match(label) if level == 0 else None
        if numeral and label[numeral.end()].islower():
            label, flags = label[numeral.end() :], flags | {"heading"}
        if _SORT_PREFIX.match(label):
            label, flags = _SORT_PREFIX.sub("", label), flags | {"prefix"}

        # Outline: the broader term is the nearest open line with a smaller level.
        sibling = None
        while stack and stack[-1].level >= level:
            sibling = stack.pop()
        if not stack and level > 0:
            raise LexiconError(source, number, "orphan", label=label, level=level)
        if stack and sibling is not None and sibling.level != level:
            # The previous term under the same broader term was indented differently.
            warnings.append(
                LexiconWarning(
                    source,
                    number,
                    "misaligned",
                    {
                        "label": label,
                        "level": level,
                        "sibling": sibling.label,
                        "sibling_level": sibling.level,
                        "parent": stack[-1].label,
                    },
                )
            )
        elif stack and sibling is None and level > stack[-1].level + 1:
            warnings.append(
                LexiconWarning(
                    source,
                    number,
                    "level_skip",
                    {
                        "previous": stack[-1].level,
                        "level": level,
                        "label": label,
                        "parent": stack[-1].label,
                    },
                )
            )
        path = tuple(item.label for item in stack if item.preferred)
        stack.append(_Open(level, label, preferred))

        if not preferred and use is None and not path:
            warnings.append(LexiconWarning(source, number, "top_non_preferred", {"label": label}))
        if strict and warnings:
            first = warnings[0]
            raise LexiconError(source, number, first.code, **first.params)
        yield LexiconEntry(
            label=label,
            alt_labels=tuple(dict.fromkeys(form for form in forms[1:] if form != label)),
            path=path,
            line=number,
            preferred=preferred,
            use=use,
            flags=frozenset(flags),
            warnings=tuple(warnings),
        )


def _decode(raw: str | bytes, source: str, number: int) -> str:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise LexiconError(source, number, "encoding", detail=error.reason) from None
    return raw.rstrip("\r\n")


def _clean(form: str) -> str:
    """One label as it should be stored: entities decoded, stray quotes and spaces removed."""
    form = _ENTITY.sub(lambda match: html.unescape(match.group()), form)
    form = _SPACES.sub(" ", form.replace("\t", " ")).strip(_STRAY)
    return form

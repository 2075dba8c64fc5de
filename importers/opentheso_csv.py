"""Reader for OpenTheso concept exports in CSV (``th294-DOMN-concepts.csv``).

Plain streaming Python, no Django. The format, as exported for Joconde's DOMN list:

* UTF-8 (a BOM is allowed), ``;`` as separator, a header line
  ``id;prefLabel;altLabels;broader_id``; the columns are found by name, so extra columns or
  another order are accepted;
* ``id`` is the OpenTheso identifier (``T51-42``, or a UUID / random key for recent
  concepts): stable, it becomes Concept.external_id;
* ``altLabels`` holds several labels separated by ``|`` (``Moyen Age|Moyen-Age|moyen âge``);
* ``broader_id`` is empty at the top, otherwise the id of another row, before or after.

Broader ids are checked against the whole file by the loader (a reference may point forward).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

COLUMNS = ("id", "prefLabel", "altLabels", "broader_id")
ALT_SEPARATOR = "|"

MESSAGES = {
    "encoding": "the file is not valid UTF-8 ({detail}). Export it again as UTF-8.",
    "header": (
        "the header must name the columns {expected} separated by “;” (found: {found}). "
        "Export the concepts again from OpenTheso as CSV."
    ),
    "columns": "{found} fields instead of {expected}. Check for a stray “;” in a label.",
    "empty": "the concept has no {column}. Fill it in or remove the line.",
    "duplicate": "the id “{id}” was already used on line {first}. Ids must be unique.",
}


class OpenthesoError(ValueError):
    def __init__(self, source: str, line: int, code: str, **params):
        self.source, self.line, self.code, self.params = source, line, code, params
        super().__init__(f"{source}, line {line}: {MESSAGES[code].format(**params)}")


@dataclass(frozen=True)
class OpenthesoConcept:
    id: str
    pref_label: str
    alt_labels: tuple[str, ...]
    broader_id: str | None
    line: int


def read_lines(path: str | Path) -> Iterator[bytes]:
    with open(path, "rb") as stream:
        yield from stream


def iter_concepts(
    lines: Iterable[str | bytes], source: str = "<opentheso>"
) -> Iterator[OpenthesoConcept]:
    """Yield the concepts of the file in order. Raises OpenthesoError on a malformed line."""
    numbered = _decoded(lines, source)
    reader = csv.reader((text for _, text in numbered), delimiter=";")
    header = next(reader, None)
    if header is None or not set(COLUMNS) <= {name.strip() for name in header}:
        raise OpenthesoError(
            source, 1, "header", expected=";".join(COLUMNS), found=";".join(header or [])
        )
    position = {name.strip(): index for index, name in enumerate(header)}
    seen: dict[str, int] = {}
    for row in reader:
        line = numbered.line
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise OpenthesoError(source, line, "columns", found=len(row), expected=len(header))
        cell = {name: " ".join(row[index].split()) for name, index in position.items()}
        for column in ("id", "prefLabel"):
            if not cell[column]:
                raise OpenthesoError(source, line, "empty", column=column)
        if cell["id"] in seen:
            raise OpenthesoError(source, line, "duplicate", id=cell["id"], first=seen[cell["id"]])
        seen[cell["id"]] = line
        alt_labels = (" ".join(label.split()) for label in cell["altLabels"].split(ALT_SEPARATOR))
        yield OpenthesoConcept(
            id=cell["id"],
            pref_label=cell["prefLabel"],
            alt_labels=tuple(dict.fromkeys(label for label in alt_labels if label)),
            broader_id=cell["broader_id"] or None,
            line=line,
        )


class _decoded:
    """The lines as text, remembering the number of the last one handed out (for messages)."""

    def __init__(self, lines: Iterable[str | bytes], source: str):
        self._lines, self._source, self.line = lines, source, 0

    def __iter__(self):
        for number, raw in enumerate(self._lines, 1):
            self.line = number
            if isinstance(raw, bytes):
                try:
                    raw = raw.decode("utf-8")
                except UnicodeDecodeError as error:
                    raise OpenthesoError(
                        self._source, number, "encoding", detail=error.reason
                    ) from None
            if number == 1:
                raw = raw.removeprefix("\ufeff")
            yield number, raw

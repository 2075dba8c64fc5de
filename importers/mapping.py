"""Mapping files: which column of a legacy export goes to which field of a work.

A mapping is a TOML file (shipped examples in `importers/mappings/`)::

    key = "calc_accession_id"          # the column holding the inventory number (required)

    [source]                            # all optional
    format = "filemaker"                # csv | xlsx | filemaker; default: from the file
    encoding = "cp1252"                 # csv; default: BOM, else UTF-8, else Windows-1252
    delimiter = ";"                     # csv; default: sniffed from the header line
    sheet = "Inventaire"                # xlsx; default: the first sheet

    [fields]                            # Work fields, as written
    title = "object_title"              # one column
    description = { columns = ["object_medium", "SERIES::series_name"],
                    labels = ["Medium", "Series"] }   # several, one line each, labelled

    [terms.domains]                     # a Work relation (domains, techniques…) or a Joconde
    column = "MEDIA::object_medium_name"  # vocabulary code (DOMN, TECH…) as the table name
    split = ";"                         # optional: several values in one cell
    values = { Sculpture = "sculpture" }  # optional: source value -> term (others as written)

    [makers]                            # FileMaker related values are zipped by position
    name = "ARTISTS::calc_artist_full_name"
    surname = "ARTISTS::artist_last_name"
    forenames = "ARTISTS::artist_first_name"
    birth_date = "ARTISTS::artist_birth_year"
    death_date = "ARTISTS::artist_death_year"
    nationality = "ARTISTS::artist_nationality_name"
    role = "OBJECT_ARTISTS::artist_role"
    split = ";"                         # optional: several makers in one cell (CSV)
    inverted = true                     # optional: names written "Surname, Forenames"

    [[dimensions]]
    column = "object_height"
    kind = "height"                     # height width depth length diameter thickness weight
    unit = "in"                         # mm cm m g kg, or in (converted to cm)
    part = ""                           # optional: "avec cadre", "feuille"…

    [[numbers]]                         # other numbers of the work
    column = "object_id"
    kind = "source"                     # old previous_inventory depositor source catalogue…
    note = "Bell Gallery object_id"

    [[links]]
    column = "url"
    kind = "WWW"

Values are kept exactly as written (only surrounding spaces are trimmed); empty values are
left out, so a source never blanks a field. The whole row is kept in `ObjectRecord.raw`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import zip_longest
from pathlib import Path

from . import filemaker, tabular
from .joconde import TERM_TAGS
from .records import (
    DimensionRecord,
    MakerRecord,
    ObjectRecord,
    RejectedRecord,
    SourceRow,
)

TEXT_FIELDS = frozenset(
    """title appellation creation_date dimensions_note state description inscriptions_note
    subject_details subject_date creation_place_details historical_geography use_details
    use_date discovery discovery_details history former_owners former_attributions bibliography
    exhibition_history comments cataloguers acquisition_date owner assigned_museum credit_line
    copyright_notice internal_notes""".split()
)
RELATIONS = TERM_TAGS  # Joconde vocabulary code -> Work relation
TERM_RELATIONS = frozenset([*RELATIONS.values(), "materials"])
MAKER_PARTS = ("name", "surname", "forenames", "birth_date", "death_date", "nationality", "role")
DIMENSION_KINDS = frozenset("height width depth length diameter thickness weight volume".split())
UNITS = {"mm": None, "cm": None, "m": None, "g": None, "kg": None, "l": None, "in": "cm"}
NUMBER_KINDS = frozenset("old previous_inventory depositor source catalogue photo other".split())
LINK_KINDS = frozenset("WWW LVID REFMER REFPAL REFMEM LARC RETIF".split())
FORMATS = ("csv", "xlsx", "filemaker")


class MappingError(ValueError):
    def __init__(self, file, key: str, message: str):
        super().__init__(f"{file}: [{key}] {message}")


@dataclass
class Mapping:
    file: str
    key: str
    source: dict
    fields: dict[str, tuple[list[str], list[str]]]  # field -> (columns, labels)
    terms: dict[str, dict]  # relation -> {column, split, values}
    makers: dict
    dimensions: list[dict]
    numbers: list[dict]
    links: list[dict]

    def read(self, path) -> Iterator[ObjectRecord | RejectedRecord]:
        """The objects of an export, through this mapping."""
        for row in self.rows(path):
            yield row if isinstance(row, RejectedRecord) else self.record(row)

    def rows(self, path):
        kind = self.source.get("format") or _format_of(Path(path))
        if kind == "filemaker":
            return filemaker.read_rows(path)
        return tabular.read_rows(
            path,
            encoding=self.source.get("encoding") or None,
            delimiter=self.source.get("delimiter") or None,
            sheet=self.source.get("sheet") or None,
        )

    def record(self, row: SourceRow) -> ObjectRecord | RejectedRecord:
        number = _first(row, self.key)
        if not number:
            return RejectedRecord(row.file, row.record_number, "", self.key, "no inventory number")
        fields = {}
        for name, (columns, labels) in self.fields.items():
            lines = []
            for column, label in zip_longest(columns, labels, fillvalue=""):
                for value in _values(row, column):
                    lines.append(f"{label}: {value}" if label else value)
            if lines:
                fields[name] = "\n".join(lines)
        terms = {}
        for relation, rule in self.terms.items():
            labels = []
            for value in _values(row, rule["column"]):
                for part in _split(value, rule.get("split")):
                    labels.append(rule.get("values", {}).get(part, part))
            if labels:
                terms[relation] = labels
        try:
            dimensions = [d for rule in self.dimensions for d in _dimensions(row, rule)]
        except ValueError as error:
            return RejectedRecord(row.file, row.record_number, number, *error.args)
        return ObjectRecord(
            file=row.file,
            record_number=row.record_number,
            inventory_number=number,
            fields=fields,
            terms=terms,
            makers=self._makers(row),
            dimensions=dimensions,
            numbers=[
                (value, rule["kind"], rule.get("note", ""))
                for rule in self.numbers
                for value in _values(row, rule["column"])
            ],
            links=[
                (rule["kind"], value, rule.get("label", ""))
                for rule in self.links
                for value in _values(row, rule["column"])
            ],
            raw={
                column: values if len(values) > 1 else (values or [""])[0]
                for column, values in row.values.items()
            },
        )

    def _makers(self, row: SourceRow) -> list[MakerRecord]:
        columns = {part: self.makers[part] for part in MAKER_PARTS if self.makers.get(part)}
        if not columns:
            return []
        split = self.makers.get("split")
        lists = {
            part: [p for v in row.values.get(column, []) for p in _split(v, split, keep_empty=True)]
            for part, column in columns.items()
        }
        makers = []
        for index in range(max(map(len, lists.values()), default=0)):
            parts = {
                part: (values[index] if index < len(values) else "").strip()
                for part, values in lists.items()
            }
            if self.makers.get("inverted") and ", " in parts.get("name", ""):
                parts["surname"], parts["forenames"] = parts["name"].split(", ", 1)
                parts["name"] = ""
            name = parts.get("name") or " ".join(
                p for p in (parts.get("forenames", ""), parts.get("surname", "")) if p
            )
            if name:
                makers.append(MakerRecord(**{**parts, "name": name}))
        return makers


def _format_of(path: Path) -> str:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return "xlsx"
    if path.suffix.lower() == ".xml" or (path.is_file() and filemaker.is_filemaker(path)):
        return "filemaker"
    return "csv"


def _values(row: SourceRow, column: str) -> list[str]:
    return [value.strip() for value in row.values.get(column, []) if value.strip()]


def _first(row: SourceRow, column: str) -> str:
    values = _values(row, column)
    return values[0] if values else ""


def _split(value: str, separator, *, keep_empty=False) -> list[str]:
    parts = [value]
    for sep in [separator] if isinstance(separator, str) else separator or []:
        parts = [piece for part in parts for piece in part.split(sep)]
    return [part.strip() for part in parts if keep_empty or part.strip()]


def _number(value: str) -> Decimal | None:
    """`12.5`, `12,5`, and inches as written in American databases: `23 1/2`, `3/4`."""
    value = value.replace("\u00a0", " ").strip()
    match = re.fullmatch(r"(?:(\d+)\s+)?(\d+)/(\d+)", value)
    try:
        if match:
            whole, numerator, denominator = match.groups()
            return Decimal(whole or 0) + Decimal(numerator) / Decimal(denominator)
        return Decimal(value.replace(",", ".").replace(" ", ""))
    except (InvalidOperation, ArithmeticError):
        return None


def _dimensions(row: SourceRow, rule: dict) -> list[DimensionRecord]:
    found = []
    for value in _values(row, rule["column"]):
        number = _number(value)
        if number is None or not number.is_finite() or number <= 0:
            raise ValueError(rule["column"], f"“{value}” is not a positive number")
        unit = rule["unit"]
        if unit == "in":
            number, unit = (number * Decimal("2.54")).quantize(Decimal("0.01"), ROUND_HALF_UP), "cm"
        found.append(DimensionRecord(rule["kind"], number, unit, rule.get("part", "")))
    return found


def load_mapping(path) -> Mapping:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise MappingError(path, "file", f"cannot be read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise MappingError(path, "file", f"not valid TOML: {error}") from None
    known = {"key", "source", "fields", "terms", "makers", "dimensions", "numbers", "links"}
    if unknown := set(data) - known:
        raise MappingError(path, ", ".join(sorted(unknown)), f"unknown; use {sorted(known)}")
    if not isinstance(data.get("key"), str) or not data["key"]:
        raise MappingError(path, "key", "name the column that holds the inventory number")
    source = data.get("source", {})
    if source.get("format") not in (None, *FORMATS):
        raise MappingError(path, "source.format", f"must be one of {', '.join(FORMATS)}")
    fields = {}
    for name, spec in data.get("fields", {}).items():
        if name not in TEXT_FIELDS:
            raise MappingError(
                path, f"fields.{name}", f"not a text field; use {sorted(TEXT_FIELDS)}"
            )
        if isinstance(spec, str):
            spec = {"columns": [spec]}
        fields[name] = (list(spec.get("columns", [])), list(spec.get("labels", [])))
    terms = {}
    for name, spec in data.get("terms", {}).items():
        relation = RELATIONS.get(spec.get("vocabulary", name), spec.get("vocabulary", name))
        if relation not in TERM_RELATIONS:
            raise MappingError(
                path,
                f"terms.{name}",
                f"not a controlled field; use {sorted(TERM_RELATIONS)} "
                f"or a vocabulary code {sorted(RELATIONS)}",
            )
        if not spec.get("column"):
            raise MappingError(path, f"terms.{name}", "give the column")
        terms[relation] = spec
    makers = data.get("makers", {})
    if unknown := set(makers) - {*MAKER_PARTS, "split", "inverted"}:
        raise MappingError(path, "makers", f"unknown {sorted(unknown)}; use {MAKER_PARTS}")
    for index, rule in enumerate(data.get("dimensions", [])):
        if rule.get("kind") not in DIMENSION_KINDS or rule.get("unit") not in UNITS:
            raise MappingError(
                path,
                f"dimensions {index + 1}",
                f"kind must be one of {sorted(DIMENSION_KINDS)}, unit one of {sorted(UNITS)}",
            )
    for index, rule in enumerate(data.get("numbers", [])):
        if rule.get("kind") not in NUMBER_KINDS or not rule.get("column"):
            raise MappingError(path, f"numbers {index + 1}", f"kind one of {sorted(NUMBER_KINDS)}")
    for index, rule in enumerate(data.get("links", [])):
        if rule.get("kind") not in LINK_KINDS or not rule.get("column"):
            raise MappingError(path, f"links {index + 1}", f"kind one of {sorted(LINK_KINDS)}")
    return Mapping(
        file=str(path),
        key=data["key"],
        source=source,
        fields=fields,
        terms=terms,
        makers=makers,
        dimensions=data.get("dimensions", []),
        numbers=data.get("numbers", []),
        links=data.get("links", []),
    )

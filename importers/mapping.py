"""Mapping files: which column of a legacy export goes to which field of a work.

`load_mapping(path)` reads and checks a TOML mapping (shipped ones in `importers/mappings/`),
raising `MappingError` (file, key, what to do); `Mapping.read(path)` reads an export through
it and yields `ObjectRecord`s and `RejectedRecord`s. The format::

    key = "calc_accession_id"   # required: the column holding the inventory number
    is_public = true            # optional: every work of the file is (not) published;
                                # without it is_public is left alone (`--publish` decides)

    [source]                    # optional
    format = "filemaker"        # csv | xlsx | filemaker; default from the file: .xlsx, a
                                # FileMaker root element or .xml, else CSV (.csv .tsv .txt)
    encoding = "cp1252"         # CSV; default: BOM, else UTF-8, else Windows-1252
    delimiter = ";"             # CSV; default: sniffed from the header line
    sheet = "Inventaire"        # XLSX; default: the first sheet

    [fields]                    # Work text fields (TEXT_FIELDS) <- columns
    title = "object_title"                      # one column
    history = ["provenance", "historique"]      # several columns, one line each
    description = { columns = ["object_medium", "SERIES::series_name"],
                    labels = ["Medium", "Series"] }    # lines "Medium: …", "Series: …"

    [constants]                 # a value for every record, when its columns give none
    comments = "Imported from the Bell Gallery database"

    [terms.domains]             # a Work relation (TERM_RELATIONS) or a Joconde code (DOMN…)
    column = "MEDIA::object_medium_name"       # or columns = [...]
    split = ";"                 # optional: a separator, or a list of them
    values = { Sculpture = "sculpture" }       # optional: value -> term (case ignored);
                                # other values kept as written, "" drops a value
    [terms.medium]              # any other name, with the relation or the code given
    vocabulary = "TECH"
    column = "medium"

    [makers]                    # each part: a column, columns joined by a space, or
    surname = "ARTISTS::artist_last_name"      # { column = "…", label = "alias" }
    forenames = ["ARTISTS::artist_first_name", "ARTISTS::artist_middle_name"]
    # also: name (usual form; default "forenames surname"), birth_date, death_date,
    # nationality, role, qualifier, note
    split = ";"                 # optional: several makers in one cell
    inverted = true             # optional: names written "Surname, Forenames"

    [[dimensions]]
    column = "object_height"
    kind = "height"             # height width depth length diameter thickness weight volume
    unit = "in"                 # mm cm m g kg l, or in (inches, converted to cm, to 0.01)
    part = "avec cadre"         # optional
    invalid = "warn"            # optional: a value that is not a positive number keeps
                                # the record, with a warning and without any dimension,
                                # instead of rejecting it

    [[numbers]]                 # kind: old previous_inventory depositor source catalogue
    column = "object_id"        #       photo other
    kind = "source"
    note = "Bell Gallery object_id"           # optional

    [[links]]                   # kind: WWW LVID REFMER REFPAL REFMEM LARC RETIF
    column = "url"
    kind = "WWW"
    label = "notice du musée"   # optional

    [legal_status]              # optional: ownership, acquisition_mode (STAT labels), or
    acquisition_mode = "mode"   # statement (a whole Joconde STAT)

Values are kept as written, only surrounding spaces trimmed; empty values are left out, so a
source never blanks a field. A record without inventory number is rejected; so is one whose
dimension is not a positive number (decimal point or comma, `23 1/2`). FileMaker's repeated
values are zipped by position across the maker columns. `ObjectRecord.raw` keeps every column
of the row (its value, or the list of its values when it repeats). A mapping naming a column
that no row of the file has ends the file with `SourceFileError` (nothing of it is written).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from . import filemaker, tabular
from .joconde import LINK_TAGS, TERM_TAGS, URL, URL_TAGS
from .records import (
    DimensionRecord,
    MakerRecord,
    ObjectRecord,
    RejectedRecord,
    SourceFileError,
    SourceRow,
)

TEXT_FIELDS = frozenset(
    """title appellation creation_date dimensions_note state description inscriptions_note
    subject_details subject_date creation_place_details historical_geography use_details
    use_date discovery discovery_details history former_owners former_attributions bibliography
    exhibition_history comments cataloguers acquisition_date owner assigned_museum credit_line
    copyright_notice internal_notes""".split()
)
VOCABULARIES = TERM_TAGS  # Joconde scheme code -> Work relation
TERM_RELATIONS = frozenset([*VOCABULARIES.values(), "materials"])
MAKER_PARTS = (
    "name",
    "surname",
    "forenames",
    "birth_date",
    "death_date",
    "nationality",
    "role",
    "qualifier",
    "note",
)
UNITS = {  # unit -> the dimension kinds it measures
    **dict.fromkeys(("mm", "cm", "m", "in"), "height width depth length diameter thickness"),
    **dict.fromkeys(("g", "kg"), "weight"),
    "l": "volume",
}
DIMENSION_KINDS = frozenset(" ".join(UNITS.values()).split())
INCH = Decimal("2.54")
NUMBER_KINDS = frozenset("old previous_inventory depositor source catalogue photo other".split())
LEGAL_STATUS = ("statement", "ownership", "acquisition_mode")
FORMATS = ("csv", "xlsx", "filemaker")


class MappingError(ValueError):
    """A mapping file that cannot be used: which file, which key, what to do."""

    def __init__(self, file, key: str, message: str):
        super().__init__(f"{file}: [{key}] {message}")
        self.file, self.key, self.message = str(file), key, message


@dataclass
class Mapping:
    file: str
    key: str
    source: dict = field(default_factory=dict)
    is_public: bool | None = None
    fields: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # (column, label)
    constants: dict[str, str] = field(default_factory=dict)
    terms: list[tuple[str, list[str], list[str], dict]] = field(default_factory=list)
    makers: dict[str, tuple[list[str], str]] = field(default_factory=dict)  # part -> cols, label
    maker_split: list[str] = field(default_factory=list)
    inverted: bool = False
    dimensions: list[dict] = field(default_factory=list)
    numbers: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    legal_status: dict[str, str] = field(default_factory=dict)

    @property
    def columns(self) -> set[str]:
        """Every column the mapping reads."""
        names = {self.key, *self.legal_status.values()}
        names.update(column for pairs in self.fields.values() for column, _ in pairs)
        names.update(column for _, columns, _, _ in self.terms for column in columns)
        names.update(column for columns, _ in self.makers.values() for column in columns)
        names.update(rule["column"] for rule in (*self.dimensions, *self.numbers, *self.links))
        return names

    def read(self, path) -> Iterator[ObjectRecord | RejectedRecord]:
        """The objects of an export, through this mapping."""
        unseen = None  # mapped columns that no row has had yet
        for row in self.rows(path):
            if isinstance(row, RejectedRecord):
                yield row
                continue
            unseen = (self.columns if unseen is None else unseen) - row.values.keys()
            yield self.record(row)
        if unseen:
            raise SourceFileError(
                str(path),
                f"the mapping {Path(self.file).name} names columns that the file does not "
                f"have: {', '.join(sorted(unseen))}; correct the mapping or export these columns",
            )

    def rows(self, path) -> Iterator[SourceRow | RejectedRecord]:
        """The rows of an export, by the reader its format needs."""
        path = Path(path)
        kind = self.source.get("format") or source_format(path)
        encoding, delimiter = self.source.get("encoding"), self.source.get("delimiter")
        if kind == "filemaker":
            return filemaker.read_rows(path)
        if kind == "xlsx":
            return tabular.read_xlsx(path, sheet=self.source.get("sheet"))
        if self.source.get("format") == "csv":
            return tabular.read_csv(path, encoding=encoding, delimiter=delimiter)
        return tabular.read_rows(
            path, encoding=encoding, delimiter=delimiter, sheet=self.source.get("sheet")
        )

    def record(self, row: SourceRow) -> ObjectRecord | RejectedRecord:
        """One row in Cartel's terms, or its rejection (no inventory number, bad dimension)."""
        numbers = list(dict.fromkeys(_values(row, self.key)))
        if len(numbers) != 1:
            reason = (
                f"several inventory numbers ({', '.join(numbers)}): keep one per record"
                if numbers
                else "no inventory number"
            )
            return RejectedRecord(row.file, row.record_number, "", self.key, reason)
        record = ObjectRecord(
            file=row.file,
            record_number=row.record_number,
            inventory_number=numbers[0],
            raw={column: _raw(values) for column, values in row.values.items()},
        )
        for name, pairs in self.fields.items():
            lines = [
                f"{label}: {value}" if label else value
                for column, label in pairs
                for value in _values(row, column)
            ]
            if lines:
                record.fields[name] = "\n".join(lines)
        for name, value in self.constants.items():
            record.fields.setdefault(name, value)
        if self.is_public is not None:
            record.fields["is_public"] = self.is_public
        for relation, columns, split, table in self.terms:
            for column in columns:
                for value in _values(row, column):
                    for part in _split(value, split):
                        term = table.get(part, table.get(part.casefold(), part))
                        if term:
                            record.terms.setdefault(relation, []).append(term)
        record.makers = self._makers(row)
        doubtful = False  # a dimension column holds words: the row's columns may be shifted
        for rule in self.dimensions:
            for value in _values(row, rule["column"]):
                dimension = _dimension(value, rule)
                if dimension is not None:
                    record.dimensions.append(dimension)
                    continue
                what = f"“{value}” is not a positive number"
                if rule.get("invalid") != "warn":
                    return RejectedRecord(
                        row.file, row.record_number, numbers[0], rule["column"], what
                    )
                record.warnings.append(
                    (rule["column"], f"{what}: no dimension taken from this row")
                )
                doubtful = True
        if doubtful:
            record.dimensions = []
        for rule in self.numbers:
            for value in _values(row, rule["column"]):
                record.numbers.append((value, rule["kind"], rule.get("note", "")))
        for rule in self.links:
            for value in _values(row, rule["column"]):
                if rule["kind"] in URL_TAGS and not URL.match(value):
                    what = f"“{value}” is not a web address: kept in the record only"
                    record.warnings.append((rule["column"], what))
                else:
                    record.links.append((rule["kind"], value, rule.get("label", "")))
        for name, column in self.legal_status.items():
            if values := _values(row, column):
                record.legal_status[name] = " ; ".join(values)
        return record

    def _makers(self, row: SourceRow) -> list[MakerRecord]:
        """Makers zipped by position across the maker columns (FileMaker related values)."""
        parts: dict[str, list[str]] = {}
        for part, (columns, _label) in self.makers.items():
            lists = [
                [piece for value in row.values.get(column, []) for piece in self._pieces(value)]
                for column in columns
            ]
            width = max(map(len, lists), default=0)
            parts[part] = [
                " ".join(filter(None, (values[i] if i < len(values) else "" for values in lists)))
                for i in range(width)
            ]
        makers = []
        for index in range(max(map(len, parts.values()), default=0)):
            given = {
                part: values[index] if index < len(values) else "" for part, values in parts.items()
            }
            name = given.pop("name", "")
            if self.inverted and "," in name:
                surname, forenames = (piece.strip() for piece in name.split(",", 1))
                given["surname"] = given.get("surname") or surname
                given["forenames"] = given.get("forenames") or forenames
                name = ""
            name = name or " ".join(filter(None, (given.get("forenames"), given.get("surname"))))
            for part, value in given.items():
                label = self.makers[part][1] if part in self.makers else ""
                if label and value:
                    given[part] = f"{label}: {value}"
            if name:
                makers.append(MakerRecord(name=name, **given))
        return makers

    def _pieces(self, value: str) -> list[str]:
        """A maker cell's values: split when the mapping says so, empty ones kept in place."""
        if not self.maker_split:
            return [value.strip()]
        return _split(value, self.maker_split, keep_empty=True)


# --------------------------------------------------------------------------- values


def source_format(path: Path) -> str:
    """csv, xlsx or filemaker, from the file's extension or its XML root element."""
    if path.suffix.lower() in tabular.XLSX_SUFFIXES:
        return "xlsx"
    if path.suffix.lower() == ".xml" or filemaker.detect(path):
        return "filemaker"
    return "csv"


def _values(row: SourceRow, column: str) -> list[str]:
    return [value.strip() for value in row.values.get(column, []) if value.strip()]


def _raw(values: list[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else (values or "")


def _split(value: str, separators: list[str], *, keep_empty: bool = False) -> list[str]:
    parts = [value]
    for separator in separators:
        parts = [piece for part in parts for piece in part.split(separator)]
    return [part.strip() for part in parts if keep_empty or part.strip()]


def parse_number(value: str) -> Decimal | None:
    """`12.5`, `12,5`, `1 250`, and inches as American databases write them: `23 1/2`, `3/4`."""
    value = value.replace("\u00a0", " ").strip()
    fraction = re.fullmatch(r"(?:(\d+)\s+)?(\d+)/(\d+)", value)
    try:
        if fraction:
            whole, numerator, denominator = fraction.groups()
            return Decimal(whole or 0) + Decimal(numerator) / Decimal(denominator)
        if "," in value and "." in value:
            return None  # 1,250.5 or 1.250,5: ambiguous
        number = Decimal(value.replace(",", ".").replace(" ", ""))
    except (InvalidOperation, ArithmeticError):
        return None
    return number if number.is_finite() else None


def _dimension(value: str, rule: dict) -> DimensionRecord | None:
    number = parse_number(value)
    if number is None or number <= 0:
        return None
    unit = rule["unit"]
    if unit == "in":
        number, unit = (number * INCH).quantize(Decimal("0.01"), ROUND_HALF_UP), "cm"
    return DimensionRecord(rule["kind"], number, unit, rule.get("part", ""))


# --------------------------------------------------------------------------- loading


def load_mapping(path) -> Mapping:
    """The mapping in a TOML file, checked; MappingError says where and what to do."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise MappingError(
            path, "file", f"cannot be read ({error}): give a UTF-8 TOML file"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise MappingError(path, "file", f"not valid TOML: {error}") from None
    check = _Checker(path)
    check.keys(
        "mapping",
        data,
        "key is_public source fields constants terms makers dimensions numbers links legal_status",
        top=True,
    )
    key = data.get("key")
    if not isinstance(key, str) or not key.strip():
        raise MappingError(path, "key", "name the column that holds the inventory number")
    mapping = Mapping(file=str(path), key=key.strip())
    if "is_public" in data:
        mapping.is_public = check.boolean("is_public", data["is_public"])

    source = check.table("source", data.get("source", {}))
    check.keys("source", source, "format encoding delimiter sheet")
    for name in source:
        check.text(f"source.{name}", source[name])
    if source.get("format") not in (None, *FORMATS):
        raise MappingError(path, "source.format", f"must be one of {', '.join(FORMATS)}")
    if len(source.get("delimiter", ",")) != 1:
        raise MappingError(path, "source.delimiter", 'must be one character, e.g. ";" or "\\t"')
    mapping.source = dict(source)

    for name, spec in check.table("fields", data.get("fields", {})).items():
        where = f"fields.{name}"
        check.text_field(where, name)
        if isinstance(spec, dict):
            check.keys(where, spec, "columns labels")
            columns = check.columns(where, spec.get("columns"))
            labels = check.columns(f"{where}.labels", spec.get("labels", []), empty=True)
            if len(labels) > len(columns):
                raise MappingError(path, where, "give at most one label per column")
        else:
            columns, labels = check.columns(where, spec), []
        mapping.fields[name] = [
            (column, labels[i] if i < len(labels) else "") for i, column in enumerate(columns)
        ]
    for name, value in check.table("constants", data.get("constants", {})).items():
        check.text_field(f"constants.{name}", name)
        mapping.constants[name] = check.text(f"constants.{name}", value)

    for name, spec in check.table("terms", data.get("terms", {})).items():
        where = f"terms.{name}"
        spec = check.table(where, spec)
        check.keys(where, spec, "column columns vocabulary split values")
        target = spec.get("vocabulary", name)
        relation = VOCABULARIES.get(target, target)
        if relation not in TERM_RELATIONS:
            raise MappingError(
                path,
                where,
                f"“{target}” is not a controlled field: name the table or give vocabulary = one "
                f"of {', '.join(sorted(TERM_RELATIONS))} or a Joconde code "
                f"({', '.join(VOCABULARIES)})",
            )
        columns = check.columns(where, spec.get("columns", spec.get("column")))
        values = check.table(f"{where}.values", spec.get("values", {}))
        table = {}
        for source_value, term in values.items():
            term = check.text(f"{where}.values", term, empty=True).strip()
            table[source_value.strip()] = table[source_value.strip().casefold()] = term
        mapping.terms.append((relation, columns, check.split(where, spec.get("split")), table))

    makers = check.table("makers", data.get("makers", {}))
    check.keys("makers", makers, [*MAKER_PARTS, "split", "inverted"])
    for part in MAKER_PARTS:
        if part in makers:
            spec, label = makers[part], ""
            if isinstance(spec, dict):
                check.keys(f"makers.{part}", spec, "column columns label")
                label = check.text(f"makers.{part}.label", spec.get("label", ""), empty=True)
                spec = spec.get("columns", spec.get("column"))
            mapping.makers[part] = (check.columns(f"makers.{part}", spec), label)
    mapping.maker_split = check.split("makers", makers.get("split"))
    mapping.inverted = check.boolean("makers.inverted", makers.get("inverted", False))
    if mapping.makers and not {"name", "surname"} & set(mapping.makers):
        raise MappingError(path, "makers", "give the column of the name or of the surname")

    for index, rule in enumerate(check.array("dimensions", data.get("dimensions", [])), 1):
        where = f"dimensions {index}"
        check.keys(where, rule, "column kind unit part invalid")
        check.columns(where, rule.get("column"), single=True)
        if rule.get("kind") not in DIMENSION_KINDS:
            raise MappingError(
                path, where, f"kind must be one of {', '.join(sorted(DIMENSION_KINDS))}"
            )
        if rule.get("kind") not in UNITS.get(rule.get("unit"), "").split():
            units = [unit for unit, kinds in UNITS.items() if rule["kind"] in kinds.split()]
            raise MappingError(
                path, where, f"the unit of a {rule['kind']} is one of {', '.join(units)}"
            )
        check.text(f"{where} part", rule.get("part", ""), empty=True)
        if rule.get("invalid", "reject") not in ("reject", "warn"):
            raise MappingError(path, where, 'invalid must be "reject" (the default) or "warn"')
        mapping.dimensions.append(rule)
    for index, rule in enumerate(check.array("numbers", data.get("numbers", [])), 1):
        where = f"numbers {index}"
        check.keys(where, rule, "column kind note")
        check.columns(where, rule.get("column"), single=True)
        if rule.get("kind") not in NUMBER_KINDS:
            raise MappingError(
                path, where, f"kind must be one of {', '.join(sorted(NUMBER_KINDS))}"
            )
        check.text(f"{where} note", rule.get("note", ""), empty=True)
        mapping.numbers.append(rule)
    for index, rule in enumerate(check.array("links", data.get("links", [])), 1):
        where = f"links {index}"
        check.keys(where, rule, "column kind label")
        check.columns(where, rule.get("column"), single=True)
        if rule.get("kind") not in LINK_TAGS:
            raise MappingError(path, where, f"kind must be one of {', '.join(LINK_TAGS)}")
        check.text(f"{where} label", rule.get("label", ""), empty=True)
        mapping.links.append(rule)

    legal = check.table("legal_status", data.get("legal_status", {}))
    check.keys("legal_status", legal, LEGAL_STATUS)
    for name, column in legal.items():
        mapping.legal_status[name] = check.columns(f"legal_status.{name}", column, single=True)[0]
    return mapping


class _Checker:
    """Type checks that raise MappingError naming the file and the key."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, where: str, message: str):
        raise MappingError(self.path, where, message)

    def keys(self, where: str, table: dict, allowed, *, top: bool = False) -> None:
        allowed = allowed.split() if isinstance(allowed, str) else list(allowed)
        for name in table:
            if name not in allowed:
                self.fail(
                    name if top else f"{where}.{name}", f"unknown key; use {', '.join(allowed)}"
                )

    def table(self, where: str, value) -> dict:
        if not isinstance(value, dict):
            self.fail(where, "must be a table")
        return value

    def array(self, where: str, value) -> list[dict]:
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.fail(where, f"write it as an array of tables: [[{where}]]")
        return value

    def text(self, where: str, value, *, empty: bool = False) -> str:
        if not isinstance(value, str) or not (empty or value.strip()):
            self.fail(where, "must be a non-empty string" if not empty else "must be a string")
        return value

    def boolean(self, where: str, value) -> bool:
        if not isinstance(value, bool):
            self.fail(where, "must be true or false")
        return value

    def columns(self, where: str, value, *, single: bool = False, empty: bool = False) -> list[str]:
        """A column name, or (unless single) a list of them."""
        values = [value] if isinstance(value, str) else value
        if (
            (single and not isinstance(value, str))
            or not isinstance(values, list)
            or not (values or empty)
            or not all(isinstance(item, str) and (empty or item.strip()) for item in values)
        ):
            self.fail(where, "give the column: a name" + ("" if single else " or a list of names"))
        return [item.strip() for item in values]

    def split(self, where: str, value) -> list[str]:
        if value is None:
            return []
        values = [value] if isinstance(value, str) else value
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(item, str) and item for item in values)
        ):
            self.fail(f"{where}.split", 'give a separator, e.g. ";", or a list, e.g. [";", ","]')
        return values

    def text_field(self, where: str, name: str) -> None:
        if name not in TEXT_FIELDS:
            self.fail(where, f"not a Work text field; use one of {', '.join(sorted(TEXT_FIELDS))}")

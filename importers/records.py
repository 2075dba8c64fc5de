"""What the object importers hand to the loading layer: plain records, no Django.

Every object format (CSV, XLSX, FileMaker through a mapping file; Joconde notices) is read
into `ObjectRecord`s. `museum_collections.services.work_import` reconciles their people and
terms with the authorities and writes them as works. A record that cannot be read is a
`RejectedRecord`; a file that cannot be read at all raises `SourceFileError`, and then
nothing of it is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


class SourceFileError(Exception):
    """The file itself cannot be read (missing, wrong format, truncated, unsafe XML)."""

    def __init__(self, file: str, reason: str):
        super().__init__(f"{file}: {reason}")
        self.file = str(file)
        self.reason = reason


@dataclass(frozen=True)
class RejectedRecord:
    """One record that cannot be taken in: where it is, which field, and why."""

    file: str
    record_number: int  # 1-based position in the file (data row, notice, ROW element)
    key: str  # its identifier when known (inventory number, REF), else ""
    field: str  # the column, tag or element at fault; "" for the whole record
    reason: str

    def __str__(self):
        key = f" ({self.key})" if self.key else ""
        where = f", {self.field}" if self.field else ""
        return f"{self.file}, record {self.record_number}{key}{where}: {self.reason}"


@dataclass(frozen=True)
class Proposal:
    """A value that may be an existing authority or term: for a person to decide, never merged."""

    file: str
    record_number: int
    key: str
    field: str  # "maker", "author", or a vocabulary code (DOMN, STAT…)
    value: str
    candidates: tuple[str, ...]


@dataclass(frozen=True)
class SourceRow:
    """One row of a tabular source, as read: column name -> values.

    A CSV or XLSX cell gives one value; a FileMaker column can repeat (portal or related
    fields), and then holds several, in order. Values are strings, exactly as in the file.
    """

    file: str
    record_number: int
    values: dict[str, list[str]]

    def first(self, column: str) -> str:
        values = self.values.get(column) or [""]
        return values[0]


@dataclass
class MakerRecord:
    """A maker as the source names them; reconciled with Person authorities when loading."""

    name: str  # usual form, forenames first ("Gaston Vuillier"), or an organisation
    surname: str = ""
    forenames: str = ""
    birth_date: str = ""
    death_date: str = ""
    nationality: str = ""
    role: str = ""  # e.g. peintre, dessinateur (AUTROLE vocabulary)
    qualifier: str = ""  # WorkMaker.Qualifier value: "attribué à", "d'après"…
    note: str = ""
    organisation: bool = False


@dataclass(frozen=True)
class DimensionRecord:
    kind: str  # Dimension.Kind: height, width, depth, length, diameter, thickness, weight…
    value: Decimal
    unit: str  # Dimension.Unit: mm, cm, m, g, kg, l
    part: str = ""  # e.g. "avec cadre", "feuille"


@dataclass
class ObjectRecord:
    """One object of a source, in Cartel's terms.

    `fields` holds Work fields by name (text as written: title, creation_date, description,
    credit_line…); only the fields present are written, so a source never blanks what it
    does not know. `terms` holds controlled values by Work relation (domains, techniques…),
    labels as written: the loader links them to their concepts. `legal_status` may give
    `ownership` and `acquisition_mode` labels (Joconde STAT). `raw` is the source record as
    read, kept with the work so that nothing of it is lost.
    """

    file: str
    record_number: int
    inventory_number: str
    joconde_ref: str = ""
    fields: dict[str, object] = field(default_factory=dict)
    terms: dict[str, list[str]] = field(default_factory=dict)
    makers: list[MakerRecord] = field(default_factory=list)
    dimensions: list[DimensionRecord] = field(default_factory=list)
    numbers: list[tuple[str, str, str]] = field(default_factory=list)  # number, kind, note
    links: list[tuple[str, str, str]] = field(default_factory=list)  # kind, value, label
    legal_status: dict[str, str] = field(default_factory=dict)
    raw: dict[str, object] = field(default_factory=dict)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (field, what was kept aside)

    @property
    def key(self) -> str:
        return self.joconde_ref or self.inventory_number


@dataclass
class ImportReport:
    """What an import did, file by file: counts, rejections, warnings, proposals."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    people_created: int = 0
    rejected: list[RejectedRecord] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    proposals: list[Proposal] = field(default_factory=list)
    warnings: list[RejectedRecord] = field(default_factory=list)  # kept aside, not rejected

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.rejected)

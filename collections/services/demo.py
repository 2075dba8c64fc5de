"""Load the demo's open data (MoMA, Tate, artwork images) into people, works and media.

The files are read by `importers.museum_open_data` (plain Python); this module writes them,
idempotently: a work is keyed by its inventory number, a person by `source_ref`, an image by
the work it illustrates or by Wagtail's file hash. A second run creates nothing and saves
nothing that did not change. Each source file is loaded in one transaction; a bad record is
reported (file, record, field) and skipped, or stops the file's load with `strict=True`.

Works are written by `work_writer.WorkWriter` (in batches, parts with `bulk_create`); new
people with `bulk_create` too.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.utils.file import hash_filelike

from importers import museum_open_data as od

from ..images import check_image_file
from ..models import (
    CartelImage,
    Person,
    Work,
    WorkLink,
    WorkMaker,
    WorkMedia,
    WorkNumber,
)
from ..roles import ROLES, role_group, sync_roles
from ..text import match_key
from .vocabularies import TermResolver
from .work_writer import (
    MakerSpec,
    WorkSpec,
    WorkWriter,
    WriteReport,
    update_reference_index,
)

BATCH = 500  # works per batch (and per progress line)
IMAGE_INVENTORY_PREFIX = "2026.1."  # the demo's images: acquisition 1 of 2026, item = CSV row

PERSON_FIELDS = (
    "name",
    "surname",
    "forenames",
    "kind",
    "birth_date",
    "death_date",
    "birth_place",
    "death_place",
    "nationality",
    "biography",
)
DEMO_USERS = ("admin", *(role.lower() for role in ROLES))


@dataclass
class DemoReport(WriteReport):
    matched_people: int = 0  # MoMA artists and image makers found among existing people
    seconds: dict[str, float] = field(default_factory=dict)
    users: list[tuple[str, str, bool]] = field(default_factory=list)  # username, role, created
    password: str = ""
    imports: dict[str, object] = field(default_factory=dict)  # importer reports, by source

    @property
    def created(self) -> int:
        return sum(c.created for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.counts.values())


# --------------------------------------------------------------------------- specs


def _description(medium: str, extra: Iterable[str] = ()) -> str:
    lines = [f"Medium: {medium}"] if medium else []
    lines.extend(line for line in extra if line)
    return "\n".join(lines)


def _open_data_spec(
    *,
    source,
    record,
    number,
    title,
    date,
    medium,
    dimensions,
    extra,
    credit_line,
    acquired,
    classification,
    makers,
    link,
    subjects=(),
) -> WorkSpec:
    """A MoMA or Tate object as a work: open data, so published, rights in the work unknown."""
    terms = od.map_medium(medium)
    note, dimension_notes = _dimension_fields(dimensions)
    url, label = link
    return WorkSpec(
        source=source,
        record=record,
        inventory_number=number,
        fields={
            "title": title,
            "creation_date": date,
            "description": _description(medium, [*extra, *dimension_notes]),
            "dimensions_note": note,
            "credit_line": credit_line,
            "acquisition_date": acquired,
            "copyright_status": Work.CopyrightStatus.UNKNOWN,
            "is_public": True,
        },
        makers=makers,
        terms={
            "domains": classification.domains,
            "denominations": classification.denominations,
            "techniques": terms.techniques if terms else (),
            "materials": terms.materials if terms else (),
            "subjects": subjects,
        },
        dimensions=dimensions.values,
        links=[(WorkLink.Kind.WEBSITE, url, label)] if url else [],
    )


def _dimension_fields(parsed: od.ParsedDimensions) -> tuple[str, list[str]]:
    """(dimensions note, extra description lines): a note longer than the field goes whole
    to the description and is cut in the note."""
    note = parsed.note
    limit = Work._meta.get_field("dimensions_note").max_length
    if len(note) <= limit:
        return note, []
    return note[: limit - 1] + "…", [f"Dimensions: {note}"]


# --------------------------------------------------------------------------- people


class People:
    """People by source_ref and by name key, kept in memory for the whole load."""

    def __init__(self, report: DemoReport):
        self.report = report
        self.by_ref: dict[str, Person] = {}
        self.by_key: dict[str, list[Person]] = {}
        self._matched: dict[str, Person] = {}
        self._seen: set[str] = set()  # refs already counted in this run
        everyone = {person.pk: person for person in Person.objects.order_by("pk")}
        for person in everyone.values():
            if person.merged_into_id is None:
                self._index(person)
        for person in everyone.values():
            if person.merged_into_id is not None and person.source_ref:
                # Merged by a cataloguer into another record: the source now means that one.
                target, seen = person, {person.pk}
                while target.merged_into_id and target.merged_into_id not in seen:
                    seen.add(target.merged_into_id)
                    target = everyone[target.merged_into_id]
                self.by_ref.setdefault(person.source_ref, target)

    def _index(self, person: Person) -> None:
        if person.source_ref:
            self.by_ref.setdefault(person.source_ref, person)
        for key in self.name_keys(person):
            bucket = self.by_key.setdefault(key, [])
            if person not in bucket:
                bucket.append(person)

    @staticmethod
    def name_keys(person: Person) -> set[str]:
        keys = {match_key(person.name), person.sort_name or ""}
        if person.surname:
            keys.add(match_key(f"{od.strip_honorifics(person.forenames)} {person.surname}"))
        return {key for key in keys if key}

    def find_by_name(
        self, name: str, birth_year: int | None = None, *, prefix: str = ""
    ) -> Person | None:
        """The first person (lowest pk) whose name matches; with `birth_year`, only one born
        that year; with `prefix`, only records from that source."""
        for person in self.by_key.get(match_key(name), []):
            if prefix and not person.source_ref.startswith(prefix):
                continue
            if birth_year is not None and person.birth_year != birth_year:
                continue
            return person
        return None

    def upsert(
        self, records: Iterable[od.PersonRecord], *, match_tate: bool = False
    ) -> dict[str, Person]:
        """Create or update people from records (first record of a source_ref wins).

        With `match_tate`, a record not yet loaded is first looked for among Tate's artists
        by name and year of birth (both known and equal): the Tate record is used as is.
        """
        result: dict[str, Person] = {}
        new: list[Person] = []
        counts = self.report.counts["people"]
        for record in records:
            ref = record.source_ref
            if ref in result:
                continue
            if ref in self._matched:
                result[ref] = self._matched[ref]
                continue
            if ref in self._seen:
                result[ref] = self.by_ref[ref]
                continue
            self._seen.add(ref)
            person = self.by_ref.get(ref)
            if person is not None and person.source_ref != ref:
                counts.unchanged += 1  # merged into another record: left as the merge made it
                result[ref] = person
                continue
            if person is None and match_tate and record.kind == "person":
                person = self._match_tate(record)
                if person is not None:
                    result[ref] = person
                    continue
            if person is None:
                person = Person(source_ref=ref, **{f: getattr(record, f) for f in PERSON_FIELDS})
                person.derive_fields()
                new.append(person)
                counts.created += 1
            else:
                changed = [f for f in PERSON_FIELDS if getattr(person, f) != getattr(record, f)]
                if changed:
                    for name in changed:
                        setattr(person, name, getattr(record, name))
                    person.save()
                    counts.updated += 1
                else:
                    counts.unchanged += 1
            result[ref] = person
        if new:
            Person.objects.bulk_create(new, batch_size=500)
            for person in new:
                self._index(person)
        return result

    def _match_tate(self, record: od.PersonRecord) -> Person | None:
        year = Person._year(record.birth_date, "earliest")
        if year is None:
            return None
        person = self.find_by_name(record.name, year, prefix="tate-artist:")
        if person is not None:
            self._matched[record.source_ref] = person
            self.report.matched_people += 1
        return person

    def match_or_create(self, record: od.PersonRecord) -> Person:
        """A maker named in free text: by source_ref, else the first person of that name,
        else a new person from `record`."""
        ref = record.source_ref
        if ref in self._matched:
            return self._matched[ref]
        if ref not in self.by_ref:
            person = self.find_by_name(record.name)
            if person is not None:
                self._matched[ref] = person
                self.report.matched_people += 1
                return person
        return self.upsert([record])[ref]


# --------------------------------------------------------------------------- works


def _filled(record: od.PersonRecord) -> int:
    return sum(1 for name in PERSON_FIELDS if getattr(record, name))


# --------------------------------------------------------------------------- the loader


class DemoLoader:
    def __init__(
        self,
        data_dir: Path,
        *,
        limit: int | None = None,
        strict: bool = False,
        log: Callable[[str], None] = lambda line: None,
    ):
        self.data_dir = Path(data_dir)
        self.open_data = self.data_dir / "museum-open-data"
        self.images_dir = self.data_dir / "images"
        self.limit = limit
        self.strict = strict
        self.log = log
        self.report = DemoReport()
        self.resolver = TermResolver()
        self.writer = WorkWriter(self.report, self.resolver, strict=strict)
        self.people: People | None = None

    # Each source: one transaction; a strict failure rolls it back and is re-raised.
    def run(self) -> DemoReport:
        self.people = People(self.report)
        steps = (
            ("Tate artists", self.load_tate_artists),
            ("MoMA objects", self.load_moma),
            ("Tate artworks", self.load_tate_artworks),
            ("images", self.load_images),
        )
        for label, step in steps:
            start = time.perf_counter()
            with transaction.atomic(), disable_reference_index_auto_update():
                step()
            self.report.seconds[label] = time.perf_counter() - start
        return self.report

    def _records(self, items):
        for item in items:
            if isinstance(item, od.BadRecord):
                self.writer.bad(item)
                continue
            yield item

    # ----------------------------------------------------------------- people

    def load_tate_artists(self):
        path = self.open_data / od.TATE_ARTISTS_FILE
        records = list(self._records(od.read_tate_artists(path, self.limit)))
        self.log(f"Tate artists ({path.name}): {len(records)} records")
        self.people.upsert(records)

    # ----------------------------------------------------------------- MoMA

    def load_moma(self):
        path = self.open_data / od.MOMA_FILE
        objects = list(self._records(od.read_moma_objects(path, self.limit)))
        self.log(f"MoMA ({path.name}): {len(objects)} objects")
        # An artist named in several objects: the fullest description wins (a bio dropped
        # from one multi-artist credit is often given in full in another), then file order.
        best: dict[str, od.PersonRecord] = {}
        for artist in (artist for obj in objects for artist in obj.artists):
            current = best.get(artist.source_ref)
            if current is None or _filled(artist) > _filled(current):
                best[artist.source_ref] = artist
        people = self.people.upsert(best.values(), match_tate=True)
        self._write_in_batches([self._moma_spec(path.name, obj, people) for obj in objects], "MoMA")

    def _moma_spec(self, source: str, obj: od.MomaObject, people) -> WorkSpec:
        classification = od.moma_classification(obj.department, obj.classification, obj.medium)
        dimensions = od.parse_moma_dimensions(obj.dimensions)
        credited = [f"Artist (as credited by MoMA): {obj.artist_text}"]
        return _open_data_spec(
            source=source,
            record=f"line {obj.line} (MoMANumber {obj.inventory_number})",
            number=obj.inventory_number,
            title=obj.title,
            date=obj.date,
            medium=obj.medium,
            dimensions=dimensions,
            extra=credited if obj.artist_text and not obj.artists else [],
            credit_line=obj.credit_line,
            acquired=obj.date_acquired,
            classification=classification,
            makers=[
                MakerSpec(people[artist.source_ref], classification.role, note=artist.note)
                for artist in obj.artists
            ],
            link=(obj.url, "MoMA"),
        )

    # ----------------------------------------------------------------- Tate

    def load_tate_artworks(self):
        directory = self.open_data / od.TATE_ARTWORKS_DIR
        artworks = list(self._records(od.read_tate_artworks(directory, self.limit)))
        self.log(f"Tate ({directory.name}/): {len(artworks)} artworks")
        people = self.people.upsert(
            contributor.person
            for artwork in artworks
            for contributor in artwork.contributors
            if contributor.person.source_ref not in self.people.by_ref
        )
        people = {**self.people.by_ref, **people}
        specs = [self._tate_spec(f"{directory.name}/{a.file}", a, people) for a in artworks]
        self._write_in_batches(specs, "Tate")

    def _tate_spec(self, source: str, artwork: od.TateArtwork, people) -> WorkSpec:
        classification = od.tate_classification(artwork.classification, artwork.medium)
        makers = []
        for contributor in artwork.contributors:
            person = people[contributor.person.source_ref]
            if contributor.role == "after":
                makers.append(MakerSpec(person, "", WorkMaker.Qualifier.AFTER))
            else:
                makers.append(MakerSpec(person, classification.role))
        return _open_data_spec(
            source=source,
            record=f"acno {artwork.acno}",
            number=artwork.acno,
            title=artwork.title,
            date=artwork.date_text,
            medium=artwork.medium,
            dimensions=od.parse_tate_dimensions(artwork.dimensions),
            extra=[],
            credit_line=artwork.credit_line,
            acquired=artwork.acquisition_year,
            classification=classification,
            makers=makers,
            link=(artwork.url, "Tate"),
            subjects=od.map_tate_subjects(artwork.subjects),
        )

    def _write_in_batches(self, specs: list[WorkSpec], label: str):
        done = 0
        start = time.perf_counter()
        for offset in range(0, len(specs), BATCH):
            batch = specs[offset : offset + BATCH]
            _written, touched = self.writer.write(batch)
            update_reference_index(touched)
            done += len(batch)
            rate = done / max(time.perf_counter() - start, 1e-6)
            self.log(f"  {label}: {done}/{len(specs)} works ({rate:.0f} works/s)")

    # ----------------------------------------------------------------- images

    def load_images(self):
        path = self.images_dir / od.IMAGES_FILE
        rows = list(self._records(od.read_image_rows(path, self.limit)))
        self.log(f"Images ({path.name}): {len(rows)} rows")
        checked = [
            (row, result) for row in rows if (result := self.check_image_row(path.name, row))
        ]
        specs = [
            self._image_spec(path.name, f"row {row.number} ({row.file})", row) for row, _ in checked
        ]
        written, touched = self.writer.write(specs)
        for row, (file_hash, rights) in checked:
            work = written.get(f"{IMAGE_INVENTORY_PREFIX}{row.number}")
            if work is None:
                continue
            with (self.images_dir / row.file).open("rb") as handle:
                if self._attach_image(work, row, handle, file_hash, rights):
                    touched.append(work.pk)
        update_reference_index(touched)

    def check_image_row(self, source: str, row: od.ImageRow) -> tuple[str, str] | None:
        """(file hash, rights) of a row whose file Pillow decodes and whose licence is open;
        None, with the row reported, otherwise."""
        where = f"row {row.number} ({row.file})"
        file_path = self.images_dir / row.file
        if not file_path.is_file():
            self.writer.bad(
                od.BadRecord(source, where, "file", f"{row.file} is not in {self.images_dir}")
            )
            return None
        if not row.rights:
            self.writer.bad(
                od.BadRecord(
                    source, where, "licence", f"neither public domain nor CC0: {row.licence!r}"
                )
            )
            return None
        with file_path.open("rb") as handle:
            try:
                check_image_file(handle, row.file)
            except ValidationError as error:
                self.writer.bad(od.BadRecord(source, where, "file", " ".join(error.messages)))
                return None
            return hash_filelike(handle), row.rights

    def _maker(self, row: od.ImageRow) -> Person:
        surname, forenames = od.split_display_name(row.artist)
        death = str(row.author_death_year) if row.author_death_year else ""
        record = od.PersonRecord(
            source_ref=f"demo-image-artist:{od.slugify(row.artist)}",
            name=row.artist,
            surname=surname,
            forenames=forenames,
            death_date=death,
        )
        return self.people.match_or_create(record)

    def _image_spec(self, source: str, where: str, row: od.ImageRow) -> WorkSpec:
        classification = od.image_classification(row)
        details = od.OWN_COLLECTION.get(row.file, {})
        death = row.author_death_year
        public_domain = death is not None and death + 70 < timezone.now().year
        terms = {
            "domains": classification.domains,
            "denominations": classification.denominations,
            "materials": details.get("materials", ()),
            "techniques": details.get("techniques", ()),
            "periods": details.get("periods", ()),
        }
        return WorkSpec(
            source=source,
            record=where,
            inventory_number=f"{IMAGE_INVENTORY_PREFIX}{row.number}",
            fields={
                "title": row.title,
                "creation_date": row.date,
                "description": "",
                "dimensions_note": "",
                "credit_line": f"Image: {row.institution}" if row.institution else "",
                "acquisition_date": "",
                "copyright_status": (
                    Work.CopyrightStatus.PUBLIC_DOMAIN
                    if public_domain
                    else Work.CopyrightStatus.UNKNOWN
                ),
                "is_public": True,
            },
            makers=[MakerSpec(self._maker(row), classification.role)] if row.artist else [],
            terms=terms,
            numbers=(
                [(row.accession_number, WorkNumber.Kind.SOURCE, row.institution)]
                if row.accession_number
                else []
            ),
        )

    def _attach_image(
        self, work: Work, row: od.ImageRow, handle, file_hash: str, rights: str
    ) -> bool:
        """Store or reuse the image of a row as the work's primary image; True if anything
        was written."""
        counts = self.report.counts["images"]
        wanted = {
            "title": row.title[:255] or row.file,
            "credit": row.licence[:255],
            "rights": rights,
            "is_public": True,
        }
        changed: list[str] = []
        primary = (
            WorkMedia.objects.filter(work=work, is_primary=True).select_related("image").first()
        )
        image = None
        if primary is not None and primary.image and primary.image.file_hash == file_hash:
            image = primary.image
        if image is None:
            image = CartelImage.objects.filter(file_hash=file_hash).order_by("pk").first()
        if image is None:
            image = CartelImage(file=ImageFile(handle, name=row.file), **wanted)
            image._set_image_file_metadata()
            image.save()
            ReferenceIndex.create_or_update_for_object(image)
            counts.created += 1
        else:
            changed = [name for name, value in wanted.items() if getattr(image, name) != value]
            if changed:
                for name in changed:
                    setattr(image, name, wanted[name])
                image.save(update_fields=changed)
                counts.updated += 1
            elif primary is not None and primary.image_id == image.pk:
                counts.unchanged += 1
            else:
                counts.updated += 1  # an image already stored, linked anew
        if primary is None:
            WorkMedia.objects.create(work=work, image=image, is_primary=True, sort_order=0)
        elif primary.image_id != image.pk:
            primary.image = image
            primary.save()
        else:
            return bool(changed)
        return True


# --------------------------------------------------------------------------- users


def ensure_demo_users(password: str) -> list[tuple[str, str, bool]]:
    """The superuser `admin` and one user per role, all with `password` (set anew each run)."""
    sync_roles()
    User = get_user_model()
    hashed = make_password(password)  # hashed once: the same password for every demo user
    result = []
    for username in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username)
        user.password = hashed
        user.is_active = True
        role_key = next((key for key in ROLES if key.lower() == username), None)
        if role_key is None:  # admin
            user.is_superuser = user.is_staff = True
            role = "superuser"
        else:
            role = ROLES[role_key][0]
        user.save()
        if role_key is not None:
            user.groups.add(role_group(role_key))
        result.append((username, role, created))
    return result


def load_demo(
    data_dir: Path,
    *,
    limit: int | None = None,
    strict: bool = False,
    log: Callable[[str], None] = lambda line: None,
) -> DemoReport:
    """Load people, works and images of the demo; see the module docstring."""
    loader = DemoLoader(data_dir, limit=limit, strict=strict, log=log)
    return loader.run()

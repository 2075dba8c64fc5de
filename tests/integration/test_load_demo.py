"""`manage.py load_demo` on a subset of the real demo data: values, idempotency, users, errors."""

import csv
import hashlib
import json
import re
import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from wagtail.models import ReferenceIndex

from documentation.models import BibliographicRecord
from museum_collections.models import (
    CartelImage,
    ConditionCheck,
    CurrentLocation,
    DepositEntry,
    Dimension,
    Exhibition,
    InventoryEntry,
    InventoryRemoval,
    JocondeRefCounter,
    Loan,
    Movement,
    Person,
    Work,
    WorkDomain,
    WorkMaker,
    WorkMedia,
)
from museum_collections.roles import ROLES, role_group
from museum_collections.services import register
from museum_collections.services.people import merge_people

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "demo" / "data"
CORRUPT = ROOT / "tests" / "data" / "images" / "truncated_pillow_truncated-jpeg.jpg"
LIMIT = "70"  # records per source: MoMA lines 1-70, Tate files 1-70, image rows 1-70 (Denis: 69)
SCHEMES = "DOMN,DENO,TECH,PERI,AUTROLE,REPR"
MOMA_FILE = "moma_objects_2015-08-13_sample_2000.jsonl"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def real_vocabularies():
    """The real Joconde lists the demo's terms are resolved in (loaded by the other command)."""
    call_command("load_vocabularies", only=SCHEMES, stdout=StringIO())


@pytest.fixture
def vocabularies_but_subjects():
    """The same without REPR (the longest list): Tate subjects stay outside the vocabulary."""
    call_command("load_vocabularies", only=SCHEMES.replace(",REPR", ""), stdout=StringIO())


def load_demo(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def summary(output: str) -> dict[str, tuple[int, int, int]]:
    """{'works': (created, updated, unchanged), ...} from the printed table."""
    rows = re.findall(r"^\s+(people|works|images)\s+(\d+)\s+(\d+)\s+(\d+)$", output, re.M)
    return {kind: tuple(int(n) for n in numbers) for kind, *numbers in rows}


def terms(work, relation):
    return [
        (t.label, t.concept.scheme.code if t.concept else None)
        for t in getattr(work, relation).all()
    ]


def test_a_subset_of_the_real_data_gives_complete_records(real_vocabularies):
    output = load_demo("--limit", LIMIT)

    assert "Vocabularies: already loaded, skipped." in output
    assert summary(output)["works"] == (210, 0, 0)
    assert summary(output)["images"] == (70, 0, 0)
    # and through the importers: 46 FileMaker objects and 20 Joconde notices, 100 library records
    assert Work.objects.count() == 210 + 46 + 20
    assert "Library records (through the importers): 100 created" in output
    assert "Filemaker objects (through the importers): 46 created" in output
    assert "Joconde notices (through the importers): 20 created" in output
    assert BibliographicRecord.objects.count() == 100
    tulle = Work.objects.get(joconde_ref="05000000115")
    assert (tulle.inventory_number, tulle.is_public) == ("MC.2012.0.20", True)
    assert terms(tulle, "domains") == [("dessin", "DOMN")]
    assert Work.objects.get(inventory_number="SC 1986.63").title == "Split Chess Pieces"

    # MoMA, first line of the file: Otto Wagner's drawing for the Ferdinand bridge, 1896.
    wagner = Work.objects.get(inventory_number="885.1996")
    assert wagner.title.startswith("Ferdinandsbrücke Project, Vienna, Austria")
    assert (wagner.creation_date, wagner.creation_year_from, wagner.creation_year_to) == (
        "1896",
        1896,
        1896,
    )
    assert (wagner.acquisition_date, wagner.acquisition_year) == ("1996-04-09", 1996)
    assert wagner.credit_line == "Fractional and promised gift of Jo Carole and Ronald S. Lauder"
    assert wagner.is_public and wagner.joconde_ref.startswith("M0000")
    assert (wagner.internal_notes, wagner.acquisition_price, wagner.acquisition_source) == (
        "",
        None,
        None,
    )
    assert wagner.description == "Medium: Ink and cut-and-pasted painted pages on paper"
    assert terms(wagner, "techniques") == [] and terms(wagner, "materials") == []  # not mapped
    assert terms(wagner, "domains") == [("architecture", "DOMN"), ("dessin", "DOMN")]
    assert [(d.kind, d.value, d.unit, d.part) for d in wagner.dimensions.all()] == [
        ("height", Decimal("48.6"), "cm", ""),
        ("width", Decimal("168.9"), "cm", ""),
    ]
    assert wagner.dimensions_display == "H. 48.6 cm ; l. 168.9 cm"
    [maker] = wagner.makers.all()
    assert (maker.person.name, maker.role, maker.role_concept.scheme.code) == (
        "Otto Wagner",
        "architecte",
        "AUTROLE",
    )
    otto = maker.person
    assert (otto.source_ref, otto.nationality, otto.birth_year, otto.death_year) == (
        "moma-artist:6210",
        "Austrian",
        1841,
        1918,
    )
    assert otto.joconde_name == "WAGNER Otto"
    [link] = wagner.links.all()
    assert (link.kind, link.value, link.label) == (
        "WWW",
        "http://www.moma.org/collection/works/2",
        "MoMA",
    )
    assert wagner.vocabulary_warnings() == []

    # People are written in bulk: saving one again derives the same values.
    derived = (otto.sort_name, otto.birth_year, otto.death_year)
    otto.save()
    otto.refresh_from_db()
    assert (otto.sort_name, otto.birth_year, otto.death_year) == derived

    # A photograph-free drawing in MoMA: TECH terms linked to their concepts.
    holl = Work.objects.get(inventory_number="86.1989")
    assert terms(holl, "techniques") == [("graphite", "TECH"), ("aquarelle", "TECH")]
    assert terms(holl, "materials") == [("papier", "TECH")]

    # Tate: Warhol's lithograph, with the frame measured and subjects in French.
    warhol = Work.objects.get(inventory_number="AR00333")
    assert (warhol.title, warhol.creation_date, warhol.acquisition_year) == (
        "Andy Warhol",
        "1982",
        2009,
    )
    assert warhol.credit_line.startswith("ARTIST ROOMS Acquired jointly with the National")
    assert terms(warhol, "domains") == [("estampe", "DOMN")]
    assert terms(warhol, "techniques") == [("lithographie", "TECH")]
    assert terms(warhol, "subjects") == [
        ("homme", "REPR"),
        ("autoportrait", "REPR"),
        ("téléphone", "REPR"),
    ]
    assert warhol.dimensions_display == (
        "H. 738 mm (support) ; l. 509 mm (support) ; H. 807 mm (avec cadre) ; "
        "l. 575 mm (avec cadre) ; P. 38 mm (avec cadre)"
    )
    [maker] = warhol.makers.all()
    assert (maker.person.source_ref, maker.person.name, maker.role) == (
        "tate-artist:2121",
        "Andy Warhol",
        "lithographe",
    )
    assert (
        warhol.links.get().value == "http://www.tate.org.uk/art/artworks/warhol-andy-warhol-ar00333"
    )
    assert Work.objects.get(inventory_number="A00001").creation_date == ""  # 'date not known'

    # The museum's own painting: Maurice Denis, Le Mystère catholique, image row 69.
    denis = Work.objects.get(inventory_number="2026.1.69")
    assert (denis.title, denis.creation_date, denis.creation_year_from) == (
        "Le Mystère catholique",
        "1889",
        1889,
    )
    assert denis.credit_line == "Image: Musée départemental Maurice Denis, Saint-Germain-en-Laye"
    assert denis.copyright_status == Work.CopyrightStatus.PUBLIC_DOMAIN and denis.is_public
    assert terms(denis, "domains") == [("peinture", "DOMN")]
    assert terms(denis, "denominations") == [("tableau", "DENO")]
    assert terms(denis, "materials") == [("toile", "TECH")]
    assert terms(denis, "techniques") == [("peinture à l'huile", "TECH")]
    assert terms(denis, "periods") == [("4e quart 19e siècle", "PERI")]
    assert denis.vocabulary_warnings() == []
    [maker] = denis.makers.all()
    person = maker.person
    assert (person.name, person.death_date, maker.role, maker.role_concept.pref_label) == (
        "Maurice Denis",
        "1943",
        "peintre",
        "peintre",
    )
    assert maker.joconde_display == "DENIS Maurice (peintre)"
    media = WorkMedia.objects.get(work=denis)
    assert media.is_primary
    image = media.image
    source = DATA / "images" / "denis_le-mystere-catholique.jpg"
    assert image.file_hash == hashlib.sha1(source.read_bytes()).hexdigest()  # noqa: S324
    assert (image.width, image.height, image.file_size) == (1000, 672, source.stat().st_size)
    assert (image.title, image.rights, image.is_public) == (
        "Le Mystère catholique",
        "public_domain",
        True,
    )
    assert image.credit == "Public domain (PD-Art; author d. 1943)"
    assert Path(image.file.path).read_bytes() == source.read_bytes()
    # Wagtail's "usage" of the image lists the work.
    assert ReferenceIndex.get_references_to(image).filter(object_id=str(denis.pk)).exists()

    # An accession number of the holding museum is kept as a source number; CC0 rights.
    gauguin = Work.objects.get(inventory_number="2026.1.19")
    [number] = gauguin.other_numbers.all()
    assert (number.number, number.kind, number.note) == (
        "1926.198",
        "source",
        "The Art Institute of Chicago",
    )
    assert gauguin.media.get().image.rights == "cc0"
    assert Work.objects.get(inventory_number="2026.1.35").domains.get().label == "estampe"  # Dürer

    # A maker of the images already loaded from Tate is reused, not duplicated.
    assert Person.objects.filter(name="Vincent van Gogh").count() == 1


def test_a_second_run_creates_and_updates_nothing(vocabularies_but_subjects, media_root):
    def run():
        return load_demo("--skip-vocabularies", "--limit", "20")

    first = run()
    created = summary(first)
    assert created["works"] == (60, 0, 0) and created["images"] == (20, 0, 0)
    state = {
        "works": sorted(Work.objects.values_list("pk", "updated_at")),
        "people": sorted(Person.objects.values_list("pk", "updated_at")),
        "domains": sorted(WorkDomain.objects.values_list("pk", flat=True)),
        "makers": sorted(WorkMaker.objects.values_list("pk", flat=True)),
        "dimensions": sorted(Dimension.objects.values_list("pk", flat=True)),
        "images": sorted(CartelImage.objects.values_list("pk", "file")),
        "refs": JocondeRefCounter.objects.get().last_number,
        "files": sorted(p.name for p in (media_root / "original_images").iterdir()),
        "register": sorted(InventoryEntry.objects.values_list("pk", "entry_hash", "status")),
        "deposits": sorted(DepositEntry.objects.values_list("pk", "entry_hash")),
    }

    second = run()

    counts = summary(second)
    assert {kind: (c, u) for kind, (c, u, _) in counts.items()} == {
        "people": (0, 0),
        "works": (0, 0),
        "images": (0, 0),
    }
    assert counts["works"][2] == 60 and counts["images"][2] == 20
    assert state == {
        "works": sorted(Work.objects.values_list("pk", "updated_at")),
        "people": sorted(Person.objects.values_list("pk", "updated_at")),
        "domains": sorted(WorkDomain.objects.values_list("pk", flat=True)),
        "makers": sorted(WorkMaker.objects.values_list("pk", flat=True)),
        "dimensions": sorted(Dimension.objects.values_list("pk", flat=True)),
        "images": sorted(CartelImage.objects.values_list("pk", "file")),
        "refs": JocondeRefCounter.objects.get().last_number,
        "files": sorted(p.name for p in (media_root / "original_images").iterdir()),
        "register": sorted(InventoryEntry.objects.values_list("pk", "entry_hash", "status")),
        "deposits": sorted(DepositEntry.objects.values_list("pk", "entry_hash")),
    }

    # What was changed by hand is put back, and only that work counts as updated.
    Work.objects.filter(inventory_number="885.1996").update(title="Changed")
    Dimension.objects.filter(work__inventory_number="9.1995.7").delete()
    third = summary(run())
    assert third["works"] == (0, 2, 58)
    assert Work.objects.get(inventory_number="885.1996").title.startswith("Ferdinandsbrücke")
    assert Dimension.objects.filter(work__inventory_number="9.1995.7").count() == 2

    # A person a cataloguer merged into another record is not loaded again.
    keep = Person.objects.create(name="Otto Wagner", surname="Wagner", forenames="Otto")
    merge_people(keep=keep, duplicates=[Person.objects.get(source_ref="moma-artist:6210")])
    fourth = summary(run())
    assert (fourth["people"][:2], fourth["works"][:2]) == ((0, 0), (0, 0))
    assert Work.objects.get(inventory_number="885.1996").makers.get().person == keep


def test_the_demo_registers_hold_validated_entries_drafts_a_gap_a_removal_and_deposits(
    vocabularies_but_subjects,
):
    output = load_demo("--skip-vocabularies", "--limit", "20")
    assert "Registers: 15 validated inventory entries (1 removed), 3 to validate" in output
    assert InventoryEntry.objects.validated().count() == 15
    assert InventoryRemoval.objects.get().entry.inventory_number == "2026.1.1"
    assert [str(gap) for gap in register.numbering_gaps()] == ["2026: 2026.1.16, 2026.1.17"]
    deposits = DepositEntry.objects.validated()
    assert deposits.count() == 10 and deposits.filter(depositor_name="Tate").count() == 6
    assert {d.depositor_number for d in deposits} >= {"9.1995.7"}
    assert [d.deposit_number for d in register.deposits_due_for_renewal()] == ["D.2026.2.1"]
    assert all(report.ok for report in register.verify_registers())


def test_the_demo_places_every_work_and_has_a_loan_an_exhibition_and_checks(
    vocabularies_but_subjects,
):
    output = load_demo("--skip-vocabularies", "--limit", "20")
    assert "Locations:" in output
    works = Work.objects.current()
    assert not works.filter(normal_location__isnull=True).exists()
    assert not works.filter(current_location__isnull=True).exists()
    assert CurrentLocation.objects.filter(location__is_display=True).count() == 10
    away = Loan.objects.get(direction="out")
    assert away.status == "departed" and away.movements.count() == away.lines.count() > 0
    assert all(
        line.work.current_location.location == away.outside_location for line in away.lines.all()
    )
    show = Exhibition.objects.get()
    assert show.start_date and show.checklist.filter(loan__direction="in").exists()
    assert ConditionCheck.objects.filter(reason="departure").count() == away.lines.count()
    before = Movement.objects.count()
    load_demo("--skip-vocabularies", "--limit", "20")
    assert Movement.objects.count() == before and Loan.objects.count() == 2


def login_request():
    """A sign-in request, as the login form makes it (django-axes counts failures per address)."""
    return RequestFactory().post("/admin/login/")


def test_demo_users_have_their_roles_and_the_printed_password_works():
    output = load_demo("--skip-vocabularies", "--limit", "1")

    assert "http://127.0.0.1:8000/admin/" in output
    password = re.search(r"Password for all of them: (\S+)", output).group(1)
    assert len(password) >= 16
    tail = output[output.index("Demo users") :]
    usernames = ("admin", "registrar", "curator", "documentalist", "photographer", "researcher")
    for username in usernames:
        assert username in tail
        assert authenticate(login_request(), username=username, password=password) is not None, (
            username
        )
    User = get_user_model()
    assert User.objects.get(username="admin").is_superuser
    for role in ROLES:
        user = User.objects.get(username=role.lower())
        assert not user.is_superuser
        assert list(user.groups.all()) == [role_group(role)]
    assert User.objects.get(username="curator").has_perm("collections.publish_work")

    again = load_demo("--skip-vocabularies", "--limit", "1")
    new_password = re.search(r"Password for all of them: (\S+)", again).group(1)
    assert new_password != password
    assert authenticate(login_request(), username="curator", password=password) is None
    assert authenticate(login_request(), username="curator", password=new_password) is not None
    assert User.objects.filter(username__in=["admin", *(r.lower() for r in ROLES)]).count() == 6


@pytest.fixture
def data_with_a_corrupt_image(tmp_path):
    """A copy of the data folder whose images.csv has a truncated JPEG between two good rows,
    and whose MoMA file has a title too long for the field and a line cut short."""
    data = tmp_path / "data"
    images = data / "images"
    images.mkdir(parents=True)
    open_data = data / "museum-open-data"
    open_data.mkdir()
    for name in ("tate_artworks_json", "tate_artist_data.csv"):
        (open_data / name).symlink_to(DATA / "museum-open-data" / name)
    moma = (DATA / "museum-open-data" / MOMA_FILE).read_text(encoding="utf-8").splitlines()
    long_title = json.loads(moma[1])
    long_title["Title"] = "A title " * 70  # 560 characters: more than Work.title holds
    (open_data / MOMA_FILE).write_text(
        "\n".join([moma[0], json.dumps(long_title), moma[2][:40]]) + "\n", encoding="utf-8"
    )
    with (DATA / "images" / "images.csv").open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    good = [rows[0], rows[68]]  # Van Gogh's Starry Night, Denis
    bad = {**rows[1], "file": CORRUPT.name, "title": "A truncated file"}
    for row in good:
        (images / row["file"]).symlink_to(DATA / "images" / row["file"])
    shutil.copy(CORRUPT, images / CORRUPT.name)
    with (images / "images.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=reader.fieldnames)
        writer.writeheader()
        writer.writerows([good[0], bad, good[1]])
    return data


def test_a_corrupt_image_is_reported_and_the_other_rows_load(data_with_a_corrupt_image):
    output = load_demo(
        "--data-dir", str(data_with_a_corrupt_image), "--skip-vocabularies", "--limit", "3"
    )

    assert re.search(
        r"images\.csv, row 2 \(truncated_pillow_truncated-jpeg\.jpg\), field file: "
        r"truncated_pillow_truncated-jpeg\.jpg is damaged",
        output,
    )
    assert not Work.objects.filter(inventory_number="2026.1.2").exists()
    assert Work.objects.get(inventory_number="2026.1.1").title == "The Starry Night"
    assert Work.objects.get(inventory_number="2026.1.3").media.get().image.title == (
        "Le Mystère catholique"
    )
    assert summary(output)["images"] == (2, 0, 0)
    assert CartelImage.objects.count() == 2

    # The MoMA file: the good line loads, the other two are reported with line and field.
    assert f"{MOMA_FILE}, line 2 (MoMANumber 9.1995.7), field title: " in output
    assert f"{MOMA_FILE}, line 3, field (JSON): not valid JSON" in output
    assert "3 records were not loaded" in output
    assert Work.objects.filter(inventory_number="885.1996").exists()
    assert not Work.objects.filter(inventory_number="9.1995.7").exists()


def test_strict_stops_at_the_first_bad_record_and_rolls_back_its_file(data_with_a_corrupt_image):
    data = data_with_a_corrupt_image
    args = ("--data-dir", str(data), "--skip-vocabularies", "--limit", "3", "--strict")
    with pytest.raises(CommandError, match=rf"{MOMA_FILE}, line 3, field \(JSON\)"):
        load_demo(*args)
    assert not Work.objects.exists()  # the MoMA file's good line was rolled back too
    assert Person.objects.filter(source_ref__startswith="tate-artist:").count() == 3  # its own file

    moma = (DATA / "museum-open-data" / MOMA_FILE).read_text(encoding="utf-8").splitlines()
    (data / "museum-open-data" / MOMA_FILE).write_text("\n".join(moma[:3]) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"row 2 \(truncated_pillow_truncated-jpeg\.jpg\)"):
        load_demo(*args)
    assert Work.objects.filter(inventory_number__in=["885.1996", "A00001"]).count() == 2
    assert not Work.objects.filter(inventory_number__startswith="2026.1.").exists()
    assert CartelImage.objects.count() == 0


def test_a_data_folder_without_the_demo_files_is_refused(tmp_path):
    with pytest.raises(CommandError, match="--data-dir"):
        load_demo("--data-dir", str(tmp_path), "--skip-vocabularies")

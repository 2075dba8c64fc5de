"""The annual printed edition of the inventory register and the depositors' annual lists,
written by the management commands and read back with pypdf and csv."""

import csv
import datetime
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from pypdf import PdfReader

from exporters.register_edition import (
    ARCHIVES_COPY,
    EDITION,
    TITLE,
    EditionEntry,
    EditionInfo,
    write_register_edition,
)
from museum_collections.models import DepositEntry, Location, Movement, Person, Work
from museum_collections.services import register
from museum_collections.services.movements import move

pytestmark = pytest.mark.django_db

MUSEUM = {"NAME": "Musée départemental Maurice Denis", "CITY": "Saint-Germain-en-Laye"}
PRINTED = ["2019.1.2", "2019.1.1", "2019.2.1", "2019.1.3"]  # in order of validation


@pytest.fixture(autouse=True)
def museum(settings, museofile):
    settings.CARTEL_MUSEUM = {**settings.CARTEL_MUSEUM, **MUSEUM}


@pytest.fixture
def registrar(make_user):
    return make_user("Registrar", first_name="Anne", last_name="Martin")


def validated_entry(user, number, registered, **columns):
    work = Work.objects.create(inventory_number=number, title=f"Œuvre {number}")
    values = {
        "designation": f"Tableau : Œuvre {number}",
        "acquisition_mode": "don",
        "registration_date": registered,
    } | columns
    return register.validate_entry(register.draft_entry_for(work, **values), user)


@pytest.fixture
def year_2019(registrar):
    """Validated out of the order of their numbers, plus a removal, a draft, another year."""
    day = datetime.date(2019, 3, 12)
    validated_entry(
        registrar,
        "2019.1.2",
        day,
        designation="Tableau : Œuvre de l'École française, façade",
        price=Decimal("1500"),
        public_funding="AS",
        acquisition_source="Galerie Durand-Ruel",
    )
    validated_entry(registrar, "2019.1.1", day)
    validated_entry(registrar, "2019.2.1", datetime.date(2019, 11, 2))
    removed = validated_entry(registrar, "2019.1.3", datetime.date(2019, 12, 1))
    register.remove_entry(
        removed,
        case="destruction",
        decision_reference="Délibération n° 2024-17",
        decision_date=datetime.date(2024, 3, 1),
        user=registrar,
    )
    draft = Work.objects.create(inventory_number="2019.3.1")
    register.draft_entry_for(
        draft, designation="Brouillon", acquisition_mode="achat", registration_date=day
    )
    validated_entry(registrar, "2018.4.1", datetime.date(2018, 6, 1))


def pages_text(path):
    return [page.extract_text() for page in PdfReader(path).pages]


def lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


def starting_with(all_lines, number):
    return [i for i, line in enumerate(all_lines) if re.match(rf"{re.escape(number)}(\s|$)", line)]


def print_register(tmp_path, *options, year="2019"):
    output = tmp_path / f"registre-{year}.pdf"
    call_command("print_register", "--year", year, "--output", str(output), *options)
    return output


def test_the_edition_lists_the_years_validated_entries_in_order_of_entry(
    year_2019, tmp_path, capsys
):
    output = print_register(tmp_path)
    texts = pages_text(output)
    everything = [line for text in texts for line in lines(text)]
    positions = [starting_with(everything, number) for number in PRINTED]
    assert all(len(found) == 1 for found in positions), positions
    assert [found[0] for found in positions] == sorted(found[0] for found in positions)
    joined = " ".join("\n".join(texts).split())  # cells wrap; pypdf reads no-break spaces as spaces
    assert "2019.3.1" not in joined and "Brouillon" not in joined  # the draft
    assert "2018.4.1" not in joined  # another year
    assert "Tableau : Œuvre de l'École française, façade" in joined  # accents survive
    assert "1 500,00 € (AS)" in joined and "Galerie Durand-Ruel" in joined
    assert "n° d'ordre 2" in joined
    removed = positions[3][0]
    assert everything[removed + 1 : removed + 3] == ["n° d'ordre 4", "RAYÉ"]  # beside the number
    assert (
        "RAYÉ DE L'INVENTAIRE — cas : destruction — décision : Délibération n° 2024-17 du "
        "01/03/2024" in joined
    )
    summary = capsys.readouterr().out
    assert f"Register 2019: 4 entries, 1 removal, {len(texts)} pages → {output}" in summary


def test_title_preliminary_and_closing_pages(year_2019, tmp_path):
    texts = pages_text(print_register(tmp_path))
    title = texts[0]
    for expected in (MUSEUM["NAME"], MUSEUM["CITY"], "Muséofile : M5062", TITLE, EDITION, "2019"):
        assert expected in title
    assert ARCHIVES_COPY not in "\n".join(texts)
    preliminary = texts[1]
    assert "comprend 4 inscription(s)" in preliminary
    assert "Première inscription : n° d'inventaire 2019.1.2, n° d'ordre 1." in preliminary
    assert "Dernière inscription : n° d'inventaire 2019.1.3, n° d'ordre 4." in preliminary
    assert f"Date d'édition : {timezone.localdate():%d/%m/%Y}" in preliminary
    assert "arrêté du 25 mai 2004" in preliminary and "registre papier" in preliminary
    assert "Certificat de paraphe" in preliminary and "Initiales" in preliminary
    assert f"compte {len(texts)} pages, numérotées de 1 à {len(texts)}" in preliminary
    closing = texts[-5]
    assert "Clôture de l'édition 2019" in closing and "comprend 4 inscription(s)" in closing
    assert "Le responsable scientifique des collections" in closing
    assert "Le chef d'établissement" in closing and "Fait à Saint-Germain-en-Laye" in closing


def test_every_page_is_numbered_and_the_last_ones_are_blank(year_2019, tmp_path):
    texts = pages_text(print_register(tmp_path, "--blank-pages", "3"))
    total = len(texts)
    footer = f"Registre d'inventaire — {MUSEUM['NAME']} — édition 2019"
    for number, text in enumerate(texts, start=1):
        assert f"page {number} / {total}" in text and footer in text and "Paraphe" in text
    for number, text in enumerate(texts[-3:], start=total - 2):
        assert lines(text) == [footer, f"page {number} / {total}", "Paraphe"], text
    assert "Clôture" in texts[-4]


def test_the_archives_copy_says_so_on_the_title_page_and_every_footer(year_2019, tmp_path):
    texts = pages_text(print_register(tmp_path, "--archives-copy"))
    assert lines(texts[0]).count(ARCHIVES_COPY) == 1  # the title page, besides the footer
    assert all(ARCHIVES_COPY in text for text in texts)


def test_the_removals_of_earlier_entries_recorded_in_the_year(registrar, tmp_path):
    old = validated_entry(registrar, "985.2.1", datetime.date(1985, 5, 2), designation="Vase")
    register.remove_entry(
        old,
        case="undue_entry",
        decision_reference="PV de la commission du 3 février",
        decision_date=datetime.date(2025, 2, 3),
        user=registrar,
    )
    year = str(timezone.localdate(old.removal.recorded_at).year)
    everything = [
        line for text in pages_text(print_register(tmp_path, year=year)) for line in lines(text)
    ]
    assert "Radiations de l'année (inscriptions d'années antérieures)" in everything
    assert len(starting_with(everything, "985.2.1")) == 1
    joined = "\n".join(everything)
    assert "inscription indue" in joined and "PV de la commission" in joined
    assert "Aucune inscription n'a été portée" in joined


def test_a_year_without_entries_is_refused_and_the_file_left_as_it_was(year_2019, tmp_path):
    output = tmp_path / "registre.pdf"
    output.write_bytes(b"the edition printed last year")
    with pytest.raises(CommandError, match="No validated entry was registered in 2017"):
        call_command("print_register", "--year", "2017", "--output", str(output))
    assert output.read_bytes() == b"the edition printed last year"
    assert [path.name for path in tmp_path.iterdir()] == ["registre.pdf"]
    with pytest.raises(CommandError, match="blank-pages"):
        call_command(
            "print_register", "--year", "2019", "--output", str(output), "--blank-pages", "-1"
        )
    with pytest.raises(CommandError, match="does not exist"):
        call_command("print_register", "--year", "2019", "--output", str(tmp_path / "no" / "r.pdf"))


def test_an_export_that_fails_midway_leaves_the_previous_file(tmp_path):
    output = tmp_path / "registre.pdf"
    output.write_bytes(b"previous")
    info = EditionInfo("Musée", "Ville", "M0000", 2019, datetime.date(2020, 1, 15))

    def entries():
        yield EditionEntry("2019.1.1", 1, "Tableau")
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        write_register_edition(output, info, entries())
    assert output.read_bytes() == b"previous"
    assert [path.name for path in tmp_path.iterdir()] == ["registre.pdf"]


# Deposits -------------------------------------------------------------------------------------


@pytest.fixture
def deposits(registrar):
    cnap = Person.objects.create(name="Centre national des arts plastiques", kind="organisation")
    mnam = Person.objects.create(name="Centre Pompidou", kind="organisation")

    def deposit(number, depositor, depositor_number, **columns):
        work = Work.objects.create(
            inventory_number=number, title=depositor_number, state="Bon état ; vernis jauni"
        )
        values = {
            "deposit_deed": "Arrêté du 3 mai 2005",
            "taken_in_charge_on": datetime.date(2005, 6, 1),
            "designation": f"Tableau : Paysage d'Île-de-France {number}",
        } | columns
        entry = DepositEntry.objects.create(
            work=work,
            deposit_number=number,
            depositor=depositor,
            depositor_number=depositor_number,
            **values,
        )
        return register.validate_entry(entry, registrar)

    deposit(
        "D.2005.3.1",
        cnap,
        "FNAC PFH-6020",
        author="Maurice Denis",
        convention_reference="Convention 2015-12",
        convention_start=datetime.date(2015, 6, 1),
        convention_end=datetime.date(2025, 6, 1),
        is_sub_deposit=True,
        sub_deposit_place="Mairie de Saint-Germain-en-Laye",
    )
    deposit(
        "D.2005.3.2",
        cnap,
        "FNAC 2049",
        ended_on=datetime.date(2025, 3, 1),
        end_deed="Procès-verbal de restitution",
    )
    deposit("D.2005.3.3", cnap, "FNAC 1999", ended_on=datetime.date(2020, 1, 1))  # before 2025
    deposit("D.2006.1.1", mnam, "AM 3962P")
    return cnap, mnam


def deposits_report(tmp_path, depositor, name, year="2025"):
    output = tmp_path / name
    call_command(
        "deposits_report", "--depositor", depositor, "--output", str(output), "--year", year
    )
    return output


def test_the_csv_list_of_a_depositors_deposits(deposits, tmp_path, capsys):
    stores = Location.objects.create(code="RES", name="Réserves", kind=Location.Kind.BUILDING)
    rack = Location.objects.create(code="G4", name="Grille 4", kind="storage_unit", parent=stores)
    move(Work.objects.get(inventory_number="D.2005.3.1"), rack, reason=Movement.Reason.STORAGE)
    output = deposits_report(tmp_path, "centre national des arts plastiques", "fnac.csv")
    assert output.read_bytes().startswith(b"\xef\xbb\xbf")
    with output.open(encoding="utf-8-sig", newline="") as source:
        rows = list(csv.DictReader(source, delimiter=";"))
    assert [row["N° d'inventaire du déposant"] for row in rows] == ["FNAC PFH-6020", "FNAC 2049"]
    first, ended = rows
    assert first["N° de dépôt"] == "D.2005.3.1" and first["Auteur"] == "Maurice Denis"
    assert first["Désignation"] == "Tableau : Paysage d'Île-de-France D.2005.3.1"
    assert first["Date de prise en charge"] == "01/06/2005"
    assert (first["Convention"], first["Fin de la convention"]) == (
        "Convention 2015-12",
        "01/06/2025",
    )
    assert first["Sous-dépôt"] == "oui" and first["Lieu du sous-dépôt"].startswith("Mairie")
    assert first["Localisation"] == "Réserves › Grille 4"
    assert ended["Localisation"] == "non renseignée"
    assert first["État"] == "Bon état ; vernis jauni"
    assert ended["Fin du dépôt"] == "01/03/2025" and ended["Sous-dépôt"] == "non"
    assert (
        "Deposits of Centre national des arts plastiques in 2025: 2 deposits"
        in capsys.readouterr().out
    )


def test_the_pdf_list_names_each_depositors_numbers(deposits, tmp_path):
    fnac = " ".join(pages_text(deposits_report(tmp_path, "arts plastiques", "fnac.pdf"))).split()
    fnac = " ".join(fnac)  # the cells' lines joined
    assert "État annuel des dépôts — Centre national des arts plastiques — 2025" in fnac
    assert MUSEUM["NAME"] in fnac and "FNAC PFH-6020" in fnac and "FNAC 2049" in fnac
    assert "FNAC 1999" not in fnac and "AM 3962P" not in fnac
    assert "non renseignée" in fnac and "Bon état ; vernis jauni" in fnac
    assert "Le chef d'établissement" in fnac and "page 1 / 1" in fnac
    mnam = "\n".join(pages_text(deposits_report(tmp_path, "Centre Pompidou", "mnam.pdf")))
    assert "AM 3962P" in mnam and "FNAC PFH-6020" not in mnam


def test_an_unknown_or_ambiguous_depositor_is_refused_with_the_known_ones(deposits, tmp_path):
    output = tmp_path / "x.csv"
    with pytest.raises(CommandError) as error:
        call_command("deposits_report", "--depositor", "Louvre", "--output", str(output))
    assert "Centre national des arts plastiques" in str(error.value)
    assert "Centre Pompidou" in str(error.value)
    with pytest.raises(CommandError, match="several depositors"):
        call_command("deposits_report", "--depositor", "centre", "--output", str(output))
    with pytest.raises(CommandError, match=r"\.pdf or \.csv"):
        call_command(
            "deposits_report", "--depositor", "Pompidou", "--output", str(tmp_path / "x.txt")
        )
    assert not any(tmp_path.iterdir())

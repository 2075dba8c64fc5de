"""The work record: identifiers that never change, normalised dates, controlled terms, media."""

import random

import pytest
from django.db import IntegrityError, connection, transaction

from museum_collections.models import (
    Concept,
    Dimension,
    Inscription,
    JocondeRefCounter,
    Person,
    ProtectedRecordError,
    Work,
    WorkDomain,
    WorkMaker,
    WorkMedia,
)

pytestmark = pytest.mark.django_db


def test_joconde_ref_is_museofile_code_and_six_digits_allocated_once(museofile):
    first = Work.objects.create(inventory_number="2019.1.1")
    second = Work.objects.create(inventory_number="2019.1.2")
    assert (first.joconde_ref, second.joconde_ref) == ("M5062000001", "M5062000002")
    assert len(first.joconde_ref) == 11

    first.title = "Le Mystère catholique"
    first.save()
    first.refresh_from_db()
    assert first.joconde_ref == "M5062000001"
    assert JocondeRefCounter.objects.get(museofile="M5062").last_number == 2


def test_joconde_ref_is_never_reused_even_when_the_counter_row_is_the_only_memory(museofile):
    Work.objects.create(inventory_number="2019.1.1")
    Work.objects.create(inventory_number="2019.1.2")
    Work.objects.filter(inventory_number="2019.1.2").update(is_deleted=True)
    third = Work.objects.create(inventory_number="2019.1.3")
    assert third.joconde_ref == "M5062000003"


def test_a_museofile_code_of_the_wrong_length_is_refused_with_instructions(settings):
    settings.CARTEL_MUSEUM = {**settings.CARTEL_MUSEUM, "MUSEOFILE": "M12"}
    with pytest.raises(ValueError, match="5-character Muséofile code"):
        Work.objects.create(inventory_number="2019.1.1")


def test_changing_the_ref_through_the_model_is_refused():
    work = Work.objects.create(inventory_number="2019.1.1")
    work.joconde_ref = "M9999000001"
    with pytest.raises(ProtectedRecordError, match="never changes"):
        work.save()


def test_the_inventory_number_cannot_be_rewritten_and_the_message_says_what_to_do():
    work = Work.objects.create(inventory_number="2019.1.1")
    work = Work.objects.get(pk=work.pk)
    work.inventory_number = "2019.1.10"
    with pytest.raises(ProtectedRecordError) as error:
        work.save()
    assert "never" in str(error.value) and "another number" in str(error.value)
    assert Work.objects.get(pk=work.pk).inventory_number == "2019.1.1"


@pytest.mark.parametrize(
    "column, value", [("inventory_number", "2019.9.9"), ("joconde_ref", "M9999000001")]
)
def test_the_database_refuses_rewriting_identifiers_by_bulk_update(column, value):
    work = Work.objects.create(inventory_number="2019.1.1")
    with pytest.raises(IntegrityError, match="never rewritten"), transaction.atomic():
        Work.objects.filter(pk=work.pk).update(**{column: value})
    with pytest.raises(IntegrityError, match="never rewritten"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE collections_work SET {column} = %s WHERE id = %s", [value, work.pk]
            )
    work.refresh_from_db()
    assert work.inventory_number == "2019.1.1"
    # Other columns stay editable by bulk update.
    assert Work.objects.filter(pk=work.pk).update(title="Sans titre") == 1


def test_works_are_never_deleted_but_annotated():
    work = Work.objects.create(inventory_number="2019.1.1")
    with pytest.raises(ProtectedRecordError, match="mark them as deleted"):
        work.delete()
    with pytest.raises(ProtectedRecordError):
        Work.objects.filter(pk=work.pk).delete()
    work.is_deleted = True
    work.deletion_reason = "Double inscription"
    work.save()
    work.refresh_from_db()
    assert work.deleted_at is not None
    assert list(Work.objects.current()) == []
    assert Work.objects.count() == 1


def test_listing_order_follows_inventory_numbers_not_text():
    numbers = [
        "985.3.2",
        "999.1.1",
        "2000.1.1",
        "2019.1.2",
        "2019.1.10",
        "2019.1.1.1",
        "2019.2.1",
        "D.2005.3.1",
        "INV 5016",
        "INV 16000",
        "RF 2125",
        "RF 12000",
    ]
    shuffled = numbers[:]
    random.Random(4).shuffle(shuffled)
    for number in shuffled:
        Work.objects.create(inventory_number=number)
    ordered = list(Work.objects.values_list("inventory_number", flat=True))
    assert ordered == [
        "985.3.2",
        "999.1.1",
        "2000.1.1",
        "2019.1.1.1",
        "2019.1.2",
        "2019.1.10",
        "2019.2.1",
        "D.2005.3.1",
        "INV 5016",
        "INV 16000",
        "RF 2125",
        "RF 12000",
    ]


@pytest.mark.parametrize(
    "written, years, approximate",
    [
        ("vers 1890", (1890, 1890), True),
        ("1890-1895", (1890, 1895), False),
        ("4e quart 19e siècle", (1876, 1900), False),
        ("XIXe siècle", (1801, 1900), False),
    ],
)
def test_creation_date_is_kept_as_written_and_normalised(written, years, approximate):
    work = Work.objects.create(inventory_number="2019.1.1", creation_date=written)
    work.refresh_from_db()
    assert work.creation_date == written
    assert (work.creation_year_from, work.creation_year_to) == years
    assert work.creation_date_approximate is approximate


def test_unparsed_dates_keep_the_years_a_cataloguer_typed():
    work = Work.objects.create(
        inventory_number="2019.1.1",
        creation_date="sous le règne de Louis XV",
        creation_year_from=1715,
        creation_year_to=1774,
    )
    work.refresh_from_db()
    assert (work.creation_year_from, work.creation_year_to) == (1715, 1774)


def test_terms_link_to_their_concept_and_values_outside_are_flagged(vocabularies):
    work = Work.objects.create(inventory_number="2019.1.1")
    known = WorkDomain.objects.create(work=work, label="  Peinture ")
    unknown = WorkDomain.objects.create(work=work, label="peinture murale contemporaine")
    assert known.concept == vocabularies["peinture"]
    assert known.label == "peinture"
    assert unknown.concept is None and unknown.label == "peinture murale contemporaine"
    warnings = work.vocabulary_warnings()
    assert len(warnings) == 1
    assert "peinture murale contemporaine" in warnings[0] and "DOMN" in warnings[0]


def test_alternative_labels_lead_to_the_preferred_label(vocabularies):
    work = Work.objects.create(inventory_number="2019.1.1")
    person = Person.objects.create(name="Maurice Denis", surname="Denis", forenames="Maurice")
    maker = WorkMaker.objects.create(
        work=work, person=person, role="ateliers", qualifier="attribué à"
    )
    assert maker.role == "atelier" and maker.role_concept is not None
    assert maker.display == "attribué à Maurice Denis (atelier)"
    assert maker.joconde_display == "DENIS Maurice (attribué à, atelier)"
    mark = Inscription.objects.create(
        work=work, kind="Signé", position="en bas à droite", transcription="MAUD"
    )
    assert mark.kind == "signature"
    assert mark.display == "signature (en bas à droite) : MAUD"


def test_dimensions_display_as_joconde_wants_with_a_decimal_point():
    work = Work.objects.create(inventory_number="2019.1.1", dimensions_note="cadre non mesuré")
    Dimension.objects.create(work=work, kind="height", value="61.00", unit="cm", sort_order=0)
    Dimension.objects.create(
        work=work, kind="width", value="50.5", unit="cm", sort_order=1, part="avec cadre"
    )
    assert work.dimensions_display == "H. 61 cm ; l. 50.5 cm (avec cadre) ; cadre non mesuré"


def test_legal_status_reads_as_the_joconde_stat_field(vocabularies):
    work = Work.objects.create(
        inventory_number="2019.1.1",
        ownership=Concept.objects.get(pref_label="propriété du département"),
        acquisition_mode=Concept.objects.get(pref_label="don"),
        owner="Département des Yvelines",
        assigned_museum="Musée départemental Maurice Denis",
    )
    assert work.legal_status == (
        "propriété du département ; don ; Département des Yvelines ; "
        "Musée départemental Maurice Denis"
    )
    assert Work(inventory_number="x").legal_status == "mode d'acquisition inconnu"


def test_acquisition_and_ownership_choices_come_from_their_branch(vocabularies):
    modes = Concept.objects.in_branch("STAT", "mode d'acquisition")
    assert sorted(modes.values_list("pref_label", flat=True)) == ["achat", "don", "donation"]
    owners = Concept.objects.in_branch("STAT", "statut de la propriété")
    assert "propriété du département" in owners.values_list("pref_label", flat=True)


def test_one_primary_image_per_work_and_the_flag_moves(test_data):
    from django.core.files.images import ImageFile

    from museum_collections.models import CartelImage

    work = Work.objects.create(inventory_number="2019.1.1")
    images = []
    for name in (
        "progressive_zurbaran_agnus-dei.jpg",
        "png-alpha_tiepolo_allegory-with-venus-and-time.png",
    ):
        with open(test_data / "images" / name, "rb") as f:
            image = CartelImage(title=name, file=ImageFile(f, name=name))
            image.save()
        images.append(image)
    first = WorkMedia.objects.create(work=work, image=images[0], is_primary=True, sort_order=0)
    second = WorkMedia.objects.create(work=work, image=images[1], is_primary=True, sort_order=1)
    first.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (False, True)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkMedia.objects.filter(pk=first.pk).update(is_primary=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkMedia.objects.create(work=work, sort_order=2)  # neither image nor document


def test_renaming_a_concept_renames_the_terms_that_use_it(vocabularies):
    work = Work.objects.create(inventory_number="2019.1.1")
    term = WorkDomain.objects.create(work=work, label="peinture")
    concept = Concept.objects.get(pk=term.concept_id)
    concept.pref_label = "peintures"
    concept.save()
    term.refresh_from_db()
    assert (term.label, term.concept_id) == ("peintures", concept.pk)

"""`export_lido`: published works as LIDO-MC, valid LIDO 1.0 and 1.1, the profile's rules
(shared/docs/lido-mc.md §9) held, values of the imported notices carried over."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from lxml import etree

from exporters import lido
from importers import joconde as reader
from museum_collections.models import Person, Work

pytestmark = pytest.mark.django_db
NS = {"lido": lido.LIDO}
LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture
def catalogue(joconde_catalogue):
    return {ref: notice.fields for ref, notice in joconde_catalogue.items()}


def export(tmp_path):
    path = tmp_path / "lido.xml"
    call_command("export_lido", "--output", str(path), stdout=StringIO())
    return path


def records(path) -> dict[str, etree._Element]:
    root = etree.parse(str(path)).getroot()
    assert root.tag == f"{{{lido.LIDO}}}lidoWrap"
    return {
        r.findtext("lido:administrativeMetadata/lido:recordWrap/lido:recordID", namespaces=NS): r
        for r in root.findall("lido:lido", NS)
    }


def test_every_record_is_valid_lido_1_0_and_1_1(catalogue, tmp_path):
    found = records(export(tmp_path))
    assert len(found) == Work.objects.public().count() == 18
    for version in ("1.0", "1.1"):
        schema = lido.schema(version)
        for record in found.values():
            schema.assertValid(etree.ElementTree(record))


def test_the_profile_rules_hold_for_every_record(catalogue, tmp_path, settings):
    museo = settings.CARTEL_MUSEUM["MUSEOFILE"]
    for ref, record in records(export(tmp_path)).items():
        assert record.findtext("lido:lidoRecID", namespaces=NS) == f"{museo}/{ref}"
        work = Work.objects.get(joconde_ref=ref)
        xpath = "lido:descriptiveMetadata/lido:objectIdentificationWrap/lido:repositoryWrap/"
        inventory = record.find(f"{xpath}lido:repositorySet/lido:workID", NS)
        assert inventory.get(f"{{{lido.LIDO}}}type") == "inventory number"
        assert inventory.text == work.inventory_number
        body = record.find(f"{xpath}lido:repositorySet/lido:repositoryName/lido:legalBodyID", NS)
        assert body.text == museo and body.get(f"{{{lido.LIDO}}}source") == "Muséofile"
        assert record.xpath(".//lido:classification[@lido:type='domaine']", namespaces=NS)
        assert record.find("lido:descriptiveMetadata", NS).get(LANG) == "fr"
        assert record.find("lido:administrativeMetadata", NS).get(LANG) == "fr"
        link = record.findtext(".//lido:recordInfoLink", namespaces=NS)
        assert link.endswith(f"/collections/{ref}/")


def text_of(record, path):
    return [e.text for e in record.xpath(path, namespaces=NS)]


def test_the_values_of_the_notices_are_carried_over(catalogue, tmp_path):
    found = records(export(tmp_path))
    for ref, fields in catalogue.items():
        record = found[ref]
        assert text_of(
            record, ".//lido:titleSet/lido:appellationValue[@lido:pref='preferred']"
        ) == [fields.get("TITR") or fields.get("DENO") or fields["INV"]]
        domains = text_of(record, ".//lido:classification[@lido:type='domaine']/lido:term")
        assert domains == reader.split_list(fields["DOMN"])
        if "AUTR" in fields:
            shown = text_of(record, ".//lido:eventActor/lido:displayActorInRole")
            assert len(shown) == len(reader.split_list(fields["AUTR"]))
        dims = Work.objects.get(joconde_ref=ref).dimensions_display
        if dims:
            assert text_of(record, ".//lido:displayObjectMeasurements")[0] == dims
        if "STAT" in fields:
            stat = Work.objects.get(joconde_ref=ref).legal_status
            assert text_of(record, ".//lido:eventSet/lido:displayEvent") == [stat]


def test_a_maker_comes_with_role_dates_and_authority_uris(catalogue, tmp_path):
    work = Work.objects.get(joconde_ref="05000000115")  # La terrasse de Pebeyre, Gaston Vuillier
    person = work.makers.get().person
    Person.objects.filter(pk=person.pk).update(
        wikidata_id="Q3098425", birth_year=1845, death_year=1915
    )
    record = records(export(tmp_path))["05000000115"]
    actor = record.find(".//lido:eventActor/lido:actorInRole", NS)
    assert actor.findtext("lido:actor/lido:actorID", namespaces=NS) == (
        "http://www.wikidata.org/entity/Q3098425"
    )
    dates = actor.find("lido:actor/lido:vitalDatesActor", NS)
    assert [d.text for d in dates] == ["1845", "1915"]
    assert actor.findtext("lido:roleActor/lido:term", namespaces=NS) == "dessinateur"
    # Vuillier died in 1915: his work is in the public domain.
    rights = record.find(".//lido:rightsWorkWrap//lido:rightsType/lido:conceptID", NS)
    assert rights.text == "http://creativecommons.org/publicdomain/mark/1.0/"


def test_unpublished_and_missing_works_are_not_exported(catalogue, tmp_path):
    from museum_collections.services.lido_records import lido_works

    Work.objects.filter(joconde_ref="05000000091").update(is_public=False)
    assert "05000000091" not in records(export(tmp_path))
    assert lido_works().count() == 17


def test_an_invalid_record_is_named_and_the_previous_file_kept(catalogue, tmp_path, test_data):
    path = export(tmp_path)
    before = path.read_bytes()
    with pytest.raises(etree.DocumentInvalid, match="mona_lisa.*not valid LIDO 1.1"):
        lido.validate(test_data / "lido" / "thirdparty_omeka-mapper_mona_lisa.lido.xml", ["1.1"])

    def failing():  # the database goes away after two records
        from museum_collections.services.lido_records import lido_records

        for n, record in enumerate(lido_records()):
            if n == 2:
                raise RuntimeError("connection lost")
            yield record

    with pytest.raises(RuntimeError):
        lido.export(failing(), path)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob(".lido.xml.*"))


def test_the_composed_lido_mc_record_is_rebuilt_from_its_joconde_notice(test_data):
    """shared/docs/lido-mc.md §7: the composed record's source notice gives the same record."""
    record = lido.LidoRecord(
        notice={
            "REF": ["M9999000123"],
            "MUSEO": ["M9999"],
            "INV": ["2024.1.1"],
            "DENO": ["tableau"],
            "DOMN": ["peinture"],
            "TITR": ["Vue du port au soleil couchant"],
            "AUTR": ["MARTIN Jean (peintre)"],
            "MILL": ["1874"],
            "PERI": ["4e quart 19e siècle"],
            "ECOL": ["France"],
            "TECH": ["peinture à l'huile", "toile"],
            "DIMS": ["H. 61 ; l. 50"],
            "INSC": ["signature"],
            "PINS": ["signé et daté en bas à droite : J. Martin 1874"],
            "REPR": ["port", "barque"],
            "LOCA": ["Exempleville ; Musée d'exemple"],
            "COPY": ["© Exempleville, Musée d'exemple, 2024"],
        },
        museum_name="Musée d'exemple",
        actors=[lido.Actor("MARTIN Jean", "MARTIN Jean (peintre)", role="peintre")],
        measurements=[
            lido.Measurement("hauteur", "cm", "61"),
            lido.Measurement("largeur", "cm", "50"),
        ],
        dates={"MILL": (1874, 1874)},
        concepts={
            "DOMN": [
                lido.Concept(
                    "peinture",
                    "http://data.culture.fr/thesaurus/resource/ark:/67717/T51-42",
                    "Liste d'autorités Domaines - Joconde (T51)",
                )
            ],
            "TECH:technique": [lido.Concept("peinture à l'huile")],
            "TECH:material": [lido.Concept("toile")],
        },
    )
    ours = lido.lido_element(record)
    theirs = etree.parse(str(test_data / "lido" / "composed_minimal_lido-mc.xml")).getroot()
    for version in ("1.0", "1.1"):
        lido.schema(version).assertValid(etree.ElementTree(ours))
    for path in (
        "lido:lidoRecID",
        ".//lido:objectWorkType/lido:term",
        ".//lido:classification/lido:conceptID",
        ".//lido:titleSet/lido:appellationValue",
        ".//lido:inscriptions/lido:inscriptionTranscription",
        ".//lido:repositorySet/lido:workID",
        ".//lido:repositoryLocation//lido:appellationValue",
        ".//lido:displayObjectMeasurements",
        ".//lido:measurementsSet/*",
        ".//lido:eventType/lido:conceptID",
        ".//lido:eventActor//lido:appellationValue",
        ".//lido:roleActor/lido:term",
        ".//lido:culture/lido:term",
        ".//lido:eventDate/lido:displayDate | .//lido:eventDate/lido:date/*",
        ".//lido:periodName/lido:term",
        ".//lido:termMaterialsTech/lido:term",
        ".//lido:subjectConcept/lido:term",
        ".//lido:recordWrap/lido:recordID",
        ".//lido:recordType/lido:conceptID",
        ".//lido:recordSource/lido:legalBodyID",
        ".//lido:recordRights/lido:creditLine",
    ):
        assert text_of(ours, path) == text_of(theirs, path), path
    assert ours.xpath(".//lido:termMaterialsTech/@lido:type", namespaces=NS) == theirs.xpath(
        ".//lido:termMaterialsTech/@lido:type", namespaces=NS
    )


def test_a_published_image_is_a_resource_with_its_rights(catalogue, tmp_path, test_data, settings):
    from django.core.files.images import ImageFile

    from museum_collections.models import CartelImage, Rights, WorkMedia

    settings.MEDIA_ROOT = tmp_path / "media"
    work = Work.objects.get(joconde_ref="05000000115")
    for name, public in (
        ("progressive_zurbaran_agnus-dei.jpg", True),
        ("exif-orientation-3_pillow_hopper.jpg", False),
    ):
        with open(test_data / "images" / name, "rb") as f:
            image = CartelImage.objects.create(
                title=name,
                file=ImageFile(f, name=name),
                is_public=public,
                rights=Rights.CC_BY,
                credit="© Musée, photo J. D.",
                rights_holder="J. D.",
            )
        WorkMedia.objects.create(work=work, image=image, sort_order=work.media.count())
    resources = records(export(tmp_path))["05000000115"].findall(".//lido:resourceSet", NS)
    assert len(resources) == 1  # the image whose rights are not cleared stays out
    resource = resources[0]
    assert resource.findtext("lido:resourceID", namespaces=NS) == "05000000115_1.jpg"
    assert resource.findtext(".//lido:linkResource", namespaces=NS).endswith(
        "/full/max/0/default.jpg"
    )
    assert resource.findtext(".//lido:rightsType/lido:conceptID", namespaces=NS) == (
        "http://creativecommons.org/licenses/by/4.0/"
    )
    assert resource.findtext(".//lido:creditLine", namespaces=NS) == "© Musée, photo J. D."


def test_no_output_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No folder"):
        call_command("export_lido", "--output", str(tmp_path / "nowhere" / "lido.xml"))

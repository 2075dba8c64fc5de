"""No private value reaches any public output: a secret is planted in every private field of
every published work, of its makers and its donor, in a storage location and in an image not
cleared for publication; then every export, the OAI-PMH provider and IIIF are searched."""

import zipfile
from io import StringIO

import pytest
from django.core.files.images import ImageFile
from django.core.management import call_command
from lxml import etree

from museum_collections.models import CartelImage, Location, Person, Rights, Work, WorkMedia
from tests.markers import MARKER, leaked, plant_markers

pytestmark = pytest.mark.django_db
OAI = {"o": "http://www.openarchives.org/OAI/2.0/"}


@pytest.fixture
def planted(joconde_catalogue, test_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CARTEL_OAI_PAGE_SIZE = 7
    store = Location.objects.create(code="PRIV-7f3a9-R1", name=MARKER, kind=Location.Kind.ROOM)
    donor = Person.objects.create(name="Donateur")
    assert "email" in plant_markers(donor)
    for person in Person.objects.filter(works_made__isnull=False).distinct():
        plant_markers(person)
    works = list(Work.objects.public())
    for work in works:
        work.acquisition_source, work.normal_location = donor, store
        planted = plant_markers(work)
    assert {"internal_notes", "insurance_value", "acquisition_price", "imported_records"} <= set(
        planted
    )
    for name, public in (
        ("progressive_zurbaran_agnus-dei.jpg", True),
        ("exif-orientation-3_pillow_hopper.jpg", False),
    ):
        with open(test_data / "images" / name, "rb") as f:
            image = CartelImage(title=name, file=ImageFile(f, name=name), is_public=public)
            image.rights = Rights.CC_BY
            image.save()
        plant_markers(image)
        if not public:
            image.title = MARKER
            image.save()
        WorkMedia.objects.create(work=works[0], image=image, caption="" if public else MARKER)
    return works


def exports(tmp_path) -> dict[str, str]:
    """Every export command's output, as text."""
    runs = {
        "joconde.txt": ("export_joconde", "--format", "txt"),
        "joconde.csv": ("export_joconde", "--format", "csv"),
        "joconde.xml": ("export_joconde", "--format", "xml"),
        "joconde.zip": ("export_joconde", "--format", "txt", "--images"),
        "oeuvres.csv": ("export_opendata", "--format", "csv"),
        "oeuvres.jsonl": ("export_opendata", "--format", "jsonl"),
        "lido.xml": ("export_lido",),
    }
    texts = {}
    for name, command in runs.items():
        path = tmp_path / name
        call_command(*command, "--output", str(path), stdout=StringIO())
        if name.endswith(".zip"):
            with zipfile.ZipFile(path) as archive:
                texts[name] = " ".join(archive.namelist())
                texts[name] += archive.read("joconde.txt").decode()
        else:
            texts[name] = path.read_text(encoding="utf-8")
        report = path.with_name(f"{name}.report.csv")
        if report.exists():
            texts[report.name] = report.read_text(encoding="utf-8-sig")
    return texts


def oai_pages(client) -> dict[str, str]:
    texts = {}
    for verb in ("Identify", "ListSets"):
        texts[verb] = client.get("/oai", {"verb": verb}).content.decode()
    for prefix in ("oai_dc", "lido"):
        arguments = {"verb": "ListRecords", "metadataPrefix": prefix}
        for page in range(10):
            content = client.get("/oai", arguments).content
            texts[f"ListRecords {prefix} {page}"] = content.decode()
            token = etree.fromstring(content).findtext(".//o:resumptionToken", namespaces=OAI)
            if not token:
                break
            arguments = {"verb": "ListRecords", "resumptionToken": token}
    return texts


def iiif_documents(client, works) -> dict[str, str]:
    texts = {}
    for work in works:
        texts[work.joconde_ref] = client.get(
            f"/iiif/{work.joconde_ref}/manifest.json"
        ).content.decode()
    for image in CartelImage.objects.all():
        response = client.get(f"/iiif/image/{image.pk}/info.json")
        texts[f"info {image.pk}"] = response.content.decode()
    return texts


def test_no_private_value_reaches_any_public_output(planted, client, tmp_path):
    outputs = {**exports(tmp_path), **oai_pages(client), **iiif_documents(client, planted)}
    assert len(outputs) >= 20
    found = {name: leaked(text) for name, text in outputs.items() if leaked(text)}
    assert found == {}
    # The outputs are not empty: the published works and their cleared image are there.
    first = planted[0]
    for name in ("joconde.xml", "oeuvres.jsonl", "lido.xml", "ListRecords lido 0"):
        assert any(w.joconde_ref in outputs[name] for w in planted), name
    assert "Canvas" in outputs[first.joconde_ref]
    assert "lido:resourceSet" in outputs["lido.xml"] and "_1.jpg" in outputs["joconde.zip"]

"""IIIF on the portal: the Image API serves published images only, from a disk cache; the
Presentation 3 manifests of published works validate against the official JSON Schema and
carry no private field."""

import io
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image

from exporters import iiif
from museum_collections.models import (
    CartelDocument,
    CartelImage,
    Dimension,
    Location,
    Person,
    Work,
    WorkDenomination,
    WorkDomain,
    WorkMaker,
    WorkMaterial,
    WorkMedia,
    WorkTechnique,
)
from portal.iiif import work_manifest
from tests.markers import MARKER, SECRET_AMOUNT, SECRET_DATE, plant_markers

pytestmark = pytest.mark.django_db

ZURBARAN = "progressive_zurbaran_agnus-dei.jpg"  # 1000 × 593
TIEPOLO = "png-alpha_tiepolo_allegory-with-venus-and-time.png"  # 640 × 977, alpha
HOPPER = "exif-orientation-3_pillow_hopper.jpg"  # 128 × 128
LARGE = "large-7500px_publicdomainvectors_man-burning-bonfire.jpg"  # 7500 × 7500


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CARTEL_IIIF_CACHE = tmp_path / "iiif-cache"
    settings.CARTEL_PUBLIC_URL = "https://musee.example.org"
    cache.clear()  # the sizes of sources read earlier
    return settings.CARTEL_IIIF_CACHE


@pytest.fixture
def schema(test_data):
    document = json.loads((test_data / "iiif" / "iiif_3_0.json").read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(document)(document)


@pytest.fixture
def attach(test_data):
    """Attach an image file of tests/data/images to a work, as the admin does."""

    def attach(work, name, *, public=True, primary=False, caption="", **fields):
        with open(test_data / "images" / name, "rb") as f:
            image = CartelImage(
                title=name, file=ImageFile(f, name=name), is_public=public, **fields
            )
            image.save()
        WorkMedia.objects.create(
            work=work,
            image=image,
            is_primary=primary,
            caption=caption,
            sort_order=work.media.count(),
        )
        return image

    return attach


def attach_document(work, name, content=b"data", *, public=True, **fields):
    document = CartelDocument.objects.create(
        title=name, file=ContentFile(content, name=name), is_public=public, **fields
    )
    WorkMedia.objects.create(work=work, document=document, sort_order=work.media.count())
    return document


@pytest.fixture
def work(vocabularies):
    work = Work.objects.create(
        inventory_number="2019.1.1",
        title="Le Mystère catholique",
        creation_date="vers 1890",
        description="Une Annonciation dans un intérieur bourgeois.",
        credit_line="Don de la Société des amis du musée, 2019",
        is_public=True,
    )
    maker = Person.objects.create(name="Maurice Denis", death_year=1943)
    WorkMaker.objects.create(work=work, person=maker, role="peintre")
    WorkDomain.objects.create(work=work, label="peinture")
    WorkDenomination.objects.create(work=work, label="tableau")
    WorkMaterial.objects.create(work=work, label="toile")
    WorkTechnique.objects.create(work=work, label="peinture à l'huile")
    Dimension.objects.create(work=work, kind="height", value=Decimal("51.5"), unit="cm")
    return work


def get(client, url, **headers):
    return client.get(url, headers=headers)


def decoded(response) -> Image.Image:
    return Image.open(io.BytesIO(b"".join(response.streaming_content)))


# --- Image API -----------------------------------------------------------------------------


def test_info_json_describes_a_level_2_service_with_tiles(client, work, attach):
    image = attach(work, ZURBARAN, rights="public_domain")
    response = client.get(f"/iiif/image/{image.pk}/info.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Link"] == '<http://iiif.io/api/image/3/level2.json>;rel="profile"'
    assert "max-age" in response["Cache-Control"]
    info = response.json()
    assert info["@context"] == "http://iiif.io/api/image/3/context.json"
    assert info["id"] == f"http://testserver/iiif/image/{image.pk}"
    assert (info["type"], info["protocol"], info["profile"]) == (
        "ImageService3",
        "http://iiif.io/api/image",
        "level2",
    )
    assert (info["width"], info["height"]) == (1000, 593)
    assert info["tiles"] == [{"width": 512, "height": 512, "scaleFactors": [1, 2]}]
    assert info["sizes"] == [{"width": 500, "height": 297}, {"width": 1000, "height": 593}]
    assert info["rights"] == "http://creativecommons.org/publicdomain/mark/1.0/"
    assert {"mirroring", "rotationArbitrary", "sizeUpscaling"} <= set(info["extraFeatures"])


def test_info_json_is_json_ld_when_asked(client, work, attach):
    image = attach(work, ZURBARAN)
    response = get(client, f"/iiif/image/{image.pk}/info.json", Accept="application/ld+json")
    assert response["Content-Type"] == (
        'application/ld+json;profile="http://iiif.io/api/image/3/context.json"'
    )
    assert "rights" not in response.json()  # rights not cleared: no statement to give


def test_the_base_uri_redirects_to_info_json(client, work, attach):
    image = attach(work, ZURBARAN)
    response = client.get(f"/iiif/image/{image.pk}")
    assert response.status_code == 303
    assert response["Location"] == f"http://testserver/iiif/image/{image.pk}/info.json"


def test_the_full_image_with_its_headers(client, work, attach):
    image = attach(work, ZURBARAN)
    response = client.get(f"/iiif/image/{image.pk}/full/max/0/default.jpg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Link"] == (
        '<http://iiif.io/api/image/3/level2.json>;rel="profile", '
        f'<http://testserver/iiif/image/{image.pk}/full/max/0/default.jpg>;rel="canonical"'
    )
    assert response["Cache-Control"] == "public, max-age=3600"
    picture = decoded(response)
    assert (picture.format, picture.size, picture.mode) == ("JPEG", (1000, 593), "RGB")


@pytest.mark.parametrize(
    "path, fmt, size, mode, canonical",
    [
        ("square/max/0/default.png", "PNG", (593, 593), "RGB", "203,0,593,593/max/0/default.png"),
        ("0,0,512,512/256,/0/default.jpg", "JPEG", (256, 256), "RGB", None),
        ("pct:50,50,50,50/,100/0/gray.webp", "WEBP", (169, 100), "RGB", None),
        ("full/!200,200/90/color.jpg", "JPEG", (119, 200), "RGB", "full/200,119/90/color.jpg"),
        ("full/^2000,/0/default.jpg", "JPEG", (2000, 1186), "RGB", "full/^2000,1186/0/default.jpg"),
        ("full/pct:10/!180/bitonal.png", "PNG", (100, 59), "1", "full/100,59/!180/bitonal.png"),
        ("full/100,100/45/default.png", "PNG", (142, 142), "RGBA", None),
    ],
)
def test_regions_sizes_rotations_qualities_and_formats(
    client, work, attach, path, fmt, size, mode, canonical
):
    image = attach(work, ZURBARAN)
    response = client.get(f"/iiif/image/{image.pk}/{path}")
    assert response.status_code == 200, response.content
    picture = decoded(response)
    assert (picture.format, picture.size, picture.mode) == (fmt, size, mode)
    assert response["Content-Type"] == Image.MIME[fmt]
    if canonical:
        assert f"/iiif/image/{image.pk}/{canonical}>" in response["Link"]


def test_gray_has_no_colour_and_color_keeps_it(client, work, attach):
    image = attach(work, TIEPOLO)
    gray = decoded(client.get(f"/iiif/image/{image.pk}/full/64,/0/gray.jpg"))
    assert gray.mode == "L"
    colour = decoded(client.get(f"/iiif/image/{image.pk}/full/64,/0/color.jpg"))
    assert colour.mode == "RGB"
    assert any(len(set(colour.getpixel((x, y)))) > 1 for x in range(64) for y in range(0, 98, 7))


def test_mirroring_flips_the_image_left_to_right(client, work, attach):
    image = attach(work, ZURBARAN)
    plain = decoded(client.get(f"/iiif/image/{image.pk}/0,0,100,100/max/0/default.png"))
    mirrored = decoded(client.get(f"/iiif/image/{image.pk}/0,0,100,100/max/!0/default.png"))
    assert mirrored.getpixel((99, 10)) == plain.getpixel((0, 10))
    assert mirrored.getpixel((0, 60)) == plain.getpixel((99, 60))


@pytest.mark.parametrize(
    "path, status",
    [
        ("full/max/0/default.bmp", 400),  # not an IIIF format
        ("full/max/0/default.tif", 501),  # an IIIF format this server does not make
        ("full/max/0/sepia.jpg", 400),
        ("full/max/0/default", 400),
        ("everything/max/0/default.jpg", 400),
        ("0,0,0,10/max/0/default.jpg", 400),  # empty region
        ("2000,0,10,10/max/0/default.jpg", 400),  # outside the image
        ("full/2000,/0/default.jpg", 400),  # upscaling without ^
        ("full/pct:101/0/default.jpg", 400),
        ("full/0,/0/default.jpg", 400),
        ("full/^9000,9000/0/default.jpg", 400),  # beyond maxArea
        ("full/max/361/default.jpg", 400),
        ("full/max/-90/default.jpg", 400),
    ],
)
def test_malformed_and_unsupported_requests_get_the_status_the_spec_gives(
    client, work, attach, path, status
):
    image = attach(work, ZURBARAN)
    response = client.get(f"/iiif/image/{image.pk}/{path}")
    assert response.status_code == status
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.content  # the reason, in plain text


def test_only_published_images_of_published_works_are_served(client, work, attach):
    shown = attach(work, ZURBARAN)
    not_cleared = attach(work, HOPPER, public=False)
    draft = Work.objects.create(inventory_number="2019.1.2", is_public=False)
    of_a_draft = attach(draft, TIEPOLO)
    deleted = Work.objects.create(inventory_number="2019.1.3", is_public=True)
    of_a_deleted_work = attach(deleted, TIEPOLO)
    deleted.is_deleted, deleted.deletion_reason = True, "doublon"
    deleted.save()
    unattached = CartelImage.objects.create(
        title="loose", file=ContentFile(shown.file.open("rb").read(), name="x.jpg"), is_public=True
    )
    assert client.get(f"/iiif/image/{shown.pk}/info.json").status_code == 200
    for image in (not_cleared, of_a_draft, of_a_deleted_work, unattached):
        for path in ("", "/info.json", "/full/max/0/default.jpg", "/square/100,/0/gray.png"):
            response = client.get(f"/iiif/image/{image.pk}{path}")
            assert response.status_code == 404, (image.title, path)
    assert client.get("/iiif/image/999999/info.json").status_code == 404
    assert client.get("/iiif/image/nothing/info.json").status_code == 404


def test_an_image_whose_file_is_missing_is_a_404_not_a_crash(client, work, attach):
    image = attach(work, ZURBARAN)
    image.file.storage.delete(image.file.name)
    for path in ("/info.json", "/full/max/0/default.jpg"):
        assert client.get(f"/iiif/image/{image.pk}{path}").status_code == 404


def test_derived_images_are_cached_on_disk_and_reused(client, work, attach, media):
    image = attach(work, ZURBARAN)
    first = client.get(f"/iiif/image/{image.pk}/full/max/0/default.png")
    assert first.status_code == 200
    files = list((media / str(image.pk)).iterdir())
    assert len(files) == 1 and files[0].suffix == ".png"
    assert files[0].read_bytes() == b"".join(first.streaming_content)
    # Served from the cache, whatever the form of the request: no decoding of the source.
    files[0].write_bytes(b"from the cache")
    again = client.get(f"/iiif/image/{image.pk}/0,0,1000,593/1000,/0/default.png")
    assert b"".join(again.streaming_content) == b"from the cache"
    assert list((media / str(image.pk)).iterdir()) == files  # no temporary file left behind
    # A new version of the file is a new cache entry.
    with open(image.file.path, "wb") as f:
        Image.new("RGB", (1000, 593), "red").save(f, "PNG")
    image.file_hash = "another-version"
    image.save()
    fresh = decoded(client.get(f"/iiif/image/{image.pk}/full/max/0/default.png"))
    assert fresh.getpixel((0, 0)) == (255, 0, 0)
    assert len(list((media / str(image.pk)).iterdir())) == 2


def test_prune_removes_the_cached_images_not_served_lately(client, work, attach, settings):
    import os
    import time
    from io import StringIO

    from django.core.management import call_command

    image = attach(work, ZURBARAN)
    for size in ("100,", "200,"):
        assert client.get(f"/iiif/image/{image.pk}/full/{size}/0/default.jpg").status_code == 200
    cached = sorted(Path(settings.CARTEL_IIIF_CACHE).glob("*/*"))
    assert len(cached) == 2
    old = time.time() - 40 * 86400
    for path in cached:
        os.utime(path, (old, old))
    client.get(f"/iiif/image/{image.pk}/full/100,/0/default.jpg")  # served again: kept
    out = StringIO()
    call_command("prune_iiif_cache", stdout=out)
    assert "1 cached images removed" in out.getvalue()
    assert len(list(Path(settings.CARTEL_IIIF_CACHE).glob("*/*"))) == 1


def test_a_client_with_the_current_version_gets_304(client, work, attach):
    image = attach(work, ZURBARAN)
    url = f"/iiif/image/{image.pk}/full/100,/0/default.jpg"
    etag = client.get(url)["ETag"]
    response = get(client, url, **{"If-None-Match": etag})
    assert response.status_code == 304
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_large_image_is_capped_to_max_area(client, work, attach):
    image = attach(work, LARGE)
    info = client.get(f"/iiif/image/{image.pk}/info.json").json()
    assert (info["width"], info["height"], info["maxArea"]) == (7500, 7500, 25_000_000)
    assert all(s["width"] * s["height"] <= 25_000_000 for s in info["sizes"])
    assert info["tiles"][0]["scaleFactors"] == [1, 2, 4, 8, 16]
    tile = decoded(client.get(f"/iiif/image/{image.pk}/0,0,4096,4096/512,/0/default.jpg"))
    assert tile.size == (512, 512)
    biggest = decoded(client.get(f"/iiif/image/{image.pk}/full/max/0/default.jpg"))
    assert biggest.size == (5000, 5000)


def test_a_source_beyond_the_pixel_limit_is_not_decoded(client, work, attach, settings):
    image = attach(work, ZURBARAN)
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 500_000  # less than 1000 × 593
    response = client.get(f"/iiif/image/{image.pk}/full/100,/0/default.jpg")
    assert response.status_code == 501
    assert b"593" in response.content


# --- Presentation API ----------------------------------------------------------------------


def assert_valid(schema, manifest):
    errors = sorted(schema.iter_errors(manifest), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


@pytest.mark.parametrize("name", ["full_example", "simple_video", "publicdomain"])
def test_the_schema_accepts_the_validators_good_fixtures(schema, test_data, name):
    fixture = json.loads((test_data / "iiif" / "validator-fixtures" / f"{name}.json").read_text())
    assert_valid(schema, fixture)


@pytest.mark.parametrize("name", ["broken_simple_image", "non_cc_license"])
def test_the_schema_rejects_the_validators_broken_fixtures(schema, test_data, name):
    fixture = json.loads((test_data / "iiif" / "validator-fixtures" / f"{name}.json").read_text())
    assert not schema.is_valid(fixture)


def test_the_schema_rejects_a_broken_manifest_of_ours(client, schema, work, attach):
    attach(work, ZURBARAN)
    manifest = client.get(f"/iiif/{work.joconde_ref}/manifest.json").json()
    assert schema.is_valid(manifest)
    del manifest["items"][0]["width"]  # a canvas with a height and no width
    assert not schema.is_valid(manifest)


def test_the_manifest_of_a_published_work(client, schema, work, attach):
    zurbaran = attach(work, ZURBARAN, rights="public_domain", credit="© Musée, photo J. D.")
    tiepolo = attach(
        work, TIEPOLO, primary=True, caption="Détail", rights="public_domain", rights_holder="RMN"
    )
    response = client.get(f"/iiif/{work.joconde_ref}/manifest.json")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'
    )
    assert response["Access-Control-Allow-Origin"] == "*"
    manifest = response.json()
    assert_valid(schema, manifest)
    base = f"http://testserver/iiif/{work.joconde_ref}"
    assert manifest["@context"] == "http://iiif.io/api/presentation/3/context.json"
    assert (manifest["id"], manifest["type"]) == (f"{base}/manifest.json", "Manifest")
    assert manifest["label"] == {"fr": ["Le Mystère catholique"]}
    metadata = {entry["label"]["en"][0]: entry["value"]["fr"] for entry in manifest["metadata"]}
    assert metadata == {
        "Inventory number": ["2019.1.1"],
        "Date": ["vers 1890"],
        "Makers": ["Maurice Denis (peintre)"],
        "Domains": ["peinture"],
        "Denomination": ["tableau"],
        "Materials": ["toile"],
        "Techniques": ["peinture à l'huile"],
        "Dimensions": ["H. 51.5 cm"],
    }
    assert manifest["metadata"][0]["label"]["fr"] == ["Numéro d'inventaire"]
    assert manifest["summary"] == {"fr": ["Une Annonciation dans un intérieur bourgeois."]}
    assert manifest["requiredStatement"]["value"] == {
        "fr": ["Don de la Société des amis du musée, 2019"]
    }
    assert manifest["rights"] == "http://creativecommons.org/publicdomain/mark/1.0/"
    assert manifest["homepage"][0]["id"] == (
        f"https://musee.example.org/collections/{work.joconde_ref}/"
    )
    service = f"http://testserver/iiif/image/{tiepolo.pk}"
    assert manifest["thumbnail"][0]["id"] == f"{service}/full/262,400/0/default.jpg"
    first, second = manifest["items"]
    assert (first["id"], first["width"], first["height"]) == (
        f"{base}/canvas/image-{zurbaran.pk}",
        1000,
        593,
    )
    assert first["requiredStatement"]["value"] == {"fr": ["© Musée, photo J. D."]}
    assert second["label"] == {"fr": ["Détail"]}
    assert second["requiredStatement"]["value"] == {"fr": ["RMN"]}
    annotation = second["items"][0]["items"][0]
    assert (annotation["motivation"], annotation["target"]) == ("painting", second["id"])
    assert annotation["body"]["id"] == f"{service}/full/max/0/default.jpg"
    assert annotation["body"]["service"] == [
        {"id": service, "type": "ImageService3", "profile": "level2"}
    ]
    # Every address in the manifest that the Image API serves does answer.
    for url in (annotation["body"]["id"], manifest["thumbnail"][0]["id"], f"{service}/info.json"):
        assert client.get(url.removeprefix("http://testserver")).status_code == 200


def test_rights_are_given_per_canvas_when_the_files_differ(client, schema, work, attach):
    attach(work, ZURBARAN, rights="cc_by")
    attach(work, TIEPOLO, rights="etalab")  # not a URI Presentation 3 accepts: left out
    manifest = client.get(f"/iiif/{work.joconde_ref}/manifest.json").json()
    assert_valid(schema, manifest)
    assert "rights" not in manifest
    assert manifest["items"][0]["rights"] == "http://creativecommons.org/licenses/by/4.0/"
    assert "rights" not in manifest["items"][1]


def test_sound_video_and_pdf_are_linked_from_the_manifest(client, schema, work, attach):
    attach(work, HOPPER)
    sound = attach_document(work, "entretien.mp3", credit="© Musée")
    video = attach_document(work, "restauration.webm")
    leaflet = attach_document(work, "notice.pdf", b"%PDF-1.4")
    attach_document(work, "acte-de-donation.pdf", b"%PDF-1.4", public=False)
    manifest = client.get(f"/iiif/{work.joconde_ref}/manifest.json").json()
    assert_valid(schema, manifest)
    assert len(manifest["items"]) == 1  # the durations are unknown: no time-based canvas
    links = {r["id"].removeprefix("http://testserver"): r for r in manifest["rendering"]}
    assert set(links) == {sound.url, video.url, leaflet.url}
    assert (links[sound.url]["type"], links[sound.url]["format"]) == ("Sound", "audio/mpeg")
    assert (links[video.url]["type"], links[video.url]["format"]) == ("Video", "video/webm")
    assert (links[leaflet.url]["type"], links[leaflet.url]["format"]) == (
        "Text",
        "application/pdf",
    )
    assert "acte-de-donation" not in json.dumps(manifest)


def test_a_sound_of_known_duration_is_a_time_based_canvas(schema):
    """The format code, given a duration, paints the sound on a canvas of that duration."""
    sound = iiif.TimeMedia(
        id="https://musee.example.org/iiif/M5062000001/canvas/document-1",
        label={"fr": ["Entretien"]},
        kind="Sound",
        url="https://musee.example.org/documents/1/entretien.mp3",
        format="audio/mpeg",
        duration=1985.3,
    )
    data = iiif.ManifestData(
        id="https://musee.example.org/iiif/M5062000001/manifest.json",
        label={"fr": ["Entretien avec la restauratrice"]},
        homepage="https://musee.example.org/collections/M5062000001/",
        items=[sound],
    )
    manifest = iiif.manifest(data)
    assert_valid(schema, manifest)
    canvas = manifest["items"][0]
    assert canvas["duration"] == 1985.3 and "width" not in canvas
    assert canvas["items"][0]["items"][0]["body"]["type"] == "Sound"
    assert "rendering" not in manifest


def test_the_label_falls_back_to_the_denomination_then_the_inventory_number(client, schema):
    untitled = Work.objects.create(inventory_number="2019.2.1", is_public=True)
    WorkDenomination.objects.create(work=untitled, label="statuette")
    bare = Work.objects.create(inventory_number="2019.2.2", is_public=True)
    for work, label in ((untitled, "statuette"), (bare, "2019.2.2")):
        manifest = client.get(f"/iiif/{work.joconde_ref}/manifest.json").json()
        assert_valid(schema, manifest)
        assert manifest["label"] == {"fr": [label]}
        assert manifest["items"] == [] and "thumbnail" not in manifest


def test_only_published_works_have_a_manifest(client, work):
    draft = Work.objects.create(inventory_number="2019.1.2", is_public=False)
    deleted = Work.objects.create(
        inventory_number="2019.1.3", is_public=True, is_deleted=True, deletion_reason="doublon"
    )
    assert client.get(f"/iiif/{work.joconde_ref}/manifest.json").status_code == 200
    for ref in (draft.joconde_ref, deleted.joconde_ref, "M0000999999"):
        assert client.get(f"/iiif/{ref}/manifest.json").status_code == 404


def test_no_private_field_reaches_a_manifest(client, schema, work, attach):
    planted = plant_markers(work)
    assert {"internal_notes", "insurance_value", "acquisition_price", "imported_records"} <= set(
        planted
    )
    work.acquisition_source = Person.objects.create(name=MARKER)
    work.normal_location = Location.objects.create(
        code="MK-1", name=MARKER, kind=Location.Kind.ROOM
    )
    work.save()
    for person in (work.acquisition_source, work.makers.get().person):
        assert "email" in plant_markers(person)
    shown = attach(work, ZURBARAN, rights="cc0")
    assert "description" in plant_markers(shown)
    attach(work, HOPPER, public=False, caption=MARKER)
    attach_document(work, f"{MARKER}.mp3", public=False)
    served = client.get(f"/iiif/{work.joconde_ref}/manifest.json").json()
    exported = work_manifest(work)  # outside a request: under CARTEL_PUBLIC_URL
    assert exported["id"] == f"https://musee.example.org/iiif/{work.joconde_ref}/manifest.json"
    for manifest in (served, exported):
        assert_valid(schema, manifest)
        text = json.dumps(manifest, ensure_ascii=False)
        assert "Le Mystère catholique" in text and f"image/{shown.pk}/" in text
        for secret in (MARKER, str(SECRET_AMOUNT), "8675309", SECRET_DATE.isoformat(), "MK-1"):
            assert secret not in text

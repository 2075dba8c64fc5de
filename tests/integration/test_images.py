"""Images are checked by Pillow before Cartel keeps them; a refusal names the file and says why."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from museum_collections.images import check_image_file
from museum_collections.models import CartelImage

ACCEPTED = {
    "cmyk-progressive_segantini_ave-maria-a-trasbordo.jpg": ("JPEG", 753, 1000),
    "progressive_zurbaran_agnus-dei.jpg": ("JPEG", 1000, 593),
    "multipage-pyramid_morisot_woman-at-her-toilette.tif": ("TIFF", 4946, 3703),
    "16bit-greyscale_pillow_16bit-cropped.tif": ("TIFF", 64, 64),
    "png-alpha_tiepolo_allegory-with-venus-and-time.png": ("PNG", 640, 977),
    "exif-orientation-6_pillow_hopper.jpg": ("JPEG", 128, 128),
    "large-7500px_publicdomainvectors_man-burning-bonfire.jpg": ("JPEG", 7500, 7500),
    "wrong-extension_png-named-jpg_book-of-kells-chi-rho.jpg": ("PNG", 484, 641),
}

REFUSED = {
    "truncated_pillow_truncated-jpeg.jpg": ("corrupt_image", "damaged"),
    "decompression-bomb_pillow_decompression-bomb.gif": (
        "decompression_bomb",
        "decompression bomb",
    ),
}


@pytest.mark.parametrize("name, expected", ACCEPTED.items())
def test_sound_images_are_accepted_with_what_pillow_reads(test_data, name, expected):
    with open(test_data / "images" / name, "rb") as f:
        info = check_image_file(f, name)
        assert f.tell() == 0  # left ready to be stored
    assert (info.format, info.width, info.height) == expected


@pytest.mark.parametrize("name, expected", REFUSED.items())
def test_corrupt_and_bomb_files_are_refused_naming_the_file(test_data, name, expected):
    code, words = expected
    with open(test_data / "images" / name, "rb") as f, pytest.raises(ValidationError) as error:
        check_image_file(f, name)
    assert error.value.code == code
    assert name in error.value.messages[0] and words in error.value.messages[0]


def test_the_pixel_limit_is_a_setting_and_its_message_gives_the_size(test_data, settings):
    name = "bomb-warning_wcdogg_gradient-10001x10000.png"
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 100_000_000
    with open(test_data / "images" / name, "rb") as f, pytest.raises(ValidationError) as error:
        check_image_file(f, name)
    assert error.value.code == "too_many_pixels"
    assert (
        "10001 × 10000" in error.value.messages[0] and "100 megapixels" in error.value.messages[0]
    )
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 128_000_000
    with open(test_data / "images" / name, "rb") as f:
        assert check_image_file(f, name).width == 10001


def test_a_text_file_is_not_an_image(tmp_path):
    path = tmp_path / "notice.jpg"
    path.write_text("REF\n01610014032\n//\n")
    with open(path, "rb") as f, pytest.raises(ValidationError) as error:
        check_image_file(f, path.name)
    assert error.value.code == "not_an_image" and "notice.jpg" in error.value.messages[0]


@pytest.mark.django_db
def test_the_admin_upload_refuses_a_truncated_photo_and_keeps_nothing(admin_client, test_data):
    name = "truncated_pillow_truncated-jpeg.jpg"
    upload = SimpleUploadedFile(name, (test_data / "images" / name).read_bytes(), "image/jpeg")
    response = admin_client.post(
        reverse("wagtailimages:add"), {"title": "Photo abîmée", "file": upload, "rights": "unknown"}
    )
    assert response.status_code == 200
    assert "damaged" in str(response.context["form"].errors["file"])
    assert not CartelImage.objects.exists()


@pytest.mark.django_db
def test_the_admin_upload_keeps_credit_rights_and_publication(admin_client, test_data):
    name = "progressive_zurbaran_agnus-dei.jpg"
    upload = SimpleUploadedFile(name, (test_data / "images" / name).read_bytes(), "image/jpeg")
    response = admin_client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Agnus Dei",
            "file": upload,
            "credit": "© Museo del Prado",
            "rights": "public_domain",
            "is_public": "on",
        },
    )
    assert response.status_code == 302
    image = CartelImage.objects.get()
    assert (image.credit, image.rights, image.is_public, image.width) == (
        "© Museo del Prado",
        "public_domain",
        True,
        1000,
    )


@pytest.mark.django_db
def test_the_multiple_upload_refuses_a_truncated_photo_with_the_reason(admin_client, test_data):
    name = "truncated_pillow_truncated-jpeg.jpg"
    upload = SimpleUploadedFile(name, (test_data / "images" / name).read_bytes(), "image/jpeg")
    response = admin_client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": upload},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    payload = response.json()
    assert payload["success"] is False
    assert "damaged" in payload["error_message"] and name in payload["error_message"]
    assert not CartelImage.objects.exists()


@pytest.mark.django_db
def test_a_document_not_cleared_for_publication_is_served_to_staff_only(client, make_user):
    from django.core.files.base import ContentFile

    from museum_collections.models import CartelDocument

    private = CartelDocument.objects.create(
        title="Acte de donation", file=ContentFile(b"%PDF-1.4 donor deed", name="acte.pdf")
    )
    public = CartelDocument.objects.create(
        title="Notice", file=ContentFile(b"%PDF-1.4 leaflet", name="notice.pdf"), is_public=True
    )
    assert client.get(private.url).status_code == 403
    assert client.get(public.url).status_code == 200
    client.force_login(make_user("Curator"))  # handles documents
    assert client.get(private.url).status_code == 200
    client.force_login(make_user("Researcher"))  # refused everything private (issue 9)
    assert client.get(private.url).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, kind",
    [
        ("entretien.MP3", "audio"),
        ("restauration.webm", "video"),
        ("dossier.pdf", "pdf"),
        ("x.zip", "other"),
    ],
)
def test_a_document_kind_follows_its_extension(name, kind):
    from museum_collections.models import CartelDocument

    assert CartelDocument(file=name).kind == kind

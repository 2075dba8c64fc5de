"""The IIIF Image API 3.0 format code: reading requests, applying them with Pillow, info.json."""

import io

import pytest
from PIL import Image

from exporters import iiif
from exporters.iiif import BadRequest, NotSupported, SourceTooLarge

IMAGES = "images"


def request(path: str, width=1000, height=600, **options) -> iiif.ImageRequest:
    region, size, rotation, quality_format = path.split("/")
    return iiif.parse_request(
        region, size, rotation, quality_format, width=width, height=height, **options
    )


def rendered(source, path: str, **options) -> Image.Image:
    with Image.open(source) as opened:
        width, height = iiif.oriented_size(opened)
    data = iiif.render(source, request(path, width, height), **options)
    return Image.open(io.BytesIO(data))


@pytest.mark.parametrize(
    "region, expected",
    [
        ("full", (0, 0, 1000, 600)),
        ("square", (200, 0, 600, 600)),
        ("10,20,30,40", (10, 20, 30, 40)),
        ("900,500,300,300", (900, 500, 100, 100)),  # cropped to the image
        ("pct:10,50,25,50", (100, 300, 250, 300)),
        ("pct:0.5,0,99.5,100", (5, 0, 995, 600)),
    ],
)
def test_regions(region, expected):
    assert iiif.parse_region(region, 1000, 600) == expected


def test_the_square_of_a_portrait_image_is_centred_vertically():
    assert iiif.parse_region("square", 600, 1001) == (0, 200, 600, 600)


@pytest.mark.parametrize(
    "region",
    ["", "Full", "1,2,3", "1,2,3,4,5", "-1,0,10,10", "0,0,0,10", "1000,0,10,10", "pct:0,0,101,50"],
)
def test_malformed_or_empty_regions_are_bad_requests(region):
    with pytest.raises(BadRequest):
        iiif.parse_region(region, 1000, 600)


@pytest.mark.parametrize(
    "size, expected",
    [
        ("max", (1000, 600)),
        ("500,", (500, 300)),
        (",300", (500, 300)),
        ("pct:25", (250, 150)),
        ("pct:12.5", (125, 75)),
        ("300,300", (300, 300)),  # the aspect ratio may change
        ("!500,500", (500, 300)),
        ("!2000,300", (500, 300)),
        ("!5000,5000", (1000, 600)),  # never larger than the region without ^
        ("^!5000,5000", (5000, 3000)),
        ("^2000,", (2000, 1200)),
        ("^,1200", (2000, 1200)),
        ("^pct:150", (1500, 900)),
        ("^1200,700", (1200, 700)),
        ("^max", (6454, 3872)),  # scaled up to maxArea
    ],
)
def test_sizes(size, expected):
    assert iiif.parse_size(size, 1000, 600) == expected


@pytest.mark.parametrize(
    "size",
    ["", "full", "0,", ",0", "1001,", ",601", "pct:101", "1200,700", "!0,10", "!10,", "^", "^^max"],
)
def test_impossible_sizes_are_bad_requests(size):
    with pytest.raises(BadRequest):
        iiif.parse_size(size, 1000, 600)


def test_max_is_capped_to_the_max_area_and_a_larger_request_refused():
    assert iiif.parse_size("max", 7500, 7500) == (5000, 5000)
    assert iiif.parse_size("max", 1000, 600, max_area=60_000) == (316, 189)
    with pytest.raises(BadRequest, match="maxArea"):
        iiif.parse_size("5001,5000", 7500, 7500)


@pytest.mark.parametrize(
    "rotation, expected",
    [("0", (False, 0)), ("!0", (True, 0)), ("90", (False, 90)), ("22.5", (False, 22.5))]
    + [("!270", (True, 270)), ("360", (False, 0))],
)
def test_rotations(rotation, expected):
    assert iiif.parse_rotation(rotation) == expected


@pytest.mark.parametrize("rotation", ["", "-90", "361", "90deg", "!!90", "1e2"])
def test_malformed_rotations_are_bad_requests(rotation):
    with pytest.raises(BadRequest):
        iiif.parse_rotation(rotation)


def test_quality_and_format():
    assert request("full/max/0/gray.webp").media_type == "image/webp"
    for wrong in ("sepia.jpg", "default", "default.", "default.bmp", ".jpg"):
        with pytest.raises(BadRequest):
            request(f"full/max/0/{wrong}")
    for named_by_the_spec in ("tif", "gif", "pdf", "jp2"):
        with pytest.raises(NotSupported):
            request(f"full/max/0/default.{named_by_the_spec}")


@pytest.mark.parametrize(
    "path, canonical",
    [
        ("full/max/0/default.jpg", "full/max/0/default.jpg"),
        ("0,0,1000,600/1000,/0/default.jpg", "full/max/0/default.jpg"),
        ("pct:0,0,100,100/,600/360/default.jpg", "full/max/0/default.jpg"),
        ("square/!300,300/!90.50/gray.png", "200,0,600,600/300,300/!90.5/gray.png"),
        ("pct:50,50,50,50/pct:50/22.25/bitonal.webp", "500,300,500,300/250,150/22.25/bitonal.webp"),
        ("full/^1500,/0/color.jpg", "full/^1500,900/0/color.jpg"),
    ],
)
def test_equivalent_requests_share_one_canonical_form(path, canonical):
    assert request(path).canonical == canonical


# --- rendering -----------------------------------------------------------------------------


@pytest.fixture
def halves(tmp_path):
    """A 60 × 40 JPEG, left half red, right half blue, stored turned: EXIF orientation 6 says
    to turn it 90° clockwise to see it, so it is seen 40 × 60, red on top."""
    picture = Image.new("RGB", (60, 40), "blue")
    picture.paste("red", (0, 0, 30, 40))
    exif = Image.Exif()
    exif[iiif.EXIF_ORIENTATION] = 6
    path = tmp_path / "turned.jpg"
    picture.save(path, "JPEG", exif=exif, quality=95)
    return path


def mostly(picture: Image.Image, box) -> str:
    r, g, b = picture.convert("RGB").crop(box).resize((1, 1)).getpixel((0, 0))
    return "red" if r > 200 > b else "blue" if b > 200 > r else f"{r},{g},{b}"


def test_the_exif_orientation_is_applied_before_any_region(halves):
    with Image.open(halves) as opened:
        assert iiif.oriented_size(opened) == (40, 60)
    assert rendered(halves, "full/max/0/default.png").size == (40, 60)
    top = rendered(halves, "0,0,40,25/max/0/default.png")
    assert top.size == (40, 25) and mostly(top, (0, 0, 40, 25)) == "red"
    assert mostly(rendered(halves, "0,35,40,25/20,/0/default.png"), (0, 0, 20, 12)) == "blue"


def test_rotation_is_clockwise_after_mirroring(halves):
    quarter = rendered(halves, "full/max/90/default.png")  # red on top, turned: red on the right
    assert quarter.size == (60, 40)
    assert mostly(quarter, (35, 0, 60, 40)) == "red"
    mirrored = rendered(halves, "full/max/!90/default.png")  # mirroring first changes nothing
    assert mostly(mirrored, (35, 0, 60, 40)) == "red"
    upside_down = rendered(halves, "full/max/180/default.png")
    assert mostly(upside_down, (0, 35, 40, 60)) == "red"


def test_an_arbitrary_rotation_enlarges_the_image_with_transparent_or_white_corners(halves):
    png = rendered(halves, "full/max/45/default.png")
    assert png.mode == "RGBA" and png.width == png.height and 70 <= png.width <= 72  # (40+60)/√2
    assert png.getpixel((0, 0))[3] == 0
    jpeg = rendered(halves, "full/max/45/default.jpg")
    assert jpeg.mode == "RGB" and min(jpeg.getpixel((0, 0))) > 240


def test_bitonal_is_black_and_white_only(test_data):
    picture = rendered(
        test_data / IMAGES / "progressive_zurbaran_agnus-dei.jpg", "full/200,/0/bitonal.png"
    )
    assert picture.mode == "1"
    histogram = picture.convert("L").histogram()
    assert {value for value, count in enumerate(histogram) if count} == {0, 255}


@pytest.mark.parametrize(
    "name, fmt, mode",
    [
        ("cmyk-progressive_segantini_ave-maria-a-trasbordo.jpg", "jpg", "RGB"),
        ("png-alpha_tiepolo_allegory-with-venus-and-time.png", "jpg", "RGB"),
        ("png-alpha_tiepolo_allegory-with-venus-and-time.png", "png", "RGBA"),
        ("png-alpha_tiepolo_allegory-with-venus-and-time.png", "webp", "RGBA"),
        ("multipage-pyramid_morisot_woman-at-her-toilette.tif", "webp", "RGB"),
        ("wrong-extension_png-named-jpg_book-of-kells-chi-rho.jpg", "jpg", "RGB"),
    ],
)
def test_every_accepted_kind_of_source_is_served(test_data, name, fmt, mode):
    picture = rendered(test_data / IMAGES / name, f"full/120,/0/default.{fmt}")
    assert picture.width == 120 and picture.mode == mode
    assert picture.format == iiif.FORMATS[fmt][0]


def test_a_16_bit_scan_keeps_its_contrast(test_data):
    """12-bit data in 16-bit samples (values 291 to 694) must not come out black or white."""
    picture = rendered(
        test_data / IMAGES / "16bit-greyscale_pillow_16bit-cropped.tif", "full/max/0/default.png"
    )
    darkest, lightest = picture.getextrema()
    assert picture.mode == "L" and lightest - darkest > 80


def test_a_small_size_of_a_large_jpeg_is_decoded_at_a_reduced_scale(test_data):
    """libjpeg decodes 7500 pixels at 1/8 for a 256-pixel result: 938 pixels, not 7500."""
    source = test_data / IMAGES / "large-7500px_publicdomainvectors_man-burning-bonfire.jpg"
    for path, decoded in [
        ("full/256,/0/default.jpg", (938, 938)),
        ("full/1000,/0/default.jpg", (1875, 1875)),
        ("0,0,512,512/max/0/default.jpg", (7500, 7500)),  # a tile at full scale
    ]:
        with iiif.open_source(source) as image:
            iiif.draft(image, request(path, 7500, 7500))
            assert image.size == decoded, path
    assert rendered(source, "full/256,/0/default.jpg").size == (256, 256)


def test_decompression_bombs_are_refused_before_decoding(test_data):
    bomb = test_data / IMAGES / "decompression-bomb_pillow_decompression-bomb.gif"
    with pytest.raises(SourceTooLarge):
        iiif.render(bomb, request("full/100,/0/default.png", 65535, 66601))
    huge = test_data / IMAGES / "bomb-warning_wcdogg_gradient-10001x10000.png"  # 100 Mpx
    with pytest.raises(SourceTooLarge, match="10001×10000"):
        iiif.render(huge, request("full/100,/0/default.png", 10001, 10000), max_pixels=50_000_000)
    with pytest.raises(SourceTooLarge):  # without a limit of ours, Pillow's: 89 Mpx
        iiif.render(huge, request("full/100,/0/default.png", 10001, 10000))
    assert SourceTooLarge.status == 501


# --- info.json -----------------------------------------------------------------------------


def test_info_json_for_a_large_image():
    info = iiif.image_info("https://musee.example.org/iiif/image/7", 7500, 5000, rights="")
    assert info["@context"] == "http://iiif.io/api/image/3/context.json"
    assert (info["id"], info["type"], info["profile"]) == (
        "https://musee.example.org/iiif/image/7",
        "ImageService3",
        "level2",
    )
    assert info["tiles"] == [{"width": 512, "height": 512, "scaleFactors": [1, 2, 4, 8, 16]}]
    assert info["sizes"][0] == {"width": 469, "height": 313}
    assert {"width": 7500, "height": 5000} not in info["sizes"]  # beyond maxArea
    assert info["sizes"][-1] == {"width": 3750, "height": 2500}
    assert "rights" not in info

"""`export_joconde`: POP's notices imported then exported keep their values, in the three formats;
XML valid against the schema; private fields never written; a failed export keeps the old file."""

import csv
from io import StringIO

import pytest
from django.core.management import call_command
from lxml import etree

from exporters import joconde as writer
from importers import joconde as reader
from museum_collections.models import Work

pytestmark = pytest.mark.django_db
MARKER = "PRIVATE-7f3a9"


@pytest.fixture
def pop_notices(joconde_catalogue):
    Work.objects.update(internal_notes=MARKER, insurance_value=987654321)
    return joconde_catalogue


def export(fmt, tmp_path):
    path = tmp_path / f"joconde.{fmt}"
    call_command("export_joconde", "--format", fmt, "--output", str(path), stdout=StringIO())
    return path


KEPT = ("INV", "DOMN", "DENO", "DACQ", "APTN", "BIBL", "COPY", "DESC", "LIEUX", "EPOQ", "DECV")


def test_imported_notices_come_back_with_their_values(pop_notices, tmp_path):
    path = export("txt", tmp_path)
    raw = path.read_bytes()
    assert raw.startswith(b"REF\r\n") and b"\r\n//\r\n" in raw and b"\n\n" not in raw
    back = {n.ref: n for n in reader.read_notices(path)}  # POP's parser rules
    assert len(back) == 18
    for ref, original in pop_notices.items():
        for tag in KEPT:
            if tag in original.fields:
                assert back[ref].fields[tag] == original.fields[tag], (ref, tag)
    assert back["01610014032"].fields["TECH"] == "céramique ; sigillée"
    assert back["05000000115"].fields["AUTR"] == "VUILLIER Gaston (dessinateur)"


def test_the_three_formats_carry_the_same_notices(pop_notices, tmp_path):
    from_txt = {n.ref: n.fields for n in reader.read_notices(export("txt", tmp_path))}
    from_csv = {n.ref: n.fields for n in reader.read_notices(export("csv", tmp_path))}
    tree = etree.parse(str(export("xml", tmp_path)))
    from_xml = {}
    for notice in tree.iter("notice"):
        fields = {}
        for element in notice:
            fields.setdefault(element.tag, []).append(element.text)
        from_xml[fields["REF"][0]] = {
            tag: writer.joined(tag, values) for tag, values in fields.items()
        }
    assert from_txt == from_csv == from_xml


def test_xml_is_valid_and_an_invalid_export_keeps_the_previous_file(pop_notices, tmp_path):
    path = export("xml", tmp_path)
    schema = etree.XMLSchema(etree.parse(str(writer.SCHEMA)))
    assert schema.validate(etree.parse(str(path)))
    before = path.read_bytes()

    def failing():  # the database goes away after two notices
        yield {"REF": ["01610014032"], "INV": ["A1973.2.1"]}
        yield {"REF": ["01610014134"], "INV": ["A1982.9.4"]}
        raise ConnectionError("database gone")

    for fmt in ("xml", "txt", "csv"):
        with pytest.raises(ConnectionError):
            writer.export(failing(), path, fmt)
    with pytest.raises(etree.XMLSyntaxError, match="Expected is .*INV"):  # no INV: invalid
        writer.export([{"REF": ["01610014032"]}], path, "xml")
    assert path.read_bytes() == before
    assert not list(tmp_path.glob(".joconde.xml.*"))


def test_no_private_field_reaches_any_format(pop_notices, tmp_path):
    for fmt in ("txt", "csv", "xml"):
        text = export(fmt, tmp_path).read_text(encoding="utf-8")
        assert MARKER not in text and "987654321" not in text
    rows = list(csv.reader(export("csv", tmp_path).open(encoding="utf-8"), delimiter=";"))
    assert rows[0][:3] == ["REF", "INV", "DOMN"] and len(rows) == 19


def test_the_tag_order_is_pops_and_known(pop_notices):
    assert set(writer.ORDER) <= set(reader.TAGS) - reader.GENERATED
    assert writer.clean("a\r\nb\tc // d") == "a#b c / d"


def test_changed_exports_only_what_changed_since_the_last_success(pop_notices, tmp_path):
    path = export("txt", tmp_path)
    assert len(list(reader.read_notices(path))) == 18
    call_command(
        "export_joconde", "--format", "txt", "--output", str(path), "--changed", stdout=StringIO()
    )
    assert path.read_bytes() == b""  # nothing changed: an empty file, no notice
    work = Work.objects.get(joconde_ref="05000000115")
    work.title = "La terrasse de Pebeyre (Corrèze)"
    work.save()
    call_command(
        "export_joconde", "--format", "txt", "--output", str(path), "--changed", stdout=StringIO()
    )
    (notice,) = list(reader.read_notices(path))
    assert notice.fields["TITR"] == "La terrasse de Pebeyre (Corrèze)"


def test_notices_pop_would_reject_are_kept_out_and_listed(pop_notices, tmp_path):
    from museum_collections.models import WorkDomain

    WorkDomain.objects.filter(work__joconde_ref="05000000115").delete()
    Work.objects.filter(joconde_ref="05000000091").update(in_joconde=False)
    out = StringIO()
    path = tmp_path / "joconde.txt"
    with pytest.raises(SystemExit) as exit_:
        call_command("export_joconde", "--format", "txt", "--output", str(path), stdout=out)
    assert exit_.value.code == 1
    refs = {n.ref for n in reader.read_notices(path)}
    assert len(refs) == 16 and "05000000115" not in refs and "05000000091" not in refs
    rows = list(
        csv.DictReader(
            (tmp_path / "joconde.txt.report.csv").open(encoding="utf-8-sig"), delimiter=";"
        )
    )
    errors = [(r["REF"], r["severity"], r["field"]) for r in rows if r["severity"] == "error"]
    assert errors == [("05000000115", "error", "DOMN")]
    assert ("01610014032", "warning", "DENO") in {
        (r["REF"], r["severity"], r["field"]) for r in rows
    }
    assert "1 kept out" in out.getvalue()


def test_images_go_in_a_zip_named_as_refim_says(pop_notices, tmp_path, test_data, settings):
    import zipfile

    from django.core.files.images import ImageFile
    from PIL import Image

    from museum_collections.models import CartelImage, WorkMedia

    settings.MEDIA_ROOT = tmp_path / "media"

    def attach(ref, name, *, public=True):
        with open(test_data / "images" / name, "rb") as f:
            image = CartelImage(
                title=name,
                file=ImageFile(f, name=name),
                is_public=public,
                credit="© Musée, photo J. D.",
            )
            image.save()
        work = Work.objects.get(joconde_ref=ref)
        WorkMedia.objects.create(work=work, image=image, sort_order=work.media.count())
        return image

    attach("01610014032", "progressive_zurbaran_agnus-dei.jpg")
    attach("01610014032", "png-alpha_tiepolo_allegory-with-venus-and-time.png")
    attach("01610014032", "exif-orientation-3_pillow_hopper.jpg", public=False)  # not cleared
    gone = attach("01610014134", "progressive_zurbaran_agnus-dei.jpg")
    gone.file.storage.delete(gone.file.name)
    path = tmp_path / "joconde.zip"
    with pytest.raises(SystemExit):  # 01610014134 is kept out: its image is missing
        call_command(
            "export_joconde",
            "--format",
            "txt",
            "--images",
            "--output",
            str(path),
            stdout=StringIO(),
        )
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert names == ["joconde.txt", "01610014032_1.jpg", "01610014032_2.jpg"]
        text = tmp_path / "joconde.txt"
        text.write_bytes(archive.read("joconde.txt"))
        for name in names[1:]:
            with archive.open(name) as jpeg, Image.open(jpeg) as image:
                assert image.format == "JPEG" and image.mode == "RGB"
    back = {n.ref: n.fields for n in reader.read_notices(text)}
    assert "01610014134" not in back
    refim = back["01610014032"]["REFIM"]
    assert [entry.split(",")[0] for entry in refim.split(";")] == names[1:]
    assert back["01610014032"]["PHOT"] == "© Musée, photo J. D."
    report = (tmp_path / "joconde.zip.report.csv").read_text(encoding="utf-8-sig")
    assert "01610014134;A1982.9.4;error;REFIM;image 01610014134_1.jpg" in report


def test_an_invalid_web_address_is_a_warning(pop_notices, tmp_path):
    from museum_collections.models import WorkLink

    work = Work.objects.get(joconde_ref="01610014147")
    WorkLink.objects.create(work=work, kind="WWW", value="htp://ds.de", sort_order=0)
    path = tmp_path / "joconde.txt"
    call_command("export_joconde", "--format", "txt", "--output", str(path), stdout=StringIO())
    report = (tmp_path / "joconde.txt.report.csv").read_text(encoding="utf-8-sig")
    assert "01610014147;A1983.15.1;warning;WWW;“htp://ds.de” is not a valid web address" in report
    assert "01610014147" in {n.ref for n in reader.read_notices(path)}

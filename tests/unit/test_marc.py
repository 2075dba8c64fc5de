"""importers.marc on every real MARC file of tests/data (counts from PROVENANCE.md)."""

import tracemalloc
from pathlib import Path

import pytest

from importers.marc import BadRecord, MarcFileError, MarcRecord, detect_flavour, read_records

DATA = Path(__file__).resolve().parent.parent / "data"

# file -> (records read, flavour); counts are PROVENANCE.md's
REAL_FILES = {
    "unimarc/iso2709/bsg_cotes8.mrc": (35, "unimarc"),
    "unimarc/iso2709/bsg_cotesBR.mrc": (4, "unimarc"),
    "unimarc/iso2709/bsg_cotesD.mrc": (20, "unimarc"),
    "unimarc/iso2709/bsg_cotesT.mrc": (19, "unimarc"),
    "unimarc/iso2709/pymarc_testunimarc.dat": (1, "unimarc"),
    "unimarc/xml/bnf_sru_marcxchange_author_totok.xml": (20, "unimarc"),
    "unimarc/xml/bnf_sru_marcxchange_ean_9782070541270.xml": (1, "unimarc"),
    "unimarc/xml/bnf_sru_marcxchange_ean_any_123.xml": (1, "unimarc"),
    "unimarc/xml/bnf_sru_marcxchange_recordid_FRBNF370903960000006.xml": (1, "unimarc"),
    "unimarc/xml/bsg_unimarcxml_estampenumerisation192.xml": (1, "unimarc"),
    "unimarc/xml/rusmarc_unislim_collection.xml": (1, "unimarc"),
    "unimarc/xml/sudoc_02731667X.xml": (1, "unimarc"),
    "unimarc/xml/sudoc_143519379.xml": (1, "unimarc"),
    "marc21/iso2709/pymarc_alphatag.dat": (1, "marc21"),
    "marc21/iso2709/pymarc_diacritic.dat": (1, "marc21"),
    "marc21/iso2709/pymarc_marc.dat": (20, "marc21"),
    "marc21/iso2709/pymarc_marc8-to-unicode.dat": (1, "marc21"),
    "marc21/iso2709/pymarc_marc8.dat": (1, "marc21"),
    "marc21/iso2709/pymarc_multi_isbn.dat": (1, "marc21"),
    "marc21/iso2709/pymarc_one.dat": (1, "marc21"),
    "marc21/iso2709/pymarc_test.dat": (10, "marc21"),
    "marc21/iso2709/pymarc_utf8_with_leader_flag.dat": (1, "marc21"),
    "marc21/iso2709/pymarc_utf8_without_leader_flag.dat": (1, "marc21"),
    "marc21/iso2709/xbib_IRMARC8.bin": (10, "marc21"),
    "marc21/iso2709/xbib_brkrtest.mrc": (8, "marc21"),
    "marc21/iso2709/xbib_chabon-loc.mrc": (2, "marc21"),
    "marc21/iso2709/xbib_chabon.mrc": (2, "marc21"),
    "marc21/iso2709/xbib_cyrillic_capital_e.mrc": (2, "marc21"),
    "marc21/iso2709/xbib_oclc_63111280_export_as_UTF8_from_connexion.mrc": (1, "marc21"),
    "marc21/iso2709/xbib_summerland.mrc": (1, "marc21"),
    "marc21/xml/marcmoose_biblios.xml": (4, "marc21"),
    "marc21/xml/pymarc_batch.xml": (2, "marc21"),
    "marc21/xml/pymarc_utf8.xml": (1, "marc21"),
    "marc21/xml/sru_marcxml_dnb_samuelson.xml": (10, "marc21"),
    "marc21/xml/sru_marcxml_kul_isbn_9782265089419.xml": (1, "marc21"),
    "marc21/xml/sru_marcxml_kul_samuelson.xml": (10, "marc21"),
    "marc21/xml/sru_marcxml_loc_isbn_all_9780821417478.xml": (1, "marc21"),
    "marc21/xml/sru_marcxml_loc_recordid_all_2014043016.xml": (1, "marc21"),
    "marc21/xml/sru_marcxml_slsp_isbn_9782296076648.xml": (2, "marc21"),
    "marc21/xml/sru_marcxml_ugent_samuelson.xml": (10, "marc21"),
    "marc21/xml/xbib_marcxchange_0.xml": (3, "marc21"),
    "marc21/xml/xbib_marcxchange_1.xml": (3, "marc21"),
    "marc21/xml/xbib_marcxchange_2.xml": (3, "marc21"),
    "marc21/xml/xbib_summerland-dom-marc.xml": (1, "marc21"),
}

# pymarc_testunimarc.dat: trailing bytes after the record (pymarc: TruncatedRecord)
EXPECTED_BAD = {"unimarc/iso2709/pymarc_testunimarc.dat": 0}

MOJIBAKE = ("Ã©", "Ã¨", "Ã\xa0", "Ã§", "Ã´", "\ufffd")


def read(name):
    return list(read_records(DATA / name))


def record(name, number=1) -> MarcRecord:
    return next(r for r in read(name) if r.record_number == number)


def all_text(rec: MarcRecord) -> str:
    parts = [rec.leader]
    for f in rec.fields:
        parts.extend([f[1]] if len(f) == 2 else [v for _, v in f[2]])
    return "\n".join(parts)


def test_every_data_file_is_listed():
    found = {
        str(p.relative_to(DATA))
        for p in DATA.glob("*/*/*")
        if p.parent.name in ("iso2709", "xml") and p.parent.parent.name in ("unimarc", "marc21")
    }
    assert found == set(REAL_FILES)


@pytest.mark.parametrize("name", sorted(REAL_FILES))
def test_real_file_count_flavour_and_text(name):
    count, flavour = REAL_FILES[name]
    out = read(name)
    records = [r for r in out if isinstance(r, MarcRecord)]
    assert [str(b) for b in out if isinstance(b, BadRecord)] == []
    assert len(records) == count
    for rec in records:
        assert rec.flavour == flavour == detect_flavour(rec)
        assert rec.record_id
        text = all_text(rec)
        assert not any(m in text for m in MOJIBAKE), rec.record_id
        assert not any(c in text for c in "\x88\x89\x98\x9c\x1b"), rec.record_id
        rec.normalised()  # never raises


def test_record_ids_are_unique_and_stable():
    recs = read("unimarc/xml/rusmarc_unislim_collection.xml")
    assert recs[0].record_id.startswith("sha1:")
    assert recs[0].record_id == read("unimarc/xml/rusmarc_unislim_collection.xml")[0].record_id
    ids = [r.record_id for r in read("marc21/xml/sru_marcxml_dnb_samuelson.xml")]
    assert len(set(ids)) == 10


# ----------------------------------------------------------------- UNIMARC values


def test_bsg_utf8_without_leader_flag():
    rec = record("unimarc/iso2709/bsg_cotes8.mrc", 1)
    assert rec.leader == "01499cam0 2200409   450 "
    assert rec.encoding == "utf-8"
    book = rec.normalised()
    assert book.record_type == "book"
    assert book.title == "Traité de la science des finances"
    assert book.edition == "5e éd. rev. et corr"
    assert (book.place, book.publisher, book.year) == ("Paris", "Guillemin", 1892)
    assert book.extent == "2 vol. (XXIV-793, 742 p.) ; 22 cm"
    assert book.subjects == ["Finances publiques -- France"]
    author = book.authors[0]
    assert (author.name, author.forenames, author.dates, author.role) == (
        "Leroy-Beaulieu",
        "Paul",
        "(1843-1916)",
        "070",
    )


def test_bsg_oe_ligature_and_accented_series():
    assert record("unimarc/iso2709/bsg_cotesT.mrc", 1).normalised().title == "Œuvres choisies"
    book = record("unimarc/iso2709/bsg_cotes8.mrc", 3).normalised()
    assert book.series == ["Bibliothèque de philosophie contemporaine"]
    assert record("unimarc/iso2709/bsg_cotesD.mrc", 13).normalised().edition == "4ème édition"


def test_bnf_sru_record():
    rec = record("unimarc/xml/bnf_sru_marcxchange_ean_9782070541270.xml")
    assert rec.xml_format == "UNIMARC"
    book = rec.normalised()
    assert book.record_id == "FRBNF370903960000006"
    assert book.title == "Harry Potter à l'école des sorciers"
    assert book.responsibility == "J. K. Rowling ; trad. de l'anglais par Jean-François Ménard"
    assert (book.place, book.publisher, book.year) == ("[Paris]", "Gallimard", 1999)
    assert book.isbns == ["2-07-054127-4"]
    assert book.languages == ["fre"]
    assert [(a.name, a.forenames, a.role, a.identifiers) for a in book.authors] == [
        ("Rowling", "J. K.", "070", ["13520013"]),
        ("Ménard", "Jean-François", "730", ["11915542"]),
    ]


def test_bnf_sru_page_counts_records_returned_not_numberOfRecords():
    book = record("unimarc/xml/bnf_sru_marcxchange_author_totok.xml", 1).normalised()
    assert (book.title, book.subtitle) == (
        "Die Zwänge der Erinnerung",
        "Aufzeichnungen aus Rumänien",
    )
    assert book.authors[0].name == "Totok"


def test_sudoc_records():
    book = record("unimarc/xml/sudoc_143519379.xml").normalised()
    assert book.record_id == "143519379"
    assert book.title == "Convention collective, audio-video informatique"
    assert book.subtitle == "[brochure n° 3296]"
    assert book.edition == "Éd. 2010"
    assert book.isbns == ["978-2-7597-0105-6"]
    assert "Notice réd. d'après la couv" in book.notes
    authority = record("unimarc/xml/sudoc_02731667X.xml")
    assert authority.record_id == "02731667X"
    assert authority.flavour == "unimarc"  # no 200 or 245: told by 100$a


def test_bsg_unimarc_xml_without_namespace():
    book = record("unimarc/xml/bsg_unimarcxml_estampenumerisation192.xml").normalised()
    assert book.title == "[Procession de la châsse de sainte Geneviève]"
    assert book.authors[0].name == "Lepautre"


def test_rusmarc_cyrillic_without_leader():
    rec = record("unimarc/xml/rusmarc_unislim_collection.xml")
    assert rec.leader == ""
    book = rec.normalised()
    assert book.title == "Сучасна соціальна філософія"
    assert book.publisher == "Генеза"
    assert book.languages == ["ukr"]
    assert book.authors[0].name == "Андрущенко"


def test_nsb_nse_are_stripped_text_kept():
    rec = record("unimarc/iso2709/pymarc_testunimarc.dat")
    assert rec.values("200", "a") == ["L'altra faccia della spirale"]
    assert rec.normalised().authors[0].forenames == "Isaac"


# ----------------------------------------------------------------- MARC 21 values


def test_utf8_with_and_without_leader_flag_read_alike():
    flagged = record("marc21/iso2709/pymarc_utf8_with_leader_flag.dat")
    unflagged = record("marc21/iso2709/pymarc_utf8_without_leader_flag.dat")
    assert unflagged.leader[9] == " " and unflagged.encoding == "utf-8"
    assert flagged.fields == unflagged.fields
    assert "Translation of De la solitude à la communauté." in flagged.values("500", "a")


def test_marc8_decoded():
    rec = record("marc21/iso2709/pymarc_marc8.dat")
    assert rec.encoding == "marc-8"
    assert rec.fields == record("marc21/iso2709/pymarc_utf8_with_leader_flag.dat").fields
    book = record("marc21/iso2709/xbib_IRMARC8.bin", 1).normalised()
    assert book.title == "Ātsu ando kurafutsu to Nihon"


def test_marc8_cyrillic_escapes():
    rec = record("marc21/iso2709/xbib_cyrillic_capital_e.mrc", 1)
    assert "Вор, шпион и убийца /" in rec.values("880", "a")
    assert "Еврейская поэзия :" in record("marc21/iso2709/xbib_IRMARC8.bin", 10).values("880", "a")


def test_marc8_and_utf8_serialisations_agree():
    marc8 = [r.normalised() for r in read("marc21/iso2709/xbib_chabon-loc.mrc")]
    utf8 = [r.normalised() for r in read("marc21/iso2709/xbib_chabon.mrc")]
    assert [b.title for b in marc8] == [b.title for b in utf8]


def test_marc21_sru_record():
    book = record("marc21/xml/sru_marcxml_kul_isbn_9782265089419.xml").normalised()
    assert book.title == "La brûlure du chocolat"
    assert (book.place, book.publisher, book.year) == ("Paris", "Fleuve noir", 2010)
    assert book.isbns == ["978-2-265-08941-9"]
    assert (book.authors[0].name, book.authors[0].forenames) == ("Abel", "Barbara")


def test_marc21_summerland():
    book = record("marc21/iso2709/xbib_summerland.mrc").normalised()
    assert (book.title, book.responsibility, book.edition) == (
        "Summerland",
        "Michael Chabon",
        "1st ed",
    )
    assert book.year == 2002 and book.isbns[0] == "0786808772"
    assert book.languages == ["eng"]


# ----------------------------------------------------------------- malformed

MALFORMED = {
    # file -> (good records, bad record numbers, a word of the first reason)
    "pymarc_bad_eacc_encoding.dat": (0, [1], "MARC-8"),
    "pymarc_bad_indicator.dat": (0, [1], "invalid tag"),
    "pymarc_bad_marc8_escape.dat": (0, [1], "escape"),
    "pymarc_bad_records.mrc": (2, [2, 3, 4, 5, 6, 7, 9], "base address"),
    "pymarc_bad_subfield_code.dat": (0, [1], "field 245"),
    "pymarc_bad_tag.xml": (0, [1], "invalid tag '42'"),
    "pymarc_utf8_invalid.mrc": (0, [1], "subfield code"),
    "xbib_bad_leaders_10_11.mrc": (0, [1], "leader/10-11"),
    "xbib_error.mrc": (0, [1], "record length"),
}


def test_every_malformed_file_is_listed():
    names = {p.name for p in (DATA / "marc21/malformed").iterdir()}
    assert names == set(MALFORMED) | {"pymarc_utf8_errors.dat"}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_gives_bad_records(name):
    good, bad_numbers, reason = MALFORMED[name]
    out = read(f"marc21/malformed/{name}")
    bad = [r for r in out if isinstance(r, BadRecord)]
    assert len(out) - len(bad) == good
    assert [b.record_number for b in bad] == bad_numbers
    assert reason in bad[0].reason
    assert name in str(bad[0])


def test_utf8_errors_file_is_in_fact_clean_utf8():
    # Named after a pymarc test, but every byte is valid UTF-8 and the text is right.
    rec = record("marc21/malformed/pymarc_utf8_errors.dat")
    assert rec.values("245", "a") == ["[Imperial military middle school, Ṣanʻāʾ]"]


def test_trailing_bytes_without_terminator(tmp_path):
    data = (DATA / "marc21/iso2709/xbib_summerland.mrc").read_bytes()
    path = tmp_path / "cut.mrc"
    path.write_bytes(data + data[:300])
    out = list(read_records(path))
    assert isinstance(out[0], MarcRecord)
    assert out[1].record_number == 2 and out[1].offset == len(data)
    assert "terminator" in out[1].reason


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"hello world", "neither ISO 2709"),
        (b"<collection><record>", "not well-formed"),
        (b"<html><body/></html>", "no MARC record"),
        (b"00100" + b"x" * 200_000, "no record terminator"),
    ],
)
def test_file_errors(tmp_path, content, message):
    path = tmp_path / "bad.mrc"
    path.write_bytes(content)
    with pytest.raises(MarcFileError, match=message):
        list(read_records(path))


# ----------------------------------------------------------------- XML safety

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE collection [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<collection xmlns="http://www.loc.gov/MARC21/slim"><record><leader>00000nam a2200000 a 4500</leader>
<datafield tag="245" ind1="0" ind2="0"><subfield code="a">&xxe;</subfield></datafield>
</record></collection>"""

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<collection><record><leader>00000nam a2200000 a 4500</leader>
<datafield tag="245" ind1="0" ind2="0"><subfield code="a">&lol3;</subfield></datafield>
</record></collection>"""


@pytest.mark.parametrize("content", [XXE, BOMB], ids=["xxe", "entity-bomb"])
def test_xml_with_doctype_refused(tmp_path, content):
    path = tmp_path / "evil.xml"
    path.write_bytes(content)
    with pytest.raises(MarcFileError, match="DOCTYPE"):
        list(read_records(path))


# ----------------------------------------------------------------- ISO 5426


def _iso2709(fields: list[tuple[str, bytes]], leader9=b" ") -> bytes:
    directory, body = b"", b""
    for tag, data in fields:
        data += b"\x1e"
        directory += tag.encode() + b"%04d%05d" % (len(data), len(body))
        body += data
    base = 24 + len(directory) + 1
    length = base + len(body) + 1
    leader = b"%05dnam%s 22%05d   450 " % (length, leader9, base)
    return leader + directory + b"\x1e" + body + b"\x1d"


def test_iso5426_unimarc(tmp_path):
    f100 = b"  \x1fa20240101d1900    u  y0frey0103    ba"
    title = b"1 \x1fa\xc2Etude sur l'\xc2ecole fran\xd0caise et l'\xfauvre de Bo\xc8elle"
    path = tmp_path / "iso5426.mrc"
    path.write_bytes(_iso2709([("001", b"X1"), ("100", f100), ("200", title)]))
    (rec,) = read_records(path)
    assert rec.encoding == "iso-5426" and rec.flavour == "unimarc"
    assert rec.normalised().title == "Étude sur l'école française et l'œuvre de Boëlle"


def test_iso5426_not_declared_is_a_bad_record(tmp_path):
    f100 = b"  \x1fa20240101d1900    u  y0frey0101    ba"
    path = tmp_path / "undeclared.mrc"
    path.write_bytes(_iso2709([("100", f100), ("200", b"1 \x1fa\xc2Etude")]))
    (bad,) = read_records(path)
    assert isinstance(bad, BadRecord) and "ISO 5426" in bad.reason


@pytest.mark.parametrize(
    "title",
    [b"0 \x1faAbout\x1b(", b"0 \x1faAbout\x1b", b"0 \x1fa\x1b)\x1fbrest", b"0 \x1faxy\xe1\x1b)"],
)
def test_a_cut_marc8_escape_is_a_bad_record(tmp_path, title):
    """Found by tests/fuzz (atheris): pymarc raised TypeError on an escape cut by the end of
    a subfield (ESC ")"), or kept the ESC of a cut sequence in the text."""
    path = tmp_path / "cut-escape.mrc"
    path.write_bytes(_iso2709([("001", b"X1"), ("245", title)]) + _iso2709([("001", b"X2")]))
    bad, good = read_records(path)
    assert isinstance(bad, BadRecord) and "MARC-8" in bad.reason and bad.record_number == 1
    assert isinstance(good, MarcRecord) and good.record_id == "X2"


# ----------------------------------------------------------------- record types


def test_exhibition_catalogue_and_offprint(tmp_path):
    f100 = b"  \x1fa20240101d1900    u  y0frey0150    ba"
    expo = [
        ("100", f100),
        ("200", b"1 \x1faMonet\x1feexposition, Paris, 1980"),
        ("300", b"  \x1fax"),
    ]
    extract = [("100", f100), ("200", b"1 \x1faNote"), ("300", b"  \x1faExtrait de : Revue, 1902")]
    for name, fields, kind in [("e", expo, "exhibition catalogue"), ("o", extract, "offprint")]:
        path = tmp_path / f"{name}.mrc"
        path.write_bytes(_iso2709(fields))
        (rec,) = read_records(path)
        assert rec.normalised().record_type == kind


# ----------------------------------------------------------------- memory


def test_big_file_flat_memory(tmp_path):
    # 300 copies of a real file; tracemalloc slows reading ~20x, so a small one.
    data = (DATA / "unimarc/iso2709/bsg_cotesBR.mrc").read_bytes()
    path = tmp_path / "big.mrc"
    with open(path, "wb") as fh:
        for _ in range(300):
            fh.write(data)
    tracemalloc.start()
    try:
        count = sum(1 for r in read_records(path) if isinstance(r, MarcRecord))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 4 * 300
    assert peak < min(50_000_000, path.stat().st_size // 3)  # never the whole file

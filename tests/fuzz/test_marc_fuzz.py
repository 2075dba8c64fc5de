"""MARC reader (`importers.marc.read_records`) on damaged ISO 2709 and XML files."""

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from importers.marc import BadRecord, MarcFileError, MarcRecord, read_records

from .strategies import HOSTILE, TEST_DATA, data_file, examples, mutated, safe_text, tried

ISO_FILES = sorted(
    str(p.relative_to(TEST_DATA))
    for folder in ("marc21/iso2709", "marc21/malformed", "unimarc/iso2709")
    for p in (TEST_DATA / folder).iterdir()
    if p.suffix in (".dat", ".mrc", ".bin")
)
XML_FILES = sorted(
    str(p.relative_to(TEST_DATA))
    for folder in ("marc21/xml", "unimarc/xml", "marc21/malformed")
    for p in (TEST_DATA / folder).iterdir()
    if p.suffix == ".xml" and p.stat().st_size < 40_000
)
# Every record of the real ISO 2709 files, terminator included.
RECORDS = [
    chunk + b"\x1d"
    for name in ISO_FILES
    for chunk in data_file(name).split(b"\x1d")
    if chunk.strip(b" \r\n\x00")
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("marc")


def read_all(path: Path) -> list:
    """Every outcome of a file; MarcFileError only as documented, naming the file."""
    tried("marc")
    try:
        outcomes = list(read_records(path))
    except MarcFileError as error:
        assert error.file == path.name and str(error).startswith(path.name)
        assert error.reason
        return []
    for outcome in outcomes:
        assert isinstance(outcome, MarcRecord | BadRecord), outcome
        if isinstance(outcome, BadRecord):
            assert outcome.file == path.name and outcome.record_number >= 1 and outcome.reason
            assert str(outcome).startswith(f"{path.name}, record {outcome.record_number}")
        else:
            outcome.normalised()  # normalising what was read never fails either
    return outcomes


@given(name=st.sampled_from(ISO_FILES + XML_FILES), data=st.data())
def test_a_damaged_file_gives_records_bad_records_or_a_file_error(folder, name, data):
    path = folder / Path(name).name
    path.write_bytes(data.draw(mutated(data_file(name))))
    read_all(path)


@given(
    records=st.lists(st.sampled_from(RECORDS), min_size=1, max_size=6),
    data=st.data(),
    separator=st.sampled_from([b"", b"\n", b"\r\n"]),
)
def test_n_concatenated_records_give_n_outcomes(folder, records, data, separator):
    """A file is never silently shortened: a damaged record is a BadRecord in its place."""
    damaged = []
    for record in records:
        if data.draw(st.booleans()):
            body = data.draw(mutated(record[:-1], max_ops=2, avoid=b"\x1d"))
            record = body + b"\x1d"
        damaged.append(record)
    path = folder / "spliced.mrc"
    path.write_bytes(separator.join(damaged))
    try:
        outcomes = list(read_records(path))
    except MarcFileError as error:  # only when the start no longer looks like MARC at all
        tried("marc")
        assert error.file == "spliced.mrc"
        return
    finally:
        pass
    tried("marc")
    assert len(outcomes) == len(damaged)
    assert [o.record_number for o in outcomes] == list(range(1, len(damaged) + 1))


LEADER_LIES = st.sampled_from([(0, 5), (12, 17), (10, 12), (9, 10)])  # length, base, 10-11, 09


@given(
    record=st.sampled_from(RECORDS), where=LEADER_LIES, value=st.text("0123456789a ", min_size=1)
)
def test_a_leader_or_directory_that_lies_is_a_bad_record(folder, record, where, value):
    start, end = where
    forged = record[:start] + value.encode()[: end - start].ljust(end - start, b"0") + record[end:]
    path = folder / "leader.mrc"
    path.write_bytes(forged + record)
    outcomes = read_all(path)
    assert len(outcomes) in (0, 2)


@given(
    record=st.sampled_from(RECORDS),
    entry=st.integers(0, 30),
    value=st.binary(min_size=1, max_size=12),
)
def test_a_forged_directory_entry_is_a_bad_record(folder, record, entry, value):
    value = value.replace(b"\x1d", b"")
    at = min(24 + 12 * entry, len(record) - 1 - len(value))
    forged = record[:at] + value + record[at + len(value) :]
    path = folder / "directory.mrc"
    path.write_bytes(record + forged)
    outcomes = read_all(path)
    assert len(outcomes) in (0, 2)


def iso2709(fields, leader9=b" ", leader6=b"a") -> bytes:
    """A well-formed ISO 2709 record around whatever bytes the fields hold."""
    directory, body = b"", b""
    for tag, data in fields:
        data += b"\x1e"
        directory += tag + b"%04d%05d" % (len(data), len(body))
        body += data
    base = 24 + len(directory) + 1
    leader = b"%05dn%sm%s 22%05d   4500" % (base + len(body) + 1, leader6, leader9, base)
    return leader + directory + b"\x1e" + body + b"\x1d"


ESCAPES = [
    b"\x1b(B",
    b"\x1b)",
    b"\x1b(",
    b"\x1b$1",
    b"\x1b)!E",
    b"\x1bb",
    b"\x1bp",
    b"\x1bs",
    b"\x1b",
]
# Subfield values: any bytes but the ISO 2709 delimiters, with MARC-8 escapes and diacritics.
VALUE_BYTES = st.lists(
    st.binary(max_size=6) | st.sampled_from([*ESCAPES, b"\xe1e", b"\xe2", b"\xc3\xa9", b"\x88"]),
    max_size=6,
).map(lambda parts: b"".join(parts).translate(None, b"\x1d\x1e\x1f"))
FIELD = st.tuples(
    st.sampled_from([b"245", b"100", b"200", b"260", b"650", b"880", b"9zz"]),
    st.lists(st.tuples(st.sampled_from([b"a", b"b", b"6", b"$"]), VALUE_BYTES), max_size=4),
)


@given(
    records=st.lists(st.lists(FIELD, min_size=1, max_size=5), min_size=1, max_size=4),
    leader9=st.sampled_from([b" ", b"a"]),
)
@example(records=[[(b"245", [(b"a", b"About\x1b)")])]], leader9=b" ")
def test_records_with_any_bytes_or_escapes_in_their_values(folder, records, leader9):
    """Well-formed records whatever their text holds: MARC-8 escapes cut short, invalid
    UTF-8, ISO 5426 bytes. One outcome each; no U+FFFD, no MARC-8 escape left in the text."""
    data = b"".join(
        iso2709(
            [(b"001", b"R%d" % n)]
            + [(tag, b"10" + b"".join(b"\x1f" + c + v for c, v in subs)) for tag, subs in fields],
            leader9,
        )
        for n, fields in enumerate(records, 1)
    )
    path = folder / "generated.mrc"
    path.write_bytes(data)
    outcomes = read_all(path)
    assert len(outcomes) == len(records)
    for outcome in outcomes:
        if isinstance(outcome, MarcRecord):
            text = repr(outcome.fields)
            assert "\ufffd" not in text
            if outcome.encoding == "marc-8":  # (an ESC in bytes valid as UTF-8 is kept)
                assert "\\x1b" not in text


# ---- XML


def marcxml(records, namespace="http://www.loc.gov/MARC21/slim") -> bytes:
    collection = etree.Element(f"{{{namespace}}}collection", nsmap={None: namespace})
    for leader, controls, datafields in records:
        record = etree.SubElement(collection, f"{{{namespace}}}record")
        etree.SubElement(record, f"{{{namespace}}}leader").text = leader
        for tag, value in controls:
            etree.SubElement(record, f"{{{namespace}}}controlfield", tag=tag).text = value
        for tag, ind1, ind2, subfields in datafields:
            field = etree.SubElement(
                record, f"{{{namespace}}}datafield", tag=tag, ind1=ind1, ind2=ind2
            )
            for code, value in subfields:
                etree.SubElement(field, f"{{{namespace}}}subfield", code=code).text = value
    return etree.tostring(collection, xml_declaration=True, encoding="UTF-8")


XML_TEXT = safe_text(max_size=40).filter(
    lambda t: all(c in "\t\n\r" or " " <= c <= "\ud7ff" or "\ue000" <= c <= "\ufffd" for c in t)
)
TAGS = st.text("0123456789ABCxyz", min_size=1, max_size=4)
XML_RECORD = st.tuples(
    st.text("0123456789 acimnpz", min_size=0, max_size=26),
    st.lists(st.tuples(TAGS, XML_TEXT), max_size=3),
    st.lists(
        st.tuples(
            TAGS,
            st.sampled_from([" ", "0", "1", "#", "é"]),
            st.sampled_from([" ", "0", "4"]),
            st.lists(st.tuples(st.text("abc9$ é", min_size=0, max_size=2), XML_TEXT), max_size=4),
        ),
        max_size=5,
    ),
)


@given(records=st.lists(XML_RECORD, min_size=1, max_size=5))
@example(records=[("", [], [("245", "0", "0", [("a", "\ufffd")])])])
def test_n_marcxml_records_give_n_outcomes(folder, records):
    path = folder / "generated.xml"
    path.write_bytes(marcxml(records))
    outcomes = read_all(path)
    assert len(outcomes) == len(records)


ENTITY_ATTACKS = [
    b'<!DOCTYPE collection [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    b'<!DOCTYPE collection [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
    b'<!DOCTYPE collection SYSTEM "http://127.0.0.1:9/marc.dtd">',
    b'<!DOCTYPE collection [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>',
]


@given(
    attack=st.sampled_from(ENTITY_ATTACKS),
    use=st.sampled_from(["&xxe;", "&c;", "", "&undefined;"]),
    name=st.sampled_from(XML_FILES),
)
def test_xml_with_a_dtd_or_entities_is_refused(folder, attack, use, name):
    original = data_file(name)
    head, _, rest = (
        original.partition(b"?>") if original.startswith(b"<?xml") else (b"", b"", original)
    )
    declaration = head + b"?>" if head else b""
    text = rest.replace(b"</subfield>", use.encode() + b"</subfield>", 1)
    path = folder / "entities.xml"
    path.write_bytes(declaration + b"\n" + attack + b"\n" + text.lstrip())
    tried("marc")
    with pytest.raises(MarcFileError) as refused:
        list(read_records(path))
    assert "root:" not in str(refused.value)


@settings(max_examples=examples(15))
@given(depth=st.integers(100, 5000), name=st.sampled_from(XML_FILES))
def test_deeply_nested_xml(folder, depth, name):
    original = data_file(name)
    at = original.find(b"<record") if b"<record" in original else len(original) // 2
    nested = original[:at] + b"<x>" * depth + b"</x>" * depth + original[at:]
    path = folder / "nested.xml"
    path.write_bytes(nested)
    read_all(path)


@given(size=st.sampled_from([100_000, 2_000_000]), hostile=st.sampled_from(HOSTILE))
@settings(max_examples=examples(6))
def test_huge_fields(folder, size, hostile):
    record = RECORDS[0]
    path = folder / "huge.mrc"
    path.write_bytes(record + hostile * (size // len(hostile)) + record)
    read_all(path)

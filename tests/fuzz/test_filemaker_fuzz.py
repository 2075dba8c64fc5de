"""FileMaker XML reader (`importers.filemaker.read_rows`): FMPXMLRESULT and FMPDSORESULT."""

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from importers.filemaker import read_rows
from importers.records import RejectedRecord, SourceFileError, SourceRow

from .strategies import TEST_DATA, data_file, examples, mutated, safe_text, tried

FILES = sorted(
    str(p.relative_to(TEST_DATA))
    for p in [
        *(TEST_DATA / "filemaker").glob("*.xml"),
        *(TEST_DATA / "malformed-objects").glob("*.xml"),
    ]
    if "joconde" not in p.name
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("filemaker")


def read_all(path: Path) -> list | None:
    tried("filemaker")
    outcomes = []
    try:
        for outcome in read_rows(path):
            assert isinstance(outcome, SourceRow | RejectedRecord), outcome
            assert outcome.file == str(path) and outcome.record_number == len(outcomes) + 1
            if isinstance(outcome, RejectedRecord):
                assert outcome.reason and "RECORDID" in outcome.reason
            outcomes.append(outcome)
    except SourceFileError as error:
        assert error.file == str(path) and error.reason
        return None
    return outcomes


@given(name=st.sampled_from(FILES), data=st.data())
def test_a_damaged_export_gives_rows_rejections_or_a_file_error(folder, name, data):
    path = folder / "damaged.xml"
    path.write_bytes(data.draw(mutated(data_file(name))))
    read_all(path)


XML_TEXT = safe_text(max_size=30).filter(
    lambda t: all(c in "\t\n\r" or " " <= c <= "\ud7ff" or "\ue000" <= c <= "\ufffd" for c in t)
)
ROW = st.lists(st.lists(XML_TEXT, max_size=3), max_size=7)  # COLs of DATA values


def fmpxmlresult(fields, rows, *, metadata=True, errorcode="0") -> bytes:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<FMPXMLRESULT xmlns="http://www.filemaker.com/fmpxmlresult">',
        f"<ERRORCODE>{errorcode}</ERRORCODE>",
    ]
    if metadata:
        parts.append("<METADATA>")
        parts += [
            f'<FIELD EMPTYOK="YES" MAXREPEAT="1" NAME={quoteattr(f)} TYPE="TEXT"/>' for f in fields
        ]
        parts.append("</METADATA>")
    parts.append(f'<RESULTSET FOUND="{len(rows)}">')
    for number, cols in enumerate(rows, 1):
        parts.append(f'<ROW MODID="1" RECORDID="{number}">')
        for values in cols:
            parts.append("<COL>" + "".join(f"<DATA>{escape(v)}</DATA>" for v in values) + "</COL>")
        parts.append("</ROW>")
    parts.append("</RESULTSET></FMPXMLRESULT>")
    return "\n".join(parts).encode()


@given(
    fields=st.lists(st.text("abcdefgh:_ é", min_size=1, max_size=10), min_size=1, max_size=6),
    rows=st.lists(ROW, max_size=8),
    metadata=st.booleans(),
)
@example(fields=["a"], rows=[[["x"]], [], [["y"], ["z"]]], metadata=True)
def test_every_row_is_read_or_rejected_and_values_are_kept(folder, fields, rows, metadata):
    """N ROWs, some with a wrong COL count or no METADATA: N outcomes, in order."""
    path = folder / "generated.xml"
    path.write_bytes(fmpxmlresult(fields, rows, metadata=metadata))
    outcomes = read_all(path)
    assert outcomes is not None and len(outcomes) == len(rows)
    width = len(fields) if metadata else 0
    for outcome, cols in zip(outcomes, rows, strict=True):
        if len(cols) != width:
            assert isinstance(outcome, RejectedRecord)
            assert f"{len(cols)} COL elements for {width} fields" in outcome.reason
        else:
            assert isinstance(outcome, SourceRow)
            expected = {}
            for field, values in zip(fields[:width], cols, strict=True):
                expected.setdefault(field, []).extend(values)
            assert {k: v for k, v in outcome.values.items() if k != "@RECORDID"} == expected


@given(code=st.text("0123456789- x", min_size=1, max_size=4))
def test_a_filemaker_error_code_refuses_the_file(folder, code):
    path = folder / "errorcode.xml"
    path.write_bytes(fmpxmlresult(["a"], [[["x"]]], errorcode=code))
    outcomes = read_all(path)
    assert (outcomes is None) == (code.strip() not in ("", "0"))


ATTACKS = [
    b'<!DOCTYPE FMPXMLRESULT [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    b'<!DOCTYPE FMPXMLRESULT [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    b'<!DOCTYPE FMPXMLRESULT SYSTEM "http://127.0.0.1:9/fmp.dtd">',
]


@given(
    attack=st.sampled_from(ATTACKS),
    before=st.sampled_from([b"", b"<!-- a comment -->", b"<?pi x?>", b"\n" * 70_000]),
    use=st.sampled_from([b"&xxe;", b"&b;", b""]),
    bom=st.sampled_from([b"", b"\xef\xbb\xbf"]),
)
def test_a_dtd_is_refused_wherever_it_hides(folder, attack, before, use, bom):
    body = fmpxmlresult(["a"], [[["x"]]]).replace(b"<DATA>x", b"<DATA>" + use, 1)
    declaration, _, rest = body.partition(b"?>")
    path = folder / "dtd.xml"
    path.write_bytes(bom + declaration + b"?>" + before + attack + rest)
    tried("filemaker")
    with pytest.raises(SourceFileError) as refused:
        list(read_rows(path))
    assert "DOCTYPE" in refused.value.reason or "well-formed" in refused.value.reason


@settings(max_examples=examples(10))
@given(depth=st.integers(50, 3000))
def test_deep_nesting_in_a_row(folder, depth):
    body = fmpxmlresult(["a"], [[["x"]]]).replace(
        b"<DATA>x</DATA>", b"<DATA>" + b"<i>" * depth + b"x" + b"</i>" * depth + b"</DATA>"
    )
    path = folder / "nested.xml"
    path.write_bytes(body)
    read_all(path)


@given(root=st.text(min_size=1, max_size=20), data=st.binary(max_size=200))
def test_anything_else_is_refused_with_a_message(folder, root, data):
    path = folder / "other.xml"
    path.write_bytes(root.encode("utf-8", "replace") + data)
    read_all(path)

"""Joconde reader (`importers.joconde.read_objects`): POP txt, POP CSV, Actimuse, harvest XML."""

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from importers.joconde import KNOWN, parse_author, parse_dims, read_objects
from importers.records import ObjectRecord, RejectedRecord, SourceFileError

from .strategies import TEST_DATA, data_file, line_endings, mutated, safe_text, tried

FILES = sorted(
    str(p.relative_to(TEST_DATA))
    for p in [
        *(TEST_DATA / "joconde").rglob("*.txt"),
        *(TEST_DATA / "joconde").rglob("*.csv"),
        *(TEST_DATA / "joconde" / "mistral-xml-harvest").glob("aquarelle-[12].xml"),
        TEST_DATA / "malformed-objects" / "joconde_harvest_xxe.xml",
    ]
    if p.name != "joconde-fields.csv"
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("joconde")


def read_all(path: Path) -> list | None:
    tried("joconde")
    outcomes = []
    try:
        for outcome in read_objects(path):
            assert isinstance(outcome, ObjectRecord | RejectedRecord), outcome
            assert outcome.file == str(path) and outcome.record_number >= 1
            if isinstance(outcome, RejectedRecord):
                assert outcome.reason
            else:
                assert outcome.inventory_number.strip() and outcome.joconde_ref.strip()
            outcomes.append(outcome)
    except SourceFileError as error:
        assert error.file == str(path) and error.reason
        return None
    return outcomes


@given(name=st.sampled_from(FILES), data=st.data())
def test_a_damaged_file_gives_notices_rejections_or_a_file_error(folder, name, data):
    path = folder / Path(name).name
    path.write_bytes(data.draw(mutated(data_file(name))))
    read_all(path)


TAGS = sorted(KNOWN - {"REF", "INV"})
# A value on one line, never a tag or "//" by itself (else it would start a field).
VALUE = safe_text(max_size=40).map(
    lambda t: "".join(c for c in t if c not in "\r\n\x85\u2028\u2029")
)
# A value ending in "-" would glue the next line to it: POP's soft wrap, documented.
VALUE = VALUE.filter(
    lambda v: (
        v not in KNOWN and v != "//" and "Ã" not in v and "\ufffd" not in v and not v.endswith("-")
    )
)


@given(
    notices=st.lists(
        st.tuples(
            st.booleans(),  # has an INV
            st.lists(st.tuples(st.sampled_from(TAGS), VALUE), max_size=5, unique_by=lambda f: f[0]),
        ),
        min_size=1,
        max_size=6,
    ),
    ending=line_endings(),
    wrap=st.booleans(),
    last_slashes=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
@example(notices=[(True, [])], ending="\r\n", wrap=False, last_slashes=False, encoding="utf-8")
def test_n_txt_notices_give_n_outcomes(folder, notices, ending, wrap, last_slashes, encoding):
    """POP 'ajout piloté' txt with odd line endings and soft wraps: one outcome per notice."""
    lines = []
    for number, (has_inv, fields) in enumerate(notices, 1):
        lines += ["REF", f"M5062{number:06d}"]
        if has_inv:
            lines += ["INV", f"2019.1.{number}"]
        for tag, value in fields:
            if wrap and len(value) > 4:
                value = value[:4] + "-\r\n" + value[4:]  # POP's soft wrap
            lines += [tag, value]
        lines.append("//")
    if not last_slashes:
        lines.pop()
    text = ending.join(lines) + ending
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    path = folder / "generated.txt"
    path.write_bytes(data)
    outcomes = read_all(path)
    if outcomes is None:  # e.g. a value that decodes as a sign of a wrong encoding
        return
    assert len(outcomes) == len(notices)
    for number, (outcome, (has_inv, _fields)) in enumerate(zip(outcomes, notices, strict=True), 1):
        assert outcome.record_number == number
        if has_inv:
            assert (
                isinstance(outcome, ObjectRecord) and outcome.inventory_number == f"2019.1.{number}"
            )
        else:
            assert isinstance(outcome, RejectedRecord) and outcome.field == "INV"


@given(
    rows=st.lists(
        st.lists(VALUE.map(lambda v: v.replace('"', "")), min_size=3, max_size=3), max_size=6
    ),
    separator=st.sampled_from([";", ",", "\t", "|"]),
)
def test_pop_csv_with_odd_separators(folder, rows, separator):
    lines = [separator.join(["REF", "INV", "TITR"])]
    lines += [separator.join(f'"{cell}"' for cell in row) for row in rows]
    path = folder / "generated.csv"
    path.write_bytes("\r\n".join(lines).encode())
    read_all(path)


@given(text=safe_text(max_size=300))
@example(text="VUILLIER Gaston ((dessinateur)")
@example(text="(" * 50 + ")" * 50)
def test_parse_author_never_fails(text):
    tried("joconde")
    maker = parse_author(text)
    assert isinstance(maker.name, str)


@given(
    text=safe_text(max_size=200)
    | st.from_regex(
        r"(Hauteur|H\.|l\.|Pds) ?(en (cm|kg) )?\d{1,40}([.,]\d{1,6})?( cm)?( ; |, )?",
        fullmatch=True,
    )
)
@example(text="H. 1e5")
@example(text="H. " + "9" * 60)
def test_parse_dims_is_all_or_nothing(text):
    """Structured values only when the whole text is understood; then every value is positive
    and fits Dimension.value (3 decimals)."""
    tried("joconde")
    dimensions, note = parse_dims(text)
    assert not (dimensions and note)
    assert dimensions or note == text.strip()
    for dimension in dimensions:
        assert dimension.value > 0 and dimension.value.as_tuple().exponent >= -3

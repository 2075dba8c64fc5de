"""Hostile but realistic inputs for the parsers, and the count of inputs tried.

Most strategies start from the real files in tests/data and damage them the way files are
damaged in practice: bytes flipped, cut off, records spliced, lengths that lie, broken
encodings, control characters, DTDs and entities, BOMs, mixed line endings.
"""

import os
from collections import Counter
from pathlib import Path

from hypothesis import strategies as st

TEST_DATA = Path(__file__).resolve().parents[1] / "data"

# Inputs tried per parser, printed by conftest.pytest_terminal_summary.
INPUTS: Counter = Counter()
# The "fuzz" profile runs 50 times more examples, also for tests that set their own number.
FUZZ_FACTOR = 50
SCALE = FUZZ_FACTOR if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else 1


def tried(parser: str) -> None:
    INPUTS[parser] += 1


def examples(number: int) -> int:
    """`max_examples` for a test that runs fewer (or more) examples than the profile says."""
    return number * SCALE


def data_file(relative: str) -> bytes:
    return (TEST_DATA / relative).read_bytes()


# Byte sequences that parsers of these formats stumble on.
HOSTILE = [
    b"\x00",
    b"\x1b",  # ISO 2022 / MARC-8 escape
    b"\x1b(B",
    b"\x1b$1",
    b"\x1bZ",
    b"\x1d",  # ISO 2709 record terminator
    b"\x1e",  # field terminator
    b"\x1f",  # subfield delimiter
    b"\x1fa",
    b"\xef\xbb\xbf",  # UTF-8 BOM
    b"\xff\xfe",  # UTF-16 LE BOM
    b"\xc3\x28",  # invalid UTF-8
    b"\xe9",  # Latin-1 é
    b"\xc3",  # a cut UTF-8 sequence
    b"\xed\xa0\x80",  # an encoded surrogate
    b"\xef\xbf\xbd",  # U+FFFD
    b"\xc2\x88",  # NSB
    b"\r",
    b"\n",
    b"\r\n",
    b"-\r\n",
    b"//\r\n",
    b'"',
    b'""',
    b";",
    b",",
    b"\t",
    b"|",
    b"<",
    b">",
    b"&",
    b"&amp;",
    b"&e;",
    b"&#0;",
    b"&#x1F;",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"-->",
    b"<?xml version='1.0'?>",
    b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    b'<!DOCTYPE r SYSTEM "http://127.0.0.1:9/x.dtd">',
    b"99999",
    b"00000",
    b"-1",
    b"9" * 30,
    b"1e999",
    b"NaN",
    b"#",
]


@st.composite
def mutated(draw, original: bytes, *, max_ops: int = 4, avoid: bytes = b""):
    """`original` with a few realistic mutations; the result holds none of the `avoid` bytes,
    so that a test can keep a structure countable (e.g. ISO 2709 record terminators)."""
    data = bytearray(original)
    ops = draw(st.integers(min_value=1, max_value=max_ops))
    for _ in range(ops):
        kind = draw(
            st.sampled_from(
                ["flip", "insert", "hostile", "delete", "truncate", "duplicate", "digits", "huge"]
            )
        )
        size = len(data)
        at = draw(st.integers(min_value=0, max_value=size))
        if kind == "flip" and size:
            at = min(at, size - 1)
            data[at] = draw(st.integers(0, 255).filter(lambda b: bytes([b]) not in avoid))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "hostile":
            data[at:at] = draw(st.sampled_from(HOSTILE))
        elif kind == "delete" and size:
            end = draw(st.integers(min_value=at, max_value=min(size, at + 64)))
            del data[at:end]
        elif kind == "truncate":
            del data[at:]
        elif kind == "duplicate" and size:  # a splice of the file with a part of itself
            start = draw(st.integers(min_value=0, max_value=size - 1))
            end = draw(st.integers(min_value=start, max_value=min(size, start + 400)))
            data[at:at] = data[start:end]
        elif kind == "digits" and size:  # a length or an offset that lies
            at = min(at, size - 1)
            digits = draw(st.text("0123456789", min_size=1, max_size=5)).encode()
            data[at : at + len(digits)] = digits
        elif kind == "huge":
            data[at:at] = draw(st.sampled_from([b"a", b"\xc3\xa9", b"9", b" "])) * draw(
                st.sampled_from([1000, 70_000, 140_000])
            )
        for byte in avoid:
            data = data.replace(bytes([byte]), b"")
    return bytes(data)


def line_endings():
    return st.sampled_from(["\n", "\r\n", "\r"])


def safe_text(**kwargs):
    """Any text that can be encoded (no lone surrogates)."""
    return st.text(st.characters(codec="utf-8"), **kwargs)

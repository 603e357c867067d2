"""One registry of input kinds: each kind claims its own files by their first bytes, delimited
text takes the rest, and binary data nobody claims is refused with one line."""

from __future__ import annotations

import pytest

from bomscan.errors import InputError
from bomscan.sources import detect_kind
from bomscan.sources.interface import SOURCES, Tabular

HEADS = {
    "parquet": b"PAR1\x15\x04",
    "xlsx": b"PK\x03\x04\x14\x00",
    "cyclonedx-json": b'\xef\xbb\xbf  {"bomFormat": "CycloneDX", "specVersion": "1.6"}',
    "cyclonedx-xml": b'<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.6">',
    "tabular": b"Vendor Name,Amount\nAcme,1\n",
}


@pytest.mark.parametrize(("kind", "head"), HEADS.items())
def test_each_kind_claims_its_own_files(kind, head):
    assert detect_kind("f", head) == kind


def test_utf16_json_is_recognised_and_a_bracket_csv_is_text():
    utf16 = '{"bomFormat": "CycloneDX"}'.encode("utf-16")
    assert detect_kind("f", utf16) == "cyclonedx-json"
    assert detect_kind("f", b"[note],Vendor,Amount\nx,Acme,1\n") == "tabular"


def test_delimited_text_is_asked_last_and_binary_is_refused():
    assert isinstance(SOURCES[-1], Tabular)
    assert len({s.kind for s in SOURCES}) == len(SOURCES)
    with pytest.raises(InputError, match="binary data"):
        detect_kind("blob.bin", b"\x7fELF\x00\x00\x01")

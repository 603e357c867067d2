"""Beneficial Ownership Data Standard files as ownership edges: what a user who passes BODS
0.2/0.3/0.4 JSON to ``--ownership`` gets, and the one-line errors for a file that cannot be
read as one."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bomscan.errors import InputError
from bomscan.rules.ownership_bods import looks_like_bods, read_bods

FIXTURES = Path(__file__).parent / "fixtures" / "ownership"
BODS_04 = FIXTURES / "bods-0.4-sample.json"
BODS_02 = FIXTURES / "bods-0.2-sample.jsonl"


def summary(edges):
    """What a user reads off an edge: who owns whom, how much, from when until when."""
    return [(e.owner, e.owned, e.share, e.valid_from, e.valid_to) for e in edges]


def entity(rec: str, name: str, **extra) -> dict:
    """A minimal BODS 0.4 entity statement (made up)."""
    details = {"isComponent": False, "entityType": {"type": "registeredEntity"}, "name": name}
    return {"statementId": f"s-{rec}", "statementDate": "2024-01-01", "recordId": rec,
            "recordType": "entity", "recordStatus": "new", "recordDetails": details | extra}  # fmt: skip


def relationship(rec: str, subject: str, party: str, interests: list, **extra) -> dict:
    """A minimal BODS 0.4 relationship statement (made up)."""
    details = {"isComponent": False, "subject": subject, "interestedParty": party,
               "interests": interests}  # fmt: skip
    return {"statementId": f"s-{rec}", "statementDate": "2024-01-01", "recordId": rec,
            "recordType": "relationship", "recordStatus": "new",
            "recordDetails": details | extra}  # fmt: skip


def holding(share: dict, level: str = "direct", kind: str = "shareholding") -> dict:
    """An interest held since 2020-01-01."""
    return {"type": kind, "directOrIndirect": level, "share": share, "startDate": "2020-01-01"}


def write(tmp_path: Path, statements: list, name: str = "bods.json") -> Path:
    """The statements as an indented JSON array, one line per key, as publishers write them."""
    path = tmp_path / name
    path.write_text(json.dumps(statements, indent=2), encoding="utf-8")
    return path


def test_bods_04_relationships_become_dated_edges():
    edges = read_bods(BODS_04)
    assert summary(edges) == [
        # a UK-style band (more than 50%, up to 75%): the midpoint, and the range in the source
        ("Harrow Bay Holdings Ltd", "Kestrel Components Oy", 62.5, date(2019, 3, 1), None),
        # an update: the old share ends where the new one begins
        ("Ilse Marten", "Harrow Bay Holdings Ltd", 100.0, date(2015, 6, 1), date(2021, 1, 15)),
        ("Ilse Marten", "Harrow Bay Holdings Ltd", 40.0, date(2021, 1, 15), None),
        # the right to appoint the board is control without a share; a board seat is nothing
        ("Ilse Marten", "Kestrel Components Oy", None, date(2020, 2, 1), None),
        # a closed record ends on its statement date; a senior managing official owns nothing
        ("Tomas Reyes", "Kestrel Components Oy", 10.0, date(2017, 5, 1), date(2022, 6, 30)),
    ]
    first = edges[0]
    assert first.owner_id == "TESTLEI0HARROWBAY001" and first.owned_id is None
    assert "share range 50-75%, midpoint 62.5% used" in first.source
    assert first.source.startswith("BODS statement 4 (9b1a2c3d-0004): shareholding")
    assert first.origin == f"{BODS_04}:87"  # the line the statement's object starts on
    assert "superseded 2021-01-15" in edges[1].source


def test_bods_02_json_lines_with_a_replacement():
    edges = read_bods(BODS_02)
    assert summary(edges) == [
        # voting rights in the 25-50 band since "2016"; the individual name, not the alternative
        ("Aino Virtanen", "Nordlys Shipping AS", 37.5, date(2016, 1, 1), None),
        # statement 6 replaces statement 5 from its start on; the unspecified owner gives nothing
        ("Fjellvik Holding AS", "Nordlys Shipping AS", 75.0, date(2016, 4, 1), date(2018, 7, 1)),
        ("Fjellvik Holding AS", "Nordlys Shipping AS", 60.0, date(2018, 7, 1), None),
    ]
    assert [e.origin for e in edges] == [f"{BODS_02}:3", f"{BODS_02}:5", f"{BODS_02}:6"]
    assert {e.owned_id for e in edges} == {"TESTLEI0NORDLYS00001"}


def test_indirect_holding_is_not_counted_twice(tmp_path):
    parties = [entity("a", "Company A"), entity("b", "Company B"), entity("p", "Parent Co")]
    chain = [
        relationship("b-a", "a", "b", [holding({"exact": 60})], isComponent=True),
        relationship("p-b", "b", "p", [holding({"exact": 100})], isComponent=True),
    ]
    summed_up = relationship(
        "p-a", "a", "p", [holding({"exact": 60}, "indirect")], componentRecords=["b-a", "p-b"]
    )
    edges = read_bods(write(tmp_path, parties + chain + [summed_up]))
    assert [(e.owner, e.owned, e.share) for e in edges] == [
        ("Company B", "Company A", 60.0),
        ("Parent Co", "Company B", 100.0),
    ]
    # with a gap in the chain, the summed-up relationship is the only link: kept
    edges = read_bods(write(tmp_path, parties + chain[:1] + [summed_up]))
    assert [(e.owner, e.owned, e.share) for e in edges] == [
        ("Company B", "Company A", 60.0),
        ("Parent Co", "Company A", 60.0),
    ]


def test_malformed_json_names_file_and_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(
        '[\n  {"statementId": "x", "recordType": "entity"}\n  {"statementId": "y"}\n]\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        read_bods(path)
    assert str(err.value) == (
        f"{path}:3: not valid JSON: Expecting ',' or ']' after a statement (column 3)"
    )
    path.write_text('{"statementID": "a",\n "statementType": "entityStatement",,}\n')
    with pytest.raises(InputError) as err:
        read_bods(path)
    assert str(err.value).startswith(f"{path}:2: not valid JSON: Expecting property name")


def test_a_share_of_140_is_refused_with_its_line(tmp_path):
    statements = [
        entity("a", "Company A"),
        entity("b", "Company B"),
        relationship("b-a", "a", "b", [holding({"exact": 140})]),
    ]
    path = write(tmp_path, statements)
    with pytest.raises(InputError) as err:
        read_bods(path)
    starts = [n for n, text in enumerate(path.read_text().splitlines(), 1) if text == "  {"]
    line = starts[2]  # where the third statement, the relationship, begins
    assert str(err.value) == f"{path}:{line}: share '140' is outside 0-100"


def test_an_unknown_party_names_the_statement(tmp_path):
    statements = [entity("a", "Company A"), relationship("b-a", "a", "ghost", [])]
    path = write(tmp_path, statements)
    with pytest.raises(InputError) as err:
        read_bods(path)
    assert "statement 2 (s-b-a) names 'ghost' as its interestedParty" in str(err.value)
    assert "no entity or person statement in the file has that id" in str(err.value)


def test_the_dispatcher_can_tell_bods_from_other_json():
    assert looks_like_bods(BODS_04.read_bytes()[:2048])
    assert looks_like_bods(BODS_02.read_bytes()[:2048])
    assert not looks_like_bods(b'{"bomFormat": "CycloneDX", "specVersion": "1.5"}')
    assert not looks_like_bods(b"owner,owned,share\n")

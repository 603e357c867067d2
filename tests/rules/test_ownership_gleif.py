"""GLEIF Level 2 relationship records as ownership edges: what a user who passes the golden
copy to ``--ownership`` gets (who owns whom, since when, on whose word), and the one-line
errors for a file that cannot be read as one."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from bomscan.errors import InputError
from bomscan.rules.ownership_gleif import (
    looks_like_gleif,
    looks_like_gleif_names,
    read_gleif,
    read_gleif_names,
)

FIXTURES = Path(__file__).parent / "fixtures" / "ownership"
RR = FIXTURES / "gleif-rr-sample.csv"
LEI = FIXTURES / "gleif-lei-sample.csv"

APPLE, APPLE_ENERGY = "HWUPKR0MPOU8FGXBT394", "549300YX4S1LLSMK2627"
BLOOMBERG_FINANCE, BLOOMBERG_LP, BLOOMBERG_INC = (
    "5493001KJTIIGC8Y1R12",
    "549300B56MD0ZC402L06",
    "549300RMUDWPHCUQNE66",
)


def summary(edges):
    """What a user reads off an edge: who owns whom, how much, from when until when."""
    return [(e.owner, e.owned, e.share, e.valid_from, e.valid_to) for e in edges]


def write_rr(tmp_path: Path, columns: list[str], rows: list[list[str]]) -> Path:
    """A relationship file with just ``columns`` (the golden copy has 54; a user's extract or a
    hand-made file may have fewer)."""
    path = tmp_path / "rr.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerows(rows)
    return path


def test_real_records_give_parent_owns_child_under_legal_names():
    names = read_gleif_names(LEI)
    edges = read_gleif(RR, names)
    assert summary(edges) == [
        ("Apple Inc.", "APPLE ENERGY LLC", None, date(2018, 4, 10), None),
        ("Bloomberg L.P.", "Bloomberg Finance L.P.", None, date(2007, 6, 5), None),
        # The ultimate parent is kept only where the direct records do not lead to it.
        ("Bloomberg Inc.", "Bloomberg Finance L.P.", None, date(2007, 6, 5), None),
    ]
    first = edges[0]
    assert (first.owner_id, first.owned_id) == (APPLE, APPLE_ENERGY)
    assert first.origin == f"{RR}:2"
    assert first.source == (
        f"GLEIF relationship record {APPLE_ENERGY} -> {APPLE} "
        "(IS_DIRECTLY_CONSOLIDATED_BY; gleif-rr-sample.csv)"
    )
    assert edges[2].origin == f"{RR}:5"
    assert "IS_ULTIMATELY_CONSOLIDATED_BY" in edges[2].source


def test_without_names_the_leis_stand_in():
    edges = read_gleif(RR)
    assert [(e.owner, e.owned) for e in edges] == [
        (APPLE, APPLE_ENERGY),
        (BLOOMBERG_LP, BLOOMBERG_FINANCE),
        (BLOOMBERG_INC, BLOOMBERG_FINANCE),
    ]


def test_names_can_be_limited_to_the_leis_needed():
    assert read_gleif_names(LEI, only={APPLE, "NOTINTHEFILE00000000"}) == {APPLE: "Apple Inc."}


def test_share_dates_and_inactive_records(tmp_path):
    cols = [
        "Relationship.StartNode.NodeID",
        "Relationship.EndNode.NodeID",
        "Relationship.RelationshipType",
        "Relationship.RelationshipStatus",
        "Relationship.Period.1.startDate",
        "Relationship.Period.1.endDate",
        "Relationship.Period.1.periodType",
        "Relationship.Period.2.startDate",
        "Relationship.Period.2.endDate",
        "Relationship.Period.2.periodType",
        "Relationship.Quantifiers.1.MeasurementMethod",
        "Relationship.Quantifiers.1.QuantifierAmount",
        "Relationship.Quantifiers.1.QuantifierUnits",
        "Registration.LastUpdateDate",
        "Registration.RegistrationStatus",
        "Registration.ValidationReference",
    ]
    acct = ["2023-01-01T00:00:00Z", "2023-12-31T00:00:00Z", "ACCOUNTING_PERIOD"]
    rows = [
        # made up: a stated 51.5% share; the accounting period is not the relationship's life
        ["CHILD000000000000001", "PARENT00000000000001", "IS_DIRECTLY_CONSOLIDATED_BY", "ACTIVE",
         *acct, "2020-02-02T00:00:00Z", "", "RELATIONSHIP_PERIOD",
         "ACCOUNTING_CONSOLIDATION", "51.5", "PERCENTAGE", "2024-05-01T10:00:00Z", "PUBLISHED",
         "annual report\nnote 12"],  # a quoted line break: the next row starts on line 4
        # made up: ended, with no end date; the last update bounds it
        ["CHILD000000000000002", "PARENT00000000000001", "IS_DIRECTLY_CONSOLIDATED_BY",
         "INACTIVE", "2015-03-01T00:00:00+01:00", "", "RELATIONSHIP_PERIOD", "", "", "",
         "", "", "", "2021-07-09T08:00:00Z", "PUBLISHED", ""],
        # made up: ended on a stated day
        ["CHILD000000000000003", "PARENT00000000000001", "IS_DIRECTLY_CONSOLIDATED_BY",
         "INACTIVE", "2010-01-01", "2019-06-30", "RELATIONSHIP_PERIOD", "", "", "", "", "", "",
         "2021-07-09T08:00:00Z", "PUBLISHED", ""],
        # not ownership, and a record GLEIF annulled: no edge
        ["FUND0000000000000001", "MANAGER0000000000001", "IS_FUND-MANAGED_BY", "ACTIVE",
         "2019-01-01", "", "RELATIONSHIP_PERIOD", "", "", "", "", "", "", "", "PUBLISHED", ""],
        ["CHILD000000000000004", "PARENT00000000000001", "IS_DIRECTLY_CONSOLIDATED_BY",
         "ACTIVE", "2019-01-01", "", "RELATIONSHIP_PERIOD", "", "", "", "", "", "", "",
         "ANNULLED", ""],
    ]  # fmt: skip
    path = write_rr(tmp_path, cols, rows)
    edges = read_gleif(path)
    assert summary(edges) == [
        ("PARENT00000000000001", "CHILD000000000000001", 51.5, date(2020, 2, 2), None),
        ("PARENT00000000000001", "CHILD000000000000002", None, date(2015, 3, 1), date(2021, 7, 9)),
        ("PARENT00000000000001", "CHILD000000000000003", None, date(2010, 1, 1), date(2019, 6, 30)),
    ]
    assert [e.origin for e in edges] == [f"{path}:2", f"{path}:4", f"{path}:5"]
    assert "INACTIVE, ended by 2021-07-09 (last update)" in edges[1].source


def test_a_file_of_ultimate_records_only_is_used(tmp_path):
    cols = ["Relationship.StartNode.NodeID", "Relationship.EndNode.NodeID",
            "Relationship.RelationshipType"]  # fmt: skip
    rows = [[APPLE_ENERGY, APPLE, "IS_ULTIMATELY_CONSOLIDATED_BY"]]
    edges = read_gleif(write_rr(tmp_path, cols, rows))
    assert [(e.owner_id, e.owned_id, e.share) for e in edges] == [(APPLE, APPLE_ENERGY, None)]


def test_missing_column_is_named(tmp_path):
    path = write_rr(
        tmp_path,
        ["Relationship.StartNode.NodeID", "Relationship.RelationshipType"],
        [[APPLE_ENERGY, "IS_DIRECTLY_CONSOLIDATED_BY"]],
    )
    with pytest.raises(InputError) as err:
        read_gleif(path)
    assert str(err.value) == (
        f"{path}:1: GLEIF relationship file lacks the column 'Relationship.EndNode.NodeID'"
    )


def test_a_share_of_140_is_refused_with_its_line(tmp_path):
    cols = ["Relationship.StartNode.NodeID", "Relationship.EndNode.NodeID",
            "Relationship.RelationshipType", "Relationship.Quantifiers.1.QuantifierAmount",
            "Relationship.Quantifiers.1.QuantifierUnits"]  # fmt: skip
    rows = [
        [APPLE_ENERGY, APPLE, "IS_DIRECTLY_CONSOLIDATED_BY", "100", "PERCENTAGE"],
        [BLOOMBERG_FINANCE, BLOOMBERG_LP, "IS_DIRECTLY_CONSOLIDATED_BY", "140", "PERCENTAGE"],
    ]
    path = write_rr(tmp_path, cols, rows)
    with pytest.raises(InputError) as err:
        read_gleif(path)
    assert str(err.value) == f"{path}:3: share '140' is outside 0-100"


def test_a_bad_date_is_refused_with_its_line(tmp_path):
    cols = ["Relationship.StartNode.NodeID", "Relationship.EndNode.NodeID",
            "Relationship.RelationshipType", "Relationship.Period.1.startDate",
            "Relationship.Period.1.periodType"]  # fmt: skip
    rows = [
        [APPLE_ENERGY, APPLE, "IS_DIRECTLY_CONSOLIDATED_BY", "2018-13-10", "RELATIONSHIP_PERIOD"]
    ]
    path = write_rr(tmp_path, cols, rows)
    with pytest.raises(InputError) as err:
        read_gleif(path)
    assert str(err.value) == (
        f"{path}:2: relationship start date '2018-13-10' is not a date (YYYY-MM-DD)"
    )


def test_inactive_without_any_end_is_an_error(tmp_path):
    cols = ["Relationship.StartNode.NodeID", "Relationship.EndNode.NodeID",
            "Relationship.RelationshipType", "Relationship.RelationshipStatus"]  # fmt: skip
    rows = [[APPLE_ENERGY, APPLE, "IS_DIRECTLY_CONSOLIDATED_BY", "INACTIVE"]]
    path = write_rr(tmp_path, cols, rows)
    with pytest.raises(InputError, match=r":2: INACTIVE relationship .* cannot tell when"):
        read_gleif(path)


def test_the_dispatcher_can_tell_the_files_apart():
    with RR.open(encoding="utf-8") as fh:
        rr_header = next(csv.reader(fh))
    with LEI.open(encoding="utf-8") as fh:
        lei_header = next(csv.reader(fh))
    simple = ["owner", "owned", "share", "valid_from", "valid_to", "source"]
    assert looks_like_gleif(rr_header) and not looks_like_gleif(lei_header)
    assert not looks_like_gleif(simple)
    assert looks_like_gleif(["\ufeffRelationship.StartNode.NodeID", *rr_header[1:]])
    assert looks_like_gleif_names(lei_header) and not looks_like_gleif_names(rr_header)

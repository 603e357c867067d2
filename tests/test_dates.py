"""Date columns as exports write them: the format chosen per column from a sample."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from bomscan.sources import dates

DATE_LIKE = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.dates().map(lambda d: d.strftime("%m/%d/%Y")),
    st.dates().map(lambda d: d.strftime("%Y/%m/%d")),
    st.dates().map(lambda d: d.strftime("%d-%b-%Y")),
    st.dates().map(lambda d: d.isoformat() + "T10:00:00Z"),
    st.sampled_from(["", " ", "n/a", "2024-13-01", "2024-02-30", "31/12/99", "20240105"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(DATE_LIKE, min_size=1, max_size=8))
def test_date_format_shortcut_gives_the_counted_answer(values):
    # a sample the first format reads whole is given that format without trying the others:
    # the answer must be the one counting every format gives, for any sample
    sample = pl.Series(values, dtype=pl.String)
    counts = sample.drop_nulls().alias("v").value_counts(name="n")
    assert dates.detect_format(sample) == dates._most_read(counts, dates._prepared(pl.col("v")))

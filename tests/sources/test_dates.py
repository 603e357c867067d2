"""Date columns as exports write them: the format chosen per column from a sample."""

from __future__ import annotations

from hypothesis import strategies as st

DATE_LIKE = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.dates().map(lambda d: d.strftime("%m/%d/%Y")),
    st.dates().map(lambda d: d.strftime("%Y/%m/%d")),
    st.dates().map(lambda d: d.strftime("%d-%b-%Y")),
    st.dates().map(lambda d: d.isoformat() + "T10:00:00Z"),
    st.sampled_from(["", " ", "n/a", "2024-13-01", "2024-02-30", "31/12/99", "20240105"]),
)

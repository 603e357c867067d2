"""Parts of the HTML report, kept apart so each stays small and testable on its own.

- :mod:`.series` derives what the charts plot from the typed report (no rendering);
- :mod:`.svg` draws those series as inline SVG (no scripts, no external resources);
- ``report.css`` is the stylesheet inlined into every page (screen, phone and print).

The page itself is assembled by :mod:`bomscan.formats.html_format`.
"""

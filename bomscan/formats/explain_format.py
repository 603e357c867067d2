"""``bomscan explain NAME`` as text: how the name normalises and why each candidate passes or
fails, wrapped to the terminal's width (long words such as aliases are never broken)."""

from __future__ import annotations

import orjson

from bomscan.terminal import wrap as _wrap


def with_entity_names(info: dict, ruleset) -> dict:
    """``info`` with each candidate's ``entity_name`` (its id when the rules lack the entity)."""
    for c in info.get("candidates", []):
        ent = ruleset.entities.get(c["entity_id"])
        c["entity_name"] = ent.name if ent else c["entity_id"]
    return info


def render_json(info: dict) -> str:
    """``bomscan explain -f json``: the explanation as indented JSON."""
    return orjson.dumps(info, option=orjson.OPT_INDENT_2).decode() + "\n"


def render(info: dict, width: int) -> str:
    """The explain report; ``info`` is the resolver's explanation with entity names added."""
    head = [
        ("name:", info["name"]),
        ("normalised:", info["normalised"]),
        ("tokens:", " ".join(info.get("tokens", []))),
        ("distinctive:", " ".join(info.get("distinctive_tokens", [])) or "(none)"),
        (
            "threshold:",
            f"{info['threshold']:.2f} (review band from {info['review_threshold']:.2f})",
        ),
    ]
    out: list[str] = []
    for label, value in head:
        out += _wrap(value, width, f"{label:<13}", " " * 13)
    cands = info.get("candidates", [])
    if not cands:
        out += _wrap(
            "none (no distinctive token or n-gram in common with any alias)",
            width,
            f"{'candidates:':<13}",
            " " * 13,
        )
    for c in cands:
        verdict = "PASS" if c["passes"] else "fail"
        text = (
            f"{verdict} {c['score']:.3f} {c['entity_name']} [{c['entity_id']}] "
            f"alias {c['alias']!r} ({c['method']}): {c['why']}"
        )
        out += _wrap(text, width, "  ", "       ")
    return "\n".join(out) + "\n"

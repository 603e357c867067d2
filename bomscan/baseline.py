"""Baseline: the finding ids of a previous JSON report, so a run reports and gates only new ones.

Why: a repository that adopts bomscan with known exposure must be able to block *new* listed
parts in pull requests without first fixing every old one. The id is the same fingerprint SARIF
uses (``partialFingerprints.primaryLocationLineHash``): it hashes source path, listed entity,
field, raw name and bom-ref/part, never the line number, so edits elsewhere in the file keep it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bomscan.errors import InputError


@dataclass
class Baseline:
    path: str
    ids: set[str] = field(default_factory=set)


def load(path: str) -> Baseline:
    """Ids of ``findings``, ``possible_matches``, ``suppressed`` and ``baseline.ids`` of a report.

    A report written with ``--baseline`` lists the ids it baselined under ``baseline.ids``, so a
    baseline refreshed from such a report still knows the older findings.
    """
    import orjson

    try:
        with open(path, "rb") as fh:
            data = orjson.loads(fh.read())
    except OSError as exc:
        raise InputError(f"cannot read baseline ({exc.strerror})", path=path) from None
    except orjson.JSONDecodeError as exc:
        raise InputError(
            f"baseline is not JSON ({str(exc).splitlines()[0][:120]}); "
            "give a report written with --format json",
            path=path,
        ) from None
    if not isinstance(data, dict) or "findings" not in data or "schema_version" not in data:
        raise InputError(
            "baseline is not a bomscan JSON report (no schema_version/findings); "
            "give a report written with --format json",
            path=path,
        )
    ids: set[str] = set()
    for key in ("findings", "possible_matches", "suppressed"):
        for f in data.get(key) or []:
            if isinstance(f, dict) and isinstance(f.get("id"), str):
                ids.add(f["id"])
    old = data.get("baseline")
    if isinstance(old, dict):
        ids.update(i for i in old.get("ids") or [] if isinstance(i, str))
    return Baseline(path=path, ids=ids)

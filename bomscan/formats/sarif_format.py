"""SARIF 2.1.0 for GitHub code scanning: each finding pointed at its BOM line.

Why each choice:

* **One rule per list** (``ruleId`` = the list id, e.g. ``us-ndaa-889``), never per entity, so rule
  ids stay few and stable. A finding whose entity is on several lists gives **one** result whose
  ``ruleId`` is its most severe list (ties: earliest listing, then list id; the order of the
  finding's ``lists``); the other lists are named in the message and in
  ``properties.bomscan/lists``. One result per list would show the same line five times.
* **Location**: the input path relative to the git top-level (else the working directory), with
  forward slashes, and the finding's line (CSV: the record's line; CycloneDX JSON/XML: the line
  of the manufacturer/supplier name). GitHub then shows the alert in a pull request only when
  that line changed.
* ``partialFingerprints.primaryLocationLineHash`` is the finding id: a hash of path, listed
  entity, field, raw name and bom-ref/part, without the line, so alerts survive edits elsewhere.
* ``security-severity`` uses mid-band values (never a GitHub band boundary): prohibited 9.5
  (critical), restricted 8.0 (high), investment 5.5 (medium), informational 2.0 (low); ``level``
  is error for prohibited/restricted, warning for investment, note for informational.
* Every rule's help ends with a paste-ready ``.bomscan.toml`` suppression.
* No findings still yields a valid log with the rules and an empty ``results`` list, so an upload
  closes alerts that were fixed.

Reads the typed report (:class:`bomscan.model.Report`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

from bomscan.model import Finding, ListInfo, Report

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://pypi.org/project/bomscan/"
SECURITY_SEVERITY = {
    "prohibited": "9.5",
    "restricted": "8.0",
    "investment": "5.5",
    "informational": "2.0",
}
SARIF_LEVEL = {
    "prohibited": "error",
    "restricted": "error",
    "investment": "warning",
    "informational": "note",
}


def _cut(text: str, n: int = 1000) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def suppress_snippet(entity: str = "ENTITY-ID", name: str | None = None) -> str:
    lines = ["[[suppress]]", f"entity = {_toml_str(entity)}"]
    if name:
        lines.append(f"name = {_toml_str(name)}")
    lines += [
        'reason = "Why this is acceptable, who decided (ticket)"',
        "expires = 2099-12-31  # a date: the entry stops suppressing after it",
    ]
    return "\n".join(lines)


def _stand_in(list_id: str, name: str, level: str) -> ListInfo:
    """A rule's list when the report's list table lacks it: only an id, a name and a level."""
    return ListInfo(
        id=list_id,
        name=name,
        short_name="",
        authority="",
        level=level,
        url="",
        legal_basis="",
        meaning="",
        used=True,
    )


def _short_name(lst: ListInfo) -> str:
    return lst.short_name or lst.name or lst.id


def _rule(lst: ListInfo) -> dict:
    level = lst.level or "informational"
    name = lst.name or lst.id
    short = lst.short_name or name
    meaning = lst.meaning or ""
    basis = lst.legal_basis or ""
    url = lst.url or ""
    snippet = suppress_snippet()
    text = (
        f"A manufacturer or supplier in the BOM resolves to an entity on the {name} "
        f"(level {level}). {meaning} Review the match with 'bomscan explain NAME'. If the part is "
        f"acceptable, add a suppression with a reason and an expiry date to .bomscan.toml (or as "
        f"[[tool.bomscan.suppress]] in pyproject.toml):\n\n{snippet}\n\n"
        "Match on entity (listed or matched entity id), name (raw name, case-insensitive) and/or "
        "file (path glob); every key given must match."
    )
    md = (
        f"**{name}** ({level}). {meaning}\n\n"
        + (f"Legal basis: {basis}\n\n" if basis else "")
        + (f"Source: <{url}>\n\n" if url else "")
        + 'Review the match with `bomscan explain "NAME"`. If the part is acceptable, suppress '
        "it with a reason and an expiry date in `.bomscan.toml` at the repository root (or as "
        "`[[tool.bomscan.suppress]]` in `pyproject.toml`):\n\n"
        f"```toml\n{snippet}\n```\n\n"
        "Keys: `entity` (listed or matched entity id, shown in the alert), `name` (the raw name, "
        "case-insensitive), `file` (a path glob); every key given must match. Expired entries "
        "stop suppressing; `bomscan report --show-suppressed` lists what was suppressed."
    )
    return {
        "id": lst.id,
        "name": "SupplierOn" + "".join(w.capitalize() for w in lst.id.split("-") if w),
        "shortDescription": {"text": _cut(f"Supplier or manufacturer on the {short}")},
        "fullDescription": {"text": _cut(f"{name}: {meaning}" if meaning else name)},
        "helpUri": url or INFO_URI,
        "help": {"text": text, "markdown": md},
        "defaultConfiguration": {"level": SARIF_LEVEL.get(level, "warning")},
        "properties": {
            "tags": ["security", "supply-chain", level, lst.id],
            "precision": "high",
            "security-severity": SECURITY_SEVERITY.get(level, "2.0"),
        },
    }


def repo_root(ctx) -> Path:
    """Where URIs are relative to: ``ctx.repo_root``, else the git top-level, else the cwd."""
    if getattr(ctx, "repo_root", None):
        return Path(ctx.repo_root).resolve()
    from bomscan.config import git_toplevel

    return git_toplevel() or Path.cwd().resolve()


def artifact_uri(source: str, root: Path) -> str:
    real = Path(os.path.realpath(source))
    try:
        rel = real.relative_to(root)
    except ValueError:
        return real.as_uri()
    return quote(rel.as_posix(), safe="/")


def _artifact(uri: str) -> dict:
    if uri.startswith("file:"):
        return {"uri": uri}
    return {"uri": uri, "uriBaseId": "%SRCROOT%"}


def _message(f: Finding, names: dict[str, str], root_rel: str) -> str:
    ent = f.entity
    lists = f.lists or []
    first = names.get(lists[0], lists[0]) if lists else "a restricted list"
    others = [names.get(x, x) for x in lists[1:]]
    via = ""
    if f.via:
        via = " via " + " > ".join(v.name for v in f.via)
    part = f" (part {f.part})" if f.part else ""
    msg = (
        f"{f.field or 'name'} '{_cut(f.value, 200)}'{part} is {ent.name} "
        f"[{ent.id}]{via}, on the {first} ({f.level})."
    )
    if others:
        msg += " Also on: " + ", ".join(others) + "."
    msg += f" Match score {f.score:.2f} ({f.method or 'match'})."
    if f.spend is not None:
        msg += f" Spend {f.spend:,.2f}" + (f" {f.currency}" if f.currency else "") + "."
    msg += f' To accept it, add [[suppress]] entity = "{ent.id}" with a reason to .bomscan.toml.'
    return msg


def _rules(report: Report) -> tuple[dict[str, ListInfo], list[dict], dict[str, int]]:
    """The lists as rules: by id, in rule order, and each id's index."""
    by_id = {x.id: x for x in report.lists or []}
    # lists a finding names but the report's list table lacks (should not happen): still a rule
    for f in report.findings:
        for lid in f.lists or []:
            if lid not in by_id:
                by_id[lid] = _stand_in(lid, lid, f.level)
    rule_ids = sorted(by_id)
    return by_id, [_rule(by_id[r]) for r in rule_ids], {r: i for i, r in enumerate(rule_ids)}


def _result(f: Finding, rid: str, index: int, uri: str, names: dict[str, str]) -> dict:
    line = f.locator.line or 1
    return {
        "ruleId": rid,
        "ruleIndex": index,
        "level": SARIF_LEVEL.get(f.level, "warning"),
        "message": {"text": _message(f, names, uri)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact(uri),
                    "region": {"startLine": int(line)},
                }
            }
        ],
        "partialFingerprints": {"primaryLocationLineHash": f.id},
        "properties": {
            "bomscan/findingId": f.id,
            "bomscan/entity": f.entity.id,
            "bomscan/matchedEntity": f.matched_entity.id,
            "bomscan/field": f.field,
            "bomscan/name": f.value,
            "bomscan/level": f.level,
            "bomscan/lists": f.lists or [],
            "bomscan/score": f.score,
            "bomscan/spend": f.spend,
            "bomscan/currency": f.currency,
            "security-severity": SECURITY_SEVERITY.get(f.level, "2.0"),
        },
    }


def _run(report: Report, rules: list[dict], results: list[dict], root: Path) -> dict:
    version = str(report.tool.version or "0")
    s = report.summary
    run = {
        "tool": {
            "driver": {
                "name": "bomscan",
                "version": version,
                "semanticVersion": version,
                "informationUri": INFO_URI,
                "rules": rules,
            }
        },
        "automationDetails": {"id": "bomscan/"},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": root.as_uri() + "/"}},
        "invocations": [_invocation(s)],
        "results": results,
        "properties": {
            "bomscan/summary": {
                "lines_read": s.lines_read,
                "findings": s.findings,
                "exposures": s.exposures,
                "suppressed": s.suppressed,  # None without suppressions, as in the JSON's absence
                "baselined": s.baselined,
            },
            "bomscan/rulesets": [
                {"name": r.name, "version": r.version, "updated": r.updated}
                for r in report.rulesets
            ],
        },
    }
    if report.gate is not None:
        g = report.gate
        run["properties"]["bomscan/gate"] = {
            "fail_on": g.fail_on,
            "failed": g.failed,
            "gating_findings": g.gating_findings,
        }
    return run


def render(report: Report, ctx) -> str:
    by_id, rules, index = _rules(report)
    names = {x.id: _short_name(x) for x in by_id.values()}
    root = repo_root(ctx)
    uri_cache: dict[str, str] = {}
    files = {i.source: i.file for i in report.inputs}  # a workbook's sheets point at its file
    results = []
    for f in report.findings:
        rid = (f.lists or ["unlisted"])[0]
        if rid not in index:  # no list at all: keep the result valid with a generic rule
            by_id[rid] = _stand_in(rid, "restricted entity", f.level)
            rules.append(_rule(by_id[rid]))
            index[rid] = len(rules) - 1
        src = f.source
        uri = uri_cache.get(src) or uri_cache.setdefault(
            src, artifact_uri(files.get(src, src), root)
        )
        result = _result(f, rid, index[rid], uri, names)
        file = files.get(src, src)
        if file != src:  # one of a workbook's sheets: the location is the file, the text says which
            result["message"]["text"] = (
                f"Sheet {src[len(file) + 1 : -1]}: " + result["message"]["text"]
            )
        results.append(result)
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [_run(report, rules, results, root)]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _invocation(s) -> dict:
    """The run's invocation; an input that could not be screened is a warning notification
    (code scanning shows it), so no result is never read as a clean input."""
    inv = {
        "executionSuccessful": True,
        "workingDirectory": {"uri": Path.cwd().resolve().as_uri() + "/"},
    }
    if s.unscreened is not None:
        inv["toolExecutionNotifications"] = [
            {"level": "warning", "message": {"text": "Not screened: " + s.unscreened.reason}}
        ]
    return inv

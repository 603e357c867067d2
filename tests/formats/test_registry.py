"""One list of formats and one of gate levels: the CLI's choices, the config file's check and the
renderers all come from ``bomscan.formats.FORMATS`` and ``bomscan.levels.FAIL_ON``."""

from __future__ import annotations

import importlib

import click
import pytest

from bomscan import config, formats, levels
from bomscan.cli import report
from bomscan.errors import ConfigError
from bomscan.rules.model import LEVELS


def _choices(name: str) -> tuple[str, ...]:
    (opt,) = [p for p in report.params if p.name == name]
    assert isinstance(opt.type, click.Choice)
    return tuple(opt.type.choices)


def test_cli_choices_are_the_registry_and_the_levels():
    assert _choices("fmt") == formats.FORMAT_NAMES == tuple(formats.FORMATS)
    assert _choices("fail_on") == levels.FAIL_ON
    assert formats.DEFAULT_FORMAT in formats.FORMATS


def test_every_format_has_a_renderer_and_a_distinct_extension():
    exts = [f.extension for f in formats.FORMATS.values()]
    assert len(set(exts)) == len(exts) and all(e.startswith(".") for e in exts)
    for f in formats.FORMATS.values():
        module = importlib.import_module(f"bomscan.formats.{f.module}")
        assert callable(module.render), f.name
    assert [f.name for f in formats.FORMATS.values() if f.binary] == ["xlsx"]


def test_unknown_format_names_the_known_ones():
    with pytest.raises(ValueError, match="known: table, json"):
        formats.get("pdf")


def test_fail_on_levels_come_from_the_rules_model():
    assert levels.FAIL_ON == ("any", *LEVELS[1:], "none")
    assert levels.gate_levels("any") == set(LEVELS)
    assert levels.gate_levels("none") == set()
    assert levels.gate_levels(LEVELS[-1]) == {LEVELS[-1]}
    assert levels.gate_levels("restricted") == {"restricted", "prohibited"}
    with pytest.raises(ConfigError, match="any, investment"):
        levels.gate_levels("severe")


@pytest.mark.parametrize(("key", "names"), [("format", "FORMAT_NAMES"), ("fail-on", "FAIL_ON")])
def test_config_accepts_exactly_the_registry(tmp_path, key, names):
    allowed = getattr(formats, names, None) or getattr(levels, names)
    cfg = tmp_path / ".bomscan.toml"
    for value in allowed:
        cfg.write_text(f'{key} = "{value}"\n')
        assert config.load(cfg).options[config.OPTION_KEYS[key]] == value
    cfg.write_text(f'{key} = "nope"\n')
    with pytest.raises(ConfigError, match=f"must be one of {', '.join(allowed)}"):
        config.load(cfg)


def test_flags_win_over_the_config_file():
    cfg = config.Config(options={"format": "json", "rules": ["x"], "min_score": 0.8})
    got = cfg.with_defaults(format=None, rules=(), min_score=0.0, currency=None)
    assert got == {"format": "json", "rules": ["x"], "min_score": 0.0, "currency": None}
    assert cfg.with_defaults(format="csv", rules=("y",))["format"] == "csv"

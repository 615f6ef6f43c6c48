"""Settings from the editor: defaults, nested and flat keys, and warnings naming bad keys."""

from __future__ import annotations

from treewright.settings import DEFAULT_MODEL, Settings, parse_settings


def test_defaults_match_the_protocol_table():
    s = Settings()
    assert (s.model, s.max_tokens, s.max_turns, s.budget_usd) == (DEFAULT_MODEL, 8192, 25, 0.50)
    assert (s.preview_edits, s.run_commands, s.allow) == (True, "ask", ())
    assert (s.index_exclude, s.index_max_file_bytes) == ((), 1048576)


def test_nested_and_flat_keys_mean_the_same():
    nested, w1 = parse_settings({"index": {"exclude": ["dist/"]}, "permissions": {"allow": ["pytest"]}})
    flat, w2 = parse_settings({"index.exclude": ["dist/"], "permissions.allow": ["pytest"]})
    assert nested == flat and not w1 and not w2
    assert nested.index_exclude == ("dist/",) and nested.allow == ("pytest",)


def test_wrong_types_warn_by_name_and_keep_defaults():
    s, warnings = parse_settings(
        {"maxTokens": "lots", "budgetUsd": -1, "previewEdits": "yes",
         "permissions": {"runCommands": "sometimes"}, "unknownKey": 1, "model": "claude-x"}
    )
    assert s.max_tokens == 8192 and s.budget_usd == 0.5 and s.preview_edits is True
    assert s.run_commands == "ask" and s.model == "claude-x"
    joined = "\n".join(warnings)
    for key in ("maxTokens", "budgetUsd", "previewEdits", "permissions.runCommands"):
        assert f"'{key}'" in joined
    assert "unknownKey" not in joined
    assert len(warnings) == 4


def test_not_an_object():
    assert parse_settings(None) == (Settings(), [])
    s, warnings = parse_settings([1, 2])
    assert s == Settings() and warnings

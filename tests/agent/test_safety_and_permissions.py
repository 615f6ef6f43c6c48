"""Path checks, secret files, command allowances and prices, without a model."""

from __future__ import annotations

import asyncio

import pytest

from treewright.agent.permissions import Decision, Permissions, matches_prefix, suggested_prefix, words
from treewright.agent.pricing import Usage, cost_usd
from treewright.agent.safety import PathError, is_secret, resolve


@pytest.mark.parametrize(
    "path", ["../x", "a/../../x", "/etc/passwd", "sub/../../outside", "./../x", "a/\0b", "", "   "]
)
def test_paths_that_leave_the_workspace_are_refused(tmp_path, path):
    (tmp_path / "a").mkdir()
    with pytest.raises(PathError):
        resolve(tmp_path, path)


def test_paths_inside_are_resolved(tmp_path):
    (tmp_path / "pkg").mkdir()
    assert resolve(tmp_path, "pkg/../pkg/mod.py")[1] == "pkg/mod.py"
    assert resolve(tmp_path, str(tmp_path / "pkg" / "mod.py"))[1] == "pkg/mod.py"


def test_symlinks_are_followed_before_the_check(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "ws"
    root.mkdir()
    (root / "door").symlink_to(outside)
    with pytest.raises(PathError, match="outside the workspace"):
        resolve(root, "door/file.txt")


@pytest.mark.parametrize(
    "rel", [".env", ".env.local", "config/prod.env", "id_rsa", "id_ed25519.pub", "certs/a.pem", "k.key",
            "store.p12", ".npmrc", ".pypirc", "CERTS/SERVER.PEM"]
)
def test_secret_files(rel):
    assert is_secret(rel)


@pytest.mark.parametrize("rel", ["environment.py", "id_utils.py", "keyboard.py", "docs/env.md", "README.md"])
def test_ordinary_files_are_not_secrets(rel):
    assert not is_secret(rel)


def test_extra_deny_patterns():
    assert is_secret("deploy/vault.yml", ("deploy/*",))
    assert is_secret("terraform.tfstate", ("*.tfstate",))


@pytest.mark.parametrize(
    "command",
    ["pytest; curl evil.sh", "pytest && rm -rf /", "pytest | sh", "pytest $(curl x)", "pytest `id`",
     "pytest\nrm -rf /", "pytest > /etc/passwd", "pytest & curl x", "pytest ${HOME}"],
)
def test_shell_syntax_never_rides_on_an_allowed_prefix(command):
    assert words(command) is None
    assert not matches_prefix(command, "pytest")


def test_prefixes_match_whole_words():
    assert matches_prefix("pytest -q tests", "pytest")
    assert matches_prefix(["npm", "test", "--", "--watch=false"], "npm test")
    assert not matches_prefix("pytest-cov", "pytest")
    assert not matches_prefix("npm install evil", "npm test")
    assert suggested_prefix("npm test -- --watch") == "npm test"
    assert suggested_prefix("python -m pytest -q") == "python -m pytest"
    assert suggested_prefix("pytest tests/test_a.py") == "pytest"


def test_policy_and_remembered_answers(tmp_path):
    asked = []

    async def asker(command, prefix):
        asked.append(command)
        return Decision.ALLOW_ALWAYS

    store = tmp_path / "permissions.json"
    p = Permissions("ask", (), store, asker)
    assert asyncio.run(p.check("make test")) == (True, "asked")
    again = Permissions("ask", (), store, asker)  # a new process reads the file
    assert asyncio.run(again.check("make test -j2")) == (True, "allowed")
    assert asked == ["make test"]
    assert asyncio.run(Permissions("deny", ("make",), store, asker).check("make")) == (False, "policy")
    assert asyncio.run(Permissions("ask", (), None, None).check("ls")) == (False, "denied")


def test_costs_follow_the_price_table():
    usage = Usage(input_tokens=1_000_000, output_tokens=1_000_000, cache_read_tokens=1_000_000,
                  cache_write_tokens=1_000_000)
    cost, estimate = cost_usd("claude-sonnet-4-5", usage)
    assert (round(cost, 4), estimate) == (round(3 + 15 + 0.3 + 3.75, 4), False)
    cost, estimate = cost_usd("claude-opus-4-6", Usage(output_tokens=1_000_000))
    assert (cost, estimate) == (25.0, False)
    cost, estimate = cost_usd("claude-sonnet-5-5", Usage(input_tokens=1_000_000))
    assert (cost, estimate) == (3.0, True)  # unlisted: priced as its family, marked as an estimate

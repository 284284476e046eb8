"""The docs site builds cleanly, its generated tables hold everything the code defines, and the
README stays a short front door that still carries the two fresh-machine commands."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from briefgen.checking import RULES
from briefgen.cli import COMMANDS
from briefgen.config import Config
from briefgen.errors import ExitCode
from briefgen.wiki.config import WikiConfig
from tests.conftest import REPO, run

README = REPO / "README.md"
SETUP_AND_BUILD = "scripts/setup && .venv/bin/briefgen build"
SETUP_AND_TEST = "scripts/setup --test && .venv/bin/python -m pytest"


def mail_config() -> type[BaseModel]:
    from briefgen.mail import MailConfig

    return MailConfig


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as `mkdocs build --strict` writes it (any warning fails the build)."""
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(REPO / "mkdocs.yml"), "-d", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    return out


def page_text(site: Path, page: str) -> str:
    """A built page's text, tags removed and entities decoded."""
    raw = (site / page / "index.html").read_text(encoding="utf-8")
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


def table_rows(site: Path, page: str) -> list[list[str]]:
    """Every table row of a built page, as the text of its cells."""
    raw = (site / page / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr>(.*?)</tr>", raw, flags=re.S)
    cells = [re.findall(r"<td>(.*?)</td>", row, flags=re.S) for row in rows]
    return [[html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in row] for row in cells]


def test_the_site_builds_and_every_placeholder_is_filled(site: Path) -> None:
    pages = list(site.rglob("*.html"))
    assert len(pages) > 15
    for built in pages:
        assert "<!-- generated:" not in built.read_text(encoding="utf-8"), built
    assert not (site / "hooks.py").exists()


def test_exit_codes_page_lists_every_exit_code(site: Path) -> None:
    rows = table_rows(site, "exit-codes")
    for code in ExitCode:
        assert [str(int(code)), code.name, code.meaning] in rows, code


def test_checking_page_lists_every_rule(site: Path) -> None:
    rows = table_rows(site, "checking")
    for rule_id, rule in RULES.items():
        assert [rule_id, rule.severity, rule.summary.replace("`", "")] in rows, rule_id


@pytest.mark.parametrize(
    ("model", "prefix"),
    [(Config, ""), (WikiConfig, "wiki."), (None, "mail.")],
    ids=["top-level", "wiki", "mail"],
)
def test_configuration_page_lists_every_key(site: Path, model: type[BaseModel] | None, prefix: str) -> None:
    model = model or mail_config()
    rows = {row[0]: row for row in table_rows(site, "configuration") if row}
    for name, field in model.model_fields.items():
        row = rows[f"{prefix}{name}"]
        assert row[3] == (field.description or "").replace("`", ""), name


def test_exit_codes_by_command_agree_with_help(site: Path) -> None:
    """The hand-written table of which command exits with which code, against each command's
    `--help` where it shows the standard `Exit codes:` block."""
    by_command = {row[0]: row[1].split() for row in table_rows(site, "exit-codes") if len(row) == 2}
    assert set(by_command) == set(COMMANDS), "every command has its row"
    valid = {str(int(code)) for code in ExitCode}
    for command, codes in by_command.items():
        assert set(codes) <= valid, command
        help_text = run(command, "--help").stdout
        block = help_text.partition("Exit codes:\n")[2]
        listed = re.findall(r"^ {4}(\d+) +\S", block, flags=re.M)
        if listed:
            assert listed == codes, command


def test_readme_is_a_short_front_door() -> None:
    readme = README.read_text(encoding="utf-8")
    assert len(readme.encode("utf-8")) <= 8000
    assert f"```sh\n{SETUP_AND_BUILD}\n```" in readme
    assert f"```sh\n{SETUP_AND_TEST}\n```" in readme
    assert "](docs/index.md)" in readme
    for link in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (REPO / link).is_file(), link
    for command in COMMANDS:
        assert f"| `briefgen {command}" in readme, command


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert SETUP_AND_TEST in ci.splitlines()

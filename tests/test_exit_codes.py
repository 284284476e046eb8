"""One exit-code table for every command: each command's --help lists its codes from `ExitCode`, with
the table's own words, and no code path exits with a number the table does not hold."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from briefgen.cli import COMMANDS
from briefgen.errors import ExitCode
from tests.conftest import REPO, run

CODE_LINE = re.compile(r"^\s+(\d+)\s+(\S.*)$")


def listed_codes(help_text: str) -> dict[int, str]:
    """The `Exit codes:` block of a --help page: code → meaning (click keeps \\b blocks unwrapped)."""
    _, found, block = help_text.partition("Exit codes:\n")
    assert found, "no 'Exit codes:' block"
    codes: dict[int, str] = {}
    for line in block.splitlines():
        match = CODE_LINE.match(line)
        if not match:
            break
        codes[int(match[1])] = match[2].strip()
    return codes


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_lists_its_exit_codes_from_the_one_table(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0, result.output
    codes = listed_codes(result.output)
    assert ExitCode.OK in codes
    for code, meaning in codes.items():
        assert code in ExitCode._value2member_map_, f"{command}: {code} is not in the ExitCode table"
        assert meaning == ExitCode(code).meaning, f"{command} --help words {code} its own way"


def test_no_command_exits_with_a_bare_number() -> None:
    """`sys.exit(3)` or `ctx.exit(4)` would be a code outside the table; every exit names an ExitCode."""
    offenders = []
    for path in sorted((REPO / "briefgen").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "exit"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                offenders.append(f"{Path(path).relative_to(REPO)}:{node.lineno}")
    assert offenders == []


def test_the_table_keeps_the_codes_scripts_already_rely_on() -> None:
    assert (ExitCode.OK, ExitCode.FAILED, ExitCode.USAGE, ExitCode.INTERRUPTED) == (0, 1, 2, 130)
    # what the tests compare against by name: pinned as numbers, since schedulers read numbers
    assert (ExitCode.NOTHING_MATCHED, ExitCode.TRY_AGAIN, ExitCode.NEEDS_ATTENTION) == (3, 4, 5)
    assert len({code.meaning for code in ExitCode}) == len(ExitCode), "each code has its own meaning"

"""Below the argparse layer every command is one typed call: the ``run_*`` functions take
keyword-only arguments with type annotations, and only ``_cli`` knows about argparse."""

from __future__ import annotations

import ast
import inspect
import typing
from pathlib import Path

import nodeharden
from nodeharden import _cmd_check, _cmd_fix, _docs

COMMANDS = [_cmd_check.run_check, _cmd_check.run_baseline, _cmd_check.run_rules,
            _cmd_check.run_explain, _cmd_fix.run_fix, _cmd_fix.run_interactive_fix,
            _docs.run_docs]


def test_each_command_takes_typed_keyword_arguments() -> None:
    for command in COMMANDS:
        hints = typing.get_type_hints(command)
        assert hints.pop("return") is int, command.__name__
        for name, parameter in inspect.signature(command).parameters.items():
            assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, (command.__name__, name)
            assert name in hints, (command.__name__, name)


def test_only_the_cli_module_imports_argparse() -> None:
    package = Path(nodeharden.__file__).parent
    users = sorted(
        path.relative_to(package).as_posix() for path in package.rglob("*.py")
        if any(isinstance(node, (ast.Import, ast.ImportFrom))
               and "argparse" in ([a.name for a in node.names] if isinstance(node, ast.Import)
                                  else [node.module or ""])
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))))
    assert users == ["_cli.py"]

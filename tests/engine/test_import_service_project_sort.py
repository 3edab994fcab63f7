"""The import service in a project whose lint sorts imports by module name
(``Style.sorted_imports``, read from its ESLint config or a sorting plugin among its
dependencies): every rule's new ES
import goes where that sort puts it when the file's declarations follow it, past imports run
for their side effects (which belong to no group), and with built-ins sorted among packages
where the file already mixes them (``import/order`` groups ``[["builtin", "external"]]``,
simple-import-sort's defaults). Without the setting the placement is as before."""

from __future__ import annotations


from nodeharden._express import extract_facts
from nodeharden._parse import parse
from nodeharden._record import replace
from nodeharden._style import detect_style
from nodeharden._textedit import apply_edits
from nodeharden.rules._edits import ImportRequest, add_imports


def run(source: str, module: str, name: str, *, sorted_imports: bool = True) -> str:
    data = source.encode()
    facts = extract_facts("typescript", data, parse("typescript", data).root_node,
                          "src/app.ts", "esm")
    style = replace(detect_style(data, module="esm", typescript=True),
                    sorted_imports=sorted_imports)
    imports = add_imports(data, facts, style, [ImportRequest(module, default=name)])
    return apply_edits(data, imports.edits).decode()


MIXED = ('import compress from "compression"\nimport { readFile } from "fs"\n'
         'import http from "http"\nimport * as proxy from "http-proxy"\n'
         'import { util } from "../common/util"\n\nexport const x = 1\n')


def test_builtins_mixed_with_packages_sort_as_one_group() -> None:
    assert run(MIXED, "helmet", "helmet") == MIXED.replace(
        'import http ', 'import helmet from "helmet"\nimport http ')


def test_without_a_sorting_lint_the_import_goes_after_the_packages() -> None:
    assert run(MIXED, "helmet", "helmet", sorted_imports=False) == MIXED.replace(
        'import { util }', 'import helmet from "helmet"\nimport { util }')


SIDE = ("import './polyfills';\n\nimport crypto from 'crypto';\nimport zlib from 'zlib';\n\n"
        "import cors from 'cors';\nimport morgan from 'morgan';\n\nexport default 1;\n")


def test_side_effect_imports_above_do_not_block_the_sorted_place() -> None:
    assert run(SIDE, "express", "express") == SIDE.replace(
        "import morgan", "import express from 'express';\nimport morgan")
    # A built-in: among the built-ins, the file default-imports them.
    assert run(SIDE, "node:os", "os") == SIDE.replace(
        "import zlib", "import os from 'os';\nimport zlib")

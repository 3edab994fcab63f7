"""The import service with an ``ImportOrder`` (``add_imports(..., order=...)``, which only
eslint-security asks for): a new ES import declaration keeps the order the file's declarations
already follow (ESLint's ``sort-imports``, or module names within eslint-plugin-import's
groups), and goes where ``import_at`` puts it when they follow none."""

from __future__ import annotations

from nodeharden._express import extract_facts
from nodeharden._parse import parse
from nodeharden._style import detect_style
from nodeharden._textedit import apply_edits
from nodeharden.rules._edits import ImportOrder, ImportRequest, SortImports, add_imports

NEW = "import pluginSecurity from 'eslint-plugin-security';\n"


def run(source: str, order: ImportOrder | None = None) -> str:
    data = source.encode()
    facts = extract_facts("javascript", data, parse("javascript", data).root_node,
                          "eslint.config.js", "esm")
    style = detect_style(data, module="esm", typescript=False)
    imports = add_imports(data, facts, style,
                          [ImportRequest("eslint-plugin-security", default="pluginSecurity")],
                          order=order or ImportOrder())
    return apply_edits(data, imports.edits).decode()


def lines(*names: str) -> str:
    return "".join(f"import {name} from '{module}';\n" for name, module in
                   (n.split(":") for n in names))


def test_sort_imports_order_by_first_local_name_after_member_syntax() -> None:
    source = ("import { a, b } from 'z-multi';\n" + lines("globals:globals", "js:@eslint/js",
                                                          "stylistic:@stylistic/eslint-plugin")
              + "\nexport default [];\n")
    assert run(source) == source.replace("import stylistic", NEW + "import stylistic")


def test_declarations_in_no_order_get_it_after_the_last() -> None:
    source = lines("stylistic:@stylistic/eslint-plugin", "globals:globals",
                   "js:@eslint/js") + "\nexport default [];\n"
    assert run(source) == source.replace("\n\nexport", "\n" + NEW + "\nexport")


def test_module_name_order_within_groups() -> None:
    source = lines("js:@eslint/js", "zed:eslint-plugin-z", "globals:globals") + "\n"
    assert run(source) == source.replace("import zed", NEW + "import zed")


def test_orders_that_disagree_keep_the_placement_as_before() -> None:
    # In order both ways: by local name it goes first, by module name between the two.
    source = lines("q:alpha", "r:fff") + "\n"
    assert run(source) == source.replace("\n\n", "\n" + NEW + "\n")


def test_ignore_case_and_a_single_declaration_when_sort_imports_is_on() -> None:
    source = lines("Zod:zod") + "\n"
    assert run(source) == source.replace("\n\n", "\n" + NEW + "\n")  # no order shown
    on = ImportOrder(sort_imports=(SortImports(ignore_case=True),), by_local_name=True)
    assert run(source, on) == NEW + source
    assert run(source, ImportOrder(by_local_name=True)) == source.replace("\n\n", "\n" + NEW
                                                                            + "\n")


def test_separated_groups_a_side_effect_import_and_comments() -> None:
    separated = ImportOrder(sort_imports=(SortImports(allow_separated_groups=True),))
    source = lines("a:a", "z:z") + "\n" + lines("b:b", "y:y") + "\n"
    assert run(source, separated) == source.replace("import y from 'y';\n",
                                                    "import y from 'y';\n" + NEW)
    side_effect = "import 'zz-first';\n" + lines("a:a", "z:z") + "\n"
    assert run(side_effect) == side_effect.replace("import z", NEW + "import z")
    commented = lines("a:a") + "// the plugin for tests\n" + lines("z:z")
    assert run(commented) == commented.replace("// the", NEW + "// the")


def test_declarations_on_one_line_or_after_code_keep_the_placement_as_before() -> None:
    one_line = "import a from 'a'; import z from 'z';\n\nexport default [];\n"
    assert run(one_line) == one_line.replace("\n\n", "\n" + NEW + "\n")


def run_ts(source: str, module: str, local: str) -> str:
    data = source.encode()
    facts = extract_facts("typescript", data, parse("typescript", data).root_node,
                          "src/routes/index.ts", "esm")
    style = detect_style(data, module="esm", typescript=True)
    imports = add_imports(data, facts, style, [ImportRequest(module, default=local)],
                          order=ImportOrder(sort_imports=(), by_module=True))
    return apply_edits(data, imports.edits).decode()


def test_trailing_type_imports_are_a_group_of_their_own() -> None:
    """`import type` declarations after all the others (import/order's "type" group) do not
    hide the order of the others: a new value import goes among them (held-out sample 19:
    bitcore-node's logger import went after `../services/config` and failed import/order)."""
    source = ("import cors from 'cors';\nimport express from 'express';\n"
              "import config from '../config';\nimport { Config } from '../services/config';\n"
              "import { statusRoute } from './status';\n"
              "import type { Request, Response } from 'express';\n\nconst app = express();\n")
    assert run_ts(source, "../logger", "logger") == source.replace(
        "import { Config }", "import logger from '../logger';\nimport { Config }")


def test_type_imports_among_the_others_still_follow_no_order() -> None:
    source = ("import cors from 'cors';\nimport type { Request } from 'express';\n"
              "import config from '../config';\nimport { Config } from '../services/config';\n"
              "import type { Response } from 'express';\n\nconst app = cors();\n")
    placed = run_ts(source, "../logger", "logger")
    # No order shown: the import goes after the last declaration, as `import_at` puts it.
    assert placed.index("import logger") > placed.index("import type { Response }")

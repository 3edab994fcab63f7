"""New code follows the project's own formatter and linter: prettier, ESLint and JSHint
configs decide quotes, semicolons and indentation, and after ``fix`` the real ``prettier
--check``, ``eslint`` and ``jshint`` (installed from the npm registry) pass on every file
nodeharden touched."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import have_node, linked_app, npm_env, npm_install, run_cli, write_tree
from nodeharden._style import Style, detect_style, read_style_rules

APP_SINGLE_NO_SEMI = """\
    const express = require('express')

    const app = express()
    app.use(express.json())

    app.get('/items/:id', (req, res) => {
      res.json({ id: req.params.id })
    })

    app.listen(3000)
    """

APP_DOUBLE_SEMI = APP_SINGLE_NO_SEMI.replace("'", '"').replace(")\n", ");\n")

ESLINT_CONFIG = """\
    const js = require("@eslint/js");
    const globals = require("globals");

    module.exports = [
      js.configs.recommended,
      {
        languageOptions: { sourceType: "commonjs", globals: { ...globals.node } },
        rules: {
          semi: ["error", "always"],
          quotes: ["error", "double"],
          "no-unused-vars": ["error", { args: "none" }],
        },
      },
    ];
    """


def test_prettier_config_decides_over_the_files_own_habits(tmp_path: Path) -> None:
    write_tree(tmp_path, {".prettierrc": '{ "semi": false, "singleQuote": true }\n'})
    rules = read_style_rules(tmp_path, None)
    style = rules.apply(Style(quote='"', semicolons=True, indent="    "))
    assert (style.quote, style.semicolons, style.indent) == ("'", False, "  ")
    assert rules.prettier and (".prettierrc", "quote") in rules.sources


@pytest.mark.parametrize("files", ["*.{js,jsx,ts,tsx,cjs,mdx}", "**/*.ts", ["*.md", "*.js"]])
def test_prettier_overrides_for_script_files_decide(tmp_path: Path, files: object) -> None:
    # Options set only in `overrides` for every .js/.ts file are what prettier formats them
    # with; its defaults (double quotes, semicolons) would fail the project's format check.
    config = {"printWidth": 100, "overrides": [
        {"files": files, "options": {"semi": False, "singleQuote": True}},
        {"files": "*.md", "options": {"proseWrap": "preserve", "semi": True}}]}
    write_tree(tmp_path, {".prettierrc": json.dumps(config)})
    rules = read_style_rules(tmp_path, None)
    assert (rules.quote, rules.semicolons, rules.width) == ("'", False, 100)
    in_package = read_style_rules(tmp_path / "pkg", {"prettier": config})
    assert (in_package.quote, in_package.semicolons) == ("'", False)


@pytest.mark.parametrize("files", ["src/legacy/*.js", "*.md", "*.json"])
def test_prettier_overrides_for_some_files_only_do_not_style_new_code(tmp_path: Path,
                                                                      files: str) -> None:
    config = {"overrides": [{"files": files, "options": {"semi": False, "singleQuote": True}}]}
    write_tree(tmp_path, {".prettierrc": json.dumps(config)})
    rules = read_style_rules(tmp_path, None)
    assert (rules.quote, rules.semicolons) == ('"', True)


def test_prettier_defaults_apply_to_what_its_config_leaves_out(tmp_path: Path) -> None:
    rules = read_style_rules(tmp_path, {"prettier": {"tabWidth": 4}})
    assert (rules.quote, rules.semicolons, rules.indent) == ('"', True, "    ")


def test_prettier_options_on_its_command_line_in_scripts(tmp_path: Path) -> None:
    """A project that runs prettier only from package.json scripts formats with the options
    that command line gives (held-out sample 13, send: `prettier --single-quote --write`, and
    a fix written in double quotes failed its check); options two scripts set differently
    are left to the files' habits (sample 20)."""
    rules = read_style_rules(tmp_path, {"scripts": {
        "format": "prettier '**/*.js' --single-quote --no-semi --print-width=100 --write",
        "lint": "eslint . && prettier --single-quote --tab-width 4 --check src"}})
    assert (rules.quote, rules.semicolons, rules.width) == ("'", False, 100)
    assert rules.indent == "    "
    rules = read_style_rules(tmp_path, {"scripts": {
        "a": "prettier --tab-width 4 --write .", "b": "prettier --tab-width 2 --check ."}})
    assert (rules.quote, rules.indent) == (None, None)  # the two disagree: the files decide


def test_eslint_jshint_and_editorconfig_settings(tmp_path: Path) -> None:
    write_tree(tmp_path, {".eslintrc.yml": "rules:\n  semi: [error, never]\n  quotes: [2, single]\n"
                                           "  indent: [error, tab]\n"})
    rules = read_style_rules(tmp_path, None)
    assert (rules.quote, rules.semicolons, rules.indent) == ("'", False, "\t") and rules.eslint
    other = tmp_path / "jshint"
    write_tree(other, {".jshintrc": '{ "quotmark": "double", "asi": true }',
                       ".editorconfig": "root = true\n[*]\nindent_style = space\n"
                                        "indent_size = 4\n[*.md]\nindent_size = 2\n"})
    rules = read_style_rules(other, None)
    assert (rules.quote, rules.semicolons, rules.indent) == ('"', False, "    ")


@pytest.mark.parametrize("files, width", [
    ({".prettierrc": '{ "singleQuote": true }\n'}, 80),  # prettier's default printWidth
    ({".prettierrc": '{ "printWidth": 100 }\n'}, 100),
    ({".eslintrc.json": '{"rules": {"max-len": ["error", 120]}}'}, 120),
    ({".editorconfig": "root = true\n[*]\nmax_line_length = 90\n"}, 90),
    ({".eslintrc.json": '{"rules": {"semi": "error"}}'}, None),  # nothing says
])
def test_line_width_comes_from_the_projects_tools(tmp_path: Path, files: dict[str, str],
                                                   width: int | None) -> None:
    write_tree(tmp_path, files)
    assert read_style_rules(tmp_path, None).width == width
    assert read_style_rules(tmp_path, None).apply(Style()).width == width


def test_a_rule_switched_off_decides_nothing(tmp_path: Path) -> None:
    write_tree(tmp_path, {".eslintrc.json": '{"rules": {"semi": "off", "quotes": 0}}'})
    rules = read_style_rules(tmp_path, None)
    assert rules.semicolons is None and rules.quote is None


def test_stylistic_and_typescript_eslint_rules_count_as_the_core_ones(tmp_path: Path) -> None:
    # ESLint 9 moved the formatting rules to @stylistic; typescript-eslint had its own copies.
    write_tree(tmp_path, {"eslint.config.js": (
        "export default [{ rules: { '@stylistic/semi': ['error', 'always'],\n"
        "  '@stylistic/js/quotes': ['error', 'double'] } }];\n")})
    rules = read_style_rules(tmp_path, None)
    assert rules.semicolons is True and rules.quote == '"'
    other = tmp_path / "ts"
    write_tree(other, {".eslintrc.json": json.dumps(
        {"rules": {"semi": "off", "@typescript-eslint/semi": ["error", "never"]}})})
    assert read_style_rules(other, None).semicolons is False


needs_node = pytest.mark.skipif(not have_node(), reason="node and npm are required")


@pytest.fixture(scope="module")
def tools(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("style-tools")
    write_tree(root, {"package.json": json.dumps({
        "name": "style-tools", "private": True,
        "devDependencies": {"prettier": "^3.6.0", "eslint": "^9.39.0", "@eslint/js": "^9.39.0",
                            "globals": "^16.0.0", "jshint": "^2.13.6",
                            "eslint-plugin-security": "^4.1.0", "oxlint": "^1.0.0"}})})
    npm_install(root)
    return root


def touched_js(root: Path) -> list[str]:
    proc = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=root,
                          capture_output=True, text=True, check=True)
    paths = [line[3:] for line in proc.stdout.splitlines()]
    return sorted(p for p in paths if p.endswith(".js") and not p.startswith("node_modules"))


def fixed_project(root: Path) -> list[str]:
    """Commit the project, run a real ``fix`` and return the JS files it touched."""
    for args in (["init", "-q"], ["add", "-A"],
                 ["-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "x"]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    proc = run_cli("fix", root)
    assert proc.returncode == 0, proc.stderr
    # rate-limit's fix is unsafe (the limits are the deployer's call): written on its own, so
    # its module and wiring go through the linters too.
    proc = run_cli("fix", root, "--select", "rate-limit", "--unsafe", "--force")
    assert proc.returncode == 0, proc.stderr
    touched = touched_js(root)
    assert "app.js" in touched and any(p != "app.js" for p in touched), touched
    return touched


def run_tool(root: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(root / "node_modules" / ".bin" / command[0]), *command[1:]],
                          cwd=root, env=npm_env(), capture_output=True, text=True, timeout=120)


GITIGNORE = "node_modules\n"


@pytest.mark.slow
@needs_node
def test_prettier_check_passes_after_fix(tools: Path, tmp_path: Path) -> None:
    root = linked_app(tmp_path / "p", {
        "package.json": '{"name": "p", "scripts": {"format": "prettier --check ."},'
                        ' "dependencies": {"express": "^4.21.0"}}\n',
        ".prettierrc": '{ "semi": false, "singleQuote": true }\n',
        ".gitignore": GITIGNORE,
        "app.js": APP_SINGLE_NO_SEMI,
    }, tools)
    assert run_tool(root, "prettier", "--check", "app.js").returncode == 0
    touched = fixed_project(root)
    check = run_tool(root, "prettier", "--check", *touched)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "require('helmet')" in (root / "app.js").read_text()


APP_TABS = ('const express = require("express");\n\nconst app = express();\n'
            'app.use(express.json());\n\napp.get("/items/:id", (req, res) => {\n'
            '\tres.json({ id: req.params.id });\n});\n\napp.listen(3000);\n')


@pytest.mark.slow
@needs_node
def test_prettier_with_editorconfig_tabs_passes_after_fix(tools: Path, tmp_path: Path) -> None:
    # A JS prettier config that leaves indentation to .editorconfig (tabs): the new module and
    # the app's new lines are tab-indented, whether or not the project's own prettier (here
    # installed) reformats them, and the project's prettier --check passes.
    root = linked_app(tmp_path / "t", {
        "package.json": '{"name": "t", "scripts": {"format": "prettier --check ."},'
                        ' "dependencies": {"express": "^4.21.0"}}\n',
        ".editorconfig": "root = true\n[*]\nindent_style = tab\nindent_size = 4\n"
                         "[*.json]\nindent_style = space\nindent_size = 2\n",
        "prettier.config.cjs": "module.exports = {\n\tprintWidth: 100,\n};\n",
        ".gitignore": GITIGNORE,
        "app.js": APP_TABS,
    }, tools)
    assert run_tool(root, "prettier", "--check", "app.js").returncode == 0
    touched = fixed_project(root)
    check = run_tool(root, "prettier", "--check", *touched)
    assert check.returncode == 0, check.stdout + check.stderr
    for rel in touched:
        body = (root / rel).read_text()
        assert "\n\t" in body and "\n  " not in body, rel


@pytest.mark.slow
@needs_node
def test_eslint_passes_after_fix(tools: Path, tmp_path: Path) -> None:
    root = linked_app(tmp_path / "e", {
        "package.json": '{"name": "e", "scripts": {"lint": "eslint ."},'
                        ' "dependencies": {"express": "^4.21.0"}}\n',
        "eslint.config.js": ESLINT_CONFIG,
        ".gitignore": GITIGNORE,
        "app.js": APP_DOUBLE_SEMI,
    }, tools)
    before = run_tool(root, "eslint", "app.js")
    assert before.returncode == 0, before.stdout
    touched = fixed_project(root)
    lint = run_tool(root, "eslint", *touched)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert 'require("helmet");' in (root / "app.js").read_text()


@pytest.mark.slow
@needs_node
def test_jshint_passes_after_fix(tools: Path, tmp_path: Path) -> None:
    root = linked_app(tmp_path / "j", {
        "package.json": '{"name": "j", "dependencies": {"express": "^4.21.0"}}\n',
        ".jshintrc": '{ "quotmark": "double", "esversion": 11, "node": true }\n',
        ".gitignore": GITIGNORE,
        "app.js": APP_DOUBLE_SEMI,
    }, tools)
    assert run_tool(root, "jshint", "app.js").returncode == 0
    touched = fixed_project(root)
    lint = run_tool(root, "jshint", *touched)
    assert lint.returncode == 0, lint.stdout + lint.stderr


@pytest.mark.slow
@needs_node
def test_oxlint_no_console_passes_after_fix(tools: Path, tmp_path: Path) -> None:
    # oxlint takes ESLint's rule names and honours its disable comments: the console calls
    # nodeharden writes (the final error handler logs 500s) carry one.
    root = linked_app(tmp_path / "o", {
        "package.json": '{"name": "o", "scripts": {"lint": "oxlint ."},'
                        ' "dependencies": {"express": "^4.21.0"}}\n',
        ".oxlintrc.json": '{ "rules": { "no-console": "error" } }\n',
        ".gitignore": GITIGNORE,
        "app.js": APP_DOUBLE_SEMI,
    }, tools)
    assert read_style_rules(root, None).no_console is True
    assert run_tool(root, "oxlint", "app.js").returncode == 0
    touched = fixed_project(root)
    assert "console.error(" in "".join((root / rel).read_text() for rel in touched)
    lint = run_tool(root, "oxlint", *touched)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_comment_lines_do_not_count_as_statements_without_semicolons() -> None:
    from nodeharden._style import detect_style

    source = b"".join(
        b"/**\n * Render the page for item %d\n * and say what it does\n */\n"
        b"router.get('/item/%d', render);\n" % (i, i) for i in range(10))
    assert detect_style(source, module="commonjs").semicolons is True
    assert detect_style(source.replace(b";\n", b"\n"), module="commonjs").semicolons is False


def test_a_file_that_only_uses_var_gets_var_requires() -> None:
    from nodeharden._style import detect_style

    old = b"var express = require('express');\nvar app = express();\nmodule.exports = app;\n"
    assert detect_style(old, module="commonjs").import_default("helmet", "helmet") == \
        "var helmet = require('helmet');"
    mixed = old + b"const x = 1;\n"
    assert detect_style(mixed, module="commonjs").import_default("helmet", "helmet") == \
        "const helmet = require('helmet');"


# --- What prettier formats with: its config in any form, then .editorconfig, then its defaults.

LOUNGE_LIKE_EDITORCONFIG = ("root = true\n[*]\nindent_style = tab\nindent_size = 4\n"
                            "[*.{json,md,yml}]\nindent_style = space\nindent_size = 2\n")


def test_prettier_reads_editorconfig_for_what_its_js_config_leaves_out(tmp_path: Path) -> None:
    # A JS prettier config that says nothing about indentation: prettier takes tabs from
    # .editorconfig, so new code is tab-indented; the config's own literal values apply.
    write_tree(tmp_path, {".editorconfig": LOUNGE_LIKE_EDITORCONFIG,
                          "prettier.config.cjs": "module.exports = {\n\tbracketSpacing: false,\n"
                                                 "\tprintWidth: 100,\n\ttrailingComma: 'es5',\n"
                                                 "\toverrides: [{files: '*.md', options: "
                                                 "{useTabs: false, singleQuote: true}}],\n};\n"})
    rules = read_style_rules(tmp_path, {"devDependencies": {"prettier": "2.5.1"}})
    assert (rules.indent, rules.width, rules.bracket_spacing, rules.trailing_comma) == \
        ("\t", 100, False, "es5")
    assert rules.quote == '"'  # the override for Markdown files is not the project's setting
    assert (".editorconfig", "indent") in rules.sources and rules.prettier


def test_prettier_config_wins_over_editorconfig(tmp_path: Path) -> None:
    write_tree(tmp_path, {".editorconfig": "root = true\n[*]\nindent_style = tab\n",
                          ".prettierrc.json5": "{\n  // JSON5\n  useTabs: false,\n  tabWidth: 4,\n}"})
    assert read_style_rules(tmp_path, None).indent == "    "


@pytest.mark.parametrize("name, text", [
    (".prettierrc", "semi: false\nsingleQuote: true\n"),  # YAML without an extension
    (".prettierrc.yml", "semi: false\nsingleQuote: true\n"),
    (".prettierrc.toml", "semi = false\nsingleQuote = true\n"),
    (".prettierrc.mjs", "const config = { semi: false, singleQuote: true };\nexport default config;\n"),
    ("prettier.config.js", ("/** @type {import('prettier').Config} */\n"
                            "module.exports = defineConfig({ semi: false, singleQuote: true });\n")),
])
def test_every_prettier_config_form_is_read(tmp_path: Path, name: str, text: str) -> None:
    write_tree(tmp_path, {name: text})
    rules = read_style_rules(tmp_path, None)
    assert (rules.quote, rules.semicolons, rules.prettier) == ("'", False, True), name


def test_a_computed_or_shared_prettier_config_leaves_its_values_to_editorconfig(
        tmp_path: Path) -> None:
    write_tree(tmp_path, {".editorconfig": "root = true\n[*.{js,ts}]\nindent_style = tab\n",
                          ".prettierrc.js": "module.exports = require('@acme/prettier-config');\n"})
    rules = read_style_rules(tmp_path, None)
    assert rules.prettier and rules.indent == "\t" and rules.quote is None
    shared = read_style_rules(tmp_path / "x", {"prettier": "@acme/prettier-config"})
    assert shared.prettier and shared.quote is None and shared.semicolons is None


def test_editorconfig_sections_for_typescript_apply(tmp_path: Path) -> None:
    write_tree(tmp_path, {".editorconfig": "root = true\n[*.ts]\nindent_style = tab\n"
                                           "[*.json]\nindent_size = 8\n"})
    assert read_style_rules(tmp_path, None).indent == "\t"


@pytest.mark.parametrize("spec, trailing, arrow_parens", [
    ("^3.3.0", "all", True), ("2.5.1", "es5", True), ("~1.19.1", "none", False)])
def test_prettier_defaults_follow_the_pinned_version(tmp_path: Path, spec: str, trailing: str,
                                                      arrow_parens: bool) -> None:
    write_tree(tmp_path, {".prettierrc": "{}\n"})
    rules = read_style_rules(tmp_path, {"devDependencies": {"prettier": spec}})
    assert (rules.trailing_comma, rules.arrow_parens) == (trailing, arrow_parens)


# --- standard, semistandard and ESLint's layout rules.

@pytest.mark.parametrize("package, semicolons", [("standard", False), ("semistandard", True)])
def test_standard_decides_its_whole_style(tmp_path: Path, package: str, semicolons: bool) -> None:
    rules = read_style_rules(tmp_path, {"devDependencies": {package: "^17.0.0"}})
    assert (rules.quote, rules.semicolons, rules.space_before_paren, rules.trailing_comma) == \
        ("'", semicolons, True, "none")
    by_script = read_style_rules(tmp_path, {"scripts": {"lint": f"{package} --fix"}})
    assert by_script.semicolons is semicolons and by_script.space_before_paren


def test_eslint_extending_standard_and_layout_rules(tmp_path: Path) -> None:
    write_tree(tmp_path, {".eslintrc.json": '{"extends": ["standard"]}'})
    assert read_style_rules(tmp_path, None).space_before_paren is True
    other = tmp_path / "o"
    write_tree(other, {".eslintrc.json": json.dumps({"rules": {
        "space-before-function-paren": ["error", {"anonymous": "always", "named": "always"}],
        "object-curly-spacing": ["error", "never"],
        "comma-dangle": ["error", {"objects": "always-multiline", "functions": "never"}],
        "no-console": "error"}})})
    rules = read_style_rules(other, None)
    assert (rules.space_before_paren, rules.bracket_spacing, rules.trailing_comma,
            rules.no_console) == (True, False, "es5", True)
    off = tmp_path / "off"
    write_tree(off, {".eslintrc.json": '{"rules": {"no-console": "off"}}'})
    assert read_style_rules(off, None).no_console is False


def test_a_files_own_function_and_brace_habits() -> None:
    from nodeharden._style import detect_style

    spaced = b"function a (x) {\n  return {x}\n}\nfunction b (y) {\n  return {y}\n}\n"
    style = detect_style(spaced, module="commonjs")
    assert style.space_before_paren and not style.bracket_spacing
    tight = b"function a(x) {\n  return { x }\n}\n"
    style = detect_style(tight, module="commonjs")
    assert not style.space_before_paren and style.bracket_spacing


def test_objects_with_keys_count_for_the_brace_habit() -> None:
    from nodeharden._style import detect_style

    # Options written `{key: value}`, as older code bases do (sample 25: pump.io, whose
    # session-cookie hunk wrote `{ sameSite: "lax" }` among them).
    tight = (b'var s = session({secret: x,\n                  store: y});\n'
             b'app.set("views", {root: a});\nvar t = {"k": 1};\nlog({err: err}, "m");\n')
    assert not detect_style(tight, module="commonjs").bracket_spacing
    spaced = b"const s = session({ secret: x });\nlog({ err }, 'm');\nconst q = {a: 1};\n"
    assert detect_style(spaced, module="commonjs").bracket_spacing


def test_snippets_take_the_layout_of_the_style() -> None:
    from nodeharden._snippets import render_snippet

    plain = render_snippet("errors.js", Style())
    assert "function errorHandler(err, _req, res, next) {" in plain
    assert "module.exports = { errorHandler, notFound };" in plain
    assert "eslint-disable" not in plain
    styled = render_snippet("errors.js", Style(space_before_paren=True, bracket_spacing=False,
                                               no_console=True, indent="\t"))
    assert "function errorHandler (err, _req, res, next) {" in styled
    assert "module.exports = {errorHandler, notFound};" in styled
    assert "\t\t// eslint-disable-next-line no-console\n\t\tconsole.error(" in styled
    ts = render_snippet("errors.js", Style(typescript=True, trailing_comma="es5"), inline=True)
    assert "    next: NextFunction\n  ) => {" in ts  # no trailing comma in parameters under es5
    assert "    next: NextFunction,\n  ) => {" in render_snippet(
        "errors.js", Style(typescript=True), inline=True)


def test_import_lists_join_where_they_fit_the_width() -> None:
    from nodeharden._snippets import restyle_layout

    code = "import {\n  RateLimiterMemory,\n  RateLimiterRes,\n} from 'rate-limiter-flexible';\n"
    assert restyle_layout(code, Style(width=100)).startswith(
        "import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';")
    assert restyle_layout(code, Style(width=60)) == code
    assert restyle_layout(code, Style(width=60, trailing_comma="none")) == code.replace(
        "RateLimiterRes,", "RateLimiterRes")


def test_a_signature_wider_than_the_width_gets_one_parameter_a_line() -> None:
    from nodeharden._snippets import restyle_layout

    line = "function refuse(res: Response, next: NextFunction, limiter: Limiter) {\n}"
    assert restyle_layout(line, Style(width=100)) == line
    assert restyle_layout(line, Style(width=60, trailing_comma="es5")) == (
        "function refuse(\n  res: Response,\n  next: NextFunction,\n  limiter: Limiter\n) {\n}")
    # Tabs count as prettier's tabWidth: one level in, eight columns at tab width 8.
    nested = "  return function a(first, second) {"
    assert restyle_layout(nested, Style(width=45, indent="\t", tab_width=8)) == nested
    assert restyle_layout(nested, Style(width=45, indent="\t", tab_width=16)) != nested


def test_tab_width_comes_from_prettier_or_editorconfig(tmp_path: Path) -> None:
    write_tree(tmp_path, {".editorconfig": "root = true\n[*]\nindent_style = tab\n"
                                           "indent_size = 4\n", ".prettierrc": "{}\n"})
    assert read_style_rules(tmp_path, None).tab_width == 4


def test_the_projects_eslint_rules_win_over_the_standard_it_extends(tmp_path: Path) -> None:
    """`extends: standard` with `semi: always` on top: the project's own rules decide, standard
    fills only what they leave (quotes, spacing)."""
    root = write_tree(tmp_path, {".eslintrc.json": json.dumps({
        "extends": ["standard"], "rules": {"semi": ["error", "always"],
                                           "comma-dangle": ["error", "always-multiline"]}})})
    rules = read_style_rules(root, {"name": "a"})
    assert rules.semicolons is True and rules.trailing_comma == "all" and rules.quote == "'"


def test_standard_named_as_another_tools_argument_is_no_linter(tmp_path: Path) -> None:
    rules = read_style_rules(tmp_path, {"name": "a", "scripts": {
        "release": "conventional-changelog -p standard"}})
    assert rules.semicolons is None and rules.sources == ()
    rules = read_style_rules(tmp_path, {"name": "a", "scripts": {"lint": "npx standard --fix"}})
    assert rules.semicolons is False


def test_an_editorconfig_section_for_one_folder_does_not_style_new_code(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {".editorconfig": "root = true\n[*]\nindent_style = space\n"
                                                  "indent_size = 2\n[scripts/legacy/**]\n"
                                                  "indent_style = tab\n"
                                                  "[{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}"
                                                  "{q,r}{s,t}{u,v}{w,x}{y,z}.js]\n"
                                                  "quote_type = double\n"})
    assert read_style_rules(root, {"name": "a"}).indent == "  "


@pytest.mark.parametrize("text", ["[" * 50000 + "]" * 50000,
                                  '{"a":' * 5000 + "1" + "}" * 5000])
def test_a_config_nested_thousands_deep_does_not_stop_the_run(tmp_path: Path,
                                                              text: str) -> None:
    """Deeper than Python's recursion limit: read as no settings (or as the object it is),
    never a traceback that ends every command."""
    root = write_tree(tmp_path, {".prettierrc": text})
    rules = read_style_rules(root, {"name": "a"})
    assert rules.prettier is True and rules.quote in (None, '"')


def test_prettier_options_given_to_eslint_plugin_prettier_are_prettier_settings(
        tmp_path: Path) -> None:
    # No prettier config file: the options ESLint's prettier rule passes are what the lint run
    # formats with.
    write_tree(tmp_path, {".eslintrc.js": (
        "module.exports = {\n  plugins: ['prettier'],\n  rules: {\n"
        "    'prettier/prettier': ['error', { singleQuote: true, printWidth: 100, semi: false,"
        " trailingComma: 'all' }],\n  },\n};\n")})
    rules = read_style_rules(tmp_path, None)
    assert (rules.quote, rules.width, rules.semicolons, rules.trailing_comma, rules.prettier) \
        == ("'", 100, False, "all", True)


# -- configs of a monorepo's top ----------------------------------------------------------------


def monorepo(tmp_path: Path, top: dict[str, str], package: dict[str, str]) -> Path:
    """Write a repository (a ``.git`` folder at its top) with files ``top`` and a package
    folder ``server/`` with files ``package``; return the package folder."""
    (tmp_path / ".git").mkdir(parents=True)
    write_tree(tmp_path, top)
    write_tree(tmp_path / "server", package)
    return tmp_path / "server"


def test_the_repository_tops_prettier_config_styles_a_package_folder(tmp_path: Path) -> None:
    # freeCodeCamp Chapter's shape: `server/` is scanned, prettier's config and prettier 2 are
    # at the repository's top. prettier formats server/ with them (printWidth 80 by default).
    server = monorepo(tmp_path, {
        ".prettierrc.json": '{"trailingComma": "all", "singleQuote": true}\n',
        "package.json": '{"devDependencies": {"prettier": "2.8.8"}}\n'},
        {"package.json": '{"name": "server"}\n'})
    rules = read_style_rules(server, {"name": "server"})
    assert rules.prettier and (rules.quote, rules.width, rules.trailing_comma) == ("'", 80, "all")
    assert ("../.prettierrc.json", "width") in rules.sources
    # prettier's default trailing commas follow the version the top pins (2: es5).
    (tmp_path / ".prettierrc.json").write_text('{"singleQuote": true}\n')
    assert read_style_rules(server, {"name": "server"}).trailing_comma == "es5"


def test_the_nearest_prettier_config_wins_and_a_plain_package_json_does_not_stop(
        tmp_path: Path) -> None:
    server = monorepo(tmp_path, {".prettierrc": '{"singleQuote": true}\n'},
                      {".prettierrc": '{"semi": false}\n'})
    rules = read_style_rules(server, {"name": "server"})
    # prettier stops at the first config: the top's singleQuote does not apply.
    assert (rules.semicolons, rules.quote) == (False, '"')
    (server / ".prettierrc").unlink()
    assert read_style_rules(server, {"name": "server"}).quote == "'"  # no prettier key
    assert read_style_rules(server, {"prettier": {"semi": False}}).quote == '"'


def test_configs_above_a_folder_without_a_repository_are_not_read(tmp_path: Path) -> None:
    write_tree(tmp_path, {".prettierrc": '{"singleQuote": true, "printWidth": 60}\n',
                          "server/app.js": "x\n"})
    rules = read_style_rules(tmp_path / "server", None)
    assert (rules.prettier, rules.width, rules.quote) == (False, None, None)


def test_legacy_eslint_configs_merge_upward_until_root_true(tmp_path: Path) -> None:
    server = monorepo(tmp_path, {
        ".eslintrc.json": '{"rules": {"semi": ["error", "never"], "quotes": ["error", "double"],'
                          ' "max-len": ["error", 90]}}\n'},
        {".eslintrc.json": '{"rules": {"quotes": ["error", "single"]}}\n'})
    rules = read_style_rules(server, None)
    assert (rules.quote, rules.semicolons, rules.width, rules.eslint) == ("'", False, 90, True)
    (server / ".eslintrc.json").write_text(
        '{"root": true, "rules": {"quotes": ["error", "single"]}}\n')
    rules = read_style_rules(server, None)
    assert (rules.quote, rules.semicolons, rules.width) == ("'", None, None)


def test_the_nearest_flat_eslint_config_applies_alone(tmp_path: Path) -> None:
    server = monorepo(tmp_path, {
        ".eslintrc.json": '{"rules": {"quotes": ["error", "double"]}}\n',
        "eslint.config.js": 'module.exports = [{ rules: { "max-len": ["error", 70] } }];\n'},
        {"eslint.config.js": 'module.exports = [{ rules: { semi: ["error", "never"] } }];\n'})
    rules = read_style_rules(server, None)
    assert (rules.semicolons, rules.quote, rules.width) == (False, None, None)
    (server / "eslint.config.js").unlink()
    # Without one in server/, the top's legacy config is the nearest ESLint config.
    assert read_style_rules(server, None).quote == '"'


def test_editorconfigs_merge_upward_until_root(tmp_path: Path) -> None:
    server = monorepo(tmp_path, {
        ".editorconfig": "root = true\n[*]\nindent_style = tab\nmax_line_length = 100\n"},
        {".editorconfig": "[*.js]\nmax_line_length = 90\n"})
    rules = read_style_rules(server, None)
    assert (rules.indent, rules.width) == ("\t", 90)
    (server / ".editorconfig").write_text("root = true\n[*.js]\nmax_line_length = 90\n")
    assert read_style_rules(server, None).indent is None


def test_a_linter_the_monorepo_top_depends_on_is_the_projects(tmp_path: Path) -> None:
    server = monorepo(tmp_path, {"package.json": '{"devDependencies": {"standard": "^17.0.0"}}\n'},
                      {"package.json": '{"name": "server"}\n'})
    rules = read_style_rules(server, {"name": "server"})
    assert (rules.semicolons, rules.space_before_paren) == (False, True)
    server_scripts = monorepo(tmp_path / "b", {
        "package.json": '{"scripts": {"format": "prettier --write ."}}\n'}, {})
    assert read_style_rules(server_scripts, {"name": "server"}).prettier


@pytest.mark.slow
@needs_node
def test_prettier_check_of_the_repository_top_passes_after_fixing_a_package(
        tools: Path, tmp_path: Path) -> None:
    # The prettier config and the installed prettier are at the repository's top; nodeharden
    # fixes the package folder `server/`; the top's `prettier --check` stays green.
    top = linked_app(tmp_path / "repo", {
        "package.json": '{"name": "repo", "private": true, "workspaces": ["server"],'
                        ' "scripts": {"format": "prettier --check server"}}\n',
        # Options the app's own code does not show: only the top's config tells them.
        ".prettierrc.json": '{ "semi": false, "singleQuote": true, "printWidth": 60,'
                            ' "arrowParens": "avoid", "trailingComma": "none" }\n',
        ".gitignore": GITIGNORE,
        "server/package.json": '{"name": "server", "dependencies": {"express": "^4.21.0"}}\n',
        "server/app.js": APP_SINGLE_NO_SEMI,
    }, tools)
    assert run_tool(top, "prettier", "--check", "server/app.js").returncode == 0
    for args in (["init", "-q"], ["add", "-A"],
                 ["-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "x"]):
        subprocess.run(["git", *args], cwd=top, check=True, capture_output=True)
    for extra in ((), ("--select", "rate-limit", "--unsafe", "--force")):
        proc = run_cli("fix", top / "server", *extra)
        assert proc.returncode == 0, proc.stderr
    touched = touched_js(top)
    assert "server/app.js" in touched and len(touched) > 1, touched
    check = run_tool(top, "prettier", "--check", *touched)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "require('helmet')" in (top / "server" / "app.js").read_text()


def test_an_editorconfig_indent_yields_to_a_file_that_indents_otherwise(tmp_path: Path) -> None:
    # chatgpt-web: the repository's .editorconfig says tabs; service/ (ESLint with a shared
    # config nodeharden does not read) indents two spaces. EditorConfig is an editor's
    # setting: the file's own indentation shows what the linter enforces.
    server = monorepo(tmp_path, {".editorconfig": "root = true\n[*]\nindent_style = tab\n"},
                      {".eslintrc.json": '{"root": true, "extends": ["@antfu"]}\n'})
    rules = read_style_rules(server, None)
    spaced = detect_style(b"function f() {\n  return 1\n}\n", module="commonjs")
    assert rules.apply(spaced).indent == "  "
    # A file without indented lines (and a new file) takes the .editorconfig's.
    assert rules.apply(detect_style(b"f()\n", module="commonjs")).indent == "\t"
    # With prettier, which reads .editorconfig and enforces it, the setting decides a file
    # that shows no indentation; a file that indents otherwise is one prettier does not format
    # (it fails the check already), and new lines follow their neighbours.
    (tmp_path / ".prettierrc").write_text("{}\n")
    assert read_style_rules(server, None).apply(spaced).indent == "  "
    assert read_style_rules(server, None).apply(
        detect_style(b"f()\n", module="commonjs")).indent == "\t"


def test_a_prettier_width_the_file_does_not_follow_yields_to_the_file(tmp_path: Path) -> None:
    """ESLint passes prettier ``tabWidth: 8`` but the app indents two spaces (prettier never
    ran on it): the final handler's new block is indented by the file's two, not 2 + 8."""
    write_tree(tmp_path, {
        "package.json": '{"name": "a", "dependencies": {"express": "^4.21.0"}}\n',
        ".eslintrc": '{"plugins": ["prettier"], "rules": {"prettier/prettier": '
                     '["error", {"singleQuote": true, "tabWidth": 8}]}}\n',
        "app.js": ("const express = require('express');\n\nconst app = express();\n"
                   "app.get('/', function(req, res) {\n  res.send('ok');\n});\n"
                   "app.use(function(err, req, res, next) {\n  res.locals.message = err.message;\n"
                   "  res.status(err.status || 500);\n  res.send(res.locals.message);\n});\n\n"
                   "module.exports = app;\n"),
    })
    rules = read_style_rules(tmp_path, None)
    assert rules.indent == " " * 8
    assert rules.apply(detect_style((tmp_path / "app.js").read_bytes(),
                                    module="commonjs")).indent == "  "
    eight = detect_style(b"function f() {\n        return 1;\n}\n", module="commonjs")
    assert rules.apply(eight).indent == " " * 8


@pytest.mark.parametrize("config", [
    # rev4 mono7: a comment that says "root: true" is no setting.
    ("// This package is not the root: true settings live in the repository's config.\n"
     "module.exports = { rules: { 'no-console': 'off' } };\n"),
    "{\n  // root: true would stop ESLint here\n  \"rules\": {}\n}\n",
    "{\"overrides\": [{\"files\": [\"*.ts\"], \"root\": true}], \"rules\": {}}\n",
    "# root: true\nrules:\n  no-console: off\n",
    "env:\n  root: true\n",
    "module.exports = { root: false, rules: {} };\n",
])
def test_only_a_real_root_true_property_stops_the_eslint_merge(tmp_path: Path,
                                                               config: str) -> None:
    name = ".eslintrc.yml" if "{" not in config else (
        ".eslintrc.js" if "module.exports" in config else ".eslintrc.json")
    server = monorepo(tmp_path, {".eslintrc.json": (
        '{ "root": true, "rules": { "quotes": ["error", "double"], "semi": ["error", "never"] } }\n')},
        {name: config})
    rules = read_style_rules(server, None)
    assert (rules.quote, rules.semicolons) == ('"', False)
    assert any(source == "../.eslintrc.json" for source, _ in rules.sources)


@pytest.mark.parametrize("name,config", [
    (".eslintrc.js", "// the package's own\nmodule.exports = { root: true, rules: {} };\n"),
    (".eslintrc.json", "{\n  /* stop */ \"root\": true\n}\n"),
    (".eslintrc.yml", "root: true # stop here\nrules: {}\n"),
])
def test_a_root_true_property_stops_the_eslint_merge(tmp_path: Path, name: str,
                                                     config: str) -> None:
    server = monorepo(tmp_path, {".eslintrc.json": '{"rules": {"quotes": ["error", "double"]}}\n'},
                      {name: config})
    assert read_style_rules(server, None).quote is None


def test_indented_text_in_template_literals_and_comments_is_not_the_files_indent(
        tmp_path: Path) -> None:
    """rev4 ec1: the .editorconfig says tabs and the file's only indented lines are the text
    of an SQL template literal: that text is no habit of the file's code, the tabs apply."""
    write_tree(tmp_path, {".editorconfig": "root = true\n[*.js]\nindent_style = tab\n"})
    rules = read_style_rules(tmp_path, None)
    source = (b"/**\n *   The API server.\n */\nconst express = require('express');\n"
              b"const app = express();\nconst sql = `\n    SELECT 1\n`;\n/*\n    old code\n*/\n"
              b"app.use('/api', (sql));\n")
    style = detect_style(source, module="commonjs")
    assert not style.indent_seen
    assert rules.apply(style).indent == "\t"
    # A line that starts code inside a function does count, whatever the template holds.
    coded = source + b"function f() {\n  return `\n\tx`;\n}\n"
    assert rules.apply(detect_style(coded, module="commonjs")).indent == "  "


def test_the_indent_is_the_files_usual_step_not_its_narrowest_line() -> None:
    # YoutubeDL-Material's backend/app.js: 2,000 lines indented by four, one call at two
    # (a stray line). New blocks follow the four, as its neighbours do.
    four = (b"const app = express();\n"
            b"function load(req, res) {\n    if (req.query.a) {\n        res.send('a');\n"
            b"    }\n    return res.end();\n}\n"
            b"  app.post('/x', (req, res) => {\n    res.send('x');\n  });\n"
            b"app.get('/y', (req, res) => {\n    res.json({\n        ok: true,\n    });\n});\n")
    assert detect_style(four, module="commonjs").indent == "    "
    # A call's arguments aligned under its parenthesis in a two-space file stay two.
    two = (b"function f(a,\n           b) {\n  if (a) {\n    g(b);\n  }\n  return a;\n}\n"
           b"function h() {\n  return 1;\n}\n")
    assert detect_style(two, module="commonjs").indent == "  "
    # Tabs stay tabs; a file with no indented line falls back to two spaces.
    assert detect_style(b"function f() {\n\tif (a) {\n\t\tb();\n\t}\n}\n",
                        module="commonjs").indent == "\t"
    assert detect_style(b"f();\ng();\n", module="commonjs").indent == "  "

"""The files' own habits where no config of the project's formatter speaks (held-out sample
20): prettier run only from package.json scripts does not impose its defaults over what the
files show; the semicolon vote counts statement ends, not the lines of an array or object
literal; a JSON ``extends`` list that a new item takes past prettier's print width is broken
one item per line, as prettier prints it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from conftest import write_tree
from nodeharden._packagejson import add_to_string_list
from nodeharden._style import detect_style, read_style_rules

SCRIPTS = {"scripts": {"format": "prettier --check ."}, "devDependencies": {"prettier": "3.7.4"}}

HABITS = textwrap.dedent("""\
    import express from 'express'

    const server = express()
    server.get('/ping', req => req.query)
    server.listen(8080)
    """).encode()


def test_prettier_in_scripts_without_a_config_leaves_the_files_habits(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {".git/HEAD": "ref: refs/heads/main\n",
                                          "services/api/index.js": "x\n"})
    rules = read_style_rules(repo / "services" / "api", SCRIPTS)
    assert (rules.quote, rules.semicolons, rules.arrow_parens, rules.bracket_spacing) == \
        (None, None, None, None)
    assert rules.prettier and rules.width == 80  # what the files cannot show: its default
    style = rules.apply(detect_style(HABITS, module="esm"))
    assert (style.quote, style.semicolons, style.arrow_parens) == ("'", False, False)


def test_a_prettier_config_found_upward_still_wins(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {".git/HEAD": "ref: refs/heads/main\n",
                                          ".prettierrc": '{ "printWidth": 100 }\n',
                                          "services/api/index.js": "x\n"})
    rules = read_style_rules(repo / "services" / "api", SCRIPTS)
    style = rules.apply(detect_style(HABITS, module="esm"))
    assert (style.quote, style.semicolons, style.arrow_parens, style.width) == \
        ('"', True, True, 100)
    keyed = read_style_rules(tmp_path / "other", {**SCRIPTS, "prettier": {"semi": False}})
    assert (keyed.quote, keyed.semicolons) == ('"', False)


def test_options_on_the_command_line_still_decide(tmp_path: Path) -> None:
    rules = read_style_rules(tmp_path, {"scripts": {"fmt": "prettier --no-semi --write ."}})
    assert (rules.semicolons, rules.quote) == (False, None)


def test_the_semicolon_vote_skips_the_lines_of_literals() -> None:
    # Four statements end in `;`; five element lines inside the exported array do not.
    config = textwrap.dedent("""\
        'use strict';

        const base = require('./base');
        const extra = require('./extra');

        module.exports = wrap([
        \tbase,
        \t{
        \t\tignores: [
        \t\t\t'static/*'
        \t\t]
        \t},
        \t{
        \t\tfiles: ['spec/**'],
        \t\trules: {
        \t\t\t'no-undef': 'off',
        \t\t\tcomplexity: ['warn', {
        \t\t\t\tmax: 9
        \t\t\t}]
        \t\t}
        \t}
        ]);
        """).encode()
    assert detect_style(config, module="commonjs").semicolons is True
    bare = config.replace(b";\n", b"\n")
    assert detect_style(bare, module="commonjs").semicolons is False


def test_statements_in_blocks_and_object_statements_count() -> None:
    source = textwrap.dedent("""\
        function area(box) {
          const width = box.right - box.left
          return width * (box.bottom - box.top)
        }

        module.exports = {
          area,
          name: 'shapes'
        }
        """).encode()
    assert detect_style(source, module="commonjs").semicolons is False
    typed = b"export type Point = {\n  x: number\n  y: number\n}\n"
    assert detect_style(typed, module="esm", typescript=True).semicolons is False


def test_unpaired_brackets_fall_back_to_every_line() -> None:
    # A regex literal holding a bracket: the nesting cannot be trusted, every line votes.
    source = b"const open = /[(]/\nconst name = 'x'\nlet count = 1\n"
    assert detect_style(source, module="commonjs").semicolons is False


def test_arrow_parens_follow_the_file() -> None:
    assert detect_style(b"list.map(item => item.id)\n", module="esm").arrow_parens is False
    assert detect_style(b"list.map((item) => item.id)\n", module="esm").arrow_parens is True
    typed = b"const f = (a: A): void => {}\nconst g = (b) => b\n"
    assert detect_style(typed, module="esm", typescript=True).arrow_parens is True


LIST = '{\n\t"root": true,\n\t"extends": ["eslint:recommended", "plugin:node/recommended"]\n}\n'


def test_a_list_that_fits_stays_on_its_line() -> None:
    # 77 characters and one tab of four columns: 81, within 81 (80 would break it).
    new = add_to_string_list(LIST, (), "extends", "plugin:x/base", width=81, tab_width=4)
    assert '\t"extends": ["eslint:recommended", "plugin:node/recommended", "plugin:x/base"]\n' \
        in new


def test_a_list_past_the_width_breaks_one_item_per_line() -> None:
    # 84 characters and one tab of four columns: 88 (85 with a tab of one column).
    new = add_to_string_list(LIST, (), "extends", "plugin:security/base", width=86,
                             tab_width=4)
    assert new == ('{\n\t"root": true,\n\t"extends": [\n\t\t"eslint:recommended",\n'
                   '\t\t"plugin:node/recommended",\n\t\t"plugin:security/base"\n\t]\n}\n')
    assert "\t\t" not in add_to_string_list(LIST, (), "extends", "plugin:security/base",
                                             width=86, tab_width=1)
    # Without a width (no prettier formats the file) the line is left long.
    assert '"plugin:node/recommended", "plugin:security/base"]' in add_to_string_list(
        LIST, (), "extends", "plugin:security/base")


def test_a_string_member_that_grows_past_the_width_breaks_too() -> None:
    text = '{\r\n  "extends": "some-very-long-shared-config-name/for-this-project"\r\n}\r\n'
    new = add_to_string_list(text, (), "extends", "plugin:security/recommended-legacy",
                             width=60)
    assert new == ('{\r\n  "extends": [\r\n    "some-very-long-shared-config-name/for-this-'
                   'project",\r\n    "plugin:security/recommended-legacy"\r\n  ]\r\n}\r\n')

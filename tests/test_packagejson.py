"""The shared package.json edit: minimal text edits that keep everything else byte for byte."""

from __future__ import annotations

import json

import pytest

from nodeharden._packagejson import VERSIONS, add_dependencies, mirrors, version_of


def _unchanged_outside(before: str, after: str, added: list[str]) -> None:
    """Removing exactly the added lines from ``after`` must give ``before`` back."""
    kept = [line for line in after.splitlines(keepends=True)
            if not any(f'"{name}"' in line for name in added)]
    # The line before an appended entry gains a comma; drop commas before comparing.
    assert "".join(kept).replace(",", "") == before.replace(",", "")


def test_sorted_block_gets_alphabetical_inserts() -> None:
    before = ('{\n  "name": "app",\n  "version": "1.0.0",\n  "dependencies": {\n'
              '    "body-parser": "^2.0.0",\n    "express": "^5.1.0",\n    "pg": "^8.0.0"\n'
              '  },\n  "scripts": {\n    "start": "node server.js"\n  }\n}\n')
    after = add_dependencies(before, {"helmet": "^8.3.0", "ajv": "^8.0.0", "zod": "^3.0.0"})
    assert after == ('{\n  "name": "app",\n  "version": "1.0.0",\n  "dependencies": {\n'
                     '    "ajv": "^8.0.0",\n    "body-parser": "^2.0.0",\n'
                     '    "express": "^5.1.0",\n    "helmet": "^8.3.0",\n    "pg": "^8.0.0",\n'
                     '    "zod": "^3.0.0"\n  },\n  "scripts": {\n    "start": "node server.js"\n'
                     '  }\n}\n')
    assert list(json.loads(after)) == ["name", "version", "dependencies", "scripts"]


def test_unsorted_block_gets_entries_at_its_end() -> None:
    before = ('{\n  "name": "app",\n  "dependencies": {\n    "pg": "^8.0.0",\n'
              '    "express": "^5.1.0"\n  }\n}\n')
    after = add_dependencies(before, {"helmet": "^8.3.0", "ajv": "^8.0.0"})
    assert after == ('{\n  "name": "app",\n  "dependencies": {\n    "pg": "^8.0.0",\n'
                     '    "express": "^5.1.0",\n    "ajv": "^8.0.0",\n    "helmet": "^8.3.0"\n'
                     '  }\n}\n')
    _unchanged_outside(before, after, ["ajv", "helmet"])


def test_missing_block_is_added_after_the_last_member() -> None:
    before = '{\n  "name": "app",\n  "private": true\n}\n'
    after = add_dependencies(before, {"eslint-plugin-security": "^4.1.0"}, dev=True)
    assert after == ('{\n  "name": "app",\n  "private": true,\n  "devDependencies": {\n'
                     '    "eslint-plugin-security": "^4.1.0"\n  }\n}\n')


def test_missing_block_in_an_empty_object() -> None:
    assert add_dependencies("{}\n", {"helmet": "^8.3.0"}) == (
        '{\n  "dependencies": {\n    "helmet": "^8.3.0"\n  }\n}\n')


def test_tabs_are_kept() -> None:
    before = '{\n\t"name": "app",\n\t"dependencies": {\n\t\t"express": "^5.1.0"\n\t}\n}\n'
    after = add_dependencies(before, {"helmet": "^8.3.0"})
    assert after == ('{\n\t"name": "app",\n\t"dependencies": {\n\t\t"express": "^5.1.0",\n'
                     '\t\t"helmet": "^8.3.0"\n\t}\n}\n')
    added = add_dependencies(before, {"eslint": "^10.15.0"}, dev=True)
    assert added.endswith('\t},\n\t"devDependencies": {\n\t\t"eslint": "^10.15.0"\n\t}\n}\n')


def test_crlf_is_kept_everywhere() -> None:
    before = '{\r\n  "name": "app",\r\n  "dependencies": {\r\n    "express": "^5.1.0"\r\n  }\r\n}\r\n'
    after = add_dependencies(before, {"helmet": "^8.3.0"})
    assert after == ('{\r\n  "name": "app",\r\n  "dependencies": {\r\n    "express": "^5.1.0",'
                     '\r\n    "helmet": "^8.3.0"\r\n  }\r\n}\r\n')
    assert "\n" not in after.replace("\r\n", "")
    dev = add_dependencies(before, {"eslint": "^10.15.0"}, dev=True)
    assert "\n" not in dev.replace("\r\n", "") and dev.endswith("  }\r\n}\r\n")


def test_empty_block_is_filled_at_the_right_depth() -> None:
    before = '{\n    "name": "app",\n    "dependencies": {},\n    "scripts": {}\n}'
    after = add_dependencies(before, {"helmet": "^8.3.0", "ajv": "^8.0.0"})
    assert after == ('{\n    "name": "app",\n    "dependencies": {\n        "ajv": "^8.0.0",\n'
                     '        "helmet": "^8.3.0"\n    },\n    "scripts": {}\n}')


def test_trailing_newline_absent_stays_absent() -> None:
    after = add_dependencies('{\n  "name": "app"\n}', {"helmet": "^8.3.0"})
    assert after.endswith("\n  }\n}") and json.loads(after)["dependencies"] == {
        "helmet": "^8.3.0"}


def test_one_line_file_stays_on_one_line() -> None:
    before = '{"name":"app","dependencies":{"express":"^5.1.0"}}'
    assert add_dependencies(before, {"helmet": "^8.3.0"}) == (
        '{"name":"app","dependencies":{"express":"^5.1.0","helmet":"^8.3.0"}}')
    assert add_dependencies(before, {"eslint": "^10.15.0"}, dev=True) == (
        '{"name":"app","dependencies":{"express":"^5.1.0"},"devDependencies":{"eslint":"^10.15.0"}}')


def test_packages_already_listed_anywhere_are_left_alone() -> None:
    before = ('{\n  "dependencies": {\n    "express": "^5.1.0"\n  },\n  "devDependencies": {\n'
              '    "eslint": "^9.0.0"\n  }\n}\n')
    assert add_dependencies(before, {"eslint": "^10.15.0"}) == before
    assert add_dependencies(before, {"express": "^4.0.0"}, dev=True) == before


def test_unsorted_detection_uses_the_target_block_only() -> None:
    before = ('{\n  "dependencies": {\n    "b": "1"\n  },\n  "devDependencies": {\n'
              '    "z": "1",\n    "a": "1"\n  }\n}\n')
    after = add_dependencies(before, {"m": "2"}, dev=True)
    assert after.endswith('    "z": "1",\n    "a": "1",\n    "m": "2"\n  }\n}\n')
    assert add_dependencies(before, {"a": "2"}) == before  # already a devDependency


def test_nested_dependencies_key_is_not_mistaken_for_the_top_level_one() -> None:
    before = ('{\n  "config": {\n    "dependencies": {\n      "x": "1"\n    }\n  }\n}\n')
    after = add_dependencies(before, {"helmet": "^8.3.0"})
    assert json.loads(after)["config"] == {"dependencies": {"x": "1"}}
    assert json.loads(after)["dependencies"] == {"helmet": "^8.3.0"}


@pytest.mark.parametrize("text", ["[]", '{"dependencies": "x"}', "{not json"])
def test_invalid_input_raises_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        add_dependencies(text, {"helmet": "^8.3.0"})


def test_every_fix_package_has_a_version_range() -> None:
    for name in VERSIONS:
        assert version_of(name).startswith("^")
    with pytest.raises(KeyError):
        version_of("left-pad")


def test_a_server_package_goes_where_the_manifest_declares_express() -> None:
    """A demo or test app that keeps its whole server in devDependencies gets the new server
    package there too; dev tools stay in devDependencies whatever express does."""
    demo = ('{\n  "name": "demo",\n  "dependencies": {\n    "react": "^18.0.0"\n  },\n'
            '  "devDependencies": {\n    "cors": "^2.8.5",\n    "express": "^4.21.0",\n'
            '    "passport": "^0.7.0"\n  }\n}\n')
    after = add_dependencies(demo, {"helmet": "^8.3.0"})
    assert json.loads(after)["devDependencies"]["helmet"] == "^8.3.0"
    assert "helmet" not in json.loads(after)["dependencies"]
    assert after == demo.replace('"express": "^4.21.0",\n',
                                 '"express": "^4.21.0",\n    "helmet": "^8.3.0",\n')
    # express in both blocks, or only in dependencies: dependencies.
    both = demo.replace('"react": "^18.0.0"', '"express": "^4.21.0"')
    assert json.loads(add_dependencies(both, {"helmet": "^8.3.0"}))["dependencies"]["helmet"]
    # No express in this manifest (it comes from elsewhere): dependencies, as before.
    plain = '{\n  "name": "lib",\n  "devDependencies": {\n    "jest": "^29.0.0"\n  }\n}\n'
    assert "helmet" in json.loads(add_dependencies(plain, {"helmet": "^8.3.0"}))["dependencies"]
    # A dev tool stays a dev dependency even where express is a runtime dependency.
    server = '{\n  "dependencies": {\n    "express": "^5.1.0"\n  }\n}\n'
    tool = json.loads(add_dependencies(server, {"eslint-plugin-security": "^4.1.0"}, dev=True))
    assert tool["devDependencies"] == {"eslint-plugin-security": "^4.1.0"}


def test_a_top_level_manifest_mirrors_a_package_that_it_declares_every_dependency_of() -> None:
    child = {"name": "@acme/runtime", "version": "5.0.4",
             "dependencies": {"@acme/util": "5.0.4", "@acme/ui": "workspace:*",
                              "express": "4.21.2", "cors": "2.8.5"}}
    top = {"dependencies": {"express": "4.21.2", "cors": "2.8.5", "mocha": "10.0.0"}}
    # The repository's own packages (lockstep version, workspace: range) are not expected there.
    assert mirrors(top, child)
    assert not mirrors({"dependencies": {"express": "4.21.2"}}, child)  # cors missing
    assert not mirrors({"devDependencies": top["dependencies"]}, child)
    # One shared dependency is no sign: a top level may use express for a dev server.
    assert not mirrors(top, {"dependencies": {"express": "4.21.2"}})

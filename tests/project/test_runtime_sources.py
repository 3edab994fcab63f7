"""Which files decide the Node version a project runs on: the root manifest and the server
packages below it do; a package.json under a test, fixture or example folder (a plugin the
tests load, a sample app) does not, nor does a workflow that only runs a release script."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli, write_tree
from nodeharden._config import load_config
from nodeharden._project import load_project
from nodeharden._runtime import detect_runtime
from nodeharden._scan import Scanner

SERVER = """\
    const express = require('express');
    const app = express();
    app.get('/', (req, res) => res.send('ok'));
    app.listen(3000);
    """


def plugin(node: str) -> str:
    return json.dumps({"name": "fake-plugin", "version": "1.0.0", "engines": {"node": node}})


def runtime_of(root: Path) -> tuple[tuple[int, int] | None, str]:
    scanner = Scanner(load_project(root), load_config(root), ["helmet"], jobs=1)
    return scanner.runtime.node, scanner.runtime.source


def test_test_fixture_and_example_manifests_do_not_decide(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "package.json": '{"name": "app", "engines": {"node": ">=20.9"}}\n',
        "server.js": SERVER,
        "test/unit/resources/plugin-a/package.json": plugin(">=12.x"),
        "fixtures/old-plugin/package.json": plugin(">=8"),
        "examples/legacy/package.json": plugin("^10"),
    })
    assert runtime_of(tmp_path) == ((20, 9), "engines.node >=20.9")


def test_a_server_package_below_the_root_still_counts(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "package.json": '{"name": "mono", "engines": {"node": ">=20"}}\n',
        "server/package.json": '{"name": "api", "dependencies": {"express": "^4"},'
                               ' "engines": {"node": ">=16"}}\n',
        "server/index.js": SERVER,
        "test/fixtures/plugin/package.json": plugin(">=12"),
    })
    assert runtime_of(tmp_path) == ((16, 0), "server/package.json engines.node >=16")


def test_detect_runtime_skips_nested_manifests_by_role(tmp_path: Path) -> None:
    nested = (("spec/fixtures/mod/package.json", {"engines": {"node": ">=6"}}),
              ("services/api/package.json", {"engines": {"node": ">=18"}}))
    runtime = detect_runtime(tmp_path, {"engines": {"node": ">=22"}}, nested=nested)
    assert runtime.node == (18, 0)


RELEASE = """\
    on:
      release:
        types: [published]
    jobs:
      bump:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - uses: actions/setup-node@v4
            with:
              node-version: '16'
          - run: node .github/scripts/update-website.js
    """
TESTS = """\
    on: [push]
    jobs:
      test:
        runs-on: ubuntu-latest
        strategy:
          matrix:
            node-version: [20, 22]
        steps:
          - uses: actions/setup-node@v4
            with:
              node-version: ${{ matrix.node-version }}
          - run: npm ci
          - run: npm test
    """


def test_a_release_script_workflow_does_not_decide(tmp_path: Path) -> None:
    write_tree(tmp_path, {".github/workflows/release.yml": RELEASE,
                          ".github/workflows/tests.yml": TESTS})
    runtime = detect_runtime(tmp_path, {"engines": {"node": ">=20"}})
    assert (runtime.node, runtime.source) == ((20, 0), "engines.node >=20")


def test_a_workflow_that_installs_the_project_still_counts(tmp_path: Path) -> None:
    write_tree(tmp_path, {".github/workflows/release.yml": RELEASE + "          - run: npm publish\n",
                          ".github/workflows/tests.yml": TESTS})
    runtime = detect_runtime(tmp_path, {"engines": {"node": ">=20"}})
    assert runtime.node == (16, 20) and "release.yml" in runtime.source


def test_fix_writes_the_helmet_the_root_runtime_supports(tmp_path: Path) -> None:
    """End to end: a Node 12 plugin under test/ no longer picks helmet 5 for a Node 20 app."""
    write_tree(tmp_path, {
        "package.json": '{"name": "app", "dependencies": {"express": "^4.21.0"},'
                        ' "engines": {"node": ">=20"}}\n',
        "server.js": SERVER,
        "test/resources/plugin/package.json": plugin(">=12.x"),
    })
    proc = run_cli("fix", "--dry-run", "--select", "helmet", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert '"helmet": "^8' in proc.stdout, proc.stdout


def test_a_version_file_below_engines_is_stale(tmp_path: Path) -> None:
    # engines.node is a floor: a package that declares >=18 does not run on the Node 8 of an
    # old .nvmrc, which is left out (and named as stale).
    write_tree(tmp_path, {
        "package.json": '{"name": "app", "engines": {"node": ">=18.0.0 <21 || >=22.9.0 <23"}}\n',
        ".nvmrc": "8.11\n",
        ".tool-versions": "nodejs 10.24.1\n",
        "server.js": SERVER,
    })
    runtime = detect_runtime(tmp_path, json.loads((tmp_path / "package.json").read_text()))
    assert runtime.node == (18, 0)
    assert runtime.stale == (".nvmrc 8.11", ".tool-versions")
    assert ".nvmrc 8.11, .tool-versions: below engines.node, taken as stale" in runtime.describe()


def test_a_version_file_at_or_above_engines_still_counts(tmp_path: Path) -> None:
    write_tree(tmp_path, {"package.json": '{"name": "app", "engines": {"node": ">=14"}}\n',
                          ".nvmrc": "16.20\n", "server.js": SERVER})
    assert runtime_of(tmp_path) == ((14, 0), "engines.node >=14")
    (tmp_path / "package.json").write_text('{"name": "app", "engines": {"node": ">=12"}}\n')
    (tmp_path / ".nvmrc").write_text("lts/erbium\n")
    assert runtime_of(tmp_path) == ((12, 0), "engines.node >=12")


def test_without_engines_an_old_version_file_still_decides(tmp_path: Path) -> None:
    # No floor: the project may really run on the Node 8 its .nvmrc names.
    write_tree(tmp_path, {"package.json": '{"name": "app"}\n', ".nvmrc": "8.11\n",
                          "server.js": SERVER})
    assert runtime_of(tmp_path) == ((8, 11), ".nvmrc 8.11")


def test_an_image_or_ci_below_engines_still_decides(tmp_path: Path) -> None:
    # The app image and the CI matrix do run the project on their Node, whatever engines says.
    write_tree(tmp_path, {
        "package.json": '{"name": "app", "engines": {"node": ">=18"}}\n',
        ".github/workflows/ci.yml": "jobs:\n  test:\n    strategy:\n      matrix:\n"
                                    "        node-version: [16, 20]\n    steps:\n"
                                    "      - run: npm ci && npm test\n",
        "server.js": SERVER,
    })
    assert runtime_of(tmp_path) == ((16, 20), ".github/workflows/ci.yml tests on Node 16")


def test_ci_job_images_count_as_the_ci_runtime(tmp_path: Path) -> None:
    """A CI job that runs in a Node image tests the project on that version: CircleCI's
    ``circleci/node``/``cimg/node`` images, GitLab CI's ``image: node:…``, an Actions
    ``container:``. Other images of the job (a database) say nothing."""
    write_tree(tmp_path, {
        "package.json": '{"name": "app", "engines": {"node": ">=8"}}\n',
        "server.js": SERVER,
        ".circleci/config.yml": "version: 2\njobs:\n  build:\n    docker:\n"
                                "      - image: circleci/node:10.15\n"
                                "      - image: circleci/mongo:4\n"
                                "    steps:\n      - checkout\n      - run: npm ci\n",
    })
    assert runtime_of(tmp_path) == ((8, 0), "engines.node >=8")  # the oldest still wins
    write_tree(tmp_path, {"package.json": '{"name": "app"}\n'})
    assert runtime_of(tmp_path) == ((10, 15), ".circleci/config.yml tests on Node 10")
    (tmp_path / ".circleci" / "config.yml").unlink()
    write_tree(tmp_path, {".gitlab-ci.yml": "test:\n  image: node:16-alpine\n  script:\n"
                                            "    - npm ci\n    - npm test\n"})
    # `node:16-alpine`, like a matrix's `16`, is the newest 16
    assert runtime_of(tmp_path) == ((16, 20), ".gitlab-ci.yml tests on Node 16")
    (tmp_path / ".gitlab-ci.yml").unlink()
    write_tree(tmp_path, {".github/workflows/ci.yml": "on: push\njobs:\n  test:\n"
                                                      "    runs-on: ubuntu-latest\n"
                                                      "    container: node:14\n    steps:\n"
                                                      "      - run: npm ci\n"})
    assert runtime_of(tmp_path) == ((14, 21), ".github/workflows/ci.yml tests on Node 14")
    write_tree(tmp_path, {".github/workflows/ci.yml": "on: push\njobs:\n  test:\n"
                                                      "    runs-on: ubuntu-latest\n"
                                                      "    services:\n      db:\n"
                                                      "        image: postgres:16\n    steps:\n"
                                                      "      - run: npm ci\n"})
    assert runtime_of(tmp_path) == (None, "")


def test_pkg_targets_name_the_node_the_binaries_run_on(tmp_path: Path) -> None:
    targets = ["node14-linux-x64", "node14-macos-x64", "node16-win-x64"]
    for manifest in ({"pkg": {"targets": targets}}, {"targets": targets},
                     {"pkg": {"targets": "node14-linux-x64,node16-win-x64"}}):
        runtime = detect_runtime(tmp_path, {"engines": {"node": ">=16"}, **manifest})
        assert runtime.node == (14, 0), manifest
        assert runtime.source == "package.json builds binaries on Node 14 (pkg targets)"


def test_a_targets_list_of_other_names_says_nothing_of_node(tmp_path: Path) -> None:
    # Parcel and browserslist-style "targets" are not pkg targets.
    for manifest in ({"targets": {"main": {"context": "node"}}},
                     {"targets": ["node14-linux-x64", "es2019"]},
                     {"targets": ["defaults"]}):
        assert detect_runtime(tmp_path, {"engines": {"node": ">=18"}, **manifest}).node \
            == (18, 0), manifest


def test_fix_writes_the_helmet_a_pkg_binary_on_node_14_supports(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "package.json": '{"name": "app", "dependencies": {"express": "^4.21.0"},'
                        ' "bin": "app.js", "targets": ["node14-linux-x64"]}\n',
        "server.js": SERVER,
    })
    proc = run_cli("fix", "--dry-run", "--select", "helmet", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert '"helmet": "^6.2.0"' in proc.stdout, proc.stdout


def _locked(tmp_path: Path, lock: dict, files: dict[str, str] | None = None) -> Path:
    package = {"name": "arena", "engines": {"node": ">=7.6.0"},
               "dependencies": {"express": "^4.19.2", "express-handlebars": "^5.3.5"},
               "devDependencies": {"eslint": "^9.0.0"}}
    return write_tree(tmp_path, {"package.json": json.dumps(package),
                                 "package-lock.json": json.dumps(lock), "server.js": SERVER,
                                 **(files or {})})


LOCK_V2 = {"name": "arena", "lockfileVersion": 2, "packages": {
    "": {"name": "arena"},
    "node_modules/express": {"version": "4.19.2", "engines": {"node": ">= 0.10.0"}},
    "node_modules/express-handlebars": {"version": "5.3.5", "engines": {"node": ">=v10.24.0"}},
    "node_modules/eslint": {"version": "9.0.0", "engines": {"node": ">=18.18.0"}},
}}


def test_a_runtime_dependency_s_engines_make_older_sources_stale(tmp_path: Path) -> None:
    # arena (sample 33): engines.node >=7.6.0, but express-handlebars 5 needs Node 10.24 (as
    # the lockfile records): the project does not run below that. A development dependency
    # (eslint) is no floor for the app.
    root = _locked(tmp_path, LOCK_V2)
    runtime = detect_runtime(root, json.loads((root / "package.json").read_text()))
    assert runtime.node == (10, 24)
    assert runtime.source == "package-lock.json: express-handlebars needs Node >=v10.24.0"
    assert runtime.stale == ("engines.node >=7.6.0",)
    assert "engines.node >=7.6.0: below what the dependencies need, taken as stale" \
        in runtime.describe()


def test_a_ci_major_at_the_floor_still_decides_and_an_old_lockfile_says_nothing(
        tmp_path: Path) -> None:
    workflow = ("jobs:\n  test:\n    strategy:\n      matrix:\n        node-version: [10, 12]\n"
                "    steps:\n      - run: npm ci\n")
    root = _locked(tmp_path / "ci", LOCK_V2, {".github/workflows/ci.yml": workflow})
    runtime = detect_runtime(root, json.loads((root / "package.json").read_text()))
    assert runtime.node == (10, 24) and "tests on Node 10" in runtime.source
    assert runtime.stale == ("engines.node >=7.6.0",)
    old = _locked(tmp_path / "v1", {"name": "arena", "lockfileVersion": 1, "dependencies": {}})
    runtime = detect_runtime(old, json.loads((old / "package.json").read_text()))
    assert runtime.node == (7, 6) and runtime.stale == ()


@pytest.mark.parametrize(("named", "expected"), [
    ("'18.x'", (18, 20)), ("18", (18, 20)), ("v18", (18, 20)), ("'18.*'", (18, 20)),
    ("'18.17'", (18, 17)), ("24", (24, 0))])
def test_a_ci_major_named_alone_is_its_newest_release(tmp_path: Path, named: str,
                                                        expected: tuple[int, int]) -> None:
    # actions/setup-node installs the newest 18 for `18` or `18.x` (held-out sample 41:
    # toc-app-server's `'18.x'` read as 18.0 hid eslint-security, whose ESLint 9 needs 18.18).
    write_tree(tmp_path, {"package.json": '{"name": "app"}\n', "server.js": SERVER,
                          ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n"
                          "    runs-on: ubuntu-latest\n    steps:\n"
                          "      - uses: actions/setup-node@v4\n        with:\n"
                          f"          node-version: {named}\n      - run: npm ci\n"})
    assert runtime_of(tmp_path)[0] == expected

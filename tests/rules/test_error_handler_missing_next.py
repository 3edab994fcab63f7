"""error-handler: an app's error handler written with three parameters (``app.use((err, req,
res) => …)``) is one Express never hands an error (it tells error handlers by their four
parameters). The finding names that function and asks for the fourth parameter; no second
handler is appended (the maintainer mends their own). Checked over real HTTP on 127.0.0.1 with
real express: the three-parameter handler does not run for a thrown error, the stack trace goes
out, and with ``next`` added the handler answers."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import have_node, linked_app, npm_install, run_cli, serve_app, write_tree

PACKAGE = '{"name": "p", "private": true, "dependencies": {"express": "^4.21.2"}}'


def app_js(handler: str, register: str = "app.use(onError)") -> str:
    return ("const express = require('express')\n"
            "const app = express()\n"
            "app.get('/boom', () => { throw new Error('db password is hunter2') })\n"
            "app.get('/ok', (req, res) => res.json({ ok: true }))\n"
            f"{handler}\n"
            f"{register}\n"
            "if (require.main === module) {\n"
            "  const server = app.listen(0, '127.0.0.1', () => {\n"
            "    console.log('listening ' + server.address().port)\n"
            "  })\n"
            "}\n"
            "module.exports = app\n")


INLINE = app_js("", "app.use((err, req, res) => {\n"
                "  console.error(err)\n"
                "  res.status(500).json({ message: 'Something went wrong' })\n"
                "})")
NAMED = app_js("function onError(error, request, response) {\n"
               "  console.error(error)\n"
               "  response.status(500).json({ message: 'Something went wrong' })\n"
               "}")


def report(tmp_path: Path, app: str) -> list[dict]:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "app.js": app})
    done = run_cli("check", root, "--format", "json", "--exit-zero", "--select",
                   "error-handler")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["findings"]


@pytest.mark.parametrize(("app", "line"), [(INLINE, 6), (NAMED, 5)], ids=["inline", "named"])
def test_a_three_parameter_handler_is_named_and_not_doubled(tmp_path: Path, app: str,
                                                            line: int) -> None:
    findings = report(tmp_path, app)
    assert [(f["line"], f["fix"]) for f in findings] == [(line, None)]
    assert "takes three parameters" in findings[0]["message"]
    assert "add `next` as its fourth parameter" in findings[0]["message"]
    done = run_cli("fix", tmp_path / "p", "--dry-run", "--select", "error-handler")
    assert done.stdout == "", done.stdout


@pytest.mark.parametrize("app", [
    # an ordinary middleware of three parameters
    app_js("", "app.use((req, res, next) => { res.locals.started = Date.now(); next() })"),
    # a three-parameter function whose first parameter is not an error
    app_js("function onError(ctx, req, res) { res.status(500).end() }"),
], ids=["middleware", "not-an-error-name"])
def test_other_three_parameter_functions_leave_the_missing_handler_finding(
        tmp_path: Path, app: str) -> None:
    findings = report(tmp_path, app)
    assert [f["message"].split(":")[0] for f in findings] == ["no final error handler"]
    assert findings[0]["fix"] is not None


def test_a_four_parameter_handler_beside_it_is_no_finding(tmp_path: Path) -> None:
    app = app_js("function onError(err, req, res, next) {\n"
                 "  console.error(err)\n"
                 "  res.status(err.status || 500).json({ message: 'Something went wrong' })\n"
                 "}")
    assert report(tmp_path, app) == []


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not have_node():
        pytest.skip("node and npm are needed")
    root = write_tree(tmp_path_factory.mktemp("express4"), {"package.json": PACKAGE})
    npm_install(root)
    return root


def body_of(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.slow
def test_express_never_hands_the_error_to_three_parameters(tmp_path: Path,
                                                          installed: Path) -> None:
    before = linked_app(tmp_path / "before", {"package.json": PACKAGE, "app.js": INLINE},
                        installed)
    with serve_app(before) as url:
        status, body = body_of(url + "/boom")
        assert status == 500 and "hunter2" in body and "at " in body  # the default handler
        assert "Something went wrong" not in body
    mended = INLINE.replace("(err, req, res) =>", "(err, req, res, next) =>")
    after = linked_app(tmp_path / "after", {"package.json": PACKAGE, "app.js": mended},
                       installed)
    with serve_app(after) as url:
        assert body_of(url + "/boom") == (500, '{"message":"Something went wrong"}')
        assert body_of(url + "/ok") == (200, '{"ok":true}')
    assert not any("three parameters" in f["message"]
                   for f in report(tmp_path / "mended", mended))

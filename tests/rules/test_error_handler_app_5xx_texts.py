"""error-handler: a final handler that sends every error's message, reached by 5xx errors the
app writes for its clients (``next({ status: 500, message: 'Unable to authenticate.' })``,
``createError(503, '…')``, ``new HttpError(500, '…')``, ``throw { status: 502, … }``): its
5xx rewrite would replace what real clients are shown, so the fix is unsafe, with the count and
an example in its title; the finding stays and names the errors that carry another error's
message (``message: e.message``) as the place to fix. Reached only by raw messages, the fix is
safe as before. The rewritten property is broken after its colon when its line would pass the
project's prettier printWidth, as prettier prints it."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli, write_tree

PACKAGE = json.dumps({"name": "p", "dependencies": {"express": "^4.21.0"},
                      "prettier": {"singleQuote": True}})
APP = """\
const express = require('express');
const routes = require('./routes');

const app = express();
app.use('/api', routes);
app.use((err, req, res, _next) => {
  res.status(err.status || 500).json({
    message: err.message,
  });
});
module.exports = app;
"""


def _routes(*raises: str) -> str:
    body = "\n".join(f"  {line}" for line in raises)
    return ("const express = require('express');\n"
            "const createError = require('http-errors');\n"
            "const { StatusCodes } = require('http-status-codes');\n"
            "const store = require('./store');\n\n"
            "const router = express.Router();\n"
            "router.get('/x', async (req, res, next) => {\n"
            "  const e = await store.load().catch((failure) => failure);\n"
            f"{body}\n"
            "  res.json({});\n"
            "});\n"
            "module.exports = router;\n")


def _handler_finding(tmp_path: Path, routes: str, extra: dict[str, str] | None = None) -> dict:
    root = write_tree(tmp_path / "app", {"package.json": PACKAGE, "app.js": APP,
                                         "routes.js": routes, "store.js": "module.exports = {};\n",
                                         **(extra or {})})
    done = run_cli("check", root, "--select", "error-handler", "--format", "json")
    assert done.returncode == 1, done.stderr
    found = {f["line"]: f for f in json.loads(done.stdout)["findings"] if f["path"] == "app.js"}
    assert sorted(found) == [8]
    return found[8]


def test_fixed_and_raw_5xx_texts_make_the_fix_unsafe(tmp_path: Path) -> None:
    finding = _handler_finding(tmp_path, _routes(
        "if (!e) return next({ status: 500, message: 'Unable to authenticate.' });",
        "if (e.code) return next(createError(503, 'Sign-in is paused.'));",
        "if (e.retry) return next({ status: StatusCodes.INTERNAL_SERVER_ERROR, message: 'Retry.' });",
        "if (e.sql) return next({ status: 500, message: e.message });"))
    fix = finding["fix"]
    assert fix["applicability"] == "unsafe"
    assert "(unsafe: the app hands its error handler 3 errors of its own text with a 5xx " \
        "status, e.g. routes.js:9 'Unable to authenticate.'" in fix["title"]
    assert "the app hands its error handler 3 errors with a 5xx status and a text of its own" \
        in finding["message"]
    assert "and 1 with another error's message (e.g. routes.js:12 `e.message`)" \
        in finding["message"]


def test_thrown_objects_and_constructed_errors_count(tmp_path: Path) -> None:
    for raise_line in ("if (!e) throw { status: 502, message: 'The mail service is down.' };",
                       "if (!e) throw new HttpError(500, `Unable to load ${req.params.id}.`);",
                       "if (!e) throw new ApiError('Unable to load.', 500);"):
        finding = _handler_finding(tmp_path / str(hash(raise_line)), _routes(raise_line))
        assert finding["fix"]["applicability"] == "unsafe", raise_line
        assert "1 error of its own text" in finding["fix"]["title"]
        assert "the messages of other errors reach the client too" in finding["message"]


def test_only_raw_messages_keep_the_fix_safe(tmp_path: Path) -> None:
    finding = _handler_finding(tmp_path, _routes(
        "if (!e) return next({ status: 404, message: 'No such item.' });",
        "if (e.gone) throw new Error('This item is gone.');",
        "if (e.code) return next({ status: e.code, message: 'Unable to load.' });",
        "if (e.host) return next({ status: 503, message: 'db-01.internal:5432 refused' });",
        "if (e.sql) return next({ status: 500, message: e.message });"))
    assert finding["fix"]["applicability"] == "safe"
    assert finding["message"].endswith("send a generic message for 5xx answers (4xx keep theirs) "
                                       "and log the error on the server")


def test_texts_in_tests_do_not_count(tmp_path: Path) -> None:
    finding = _handler_finding(tmp_path, _routes("if (!e) return next(e);"), {
        "test/routes.test.js": "const request = require('supertest');\n"
                               "const app = require('../app');\n"
                               "test('x', () => { throw { status: 500, message: 'Boom.' }; });\n"})
    assert finding["fix"]["applicability"] == "safe"


def test_literal_500_handler_is_unsafe_too(tmp_path: Path) -> None:
    app = APP.replace("res.status(err.status || 500).json({\n    message: err.message,\n  });",
                      "res.status(500).json({ message: err.message });")
    root = write_tree(tmp_path / "app", {
        "package.json": PACKAGE, "app.js": app, "store.js": "module.exports = {};\n",
        "routes.js": _routes("if (!e) return next({ status: 500, message: 'Unable to load.' });")})
    done = run_cli("check", root, "--select", "error-handler", "--format", "json")
    found = [f for f in json.loads(done.stdout)["findings"]
             if f["path"] == "app.js" and f["message"].startswith("the error message")]
    assert [f["fix"]["applicability"] for f in found] == ["unsafe"]


def test_unsafe_fix_breaks_the_property_at_printwidth(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {
        "package.json": PACKAGE, "store.js": "module.exports = {};\n",
        "app.js": APP.replace("app.use((err", "if (process.env.API) {\n  app.use((err")
                     .replace("\n});\nmodule", "\n});\n}\nmodule")
                     .replace("    message: err.message,", "      message: err.message,"),
        "routes.js": _routes("if (!e) return next({ status: 500, message: 'Unable to load.' });")})
    done = run_cli("fix", root, "--unsafe", "--select", "error-handler")
    assert done.returncode == 0, done.stderr
    fixed = (root / "app.js").read_text()
    assert "      message:\n        (err.status || 500) < 500 ? err.message : 'Internal Server Error',\n" \
        in fixed
    assert max(len(line) for line in fixed.splitlines()) <= 80


def test_short_key_and_one_line_object_are_left_on_their_line(tmp_path: Path) -> None:
    app = APP.replace("    message: err.message,", "    m: err.message,").replace(
        "res.status(err.status || 500)", "res.status(err.status || err.statusCode || 500)")
    root = write_tree(tmp_path / "app", {"package.json": PACKAGE, "app.js": app,
                                         "store.js": "module.exports = {};\n",
                                         "routes.js": _routes("return next(e);")})
    done = run_cli("fix", root, "--select", "error-handler", "--dry-run")
    assert done.returncode == 0, done.stderr
    # `m:` is shorter than tabWidth + 3, but the value is a conditional on a comparison:
    # prettier breaks after the colon all the same.
    assert "+    m:\n+      (err.status || err.statusCode || 500) < 500" in done.stdout


def test_handler_left_sending_app_texts_is_the_projects_contract(tmp_path: Path) -> None:
    items = ("const express = require('express');\n"
             "const store = require('./store');\n\n"
             "const router = express.Router();\n"
             "router.get('/', async (req, res) => {\n"
             "  try {\n"
             "    res.json(await store.load());\n"
             "  } catch (e) {\n"
             "    res.status(500).json({ error: e.message });\n"
             "  }\n"
             "});\n"
             "module.exports = router;\n")
    root = write_tree(tmp_path / "app", {
        "package.json": PACKAGE, "store.js": "module.exports = {};\n", "items.js": items,
        "app.js": APP.replace("app.use('/api', routes);",
                              "app.use('/api', routes);\napp.use('/items', require('./items'));"),
        "routes.js": _routes("if (!e) return next({ status: 500, message: 'Unable to load.' });")})
    done = run_cli("check", root, "--select", "error-handler", "--format", "json")
    route = next(f for f in json.loads(done.stdout)["findings"] if f["path"] == "items.js")
    assert route["fix"] is None
    assert "not fixed: the app's final error handler at app.js:9" in route["message"]

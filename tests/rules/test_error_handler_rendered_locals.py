"""error-handler: ``res.render(view, { err })`` hands the error to a template, not to the
client. It is reported when the template prints the error whole, its message or its stack,
and when the template cannot be found or read (what it prints is then unknown). A page that
prints only another field (``<%= err.code %>``) sends neither. A message or stack handed
alone is reported when the template names it at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import check_json, write_tree

PACKAGE = '{"name": "p", "dependencies": {"express": "^4.21.0", "ejs": "^3.1.10"}}'


def proxy_js(locals_: str, view: str = "pages/error") -> str:
    return ("const express = require('express');\n"
            "const app = express();\n"
            "app.set('view engine', 'ejs');\n"
            "app.get('/', async (req, res) => {\n"
            "  try {\n"
            "    res.send(await req.upstream());\n"
            "  } catch (err) {\n"
            "    console.error(err);\n"
            f"    res.status(502).render('{view}', {{ app: 'x', {locals_} }});\n"
            "  }\n"
            "});\n"
            "app.listen(3000);\n")


def leaks(tmp_path: Path, files: dict[str, str]) -> list[str]:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, **files})
    report = check_json(root, "--select", "error-handler")
    return [f["message"].split(" is sent")[0] for f in report["findings"]
            if f["path"] == "app.js" and "is sent to the client" in f["message"]]


PAGE = "<h1>Oops</h1>\n<p>There was an error. {}</p>\n"


@pytest.mark.parametrize("locals_,template", [
    ("err", "Error code: <%= err.code %>"),
    ("error: err", "<% if (error.code) { %>Error code: <%= error.code %><% } %>"),
    ("err", "Error code: <%= locals.err.code %>"),
    ("err", "<%# err.message is logged, not shown %>Error code: <%= err.status %>"),
    ("message: err.message", "Please try again."),
], ids=["field", "renamed-local", "locals-object", "ejs-comment-field", "message-unprinted"])
def test_a_template_that_prints_no_text_of_the_error_is_not_reported(
        tmp_path: Path, locals_: str, template: str) -> None:
    assert leaks(tmp_path, {"app.js": proxy_js(locals_),
                            "views/pages/error.ejs": PAGE.format(template)}) == []


@pytest.mark.parametrize("locals_,template,what", [
    ("err", "<%= err.message %>", "the whole error object (`err`)"),
    ("err", "<pre><%= err.stack %></pre>", "the whole error object (`err`)"),
    ("err", "<%= err %>", "the whole error object (`err`)"),
    ("err", "<%- include('partials/detail', { err }) %>", "the whole error object (`err`)"),
    ("err", "<%= locals['err']['message'] %>", "the whole error object (`err`)"),
    ("message: err.message", "<%= message %>", "the error message (`err.message`)"),
], ids=["message", "stack", "whole", "include", "subscript", "message-local"])
def test_a_template_that_prints_the_errors_text_is_reported(
        tmp_path: Path, locals_: str, template: str, what: str) -> None:
    assert leaks(tmp_path, {"app.js": proxy_js(locals_),
                            "views/pages/error.ejs": PAGE.format(template)}) == [what]


def test_a_template_that_cannot_be_found_is_reported(tmp_path: Path) -> None:
    assert leaks(tmp_path, {"app.js": proxy_js("err", view="pages/missing"),
                            "views/pages/error.ejs": PAGE.format("<%= err.code %>")}) == [
        "the whole error object (`err`)"]


def test_the_views_setting_and_other_engines_are_followed(tmp_path: Path) -> None:
    app = proxy_js("error: err", view="failure").replace(
        "app.set('view engine', 'ejs');",
        "app.set('view engine', 'pug');\n"
        "app.set('views', require('path').join(__dirname, 'templates'));")
    assert leaks(tmp_path, {"app.js": app,
                            "templates/failure.pug": "h1 Failed\np Code: #{error.code}\n"}) == []
    assert leaks(tmp_path / "stack", {
        "app.js": app, "templates/failure.pug": "h1 Failed\npre= error.stack\n"}) == [
        "the whole error object (`err`)"]


def test_each_folder_of_a_views_array_is_a_root(tmp_path: Path) -> None:
    # `app.set('views', [a, b])`: Express looks in each folder in turn (sample 25: pump.io's
    # error page sits in the second).
    app = proxy_js("error: err", view="failure").replace(
        "app.set('view engine', 'ejs');",
        "app.set('view engine', 'pug');\n"
        "app.set('views', [\n  path.resolve(__dirname, 'templates'),\n"
        "  path.resolve(__dirname, 'templates/lib')\n]);").replace(
        "const app = express();", "const path = require('path');\nconst app = express();")
    page = "h1 Failed\np Code: #{error.code}\n"
    assert leaks(tmp_path, {"app.js": app, "templates/lib/failure.pug": page}) == []
    assert leaks(tmp_path / "stack", {
        "app.js": app, "templates/lib/failure.pug": "h1 Failed\npre= error.stack\n"}) == [
        "the whole error object (`err`)"]

"""One final error handler for the template and the fixer: the ``errorHandler`` that
``nodeharden new`` ships in ``src/errors.js`` and the handler error-handler's fix inserts into an
app without one are the same code (``snippets/errors.js.jinja``), line for line, for the same
options (module system, file style, pino-http or stderr); and run by node behind real HTTP
they give every error the same answer: 413 and 400 from the body parser, http-errors' 4xx
and 5xx with their status text (the statuses Express's own handler answers), a 500 without
message or stack for everything else, a cut connection once the headers are out, and one log
line for a 5xx."""

from __future__ import annotations

import http.client
import json
import re
import urllib.parse
from pathlib import Path

import pytest

from conftest import have_node, linked_app, npm_install, serve_app, write_tree
from nodeharden import _scaffold
from nodeharden._api import fix
from nodeharden._snippets import render_snippet, render_template_file
from nodeharden._style import Style


@pytest.fixture(scope="module", autouse=True)
def template_cache(tmp_path_factory: pytest.TempPathFactory) -> object:
    """Keep the versioned template repository out of the user's cache folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NODEHARDEN_TEMPLATE_CACHE", str(tmp_path_factory.mktemp("template-cache")))
        yield


SECRET = "db-password-hunter2"

#: Routes that fail every way an error handler must tell apart (CommonJS; ESM below).
ROUTES = """
app.use(express.json());
app.post('/echo', (req, res) => {
  res.json({ got: Object.keys(req.body) });
});
app.get('/boom', () => {
  throw new Error('connect failed: %s');
});
app.get('/teapot', () => {
  throw Object.assign(new Error('no coffee'), { status: 418, expose: true });
});
app.get('/unlisted', () => {
  throw Object.assign(new Error('odd client error'), { statusCode: 499 });
});
app.get('/unavailable', () => {
  throw Object.assign(new Error('upstream %s down'), { status: 503 });
});
app.get('/partial', (req, res, next) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.write('partial');
  next(new Error('failed halfway'));
});
""".replace("%s", SECRET)

LISTEN = """
const server = app.listen(0, '127.0.0.1', () => {
  console.log('listening ' + server.address().port);
});
"""


def legacy_app(esm: bool, pino: bool) -> str:
    """An app without an error handler (what the fixer meets)."""
    if esm:
        head = "import express from 'express';\n"
        head += "import pinoHttp from 'pino-http';\nimport pino from 'pino';\n" if pino else ""
    else:
        head = "const express = require('express');\n"
        head += "const pinoHttp = require('pino-http');\nconst pino = require('pino');\n" \
            if pino else ""
    body = "\nconst app = express();\n"
    if pino:
        body += ("app.use(pinoHttp({ logger: pino(pino.destination({ dest: 'log.ndjson', "
                 "sync: true })) }));\n")
    return head + body + ROUTES + LISTEN


def template_app() -> str:
    """The same routes in front of the module ``nodeharden new`` ships (CommonJS)."""
    return ("const express = require('express');\n"
            "const { errorHandler, notFound } = require('./errors.js');\n\n"
            "const app = express();\n" + ROUTES + "app.use(notFound);\napp.use(errorHandler);\n"
            + LISTEN)


def package_json(esm: bool) -> str:
    return json.dumps({"name": "legacy", "private": True,
                       "dependencies": {"express": "^5.1.0", "pino": "^10.0.0",
                                        "pino-http": "^11.0.0"},
                       **({"type": "module"} if esm else {})}, indent=2) + "\n"


def shipped(tmp_path: Path, module_system: str) -> str:
    """``src/errors.js`` as ``nodeharden new`` renders it with copier."""
    app = _scaffold.new(tmp_path / f"new-{module_system}", data={"module_system": module_system},
                        defaults=True)
    return (app / "src" / "errors.js").read_text()


def fixed(root: Path) -> str:
    fix(root, select=["error-handler"], force=True)
    return (root / "app.js").read_text()


def handler_body(code: str, first: str) -> list[str]:
    """The lines of the function that starts with the line ``first``, without the lines that
    open and close it (one level of indentation stripped)."""
    lines = code.split("\n")
    start = lines.index(first) + 1
    end = next(i for i in range(start, len(lines)) if lines[i] and not lines[i][0].isspace())
    return [line[2:] for line in lines[start:end]]


def inserted(code: str) -> str:
    """The handler statement the fix inserted into ``code``."""
    found = re.search(r"app\.use\(\(err, _?req, res, next\) => \{", code)
    assert found is not None, code
    start = found.start()
    return code[start:code.index("\n});\n", start) + 4]


# The same text


@pytest.mark.parametrize("module_system", ["esm", "commonjs"])
def test_template_file_is_the_snippet(module_system: str) -> None:
    style = Style(module="esm" if module_system == "esm" else "commonjs")
    assert render_snippet("errors.js", style, pino_http=True) == render_template_file(
        "template/src/errors.js.jinja", module_system=module_system)


@pytest.mark.parametrize("module_system", ["esm", "commonjs"])
@pytest.mark.parametrize("pino", [True, False], ids=["pino-http", "stderr"])
def test_fix_inserts_the_handler_the_template_ships(tmp_path: Path, module_system: str,
                                                    pino: bool) -> None:
    esm = module_system == "esm"
    root = write_tree(tmp_path / "legacy", {"package.json": package_json(esm),
                                            "app.js": legacy_app(esm, pino)})
    code = fixed(root)
    statement = inserted(code)
    style = Style(module="esm" if esm else "commonjs")
    assert statement == render_snippet("errors.js", style, inline=True, app="app", pino_http=pino)
    req = "req" if pino else "_req"  # read only for pino-http's `req.log`
    body = handler_body(statement, f"app.use((err, {req}, res, next) => {{")
    if pino:  # the template's API logs through pino-http: byte for byte what new ships
        module = shipped(tmp_path, module_system)
    else:  # what the template would ship without a request logger
        module = render_snippet("errors.js", style, pino_http=False)
    assert body == handler_body(module, f"function errorHandler(err, {req}, res, next) {{")
    assert ("res.err = err;" in statement) is pino
    assert "console.error('request failed:', err);" in statement
    # The fix imports what the handler reads, in the file's module system (the bare name,
    # as the legacy app writes no `node:` specifiers).
    assert ("import { STATUS_CODES } from 'http';" if esm
            else "const { STATUS_CODES } = require('http');") in code


def test_in_another_style_the_fix_writes_the_same_handler_in_that_style(tmp_path: Path) -> None:
    app = legacy_app(esm=False, pino=False).replace("'", '"').replace(";\n", "\n") \
        .replace("\n  ", "\n    ")
    root = write_tree(tmp_path / "legacy", {"package.json": package_json(False), "app.js": app})
    code = fixed(root)
    style = Style(quote='"', semicolons=False, indent="    ")
    statement = render_snippet("errors.js", style, inline=True, app="app")
    assert statement in code
    assert 'console.error("request failed:", err)\n' in statement
    lines = statement.split("\n")
    assert handler_body("\n".join(line.replace("    ", "  ") for line in lines),
                        "app.use((err, _req, res, next) => {") == handler_body(
        render_snippet("errors.js", Style(quote='"', semicolons=False), pino_http=False),
        "function errorHandler(err, _req, res, next) {")


# The same answers, over real HTTP


def request(url: str, method: str, path: str, body: bytes | None = None) -> tuple[object, ...]:
    """Return (status, content type, body) of one request, or ("cut", bytes read) when the
    server closes the connection before the answer is complete."""
    parsed = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    try:
        conn.request(method, path, body=body,
                     headers={"Content-Type": "application/json"} if body is not None else {})
        response = conn.getresponse()
        try:
            data = response.read()
        except http.client.IncompleteRead as exc:
            return ("cut", exc.partial)
        return (response.status, response.getheader("Content-Type", "").split(";")[0], data)
    finally:
        conn.close()


REQUESTS = [("POST", "/echo", json.dumps({"pad": "x" * 200_000}).encode()),
            ("POST", "/echo", b"{not json"), ("POST", "/echo", b'{"a": 1}'),
            ("GET", "/boom", None), ("GET", "/teapot", None), ("GET", "/unlisted", None),
            ("GET", "/unavailable", None), ("GET", "/partial", None)]


def answers(root: Path) -> list[tuple[object, ...]]:
    with serve_app(root) as url:
        return [request(url, *call) for call in REQUESTS]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree(tmp_path_factory.mktemp("shared-error-handler") / "installed",
                      {"package.json": package_json(False)})
    npm_install(root)
    return root


@pytest.mark.slow
@pytest.mark.skipif(not have_node(), reason="needs node and npm")
@pytest.mark.parametrize("pino", [True, False], ids=["pino-http", "stderr"])
def test_fixed_app_answers_every_error_as_the_template_app(
        tmp_path: Path, installed: Path, pino: bool) -> None:
    template = linked_app(tmp_path / "template", {
        "package.json": package_json(False), "app.js": template_app(),
        "errors.js": shipped(tmp_path, "commonjs") if pino
        else render_snippet("errors.js", Style(), pino_http=False)}, installed)
    legacy = linked_app(tmp_path / "legacy", {"package.json": package_json(False),
                                              "app.js": legacy_app(esm=False, pino=pino)},
                        installed)
    before = answers(legacy)
    fixed(legacy)
    after = answers(legacy)
    expected = answers(template)
    assert after == expected
    assert after == [
        (413, "application/json", b'{"error":"Payload Too Large"}'),
        (400, "application/json", b'{"error":"Bad Request"}'),
        (200, "application/json", b'{"got":["a"]}'),
        (500, "application/json", b'{"error":"Internal Server Error"}'),
        (418, "application/json", b'{"error":"I\'m a Teapot"}'),
        (499, "application/json", b'{"error":"Error"}'),
        (503, "application/json", b'{"error":"Service Unavailable"}'),
        ("cut", b"partial"),
    ]
    # Real clients get the same status codes as from Express's default handler: the fix
    # changes the bodies (no message, no stack), not the statuses.
    assert [answer[0] for answer in after] == [answer[0] for answer in before]
    # Express's default handler answered HTML and, outside production, the stack and message.
    assert before[3][0] == 500 and SECRET.encode() in before[3][2]  # type: ignore[operator]
    if pino:
        # pino-http's access line carries a 500's own error (not pino-http's "failed with
        # status code 500"): one line a request.
        lines = [json.loads(line) for line in (legacy / "log.ndjson").read_text().splitlines()]
        boom = [line for line in lines if line.get("req", {}).get("url") == "/boom"]
        assert len(boom) == 2, boom  # before and after the fix
        assert boom[0]["err"]["message"] == "failed with status code 500"
        assert boom[1]["err"]["message"] == f"connect failed: {SECRET}"
        teapot = [line for line in lines if line.get("req", {}).get("url") == "/teapot"]
        assert len(teapot) == 2 and "err" not in teapot[1], teapot


#: An app that renders HTML views (an engine registered inline: no package to install).
VIEWS = """
app.engine('html', (file, options, done) => done(null, '<p>' + options.title + '</p>'));
app.set('views', __dirname);
app.set('view engine', 'html');
app.get('/', (req, res) => {
  res.render('home', { title: 'home' });
});
"""


@pytest.mark.slow
@pytest.mark.skipif(not have_node(), reason="needs node and npm")
def test_in_an_app_that_renders_views_the_handler_answers_a_page(tmp_path: Path,
                                                                 installed: Path) -> None:
    """Express's own handler answered a view-rendering app's errors with HTML pages; after the
    fix its browsers still get a page (the status text, no message or stack), with the same
    statuses and content types as before."""
    app = legacy_app(esm=False, pino=False).replace(ROUTES, VIEWS + ROUTES)
    legacy = linked_app(tmp_path / "views", {"package.json": package_json(False), "app.js": app},
                        installed)
    before = answers(legacy)
    code = fixed(legacy)
    assert "res.status(code).send(reason);" in code and ".json({ error: reason })" not in code
    after = answers(legacy)
    assert [a[:2] for a in after if a[0] != 200] == [
        (413, "text/html"), (400, "text/html"), (500, "text/html"), (418, "text/html"),
        (499, "text/html"), (503, "text/html"), ("cut", b"partial")]
    assert [a[:2] for a in after] == [a[:2] for a in before]
    bodies = {call[1]: answer[-1] for call, answer in zip(REQUESTS, after, strict=True)}
    assert bodies["/boom"] == b"Internal Server Error"
    assert bodies["/unavailable"] == b"Service Unavailable"
    assert SECRET.encode() in before[3][2]  # type: ignore[operator]
    assert all(SECRET.encode() not in answer[-1] for answer in after)  # type: ignore[operator]

"""helmet: a protection that acts only on documents (Content-Security-Policy, and the
document-only options) switched off in a project that answers no document at all (JSON, fixed
text without markup, redirects; no views, static files, sent files, HTML pages or markup) is not
reported; anything that may answer a page (a view engine, static files, ``sendFile``, markup or
a string built at run time sent with ``res.send``, a template or HTML file in the repository, a
page-serving middleware, a proxy) keeps the finding, and the other protections are reported as
before."""

from __future__ import annotations

import pytest

from nodeharden import check

PACKAGE = '{"name": "api", "dependencies": {"express": "^4.21.0", "helmet": "^4.6.0"}}'
SERVER = """\
const express = require('express');
const helmet = require('helmet');
%s
const app = express();
app.use(express.json());
app.use(helmet({ contentSecurityPolicy: false, frameguard: true }));
app.get('/api/items', (req, res) => res.status(200).json({ items: [] }));
app.post('/api/items', (req, res) => {
  if (!req.body.name) {
    return res.status(400)
      .send({ error: 'name is required' });
  }
  res.status(201).json({ ok: true });
});
app.get('/auth/done', (req, res) => res.redirect(`${process.env.CLIENT_URL}/done`));
app.use((req, res) => res.status(404).send('Not found'));
%s
app.listen(3000);
"""


def helmet_lines(root) -> list[tuple[str, int]]:
    report = check(root, select=["helmet"])
    assert not report.failed, report.failed
    return sorted((f.path, f.line) for f in report.findings)


def test_csp_off_on_a_project_that_answers_no_document_is_not_reported(project) -> None:
    root = project({"package.json": PACKAGE, "server.js": SERVER % ("", "")})
    assert helmet_lines(root) == []


def test_document_only_options_off_there_are_not_reported_either(project) -> None:
    server = (SERVER % ("", "")).replace(
        "contentSecurityPolicy: false, frameguard: true",
        "crossOriginOpenerPolicy: false, hsts: false")
    root = project({"package.json": PACKAGE, "server.js": server})
    # hsts protects JSON answers too: still reported; COOP acts on documents only.
    report = check(root, select=["helmet"])
    assert [f.message for f in report.findings] == [
        "helmet protection `hsts` is switched off; keep it on and configure it instead"]


@pytest.mark.parametrize(("imports", "extra", "files"), [
    ("const path = require('path');", "app.set('view engine', 'ejs');", {}),
    ("", "app.use(express.static('public'));", {}),
    ("const path = require('path');",
     "app.get('/', (req, res) => res.sendFile(path.join(__dirname, 'client', 'app.js')));", {}),
    ("", "app.get('/hello', (req, res) => res.send(`<p>Hello ${req.query.name}</p>`));", {}),
    ("", "app.get('/echo', (req, res) => res.send(req.query.text));", {}),
    ("", "app.get('/page', (req, res) => { res.write(page); res.end(); });\nconst page = 'x';", {}),
    ("", "app.get('/doc', (req, res) => res.type('html').send(doc));\nconst doc = 'x';", {}),
    ("", "", {"public/index.html": "<!doctype html><title>shop</title>\n"}),
    ("const swaggerUi = require('swagger-ui-express');",
     "app.use('/docs', swaggerUi.serve, swaggerUi.setup({}));", {}),
    ("const { createProxyMiddleware } = require('http-proxy-middleware');",
     "app.use('/', createProxyMiddleware({ target: 'http://localhost:5173' }));", {}),
])
def test_anything_that_may_answer_a_page_keeps_the_finding(project, imports: str, extra: str,
                                                          files: dict[str, str]) -> None:
    root = project({"package.json": PACKAGE, "server.js": SERVER % (imports, extra), **files})
    assert helmet_lines(root) == [("server.js", 6)]


def test_a_page_sent_from_another_module_keeps_the_finding(project) -> None:
    root = project({"package.json": PACKAGE, "server.js": SERVER % (
        "const pages = require('./pages');", "app.use(pages);"),
        "pages.js": "module.exports = (req, res, next) => req.path === '/about'\n"
                    "  ? res.send('<h1>About</h1>') : next();\n"})
    assert helmet_lines(root) == [("server.js", 6)]

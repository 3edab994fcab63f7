"""helmet tells headers the app sets for every response from those one route sets for its own.

A header the app's own middleware sets for any response makes the fix switch helmet's version
off (the app chose it). One that only a route handler sets (a download route's nosniff,
X-Frame-Options and Content-Security-Policy) does not: helmet goes in first, so the route's
own value still replaces helmet's on that route, while every other route (one that serves
uploads inline, say) keeps helmet's. Before, such a route switched nosniff off app-wide, and
the message said the app set those headers itself. Over real HTTP: after the fix, the uploads
route gets nosniff and the download route still sends its own stricter values.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from conftest import have_node, linked_app, npm_install, serve_app, write_tree
from nodeharden._api import check, fix
from nodeharden._model import Finding

PACKAGE = json.dumps({"name": "files", "private": True,
                      "dependencies": {"express": "^4.21.0", "helmet": "^8.1.0"}})

#: %(routes)s: code after the app is made; it listens on a port the test reads.
APP = """\
const express = require('express');

const app = express();
%(routes)s
app.get('/files/:name', (req, res) => {
  res.type('svg');
  res.send('<svg xmlns="http://www.w3.org/2000/svg"></svg>');
});

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""

DOWNLOAD_ROUTE = """
app.get('/export/:id', (req, res) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Content-Security-Policy', "default-src 'none'");
  res.attachment('export.json');
  res.json({ id: req.params.id });
});
"""

#: A handler the file names and registers on one route only.
NAMED_HANDLER = """
function exportOne(req, res) {
  res.set({ 'X-Content-Type-Options': 'nosniff', 'X-Frame-Options': 'DENY' });
  res.json({ id: req.params.id });
}
app.get('/export/:id', exportOne);
"""

#: A handler given inside a wrapper (async error forwarding).
WRAPPED_HANDLER = """
const wrap = (handler) => (req, res, next) => handler(req, res).catch(next);
app.get('/export/:id', wrap(async (req, response) => {
  response.header('X-Content-Type-Options', 'nosniff');
  response.json({ id: req.params.id });
}));
"""

#: Middleware of a router the file creates and mounts at a path: that router's responses only.
ROUTER_MIDDLEWARE = """
const metrics = express.Router();
metrics.use((req, res, next) => {
  res.setHeader('x-content-type-options', 'nosniff');
  next();
});
metrics.get('/query', (req, res) => res.send(String(req.query.q)));
app.use('/metrics', metrics);
"""

#: Middleware for any response: the app's own headers.
MIDDLEWARE = """
app.use((req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
});
"""

#: The same function as a route's handler and as middleware for any response.
HANDLER_ALSO_MOUNTED = """
function noSniff(req, res, next) {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
}
app.use(noSniff);
app.get('/export/:id', noSniff, (req, res) => res.json({}));
"""

#: A catch-all path: it may answer every GET.
CATCH_ALL = """
app.get('*', (req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
});
"""

#: res.append adds its value to the one helmet set before: two values, not the route's own.
APPENDED = """
app.get('/export/:id', (req, res) => {
  res.append('Content-Security-Policy', "default-src 'none'");
  res.json({});
});
"""

#: A route whose own policy lets partner sites frame it: helmet's X-Frame-Options would reach
#: that route too.
FRAMED_ROUTE = """
app.get('/widget', (req, res) => {
  res.setHeader('Content-Security-Policy', "frame-ancestors https://partner.example");
  res.json({});
});
"""

ROUTE_MESSAGE = ("Express app without helmet(): no security headers (Content-Security-Policy, "
                 "X-Frame-Options, X-Content-Type-Options only on the responses of the routes "
                 "that set them) and X-Powered-By is sent")


def _finding(tmp_path: Path, routes: str, helmet_call: str = "") -> list[Finding]:
    app = APP % {"routes": routes}
    if helmet_call:
        app = app.replace("const app = express();\n", "const helmet = require('helmet');\n\n"
                          f"const app = express();\napp.use({helmet_call});\n")
    root = write_tree(tmp_path, {"package.json": PACKAGE, "app.js": app})
    report = check(root, select=["helmet"])
    assert not report.failed, report.failed
    return report.findings


def _added_use(finding: Finding) -> str:
    assert finding.fix is not None
    [change] = finding.fix.changes
    [added] = [edit.content for edit in change.edits if ".use(" in edit.content]
    return added.strip()


def test_a_routes_own_headers_leave_helmets_on(tmp_path: Path) -> None:
    [finding] = _finding(tmp_path, DOWNLOAD_ROUTE)
    assert finding.message == ROUTE_MESSAGE
    assert _added_use(finding) == "app.use(helmet());"
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert finding.fix.title == "Add helmet() right after the app is created"


@pytest.mark.parametrize("routes, message_tail", [
    (NAMED_HANDLER, "(X-Frame-Options, X-Content-Type-Options only on the responses of the "
                    "routes that set them)"),
    (WRAPPED_HANDLER, "(X-Content-Type-Options only on the responses of the routes that set "
                      "it)"),
    (ROUTER_MIDDLEWARE, "(X-Content-Type-Options only on the responses of the routes that set "
                        "it)"),
], ids=["named-handler", "wrapped-handler", "router-middleware"])
def test_named_and_wrapped_handlers_are_routes_too(tmp_path: Path, routes: str,
                                                   message_tail: str) -> None:
    [finding] = _finding(tmp_path, routes)
    assert finding.message == ("Express app without helmet(): no security headers "
                               f"{message_tail} and X-Powered-By is sent")
    assert _added_use(finding) == "app.use(helmet());"


@pytest.mark.parametrize("routes", [MIDDLEWARE, HANDLER_ALSO_MOUNTED, CATCH_ALL],
                         ids=["middleware", "handler-also-mounted", "catch-all-path"])
def test_headers_for_any_response_still_switch_helmets_off(tmp_path: Path, routes: str) -> None:
    [finding] = _finding(tmp_path, routes)
    assert finding.message.startswith("Express app without helmet(): the app sets "
                                      "X-Content-Type-Options itself but not "), finding.message
    assert _added_use(finding) == "app.use(helmet({ xContentTypeOptions: false }));"


def test_an_appended_policy_still_switches_helmets_off(tmp_path: Path) -> None:
    [finding] = _finding(tmp_path, APPENDED)
    assert _added_use(finding) == "app.use(helmet({ contentSecurityPolicy: false }));"


def test_a_routes_framing_allowlist_keeps_x_frame_options_off(tmp_path: Path) -> None:
    [finding] = _finding(tmp_path, FRAMED_ROUTE)
    # helmet's CSP stays on for the other responses; its X-Frame-Options would stop the
    # partner framing /widget.
    assert _added_use(finding) == "app.use(helmet({ xFrameOptions: false }));"


def test_a_protection_switched_off_is_not_excused_by_one_route(tmp_path: Path) -> None:
    [finding] = _finding(tmp_path, DOWNLOAD_ROUTE, "helmet({ xContentTypeOptions: false })")
    assert finding.message == ("helmet protection `xContentTypeOptions` is switched off; keep "
                               "it on and configure it instead")
    assert _finding(tmp_path / "mw", MIDDLEWARE, "helmet({ xContentTypeOptions: false })") == []


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("helmet-route-headers")
    write_tree(base, {"package.json": PACKAGE})
    npm_install(base)
    return base


def _headers(url: str) -> dict[str, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return {k.lower(): v for k, v in response.headers.items()}


@pytest.mark.skipif(not have_node(), reason="node and npm are required")
def test_after_the_fix_uploads_get_nosniff_and_the_route_keeps_its_own(
        installed: Path, tmp_path: Path) -> None:
    root = linked_app(tmp_path / "app", {"package.json": PACKAGE,
                                         "app.js": APP % {"routes": DOWNLOAD_ROUTE}}, installed)
    with serve_app(root) as base:
        assert "x-content-type-options" not in _headers(base + "/files/a.svg")

    fix(root, select=["helmet"], force=True)
    with serve_app(root) as base:
        upload = _headers(base + "/files/a.svg")
        export = _headers(base + "/export/1")
    assert upload["x-content-type-options"] == "nosniff"
    assert upload["x-frame-options"] == "SAMEORIGIN"
    assert export["x-frame-options"] == "DENY"  # the route's own values, not helmet's
    assert export["content-security-policy"] == "default-src 'none'"
    assert check(root, select=["helmet"]).findings == []

"""End to end: `nodeharden fix --unsafe` adds express-validator chains to an app whose handlers
read request data in the shapes real front ends send (tests/apps/validation-shapes: a nested
login body, a JSON boolean, form checkboxes, optional query fields, destructuring defaults, a
numeric id and a plain slug parameter, values passed to a helper in another file).

The app's own client script (client.js) sends what its front end sends, before and after the
fix, to a really installed app over real HTTP: every answer must be exactly the same. Malformed
requests (wrong types, missing required fields) then get 400 naming the fields, never echoing
their values. Report-only findings (a field of unknown type, an open redirect) stay."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import REPO, have_node, linked_app, npm_install, run_cli, serve_app, write_tree

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not have_node(), reason="needs node and npm")]

APP = REPO / "tests" / "apps" / "validation-shapes"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One npm install for the module: express and the express-validator the fix adds."""
    base = tmp_path_factory.mktemp("validation-e2e")
    from nodeharden._packagejson import version_of

    write_tree(base, {"package.json": json.dumps({"name": "deps", "private": True, "dependencies": {
        "express": "^5.1.0", "express-validator": version_of("express-validator")}})})
    npm_install(base)
    return base


@pytest.fixture
def app_dir(installed: Path, tmp_path: Path) -> Path:
    files = {str(p.relative_to(APP)): p.read_bytes() for p in APP.rglob("*") if p.is_file()}
    return linked_app(tmp_path / "app", files, installed)


def client(app_dir: Path, base: str) -> list[dict]:
    """Run the app's own client script and return one answer per request."""
    proc = subprocess.run(["node", "client.js", base], cwd=app_dir, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def request(base: str, method: str, path: str, payload: object = None,
            form: str | None = None) -> tuple[int, bytes]:
    data, headers = None, {}
    if payload is not None:
        data, headers = json.dumps(payload).encode(), {"content-type": "application/json"}
    elif form is not None:
        data, headers = form.encode(), {"content-type": "application/x-www-form-urlencoded"}
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


#: (request, fields the 400 must name, a submitted value it must not echo)
MALFORMED = [
    (("POST", "/login", {"user": "ada@example.com"}), ["user.email", "user.password"], None),
    (("POST", "/login", {"user": {"email": {"$ne": None}, "password": "x"}}), ["user.email"],
     "$ne"),
    (("POST", "/login", {"user": {"email": "ada@example.com", "password": ["a"]}}),
     ["user.password"], None),
    (("POST", "/login", {"user": {"email": ["ada@example.com"], "password": "x"}}),
     ["user.email"], None),
    (("PATCH", "/todos/abc", {"completed": True}), ["id"], None),
    (("PATCH", "/todos/1", {"completed": "yes-please"}), ["completed"], "yes-please"),
    (("GET", "/search?q=a&q=b"), ["q"], None),
    (("GET", "/search?page=two"), ["page"], "two"),
    (("POST", "/invites", {"role": ["admin"], "days": "soon"}), ["days", "role"], "soon"),
    (("POST", "/todos", {"priority": 2}), ["title"], None),
    (("POST", "/todos", {"title": 5, "priority": "high"}), ["priority", "title"], "high"),
]


def test_front_end_requests_answer_as_before_and_malformed_ones_get_400(app_dir: Path) -> None:
    with serve_app(app_dir) as base:
        before = client(app_dir, base)
        # Malformed requests were not turned away before the fix (answers other than 400).
        assert all(request(base, *case)[0] != 400 for case, _, _ in MALFORMED)
    assert [a["status"] for a in before][:3] == [200, 401, 200]

    proc = run_cli("fix", app_dir, "--unsafe", "--select", "input-validation")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "express-validator" in json.loads((app_dir / "package.json").read_text())["dependencies"]
    app = (app_dir / "app.js").read_text()
    for chain in ("body('user.email').isString().isEmail()", "body('user.password').isString()",
                  "param('id').isInt().toInt()",
                  "body('completed').optional().isIn([true, false, 'true', 'false', 'on'])",
                  "query('q').optional({ values: 'falsy' }).isString().trim()",
                  "query('size').optional({ values: 'null' }).isFloat().toFloat()",
                  "body('role').optional().isString()", "body('title').isString().trim()",
                  "body('priority').optional().isFloat().toFloat()"):
        assert chain in app, chain
    assert "param('slug')" not in app and "body('note')" not in app
    # /settings only compares its checkboxes with 'on' and tests them for presence: no type
    # makes that go wrong, so it is not reported and gets no chain.
    assert "body('remember')" not in app and "body('newsletter')" not in app

    # Report-only findings stay: the field of unknown type and the open redirect.
    report = json.loads(run_cli("check", app_dir, "--select", "input-validation",
                                "--format", "json").stdout)
    messages = sorted(f["message"].split(":")[0] for f in report["findings"]
                      if f["path"] == "app.js")
    assert messages == ["POST /notes reads req.body.note without validation",
                        "[open-redirect] GET /go"], messages
    assert all(f["fix"] is None for f in report["findings"])

    with serve_app(app_dir) as base:
        assert client(app_dir, base) == before
        for case, fields, secret in MALFORMED:
            status, body = request(base, *case)
            assert status == 400, (case, status, body)
            # The template's answer (one snippet for both): {error, fields: [{field, location,
            # message}]}, one entry per field.
            payload = json.loads(body)
            assert payload["error"] == "Bad Request", payload
            named = sorted(e["field"] for e in payload["fields"])
            assert all(e["location"] in ("body", "query", "params") and e["message"]
                       for e in payload["fields"]), payload
            assert named == fields, (case, named)
            if secret is not None:
                assert secret.encode() not in body


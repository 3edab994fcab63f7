"""input-validation: checks written as a result object's flag, as an equality with a package's
cleaning function or as a reassignment through it; one-level key writes; the default export of
node-fetch; fs functions that write to their second path. Each case has a twin the rule must
still report."""

from __future__ import annotations

import json
from pathlib import Path

from nodeharden import check

PACKAGE = {"name": "app", "dependencies": {
    "express": "^4.21.0", "node-fetch": "^2.7.0", "slugify": "^1.6.6"}}


def _routes(root: Path) -> dict[str, list[str]]:
    """Route ("POST /x") -> the messages reported for it."""
    found: dict[str, list[str]] = {}
    for f in check(root, select=["input-validation"]).findings:
        head = f.message.split(": ", 1)[0]
        route = head.split("] ", 1)[1] if head.startswith("[") else head.split(" reads")[0]
        found.setdefault(route, []).append(f.message)
    return found


def _app(project, server: str, extra: dict[str, str] | None = None) -> Path:
    files = {"package.json": json.dumps(PACKAGE), "server.js": server}
    files.update(extra or {})
    return project(files)


HEAD = """
const express = require('express');
const fs = require('fs');
const path = require('path');
const slugify = require('slugify');
const app = express();
app.use(express.json());
const STORE = path.join(__dirname, 'store');
"""


def test_result_flag_of_a_checking_function(project) -> None:
    root = _app(project, HEAD + r"""
function nameCheck(candidate) {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(candidate)) return { ok: false, why: 'bad characters' };
  return { ok: true };
}
function looseCheck(candidate) {
  if (candidate.length > 80) return { failed: true };
  return { failed: false };
}
function earlyCheck(candidate) {
  if (candidate === 'index') return { failed: false };
  if (!/^[a-z]+$/.test(candidate)) return { failed: true };
  return { failed: false };
}
app.post('/flag-ok', (req, res) => {
  const outcome = nameCheck(req.body.label);
  if (!outcome.ok) return res.status(400).send(outcome.why);
  fs.unlinkSync(path.join(STORE, req.body.label));
  res.end();
});
app.post('/flag-no-test', (req, res) => {
  const outcome = looseCheck(req.body.label);
  if (outcome.failed) return res.sendStatus(400);
  fs.unlinkSync(path.join(STORE, req.body.label));
  res.end();
});
app.post('/flag-early-ok', (req, res) => {
  const outcome = earlyCheck(req.body.label);
  if (outcome.failed) return res.sendStatus(400);
  fs.unlinkSync(path.join(STORE, req.body.label));
  res.end();
});
app.post('/flag-not-ended', (req, res) => {
  const outcome = nameCheck(req.body.label);
  if (!outcome.ok) console.warn(outcome.why);
  fs.unlinkSync(path.join(STORE, req.body.label));
  res.end();
});
app.listen(3000);
""")
    routes = _routes(root)
    assert "POST /flag-ok" not in routes, routes
    for route in ("/flag-no-test", "/flag-early-ok", "/flag-not-ended"):
        assert f"POST {route}" in routes, (route, routes)


def test_result_flag_of_a_function_of_another_module(project) -> None:
    lib = r"""
const slugify = require('slugify');
function checkUpload(given) {
  if (slugify(given) !== given) return { rejected: true };
  return { rejected: false };
}
function checkLength(given) {
  if (given.length > 100) return { rejected: true };
  return { rejected: false };
}
module.exports = { checkUpload, checkLength };
"""
    root = _app(project, HEAD + r"""
const { checkUpload, checkLength } = require('./lib/checks');
app.post('/upload', (req, res) => {
  const verdict = checkUpload(req.body.file);
  if (verdict.rejected) return res.sendStatus(400);
  fs.writeFileSync(path.join(STORE, req.body.file), 'x');
  res.end();
});
app.post('/upload-long', (req, res) => {
  const verdict = checkLength(req.body.file);
  if (verdict.rejected) return res.sendStatus(400);
  fs.writeFileSync(path.join(STORE, req.body.file), 'x');
  res.end();
});
app.listen(3000);
""", {"lib/checks.js": lib})
    routes = _routes(root)
    assert "POST /upload" not in routes, routes
    assert "POST /upload-long" in routes, routes


def test_equal_to_what_a_package_function_makes_of_it(project) -> None:
    root = _app(project, HEAD + r"""
app.post('/same-slug', (req, res) => {
  if (req.body.page !== slugify(req.body.page)) return res.sendStatus(403);
  fs.rmSync(path.join(STORE, req.body.page));
  res.end();
});
app.post('/same-trim', (req, res) => {
  if (req.body.page !== req.body.page.trim()) return res.sendStatus(403);
  fs.rmSync(path.join(STORE, req.body.page));
  res.end();
});
app.post('/same-base', (req, res) => {
  if (req.body.page !== path.basename(req.body.page)) return res.sendStatus(403);
  fs.rmSync(path.join(STORE, req.body.page));
  res.end();
});
app.post('/other-value', (req, res) => {
  if (req.body.title !== slugify(req.body.title)) return res.sendStatus(403);
  fs.rmSync(path.join(STORE, req.body.page));
  res.end();
});
app.listen(3000);
""")
    routes = _routes(root)
    assert "POST /same-slug" not in routes, routes
    for route in ("/same-trim", "/same-base", "/other-value"):
        assert f"POST {route}" in routes, (route, routes)


def test_value_replaced_by_what_a_package_function_makes_of_it(project) -> None:
    root = _app(project, HEAD + r"""
app.post('/field-replaced', (req, res) => {
  req.body.page = slugify(req.body.page);
  fs.rmSync(path.join(STORE, `${req.body.page}.md`));
  res.end();
});
function pageFile(page) {
  page = slugify(page);
  return path.join(STORE, page);
}
app.post('/local-replaced', (req, res) => {
  fs.rmSync(pageFile(req.body.page));
  res.end();
});
app.post('/replaced-in-a-branch', (req, res) => {
  let page = req.body.page;
  if (req.body.tidy) {
    page = slugify(page);
  }
  fs.rmSync(path.join(STORE, page));
  res.end();
});
app.post('/replaced-then-raw', (req, res) => {
  let page = req.body.page;
  page = slugify(page);
  page = req.body.page;
  fs.rmSync(path.join(STORE, page));
  res.end();
});
app.listen(3000);
""")
    routes = _routes(root)
    assert "POST /field-replaced" not in routes, routes
    assert "POST /local-replaced" not in routes, routes
    assert "POST /replaced-in-a-branch" in routes, routes
    assert "POST /replaced-then-raw" in routes, routes


def test_a_key_written_one_level_deep_is_not_prototype_pollution(project) -> None:
    root = _app(project, HEAD + r"""
const prefs = {};
app.post('/one-level', (req, res) => {
  prefs[req.body.key] = String(req.body.value);
  res.json(prefs);
});
app.post('/two-levels', (req, res) => {
  prefs[req.body.section][req.body.key] = String(req.body.value);
  res.json(prefs);
});
app.post('/through-member', (req, res) => {
  prefs[req.body.section].updated = true;
  res.json(prefs);
});
app.listen(3000);
""")
    routes = _routes(root)
    assert not any("/one-level" in r for r in routes), routes
    assert any("POST /two-levels" in r and "Object.prototype" in " ".join(m)
               for r, m in routes.items()), routes
    assert any("POST /through-member" in r and "Object.prototype" in " ".join(m)
               for r, m in routes.items()), routes


def test_default_export_of_node_fetch_is_fetch(project) -> None:
    root = _app(project, HEAD + r"""
const fetch = require('node-fetch').default;
app.post('/proxy', async (req, res) => {
  const answer = await fetch(req.body.target);
  res.send(await answer.text());
});
app.listen(3000);
""")
    routes = _routes(root)
    assert any("[ssrf]" in m for m in routes.get("POST /proxy", [])), routes


def test_two_path_fs_functions_write_their_second_path(project) -> None:
    root = _app(project, HEAD + r"""
app.post('/copy-to', (req, res) => {
  fs.copyFileSync(path.join(STORE, 'template.txt'), path.join(STORE, req.body.to));
  res.end();
});
app.post('/move-to', async (req, res) => {
  await fs.promises.rename(path.join(STORE, 'upload.tmp'), path.join(STORE, `${req.body.to}.bin`));
  res.end();
});
app.post('/tree-to', (req, res) => {
  fs.cpSync(path.join(STORE, 'skeleton'), STORE + '/' + req.body.to, { recursive: true });
  res.end();
});
app.post('/copy-fixed', (req, res) => {
  fs.copyFileSync(path.join(STORE, 'a.txt'), path.join(STORE, 'b.txt'));
  res.json({ to: req.body.to });
});
app.listen(3000);
""")
    routes = _routes(root)
    for route in ("/copy-to", "/move-to", "/tree-to"):
        assert any("[path-traversal]" in m for m in routes.get(f"POST {route}", [])), \
            (route, routes)
    assert not any("[path-traversal]" in m for m in routes.get("POST /copy-fixed", [])), routes


def test_a_field_replaced_in_place_is_not_the_value_as_sent_to_later_uses(project) -> None:
    # Handed on as a whole body and as the field itself: past the reassignment both helpers
    # get the package function's string, not what the client sent.
    root = _app(project, HEAD + r"""
const taken = new Set(['home']);
function summary(doc) {
  return { title: doc.title, label: doc.title + ' (' + doc.count + ')' };
}
function freeName(wanted) {
  let suffix = 2;
  const stem = wanted;
  while (taken.has(wanted)) {
    wanted = stem + suffix;
    suffix++;
  }
  return wanted;
}
app.post('/named', (req, res) => {
  req.body.title = slugify(req.body.title);
  const doc = summary(req.body);
  res.json({ doc, name: freeName(req.body.title) });
});
app.post('/named-raw', (req, res) => {
  const doc = summary(req.body);
  res.json({ doc, name: freeName(req.body.title) });
});
app.listen(3000);
""")
    routes = _routes(root)
    assert "POST /named" not in routes, routes
    assert any("used with +" in m for m in routes.get("POST /named-raw", [])), routes

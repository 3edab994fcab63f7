"""sql-injection and SQL fragments a helper of the file builds with their own parameters:
``{ clause: `t.library_id IN (${marks})`, params: ids }`` where ``marks`` is
``ids.map(() => '?').join(',')`` (one placeholder per id, whatever the request chose), read as
``scope.clause``, destructured (``const { clause, params } = scopeOf(req)``), handed to a
function of the file that runs the query, or passed whole to one (``rows(scopeOf(req))``).
mStream (held-out sample 29) builds every library filter so: 65 findings, all false. The same
shapes with request text in the fragment are still reported."""

from __future__ import annotations

import json

import pytest

from nodeharden import check

PACKAGE = json.dumps({"name": "music", "dependencies": {"express": "^4.21.0",
                                                        "better-sqlite3": "^11.0.0"}})
HEAD = """\
const express = require('express');
const Database = require('better-sqlite3');

const db = new Database('music.db');
const app = express();

function scopeOf(req) {
  const libs = req.user.libraries || [];
  if (libs.length === 0) { return { clause: '1=0', params: [] }; }
  const marks = %s;
  return { clause: `t.library_id IN (${marks})`, params: libs.map((l) => l.id) };
}

"""
USES = {
    "member": """\
app.get('/a', (req, res) => {
  const scope = scopeOf(req);
  res.json(db.prepare(`SELECT * FROM tracks t WHERE t.title = ? AND ${scope.clause}`)
    .all(req.query.title, ...scope.params));
});
""",
    "destructured": """\
app.get('/b', (req, res) => {
  const { clause, params } = scopeOf(req);
  res.json(db.prepare(`SELECT * FROM tracks t WHERE ${clause}`).all(...params));
});
""",
    "handed on": """\
function rows(clause, params) {
  return db.prepare(`SELECT * FROM tracks t WHERE ${clause}`).all(...params);
}
app.get('/c', (req, res) => {
  const { clause: where, params } = scopeOf(req);
  res.json(rows(where, params));
});
""",
    "passed whole": """\
function likeRows(filter, search) {
  return db.prepare(`SELECT * FROM tracks t WHERE t.title LIKE ? AND ${filter.clause}`)
    .all(`%${search}%`, ...filter.params);
}
app.get('/d', (req, res) => res.json(likeRows(scopeOf(req), req.query.q)));
""",
}


def lines(project, marks: str, use: str) -> list[int]:
    code = HEAD % marks + USES[use] + "app.listen(3000);\n"
    root = project({"package.json": PACKAGE, "app.js": code})
    report = check(root, select=["sql-injection"])
    assert not report.failed, report.failed
    return [f.line for f in report.findings]


@pytest.mark.parametrize("use", sorted(USES))
@pytest.mark.parametrize("marks", ["libs.map(() => '?').join(',')",
                                   "libs.map(function () { return '?'; }).join(', ')"])
def test_a_fragment_of_placeholders_is_the_code_s_own_text(project, marks: str,
                                                          use: str) -> None:
    assert lines(project, marks, use) == []


@pytest.mark.parametrize("use", sorted(USES))
@pytest.mark.parametrize("marks", ["libs.map((l) => `'${l.name}'`).join(',')",
                                   "libs.join(',')",
                                   "req.query.libs"])
def test_a_fragment_holding_what_the_request_chose_is_reported(project, marks: str,
                                                               use: str) -> None:
    assert len(lines(project, marks, use)) == 1


def test_a_destructured_field_of_another_shape_is_followed_whole(project) -> None:
    # `params` is text built from the request, destructured beside a constant `clause`.
    code = (HEAD % "libs.map(() => '?').join(',')").replace(
        "params: libs.map((l) => l.id) };", "params: libs.map((l) => l.id), order: req.query.o };")
    code += ("app.get('/e', (req, res) => {\n  const { order } = scopeOf(req);\n"
             "  res.json(db.prepare(`SELECT * FROM tracks ORDER BY ${order}`).all());\n});\n")
    root = project({"package.json": PACKAGE, "app.js": code})
    assert [f.line for f in check(root, select=["sql-injection"]).findings] == [16]


FILTERS = """\
export function libraryFilter(user) {
  const ids = user.libraryIds || [];
  if (ids.length === 0) { return { clause: '1=0', params: [] }; }
  return { clause: `t.library_id IN (${ids.map(() => '?').join(',')})`, params: ids };
}
export function nameFilter(req) {
  return { clause: `t.name = '${req.query.name}'`, params: [] };
}
"""
SEARCH = """\
import express from 'express';
import Database from 'better-sqlite3';
import { %s as pick } from './filters.js';

const db = new Database('music.db');
const router = express.Router();

function likeRows(d, filter, search) {
  return d.prepare(`SELECT * FROM tracks t WHERE t.title LIKE ? AND ${filter.clause}`)
    .all(`%%${search}%%`, ...filter.params);
}
%s
router.get('/search', (req, res) => {
  const filter = pick(req.user);
  %s
  res.json(likeRows(db, filter, req.query.q));
});

export default router;
"""


def module_lines(project, name: str, helper: str = "", call: str = "") -> list[int]:
    pkg = json.loads(PACKAGE) | {"type": "module"}
    root = project({"package.json": json.dumps(pkg), "filters.js": FILTERS,
                    "search.js": SEARCH % (name, helper, call)})
    report = check(root, select=["sql-injection"])
    assert not report.failed, report.failed
    return [f.line for f in report.findings]


def test_a_fragment_another_module_builds_of_placeholders_is_the_code_s_own_text(
        project) -> None:
    assert module_lines(project, "libraryFilter") == []


def test_a_fragment_another_module_builds_from_the_request_is_reported(project) -> None:
    assert module_lines(project, "nameFilter") == [9]


def test_a_function_that_writes_into_the_fragment_it_is_handed_keeps_it_open(
        project) -> None:
    helper = "function narrow(f, extra) {\n  f.clause += ` AND ${extra}`;\n}\n"
    assert module_lines(project, "libraryFilter", helper,
                        "narrow(filter, req.query.extra);") == [9]

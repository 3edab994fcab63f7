"""sql-injection, input-validation and password-hash: behaviour across files and options that
single-file fixtures cannot show."""

from __future__ import annotations

import json

from nodeharden._api import check, fix

EXPRESS = {"name": "app", "dependencies": {"express": "^5.1.0"}}


def _pj(**deps: str) -> str:
    return json.dumps({"name": "app", "dependencies": {"express": "^5.1.0", **deps}})


def _findings(root, rule):
    return [f for f in check(root, select=[rule]).findings if f.rule == rule]


# sql-injection ---------------------------------------------------------------------------

def test_driver_comes_from_the_project_when_the_file_imports_a_local_module(project) -> None:
    root = project({
        "package.json": _pj(pg="^8.16.0"),
        "db.js": "const { Pool } = require('pg');\nmodule.exports = new Pool();\n",
        "users.js": """
            const db = require('./db');
            exports.find = (id, name) => db.query(`SELECT * FROM users WHERE id = ${id} OR name = '${name}'`);
        """,
    })
    result, _ = fix(root, dry_run=True, select=["sql-injection"])
    assert "db.query('SELECT * FROM users WHERE id = $1 OR name = $2', [id, name])" in \
        result.final["users.js"].decode()


def test_two_drivers_in_the_project_means_no_fix(project) -> None:
    root = project({
        "package.json": _pj(pg="^8.16.0", mysql2="^3.15.0"),
        "users.js": "const db = require('./db');\n"
                    "exports.find = (id) => db.query('SELECT * FROM users WHERE id = ' + id);\n",
    })
    [finding] = _findings(root, "sql-injection")
    assert finding.fix is None and "driver could not be determined" in finding.message


def test_sql_variable_used_twice_or_appended_is_reported_without_fix(project) -> None:
    root = project({
        "package.json": _pj(mysql2="^3.15.0"),
        "a.js": """
            const mysql = require('mysql2');
            const db = mysql.createConnection({});
            function twice(id, cb) {
              const sql = 'SELECT * FROM t WHERE id = ' + id;
              console.log(sql);
              db.query(sql, cb);
            }
            function appended(filters, cb) {
              let sql = 'SELECT * FROM t WHERE 1 = 1';
              if (filters.name) sql += " AND name = '" + filters.name + "'";
              db.query(sql, cb);
            }
        """,
    })
    findings = _findings(root, "sql-injection")
    assert [(f.line, f.fix) for f in findings] == [(6, None), (11, None)]
    assert "used more than once" in findings[0].message
    assert "several statements" in findings[1].message


def test_suppression_comment_silences_one_call(project) -> None:
    root = project({
        "package.json": _pj(mysql="^2.18.1"),
        "a.js": """
            const mysql = require('mysql');
            const db = mysql.createConnection({});
            // nodeharden-ignore sql-injection
            db.query('SELECT * FROM t WHERE id = ' + id);
            db.query('SELECT * FROM t WHERE id = ' + other);
        """,
    })
    assert [f.line for f in _findings(root, "sql-injection")] == [5]


# input-validation ------------------------------------------------------------------------

def test_two_route_files_share_one_validate_module(project) -> None:
    root = project({
        "package.json": json.dumps(EXPRESS),
        "src/app.js": """
            const express = require('express');
            const users = require('./routes/users');
            const app = express();
            app.use('/users', users);
            app.get('/ping/:n', (req, res) => res.json({ n: Number(req.params.n) }));
            module.exports = app;
        """,
        "src/routes/users.js": """
            const { Router } = require('express');
            const router = Router();
            router.post('/', (req, res) => res.json({ email: req.body.email.toLowerCase() }));
            router.get('/find', (req, res) => res.json({ q: (req.query.q || '').toUpperCase() }));
            module.exports = router;
        """,
    })
    result, _ = fix(root, dry_run=True, select=["input-validation"], unsafe=True)
    assert sorted(result.changed_paths()) == [
        "package.json", "src/app.js", "src/routes/users.js", "src/validate.js"]
    routes = result.final["src/routes/users.js"].decode()
    assert routes.count("require('express-validator')") == 1
    assert "const { validate } = require('../validate');" in routes
    assert "router.post('/', body('email').isString().isEmail(), validate, (req, res)" in routes
    assert "router.get('/find', query('q').optional({ values: 'falsy' }).isString(), validate," \
        in routes
    app = result.final["src/app.js"].decode()
    assert "require('./validate')" in app and "param('n').isFloat().toFloat()" in app
    pj = json.loads(result.final["package.json"])
    assert pj["dependencies"]["express-validator"].startswith("^7")
    _, outcomes = fix(root, select=["input-validation"], unsafe=True, force=True)
    assert outcomes and all(o.status == "changed" for o in outcomes)
    assert _findings(root, "input-validation") == []


def test_default_exported_handler_in_another_file_and_name_clash(project) -> None:
    root = project({
        "package.json": json.dumps(EXPRESS),
        "app.js": """
            const express = require('express');
            const createNote = require('./create-note');
            const body = 'unused';
            const app = express();
            app.post('/notes', createNote);
        """,
        "create-note.js": """
            module.exports = async function createNote(req, res) {
              res.json({ title: req.body.title.trim(), pages: Number(req.body.pages) });
            };
        """,
    })
    result, _ = fix(root, dry_run=True, select=["input-validation"], unsafe=True)
    app = result.final["app.js"].decode()
    assert "const { body: checkBody } = require('express-validator');" in app
    assert "  checkBody('title').isString().trim(),\n  checkBody('pages').optional().isFloat().toFloat(),\n" \
        "  validate,\n  createNote);" in app


def test_configured_validator_and_app_level_validator_count(project) -> None:
    root = project({
        "package.json": json.dumps(EXPRESS),
        ".nodeharden.yml": "validators: [guard]\n",
        "app.js": """
            const express = require('express');
            const { guard } = require('./guard');
            const app = express();
            app.post('/a', guard('a'), (req, res) => res.json(req.body.a));
            app.post('/b', (req, res) => res.json(req.body.b));
        """,
    })
    assert [f.line for f in _findings(root, "input-validation")] == [5]


def test_trim_is_added_only_when_the_handler_trims(project) -> None:
    root = project({
        "package.json": json.dumps(EXPRESS),
        "app.js": """
            const express = require('express');
            const app = express();
            app.post('/a', (req, res) => {
              const { name, city } = req.body;
              res.json({ name: name.trim(), city: city.toUpperCase(), big: req.body.size === 10 });
            });
        """,
    })
    result, _ = fix(root, dry_run=True, select=["input-validation"], unsafe=True)
    app = result.final["app.js"].decode()
    assert "body('name').isString().trim()," in app
    assert "body('city').isString()," in app
    # `=== 10` compares types: converting with toFloat() would change the answer.
    assert "body('size').optional().isFloat()," in app and "toFloat()" not in app


# password-hash ---------------------------------------------------------------------------

def test_password_findings_name_the_replacement_and_link_owasp(project) -> None:
    root = project({
        "package.json": json.dumps(EXPRESS),
        "a.js": """
            const crypto = require('crypto');
            const h = (password) => crypto.createHash('sha1').update(password).digest('hex');
        """,
    })
    [finding] = _findings(root, "password-hash")
    assert finding.fix is None
    assert "bcrypt (cost >= 12) or argon2id" in finding.message
    assert "https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html" \
        in finding.message

"""input-validation across files: route files share one validate module, a default-exported
handler in another file gets its schema (without clashing with a name already there), configured
and app-level validators count, and trim() is added only where the handler trims."""

from __future__ import annotations

import json

from nodeharden import check, fix

#: These tests are about robustness-only findings too: the option that reports them.
ROBUSTNESS = "input_validation: {robustness: true}\n"


EXPRESS = {"name": "app", "dependencies": {"express": "^5.1.0"}}


def _findings(root, rule):
    return [f for f in check(root, select=[rule]).findings if f.rule == rule]


def test_two_route_files_share_one_validate_module(project) -> None:
    root = project({
        ".nodeharden.yml": ROBUSTNESS, "package.json": json.dumps(EXPRESS),
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
            router.get('/find', (req, res) => res.json({ q: req.query.q.toUpperCase() }));
            module.exports = router;
        """,
    })
    result = fix(root, dry_run=True, select=["input-validation"], unsafe=True).plan
    assert sorted(result.changed_paths()) == [
        "package.json", "src/app.js", "src/routes/users.js", "src/validate.js"]
    routes = result.final["src/routes/users.js"].decode()
    assert routes.count("require('express-validator')") == 1
    assert "const { validate } = require('../validate');" in routes
    assert "router.post('/', body('email').isString().isEmail(), validate, (req, res)" in routes
    assert "router.get('/find', query('q').isString(), validate," in routes
    app = result.final["src/app.js"].decode()
    assert "require('./validate')" in app and "param('n').isFloat().toFloat()" in app
    pj = json.loads(result.final["package.json"])
    assert pj["dependencies"]["express-validator"].startswith("^7")
    outcomes = fix(root, select=["input-validation"], unsafe=True, force=True).written
    assert outcomes and all(o.status == "changed" for o in outcomes)
    assert _findings(root, "input-validation") == []


def test_default_exported_handler_in_another_file_and_name_clash(project) -> None:
    root = project({
        ".nodeharden.yml": ROBUSTNESS, "package.json": json.dumps(EXPRESS),
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
    result = fix(root, dry_run=True, select=["input-validation"], unsafe=True).plan
    app = result.final["app.js"].decode()
    assert "const { body: checkBody } = require('express-validator');" in app
    assert "  checkBody('title').isString().trim(),\n  checkBody('pages').optional().isFloat().toFloat(),\n" \
        "  validate,\n  createNote);" in app


def test_configured_validator_and_app_level_validator_count(project) -> None:
    root = project({
        "package.json": json.dumps(EXPRESS),
        ".nodeharden.yml": "validators: [guard]\n" + ROBUSTNESS,
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
        ".nodeharden.yml": ROBUSTNESS, "package.json": json.dumps(EXPRESS),
        "app.js": """
            const express = require('express');
            const app = express();
            app.post('/a', (req, res) => {
              const { name, city } = req.body;
              res.json({ name: name.trim(), city: city.toUpperCase(), big: req.body.size === 10 });
            });
        """,
    })
    result = fix(root, dry_run=True, select=["input-validation"], unsafe=True).plan
    app = result.final["app.js"].decode()
    assert "body('name').isString().trim()," in app
    assert "body('city').isString()," in app
    # `=== 10` compares types: converting with toFloat() would change the answer.
    assert "body('size').optional().isFloat()," in app and "toFloat()" not in app


def test_a_whole_query_handed_to_a_service_names_the_filter_it_reaches(project) -> None:
    """Issue 14 (field: realworld's GET /articles): req.query goes to a service and on to the
    query builder it calls; the finding names the field that reaches a filter as sent, not
    "uses req.query as a whole", and leaves out what is converted or String()-ed."""
    # Express 4: its extended query parser makes ?tag[contains]= an object (Prisma's operator).
    root = project({
        ".nodeharden.yml": ROBUSTNESS,
        "package.json": json.dumps({"name": "app", "dependencies": {"express": "^4.21.0"}}),
        "app.js": """
            const express = require('express');
            const articles = require('./articles');
            const app = express();
            app.get('/articles', async (req, res) => res.json(await articles.list(req.query)));
            module.exports = app;
        """,
        "articles.js": """
            const prisma = require('./prisma');
            function filters(query) {
              const and = [];
              if ('tag' in query) and.push({ tags: { some: { name: query.tag } } });
              if (query.author) {
                and.push({ author: { username: { equals: String(query.author) } } });
              }
              return and;
            }
            exports.list = (query) => prisma.article.findMany({
              where: { AND: filters(query) },
              take: Number(query.limit) || 20,
            });
        """,
        "prisma.js": "module.exports = {};\n",
    })
    [finding] = _findings(root, "input-validation")
    assert finding.message.startswith(
        "GET /articles reads req.query.tag without validation: req.query.tag put into a query "
        "filter as sent (an object or array there is read as an operator); "), finding.message
    assert finding.fix is None


def test_values_a_followed_service_checks_or_stores_are_not_reported(project) -> None:
    """Issue 14 (field: realworld's POST /users, PUT /user): a body spread into a service that
    answers 422 for blank fields, and optional fields it writes as the ORM's data; the same
    service given a field it hands to a library untested is reported, naming the library."""
    root = project({
        ".nodeharden.yml": ROBUSTNESS, "package.json": json.dumps(EXPRESS),
        "app.js": """
            const express = require('express');
            const users = require('./users');
            const app = express();
            app.use(express.json());
            app.post('/users', async (req, res) => res.json(
              await users.register({ ...req.body.user, demo: false })));
            app.put('/user', async (req, res) => res.json(await users.update(req.body.user)));
            app.post('/tokens', async (req, res) => res.json(await users.sign(req.body.user)));
            module.exports = app;
        """,
        "users.js": """
            const bcrypt = require('bcryptjs');
            const prisma = require('./prisma');
            class HttpError extends Error {
              constructor(status) { super(String(status)); this.status = status; }
            }
            exports.register = async (input) => {
              const email = input.email?.trim();
              if (!email) throw new HttpError(422);
              return prisma.user.create({ data: { email, demo: input.demo } });
            };
            exports.update = async (payload) => {
              const { bio, password } = payload;
              const hashed = password ? await bcrypt.hash(password, 10) : undefined;
              return prisma.user.update({ where: { id: 1 }, data: { ...(bio ? { bio } : {}),
                ...(hashed ? { password: hashed } : {}) } });
            };
            exports.sign = async (user) => bcrypt.hash(user.password, 10);
        """,
        "prisma.js": "module.exports = {};\n",
    })
    [finding] = _findings(root, "input-validation")
    assert finding.message.startswith(
        "POST /tokens reads req.body.user.password without validation: req.body.user.password "
        "passed to bcrypt.hash(); "), finding.message

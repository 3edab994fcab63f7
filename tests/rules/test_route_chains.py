"""Routes registered as ``X.route(path).get(…).post(…)`` are routes of ``X`` like
``X.post(path, …)``: the rules that read routes (input-validation, rate-limit's login routes)
see them, and a finding points at the chain. The rate-limit login fix is checked over real HTTP
in tests/test_login_limiter_e2e.py (the ``route-chain`` app)."""

from __future__ import annotations

from pathlib import Path

from conftest import check_json, write_tree

PACKAGE = ('{"name": "p", "dependencies": {"express": "^4.21.0", "mongoose": "^8.0.0"}}')

MODEL = ("const mongoose = require('mongoose');\n"
         "module.exports = mongoose.model('User', new mongoose.Schema({ email: String }));\n")


def test_handlers_of_a_route_chain_are_read(tmp_path: Path) -> None:
    app = ("const express = require('express');\n"
           "const User = require('./user');\n"
           "const app = express();\n"
           "app.use(express.json());\n"
           "const router = express.Router();\n"
           "router\n"
           "  .route('/login')\n"
           "  .get((req, res) => res.send('form'))\n"
           "  .post(async (req, res) => {\n"
           "    const user = await User.findOne({ email: req.body.email });\n"
           "    res.json({ ok: Boolean(user) });\n"
           "  });\n"
           "app.route('/next').get((req, res) => res.redirect(req.query.to));\n"
           "app.use('/auth', router);\n"
           "app.listen(3000);\n")
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "user.js": MODEL, "app.js": app})
    report = check_json(root, "--select", "input-validation,rate-limit")
    found = {(f["rule"], f["line"], f["message"].split(":")[0]) for f in report["findings"]}
    assert ("input-validation", 10, "[nosql-injection] POST /auth/login") in found \
        or ("input-validation", 10, "[nosql-injection] POST /login") in found, found
    assert any(rule == "input-validation" and line == 13 and "[open-redirect]" in head
               for rule, line, head in found), found
    limit = [f for f in report["findings"] if f["rule"] == "rate-limit"]
    assert len(limit) == 1 and "guess passwords" in limit[0]["message"]


def test_a_route_chain_on_something_else_is_not_read(tmp_path: Path) -> None:
    app = ("const express = require('express');\n"
           "const User = require('./user');\n"
           "const app = express();\n"
           "const table = { route: () => ({ post: () => {} }) };\n"
           "table.route('/login').post(async (req, res) => {\n"
           "  await User.findOne({ email: req.body.email });\n"
           "});\n"
           "app.listen(3000);\n")
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "user.js": MODEL, "app.js": app})
    report = check_json(root, "--select", "input-validation,rate-limit")
    assert not [f for f in report["findings"] if f["rule"] == "input-validation"], report
    limit = [f for f in report["findings"] if f["rule"] == "rate-limit"]
    assert len(limit) == 1 and "guess passwords" not in limit[0]["message"]


def _fixed(root: Path, *rules: str) -> str:
    from nodeharden import fix

    report = fix(root, select=list(rules), unsafe=True)
    assert report.plan.applied, report
    return (root / "app.js").read_text()


def test_the_app_wide_limiter_goes_before_a_chain_that_starts_with_cors(tmp_path: Path) -> None:
    app = ("const express = require('express');\n"
           "const cors = require('cors');\n"
           "const app = express();\n"
           "app.route('/api/items')\n"
           "  .options(cors())\n"
           "  .post((req, res) => res.json({ n: 1 }));\n"
           "app.listen(3000);\n")
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "app.js": app})
    fixed = _fixed(root, "rate-limit")
    assert fixed.index("app.use(rateLimiter);") < fixed.index("app.route('/api/items')")


def test_a_chain_all_middleware_is_not_the_login_route(tmp_path: Path) -> None:
    app = ("const express = require('express');\n"
           "const app = express();\n"
           "app.use(express.urlencoded({ extended: false }));\n"
           "const requireGuest = (req, res, next) => next();\n"
           "app\n"
           "  .route('/login')\n"
           "  .all(requireGuest)\n"
           "  .get((req, res) => res.send('form'))\n"
           "  .post(\n"
           "    (req, res) => {\n"
           "      res.status(401).json({ error: 'invalid credentials' });\n"
           "    },\n"
           "  );\n"
           "app.listen(3000);\n")
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "app.js": app})
    fixed = _fixed(root, "rate-limit")
    assert ".all(requireGuest)" in fixed and ".get((req, res)" in fixed
    assert "  .post(\n    loginLimiter,\n    (req, res) => {\n" in fixed


def test_the_mongo_sanitizer_covers_every_method_of_a_chain(tmp_path: Path) -> None:
    pj = ('{"name": "p", "dependencies": {"express": "^4.21.0", "mongoose": "^8.0.0", '
          '"express-mongo-sanitize": "^2.2.0"}}')
    app = ("const express = require('express');\n"
           "const mongoSanitize = require('express-mongo-sanitize');\n"
           "const User = require('./user');\n"
           "const app = express();\n"
           "app.use(express.json());\n"
           "app.use(mongoSanitize());\n"
           "app.route('/users')\n"
           "  .get(async (req, res) => { res.json(await User.find({ email: req.query.email })); })\n"
           "  .post(async (req, res) => { res.json(await User.find({ email: req.body.email })); });\n"
           "app.listen(3000);\n")
    root = write_tree(tmp_path / "p", {"package.json": pj, "user.js": MODEL, "app.js": app})
    report = check_json(root, "--select", "input-validation")
    assert not [f for f in report["findings"] if "nosql-injection" in f["message"]], report


def test_a_chain_route_finding_points_at_its_method(tmp_path: Path) -> None:
    app = ("const express = require('express');\n"
           "const User = require('./user');\n"
           "const app = express();\n"
           "app.use(express.json());\n"
           "app.route('/users/:id')\n"
           "  .get(async (req, res) => res.json(await User.findById(req.params.id)))\n"
           "  // nodeharden-ignore input-validation\n"
           "  .put(async (req, res) => res.json(await User.updateOne({}, req.body)))\n"
           "  .patch(async (req, res) => res.json(await User.updateOne({}, req.body)));\n"
           "app.listen(3000);\n")
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "user.js": MODEL, "app.js": app})
    report = check_json(root, "--select", "input-validation")
    massed = [(f["line"], f["column"]) for f in report["findings"]
              if "[mass-assignment]" in f["message"]]
    assert massed == [(9, 4)], report["findings"]

"""input-validation in the project's own middlewares of a route chain: a middleware before the
handler (a name, a member of an imported object, one handed on by an index module, an element of
an array) runs with the same request, so a filter built there from a body field as sent is an
operator injection too. Only what runs before the middleware counts as its validation; a shared
middleware is reported once, at its sink, with no fix."""

from __future__ import annotations

import json

from nodeharden import check, fix

PKG = {"name": "shop", "dependencies": {"express": "^4.19.2", "mongoose": "^8.4.0",
                                        "express-validator": "^7.1.0"}}

MODEL = """
    const mongoose = require('mongoose');
    module.exports = mongoose.model('Member', new mongoose.Schema({ nick: String, mail: String }));
"""

#: A guard module whose first middleware looks a member up by two body fields as sent.
GUARDS = """
    const Member = require('../models/member');

    const refuseTaken = (req, res, next) => {
      Member.findOne({ nick: req.body.nick }).then((byNick) => {
        if (byNick) return res.status(409).send({ message: 'nick in use' });
        Member.findOne({ mail: req.body.mail }).then((byMail) => {
          if (byMail) return res.status(409).send({ message: 'mail in use' });
          next();
        });
      });
    };

    function knownPlan(req, res, next) {
      if (req.body.plan && !['free', 'pro'].includes(req.body.plan)) {
        return res.status(400).send({ message: 'no such plan' });
      }
      next();
    }

    module.exports = { refuseTaken, knownPlan };
"""

INDEX = """
    const signup = require('./signup');
    const tokens = require('./tokens');
    module.exports = { signup, tokens };
"""

TOKENS = """
    module.exports.needToken = (req, res, next) => (req.headers.authorization ? next()
      : res.status(401).end());
"""


def _iv(root):
    return [f for f in check(root, select=["input-validation"]).findings
            if f.rule == "input-validation"]


def _app(project, routes: str, extra: dict[str, str] | None = None):
    return project({
        "package.json": json.dumps(PKG),
        "src/models/member.js": MODEL,
        "src/guards/signup.js": GUARDS,
        "src/guards/tokens.js": TOKENS,
        "src/guards/index.js": INDEX,
        "src/app.js": """
            const express = require('express');
            const { body } = require('express-validator');
            const { signup, tokens } = require('./guards');
            const app = express();
            app.use(express.json());
        """ + routes + """
            module.exports = app;
        """,
        **(extra or {}),
    })


def test_middleware_in_an_array_through_an_index_module(project) -> None:
    root = _app(project, """
        app.post('/join', [signup.refuseTaken, signup.knownPlan],
          (req, res) => res.status(201).send({ ok: true }));
    """)
    found = _iv(root)
    assert [(f.path, f.line) for f in found] == [("src/guards/signup.js", 4),
                                                ("src/guards/signup.js", 6)]
    first = found[0]
    assert first.message.startswith(
        "[nosql-injection] POST /join (in its middleware signup.refuseTaken): req.body.nick "
        "reaches Member.findOne() unconverted as a MongoDB query")
    assert "req.body.mail" in found[1].message
    assert all(f.fix is None for f in found)
    # the fix writes nothing for a middleware's sink
    plan = fix(root, dry_run=True, select=["input-validation"], unsafe=True).plan
    assert "src/guards/signup.js" not in plan.changed_paths()


def test_shared_middleware_reported_once_naming_a_route(project) -> None:
    root = _app(project, """
        app.post('/join', signup.refuseTaken, (req, res) => res.send({ ok: 1 }));
        app.put('/profile', tokens.needToken, signup.refuseTaken, (req, res) => res.send({}));
    """)
    found = _iv(root)
    assert [(f.path, f.line) for f in found] == [("src/guards/signup.js", 4),
                                                ("src/guards/signup.js", 6)]
    assert all("POST /join (in its middleware signup.refuseTaken)" in f.message for f in found)


def test_validator_before_the_middleware_counts(project) -> None:
    root = _app(project, """
        const { validationResult } = require('express-validator');
        const answer = (req, res, next) => {
          const errors = validationResult(req);
          if (!errors.isEmpty()) return res.status(400).send({ errors: errors.array() });
          next();
        };
        app.post('/join', body('nick').isAlphanumeric(), body('mail').isEmail(), answer,
          signup.refuseTaken, (req, res) => res.send({ ok: 1 }));
    """)
    assert _iv(root) == []


def test_validator_after_the_middleware_does_not_count(project) -> None:
    root = _app(project, """
        const { validationResult } = require('express-validator');
        const answer = (req, res, next) => {
          const errors = validationResult(req);
          if (!errors.isEmpty()) return res.status(400).send({ errors: errors.array() });
          next();
        };
        app.post('/join', body('nick').isAlphanumeric(), answer, signup.refuseTaken,
          body('mail').isEmail(), answer, (req, res) => res.send({ ok: 1 }));
    """)
    found = _iv(root)
    # nick is pinned before the middleware runs; mail is checked only after it
    assert [(f.path, f.line) for f in found] == [("src/guards/signup.js", 6)]
    assert "req.body.mail" in found[0].message


def test_whole_body_saved_in_a_middleware(project) -> None:
    root = _app(project, """
        const Member = require('./models/member');
        function keepDraft(req, res, next) {
          new Member(req.body).save().then(() => next());
        }
        app.post('/draft', keepDraft, (req, res) => res.send({ ok: 1 }));
        app.post('/checked', body('nick').isString(), keepDraft, (req, res) => res.send({}));
    """)
    found = _iv(root)
    assert len(found) == 1 and found[0].path == "src/app.js" and found[0].fix is None
    assert found[0].message.startswith(
        "[mass-assignment] POST /draft (in its middleware keepDraft): req.body reaches "
        "new Member() as a whole")


def test_packages_and_harmless_middlewares_give_nothing(project) -> None:
    root = _app(project, """
        const cors = require('cors');
        const passport = require('passport');
        const stamp = (req, res, next) => { req.seenAt = Date.now(); next(); };
        app.get('/me', cors(), passport.authenticate('jwt'), tokens.needToken, stamp,
          (req, res) => res.send({ at: req.seenAt }));
        app.post('/plan', signup.knownPlan, (req, res) => res.send({ ok: 1 }));
    """)
    assert _iv(root) == []


def test_inline_middleware_and_error_handler_in_chain(project) -> None:
    root = _app(project, """
        const Member = require('./models/member');
        app.post('/seek', (req, res, next) => {
          Member.exists({ mail: req.body.mail }).then((hit) => (hit ? next()
            : res.status(404).end()));
        }, (req, res) => res.send({ ok: 1 }));
    """)
    found = _iv(root)
    assert [(f.path, f.line) for f in found] == [("src/app.js", 9)]
    assert found[0].message.startswith(
        "[nosql-injection] POST /seek (in a middleware of the route): req.body.mail")


def test_sloppy_global_middleware_handed_on_in_an_object(project) -> None:
    root = _app(project, """
        app.post('/sub', [signup.onList], (req, res) => res.send({ ok: 1 }));
    """, {"src/guards/signup.js": """
        const Member = require('../models/member');

        onList = (req, res, next) => {
          Member.countDocuments({ mail: req.query.mail }).then((n) => (n ? next()
            : res.status(404).end()));
        };

        const signup = { onList };
        module.exports = signup;
    """})
    found = _iv(root)
    assert [(f.path, f.line) for f in found] == [("src/guards/signup.js", 4)]
    assert "POST /sub (in its middleware signup.onList): req.query.mail" in found[0].message

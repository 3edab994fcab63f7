"""input-validation drops a ``[nosql-injection]`` finding on a field an express-validator chain
checks with a validator of ``_validation_sinks.PINNING`` (or ``isLength`` with a small max,
``isIn`` of literals, ``matches`` of a pattern "[object Object]" does not match) once its
errors end the request. These tests hold that list to the real library, versions 6 and 7
(both are in use): no object and no array holding one passes such a validator or comes out of
such a sanitizer as an object; what the rule keeps reporting (``notEmpty``, ``isLength`` with
only a minimum, ``not()``) lets ``{"$ne": null}`` through. (An ``optional()`` chain stays
reported too, as a choice: it rejects an object, but lets a missing value reach the filter.)"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import have_node, npm_install, write_tree

from nodeharden._api import check
from nodeharden.rules._validation_sinks import OBJECT_TEXT, PINNING

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not have_node(), reason="needs node and npm")]

#: Values a client can send in a JSON body or a query string that MongoDB reads as operators,
#: and arrays holding them (version 6 tests only an array's first item).
ATTACKS = [{"$ne": None}, {"$gt": ""}, {"$regex": ".*"}, {"toString": "a@b.co"}, {"0": "1"},
           [{"$ne": None}], [[{"$ne": None}]]]

SCRIPT = r"""
const ev = require('express-validator');
const [steps, values] = JSON.parse(process.argv[1]);
const operator = (v) => v !== null && typeof v === 'object' &&
  (Array.isArray(v) ? v.some(operator) : true);
(async () => {
  const out = {};
  for (const [name, args] of steps) {
    out[name] = [];
    for (const value of values) {
      const req = { body: { x: JSON.parse(JSON.stringify(value)) } };
      let chain = ev.check('x');
      for (const [method, margs] of args) chain = chain[method](...margs);
      await chain.run(req);
      const passed = ev.validationResult(req).isEmpty();
      // What reaches the query when the request goes on: an operator object only if it passed
      // and is still an object (an array of plain values is a list, never an operator).
      out[name].push({ passed, operator: passed && operator(req.body.x) });
    }
  }
  console.log(JSON.stringify(out));
})();
"""


def _matches(pattern: str, flags: str = "") -> list:
    return [["matches", [pattern, flags]]]


#: name -> the chain steps: every PINNING step alone, and the argument-bound ones the rule counts.
PINNED_STEPS = {name: [[name, []]] for name in sorted(PINNING)} | {
    "isLength max 14": [["isLength", [{"min": 1, "max": 14}]]],
    "isIn literals": [["isIn", [["admin", "user"]]]],
    "matches word": _matches(r"^\w+$"),
    "isEmail then normalizeEmail": [["isEmail", []], ["normalizeEmail", []]],
}
#: Chains the rule keeps reporting: each lets an operator object through.
OPEN_STEPS = {
    "notEmpty": [["notEmpty", []]],
    "exists": [["exists", []]],
    "isLength min only": [["isLength", [{"min": 6}]]],
    "isLength max 15": [["isLength", [{"max": 15}]]],
    "matches anything": _matches("^.+$"),
    "not isEmail": [["not", []], ["isEmail", []]],
}


@pytest.fixture(scope="module", params=["6", "7"])
def installed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp(f"ev{request.param}")
    write_tree(base, {"package.json": json.dumps({"name": "ev", "private": True})})
    npm_install(base, f"express-validator@{request.param}")
    return base


def _run(base: Path, steps: dict[str, list], values: list) -> dict[str, list[dict]]:
    """Run each chain on each value (every value is present, so optional() runs the rest)."""
    argv = json.dumps([[[name, chain] for name, chain in steps.items()], values])
    proc = subprocess.run(["node", "-e", SCRIPT, argv], cwd=base, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_pinning_steps_keep_operator_objects_out(installed: Path) -> None:
    results = _run(installed, PINNED_STEPS, ATTACKS + ["a@b.co"])
    leaks = {name: [ATTACKS[i] for i, r in enumerate(rows[:-1]) if r["operator"]]
             for name, rows in results.items()}
    assert not any(leaks.values()), leaks
    # Not a list that rejects everything: a plain string still gets through the validators
    # that accept it.
    assert results["isString"][-1]["passed"] and results["isEmail"][-1]["passed"]


def test_what_stays_reported_lets_an_operator_through(installed: Path) -> None:
    results = _run(installed, OPEN_STEPS, ATTACKS)
    assert all(any(r["operator"] for r in rows) for rows in results.values()), results


def test_express_validator_tests_an_object_as_object_text(installed: Path) -> None:
    """The constant the rule reasons with is what the library makes of an object."""
    proc = subprocess.run(["node", "-e", """
const ev = require('express-validator');
const req = { body: { x: { $ne: null } } };
ev.body('x').trim().run(req).then(() => console.log(JSON.stringify(req.body.x)));
"""], cwd=installed, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == OBJECT_TEXT


def test_a_route_with_a_pinned_field_answers_400_before_the_query(
        installed: Path, tmp_path: Path) -> None:
    """The reviewer's experiment on the shape the rule no longer reports: a real express app
    (the rule's check says no [nosql-injection]) whose model records each filter it is given;
    ``{"$gt": ""}`` and ``[{"$ne": null}]`` as the email get 400 and never reach it."""
    npm_install(installed, "express@4")
    app = tmp_path / "app"
    write_tree(app, {
        "package.json": json.dumps({"name": "app", "dependencies": {
            "express": "^4.21.0", "express-validator": "*", "mongoose": "^8.0.0"}}),
        "models.js": "const seen = [];\n"
                     "module.exports = { seen, User: { findOne: async (f) => { seen.push(f);"
                     " return null; } } };\n",
        "app.js": """const express = require('express');
const { check, validationResult } = require('express-validator');
const { User, seen } = require('./models');

const app = express();
app.use(express.json());

app.post('/login', check('email', 'Please include a valid email').isEmail(), async (req, res) => {
  const errors = validationResult(req);
  if (!errors.isEmpty()) {
    return res.status(400).json({ errors: errors.array() });
  }
  const { email } = req.body;
  const user = await User.findOne({ email });
  res.json({ ok: Boolean(user) });
});
app.get('/seen', (req, res) => res.json(seen));

module.exports = app;
""",
        "client.js": """const app = require('./app');
const server = app.listen(0, '127.0.0.1', async () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  const out = [];
  for (const email of [{ $gt: '' }, [{ $ne: null }], 'a@b.co']) {
    const r = await fetch(`${base}/login`, { method: 'POST',
      headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
    out.push(r.status);
  }
  out.push(await (await fetch(`${base}/seen`)).json());
  console.log(JSON.stringify(out));
  server.close();
});
""",
    })
    findings = [f for f in check(app, select=["input-validation"]).findings
                if f.message.startswith("[nosql-injection]")]
    assert findings == []
    (app / "node_modules").symlink_to(installed / "node_modules")
    proc = subprocess.run(["node", "client.js"], cwd=app, capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [400, 400, 200, [{"email": "a@b.co"}]]

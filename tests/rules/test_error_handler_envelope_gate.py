"""error-handler: a catch that replaces every error without the app's envelope field by a
constant envelope before sending it (``if (!error.error) error = { error: { message: 'Internal
error', code: 500 } }; res.status(error.error.code).json(error)``) sends only the envelopes the
app rejects with. Credited only when the project proves the field is its own: it rejects or
throws objects with that field, every one of constant text, nothing hangs the field on an error,
and neither libraries in general nor a dependency's errors carry it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli, write_tree

PACKAGE = '{"name": "p", "dependencies": {"express": "^4.21.0"}}'

STORE = ("const rows = new Map()\n"
         "exports.load = function (id) {\n"
         "  if (!rows.has(id)) {\n"
         "    return Promise.reject({\n"
         "      error: { message: 'Thing not found', code: 404, title: 'Not Found' }\n"
         "    })\n"
         "  }\n"
         "  return Promise.resolve(rows.get(id))\n"
         "}\n")

GATE = ("if (!error.error) {\n"
        "      error = { error: { message: 'Internal error', code: 500, title: 'Internal' } }\n"
        "    }\n")


def app_js(catch_body: str, head: str = "") -> str:
    return ("const express = require('express')\n"
            "const store = require('./store')\n"
            "const app = express()\n"
            f"{head}"
            "app.get('/things/:id', function (req, res) {\n"
            "  store.load(req.params.id)\n"
            "    .then(function (thing) { res.json(thing) })\n"
            "    .catch(function (error) {\n"
            "      console.error('load failed: ' + error)\n"
            f"      {catch_body}\n"
            "    })\n"
            "})\n"
            "app.use(function (err, req, res, next) {\n"
            "  console.error(err)\n"
            "  res.status(500).json({ message: 'Internal error' })\n"
            "})\n"
            "module.exports = app\n")


SEND = "res.status(error.error.code).json(error)"


def reported(tmp_path: Path, app: str, store: str = STORE, package: str = PACKAGE) -> bool:
    root = write_tree(tmp_path / "p", {"package.json": package, "store.js": store,
                                       "app.js": app})
    done = run_cli("check", root, "--format", "json", "--exit-zero", "--select",
                   "error-handler")
    assert done.returncode == 0, done.stderr
    line = 1 + next(at for at, row in enumerate(app.splitlines()) if ".json(error)" in row)
    return any(f["path"] == "app.js" and f["line"] == line
               and "the whole error object" in f["message"]
               for f in json.loads(done.stdout)["findings"])


def test_the_send_without_the_gate_is_reported(tmp_path: Path) -> None:
    assert reported(tmp_path, app_js(SEND))


@pytest.mark.parametrize("gate", [
    GATE,
    GATE.replace("!error.error", "!error.error || error.error.code !== 404"),
    GATE.replace("!error.error", "error.error.code >= 500 || !error.error"),
    "if (!(error.error)) error = { error: { message: 'Internal error', code: 500 } }\n",
])
def test_a_constant_envelope_for_every_other_error_is_credited(tmp_path: Path,
                                                               gate: str) -> None:
    assert not reported(tmp_path, app_js(gate + "      " + SEND))


def test_what_the_app_hangs_on_the_response_does_not_count(tmp_path: Path) -> None:
    head = ("app.use(function (req, res, next) { res.locals.error = req.query.e; next() })\n")
    assert not reported(tmp_path, app_js(GATE + "      " + SEND, head))


@pytest.mark.parametrize("catch_body", [
    # the send comes before the gate
    SEND + "\n      " + GATE,
    # the error is replaced by something else after the gate
    GATE + "      if (error.error.code === 404) error = error.cause\n      " + SEND,
    # the envelope carries the error's own text
    GATE.replace("'Internal error'", "error.message") + "      " + SEND,
    # both must hold for the replacement: errors without the field may pass
    GATE.replace("!error.error", "!error.error && error.code") + "      " + SEND,
    # an else branch: not every error without the field is replaced
    GATE.rstrip() + " else { console.log('app error') }\n      " + SEND,
    # a gate on a field library errors carry
    GATE.replace("!error.error", "!error.code") + "      " + SEND,
    # a gate on a field that is not the envelope's
    GATE.replace("!error.error", "!error.failure") + "      " + SEND,
])
def test_gates_that_let_other_errors_through_are_reported(tmp_path: Path,
                                                         catch_body: str) -> None:
    assert reported(tmp_path, app_js(catch_body))


@pytest.mark.parametrize("store", [
    # the app wraps another error in its envelope
    STORE.replace("return Promise.reject({", "return lookup(id).catch((e) => Promise.reject({"
                  "\n      error: e }))\n    return Promise.reject({"),
    # an envelope of text it did not write
    STORE.replace("'Thing not found'", "'Thing ' + id + ' not found: ' + String(rows.size)")
    .replace("message: 'Thing", "message: describe(id), text: 'Thing"),
    # the field is hung on an error by hand
    STORE + "exports.wrap = function (e, cause) { e.error = cause; return e }\n",
    # the field comes from a shorthand property: any value
    STORE + "exports.fail = function (error) { throw { error } }\n",
    # no envelope is ever raised: the field is nobody's
    "exports.load = function (id) { return Promise.resolve({ id }) }\n",
    # wrapped through a callback, a variable, Object.assign, a spread
    STORE + "exports.viaCallback = function (cb) { lookup((e) => cb({ error: e })) }\n",
    STORE + "exports.viaVariable = function (e) {\n"
    "  const envelope = { error: e }; throw envelope\n}\n",
    STORE + "exports.viaAssign = function (e) {\n"
    "  throw Object.assign(new Error('x'), { error: e })\n}\n",
    STORE + "exports.viaSpread = function (e) {\n"
    "  return Promise.reject({ ...e, error: { message: 'Failed', code: 500 } })\n}\n",
    # the field put on a value by a class field, a subscript, defineProperty
    STORE + "class Wrapped extends Error { error = this.cause }\nexports.Wrapped = Wrapped\n",
    STORE + "exports.tag = function (e, cause) { e['error'] = cause; return e }\n",
    STORE + "exports.tag = function (e, c) { Object.defineProperty(e, 'error', { value: c }) }\n",
    # a helper building the envelope from what its callers pass: one passes an error's text
    STORE + "function failure(message) { return { error: { message, code: 500 } } }\n"
    "exports.save = function (e) { return Promise.reject(failure(e.message)) }\n",
    # the same helper exported: its callers are unknown
    STORE + "function failure(message) { return { error: { message, code: 500 } } }\n"
    "exports.failure = failure\n",
    # a value from outside thrown as it came (an upstream body, a library's result)
    STORE + "exports.fetchIt = async function (r) { throw JSON.parse(await r.text()) }\n",
    STORE + "exports.viaBody = function (e) { return Promise.reject(e.response.body) }\n",
    STORE + "exports.viaResult = function (result) { if (result.error) throw result }\n",
    # the field as a getter, a method, a computed key or a Reflect.set
    STORE + "class Failure extends Error { get error() { return this.cause } }\n"
    "exports.Failure = Failure\n",
    STORE + "const FIELD = 'error'\nexports.wrap = function (e) { throw { [FIELD]: e } }\n",
    STORE + "exports.tag = function (e, c) { Reflect.set(e, 'error', c); return e }\n",
])
def test_envelopes_the_project_does_not_prove_its_own_are_reported(tmp_path: Path,
                                                                   store: str) -> None:
    assert reported(tmp_path, app_js(GATE + "      " + SEND), store)


@pytest.mark.parametrize("dependency", ['"request-promise": "^4.2.6"', '"openai": "^4.0.0"',
                                        '"@google-cloud/storage": "^7.0.0"',
                                        '"ollama": "^0.5.0"'])
def test_a_dependency_whose_errors_carry_the_field_is_reported(tmp_path: Path,
                                                              dependency: str) -> None:
    package = f'{{"name": "p", "dependencies": {{"express": "^4.21.0", {dependency}}}}}'
    assert reported(tmp_path, app_js(GATE + "      " + SEND), package=package)


def test_a_typescript_parameter_property_is_a_write(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root).mkdir()
    (root / "failure.ts").write_text(
        "export class Failure extends Error {\n"
        "  constructor(public status: number, public error: unknown) { super('failed') }\n"
        "}\n")
    assert reported(tmp_path, app_js(GATE + "      " + SEND))


def test_a_package_folders_dependency_counts_too(tmp_path: Path) -> None:
    (tmp_path / "p" / "server").mkdir(parents=True)
    (tmp_path / "p" / "server" / "package.json").write_text(
        '{"name": "s", "dependencies": {"request-promise": "^4.2.6"}}')
    assert reported(tmp_path, app_js(GATE + "      " + SEND))


def test_a_helper_building_the_envelope_from_its_callers_text_is_credited(
        tmp_path: Path) -> None:
    store = ("function notFound(message) {\n"
             "  return { error: { message, code: 404, title: 'Not Found' } }\n"
             "}\n"
             "exports.load = function (id) {\n"
             "  return id ? Promise.resolve({ id }) : Promise.reject(notFound('No such thing'))\n"
             "}\n")
    assert not reported(tmp_path, app_js(GATE + "      " + SEND), store)


@pytest.mark.parametrize("after_gate", [
    # a callback's own parameter of the same name is sent
    "require('fs').unlink('/tmp/x', (error) => res.status(500).json(error))",
    # the value is changed after the gate
    "Object.assign(error, { cause: new Error('db down') })\n      " + SEND,
    "error.error.details = String(error.stack)\n      " + SEND,
    "const out = error\n      out.error.details = String(error.stack)\n      " + SEND,
    # a block declares the name again
    "{\n        const error = new Error('other')\n        res.status(500).json(error)\n      }",
])
def test_what_is_sent_after_the_gate_must_be_the_replaced_value(tmp_path: Path,
                                                                after_gate: str) -> None:
    assert reported(tmp_path, app_js(GATE + "      " + after_gate))

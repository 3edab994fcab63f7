"""error-handler does not report an error object given to ``res.end``/``res.write``: Node
accepts only a string, a Buffer or a Uint8Array there and throws ERR_INVALID_ARG_TYPE on
anything else, so nothing of the error is sent. A text made from the error (``String(err)``,
``err.message``, ``err.stack``) is sent, and ``res.send(err)`` sends the error's JSON."""

from __future__ import annotations

from nodeharden import check

from conftest import each_place

PACKAGE = '{"name": "a", "dependencies": {"express": "^4.21.0"}}'

APP = """const express = require('express');
const report = require('./report');

const app = express();

app.get('/a', async (req, res) => {
  try {
    res.end(await report.text());
  } catch (e) {
    res.status(500).end(e);
  }
});

app.get('/b', async (req, res) => {
  try {
    res.end(await report.text());
  } catch (e) {
    res.statusCode = 500;
    res.write({ failure: e });
    res.end();
  }
});

app.get('/c', async (req, res) => {
  try {
    res.end(await report.text());
  } catch (e) {
    res.status(500).end(String(e));
  }
});

app.get('/d', async (req, res) => {
  try {
    res.end(await report.text());
  } catch (e) {
    res.status(500).end(e.stack);
  }
});

app.get('/e', async (req, res) => {
  try {
    res.end(await report.text());
  } catch (e) {
    res.status(500).send(e);
  }
});

app.use((err, req, res, next) => {
  res.status(500).end(err);
});

module.exports = app;
"""


def test_error_object_given_to_end_or_write_is_no_leak(project) -> None:
    root = project({"package.json": PACKAGE, "app.js": APP,
                    "report.js": "module.exports = { text: async () => 'ok' };\n"})
    report = check(root, select=["error-handler"])
    assert report.failed == []
    found = sorted((f.line, f.message.split(" (")[0]) for f in each_place(report.findings)
                   if f.path == "app.js" and "is sent to the client" in f.message)
    # /a, /b and the final handler give end/write an object: they throw, nothing is sent.
    assert found == [(28, "the error message"), (36, "the stack trace"),
                     (44, "the whole error object")]


def test_an_error_stringified_as_json_is_the_whole_error(project) -> None:
    # Ride The Lightning's final handler: `res.status(400).send(JSON.stringify(err))` sends
    # what `res.json(err)` sends (every field of the error, a request body parser's `body`).
    app = APP.replace("res.status(500).end(err);", "res.status(400).send(JSON.stringify(err));")
    root = project({"package.json": PACKAGE, "app.js": app,
                    "report.js": "module.exports = { text: async () => 'ok' };\n"})
    found = sorted((f.line, f.message.split(" (")[0]) for f in each_place(each_place(check(
        root, select=["error-handler"]).findings))
        if f.path == "app.js" and "is sent to the client" in f.message)
    assert (49, "the whole error object") in found, found

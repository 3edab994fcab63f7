"""error-handler: an answer object the handler also hands to a logger is still followed to the
response (held-out sample 40: DrizzleExpress-API's handler logs `{ ...errorPayload, id }` and
then sends `errorPayload`, stack included, to every client). A logger reads what it is given
and takes no key out of it; a call of anything else may change the object, so the handler is
then not judged, as before."""

from __future__ import annotations

import pytest

from nodeharden import check

PACKAGE = '{"name": "p", "dependencies": {"express": "^4.18.2"}}'

HANDLER = """\
const express = require('express');
const logger = require('./logger');
const app = express();
app.use(express.json());
app.post('/items', (req, res) => res.json(req.body));
app.use((error, req, res, next) => {
  let status = 500;
  const errorPayload = {
    type: error.name,
    stack: error.stack || null,
  };
  if (error.name === 'ValidationError') {
    status = 422;
  }
  USE
  return res.status(status).json(errorPayload);
});
app.listen(3000);
"""


@pytest.mark.parametrize(("use", "reported"), [
    ("logger.warning(`failed ${req.method}`, { ...errorPayload, id: req.id });", True),
    ("logger.error('failed', errorPayload);", True),
    ("console.log({ payload: errorPayload });", True),
    ("redact(errorPayload);", False),  # may take the stack out: not followed
    ("delete errorPayload.stack;", False),
])
def test_a_logged_payload_is_still_the_answer(project, use: str, reported: bool) -> None:
    root = project({"package.json": PACKAGE, "logger.js": "module.exports = console;\n",
                    "app.js": HANDLER.replace("USE", use)})
    findings = [f for f in check(root, select=["error-handler"]).findings
                if "stack trace" in f.message]
    assert [(f.path, f.line) for f in findings] == ([("app.js", 10)] if reported else [])

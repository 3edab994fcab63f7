"""error-handler: lessons of held-out sample 19.

- An app whose host setting defaults to loopback (`cfg.host || 'localhost'`) serves its
  operators: an error's message there is a note without a fix, for the app file and the
  routers only it mounts. An app on every interface, a host pinned to `'127.0.0.1'` (tests,
  apps behind a reverse proxy) and an app that trusts a proxy keep the warning and its fix.
- The final handler the fix adds logs with the project's own logger module when the app file
  has none but the project's other files import one and call ``.error`` on it.
- A per-route fix adds no log line when the catch already logs ``err.stack || err`` chains.
- ``if (e instanceof A || e instanceof B)`` narrows to both classes; the proof that a class is
  only a 4xx ignores unread files that merely contain a longer name or the word ``index``.
- A four-parameter handler that ends with ``next(err)`` is not a final handler.
- ``let copy = { ...err }; copy.message = err.message`` sends the error's own message.
"""

from __future__ import annotations

from pathlib import Path

from conftest import KEPT_4XX_HANDLER_APP

from nodeharden._api import check, fix

PACKAGE = '{"name": "svc", "dependencies": {"express": "^4.21.0"}}'


def _write(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text(PACKAGE)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return root


def _findings(root: Path) -> list:
    return [f for f in check(root, select=["error-handler"]).findings
            if "answers 5xx to every error" not in f.message]


CONTROL_API = """\
const express = require('express');

module.exports = function start(settings) {
  settings.bind = settings.bind || HOST;
  const server = express();
  server.use(express.json());
  server.use('/jobs', require('./jobs')());
  server.use((problem, req, res, next) => {
    res.status(500).send(problem.message);
  });
  const { port, bind } = settings;
  server.listen(port, bind, () => {});
};
"""

JOBS = """\
const express = require('express');

module.exports = function jobs() {
  const router = express.Router();
  router.post('/', (req, res) => {
    Promise.resolve()
      .then(() => { throw new Error('queue name taken'); })
      .catch((failure) => res.status(500).send(failure.message));
  });
  return router;
};
"""


def test_a_loopback_only_api_gets_notes_without_fixes(tmp_path: Path) -> None:
    root = _write(tmp_path / "a", {"control.js": CONTROL_API.replace("HOST", "'127.0.0.1'"),
                                   "jobs.js": JOBS})
    found = {(f.path, f.severity, f.fix is None) for f in _findings(root)}
    assert found == {("control.js", "note", True), ("jobs.js", "note", True)}, found
    assert fix(root, dry_run=True, select=["error-handler"], unsafe=True) \
        .plan.changed_paths() == []


def test_an_api_on_every_interface_keeps_its_warnings(tmp_path: Path) -> None:
    root = _write(tmp_path / "b", {"control.js": CONTROL_API.replace("HOST", "'0.0.0.0'"),
                                   "jobs.js": JOBS})
    found = {(f.path, f.severity) for f in _findings(root)}
    assert found == {("control.js", "warning"), ("jobs.js", "warning")}, found
    # A host pinned to loopback (a test's server, an app a reverse proxy serves) is no
    # operator's setting: warnings, and a fix.
    pinned = CONTROL_API.replace("settings.bind || HOST", "'127.0.0.1'")
    root = _write(tmp_path / "p", {"control.js": pinned, "jobs.js": JOBS})
    found = {(f.path, f.severity) for f in _findings(root)}
    assert found == {("control.js", "warning"), ("jobs.js", "warning")}, found
    # So is a loopback default behind a proxy the app trusts.
    proxied = CONTROL_API.replace("HOST", "'localhost'").replace(
        "  server.use(express.json());\n",
        "  server.set('trust proxy', 1);\n  server.use(express.json());\n")
    root = _write(tmp_path / "q", {"control.js": proxied, "jobs.js": JOBS})
    assert {f.severity for f in _findings(root)} == {"warning"}
    # The same router also mounted by a public app: its messages reach the public.
    public = ("const express = require('express');\nconst app = express();\n"
              "app.use('/jobs', require('./jobs')());\napp.listen(8080);\n")
    root = _write(tmp_path / "c", {"control.js": CONTROL_API.replace("HOST", "'localhost'"),
                                   "jobs.js": JOBS, "public.js": public})
    severities = {f.path: f.severity for f in _findings(root) if f.path == "jobs.js"}
    assert severities == {"jobs.js": "warning"}, severities


SERVER_TS = """\
import express from 'express';
import { sessions } from './sessions';

const app = express();
app.use('/sessions', sessions);

export default app;
"""
JOURNAL_TS = """\
import { makeJournal } from 'house-logging';

const journal = makeJournal('svc');
export default journal;
"""
SESSIONS_TS = """\
import express from 'express';
import logger from './journal';

export const sessions = express.Router();
sessions.get('/', async (_req, res) => {
  try {
    res.json(await Promise.resolve([]));
  } catch (err: any) {
    logger.error('listing sessions failed: %o', err.stack || err.message || err);
    res.status(500).send(err.message || err);
  }
});
"""
TOKENS_TS = """\
import express from 'express';
import logger from './journal';

export const tokens = express.Router();
tokens.get('/', (_req, res) => {
  logger.error(new Error('unused'));
  res.json([]);
});
"""


def test_the_added_handler_logs_with_the_projects_logger(tmp_path: Path) -> None:
    root = _write(tmp_path / "d", {"server.ts": SERVER_TS, "journal.ts": JOURNAL_TS,
                                   "sessions.ts": SESSIONS_TS, "tokens.ts": TOKENS_TS})
    plan = fix(root, dry_run=True, select=["error-handler"], unsafe=True).plan
    server = plan.final["server.ts"].decode()
    assert "import logger from './journal';" in server, server
    assert "logger.error('request failed:', err);" in server, server
    assert "console.error" not in server, server
    # The route's catch already logs the error through an `||` chain: no second log line.
    route = plan.final["sessions.ts"].decode()
    assert route.count("logger.error(") == 1, route
    assert "res.status(500).send('Internal Server Error');" in route, route


def test_one_importer_is_no_project_logger(tmp_path: Path) -> None:
    root = _write(tmp_path / "e", {"server.ts": SERVER_TS, "journal.ts": JOURNAL_TS,
                                   "sessions.ts": SESSIONS_TS})
    server = fix(root, dry_run=True, select=["error-handler"]).plan.final["server.ts"].decode()
    assert "console.error('request failed:', err);" in server, server


FAULTS = """\
class BadInput extends Error {
  constructor(message, status = 400) {
    super(message);
    this.status = status;
  }
}
class Missing extends Error {
  constructor(message, status = 404) {
    super(message);
    this.status = status;
  }
}
module.exports = { BadInput, Missing };
"""
LOOKUP = """\
const express = require('express');
const { BadInput, Missing } = require('./faults');

const app = express();
app.get('/find', async (req, res) => {
  try {
    if (!req.query.q) throw new BadInput('q is required');
    throw new Missing('nothing found');
  } catch (e) {
    if (e instanceof BadInput || e instanceof Missing) {
      return res.status(e.status).json({ error: e.message });
    }
    return res.status(500).json({ error: 'failed' });
  }
});
app.use((err, req, res, next) => res.status(500).json({ error: 'failed' }));
app.listen(3000);
"""
# A vendored file the scan skips as bundled: it names `getMissingThing` and `index`, it
# constructs neither class.
VENDORED = "var path = require('./index');\nfunction getMissingThing() {}\n" + \
    "".join(f"var v{i} = {i};" for i in range(4000)) + "\n"


def test_either_of_two_client_classes_is_a_client_error(tmp_path: Path) -> None:
    root = _write(tmp_path / "f", {"faults/index.js": FAULTS, "lookup.js": LOOKUP,
                                   "libs/which/index.js": VENDORED})
    assert _findings(root) == []


def test_a_class_with_a_server_status_still_leaks(tmp_path: Path) -> None:
    root = _write(tmp_path / "g", {"faults/index.js": FAULTS.replace("status = 404",
                                                                     "status = 503"),
                                   "lookup.js": LOOKUP})
    assert [f.line for f in _findings(root)] == [11]


FORWARDING = """\
const express = require('express');
const { onError } = require('./errors');

const app = express();
app.get('/', (req, res) => res.send('ok'));
app.use(onError);
app.listen(3000);
"""
ERRORS = """\
class Rejected extends Error {}

module.exports = {
  Rejected,
  onError(err, req, res, next) {
    if (err instanceof Rejected) {
      res.status(422).json({ message: 'rejected' });
      return;
    }
    next(err);
  },
};
"""


def test_a_handler_that_passes_the_rest_on_is_not_final(tmp_path: Path) -> None:
    root = _write(tmp_path / "h", {"app.js": FORWARDING, "errors.js": ERRORS})
    found = _findings(root)
    assert [(f.path, f.line) for f in found] == [("app.js", 4)], found
    assert "`onError` hands the errors it does not answer on" in found[0].message
    fixed = fix(root, dry_run=True, select=["error-handler"]).plan.final["app.js"].decode()
    # The new handler goes after the app's own, which still answers its 422s first.
    assert fixed.index("app.use(onError);") < fixed.index("app.use((err, _req, res, next)")


def test_a_handler_that_answers_everything_is_final(tmp_path: Path) -> None:
    answering = ERRORS.replace("    next(err);\n", "    res.status(500).json({ message: 'x' });\n")
    root = _write(tmp_path / "i", {"app.js": FORWARDING, "errors.js": answering})
    assert _findings(root) == []
    # In production mode Express's handler sends no stack: nothing to report.
    dockerfile = "FROM node:20\nENV NODE_ENV=production\nCOPY . .\nUSER node\n" \
        'CMD ["node", "app.js"]\n'
    root = _write(tmp_path / "j", {"app.js": FORWARDING, "errors.js": ERRORS,
                                   "Dockerfile": dockerfile})
    assert _findings(root) == []


COPYING = """\
const express = require('express');

const app = express();
app.get('/', (req, res) => res.send('ok'));
app.use((err, req, res, next) => {
  let copy = { ...err };
  copy.message = err.message;
  res.status(err.statusCode || 500).json({ ok: false, error: copy.message || 'failed' });
});
app.listen(3000);
"""


def test_a_copied_message_is_the_errors_own(tmp_path: Path) -> None:
    root = _write(tmp_path / "k", {"app.js": COPYING})
    assert [f.line for f in _findings(root)] == [8]
    fixed = fix(root, dry_run=True, select=["error-handler"]).plan.final["app.js"].decode()
    assert "< 500 ? copy.message || 'failed' : 'Internal Server Error'" in fixed, fixed


def test_a_copy_given_the_apps_own_text_is_not_the_error(tmp_path: Path) -> None:
    root = _write(tmp_path / "l", {"app.js": COPYING.replace(
        "copy.message = err.message;", "copy.message = 'Something failed';")})
    assert _findings(root) == []


def test_a_conditional_too_wide_for_its_line_is_broken_and_still_described(
        tmp_path: Path) -> None:
    root = _write(tmp_path / "app", {"app.js": KEPT_4XX_HANDLER_APP,
                                     ".prettierrc": '{"printWidth": 80, "singleQuote": true}'})
    [finding] = _findings(root)
    assert "send a generic message for 5xx answers (4xx keep theirs)" in finding.message
    fix(root, select=["error-handler"])
    assert ("    error:\n      (err.statusCode || 500) < 500\n"
            "        ? err.message || 'Server Error'\n"
            "        : 'Internal Server Error',\n") in (root / "app.js").read_text()

"""End to end: what ``nodeharden fix --select error-handler`` does to real Express apps, checked
over real HTTP on 127.0.0.1 (one ``npm install`` shared through a link).

- an app whose errors carry their status in ``errorCode`` keeps its 422 bodies; only its 500
  stops leaking the message;
- an app whose final error handler lives in a routes module gets no second handler;
- an app whose own handler answers 500 to every error answers a 3 MB JSON body with 413 (and
  malformed JSON with 400) after the fix, its other errors as before;
- an app without a handler gets one that keeps the 413 and sends no stack;
- a catch block whose only trace of the error was the message it sent logs the error after
  the fix (on the server's stderr) and sends the generic text;
- an app that sets its own ``env`` to ``'production'`` sends no stack from Express's default
  handler and is not reported (without the setting, or under a condition, it leaks and is);
- the client-error branch added to a handler that starts with ``'use strict'`` leaves the
  handler in strict mode.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import (app_with_log, have_node, linked_app, npm_install, run_cli, serve_app,
                      write_tree)

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not have_node(), reason="node and npm are needed")]

PACKAGE_JSON = """
    {
      "name": "error-apps",
      "version": "1.0.0",
      "private": true,
      "dependencies": {
        "express": "^4.21.2"
      }
    }
    """
LEAKED = "db-password-hunter2"
LISTEN = """
    const server = app.listen(0, '127.0.0.1', () => {
      console.log('listening ' + server.address().port);
    });
    """
BIG = json.dumps({"pad": "x" * 3_000_000}).encode()

ERROR_CODE_APP = {"app.js": """
    const express = require('express');

    class ValidationError extends Error {
      constructor(message) {
        super(message);
        this.errorCode = 422;
      }
    }

    const app = express();
    app.use(express.json());
    app.post('/items', (req, res, next) => {
      if (!req.body.name) return next(new ValidationError('name is required'));
      res.status(201).json({ name: req.body.name });
    });
    app.get('/boom', () => {
      throw new Error('connect failed: %s');
    });

    app.use((err, req, res, next) => {
      res.status(err.errorCode || 500).json({ message: err.message });
    });
    """.replace("%s", LEAKED) + LISTEN}

ROUTES_MODULE_APP = {
    "app.js": """
        const express = require('express');

        const app = express();
        app.use(express.json());
        require('./routes')(app);
        """ + LISTEN,
    "routes/index.js": """
        const express = require('express');

        module.exports = function routes(app) {
          const router = express.Router();
          router.get('/items', (req, res) => res.json([1, 2]));
          router.get('/boom', () => {
            throw new Error('boom');
          });
          app.use('/api', router);
          app.use((err, req, res, next) => {
            res.status(err.status || 500).json({ error: 'Something went wrong' });
          });
        };
        """,
}

ANSWERS_500_APP = {"app.js": """
    const express = require('express');

    const app = express();
    app.use(express.json());
    app.post('/api/echo', (req, res) => res.json({ got: Object.keys(req.body) }));
    app.get('/boom', () => {
      throw new Error('boom');
    });

    app.use(function (err, req, res, next) {
      console.error(err.stack);
      res.status(500).json({ error: 'Something broke' });
    });
    """ + LISTEN}

NO_HANDLER_APP = {"app.js": """
    const express = require('express');

    const app = express();
    app.use(express.json());
    app.post('/api/echo', (req, res) => res.json({ got: Object.keys(req.body) }));
    app.get('/boom', () => {
      throw new Error('connect failed: %s');
    });
    """.replace("%s", LEAKED) + LISTEN}


@dataclass
class Answer:
    status: int
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)


def call(url: str, method: str, path: str, body: bytes | None = None) -> Answer:
    parsed = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return Answer(resp.status, resp.read())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree(tmp_path_factory.mktemp("errors") / "installed",
                      {"package.json": PACKAGE_JSON})
    npm_install(root)
    return root


def make_app(tmp_path: Path, installed: Path, files: dict[str, str]) -> Path:
    return linked_app(tmp_path / "app", {"package.json": PACKAGE_JSON, **files}, installed)


def fix(root: Path, *options: str) -> str:
    done = run_cli("fix", root, *options, "--select", "error-handler")
    assert done.returncode == 0, done.stderr
    return done.stdout


def own_js(root: Path) -> list[Path]:
    """The app's own JavaScript files (not the linked node_modules)."""
    return sorted(Path(folder) / name for folder, dirs, names in os.walk(root)
                  if "node_modules" not in Path(folder).relative_to(root).parts
                  for name in names if name.endswith(".js"))


def handlers_in(root: Path) -> int:
    """Count the four-parameter error handlers in the app's own files."""
    return sum(len(re.findall(r"\(\s*err\s*,\s*_?req\s*,\s*res\s*,\s*next\s*\)", path.read_text()))
               for path in own_js(root))


def test_status_in_error_code_keeps_its_422_bodies(tmp_path: Path, installed: Path) -> None:
    root = make_app(tmp_path, installed, ERROR_CODE_APP)
    with serve_app(root) as url:
        before_422 = call(url, "POST", "/items", b"{}")
        before_500 = call(url, "GET", "/boom")
    assert before_422.status == 422 and before_422.json() == {"message": "name is required"}
    assert before_500.status == 500 and LEAKED in before_500.body.decode()

    fix(root)
    with serve_app(root) as url:
        after_422 = call(url, "POST", "/items", b"{}")
        after_500 = call(url, "GET", "/boom")
        created = call(url, "POST", "/items", b'{"name": "a"}')
    assert (after_422.status, after_422.body) == (before_422.status, before_422.body)
    assert after_500.status == 500
    assert after_500.json() == {"message": "Internal Server Error"}
    assert (created.status, created.json()) == (201, {"name": "a"})
    assert "err.errorCode || 500" in (root / "app.js").read_text()


def test_handler_in_a_routes_module_gets_no_second_one(tmp_path: Path,
                                                       installed: Path) -> None:
    root = make_app(tmp_path, installed, ROUTES_MODULE_APP)
    files = {p: p.read_bytes() for p in own_js(root)}
    assert len(files) == 2
    assert handlers_in(root) == 1
    report = run_cli("check", root, "--select", "error-handler", "--format", "json")
    assert json.loads(report.stdout)["findings"] == [], report.stdout

    assert fix(root).strip() == "nothing to fix"
    assert {p: p.read_bytes() for p in files} == files
    assert handlers_in(root) == 1
    with serve_app(root) as url:
        boom = call(url, "GET", "/api/boom")
        items = call(url, "GET", "/api/items")
    assert (boom.status, boom.json()) == (500, {"error": "Something went wrong"})
    assert (items.status, items.json()) == (200, [1, 2])


def test_handler_that_answers_500_to_everything_lets_413_through(tmp_path: Path,
                                                                 installed: Path) -> None:
    root = make_app(tmp_path, installed, ANSWERS_500_APP)
    with serve_app(root) as url:
        assert call(url, "POST", "/api/echo", BIG).status == 500  # the 413 was lost
        assert call(url, "POST", "/api/echo", b"{not json").status == 500
        boom_before = call(url, "GET", "/boom")

    fix(root)
    with serve_app(root) as url:
        big = call(url, "POST", "/api/echo", BIG)
        bad = call(url, "POST", "/api/echo", b"{not json")
        small = call(url, "POST", "/api/echo", b'{"a": 1}')
        boom = call(url, "GET", "/boom")
    # The handler answers JSON: client errors get its shape, with body-parser's message
    # (http-errors marks it as meant for the client), not a text/plain status text.
    assert (big.status, big.json()) == (413, {"error": "request entity too large"})
    assert bad.status == 400 and isinstance(bad.json()["error"], str), bad.body
    assert (small.status, small.json()) == (200, {"got": ["a"]})
    assert (boom.status, boom.body) == (boom_before.status, boom_before.body)
    assert boom.json() == {"error": "Something broke"}
    assert handlers_in(root) == 1


def test_new_handler_keeps_413_and_sends_no_stack(tmp_path: Path, installed: Path) -> None:
    root = make_app(tmp_path, installed, NO_HANDLER_APP)
    fix(root)
    assert handlers_in(root) == 1
    source = (root / "app.js").read_text()
    assert source.index("app.use((err, _req, res, next)") > source.index("app.get('/boom'")
    assert source.index("app.use((err, _req, res, next)") < source.index("app.listen(")
    with serve_app(root) as url:
        big = call(url, "POST", "/api/echo", BIG)
        bad = call(url, "POST", "/api/echo", b"{not json")
        boom = call(url, "GET", "/boom")
    assert (big.status, big.json()) == (413, {"error": "Payload Too Large"})
    assert (bad.status, bad.json()) == (400, {"error": "Bad Request"})
    assert (boom.status, boom.json()) == (500, {"error": "Internal Server Error"})
    assert LEAKED not in boom.body.decode()


#: An API whose own error answers put their text in `message` (a front end showing
#: `data.message`, as the MERN apps of the field test do).
MESSAGE_KEY_APP = {
    "app.js": """
        const express = require('express');
        const users = require('./routes/users');

        const app = express();
        app.use(express.json());
        app.use('/api/users', users);
        app.get('/boom', () => {
          throw new Error('connect failed: %s');
        });
        """.replace("%s", LEAKED) + LISTEN,
    "routes/users.js": """
        const express = require('express');

        const router = express.Router();
        router.get('/:id', (req, res) => {
          if (req.params.id !== '1') {
            return res.status(404).json({ message: 'User not found' });
          }
          res.json({ id: 1 });
        });
        router.post('/', (req, res) => {
          if (!req.body.name) {
            return res.status(400).json({ message: 'Name is required' });
          }
          res.status(201).json({ name: req.body.name });
        });
        module.exports = router;
        """,
}


def test_new_handler_answers_in_the_field_the_apps_own_errors_use(tmp_path: Path,
                                                                   installed: Path) -> None:
    """The inserted handler's body holds the status text in the field the app's own error
    answers use (`{ message }` here): its front end shows a malformed body's 400 and a 500 as
    it shows the app's own 400 and 404."""
    root = make_app(tmp_path, installed, MESSAGE_KEY_APP)
    fix(root)
    assert handlers_in(root) == 1
    with serve_app(root) as url:
        missing = call(url, "GET", "/api/users/2")
        bad = call(url, "POST", "/api/users", b"{not json")
        boom = call(url, "GET", "/boom")
    assert (missing.status, missing.json()) == (404, {"message": "User not found"})
    assert (bad.status, bad.json()) == (400, {"message": "Bad Request"})
    assert (boom.status, boom.json()) == (500, {"message": "Internal Server Error"})
    assert LEAKED not in boom.body.decode()


CATCH_ONLY_TRACE_APP = {"app.js": """
    const express = require('express');

    const app = express();
    async function load() {
      throw new Error('connect failed: %s');
    }
    app.get('/items', async (req, res) => {
      try {
        res.json(await load());
      } catch (err) {
        res.status(500).json({ error: err.message });
      }
    });
    """.replace("%s", LEAKED) + LISTEN}


def test_catch_whose_message_was_the_only_trace_logs_the_error(tmp_path: Path,
                                                                installed: Path) -> None:
    root = make_app(tmp_path, installed, CATCH_ONLY_TRACE_APP)
    fix(root, "--unsafe")  # a route's message fix is unsafe: its clients may show the text
    assert "console.error(err);" in (root / "app.js").read_text()
    with app_with_log(root) as (base, log):
        answer = call(base, "GET", "/items")
    stderr = log[0]
    assert (answer.status, answer.json()) == (500, {"error": "Internal Server Error"})
    assert LEAKED in stderr  # the error is still on the server's log, with its stack
    assert "at load" in stderr


def _env_app(setting: str) -> dict[str, str]:
    return {"app.js": """
    const express = require('express');

    const app = express();
    %SETTING%
    app.get('/boom', () => {
      throw new Error('connect failed: %s');
    });
    """.replace("%SETTING%", setting).replace("%s", LEAKED) + LISTEN}


def test_app_env_set_to_production_sends_no_stack(tmp_path: Path, installed: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """``app.set('env', 'production')`` is what Express's default handler reads: the app
    answers a bare 500 without the stack, so there is nothing to report; the same app
    without that line (or setting it only under a condition) leaks and is reported."""
    monkeypatch.delenv("NODE_ENV", raising=False)
    answers = {}
    for name, setting in [("set", "app.set('env', 'production');"),
                          ("unset", ""),
                          ("conditional", "if (process.env.DEPLOYED) app.set('env', 'production');")]:
        (tmp_path / name).mkdir()
        root = make_app(tmp_path / name, installed, _env_app(setting))
        report = run_cli("check", root, "--select", "error-handler", "--format", "json")
        answers[name] = [f["line"] for f in json.loads(report.stdout)["findings"]]
        with serve_app(root) as url:
            boom = call(url, "GET", "/boom")
        assert boom.status == 500
        assert (LEAKED in boom.body.decode()) == (name != "set"), boom.body
        assert ("at " in boom.body.decode()) == (name != "set")
    assert answers == {"set": [], "unset": [3], "conditional": [3]}


STRICT_HANDLER_APP = {"app.js": """
    const express = require('express');

    const app = express();
    app.use(express.json());
    app.post('/api/echo', (req, res) => res.json({ got: Object.keys(req.body) }));
    app.get('/boom', () => {
      throw new Error('boom');
    });

    app.use(function (err, req, res, next) {
      'use strict';
      console.error(err.stack);
      res.status(500).json({ strict: this === undefined });
    });
    """ + LISTEN}


def test_fix_keeps_the_handler_in_strict_mode(tmp_path: Path, installed: Path) -> None:
    """The client-error branch goes after the handler's ``'use strict'``: above it, the
    directive would be a plain string and the handler would run in sloppy mode (``this``
    the global object instead of undefined)."""
    root = make_app(tmp_path, installed, STRICT_HANDLER_APP)
    with serve_app(root) as url:
        assert call(url, "GET", "/boom").json() == {"strict": True}
    fix(root)
    source = (root / "app.js").read_text()
    assert source.index("'use strict';") < source.index("const clientStatus")
    with serve_app(root) as url:
        boom = call(url, "GET", "/boom")
        big = call(url, "POST", "/api/echo", BIG)
    assert (boom.status, boom.json()) == (500, {"strict": True})
    assert (big.status, big.json()) == (413, {"strict": True})


PRESET_STATUS_APP = {"app.js": """
    const express = require('express');

    const app = express();
    app.get('/page/:id', (req, res, next) => {
      if (req.params.id !== '1') {
        res.status(404);
        return next(new Error('no page ' + req.params.id));
      }
      res.json({ id: 1 });
    });
    app.get('/boom', () => {
      throw new Error('connect failed: %s');
    });
    """.replace("%s", LEAKED) + LISTEN}


def test_new_handler_keeps_the_status_a_route_set_before_next(tmp_path: Path,
                                                               installed: Path) -> None:
    """Express's own handler answers an error without a status of its own with the 4xx a
    route set before `next(err)`: the inserted handler does too (a 404 stayed a 404)."""
    root = make_app(tmp_path, installed, PRESET_STATUS_APP)
    with serve_app(root) as url:
        missing_before = call(url, "GET", "/page/7")
    assert missing_before.status == 404

    fix(root)
    assert handlers_in(root) == 1
    with serve_app(root) as url:
        missing = call(url, "GET", "/page/7")
        found = call(url, "GET", "/page/1")
        boom = call(url, "GET", "/boom")
    assert (missing.status, missing.json()) == (404, {"error": "Not Found"})
    assert (found.status, found.json()) == (200, {"id": 1})
    assert (boom.status, boom.json()) == (500, {"error": "Internal Server Error"})
    assert LEAKED not in boom.body.decode()

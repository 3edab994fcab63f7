"""error-handler, finding by finding: which handlers count as the app's final one, what is a
leak (only what reaches the client), which handlers answer 500 to every error, and which
rewrites keep the handler's own status. Each case is a small project checked with the real
scanner (``check``/``fix --dry-run``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from nodeharden._api import check, fix
from nodeharden._baseline import write_baseline
from nodeharden._model import Finding

PACKAGE_JSON = '{"name": "app", "dependencies": {"express": "^5.1.0"}}\n'

Make = Callable[..., Path]


def findings(root: Path) -> list[tuple[str, int, str]]:
    report = check(root, select=["error-handler"])
    assert not report.failed, report.failed
    return sorted((f.path, f.line, f.message.split(":")[0]) for f in report.findings)


def fixed(root: Path, rel: str = "app.js") -> str:
    result = fix(root, dry_run=True, select=["error-handler"]).plan
    return result.final.get(rel, (root / rel).read_bytes()).decode()


@pytest.fixture
def app(project: Make) -> Make:
    def make(files: dict[str, str]) -> Path:
        return project({"package.json": PACKAGE_JSON, **files})
    return make


NO_HANDLER = "no final error handler"
EVERYTHING_500 = "this error handler answers 5xx to every error"


def test_a_router_level_handler_is_not_the_apps_final_handler(app: Make) -> None:
    root = app({
        "app.js": """
            const express = require('express');
            const api = require('./routes/api');

            const app = express();
            app.use('/api', api);
            app.listen(3000);
            """,
        "routes/api.js": """
            const express = require('express');

            const router = express.Router();
            router.get('/items', (req, res) => res.json([]));
            router.use((err, req, res, next) => res.status(err.status || 500).json({ error: 'x' }));
            module.exports = router;
            """,
    })
    assert findings(root) == [("app.js", 4, NO_HANDLER)]
    # The new handler goes after the router is mounted, before listen.
    source = fixed(root)
    assert source.index("app.use('/api', api);") < source.index("app.use((err, ") \
        < source.index("app.listen(3000);")


def test_a_setup_module_that_registers_the_handler_on_the_app_counts(app: Make) -> None:
    root = app({
        "app.js": """
            const express = require('express');
            const setup = require('./setup');

            const app = express();
            app.get('/', (req, res) => res.send('ok'));
            setup(app);
            module.exports = app;
            """,
        "setup.js": """
            module.exports = (app) => {
              app.use((err, req, res, next) => res.status(err.status || 500).send('Error'));
            };
            """,
    })
    assert findings(root) == []


@pytest.mark.parametrize("body", [
    # decides by the error's type or fields, or passes some errors on
    "if (err instanceof SyntaxError) return res.status(400).send('Bad JSON');\n"
    "  res.status(500).send('Error');",
    "if (err.type === 'entity.too.large') return res.status(413).end();\n"
    "  res.status(500).send('Error');",
    "if (err.name === 'UnauthorizedError') return next(err);\n  res.status(500).send('Error');",
    "res.status(err.statusCode || 500).send('Error');",
    # a 4xx answer for every error is no server error
    "res.status(400).send('Bad request');",
])
def test_handlers_that_look_at_the_error_are_not_500_to_everything(app: Make, body: str) -> None:
    root = app({"app.js": f"""
        const express = require('express');

        const app = express();
        app.get('/', (req, res) => res.send('ok'));
        app.use((err, req, res, next) => {{
          {body}
        }});
        module.exports = app;
        """})
    assert [f for f in findings(root) if f[2] == EVERYTHING_500] == []


def test_only_what_reaches_the_client_is_a_leak(app: Make) -> None:
    root = app({"app.js": """
        const express = require('express');

        const app = express();
        app.get('/', (req, res) => res.send('ok'));
        app.use((err, req, res, next) => {
          console.log(err.message);
          process.stderr.write(err.stack);
          res.locals.failure = err.message;
          res.status(err.status || 500).json({ error: 'Internal Server Error' });
        });
        module.exports = app;
        """})
    assert findings(root) == []


def test_a_rendered_view_gets_res_locals_but_not_the_dev_only_error(app: Make) -> None:
    root = app({"app.js": """
        const express = require('express');

        const app = express();
        app.get('/', (req, res) => res.send('ok'));
        app.use((err, req, res, next) => {
          res.locals.message = err.message;
          res.locals.error = req.app.get('env') === 'development' ? err : {};
          res.status(err.httpStatus || 500);
          res.render('error');
        });
        module.exports = app;
        """})
    assert [line for _, line, _ in findings(root)] == [6]
    assert "res.locals.message = (err.httpStatus || 500) < 500 ? err.message : " \
        "'Internal Server Error';" in fixed(root)


def test_a_status_that_cannot_be_read_twice_comes_from_res_status_code(app: Make) -> None:
    root = app({"app.js": """
        const express = require('express');
        const statusOf = require('./status-of');

        const app = express();
        app.get('/', (req, res) => res.send('ok'));
        app.use((err, req, res, next) => {
          res.status(statusOf(err)).json({ error: err.message });
        });
        module.exports = app;
        """})
    assert "res.status(statusOf(err)).json({ error: res.statusCode < 500 ? err.message : " \
        "'Internal Server Error' });" in fixed(root)


def test_several_statuses_are_reported_without_a_fix(app: Make) -> None:
    root = app({"app.js": """
        const express = require('express');

        const app = express();
        app.get('/', (req, res) => res.send('ok'));
        app.use((err, req, res, next) => {
          if (err.code === 'ENOENT') res.status(404);
          else res.status(err.status || 500);
          res.json({ error: err.message });
        });
        module.exports = app;
        """})
    report = check(root, select=["error-handler"])
    leak = [f for f in report.findings if "error message" in f.message]
    assert len(leak) == 1 and leak[0].fix is None


@pytest.mark.parametrize(("options", "via_pino"), [("", True), ("{ autoLogging: false }", False)])
def test_new_handler_logs_a_500_through_pino_http_unless_it_logs_no_responses(
        app: Make, options: str, via_pino: bool) -> None:
    # pino-http's access line carries the error (res.err); with autoLogging off there is no such
    # line, so the error goes to stderr.
    root = app({"app.js": f"""
        const express = require('express');
        const pinoHttp = require('pino-http');

        const app = express();
        app.use(pinoHttp({options}));
        app.get('/', (req, res) => res.send('ok'));

        module.exports = app;
        """})
    source = fixed(root)
    assert ("res.err = err;" in source) is via_pino
    assert "console.error('request failed:', err);" in source
    assert source.index("app.get('/'") < source.index("app.use((err, ")


#: A server whose own error answers are `{ error }`, beside a front end that shows the
#: answers' `message` (the MERN shape of sample 34's e-commerce app).
SERVER_AND_CLIENT = {
    "server/app.js": """
        const express = require('express');

        const app = express();
        app.use(express.json());
        app.get('/api/items/:id', (req, res) => {
          if (req.params.id !== '1') {
            return res.status(404).json({ error: 'Item not found' });
          }
          res.json({ id: 1 });
        });
        app.listen(3000);
        """,
    "client/src/ItemPage.jsx": """
        export function showError(toast, error) {
          toast.error(error?.data?.message || 'Something went wrong');
        }
        """,
}


@pytest.mark.parametrize(("client", "key"), [
    ("", "error"),  # no front end: the server's own answers decide
    ("error?.data?.message", "message"),  # the front end shows `message`
    ("err.response.data.error", "error"),
])
def test_the_final_handler_answers_in_the_field_the_clients_read(app: Make, client: str,
                                                                  key: str) -> None:
    files = dict(SERVER_AND_CLIENT)
    if client:
        files["client/src/ItemPage.jsx"] = files["client/src/ItemPage.jsx"].replace(
            "error?.data?.message", client)
    else:
        del files["client/src/ItemPage.jsx"]
    root = app(files)
    assert f"res.status(code).json({{ {key}: reason }});" in fixed(root, "server/app.js")


#: A controller whose catch blocks each send the error's message: reported once for the file.
CONTROLLER = {
    "app.js": """
        const express = require('express');
        const items = require('./items');

        const app = express();
        app.use(express.json());
        app.get('/items', items.list);
        app.post('/items', items.create);
        app.delete('/items/:id', items.remove);
        app.use((err, req, res, next) => res.status(500).json({ error: 'Server error' }));
        app.listen(3000);
        """,
    "items.js": """
        const db = require('./db');

        exports.list = async (req, res) => {
          try {
            res.json(await db.all());
          } catch (err) {
            res.status(500).json({ message: err.message });
          }
        };

        exports.create = async (req, res) => {
          try {
            res.status(201).json(await db.add(req.body.name));
          } catch (err) {
            res.status(500).json({ message: err.message });
          }
        };

        exports.remove = async (req, res) => {
          try {
            await db.remove(req.params.id);
            res.status(204).end();
          } catch (error) {
            res.status(500).json({ message: error.message });
          }
        };
        """,
    "db.js": """
        exports.all = async () => [];
        exports.add = async (name) => ({ name });
        exports.remove = async () => {};
        """,
}
LEAK = "the error message"


def leaks(root: Path, **options: object) -> list[Finding]:
    report = check(root, select=["error-handler"], **options)  # type: ignore[arg-type]
    return [f for f in report.findings if f.message.startswith(LEAK)]


def test_an_error_sent_from_each_catch_of_a_file_is_one_finding_with_one_fix(app: Make) -> None:
    root = app(CONTROLLER)
    found = leaks(root)
    assert [(f.path, f.line) for f in found] == [("items.js", 7)]
    assert found[0].related == ((15, 37), (24, 37))
    assert found[0].message.endswith("; the same at lines 15 and 24 of this file")
    assert found[0].fix is not None and found[0].fix.title.endswith(
        "and the same at the 2 other places")
    plan = fix(root, dry_run=True, unsafe=True, select=["error-handler"]).plan
    fixed_items = plan.final["items.js"].decode()
    assert ".message }" not in fixed_items and fixed_items.count("console.error(") == 3
    assert len(plan.applied) == 1
    # One place a comment suppresses leaves the group; the others stay one finding.
    source = (root / "items.js").read_text()
    (root / "items.js").write_text(source.replace(
        "  } catch (err) {\n    res.status(500).json({ message: err.message });\n  }\n};\n\n"
        "exports.create", "  } catch (err) {\n    // nodeharden-ignore error-handler\n"
        "    res.status(500).json({ message: err.message });\n  }\n};\n\nexports.create", 1))
    found = leaks(root)
    assert [(f.line, f.related) for f in found] == [(16, ((25, 37),))]


def test_a_baseline_keeps_each_place_so_a_new_catch_is_reported(app: Make,
                                                                  tmp_path: Path) -> None:
    root = app(CONTROLLER)
    baseline = tmp_path / "baseline.json"
    write_baseline(baseline, check(root, select=["error-handler"], join=False).findings)
    assert leaks(root, baseline=baseline) == []
    source = (root / "items.js").read_text()
    (root / "items.js").write_text(source + (
        "\nexports.count = async (req, res) => {\n  try {\n    res.json(await db.all());\n"
        "  } catch (err) {\n    res.status(500).json({ error: err.message });\n  }\n};\n"))
    found = leaks(root, baseline=baseline)
    assert [(f.line, f.related) for f in found] == [(32, ())]

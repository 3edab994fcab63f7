"""rate-limit on apps that mount other apps: a sub-app (a file whose ``express()`` another app
mounts with ``.use`` and that starts no server) mounted after the place of the parent's limiter
runs behind that limiter, so it gets no finding and no limiter of its own (a second one would
take two points of each of its requests). A sub-app mounted before that place keeps both.

The last test runs the fixed app with real node and real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from nodeharden import check
from nodeharden._api import fix

from conftest import have_node, npm_install, run_cli, serve_app, write_tree

PACKAGE = '{"name": "shop", "dependencies": {"express": "^4.21.2"}}\n'

#: The parent serves its static files, then mounts a sub-app under /v1 (the limiter goes after
#: the static files, so before the mount).
PARENT = """\
    const path = require('path');
    const express = require('express');
    const v1 = require('./http/v1');

    const app = express();
    app.use(express.json());
    app.use(express.static(path.join(__dirname, 'assets')));

    app.use('/v1/', v1);
    app.get('/', (req, res) => res.json({ name: 'shop' }));

    module.exports = app;
    """

SUB_APP = """\
    const express = require('express');

    const shop = express();
    shop.get('/products', (req, res) => res.json([{ id: 7 }]));

    module.exports = shop;
    """


def rate_findings(root: Path) -> list:
    report = check(root, select=["rate-limit"])
    assert not report.failed, report.failed
    return [f for f in report.findings if f.rule == "rate-limit"]


def planned(root: Path) -> dict[str, str]:
    plan = fix(root, dry_run=True, select=["rate-limit"], unsafe=True).plan
    assert plan.scan is not None and not plan.scan.failed, plan.scan.failed
    return {rel: data.decode() for rel, data in plan.final.items()}


def test_sub_app_mounted_after_the_limiter_has_no_finding_nor_limiter(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "app.js": PARENT,
                                       "http/v1.js": SUB_APP})
    [finding] = rate_findings(root)
    assert (finding.path, finding.line) == ("app.js", 5)
    assert finding.fix is not None and "adds the limiter here too" not in finding.message
    out = planned(root)
    assert "http/v1.js" not in out
    assert "app.use(express.static(path.join(__dirname, 'assets')));\napp.use(rateLimiter);\n" \
        in out["app.js"]
    fix(root, select=["rate-limit"], force=True, unsafe=True)
    assert rate_findings(root) == []
    assert "rateLimiter" not in (root / "http/v1.js").read_text()


def test_mounts_of_mounts_are_reported_at_the_top_app_only(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "package.json": PACKAGE,
        "app.js": PARENT,
        "http/v1.js": """\
            const express = require('express');
            const { orders } = require('./orders');
            const shop = express();
            shop.use('/orders', orders);
            module.exports = shop;
            """,
        "http/orders.js": """\
            const express = require('express');
            const orders = express();
            orders.post('/', (req, res) => res.status(201).json({}));
            module.exports = { orders };
            """,
    })
    assert [(f.path, f.line) for f in rate_findings(root)] == [("app.js", 5)]
    assert set(planned(root)) == {"app.js", "middleware/rate-limit.js", "package.json"}


def test_sub_app_mounted_before_the_limiter_keeps_its_finding_and_limiter(
        tmp_path: Path) -> None:
    """The parent's limiter goes after its static files; a sub-app mounted (without a path)
    before them answers its requests before that limiter runs."""
    root = write_tree(tmp_path / "p", {
        "package.json": PACKAGE,
        "app.js": """\
            const express = require('express');
            const banner = require('./http/banner');
            const app = express();
            app.use(banner);
            app.use(express.static('assets'));
            app.use('/v1', require('./http/v1'));
            module.exports = app;
            """,
        "http/banner.js": """\
            const express = require('express');
            const banner = express();
            banner.use((req, res, next) => req.path === '/banner' ? res.send('hi') : next());
            module.exports = banner;
            """,
        "http/v1.js": SUB_APP,
    })
    got = sorted((f.path, f.line, f.fix is not None) for f in rate_findings(root))
    assert got == [("app.js", 3, True), ("http/banner.js", 2, False)]
    out = planned(root)
    assert "app.use(express.static('assets'));\napp.use(rateLimiter);\n" in out["app.js"]
    assert "banner.use(rateLimiter);" in out["http/banner.js"]
    assert "http/v1.js" not in out


def test_mounted_app_that_also_listens_keeps_its_finding(tmp_path: Path) -> None:
    """An app that starts its own server when run is served on its own as well."""
    listening = SUB_APP.replace("module.exports = shop;",
                                "if (require.main === module) shop.listen(3001);\n"
                                "    module.exports = shop;")
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "app.js": PARENT,
                                       "http/v1.js": listening})
    assert sorted((f.path, f.line) for f in rate_findings(root)) == [("app.js", 5),
                                                                      ("http/v1.js", 3)]


@pytest.mark.parametrize("elsewhere", [
    "require('./http/v1').listen(process.env.V1_PORT || 4000);\n",
    "const serverless = require('serverless-http');\n"
    "module.exports.handler = serverless(require('./http/v1'));\n",
    "const http = require('http');\nconst v1 = require('./http/v1');\n"
    "http.createServer(v1).listen(4000);\n",
])
def test_sub_app_also_served_by_another_file_keeps_its_finding(tmp_path: Path,
                                                               elsewhere: str) -> None:
    """A file that listens on the sub-app, wraps it or hands it to createServer serves it
    apart from the parent: those requests never pass the parent's limiter."""
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "app.js": PARENT,
                                       "http/v1.js": SUB_APP, "v1-alone.js": elsewhere})
    got = sorted((f.path, f.line) for f in rate_findings(root))
    assert got == [("app.js", 5), ("http/v1.js", 3)]


def test_mounting_file_reading_the_sub_app_elsewhere_keeps_its_finding(tmp_path: Path) -> None:
    parent = PARENT.replace("module.exports = app;",
                            "v1.listen(4100);\n    module.exports = app;")
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "app.js": parent,
                                       "http/v1.js": SUB_APP})
    got = sorted((f.path, f.line) for f in rate_findings(root))
    assert got == [("app.js", 5), ("http/v1.js", 3)]


def test_sub_app_mounted_in_a_function_keeps_its_finding(tmp_path: Path) -> None:
    """A mount inside a function runs when the function is called: here before the static
    files, so before the parent's limiter (a function declaration is hoisted)."""
    root = write_tree(tmp_path / "p", {
        "package.json": PACKAGE,
        "app.js": """\
            const express = require('express');
            const v1 = require('./http/v1');
            const app = express();
            addApi();
            app.use(express.static('assets'));
            app.get('/', (req, res) => res.send('home'));
            module.exports = app;

            function addApi() {
              app.use('/v1', v1);
            }
            """,
        "http/v1.js": SUB_APP,
    })
    got = sorted((f.path, f.line) for f in rate_findings(root))
    assert got == [("app.js", 3), ("http/v1.js", 3)]


def test_sub_app_bound_by_destructuring_and_import_stays_covered(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "package.json": PACKAGE,
        "app.mjs": """\
            import express from 'express';
            import v1 from './http/v1.mjs';
            const app = express();
            app.use(express.static('assets'));
            app.use('/v1', v1);
            export default app;
            """,
        "http/v1.mjs": """\
            import express from 'express';
            const shop = express();
            shop.get('/products', (req, res) => res.json([]));
            export default shop;
            """,
    })
    assert [(f.path, f.line) for f in rate_findings(root)] == [("app.mjs", 3)]


# --- real HTTP -------------------------------------------------------------------------------

POINTS = 4

SERVER = """\
    const app = require('./app');
    const server = app.listen(0, '127.0.0.1', () => {
      console.log('listening ' + server.address().port);
    });
    """


def get(url: str) -> tuple[int, str | None]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
            return response.status, response.headers.get("RateLimit-Remaining")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("RateLimit-Remaining")


@pytest.mark.slow
@pytest.mark.skipif(not have_node(), reason="node and npm are needed")
def test_a_request_to_the_sub_app_takes_one_point(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "shop", {
        "package.json": json.dumps({"name": "shop", "private": True,
                                    "dependencies": {"express": "^4.21.2"}}),
        ".nodeharden.yml": f"rate_limit:\n  points: {POINTS}\n  duration: 60\n",
        "app.js": PARENT,
        "http/v1.js": SUB_APP,
        "server.js": SERVER,
    })
    proc = run_cli("fix", root, "--select", "rate-limit", "--unsafe")
    assert proc.returncode == 0, proc.stderr
    assert "rateLimiter" not in (root / "http/v1.js").read_text()
    npm_install(root)
    with serve_app(root, "server.js") as url:
        answers = [get(url + "/v1/products") for _ in range(POINTS + 1)]
    assert [status for status, _ in answers] == [200] * POINTS + [429]
    assert [left for _, left in answers[:POINTS]] == [str(POINTS - n) for n in range(1, POINTS + 1)]

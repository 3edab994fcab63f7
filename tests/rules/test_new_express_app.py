"""`new Express()` makes an app as `express()` does (p5.js-web-editor's servers import
express as `Express` and construct it): app rules see it; `Express.static(…)` under the
file's own name for express counts as serving pages (helmet's fix is then unsafe); and of two
served apps, rate-limit reports on the one that mounts and routes more."""

from __future__ import annotations

from nodeharden import check

PACKAGE = '{"name": "a", "dependencies": {"express": "^4.21.0"}}'


def test_a_constructed_app_is_an_app_and_its_static_pages_make_helmet_unsafe(project) -> None:
    root = project({"package.json": PACKAGE, "server.js": """\
import Express from 'express';
import path from 'path';

const app = new Express();
app.use(Express.static(path.resolve(__dirname, 'public')));
app.get('/api/items', (req, res) => res.json([]));
app.listen(3000);
"""})
    report = check(root, select=["helmet", "rate-limit"])
    by_rule = {f.rule: f for f in report.findings}
    assert set(by_rule) == {"helmet", "rate-limit"}
    assert by_rule["helmet"].line == 4
    fix = by_rule["helmet"].fix
    assert fix is not None and fix.applicability == "unsafe"


def test_a_static_call_under_another_name_than_express_is_no_page(project) -> None:
    root = project({"package.json": PACKAGE, "server.js": """\
const express = require('express');
const Cache = require('./cache');

const app = express();
Cache.static('x');
app.get('/api/items', (req, res) => res.json([]));
app.listen(3000);
""", "cache.js": "module.exports = { static: (x) => x };\n"})
    [finding] = check(root, select=["helmet"]).findings
    assert finding.fix is not None and finding.fix.applicability == "safe"


def test_rate_limit_reports_on_the_app_that_routes_more(project) -> None:
    routes = "".join(f"app.get('/api/r{i}', (req, res) => res.json({{ i: {i} }}));\n"
                     for i in range(4))
    root = project({"package.json": PACKAGE,
                    "a-preview.js": "const express = require('express');\n"
                                    "const app = express();\n"
                                    "app.get('/', (req, res) => res.json({}));\n"
                                    "app.listen(3001);\n",
                    "server.js": "const express = require('express');\n"
                                 "const app = express();\n" + routes + "app.listen(3000);\n"})
    findings = {f.path: f for f in check(root, select=["rate-limit"]).findings}
    assert findings["server.js"].fix is not None
    assert "(the fix of the finding at server.js:2 adds the limiter here too)" in \
        findings["a-preview.js"].message

"""An app mounted through a name bound to a choice (``rules/_mounts.py``, ``_chosen_file``):
``const api = FAKE ? fakeApi : proxy; app.use('/api', api)`` mounts the imported sub-app
whichever way the condition goes, so helmet, rate-limit, error-handler and security-txt report
the parent, never the sub-app. A name bound twice, or to the sub-app alone through no choice
read here, is judged as before."""

from __future__ import annotations

import pytest

from nodeharden import check

PACKAGE = '{"name": "a", "dependencies": {"express": "^4.21.0"}}'
PARENT = """\
const express = require('express');
const fakeApi = require('./fake-api');
const proxy = require('./proxy');
const app = express();
app.get('/', (req, res) => res.send('home'));
{binding}
app.use('/api', api);
app.listen(3000);
"""
FAKE_API = """\
const express = require('express');
const sub = express();
sub.get('*', (req, res) => res.json({ url: req.url }));
module.exports = sub;
"""
PROXY = "module.exports = (req, res, next) => next();\n"
RULES = ["helmet", "rate-limit", "error-handler", "security-txt"]


def findings(project, binding: str) -> set[tuple[str, str]]:
    root = project({"package.json": PACKAGE, "server.js": PARENT.format(binding=binding),
                    "fake-api.js": FAKE_API, "proxy.js": PROXY,
                    "Procfile": "web: node server.js\n",
                    "SECURITY.md": "Report to security@example.org\n"})
    report = check(root, select=RULES)
    assert not report.failed, report.failed
    return {(f.rule, f.path) for f in report.findings}


@pytest.mark.parametrize("binding", [
    "const api = process.env.FAKE_API ? fakeApi : proxy;",
    "const api = process.env.FAKE_API === 'true'\n  ? fakeApi\n  : proxy;",
    "const api = process.env.REAL ? proxy : fakeApi;",
    "const api = process.env.FAKE_API ? fakeApi : proxy || ((req, res, next) => next());",
    "let api = process.env.FAKE_API ? fakeApi : proxy;",
])
def test_a_sub_app_chosen_for_a_mount_is_reported_through_its_parent(project, binding) -> None:
    found = findings(project, binding)
    assert {path for _, path in found} == {"server.js"}
    assert {rule for rule, _ in found} == set(RULES)


@pytest.mark.parametrize("binding", [
    # bound again later: which value is mounted cannot be told
    "let api = process.env.FAKE_API ? fakeApi : proxy;\napi = fakeApi;",
])
def test_a_name_bound_twice_leaves_the_sub_app_an_app(project, binding) -> None:
    found = findings(project, binding)
    assert ("helmet", "fake-api.js") in found

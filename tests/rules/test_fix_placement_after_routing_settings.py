"""Middleware a fix adds right after ``express()`` goes after the settings lines that follow it
when one of them is a routing setting: Express makes the app's router at its first ``use``,
route or ``param`` and reads ``case sensitive routing`` and ``strict routing`` then, so
``app.use(helmet())`` above ``app.set('case sensitive routing', true)`` silently turned case
sensitivity off (ODK Central's backend, held-out sample 30: a test of a 404 on
``/v1/USERS/current`` answered 401). Other settings do not move the insertion."""

from __future__ import annotations

import pytest

from nodeharden import fix

PACKAGE = '{"name": "svc", "dependencies": {"express": "~4.21"}}'


def fixed(project, body: str) -> str:
    code = ("const express = require('express');\n\nmodule.exports = () => {\n"
            "  const service = express();\n" + body +
            "  service.get('/v1/users/current', (req, res) => res.json({}));\n"
            "  return service;\n};\n")
    root = project({"package.json": PACKAGE, "service.js": code})
    fix(root, select=["helmet"], unsafe=True)
    return (root / "service.js").read_text()


@pytest.mark.parametrize("settings", [
    "  service.set('case sensitive routing', true);\n",
    "  service.set('case sensitive routing', true);\n  service.set('query parser', 'simple');\n"
    "  service.disable('x-powered-by');\n",
    "  service.disable('etag');\n  // routes are matched exactly\n"
    "  service.enable('strict routing');\n",
])
def test_middleware_goes_after_a_routing_setting(project, settings: str) -> None:
    code = fixed(project, settings)
    assert code.index("service.use(helmet") > code.rindex("routing")


def test_other_settings_keep_the_middleware_right_after_the_app(project) -> None:
    code = fixed(project, "  service.set('query parser', 'simple');\n")
    assert code.index("service.use(helmet") < code.index("service.set('query parser'")

"""``const app = express().disable('x-powered-by')`` binds the app itself: ``disable``,
``enable`` and a two-argument ``set`` hand back the app they are called on, so the app is
known by its name (where a rule inserts middleware, which factory returns it). A one-argument
``set`` reads a setting, and any other method's value is not the app."""

from __future__ import annotations

import pytest

from nodeharden._express import extract_facts
from nodeharden._parse import parse


def app_names(code: str) -> list[str | None]:
    source = code.encode()
    facts = extract_facts("javascript", source, parse("javascript", source).root_node,
                          "app.js", "commonjs")
    return [app.name for app in facts.apps if app.kind == "app"]


@pytest.mark.parametrize("code", [
    "const app = express().disable('x-powered-by');",
    "const app = express().enable('trust proxy');",
    "const app = express().set('trust proxy', 1).disable('etag');",
    "let app;\napp = (express()).disable('x-powered-by');",
])
def test_a_chained_setting_keeps_the_app_s_name(code: str) -> None:
    assert app_names("const express = require('express');\n" + code) == ["app"]


@pytest.mark.parametrize("code", [
    "const env = express().set('env');",
    "const server = express().listen(3000);",
    "const handle = express().disable;",
])
def test_what_is_not_the_app_binds_no_name(code: str) -> None:
    assert app_names("const express = require('express');\n" + code) == [None]

"""error-handler: the final handler it inserts names the parameters it does not read with a
leading underscore (``_req``), so TypeScript's ``noUnusedParameters`` (TS6133) and eslint's
``no-unused-vars`` with ``argsIgnorePattern: '^_'`` accept it. Express tells an error handler
by its four parameters; their names are free."""

from __future__ import annotations

import re

import pytest

from nodeharden._api import fix

from conftest import write_tree

JS = """const express = require('express');

const app = express();
app.get('/boom', () => {
  throw new Error('detail');
});

app.listen(3000);
"""

TS = """import express from 'express';

const app = express();
app.get('/boom', () => {
  throw new Error('detail');
});

app.listen(3000);
"""


def _unread(params: list[str], body: str) -> list[str]:
    """The parameters ``body`` never reads and whose name does not start with ``_``."""
    return [name for name in params if not name.startswith("_")
            and not re.search(rf"(?<![\\w$.]){name}(?![\\w$])", body)]


@pytest.mark.parametrize(("rel", "source", "extra"), [
    ("app.js", JS, {}),
    ("app.ts", TS, {"tsconfig.json": "{}\n"}),
])
def test_inserted_handler_reads_every_parameter_not_named_with_underscore(
        tmp_path, rel: str, source: str, extra: dict[str, str]) -> None:
    write_tree(tmp_path, {"package.json": '{"dependencies": {"express": "^5.1.0"}}\n',
                          rel: source, **extra})
    fix(tmp_path, select=["error-handler"], force=True)
    fixed = (tmp_path / rel).read_text()
    start = fixed.index("app.use(")
    head_end = fixed.index("=>", start)
    params = [re.split(r"[:\s]", part.strip())[0]
              for part in fixed[fixed.index("(", start + len("app.use(")) + 1:head_end]
              .rsplit(")", 1)[0].split(",") if part.strip()]
    # the parameter list's types hold `{ status?: number; statusCode?: number }`: keep names
    params = [name for name in params if re.fullmatch(r"[A-Za-z_$][\w$]*", name)
              and name not in ("status", "statusCode")]
    body = fixed[head_end:]
    assert params[:1] == ["err"] and "_req" in params, fixed
    assert _unread(params, body) == [], fixed


def test_pino_http_handler_keeps_req_it_reads(tmp_path) -> None:
    # With pino-http the handler reads `req.log`: the request keeps its name.
    write_tree(tmp_path, {
        "package.json": '{"dependencies": {"express": "^5.1.0", "pino-http": "^11.0.0"}}\n',
        "app.js": JS.replace("const app = express();\n",
                             "const pinoHttp = require('pino-http');\n\n"
                             "const app = express();\napp.use(pinoHttp());\n")})
    fix(tmp_path, select=["error-handler"], force=True)
    fixed = (tmp_path / "app.js").read_text()
    assert "app.use((err, req, res, next) => {" in fixed and "if (req.log) {" in fixed, fixed

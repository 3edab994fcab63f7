"""One snippet for the template and the fixer: the rate-limit module ``nodeharden new`` ships as
``src/rate-limit.js`` is the snippet ``snippets/rate-limit.js.jinja`` with the template's
options, and the module rate-limit's fix creates is the same snippet with the fix's options:
the template's module, byte for byte, with the fix's limiters (and its login limiter) added.
The options that differ are named here, each with the lines it changes; any other drift
between the two fails. Run in Node, both modules answer alike: the same headers and 429, and
a store error passed on to the app's error handler."""

from __future__ import annotations

import difflib
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import have_node, npm_install, serve_app, write_tree
from nodeharden import _scaffold
from nodeharden._api import fix
from nodeharden._snippets import render_snippet, render_template_file
from nodeharden._style import Style

APP_CJS = """const express = require('express');

const app = express();
app.use(express.json());
app.post('/login', (req, res) => {
  res.json({ ok: true });
});

module.exports = app;
"""
APP_ESM = APP_CJS.replace("const express = require('express');", "import express from 'express';") \
    .replace("module.exports = app;", "export default app;")


@pytest.fixture(scope="module", autouse=True)
def template_cache(tmp_path_factory: pytest.TempPathFactory) -> object:
    """Keep the versioned template repository out of the user's cache folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NODEHARDEN_TEMPLATE_CACHE", str(tmp_path_factory.mktemp("template-cache")))
        yield


def _shipped(root: Path, module_system: str, store: str) -> str:
    app = _scaffold.new(root, data={"module_system": module_system, "rate_limit_store": store},
                        defaults=True)
    return (app / "src" / "rate-limit.js").read_text()


def _fixed(root: Path, module_system: str, config: str = "") -> str:
    """Fix a legacy app with a login route with rate-limit; return the module it created."""
    esm = module_system == "esm"
    package = {"name": "legacy", "dependencies": {"express": "^5.1.0"},
               **({"type": "module"} if esm else {})}
    write_tree(root, {"package.json": json.dumps(package), "app.js": APP_ESM if esm else APP_CJS,
                      **({".nodeharden.yml": config} if config else {})})
    fix(root, select=["rate-limit"], force=True, unsafe=True)
    return (root / "middleware" / "rate-limit.js").read_text()


def _drift(template: str, fixed: str) -> tuple[list[str], list[str]]:
    """Return the template's lines the fix does not write and the lines it writes instead of
    them (lines it only adds are not drift)."""
    old, new = template.splitlines(), fixed.splitlines()
    removed: list[str] = []
    replaced: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            removed += old[i1:i2]
            replaced += new[j1:j2]
    return removed, replaced


#: The template's export lines (CommonJS: one per line, at the end): the fix exports the same
#: names and its own after them, so its lines interleave.
def _without_exports(lines: list[str]) -> list[str]:
    return [line for line in lines if not line.startswith("exports.")]


@pytest.mark.parametrize("module_system", ["esm", "commonjs"])
def test_snippet_in_the_default_style_is_the_template_file(module_system: str) -> None:
    style = Style(module="esm" if module_system == "esm" else "commonjs")
    assert render_snippet("rate-limit.js", style) == render_template_file(
        "template/src/rate-limit.js.jinja", module_system=module_system)


@pytest.mark.parametrize(("module_system", "store"), [("esm", "memory"), ("commonjs", "redis")])
def test_new_ships_the_snippet(tmp_path: Path, module_system: str, store: str) -> None:
    shipped = _shipped(tmp_path / "new", module_system, store)
    style = Style(module="esm" if module_system == "esm" else "commonjs")
    assert shipped == render_snippet("rate-limit.js", style)
    # The template's API, which its app.js and routes/auth.js import.
    for name in ("clientKey", "createLimiter", "rateLimit", "setRateLimitHeaders",
                 "tooManyRequests"):
        assert (f"export function {name}(" in shipped if module_system == "esm"
                else f"exports.{name} = {name};" in shipped)


@pytest.mark.parametrize("module_system", ["esm", "commonjs"])
def test_fix_with_a_redis_store_writes_the_template_module_plus_its_limiters(
        tmp_path: Path, module_system: str) -> None:
    shipped = _shipped(tmp_path / "new", module_system, "redis")
    created = _fixed(tmp_path / "fixed", module_system, "rate_limit:\n  store: redis\n")
    removed, replaced = _drift("\n".join(_without_exports(shipped.splitlines())),
                               "\n".join(_without_exports(created.splitlines())))
    # The one option that changes a line: `net` (the fix cannot see the project's Node version;
    # `node:` needs Node 14.18/16). Everything else the fix writes is added after the template's.
    import_net = {"esm": ("import { isIPv6 } from 'node:net';", "import { isIPv6 } from 'net';"),
                  "commonjs": ("const { isIPv6 } = require('node:net');",
                               "const { isIPv6 } = require('net');")}[module_system]
    assert removed == [import_net[0]]
    assert import_net[1] in replaced
    template_lines = set(shipped.splitlines())
    assert not any(line in template_lines for line in replaced if line.strip()), replaced
    # What the fix adds: its own Redis client, the login limiter and the wired limiters.
    assert "const redis = new Redis(process.env.REDIS_URL, {" in created
    assert "rateLimit(createLimiter(requests, { redis }))" in created
    assert "loginRateLimit(logins, { redis })" in created


@pytest.mark.parametrize("module_system", ["esm", "commonjs"])
def test_fix_with_the_memory_store_drops_only_the_redis_branch(tmp_path: Path,
                                                               module_system: str) -> None:
    shipped = _shipped(tmp_path / "new", module_system, "memory")
    created = _fixed(tmp_path / "fixed", module_system)
    removed, _ = _drift("\n".join(_without_exports(shipped.splitlines())),
                        "\n".join(_without_exports(created.splitlines())))
    # The memory store needs neither RateLimiterRedis nor the branch that builds it (so its
    # import fits one line: no trailing comma for prettier to disagree about); `net` as above.
    # The comment and signature of createLimiter say so; nothing else is left out.
    redis_branch = ["  if (!redis) {", "    return new RateLimiterMemory(options);", "  }", "",
                    "  const insuranceLimiter = new RateLimiterMemory(options);", "",
                    "  return new RateLimiterRedis({", "    ...options,", "    storeClient: redis,",
                    "    rejectIfRedisNotReady: true,", "    insuranceLimiter,", "  });"]
    left_out = [line for line in removed if not (
        line.startswith(("//", "import {", "const {", "} from ", "} = require(", "  RateLimiter"))
        or "node:net" in line or "createLimiter(limits, { redis } = {})" in line)]
    assert left_out == redis_branch
    # Every function the template ships but createLimiter is in the fix's module unchanged.
    for name in ("setRateLimitHeaders", "tooManyRequests", "refuse", "clientKey", "rateLimit"):
        assert _function(shipped, name) == _function(created, name), name


def _function(source: str, name: str) -> str:
    lines = source.splitlines()
    start = next(i for i, line in enumerate(lines)
                 if line.startswith((f"function {name}(", f"export function {name}(")))
    end = lines.index("}", start)
    return "\n".join(lines[start:end + 1])


def test_the_projects_style_only_restyles_the_snippet() -> None:
    """The fix's style options reach every line: double quotes, no semicolons, four spaces."""
    style = Style(quote='"', semicolons=False, indent="    ", module="esm")
    plain = render_snippet("rate-limit.js", Style(module="esm"))
    styled = render_snippet("rate-limit.js", style)
    assert plain != styled
    assert _restyled_equal(plain, styled)


def _restyled_equal(plain: str, styled: str) -> bool:
    for a, b in zip(plain.splitlines(), styled.splitlines(), strict=True):
        body = a.lstrip(" ")
        depth = (len(a) - len(body)) // 2
        if not body.startswith("//"):
            body = body.replace("'", '"')
            body = body[:-1] if body.endswith(";") else body
        if b != "    " * depth + body:
            return False
    return True


SERVER = """\
{imports}
const app = express();
const limiter = createLimiter({{ keyPrefix: 'requests', points: 2, durationSeconds: 60 }});
const down = () => Promise.reject(new Error('store down'));
const broken = {{ points: 2, duration: 60, consume: down }};
app.get('/', rateLimit(limiter), (req, res) => res.json({{ ok: true }}));
app.get('/broken', rateLimit(broken), (req, res) => res.json({{ ok: true }}));
app.use((err, req, res, next) => res.status(503).json({{ error: err.message }}));
const server = app.listen(0, '127.0.0.1', () => {{
  console.log('listening ' + server.address().port);
}});
"""


def _get(url: str) -> tuple[int, dict[str, str], object]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def _answers(base: str) -> list[tuple[int, dict[str, str], object]]:
    keep = ("RateLimit-Policy", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset",
            "Retry-After")
    answers = []
    for path in ("/", "/", "/", "/broken"):
        status, headers, body = _get(base + path)
        answers.append((status, {k: v for k, v in headers.items() if k in keep}, body))
    return answers


@pytest.mark.slow
@pytest.mark.skipif(not have_node(), reason="needs node and npm")
def test_the_fixers_module_answers_like_the_templates(tmp_path: Path) -> None:
    shipped = render_template_file("template/src/rate-limit.js.jinja", module_system="commonjs")
    created = _fixed(tmp_path / "fixed", "commonjs")
    imports = ("const express = require('express');\n"
               "const { createLimiter, rateLimit } = require('./rate-limit.js');\n")
    root = write_tree(tmp_path / "probe", {
        "package.json": json.dumps({"name": "probe", "private": True, "dependencies": {
            "express": "^5.1.0", "rate-limiter-flexible": "11.4.0"}}),
        "template/rate-limit.js": shipped, "template/server.js": SERVER.format(imports=imports),
        "fixed/rate-limit.js": created, "fixed/server.js": SERVER.format(imports=imports),
    })
    npm_install(root)
    answers = {}
    for which in ("template", "fixed"):
        with serve_app(root, f"{which}/server.js") as base:
            answers[which] = _answers(base)
    assert answers["fixed"] == answers["template"]
    statuses = [status for status, _, _ in answers["fixed"]]
    # Two points, then 429; a store error goes to the app's error handler (the template's
    # behaviour; the fixer's old copy let the request through).
    assert statuses == [200, 200, 429, 503]
    limited = answers["fixed"][2]
    assert limited[1]["RateLimit-Policy"] == "2;w=60" and int(limited[1]["Retry-After"]) >= 1
    assert limited[2] == {"error": "Too Many Requests"}
    assert answers["fixed"][3][2] == {"error": "store down"}

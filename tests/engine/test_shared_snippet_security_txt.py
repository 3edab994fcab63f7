"""One snippet serves security.txt for the template and the fixer: the ``SECURITY_TXT`` text and
``securityTxt`` handler ``nodeharden new`` ships in ``src/security-txt.js`` are the snippet
rendered with the template's options, the route security-txt's fix adds is the same snippet
rendered with the fix's options (the text read from the project's file, the handler inline on
the app), and over real HTTP both answer the same status, content type and bytes."""

from __future__ import annotations

import json
import re
import subprocess
import urllib.request
from pathlib import Path

import pytest

from conftest import have_node, linked_app, npm_install, write_tree
from nodeharden import _scaffold
from nodeharden._api import fix
from nodeharden._snippets import render_snippet, render_template_file
from nodeharden._style import Style

ANSWERS = {"security_contact": "mailto:security@acme.test", "public_url": "https://api.acme.test",
           "security_txt_expires": "2027-06-01T00:00:00.000Z", "project_name": "acme"}
LINES = ["Contact: mailto:security@acme.test", "Expires: 2027-06-01T00:00:00.000Z",
         "Preferred-Languages: en", "Canonical: https://api.acme.test/.well-known/security.txt",
         "Policy: https://api.acme.test/security-policy"]
RESPONSE_RE = re.compile(r"res\.type\((.)text/plain; charset=utf-8\1\)\.send\(\w+\)")


@pytest.fixture(scope="module", autouse=True)
def template_cache(tmp_path_factory: pytest.TempPathFactory) -> object:
    """Keep the versioned template repository out of the user's cache folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NODEHARDEN_TEMPLATE_CACHE", str(tmp_path_factory.mktemp("template-cache")))
        yield


@pytest.mark.parametrize("module_system", ["esm", "commonjs"])
def test_template_module_is_the_snippet_with_the_template_options(module_system: str) -> None:
    shipped = render_template_file("template/src/security-txt.js.jinja",
                                   module_system=module_system, **ANSWERS)
    snippet = render_snippet("security-txt.js", Style(module="esm" if module_system == "esm"
                                                      else "commonjs"),
                             security_txt_lines=LINES)
    assert snippet.startswith("const SECURITY_TXT = [\n  'Contact: mailto:security@acme.test',")
    assert snippet.endswith("function securityTxt(req, res) {\n"
                            "  res.type('text/plain; charset=utf-8').send(SECURITY_TXT);\n}")
    assert snippet in shipped


@pytest.mark.parametrize("module_system", ["esm", "commonjs"])
def test_new_ships_the_snippet(tmp_path: Path, module_system: str) -> None:
    app = _scaffold.new(tmp_path / "new", data={"module_system": module_system}, defaults=True)
    shipped = (app / "src" / "security-txt.js").read_text()
    lines = re.findall(r"^  '([A-Z][\w-]+: [^']+)',$", shipped, re.M)
    assert [line.split(":")[0] for line in lines] == [
        "Contact", "Expires", "Preferred-Languages", "Canonical", "Policy"]
    assert render_snippet("security-txt.js", Style(module="esm" if module_system == "esm"
                                                   else "commonjs"),
                          security_txt_lines=lines) in shipped


LEGACY = {
    "commonjs": ("const express = require('express');\n\nconst app = express();\n"
                 "app.get('/', (req, res) => res.send('ok'));\n\nmodule.exports = app;\n"),
    "esm": ('import express from "express"\n\nexport const app = express()\n'
            'app.get("/", (req, res) => res.send("ok"))\n'),
}


def _fixed(root: Path, module_system: str, app_source: str, security_txt: str | None) -> str:
    package = {"name": "legacy", "dependencies": {"express": "^5.1.0"},
               **({"type": "module"} if module_system == "esm" else {})}
    files = {"package.json": json.dumps(package), "src/app.js": app_source,
             ".nodeharden.yml": "security_txt:\n  contact: security@acme.test\n"}
    if security_txt is not None:
        files[".well-known/security.txt"] = security_txt
    write_tree(root, files)
    fix(root, select=["security-txt"], force=True)
    return (root / "src" / "app.js").read_text()


@pytest.mark.parametrize("module_system", ["esm", "commonjs"])
def test_fix_adds_the_snippet_with_the_fix_options(tmp_path: Path, module_system: str) -> None:
    source = LEGACY[module_system]
    fixed = _fixed(tmp_path / "p", module_system, source, None)
    esm = module_system == "esm"
    style = Style(module="esm" if esm else "commonjs", quote='"' if esm else "'",
                  semicolons=not esm)
    names = {"readFileSync": "fs.readFileSync", "join": "path.join", "dirname": "path.dirname",
             "fileURLToPath": "fileURLToPath"}
    snippet = render_snippet("security-txt.js", style, app="app", read_file={
        "parts": ["..", ".well-known", "security.txt"], "esm": esm, **names})
    assert snippet in fixed
    # The handler answers as the template's does: same call, same content type.
    shipped = render_template_file("template/src/security-txt.js.jinja",
                                   module_system=module_system, **ANSWERS)
    template_response = RESPONSE_RE.search(shipped)
    fixed_response = RESPONSE_RE.search(fixed)
    assert template_response and fixed_response
    assert fixed_response.group(0).replace('"', "'").replace("securityTxt", "SECURITY_TXT") == \
        template_response.group(0)


def _get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers["Content-Type"], response.read()


SERVE_TEMPLATE_MODULE = """const express = require('express');
const { securityTxt } = require('./security-txt.js');

const app = express();
app.get('/.well-known/security.txt', securityTxt);
const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""
SERVE_FIXED_APP = """const app = require('./src/app.js');

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""


@pytest.mark.slow
@pytest.mark.skipif(not have_node(), reason="needs node and npm")
def test_template_and_fixed_app_answer_the_same_over_http(tmp_path: Path) -> None:
    from conftest import serve_app

    installed = write_tree(tmp_path / "installed", {"package.json": json.dumps(
        {"name": "deps", "private": True, "dependencies": {"express": "^5.1.0"}})})
    npm_install(installed)
    template = linked_app(tmp_path / "template", {
        "package.json": '{"name": "t", "private": true}\n',
        "security-txt.js": render_template_file("template/src/security-txt.js.jinja",
                                                module_system="commonjs", **ANSWERS),
        "server.js": SERVE_TEMPLATE_MODULE}, installed)
    text = subprocess.run(
        ["node", "-e", "process.stdout.write(require('./security-txt.js').SECURITY_TXT)"],
        cwd=template, capture_output=True, text=True, check=True, timeout=60).stdout
    assert text.startswith("Contact: mailto:security@acme.test\n")

    fixed_root = tmp_path / "fixed"
    fixed_root.mkdir()
    (fixed_root / "node_modules").symlink_to(installed / "node_modules")
    _fixed(fixed_root, "commonjs", LEGACY["commonjs"], text)
    write_tree(fixed_root, {"server.js": SERVE_FIXED_APP})

    with serve_app(template, "server.js") as base:
        from_template = _get(base + "/.well-known/security.txt")
    with serve_app(fixed_root, "server.js") as base:
        from_fix = _get(base + "/.well-known/security.txt")
    assert from_template == from_fix
    assert from_fix[0] == 200 and from_fix[1] == "text/plain; charset=utf-8"
    assert from_fix[2] == text.encode()

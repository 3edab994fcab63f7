"""helmet's fix writes ``app.use(helmet({...}))`` within the project's line width (prettier's
printWidth, 80 when a prettier config leaves it out; ESLint's max-len), as prettier prints it:
on one line where it fits, else helmet's call on a line of its own, else its options one a
line too, with the project's trailing commas, indentation, brace spacing and semicolons.
Without a known width the call stays on one line. Before, the options were always on one
line (155 columns in a project formatted at 80), and ``prettier --check`` failed on the fixed
file. The slow test runs the real prettier over the fixed files."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import have_node, npm_env, write_tree
from nodeharden._api import fix

PACKAGE = json.dumps({"name": "icons", "dependencies": {"express": "^4.21.0",
                                                        "cors": "^2.8.5"}})

#: An icon API for other origins whose middleware writes three of helmet's headers itself:
#: the fix switches helmet's three off and lets other sites load the icons.
APP = """\
const express = require('express');
const cors = require('cors');

const app = express();
app.use(cors());
app.use((req, res, next) => {
  res.setHeader('Content-Security-Policy', "default-src 'none'");
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  next();
});
app.get('/icons/:id', (req, res) => {
  res.setHeader('Content-Type', 'image/png');
  res.send(Buffer.alloc(1));
});

module.exports = app;
"""

#: The app made inside a function, and no cross-origin icons: three options, indented once.
NESTED_APP = """\
const express = require('express');

function makeApplication() {
  const application = express();
  application.use((req, res, next) => {
    res.setHeader('Content-Security-Policy', "default-src 'none'");
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  return application;
}

module.exports = makeApplication;
"""


def fixed(tmp_path: Path, files: dict[str, str], app: str = APP) -> str:
    root = write_tree(tmp_path / "app", {"package.json": PACKAGE, "app.js": app, **files})
    fix(root, select=["helmet"])
    return (root / "app.js").read_text()


def test_options_past_the_width_go_one_a_line(tmp_path: Path) -> None:
    code = fixed(tmp_path, {".prettierrc": '{ "singleQuote": true }\n'})
    assert ("const app = express();\n"
            "app.use(\n"
            "  helmet({\n"
            "    contentSecurityPolicy: false,\n"
            "    referrerPolicy: false,\n"
            "    xFrameOptions: false,\n"
            "    crossOriginResourcePolicy: { policy: 'cross-origin' },\n"
            "  }),\n"
            ");\n"
            "app.use(cors());\n") in code, code


def test_a_call_that_fits_on_its_own_line_moves_there(tmp_path: Path) -> None:
    code = fixed(tmp_path, {".prettierrc": '{ "printWidth": 100, "trailingComma": "es5" }\n'},
                 NESTED_APP)
    assert ("  const application = express();\n"
            "  application.use(\n"
            "    helmet({ contentSecurityPolicy: false, referrerPolicy: false, "
            "xFrameOptions: false })\n"
            "  );\n") in code, code


def test_tabs_no_trailing_commas_tight_braces_and_no_semicolons(tmp_path: Path) -> None:
    config = json.dumps({"singleQuote": True, "useTabs": True, "trailingComma": "none",
                         "bracketSpacing": False, "semi": False})
    app = APP.replace("  ", "\t").replace(";\n", "\n")
    code = fixed(tmp_path, {".prettierrc": config}, app)
    assert ("const app = express()\n"
            "app.use(\n"
            "\thelmet({\n"
            "\t\tcontentSecurityPolicy: false,\n"
            "\t\treferrerPolicy: false,\n"
            "\t\txFrameOptions: false,\n"
            "\t\tcrossOriginResourcePolicy: {policy: 'cross-origin'}\n"
            "\t})\n"
            ")\n") in code, code


def test_eslint_max_len_is_a_width_too(tmp_path: Path) -> None:
    code = fixed(tmp_path, {".eslintrc.json": json.dumps({"rules": {"max-len": ["error", 100]}})},
                 NESTED_APP)
    assert ("  application.use(\n    helmet({ contentSecurityPolicy: false, "
            "referrerPolicy: false, xFrameOptions: false }),\n  );\n") in code, code


def test_without_a_known_width_the_call_stays_on_one_line(tmp_path: Path) -> None:
    code = fixed(tmp_path, {})
    assert ("app.use(helmet({ contentSecurityPolicy: false, referrerPolicy: false, "
            "xFrameOptions: false, crossOriginResourcePolicy: { policy: 'cross-origin' } }));\n"
            ) in code, code


@pytest.mark.slow
@pytest.mark.skipif(not have_node(), reason="node and npm are required")
@pytest.mark.parametrize("config, app", [
    ('{ "singleQuote": true }', APP),
    ('{ "singleQuote": true, "printWidth": 100, "trailingComma": "es5" }', NESTED_APP),
    ('{ "singleQuote": true, "useTabs": true, "trailingComma": "none", "bracketSpacing": false,'
     ' "semi": false }', APP.replace("  ", "\t").replace(";\n", "\n")),
    ('{ "singleQuote": true, "printWidth": 70 }', NESTED_APP),
], ids=["width-80", "width-100-es5", "tabs-none-tight-nosemi", "width-70-nested"])
def test_real_prettier_accepts_the_fixed_file(prettier3: Path, tmp_path: Path, config: str,
                                              app: str) -> None:
    root = write_tree(tmp_path / "app", {"package.json": PACKAGE, "app.js": app,
                                         ".prettierrc": config})
    check = [str(prettier3), "--check", "app.js"]
    before = subprocess.run(check, cwd=root, env=npm_env(), capture_output=True, text=True)
    assert before.returncode == 0, before.stdout + before.stderr
    fix(root, select=["helmet"])
    assert "helmet(" in (root / "app.js").read_text()
    after = subprocess.run(check, cwd=root, env=npm_env(), capture_output=True, text=True)
    assert after.returncode == 0, after.stdout + after.stderr + (root / "app.js").read_text()

"""The final error handler error-handler's fix inserts passes the project's own prettier, the
major version the project declares (2 or 3), with its defaults and with the options a project
sets that change how the statement is printed (trailingComma, printWidth, useTabs).

In TypeScript the handler's parameters, with their types, do not fit on one line at usual
widths: prettier 2 and 3 then print the arrow on lines of its own inside ``app.use(``, one level
in (they hug a sole arrow argument only when its parameters fit on one line), with a comma after
the last parameter and after the arrow only under ``trailingComma: all`` (prettier 3's default;
prettier 2's is ``es5``). At widths where the parameters fit on one line, prettier writes them
there, and hugs the arrow when the whole first line fits.

Each project is made here, checked with its prettier before the fix (so a failure is the
fix's), fixed, and checked again with the real prettier of its major version."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import have_node, npm_env, npm_install, write_tree

from nodeharden._api import fix

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not have_node(), reason="node and npm are required")]

#: The prettier each declared version runs (installed under aliases side by side).
PRETTIERS = {"2.2.1": "prettier22", "2.8.8": "prettier2", "^3.6.0": "prettier3"}


@pytest.fixture(scope="module")
def tools(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("prettiers")
    write_tree(root, {"package.json": json.dumps({
        "name": "prettiers", "private": True,
        "devDependencies": {alias: f"npm:prettier@{version}"
                            for version, alias in PRETTIERS.items()}})})
    npm_install(root)
    return root


TS_APP = """\
import express from "express";
import http from "http";

const app = express();
app.get("/", (req, res) => {
  res.sendFile("index.html", { root: "public" });
});

const server = http.createServer(app);
server.listen(8080);
"""

JS_APP = TS_APP.replace('import express from "express";\nimport http from "http";',
                        'const express = require("express");\nconst http = require("http");')


def prettier_check(tools: Path, root: Path, version: str, path: str,
                   mode: str = "--check") -> subprocess.CompletedProcess[str]:
    script = tools / "node_modules" / PRETTIERS[version] / (
        "bin-prettier.js" if version.startswith("2") else "bin/prettier.cjs")
    return subprocess.run(["node", str(script), mode, path], check=False, cwd=root,
                          env=npm_env(),
                          capture_output=True, text=True, timeout=300)


CONFIGS = {
    "defaults": {},
    "trailing-comma-all": {"trailingComma": "all"},
    "trailing-comma-es5": {"trailingComma": "es5"},
    "trailing-comma-none": {"trailingComma": "none"},
    "width-140": {"printWidth": 140},  # the parameters fit on the arrow's line
    "width-200": {"printWidth": 200},  # and `app.use((…) => {` fits as well
    "tabs": {"useTabs": True},
}


@pytest.mark.parametrize("lang", ["ts", "js"])
@pytest.mark.parametrize("config", sorted(CONFIGS))
@pytest.mark.parametrize("version", sorted(PRETTIERS))
def test_inserted_handler_passes_the_projects_prettier(tools: Path, tmp_path: Path,
                                                       version: str, config: str,
                                                       lang: str) -> None:
    options = CONFIGS[config]
    app = TS_APP if lang == "ts" else JS_APP
    if options.get("useTabs"):
        app = app.replace("\n  ", "\n\t")
    rel = f"src/index.{lang}"
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps({"name": "app", "private": True,
                                    "dependencies": {"express": "^4.18.2"},
                                    "devDependencies": {"prettier": version}}),
        ".prettierrc": json.dumps(options),
        rel: app})
    before = prettier_check(tools, root, version, rel)
    assert before.returncode == 0, before.stdout + before.stderr
    fix(root, select=["error-handler"], force=True)
    code = (root / rel).read_text()
    assert "res.headersSent" in code, code  # the handler went in
    after = prettier_check(tools, root, version, rel)
    assert after.returncode == 0, code + after.stdout + after.stderr
    if lang == "ts":
        hugged = "app.use((err: Error & { status?: number; statusCode?: number }, _req: " in code
        assert hugged is (config == "width-200")


#: A final handler that answers 500 to every error (the fix adds a client-error branch first
#: thing in its body); ``ERR`` is its error parameter's name.
ANSWERS_500_TS = """\
import express, { NextFunction, Request, Response } from "express";

const app = express();
app.use(express.json());
app.get("/", (req, res) => {
  res.send("ok");
});

export function handleError(
  ERR: Error,
  req: Request,
  res: Response,
  next: NextFunction,
) {
  if (res.headersSent) {
    return next(ERR);
  }
  res.status(500).send("Something went wrong");
}

app.use(handleError);
app.listen(8080);
"""

ANSWERS_500_JS = """\
const express = require("express");

const app = express();
app.use(express.json());
app.get("/", (req, res) => {
  res.send("ok");
});

app.use(function handleError(ERR, req, res, next) {
  if (res.headersSent) {
    return next(ERR);
  }
  res.status(500).send("Something went wrong");
});

app.listen(8080);
"""


@pytest.mark.parametrize("name", ["err", "unexpectedRequestFailure"])
@pytest.mark.parametrize("width", [50, 60, 80])
@pytest.mark.parametrize("lang", ["ts", "js"])
@pytest.mark.parametrize("version", ["2.8.8", "^3.6.0"])
def test_client_error_branch_fits_the_projects_print_width(tools: Path, tmp_path: Path,
                                                           version: str, lang: str,
                                                           width: int, name: str) -> None:
    """The client-error branch's lines (its comment, the status cast and read) stay within
    printWidth at the handler's indentation, broken as the project's prettier prints them:
    Chapter's 93-column ``const clientStatus = …`` failed prettier at 80."""
    app = (ANSWERS_500_TS if lang == "ts" else ANSWERS_500_JS).replace("ERR", name)
    rel = f"src/index.{lang}"
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps({"name": "app", "private": True,
                                    "dependencies": {"express": "^4.18.2"},
                                    "devDependencies": {"prettier": version}}),
        ".prettierrc": json.dumps({"printWidth": width}),
        rel: app})
    # The app as the project's prettier prints it at that width (the fix meets formatted code).
    prettier_check(tools, root, version, rel, "--write")
    before = prettier_check(tools, root, version, rel)
    assert before.returncode == 0, before.stdout + before.stderr
    fix(root, select=["error-handler"], force=True)
    code = (root / rel).read_text()
    assert "clientStatus < 500" in code, code  # the branch went in
    after = prettier_check(tools, root, version, rel)
    assert after.returncode == 0, code + after.stdout + after.stderr
    # prettier leaves comments as they are: the inserted one is wrapped by the fix itself.
    assert all(len(line) <= width for line in code.splitlines() if "//" in line), code



CHOSEN_STATUS_TS = """\
import express, { Request, Response } from "express";
import { templates } from "./templates";

export const router = express.Router();
router.get("/template", async (req: Request, res: Response) => {
  try {
    return res.send(await templates.csv(String(req.query.type)));
  } catch (e: any) {
    const isValidationError = e?.message?.startsWith("Invalid type");
    return res.status(isValidationError ? 400 : 500).json({
      message: e?.message || "FALLBACK",
    });
  }
});
"""

CHOSEN_STATUS_JS = CHOSEN_STATUS_TS.replace(
    'import express, { Request, Response } from "express";\n'
    'import { templates } from "./templates";\n',
    'const express = require("express");\nconst { templates } = require("./templates");\n'
).replace("export const router", "const router").replace(
    "(req: Request, res: Response)", "(req, res)").replace("(e: any)", "(e)") \
    + "\nmodule.exports = router;\n"

#: A fallback text that puts the property's value on the line after its key at width 80.
LONG_FALLBACK = "Could not download the template, please try again"


@pytest.mark.parametrize("width,fallback", [(80, "Failed"), (80, LONG_FALLBACK),
                                            (120, LONG_FALLBACK)],
                         ids=["fits", "value-below-its-key", "broken"])
@pytest.mark.parametrize("lang", ["ts", "js"])
@pytest.mark.parametrize("version", ["2.8.8", "^3.6.0"])
def test_message_kept_on_the_statuss_own_test_fits_the_print_width(
        tools: Path, tmp_path: Path, version: str, lang: str, width: int,
        fallback: str) -> None:
    """``message: isValidationError ? … : …``, the fix of a message sent with a status its
    own condition picks, goes right after the key's colon (also when the old value sat on
    the next line), on one line when it fits and else broken before ``?`` and ``:``, as
    prettier prints a conditional of a plain test."""
    rel = f"src/routes.{lang}"
    app = (CHOSEN_STATUS_TS if lang == "ts" else CHOSEN_STATUS_JS).replace("FALLBACK", fallback)
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps({"name": "app", "private": True,
                                    "dependencies": {"express": "^4.18.2"},
                                    "devDependencies": {"prettier": version}}),
        ".prettierrc": json.dumps({"printWidth": width}),
        rel: app})
    prettier_check(tools, root, version, rel, "--write")
    before = prettier_check(tools, root, version, rel)
    assert before.returncode == 0, before.stdout + before.stderr
    fix(root, select=["error-handler"], unsafe=True, force=True)
    code = (root / rel).read_text()
    assert "if (!isValidationError) {" in code and "message: isValidationError" in code, code
    after = prettier_check(tools, root, version, rel)
    assert after.returncode == 0, code + after.stdout + after.stderr

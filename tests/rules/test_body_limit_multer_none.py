"""body-limit: a multer instance used only as ``.none()`` takes text fields and rejects every file
part (``LIMIT_UNEXPECTED_FILE``), so a missing ``limits.fileSize`` lets no file through: it is
not reported. Only when every use is visible: ``multer().none()`` inline, or a name declared in
the file and used nowhere but ``name.none()``. Any other use (``.single``, as middleware itself,
exported, handed to other code) keeps the instance reported.

The last test runs multer with real node and real HTTP on 127.0.0.1 to show what the rule
relies on."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import found, have_node, npm_install, serve_app, write_tree

PJ = '{"name": "t", "dependencies": {"express": "^4.21.2", "multer": "^2.0.2"}}\n'
ESM = '{"name": "t", "type": "module", "dependencies": {"express": "^4.21.2", "multer": "^2.0.2"}}\n'

HEAD = """\
    const express = require('express');
    const multer = require('multer');
    const router = express.Router();
    """


def lines(root: Path, rel: str = "notes.js") -> set[int]:
    return {line for _rule, path, line in found(root, ["body-limit"]) if path == rel}


def test_instances_used_only_as_none_are_not_reported(project) -> None:
    root = project({"package.json": PJ, "notes.js": HEAD + """\
        const fields = multer();
        const typed = (multer({ storage: multer.memoryStorage() }));
        router.put('/notes', fields.none(), (req, res) => res.json(req.body));
        router.post('/notes/:id', fields.none(), (req, res) => res.json(req.body));
        router.post('/tags', typed.none(), (req, res) => res.json(req.body));
        router.post('/links', multer().none(), (req, res) => res.json(req.body));
        module.exports = router;
        """})
    assert lines(root) == set()


def test_typescript_instance_used_only_as_none(project) -> None:
    root = project({"package.json": ESM, "notes.ts": """\
        import express, { Request, Response } from 'express';
        import multerFunc from 'multer';
        const router = express.Router();
        const multer = multerFunc();
        router.put('/notes', multer.none(), (req: Request, res: Response) => res.json(req.body));
        router.post('/links', (multerFunc() as any).none(), (req: Request, res: Response) => {
          res.json(req.body);
        });
        export default router;
        """})
    assert lines(root, "notes.ts") == set()


@pytest.mark.parametrize("use,line", [
    # a file route beside the text-only ones
    ("router.post('/a', form.none(), ok);\nrouter.post('/b', form.single('avatar'), ok);", 4),
    ("router.post('/a', form.any(), ok);", 4),
    ("router.post('/a', form, ok);", 4),  # the instance itself as middleware
    ("router.post('/a', form.none(), ok);\nmodule.exports = { form };", 4),
    ("router.post('/a', form.none(), ok);\nmodule.exports.form = form;", 4),
    ("router.post('/a', form.none(), ok);\nrequire('./files')(router, form);", 4),
    # reassigned (the new instance is reported on its own line, 7)
    ("router.post('/a', form.none(), ok);\nform = multer({ dest: 'tmp/' });", 4),
    ("", 4),  # declared, used nowhere: nothing shows it takes no files
])
def test_other_uses_keep_the_instance_reported(project, use: str, line: int) -> None:
    declared = "let form = multer();" if "form =" in use else "const form = multer();"
    root = project({"package.json": PJ, "notes.js": HEAD + declared + "\n"
                    + "const ok = (req, res) => res.json(req.body);\n" + use + "\n"})
    assert lines(root) - {7} == {line}


def test_exported_instance_stays_reported(project) -> None:
    root = project({"package.json": ESM, "forms.js": """\
        import multer from 'multer';
        export const fields = multer();
        export const handler = [fields.none()];
        """})
    assert lines(root, "forms.js") == {2}


# --- real HTTP: what `.none()` does with a file -----------------------------------------------

APP = """\
    const express = require('express');
    const multer = require('multer');

    const app = express();
    const fields = multer();
    app.post('/notes', fields.none(), (req, res) => res.json({ saved: req.body }));
    app.use((err, req, res, next) => res.status(400).json({ code: err.code }));

    const server = app.listen(0, '127.0.0.1', () => {
      console.log('listening ' + server.address().port);
    });
    """

BOUNDARY = "----nodeharden-test"


def multipart(parts: list[tuple[str, str | None, bytes]]) -> bytes:
    body = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        body += f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n".encode()
        if filename:
            body += b"Content-Type: application/octet-stream\r\n"
        body += b"\r\n" + data + b"\r\n"
    return body + f"--{BOUNDARY}--\r\n".encode()


def post(url: str, body: bytes) -> tuple[int, dict]:
    req = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.slow
@pytest.mark.skipif(not have_node(), reason="node and npm are needed")
def test_none_takes_fields_and_rejects_every_file(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {"package.json": PJ, "app.js": APP})
    assert lines(root, "app.js") == set()
    npm_install(root)
    with serve_app(root) as url:
        text_only = post(url + "/notes", multipart([("title", None, b"hello")]))
        with_file = post(url + "/notes", multipart([("title", None, b"hello"),
                                                    ("doc", "big.bin", b"x" * (5 << 20))]))
    assert text_only == (200, {"saved": {"title": "hello"}})
    assert with_file == (400, {"code": "LIMIT_UNEXPECTED_FILE"})

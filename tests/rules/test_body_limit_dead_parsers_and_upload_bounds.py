"""body-limit: a parser that never parses a body (an earlier one of the same kind on the same
app reads them all) is not reported, and uploads are judged against ``upload_limit_max``
(default 10mb), not the request-body bound: files are legitimately larger than JSON bodies."""

from __future__ import annotations

import json

from conftest import PACKAGE_JSON, found, run_cli


def test_a_second_parser_of_the_same_kind_inside_a_loader_is_dead(project) -> None:
    root = project({
        "package.json": PACKAGE_JSON,
        "loaders/express.js": """
            const bodyParser = require('body-parser');
            module.exports = ({ app, admin }) => {
              app.use(bodyParser.json());
              app.use(bodyParser.json({ limit: '50mb' }));
              admin.use(bodyParser.json({ limit: '60mb' }));
              app.use('/api', bodyParser.urlencoded({ extended: false }));
              app.use(bodyParser.urlencoded({ limit: '64mb', extended: false }));
              app.use(bodyParser.text({ type: 'text/csv' }));
              app.use(bodyParser.text({ limit: '80mb' }));
              if (process.env.BIG) {
                app.use(bodyParser.raw({ limit: '1kb' }));
              }
              app.use(bodyParser.raw({ limit: '100mb' }));
            };
        """,
    })
    # Line 4 is dead after line 3 on the same app: not reported. 5: another app. 7: the earlier
    # urlencoded parser only sees /api. 9: the earlier text parser reads only text/csv. 13: the
    # earlier raw parser runs in another block, only sometimes.
    assert found(root) == {("body-limit", "loaders/express.js", n) for n in (5, 7, 9, 13)}


def test_upload_bounds_are_judged_against_upload_limit_max(project) -> None:
    files = {
        "package.json": PACKAGE_JSON,
        "uploads.js": """
            const multer = require('multer');
            const fileUpload = require('express-fileupload');
            const photo = multer({ limits: { fileSize: 8 * 1024 * 1024 } });
            const video = multer({ limits: { fileSize: 200 * 1024 * 1024 } });
            const any = fileUpload({ limits: { fileSize: 50 * 1024 * 1024 }, abortOnLimit: true });
            module.exports = { photo, video, any };
        """,
    }
    root = project(files)
    assert found(root) == {("body-limit", "uploads.js", n) for n in (4, 5)}  # not 3's 8mb
    report = json.loads(run_cli("check", root, "--format", "json").stdout)
    assert {f["message"] for f in report["findings"]} == {
        "multer upload accepts files up to 200mb, above upload_limit_max 10mb: one request "
        "can fill memory or disk",
        "express-fileupload upload accepts files up to 50mb, above upload_limit_max 10mb: one "
        "request can fill memory or disk"}
    roomy = project({**files, ".nodeharden.yml": "upload_limit_max: 256mb\n"})
    assert found(roomy) == set()


def test_an_upload_limit_max_that_is_not_a_size_is_a_one_line_error(project) -> None:
    root = project({"package.json": PACKAGE_JSON, ".nodeharden.yml": "upload_limit_max: lots\n",
                    "app.js": "module.exports = 1;\n"})
    proc = run_cli("check", root)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        proc.stderr.strip()] and "upload_limit_max" in proc.stderr

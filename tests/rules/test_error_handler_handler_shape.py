"""Which four-parameter functions error-handler reads as error handlers (their first
parameter the error): one named like an error, one whose third parameter is named like a
response, one registered with ``.use(…)`` (inline, by name in its file, or imported by the file that
registers it); not a data callback such as eventproxy's, nor a result writer whose first parameter
names what it writes out (``(result, request, response, next)``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeharden import check

PACKAGE_JSON = '{"name": "p", "dependencies": {"express": "^4.21.0"}}\n'


def _leak_lines(tmp_path: Path, body: str) -> list[int]:
    (tmp_path / "package.json").write_text(PACKAGE_JSON)
    (tmp_path / "routes.js").write_text(
        "const express = require('express');\n"
        "const router = express.Router();\n"
        "router.get('/', (req, res, next) => {\n"
        f"{body}"
        "});\n"
        "module.exports = router;\n")
    report = check(tmp_path, select=["error-handler"])
    return [f.line for f in report.findings if f.path == "routes.js"]


@pytest.mark.parametrize("first", ["err", "error", "e", "ex", "exception", "dbErr",
                                   "validationError", "db_err", "errMsg"])
def test_a_first_parameter_named_like_an_error_is_the_error(tmp_path: Path,
                                                            first: str) -> None:
    body = (f"  load(function ({first}, rows, total, page) {{\n"
            f"    res.status(500).json({{ message: {first}.message }});\n"
            "  });\n")
    assert _leak_lines(tmp_path, body) == [5]


@pytest.mark.parametrize("first", ["topics", "rows", "events", "errors", "result"])
def test_a_data_callback_with_four_parameters_is_no_handler(tmp_path: Path,
                                                            first: str) -> None:
    body = (f"  ep.all('a', 'b', 'c', 'd', function ({first}, tops, pages, count) {{\n"
            f"    res.render('index', {{ items: {first}, tops: tops }});\n"
            f"    res.json({first});\n"
            "  });\n")
    assert _leak_lines(tmp_path, body) == []


def test_a_response_third_parameter_makes_a_handler(tmp_path: Path) -> None:
    # Not registered here (exported for the app to mount), first parameter not named like an
    # error: the response as its third parameter makes it a handler.
    body = ("  next();\n"
            "  router.onFailure = function (failure, req, res, next) {\n"
            "    res.status(failure.status || 500).send(failure.stack);\n"
            "  };\n")
    assert _leak_lines(tmp_path, body) == [6]


@pytest.mark.parametrize("first", ["result", "data", "rows", "body", "payload"])
def test_a_result_writer_with_the_response_third_is_no_handler(tmp_path: Path,
                                                               first: str) -> None:
    # ODK Central's `(result, request, response, next)` writers (held-out sample 30): called
    # by the code with what an endpoint returned, never registered with `use`.
    (tmp_path / "package.json").write_text(PACKAGE_JSON)
    (tmp_path / "endpoint.js").write_text(
        f"const writeResult = ({first}, request, response, next) => {{\n"
        "  if (!response.hasHeader('Content-Type')) response.type('json');\n"
        f"  response.send({first});\n"
        "};\n"
        "const endpoint = endpointBase({ resultWriter: writeResult, errorWriter });\n"
        "module.exports = { writeResult, endpoint };\n")
    report = check(tmp_path, select=["error-handler"])
    assert [f.line for f in report.findings if f.path == "endpoint.js"] == []


def test_a_result_writer_registered_with_use_is_a_handler(tmp_path: Path) -> None:
    body = ("  next();\n"
            "});\n"
            "router.use(function (result, request, response, next) {\n"
            "  response.status(500).send(result.stack);\n")
    assert _leak_lines(tmp_path, body) == [7]


def _app_and_module(tmp_path: Path, register: str, module: str) -> list[tuple[str, int]]:
    (tmp_path / "package.json").write_text(PACKAGE_JSON)
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        f"{register}"
        "app.listen(3000);\n")
    (tmp_path / "on-failure.js").write_text(module)
    report = check(tmp_path, select=["error-handler"])
    assert not report.failed, report.failed
    return sorted((f.path, f.line) for f in report.findings)


_BODY = "(problem, rq, rs, nx) {\n  rs.status(problem.status || 500).send(problem.stack);\n}\n"


@pytest.mark.parametrize(("register", "module"), [
    ("const onFailure = require('./on-failure');\nconst app = express();\napp.use(onFailure);\n",
     f"module.exports = function {_BODY}"),
    ("const { onFailure } = require('./on-failure');\nconst app = express();\napp.use(onFailure);\n",
     f"exports.onFailure = function {_BODY}"),
    ("const { last } = require('./on-failure');\nconst app = express();\napp.use(last);\n",
     f"function onFailure{_BODY}module.exports = {{ last: onFailure }};\n"),
    ("const app = express();\napp.use(require('./on-failure'));\n",
     f"function onFailure{_BODY}module.exports = onFailure;\n"),
])
def test_a_function_another_file_registers_is_a_handler(tmp_path: Path, register: str,
                                                        module: str) -> None:
    # Registered with `.use(…)` in app.js, by the name it is imported under: its stack leak
    # (line 2 of the module) is reported whatever its parameters are called.
    assert _app_and_module(tmp_path, register, module) == [("on-failure.js", 2)]


def test_a_function_another_file_only_calls_is_no_handler(tmp_path: Path) -> None:
    register = ("const { sendPage, onFailure } = require('./on-failure');\n"
                "const app = express();\n"
                "app.get('/', (req, res) => sendPage([], 0, res, 0));\n"
                "app.use(onFailure);\n")
    module = ("function sendPage(rows, page, out, total) {\n  out.json({ rows, page });\n}\n"
              f"function onFailure{_BODY}module.exports = {{ sendPage, onFailure }};\n")
    assert _app_and_module(tmp_path, register, module) == [("on-failure.js", 5)]

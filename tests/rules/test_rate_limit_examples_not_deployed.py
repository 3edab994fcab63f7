"""rate-limit on projects that call themselves examples: a request limiter protects a running
service, so an example, tutorial or course project that nothing deploys is left alone, unless it
has a login route (the part readers copy into real apps)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import found, write_tree

APP = """\
    const express = require('express');
    const app = express();
    app.get('/todos', (req, res) => res.json([]));
    {login}
    app.listen(3000);
"""
LOGIN = "app.post('/login', (req, res) => res.status(401).end());"


def project(root: Path, *, readme: str, login: bool = False,
            extra: dict[str, str] | None = None) -> Path:
    return write_tree(root, {
        "package.json": '{"name": "todo-api", "dependencies": {"express": "^5.1.0"}}\n',
        "README.md": readme,
        "app.js": APP.format(login=LOGIN if login else ""),
        **(extra or {}),
    })


TUTORIAL = "# Todo API\n\nThe sample application of a getting started tutorial.\n"
CAPSTONE = "# X Publishing\n\nIn this capstone project, you will build the routing.\n"
PRODUCT = "# Todo API\n\nThe API behind our todo app, used by the mobile clients.\n"


@pytest.mark.parametrize("readme", [TUTORIAL, CAPSTONE])
def test_example_that_nothing_deploys_gets_no_request_limiter_finding(tmp_path: Path,
                                                                       readme: str) -> None:
    root = project(tmp_path, readme=readme)
    assert found(root, ["rate-limit"]) == set()


def test_example_with_a_login_route_is_still_reported(tmp_path: Path) -> None:
    root = project(tmp_path, readme=TUTORIAL, login=True)
    assert found(root, ["rate-limit"]) == {("rate-limit", "app.js", 2)}


def test_deployed_example_is_still_reported(tmp_path: Path) -> None:
    root = project(tmp_path, readme=TUTORIAL, extra={"Procfile": "web: node app.js\n"})
    assert found(root, ["rate-limit"]) == {("rate-limit", "app.js", 2)}


def test_project_that_does_not_call_itself_an_example_is_reported(tmp_path: Path) -> None:
    root = project(tmp_path, readme=PRODUCT)
    assert found(root, ["rate-limit"]) == {("rate-limit", "app.js", 2)}

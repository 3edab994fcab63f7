"""What proves the app runs with NODE_ENV=production (rules/_production.py), which silences
error-handler's "no final error handler" finding: the command that starts the app must run its
last command with NODE_ENV=production."""

from __future__ import annotations

import pytest

from nodeharden.rules._production import command_sets_production


@pytest.mark.parametrize("command", [
    "NODE_ENV=production node backend/index.js",
    "cross-env NODE_ENV=production node server.js",
    "export NODE_ENV=production && node server.js",
    "set NODE_ENV=production&&node server.js",
    "NODE_ENV='production' node server.js",
    "npm run build && NODE_ENV=production node dist/index.js",
])
def test_production_for_the_command_that_starts_the_app(command: str) -> None:
    assert command_sets_production(command)


@pytest.mark.parametrize("command", [
    "node server.js",
    "NODE_ENV=production npm run build && node dist/index.js",  # the build only
    "NODE_ENV=development node server.js",
    "export NODE_ENV=production && NODE_ENV=staging node server.js",
    "nodemon server.js",
    "NODE_ENV=productionish node server.js",
])
def test_not_production(command: str) -> None:
    assert not command_sets_production(command)

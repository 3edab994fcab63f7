"""dockerfile-user: a WORKDIR named by a variable (``WORKDIR $APP_HOME``) is the folder the
stage's ENV and ARG values make it, as the default build does; the fix gives it to the app user
exactly as it gives a WORKDIR written out (WORKDIR makes its folder as root, and ``COPY
--chown`` never changes the owner of a folder that already exists). When the value is not
known (a name the Dockerfile does not set, an ARG with no default), the fix is unsafe and says
which folder it left to root, instead of passing it over in silence. (The app here writes a
log in its folder: without such a write the WORKDIR is left to root.)"""

from __future__ import annotations

from nodeharden import check
from nodeharden._textedit import apply_edits

PACKAGE = '{"name": "ledger", "dependencies": {"express": "^4.21.0"}}'
SERVER = ("const fs = require('fs');\nconst app = require('express')();\n"
          "app.use((req, res, next) => { fs.appendFileSync('access.log', req.url); next(); });\n"
          "app.listen(3000);\n")


def _fix(project, dockerfile: str, name: str = "app"):
    root = project({"package.json": PACKAGE, "server.js": SERVER, "Dockerfile": dockerfile},
                   name)
    [finding] = check(root, select=["dockerfile-user"]).findings
    assert finding.fix is not None
    return finding.fix


def _applied(fix, dockerfile: str) -> str:
    [change] = fix.changes
    return apply_edits(dockerfile.encode(), change.edits).decode()


LITERAL = """\
FROM node:20-alpine
WORKDIR /srv/ledger
COPY . .
RUN npm ci --omit=dev
CMD ["node", "server.js"]
"""


def test_a_literal_workdir_is_fixed_as_before(project) -> None:
    fix = _fix(project, LITERAL)
    assert fix.applicability == "safe"
    assert _applied(fix, LITERAL) == """\
FROM node:20-alpine
WORKDIR /srv/ledger
COPY --chown=node:node . .
RUN npm ci --omit=dev && chown node:node /srv/ledger
USER node
CMD ["node", "server.js"]
"""


def test_a_workdir_named_by_env_is_given_to_the_user_like_a_literal_one(project) -> None:
    # Two ENV lines, the second built from the first, as release images often write them;
    # no RUN in the stage, so the chown gets a RUN of its own before USER.
    dockerfile = """\
FROM node:20-alpine
ENV BASE_DIR /srv
ENV LEDGER_HOME=${BASE_DIR}/ledger
WORKDIR $LEDGER_HOME
COPY . .
CMD ["node", "server.js"]
"""
    fix = _fix(project, dockerfile)
    assert fix.applicability == "safe"
    assert _applied(fix, dockerfile) == """\
FROM node:20-alpine
ENV BASE_DIR /srv
ENV LEDGER_HOME=${BASE_DIR}/ledger
WORKDIR $LEDGER_HOME
COPY --chown=node:node . .
RUN chown node:node /srv/ledger
USER node
CMD ["node", "server.js"]
"""


def test_the_same_stage_with_env_or_literal_gets_the_same_edits(project) -> None:
    named = LITERAL.replace("WORKDIR /srv/ledger", "ENV APP=/srv/ledger\nWORKDIR ${APP}")
    fix = _fix(project, named, "named")
    assert fix.applicability == "safe"
    assert _applied(fix, named) == _applied(_fix(project, LITERAL), LITERAL).replace(
        "WORKDIR /srv/ledger", "ENV APP=/srv/ledger\nWORKDIR ${APP}")


def test_a_workdir_named_by_an_arg_takes_its_default(project) -> None:
    dockerfile = """\
FROM node:20-alpine
ARG APP_ROOT=/opt/ledger
WORKDIR $APP_ROOT
COPY . .
RUN npm ci --omit=dev
CMD ["node", "server.js"]
"""
    fix = _fix(project, dockerfile)
    assert fix.applicability == "safe"
    assert "RUN npm ci --omit=dev && chown node:node /opt/ledger\nUSER node\n" in \
        _applied(fix, dockerfile)


def test_a_global_arg_declared_again_and_a_written_fallback_are_followed(project) -> None:
    dockerfile = """\
ARG PREFIX=/opt
FROM node:20-alpine AS build
WORKDIR /build
FROM node:20-alpine
ARG PREFIX
ARG FLAVOUR
WORKDIR ${PREFIX}/${FLAVOUR:-ledger}
COPY . .
RUN npm ci --omit=dev
CMD ["node", "server.js"]
"""
    fix = _fix(project, dockerfile)
    assert fix.applicability == "safe"
    assert "&& chown node:node /opt/ledger\n" in _applied(fix, dockerfile)


def test_a_relative_mkdir_under_a_named_workdir_is_given_to_the_user_too(project) -> None:
    dockerfile = """\
FROM node:20-alpine
ENV APP=/srv/ledger
WORKDIR $APP
COPY . .
RUN npm ci --omit=dev && mkdir -p uploads
CMD ["node", "server.js"]
"""
    fix = _fix(project, dockerfile)
    assert fix.applicability == "safe"
    assert "&& chown node:node /srv/ledger /srv/ledger/uploads\n" in _applied(fix, dockerfile)


def test_a_workdir_the_image_already_chowns_by_its_variable_is_not_chowned_again(
        project) -> None:
    dockerfile = """\
FROM node:20-alpine
ENV APP=/srv/ledger
WORKDIR $APP
COPY . .
RUN npm ci --omit=dev && chown -R node:node "${APP}"
CMD ["node", "server.js"]
"""
    fix = _fix(project, dockerfile)
    assert fix.applicability == "safe"
    applied = _applied(fix, dockerfile)
    assert applied.count("chown -R node:node") == 1
    assert "chown node:node" not in applied


def test_an_unknown_workdir_makes_the_fix_unsafe_and_names_it(project) -> None:
    # An ARG with no default (set by --build-arg, or empty) and a name only the base image
    # could set: the folder WORKDIR makes as root is not known.
    for name, line in (("arg", "ARG APP_ROOT\nWORKDIR $APP_ROOT"),
                       ("base", "WORKDIR ${SOME_BASE_DIR}/ledger")):
        dockerfile = f"""\
FROM node:20-alpine
{line}
COPY . .
RUN npm ci --omit=dev
CMD ["node", "server.js"]
"""
        fix = _fix(project, dockerfile, name)
        assert fix.applicability == "unsafe", name
        shown = "$APP_ROOT" if name == "arg" else "$SOME_BASE_DIR/ledger"
        assert f"the stage makes `{shown}` as root from an ARG or ENV the fix does not " \
            "resolve" in fix.title, fix.title
        assert "chown node:node" not in _applied(fix, dockerfile)


def test_an_unknown_workdir_the_image_chowns_keeps_the_fix_safe(project) -> None:
    dockerfile = """\
FROM node:20-alpine
ARG APP_ROOT
WORKDIR $APP_ROOT
COPY . .
RUN npm ci --omit=dev && chown node:node $APP_ROOT
CMD ["node", "server.js"]
"""
    assert _fix(project, dockerfile).applicability == "safe"


def test_an_inherited_named_workdir_counts_in_the_final_stage(project) -> None:
    # ENV carries over to a stage built FROM another; the WORKDIR is the parent's.
    dockerfile = """\
FROM node:20-alpine AS base
ENV APP=/srv/ledger
WORKDIR $APP
FROM base
COPY . .
RUN npm ci --omit=dev
CMD ["node", "server.js"]
"""
    fix = _fix(project, dockerfile)
    assert fix.applicability == "safe"
    assert "RUN npm ci --omit=dev && chown node:node /srv/ledger\n" in _applied(fix, dockerfile)

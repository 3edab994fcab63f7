"""helmet: which comments state the reason a protection is switched off.

A comment that heads a paragraph of `false` options counts for the options under it only when
it reads as a reason for switching off: it holds a reason word (disabled, off, breaks,
because, conflicts, incompatible, not supported, needed for...), is no TODO note in any of its
lines, and, when it names options or their headers, it is about the option in question.
Labels, commented-out code and tool directives state nothing. An option's own TODO at the end
of its line wins over the heading."""

from __future__ import annotations

import pytest

from nodeharden import check

PACKAGE = '{"name": "panel", "dependencies": {"express": "^4.21.0", "helmet": "^7.1.0"}}'


def _reported(project, options: str) -> list[str]:
    """Return the options reported as switched off in a helmet call with ``options``."""
    server = ("const express = require('express');\nconst helmet = require('helmet');\n"
              "const app = express();\napp.set('view engine', 'pug');\n"
              f"app.use(helmet({{\n{options}}}));\n"
              "app.get('/', (req, res) => res.render('home'));\napp.listen(8000);\n")
    root = project({"package.json": PACKAGE, "server.js": server})
    found = check(root, select=["helmet"]).findings
    return sorted(f.message.split("`")[1] for f in found if "switched off" in f.message)


ALL = sorted(["contentSecurityPolicy", "frameguard", "hsts"])
BODY = "  contentSecurityPolicy: false,\n  frameguard: false,\n  hsts: false,\n"


@pytest.mark.parametrize("heading", [
    "  // Disabled: the help widget is framed by the vendor's portal\n",
    "  // Turned off because the embedded player breaks with them\n",
    "  /* These conflict with the legacy single sign-on page */\n",
    "  // OFF (would break the kiosks)\n  // see the ops handbook\n",
])
def test_a_heading_that_gives_a_reason_covers_its_run(project, heading) -> None:
    assert _reported(project, heading + BODY) == []


@pytest.mark.parametrize("heading", [
    "  // header settings\n",
    "  /* security */\n",
    "  // keep every one of these enabled in prod\n",
    "  // contentSecurityPolicy: { useDefaults: true },\n",
    "  // hsts: { maxAge: 31536000 }\n",
    "  // eslint-disable-next-line quote-props\n",
    "  // @ts-ignore\n",
    "  // prettier-ignore\n",
    "  /* istanbul ignore next */\n",
])
def test_a_label_code_or_directive_is_no_reason(project, heading) -> None:
    assert _reported(project, heading + BODY) == ALL


@pytest.mark.parametrize("heading", [
    "  // TODO: switch them back on after the demo\n  // (tracked in the board)\n",
    "  // Disabled while the editor is rewritten\n  // FIXME: turn them on again\n",
])
def test_a_todo_on_any_line_of_the_heading_states_no_reason(project, heading) -> None:
    assert _reported(project, heading + BODY) == ALL


@pytest.mark.parametrize("heading, credited", [
    ("  // frameguard off: the help desk frames the app\n", {"frameguard"}),
    ("  // X-Frame-Options disabled for the partner iframe\n", {"frameguard"}),
    ("  // CSP breaks the inline charts; HSTS is done by the proxy, off here\n",
     {"contentSecurityPolicy", "hsts"}),
    ("  // Strict-Transport-Security is set by the load balancer, so disabled here\n",
     {"hsts"}),
])
def test_a_heading_that_names_options_credits_only_those(project, heading, credited) -> None:
    assert _reported(project, heading + BODY) == sorted(set(ALL) - credited)


def test_the_options_own_todo_wins_over_the_heading(project) -> None:
    options = ("  // Disabled: the dashboard is framed by the intranet\n"
               "  frameguard: false,\n"
               "  contentSecurityPolicy: false, // TODO find out why this is off\n"
               "  hsts: false,\n")
    assert _reported(project, options) == ["contentSecurityPolicy"]


def test_own_comments_that_are_code_or_directives_are_no_reason(project) -> None:
    options = ("  frameguard: false, // eslint-disable-line\n"
               "  contentSecurityPolicy: false, // the editor needs inline scripts\n"
               "  // hsts: { maxAge: 600 },\n"
               "  hsts: false,\n")
    assert _reported(project, options) == ["frameguard", "hsts"]


def test_a_reason_heads_only_its_own_paragraph(project) -> None:
    options = ("  // Disabled: the map tiles come from another origin and break otherwise\n"
               "  crossOriginEmbedderPolicy: false,\n"
               "  frameguard: false,\n"
               "\n"
               "  hsts: false,\n"
               "  contentSecurityPolicy: false,\n")
    assert _reported(project, options) == ["contentSecurityPolicy", "hsts"]

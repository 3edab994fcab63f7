"""error-handler: a handler that keeps its special cases in an object literal of functions and
calls the one under the error's own code (``handlers[err.code]()``) gives each function the
credit ``if (err.code === '<key>') {…}`` would get: a message answered with a literal 4xx
there is a client error's answer. A table called with any other key, handed on, copied or
changed gets no credit, and neither does a function whose own answer would be reported under
the ``if``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from nodeharden._api import check

Make = Callable[..., Path]

PACKAGE_JSON = '{"name": "app", "dependencies": {"express": "^4.21.0"}}\n'

#: The table's entry that answers the message; its line is the one reported when no credit.
ENTRY = """'locked-account': function () {
          res.status(423).type('text/plain').send(err.message);
        },"""


def app(table: str, dispatch: str, handler: str = "(err, req, res, next) =>") -> str:
    return f"""
    const express = require('express');

    const app = express();
    app.get('/', (req, res) => res.send('home'));
    app.use({handler} {{
      const special = {{
        {table}
        'gone-away': function () {{
          res.sendStatus(410);
        }},
      }};
      {dispatch}
      res.status(500).send('Internal Server Error');
    }});

    app.listen(3000);
    """


def leaks(project: Make, source: str) -> list[int]:
    root = project({"package.json": PACKAGE_JSON, "app.js": source})
    report = check(root, select=["error-handler"])
    assert not report.failed, report.failed
    return sorted(f.line for f in report.findings if "sent to the client" in f.message)


def message_line(source: str) -> int:
    lines = source.lstrip("\n").split("\n")
    return next(i for i, line in enumerate(lines, 1) if "send(err.message)" in line
                or "message: err.message" in line)


@pytest.mark.parametrize("dispatch", [
    "if (special.hasOwnProperty(err.code)) {\n        return special[err.code]();\n      }",
    "if (special[err.code]) {\n        special[err.code]();\n        return;\n      }",
    "if (err.code in special) {\n        return special[err.code]();\n      }",
    "if (Object.prototype.hasOwnProperty.call(special, err.code)) "
    "{\n        return special[err.code]();\n      }",
    "if (Object.hasOwn(special, err.code)) {\n        return (special[err.code])();\n      }",
    "if (!special[err.code]) {\n        return next(err);\n      }\n"
    "      return special[err.code]();",
    "return special[err.code] && special[err.code]();",
])
def test_called_under_the_errors_own_code_is_the_if(project: Make, dispatch: str) -> None:
    assert leaks(project, app(ENTRY, dispatch)) == []


def test_the_if_form_it_stands_for_is_quiet_too(project: Make) -> None:
    source = app("", "if (err.code === 'locked-account') {\n"
                     "        return res.status(423).type('text/plain').send(err.message);\n"
                     "      }")
    assert leaks(project, source) == []


@pytest.mark.parametrize("table", [
    # a method, an identifier key, a function taking the error it is called with
    "'locked-account'() {\n          res.status(423).send(err.message);\n        },",
    "LOCKED: function () {\n          res.status(423).send(err.message);\n        },",
    "'locked-account': (err) => res.status(423).send(err.message),",
])
def test_entry_shapes(project: Make, table: str) -> None:
    dispatch = "if (special[err.code]) {\n        return special[err.code](err);\n      }"
    assert leaks(project, app(table, dispatch)) == []


def test_es5_handler_with_a_var_table(project: Make) -> None:
    source = app(ENTRY, "if (special.hasOwnProperty(err.code)) {\n"
                        "        return special[err.code]();\n      }",
                 handler="function (err, req, res, next)").replace("const special", "var special")
    assert leaks(project, source) == []


@pytest.mark.parametrize("dispatch", [
    # a key the client chooses, or a fixed one: any error reaches the function
    "if (special[req.query.kind]) {\n        return special[req.query.kind]();\n      }",
    "if (err.code) {\n        return special['locked-account']();\n      }",
    "return special[String(err.code)]();",
    # handed on: who calls it, with which error, is not known here
    "return next(special);",
    "res.locals.errors = { special };\n      return special[err.code]();",
    "res.locals.handlers = special;\n      return special[err.code]();",
    "const data = pick({ cases: special });\n      return data.cases[err.code]();",
    "const run = special[err.code];\n      if (run) {\n        return run();\n      }",
    "return (special[err.code] || special['gone-away'])();",
    "Object.keys(special).forEach((key) => special[key]());",
    # changed: another key now holds the function
    "special[req.query.kind] = special['locked-account'];\n      return special[err.code]();",
    "const more = { ...special };\n      return more[err.code]();",
    # the code of another error than the one the entries send
    "return Promise.reject(new Error('x')).catch((err) => special[err.code]());",
    "try {\n        audit(err);\n      } catch (err) {\n        return special[err.code]();\n"
    "      }",
    # two properties of the error: no one condition holds
    "if (special[err.code]) {\n        return special[err.code]();\n      }\n"
    "      if (special[err.name]) {\n        return special[err.name]();\n      }",
])
def test_other_calls_keep_the_finding(project: Make, dispatch: str) -> None:
    source = app(ENTRY, dispatch)
    assert leaks(project, source) == [message_line(source)]


def test_reassigned_table_keeps_the_finding(project: Make) -> None:
    source = app(ENTRY, "special = Object.assign({}, special);\n"
                        "      return special[err.code]();").replace("const special",
                                                                      "let special")
    assert leaks(project, source) == [message_line(source)]


@pytest.mark.parametrize("table", [
    # no more credit than the `if`: a 5xx or no status at all is still reported
    "'locked-account': function () {\n          res.status(503).send(err.message);\n        },",
    "'locked-account': function () {\n          res.json({ message: err.message });\n        },",
    # one entry runs another through `this`: under a code not its own
    "'locked-account': function () {\n          res.status(423).send(err.message);\n"
    "        },\n        'other-code': function () {\n          this['locked-account']();\n"
    "        },",
    # a computed key: which code it stands for is not read
    "[LOCKED]: function () {\n          res.status(423).send(err.message);\n        },",
    # the function's own error is the one passed, and a different one is passed
    "'locked-account': function (err) {\n          res.status(423).send(err.message);\n"
    "        },",
])
def test_entries_without_credit(project: Make, table: str) -> None:
    dispatch = "if (special[err.code]) {\n        return special[err.code](err.cause);\n      }"
    source = app(table, dispatch).replace("const express", "const LOCKED = 'locked';\n"
                                          "    const express")
    assert leaks(project, source) == [message_line(source)]

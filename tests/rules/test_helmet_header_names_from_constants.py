"""helmet: header names read from constant objects.

``res.setHeader(H.FRAME, v)`` where ``H`` is a constant object (same file, imported, or
re-exported through an index module) counts as setting the header it names, also through a
name bound to it and returned from a function of the file; a choice (``strict ? H.POLICY :
H.POLICY_TEST``) only when every branch names the header; a name the rule cannot resolve (a
parameter), a property that names no header, or an object its module may change after it is
made (``H.POLICY = …``, ``Object.assign(H, …)``, an alias), does not.
"""

from __future__ import annotations

from pathlib import Path

from conftest import write_tree

from nodeharden._api import check

PACKAGE_JSON = '{"name": "t", "private": true, "dependencies": {"express": "^5.1.0"}}\n'

NAMES_MODULE = """\
export const HTTP_NAMES = {
  POLICY: 'Content-Security-Policy',
  POLICY_TEST: 'Content-Security-Policy-Report-Only',
  NO_FRAMES: 'X-Frame-Options',
  TYPES: 'X-Content-Type-Options',
  REFERRER: 'Referrer-Policy',
  TRANSPORT: 'Strict-Transport-Security',
  UNRELATED: 'X-Request-Id',
} as const
"""

GUARD_MODULE = """\
import type { RequestHandler } from 'express'
import { HTTP_NAMES } from './names/index.js'

function policyFor(strict: boolean) {
  const which = strict ? HTTP_NAMES.POLICY : HTTP_NAMES.POLICY_TEST
  return { which, text: "default-src 'self'" }
}

export function guard(strict: boolean): RequestHandler {
  const chosen = policyFor(strict)
  return (req, res, next) => {
    res.setHeader(HTTP_NAMES.NO_FRAMES, 'DENY')
    res.setHeader(HTTP_NAMES.TYPES, 'nosniff')
    res.setHeader(HTTP_NAMES.REFERRER, 'no-referrer')
    if (req.secure) res.setHeader(HTTP_NAMES.TRANSPORT, 'max-age=15552000')
    const { which, text } = chosen
    res.setHeader(which, text)
    next()
  }
}
"""

TS_APP = """\
import express from 'express'
import { guard } from './guard.js'

const app = express()
app.disable('x-powered-by')
app.use(guard(true))
app.get('/', (req, res) => { res.send('<p>hi</p>') })
app.listen(8080)
"""


def _helmet(root: Path) -> list[str]:
    return [f"{f.path}:{f.line} {f.message}" for f in check(root, select=["helmet"]).findings]


def test_imported_constant_names_count(tmp_path: Path) -> None:
    guard = GUARD_MODULE.replace("strict ? HTTP_NAMES.POLICY : HTTP_NAMES.POLICY_TEST",
                                 "HTTP_NAMES.POLICY")
    root = write_tree(tmp_path, {
        "package.json": PACKAGE_JSON, "src/app.ts": TS_APP, "src/guard.ts": guard,
        "src/names/index.ts": "export * from './http.js'\n",
        "src/names/http.ts": NAMES_MODULE,
    })
    assert _helmet(root) == []


def test_a_choice_counts_a_header_only_when_every_branch_names_it(tmp_path: Path) -> None:
    """``strict ? POLICY : POLICY_TEST`` may send the report-only header, which enforces
    nothing: the Content-Security-Policy is not counted as set."""
    root = write_tree(tmp_path, {
        "package.json": PACKAGE_JSON, "src/app.ts": TS_APP, "src/guard.ts": GUARD_MODULE,
        "src/names/index.ts": "export * from './http.js'\n",
        "src/names/http.ts": NAMES_MODULE,
    })
    [found] = _helmet(root)
    assert found.endswith("itself but not Content-Security-Policy"), found


def test_a_choice_between_two_spellings_of_one_header_counts(tmp_path: Path) -> None:
    app = """\
    const express = require('express');
    const NAMES = { FRAMES: 'X-Frame-Options', OLD_FRAMES: 'x-frame-options' };
    const app = express();
    app.use((req, res, next) => {
      res.setHeader(req.secure ? NAMES.FRAMES : NAMES.OLD_FRAMES, 'DENY');
      res.setHeader(req.secure ? NAMES.FRAMES : 'X-Content-Type-Options', 'nosniff');
      next();
    });
    app.listen(3000);
    """
    [found] = _helmet(write_tree(tmp_path, {"package.json": PACKAGE_JSON, "app.js": app}))
    assert "the app sets X-Frame-Options itself but not Content-Security-Policy, " \
        "Strict-Transport-Security, X-Content-Type-Options" in found, found


CHANGED_NAMES = {
    # Changed where it is defined, after it is made.
    "assigned": """\
    if (process.env.CSP_TRIAL) HTTP_NAMES.POLICY = 'Content-Security-Policy-Report-Only'
    """,
    "Object.assign": """\
    if (process.env.NODE_ENV !== 'production') Object.assign(HTTP_NAMES, { POLICY: 'X-Csp' })
    """,
    "alias": """\
    const names = HTTP_NAMES
    names.POLICY = 'X-Debug-Csp'
    """,
}


def test_a_name_object_changed_in_its_module_counts_nothing(tmp_path: Path) -> None:
    guard = GUARD_MODULE.replace("strict ? HTTP_NAMES.POLICY : HTTP_NAMES.POLICY_TEST",
                                 "HTTP_NAMES.POLICY")
    for case, change in CHANGED_NAMES.items():
        root = write_tree(tmp_path / case, {
            "package.json": PACKAGE_JSON, "src/app.ts": TS_APP, "src/guard.ts": guard,
            "src/names/index.ts": "export * from './http.js'\n",
            "src/names/http.ts": NAMES_MODULE + change,
        })
        found = _helmet(root)
        assert len(found) == 1 and "no security headers" in found[0], (case, found)


def test_a_same_file_name_object_changed_by_object_assign_counts_nothing(
        tmp_path: Path) -> None:
    app = """\
    const express = require('express');
    const NAMES = { FRAMES: 'X-Frame-Options', SNIFF: 'X-Content-Type-Options' };
    if (process.env.DEBUG_HEADERS) Object.assign(NAMES, { FRAMES: 'X-Debug-Frames' });
    const app = express();
    app.use((req, res, next) => {
      res.setHeader(NAMES.FRAMES, 'DENY');
      res.set(NAMES.SNIFF, 'nosniff');
      next();
    });
    app.listen(3000);
    """
    [found] = _helmet(write_tree(tmp_path, {"package.json": PACKAGE_JSON, "app.js": app}))
    assert "no security headers" in found, found


def test_unresolved_or_other_names_do_not_count(tmp_path: Path) -> None:
    # Only the unrelated header is set by a constant; the rest by a parameter's name.
    guard = """\
    import { HTTP_NAMES } from './names/index.js'

    export function guard(name: string) {
      return (req, res, next) => {
        res.setHeader(HTTP_NAMES.UNRELATED, 'x')
        res.setHeader(name, 'DENY')
        next()
      }
    }
    """
    root = write_tree(tmp_path, {
        "package.json": PACKAGE_JSON, "src/app.ts": TS_APP.replace("guard(true)", "guard('x')"),
        "src/guard.ts": guard, "src/names/index.ts": "export * from './http.js'\n",
        "src/names/http.ts": NAMES_MODULE,
    })
    found = _helmet(root)
    assert len(found) == 1 and found[0].endswith("no security headers"), found


def test_same_file_constant_object(tmp_path: Path) -> None:
    app = """\
    const express = require('express');
    const NAMES = { FRAMES: 'X-Frame-Options', SNIFF: 'X-Content-Type-Options' };
    const app = express();
    app.use((req, res, next) => {
      res.setHeader(NAMES.FRAMES, 'DENY');
      res.set(NAMES.SNIFF, 'nosniff');
      next();
    });
    app.listen(3000);
    """
    found = _helmet(write_tree(tmp_path, {"package.json": PACKAGE_JSON, "app.js": app}))
    assert len(found) == 1, found
    assert "the app sets X-Frame-Options, X-Content-Type-Options itself" in found[0]
    assert "but not Content-Security-Policy, Strict-Transport-Security, Referrer-Policy" \
        in found[0]



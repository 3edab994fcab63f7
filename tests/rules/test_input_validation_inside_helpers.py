"""input-validation, path traversal: a containment predicate written the way the
``is-path-inside`` package writes it -- ``path.relative(parent, child)`` tested not to be
empty, ``'..'`` or start with ``'..' + path.sep``, and not to be ``path.resolve(child)`` (what
``path.relative`` gives for another drive on Windows), all inside ``Boolean(…)``, exported as
``exports.name = (child, parent) => …`` -- guards the path it tests, as does the package
itself (``path-is-inside``, which compares the strings as given, does not). A predicate missing
one of the tests still does not."""

from __future__ import annotations

import json

import pytest

from nodeharden import check

EXPRESS = {"name": "app", "dependencies": {"express": "^4.21.0"}}

HELPER = """\
const path = require('path');

exports.within = (child, parent) => {
  const rel = path.relative(parent, child);
  return Boolean(
    rel &&
      rel !== '..' &&
      !rel.startsWith(`..${path.sep}`) &&
      rel !== path.resolve(child)
  );
};
"""

ROUTE = """\
const express = require('express');
const path = require('path');
{import}
const router = express.Router();

router.get('/files/:folder/:name', (req, res) => {
  const base = path.join(__dirname, 'files');
  const wanted = path.join(base, decodeURIComponent(req.params.folder),
                           decodeURIComponent(req.params.name));
  if (!{call}(wanted, base)) {
    return res.status(400).json({ error: 'bad path' });
  }
  return res.sendFile(wanted);
});

module.exports = router;
"""


def _traversal(project, files: dict[str, str], deps: dict[str, str] | None = None):
    package = {**EXPRESS, "dependencies": {**EXPRESS["dependencies"], **(deps or {})}}
    root = project({"package.json": json.dumps(package), **files})
    return [f.line for f in check(root, select=["input-validation"]).findings
            if "[path-traversal]" in f.message]


def test_a_helper_written_like_is_path_inside_guards_the_path(project) -> None:
    route = ROUTE.replace("{import}", "const { within } = require('./inside');")
    assert _traversal(project, {"inside.js": HELPER,
                                "routes.js": route.replace("{call}", "within")}) == []


def test_the_is_path_inside_package_guards_the_path(project) -> None:
    route = ROUTE.replace("{import}", "const isPathInside = require('is-path-inside');")
    assert _traversal(project, {"routes.js": route.replace("{call}", "isPathInside")},
                      {"is-path-inside": "^3.0.3"}) == []


def test_path_is_inside_does_not_guard_it(project) -> None:
    # path-is-inside compares the strings as given: `/srv/files/../x` is "inside" /srv/files.
    route = ROUTE.replace("{import}", "const pathIsInside = require('path-is-inside');")
    assert _traversal(project, {"routes.js": route.replace("{call}", "pathIsInside")},
                      {"path-is-inside": "^1.0.2"}) == [13]


@pytest.mark.parametrize("dropped", ["      rel !== '..' &&\n",
                                     "      rel !== path.resolve(child)\n"])
def test_a_helper_missing_a_test_does_not(project, dropped) -> None:
    helper = HELPER.replace(dropped, "")
    helper = helper.replace("`..${path.sep}`) &&\n  );", "`..${path.sep}`)\n  );")
    route = ROUTE.replace("{import}", "const { within } = require('./inside');")
    assert _traversal(project, {"inside.js": helper,
                                "routes.js": route.replace("{call}", "within")}) == [13]

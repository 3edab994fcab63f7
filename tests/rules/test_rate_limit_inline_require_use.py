"""rate-limit: a limiter package the project imports and uses counts as rate limiting even
when the statement that uses it also holds an inline ``require()`` of something else (a
policy factory that builds its store from the project's own client module)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import found, write_tree

SERVER = """\
    const express = require('express');
    const app = express();
    app.get('/items', (req, res) => res.json([]));
    app.listen(8080);
"""

# The limiter is built in one statement that also loads the project's cache client.
FACTORY_INLINE = """\
    const Limiter = require('express-rate-limit');
    const Store = require('rate-limit-redis');

    module.exports = function makeLimiter(opts) {
      return new Limiter(Object.assign({}, opts, {
        store: new Store({ client: require('../cache/client'), prefix: 'lim:' })
      }));
    };
"""

FACTORY_PLAIN = """\
    const Limiter = require('express-rate-limit');

    module.exports = function makeLimiter(opts) {
      return new Limiter(opts);
    };
"""

# Imported but never called: the import alone is not rate limiting.
IMPORTED_ONLY = """\
    const Limiter = require('express-rate-limit');
    const other = require('../cache/client');
    module.exports = { other };
"""

DESTRUCTURED_ONLY = """\
    const { RateLimiterMemory: Mem } = require('rate-limiter-flexible');
    module.exports = {};
"""

TS_IMPORT_ONLY = """\
    import limiter from 'express-rate-limit';
    export const nothing = 1;
"""


def project(root: Path, rel: str, factory: str) -> Path:
    return write_tree(root, {
        "package.json": '{"name": "gw", "dependencies": {"express": "^4.18.2",'
                        ' "express-rate-limit": "^6.7.0"}}\n',
        "server.js": SERVER,
        rel: factory,
        "src/cache/client.js": "module.exports = {};\n",
    })


@pytest.mark.parametrize("factory", [FACTORY_INLINE, FACTORY_PLAIN], ids=["inline", "plain"])
def test_limiter_used_in_a_statement_with_an_inline_require_counts(tmp_path: Path,
                                                                   factory: str) -> None:
    root = project(tmp_path, "src/policies/limit.js", factory)
    assert found(root, ["rate-limit"]) == set()


@pytest.mark.parametrize("rel, factory", [
    ("src/policies/limit.js", IMPORTED_ONLY),
    ("src/policies/limit.js", DESTRUCTURED_ONLY),
    ("src/policies/limit.ts", TS_IMPORT_ONLY),
], ids=["require", "destructured", "es-import"])
def test_a_limiter_imported_but_never_used_is_still_reported(tmp_path: Path, rel: str,
                                                             factory: str) -> None:
    root = project(tmp_path, rel, factory)
    assert found(root, ["rate-limit"]) == {("rate-limit", "server.js", 2)}

"""rate-limit reports a limiter keyed on req.ip that serves an app trusting every proxy hop
(`app.enable('trust proxy')`, `app.set('trust proxy', true)`): the client writes req.ip with
X-Forwarded-For. These are the cases an adversarial review found the first cut got wrong (a
later setting wins, a development-only branch, another app's setting, a method-style
keyGenerator, a limiter nothing mounts), and the shapes it must keep reporting."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_tree
from nodeharden._api import check

PACKAGE = '{"name": "shop", "dependencies": {"express": "^5.1.0", "express-rate-limit": "^7.5.0"}}\n'


def spoofable(root: Path, files: dict[str, str]) -> list[tuple[str, int]]:
    write_tree(root, {"package.json": PACKAGE, **files})
    report = check(root, select=["rate-limit"])
    assert not report.failed, report.failed
    return sorted((f.path, f.line) for f in report.findings
                  if "trusts every hop" in f.message)


REPORTED = {
    "mounted by name": ("""\
        const express = require('express');
        const rateLimit = require('express-rate-limit');
        const app = express();
        app.enable('trust proxy');
        const apiLimit = rateLimit({ windowMs: 60000, limit: 100 });
        app.use('/api', apiLimit);
        module.exports = app;
        """, [("app.js", 5)]),
    "inline on a route": ("""\
        const express = require('express');
        const { rateLimit } = require('express-rate-limit');
        const app = express();
        app.set('trust proxy', true);
        app.post('/login', rateLimit({ windowMs: 60000, limit: 5 }), (req, res) => res.end());
        app.listen(3000);
        """, [("app.js", 5)]),
    "in a factory": ("""\
        const express = require('express');
        const rateLimit = require('express-rate-limit');
        function build() {
          const app = express();
          app.enable('trust proxy');
          app.use([rateLimit({ windowMs: 1000, limit: 10 })]);
          return app;
        }
        module.exports = build;
        """, [("app.js", 6)]),
}


@pytest.mark.parametrize("name", sorted(REPORTED))
def test_reported(name: str, tmp_path: Path) -> None:
    source, expected = REPORTED[name]
    assert spoofable(tmp_path, {"app.js": source}) == expected


def test_limiter_module_imported_and_mounted(tmp_path: Path) -> None:
    found = spoofable(tmp_path, {
        "app.js": """\
            const express = require('express');
            const { apiLimit } = require('./limits');
            const loginLimit = require('./login-limit');
            const app = express();
            app.enable('trust proxy');
            app.use('/api', apiLimit);
            app.post('/login', loginLimit, (req, res) => res.end());
            module.exports = app;
            """,
        "limits.js": """\
            const rateLimit = require('express-rate-limit');
            const apiLimit = rateLimit({ windowMs: 60000, limit: 100 });
            const unused = rateLimit({ windowMs: 60000, limit: 1 });
            module.exports = { apiLimit, unused };
            """,
        "login-limit.js": """\
            const rateLimit = require('express-rate-limit');
            module.exports = rateLimit({ windowMs: 60000, limit: 5 });
            """,
    })
    assert found == [("limits.js", 2), ("login-limit.js", 2)]


NOT_REPORTED = {
    "a later hop count wins": """\
        const express = require('express');
        const rateLimit = require('express-rate-limit');
        const app = express();
        app.set('trust proxy', true);
        app.set('trust proxy', 1);
        app.use(rateLimit({ windowMs: 60000, limit: 100 }));
        module.exports = app;
        """,
    "enable then disable": """\
        const express = require('express');
        const rateLimit = require('express-rate-limit');
        const app = express();
        app.enable('trust proxy');
        app.disable('trust proxy');
        app.use(rateLimit({ windowMs: 60000, limit: 100 }));
        module.exports = app;
        """,
    "development-only branch": """\
        const express = require('express');
        const rateLimit = require('express-rate-limit');
        const app = express();
        if (process.env.NODE_ENV !== 'production') {
          app.enable('trust proxy');
        }
        app.use(rateLimit({ windowMs: 60000, limit: 100 }));
        module.exports = app;
        """,
    "another app of the file trusts": """\
        const express = require('express');
        const rateLimit = require('express-rate-limit');
        const admin = express();
        admin.enable('trust proxy');
        admin.listen(9000, '10.0.0.5');
        const api = express();
        api.use(rateLimit({ windowMs: 60000, limit: 100 }));
        api.listen(3000);
        """,
    "keyGenerator as a method": """\
        const express = require('express');
        const rateLimit = require('express-rate-limit');
        const app = express();
        app.enable('trust proxy');
        app.use(rateLimit({ windowMs: 60000, limit: 100, keyGenerator(req) { return req.user.id; } }));
        app.use(rateLimit({ windowMs: 60000, limit: 100, ['keyGenerator']: (req) => req.user.id }));
        module.exports = app;
        """,
    "a limiter nothing mounts": """\
        const express = require('express');
        const rateLimit = require('express-rate-limit');
        const app = express();
        app.enable('trust proxy');
        const spare = rateLimit({ windowMs: 60000, limit: 100 });
        module.exports = { app, spare };
        """,
    "setting names are exact": """\
        const express = require('express');
        const rateLimit = require('express-rate-limit');
        const app = express();
        app.enable('Trust Proxy');
        app.use(rateLimit({ windowMs: 60000, limit: 100 }));
        module.exports = app;
        """,
    "a Map is no app": """\
        const express = require('express');
        const rateLimit = require('express-rate-limit');
        const defaults = new Map();
        defaults.set('trust proxy', true);
        const app = express();
        app.use(rateLimit({ windowMs: 60000, limit: 100 }));
        module.exports = app;
        """,
}


@pytest.mark.parametrize("name", sorted(NOT_REPORTED))
def test_not_reported(name: str, tmp_path: Path) -> None:
    assert spoofable(tmp_path, {"app.js": NOT_REPORTED[name]}) == []

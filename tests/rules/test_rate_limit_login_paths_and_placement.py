"""rate-limit: which routes are logins (the full path, mount path + route path, ends in a login
word; a POST handed to passport-local) and where ``app.use(rateLimiter)`` goes (after cors and
static middleware, after a setup module that serves static files), on shapes seen in the
session-3 held-out review. The fixtures under codemods/rate-limit/fixtures/ hold the exact
outputs; these tests check what a fixture cannot: files left unchanged, the module's options."""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeharden import check
from nodeharden._api import fix

from conftest import write_tree

PACKAGE = '{"name": "api", "dependencies": {"express": "^4.21.2"}}\n'


def planned(root: Path) -> dict[str, str]:
    plan = fix(root, dry_run=True, select=["rate-limit"], unsafe=True).plan
    assert plan.scan is not None and not plan.scan.failed, plan.scan.failed
    return {rel: data.decode() for rel, data in plan.final.items()}


def project(tmp_path: Path, mount: str, routes: str) -> Path:
    return write_tree(tmp_path / "p", {
        "package.json": PACKAGE,
        "app.js": f"""\
            const express = require('express');
            const app = express();
            app.use(express.json());
            app.use('{mount}', require('./routes/r'));
            module.exports = app;
            """,
        "routes/r.js": f"""\
            const router = require('express').Router();
            {routes}
            module.exports = router;
            """,
    })


@pytest.mark.parametrize("mount,route", [
    ("/api/auth", "router.post('/', (req, res) => res.json({}));"),
    ("/auth", "router.post('/login', (req, res) => res.json({}));"),
    ("/users", "router.post('/authenticate', (req, res) => res.json({}));"),
    ("/users", "router.post('/session', (req, res) => res.json({}));"),
    ("/", "router.post('/sessions', (req, res) => res.json({}));"),
    ("/api/sign-in", "router.post('/', (req, res) => res.json({}));"),
    ("/account", "router.post('/', passport.authenticate('local', { failureRedirect: '/' }));"),
])
def test_login_routes_by_full_path_get_the_login_limiter(tmp_path: Path, mount: str,
                                                         route: str) -> None:
    if "passport" in route:
        route = "const passport = require('passport');\n" + route
    root = project(tmp_path, mount, route)
    out = planned(root)
    assert "loginLimiter" in out.get("routes/r.js", ""), out.get("routes/r.js")
    assert "const loginLimiter = loginRateLimit(" in out["middleware/rate-limit.js"]


@pytest.mark.parametrize("mount,route", [
    ("/auth", "router.post('/register', (req, res) => res.json({}));"),
    ("/auth", "router.post('/logout', (req, res) => res.json({}));"),
    ("/auth", "router.post('/refresh', (req, res) => res.json({}));"),
    ("/oauth", "router.post('/token', (req, res) => res.json({}));"),
    ("/auth", "router.post('/:provider', (req, res) => res.json({}));"),
    ("/workouts", "router.post('/:id/sessions', (req, res) => res.status(201).json({}));"),
    ("/api/users", "router.post('/', (req, res) => res.status(201).json({}));"),
    ("/api/auth", "router.get('/', (req, res) => res.json({}));"),
    ("/api/auth", "router.put('/', (req, res) => res.json({}));"),
    ("/posts", "router.post('/', passport.authenticate('jwt', { session: false }), "
               "(req, res) => res.json({}));"),
])
def test_routes_that_are_not_logins_are_left_alone(tmp_path: Path, mount: str,
                                                   route: str) -> None:
    if "passport" in route:
        route = "const passport = require('passport');\n" + route
    root = project(tmp_path, mount, route)
    out = planned(root)
    assert "routes/r.js" not in out
    assert "loginLimiter" not in out["middleware/rate-limit.js"]


def test_mounts_of_mounts_make_the_full_path(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "package.json": PACKAGE,
        "app.js": """\
            const express = require('express');
            const routes = require('./routes');
            const app = express();
            app.use('/api', routes);
            module.exports = app;
            """,
        "routes/index.js": """\
            const { Router } = require('express');
            const auth = require('./auth');
            const router = Router();
            router.use('/auth', auth);
            module.exports = router;
            """,
        "routes/auth.js": """\
            const { Router } = require('express');
            const router = Router();
            router.post('/', (req, res) => res.status(401).json({}));
            router.post('/register', (req, res) => res.json({}));
            module.exports = router;
            """,
    })
    out = planned(root)
    assert "router.post('/', loginLimiter, (req, res)" in out["routes/auth.js"]
    assert "router.post('/register', (req, res)" in out["routes/auth.js"]


def test_unmounted_router_keeps_its_route_path_alone(tmp_path: Path) -> None:
    """A router whose mount the facts do not show: `/` is no login, `/login` still is."""
    root = write_tree(tmp_path / "p", {
        "package.json": PACKAGE,
        "app.js": """\
            const express = require('express');
            const app = express();
            app.use(express.json());
            module.exports = app;
            """,
        "routes/a.js": """\
            const router = require('express').Router();
            router.post('/', (req, res) => res.json({}));
            router.post('/login', (req, res) => res.json({}));
            module.exports = router;
            """,
    })
    out = planned(root)
    assert "router.post('/', (req, res)" in out["routes/a.js"]
    assert "router.post('/login', loginLimiter, (req, res)" in out["routes/a.js"]


def test_authenticate_route_answering_4xx_clears_on_2xx(tmp_path: Path) -> None:
    """`userService.authenticate(req.body)` is the app's own check, not passport: a handler
    answering failures with 400 makes a 2xx answer a good login."""
    root = project(tmp_path, "/users", """\
        router.post('/authenticate', authenticate);
        function authenticate(req, res, next) {
          userService.authenticate(req.body)
            .then((user) => (user ? res.json(user) : res.status(400).json({ message: 'no' })))
            .catch(next);
        }
        const userService = require('../user.service');
        """)
    out = planned(root)
    assert "loginRateLimit(logins, { clearOn2xx: true })" in out["middleware/rate-limit.js"]


def test_setup_module_that_also_routes_keeps_the_limiter_right_after_the_app(
        tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "package.json": PACKAGE,
        "app.js": """\
            const express = require('express');
            const app = express();
            require('./config/express')(app);
            require('./config/routes')(app);
            module.exports = app;
            """,
        "config/express.js": """\
            const express = require('express');
            module.exports = (app) => {
              app.use(express.static('public'));
              app.get('/health', (req, res) => res.send('ok'));
            };
            """,
        "config/routes.js": """\
            module.exports = (app) => app.get('/', (req, res) => res.send('home'));
            """,
    })
    out = planned(root)
    assert "const app = express();\napp.use(rateLimiter);\nrequire('./config/express')(app);" \
        in out["app.js"]


def test_setup_module_without_static_keeps_the_limiter_right_after_the_app(
        tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "package.json": PACKAGE,
        "app.js": """\
            const express = require('express');
            const setup = require('./config/express');
            const app = express();
            setup(app);
            app.get('/', (req, res) => res.send('home'));
            module.exports = app;
            """,
        "config/express.js": """\
            const express = require('express');
            module.exports = (app) => {
              app.use(express.json());
            };
            """,
    })
    out = planned(root)
    assert "const app = express();\napp.use(rateLimiter);\nsetup(app);" in out["app.js"]


def test_imported_setup_function_that_serves_static_files(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "package.json": PACKAGE,
        "app.js": """\
            const express = require('express');
            const { setup } = require('./config/express');
            const app = express();
            setup(app);
            app.get('/', (req, res) => res.send('home'));
            module.exports = app;
            """,
        "config/express.js": """\
            const express = require('express');
            exports.setup = (app) => {
              app.use(express.static('public'));
            };
            """,
    })
    out = planned(root)
    assert "setup(app);\napp.use(rateLimiter);\napp.get('/'" in out["app.js"]


def test_the_finding_stays_one_per_project(tmp_path: Path) -> None:
    root = project(tmp_path, "/api/auth", "router.post('/', (req, res) => res.json({}));")
    findings = [f for f in check(root, select=["rate-limit"]).findings]
    assert [(f.path, f.line) for f in findings] == [("app.js", 2)]


def test_every_app_the_fix_extends_has_a_finding(tmp_path: Path) -> None:
    """A second server (an admin console that listens on its own port) and the main app: the
    fix puts the limiter in both, so both are reported (the fix on one finding, the other
    naming it); after the fix neither is. (A first-run setup server, `setup.js`, is a script
    and not scanned: see tests/project/test_file_roles.py.)"""
    root = write_tree(tmp_path / "p", {
        "package.json": PACKAGE,
        "server/admin.js": """\
            const express = require('express');
            exports.start = (port) => {
              const app = express();
              app.get('/', (req, res) => res.send('admin'));
              return app.listen(port);
            };
            """,
        "server/main.js": """\
            const express = require('express');
            class Server {
              constructor() {
                this.app = express();
                this.app.get('/', (req, res) => res.send('home'));
              }
            }
            module.exports = { Server };
            """,
    })
    findings = check(root, select=["rate-limit"]).findings
    got = sorted((f.path, f.line, f.fix is not None) for f in findings)
    assert got == [("server/admin.js", 3, True), ("server/main.js", 4, False)]
    other = next(f for f in findings if f.fix is None)
    assert "the fix of the finding at server/admin.js:3 adds the limiter here too" in other.message
    out = planned(root)
    assert "this.app.use(rateLimiter);" in out["server/main.js"]
    assert "app.use(rateLimiter);" in out["server/admin.js"]
    fix(root, select=["rate-limit"], force=True, unsafe=True)
    assert check(root, select=["rate-limit"]).findings == []


def test_a_login_route_with_one_argument_a_line_gets_the_limiter_on_its_own_line(
        tmp_path: Path) -> None:
    """As prettier lays out a long call: the limiter on a line of its own after the path, at
    its indentation (``'/', loginLimiter,`` on one line fails prettier --check)."""
    root = write_tree(tmp_path / "p", {
        "package.json": PACKAGE,
        "app.js": "const express = require('express');\nconst app = express();\n"
                  "app.use(express.json());\napp.use('/api/auth', require('./routes/auth'));\n"
                  "app.listen(3000);\n",
        "routes/auth.js": """\
const express = require('express');
const router = express.Router();

router.post(
  '/login',
  (req, res, next) => next(),
  (req, res) => {
    if (!req.body.password) {
      return res.status(401).json({ message: 'Invalid credentials' });
    }
    return res.json({ token: 't' });
  }
);

module.exports = router;
""",
    })
    after = planned(root)["routes/auth.js"]
    assert "router.post(\n  '/login',\n  loginLimiter,\n  (req, res, next) => next(),\n" in after


def test_a_path_on_the_line_of_the_call_keeps_the_limiter_beside_it(tmp_path: Path) -> None:
    """``app.post('/login',`` then one argument a line: the path does not stand alone, so the
    limiter goes right after it (its own line would copy ``app.post(`` as indentation)."""
    root = write_tree(tmp_path / "p", {
        "package.json": PACKAGE,
        "app.js": """\
const express = require('express');
const app = express();
app.use(express.json());
app.post('/login',
  (req, res, next) => next(),
  (req, res) => {
    if (!req.body.password) {
      return res.status(401).json({ message: 'Invalid credentials' });
    }
    return res.json({ token: 't' });
  });
app.listen(3000);
""",
    })
    after = planned(root)["app.js"]
    assert "app.post('/login', loginLimiter,\n  (req, res, next) => next(),\n" in after

"""End to end: the login limiter that ``fix`` adds stops password guessing on apps that do not
answer a failed login with an error status, and on a token API that does.

Six apps, really installed (one ``npm install`` shared through a link), fixed with
``nodeharden fix --select rate-limit`` and probed over real HTTP on 127.0.0.1:

- a passport-local app whose failed login redirects back to the form (302, ``failureRedirect``);
- a form app whose failed login renders the form again with 200;
- a token API whose failed login is a 401 and a good one a 200 with a token;
- a token API whose login handler is a controller imported by a router (failure 400);
- a token API whose failed login goes to the error handler with ``next(err)`` (401);
- a token API whose login route is ``app.route('/api/login').get(…).post(…)``.

Before the fix no app ever answers 429. After it, every attempt on the login route counts
(``login_points`` per account and address, five times that per address), also when the guesses
arrive at the same time, and a successful login clears the count of its own account only.
"""

from __future__ import annotations

import http.client
import shutil
import socket
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import have_node, linked_app, npm_install, run_cli, serve_app, write_tree

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not have_node(), reason="node and npm are needed")]

LOGIN_POINTS = 5
CONFIG = (f"rate_limit:\n  points: 1000\n  duration: 60\n  login_points: {LOGIN_POINTS}\n"
          "  login_duration: 60\n")

PACKAGE_JSON = """
    {
      "name": "login-apps",
      "version": "1.0.0",
      "private": true,
      "dependencies": {
        "express": "^4.21.2",
        "express-session": "^1.18.1",
        "passport": "^0.7.0",
        "passport-local": "^1.0.0",
        "ioredis": "^6.0.0",
        "rate-limiter-flexible": "^11.4.0"
      }
    }
    """

#: passport-local: a failed login redirects to the form, a good one to /.
PASSPORT_APP = """
    const express = require('express');
    const session = require('express-session');
    const passport = require('passport');
    const LocalStrategy = require('passport-local').Strategy;

    const USERS = { alice: 'wonderland', mallory: 'own-password' };

    passport.use(new LocalStrategy((username, password, done) => {
      if (USERS[username] !== undefined && USERS[username] === password) return done(null, { username });
      return done(null, false);
    }));
    passport.serializeUser((user, done) => done(null, user.username));
    passport.deserializeUser((username, done) => done(null, { username }));

    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.use(session({ secret: process.env.SESSION_SECRET || 'e2e', resave: false, saveUninitialized: false }));
    app.use(passport.session());

    app.get('/login', (req, res) => res.send('<form method="post" action="/login"></form>'));
    app.post('/login', passport.authenticate('local', { successRedirect: '/', failureRedirect: '/login' }));
    app.get('/', (req, res) => res.send(req.user ? 'hello ' + req.user.username : 'home'));

    const server = app.listen(0, '127.0.0.1', () => {
      console.log('listening ' + server.address().port);
    });
    """

#: A form app: a failed login renders the form again with 200; a good one stores the user in
#: the session and redirects.
FORM_APP = """
    const express = require('express');
    const session = require('express-session');

    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.use(session({ secret: process.env.SESSION_SECRET || 'e2e', resave: false, saveUninitialized: false }));

    const form = (error) => '<p>' + error + '</p><form method="post" action="/signin"></form>';

    app.get('/signin', (req, res) => res.send(form('')));
    const USERS = { alice: 'wonderland', mallory: 'own-password' };

    app.post('/signin', (req, res) => {
      if (USERS[req.body.username] !== undefined && USERS[req.body.username] === req.body.password) {
        req.session.user = { name: req.body.username };
        return res.redirect('/');
      }
      res.send(form('Invalid username or password'));
    });
    app.get('/', (req, res) => res.send(req.session.user ? 'hello' : 'home'));

    const server = app.listen(0, '127.0.0.1', () => {
      console.log('listening ' + server.address().port);
    });
    """

#: A token API: a failed login is a 401, a good one a 200 with a token (no session, no
#: req.user): the fix clears the count on a 2xx answer (`clearOn2xx`).
TOKEN_APP = """
    const express = require('express');

    const app = express();
    app.use(express.urlencoded({ extended: false }));

    const USERS = { alice: 'wonderland', mallory: 'own-password' };

    app.post('/api/login', (req, res) => {
      if (USERS[req.body.username] === undefined || USERS[req.body.username] !== req.body.password) {
        return res.status(401).json({ error: 'invalid credentials' });
      }
      res.json({ token: 'token-for-' + req.body.username });
    });

    const server = app.listen(0, '127.0.0.1', () => {
      console.log('listening ' + server.address().port);
    });
    """


#: A token API whose login handler lives in a controller module, imported by a router: a
#: failed login is a 400, a good one a 200 with a token. The fix follows the import and clears
#: the count on a 2xx answer.
CONTROLLER_APP = """
    const express = require('express');
    const authRoutes = require('./routes/auth');

    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.use('/auth', authRoutes);

    const server = app.listen(0, '127.0.0.1', () => {
      console.log('listening ' + server.address().port);
    });
    """
CONTROLLER_FILES = {
    "routes/auth.js": """
        const express = require('express');
        const { login } = require('../controllers/auth');

        const router = express.Router();
        router.post('/login', login);

        module.exports = router;
        """,
    "controllers/auth.js": """
        const USERS = { alice: 'wonderland', mallory: 'own-password' };

        exports.login = async (req, res) => {
          const { username, password } = req.body;
          if (USERS[username] === undefined) return res.status(400).json({ msg: 'no such user' });
          if (USERS[username] !== password) return res.status(400).json({ msg: 'invalid' });
          res.json({ token: 'token-for-' + username });
        };
        """,
}

#: A token API whose failed login is thrown to the app's error handler (401 there); its only
#: 2xx answer is the success.
NEXT_ERROR_APP = """
    const express = require('express');

    const app = express();
    app.use(express.urlencoded({ extended: false }));

    const USERS = { alice: 'wonderland', mallory: 'own-password' };

    async function signIn(username, password) {
      if (USERS[username] === undefined || USERS[username] !== password) {
        const error = new Error('invalid credentials');
        error.status = 401;
        throw error;
      }
      return 'token-for-' + username;
    }

    app.post('/api/signin', async (req, res, next) => {
      try {
        const token = await signIn(req.body.username, req.body.password);
        return res.json({ token });
      } catch (e) {
        return next(e);
      }
    });

    app.use((err, req, res, next) => {
      res.status(err.status || 500).json({ error: err.message });
    });

    const server = app.listen(0, '127.0.0.1', () => {
      console.log('listening ' + server.address().port);
    });
    """

#: A token API whose login route is registered through ``app.route(path)``, chained: the
#: limiter goes among ``.post(…)``'s own arguments (``route()`` takes only the path).
ROUTE_CHAIN_APP = """
    const express = require('express');

    const app = express();
    app.use(express.urlencoded({ extended: false }));

    const USERS = { alice: 'wonderland', mallory: 'own-password' };

    app
      .route('/api/login')
      .get((req, res) => res.send('POST your username and password'))
      .post((req, res) => {
        if (USERS[req.body.username] === undefined || USERS[req.body.username] !== req.body.password) {
          return res.status(401).json({ error: 'invalid credentials' });
        }
        res.json({ token: 'token-for-' + req.body.username });
      });

    const server = app.listen(0, '127.0.0.1', () => {
      console.log('listening ' + server.address().port);
    });
    """


@dataclass
class LoginApp:
    name: str
    root: Path
    path: str  # the login route
    failed: int  # the status of a failed login before the fix
    succeeded: int  # the status of a good login
    before: list[int]  # statuses of 2 * LOGIN_POINTS failed attempts before the fix


APPS = {"passport": (PASSPORT_APP, "/login", 302, 302), "form": (FORM_APP, "/signin", 200, 302),
        "token": (TOKEN_APP, "/api/login", 401, 200),
        "controller": (CONTROLLER_APP, "/auth/login", 400, 200),
        "next-error": (NEXT_ERROR_APP, "/api/signin", 401, 200),
        "route-chain": (ROUTE_CHAIN_APP, "/api/login", 401, 200)}
#: Modules besides app.js.
EXTRA_FILES = {"controller": CONTROLLER_FILES}
#: Token APIs: a 2xx answer is a good login, so the fix clears the count on it.
TOKEN_APIS = {"token", "controller", "next-error", "route-chain"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree(tmp_path_factory.mktemp("login") / "installed",
                      {"package.json": PACKAGE_JSON})
    npm_install(root)
    return root


@pytest.fixture(scope="module", params=sorted(APPS))
def login_app(request: pytest.FixtureRequest, installed: Path,
              tmp_path_factory: pytest.TempPathFactory) -> LoginApp:
    source, path, failed, succeeded = APPS[request.param]
    root = linked_app(tmp_path_factory.mktemp(request.param) / "app",
                      {"package.json": PACKAGE_JSON, ".nodeharden.yml": CONFIG, "app.js": source,
                       **EXTRA_FILES.get(request.param, {})},
                      installed)
    with serve_app(root) as url:
        before = [attempt(url, path, "wrong") for _ in range(2 * LOGIN_POINTS)]
    done = run_cli("fix", root, "--select", "rate-limit", "--unsafe")
    assert done.returncode == 0, done.stderr
    return LoginApp(request.param, root, path, failed, succeeded, before)


def attempt(url: str, path: str, password: str, username: str = "alice") -> int:
    """POST a login form (one connection, redirects not followed) and return the status."""
    parsed = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    try:
        body = urllib.parse.urlencode({"username": username, "password": password})
        conn.request("POST", path, body=body,
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        resp = conn.getresponse()
        resp.read()
        if resp.status == 429:
            assert int(resp.getheader("Retry-After") or 0) >= 1
        return resp.status
    finally:
        conn.close()


@pytest.fixture
def url(login_app: LoginApp) -> Iterator[str]:
    """A fresh server (the memory store starts empty)."""
    with serve_app(login_app.root) as base:
        yield base


def test_fix_wires_the_login_limiter_before_the_handler(login_app: LoginApp) -> None:
    sources = "".join(p.read_text() for p in sorted(login_app.root.glob("**/*.js"))
                      if "node_modules" not in p.parts and "middleware" not in p.parts)
    route = login_app.path.rpartition("/auth")[2] if login_app.name == "controller" \
        else login_app.path
    if login_app.name == "route-chain":
        assert f".route('{route}')" in sources and ".post(loginLimiter, (req, res) =>" in sources
        assert ".get(loginLimiter" not in sources  # only the method that logs in
    else:
        assert f".post('{route}', loginLimiter, " in sources
    assert "trust proxy" not in sources
    module = (login_app.root / "middleware" / "rate-limit.js").read_text()
    # Only token APIs (a 2xx answer is a good login) clear the count on a 2xx answer.
    assert ("clearOn2xx: true" in module) == (login_app.name in TOKEN_APIS)


def test_good_logins_in_a_row_never_lock_the_account(login_app: LoginApp, url: str) -> None:
    statuses = [attempt(url, login_app.path, "wonderland") for _ in range(LOGIN_POINTS + 2)]
    assert statuses == [login_app.succeeded] * (LOGIN_POINTS + 2)


def test_failed_logins_were_never_limited_before_the_fix(login_app: LoginApp) -> None:
    assert login_app.before == [login_app.failed] * (2 * LOGIN_POINTS)


def test_failed_logins_get_429_after_the_limit(login_app: LoginApp, url: str) -> None:
    statuses = [attempt(url, login_app.path, "wrong") for _ in range(LOGIN_POINTS + 2)]
    assert statuses == [login_app.failed] * LOGIN_POINTS + [429, 429]
    # The right password does not get through either while the client is blocked.
    assert attempt(url, login_app.path, "wonderland") == 429


def test_concurrent_guesses_cannot_all_pass(login_app: LoginApp, url: str) -> None:
    guesses = 4 * LOGIN_POINTS
    with ThreadPoolExecutor(max_workers=guesses) as pool:
        statuses = list(pool.map(lambda _: attempt(url, login_app.path, "wrong"),
                                 range(guesses)))
    assert sorted(statuses) == sorted([login_app.failed] * LOGIN_POINTS
                                      + [429] * (guesses - LOGIN_POINTS)), statuses


def test_a_successful_login_clears_the_count(login_app: LoginApp, url: str) -> None:
    first = [attempt(url, login_app.path, "wrong") for _ in range(LOGIN_POINTS - 1)]
    assert first == [login_app.failed] * (LOGIN_POINTS - 1)
    assert attempt(url, login_app.path, "wonderland") == login_app.succeeded
    again = [attempt(url, login_app.path, "wrong") for _ in range(LOGIN_POINTS + 1)]
    assert again == [login_app.failed] * LOGIN_POINTS + [429]


def test_signing_in_to_ones_own_account_does_not_reset_guesses_at_another(
        login_app: LoginApp, url: str) -> None:
    first = [attempt(url, login_app.path, "wrong") for _ in range(LOGIN_POINTS - 1)]
    assert first == [login_app.failed] * (LOGIN_POINTS - 1)
    assert attempt(url, login_app.path, "own-password", "mallory") == login_app.succeeded
    again = [attempt(url, login_app.path, "wrong") for _ in range(2)]
    assert again == [login_app.failed, 429]


def test_one_address_gets_five_times_the_limit_across_accounts(login_app: LoginApp,
                                                               url: str) -> None:
    spread = [attempt(url, login_app.path, "wrong", f"user{n}") for n in range(5 * LOGIN_POINTS)]
    assert spread == [login_app.failed] * (5 * LOGIN_POINTS)
    assert attempt(url, login_app.path, "wrong", "someone-new") == 429
    # Not even a good login gets through from that address until the window ends.
    assert attempt(url, login_app.path, "own-password", "mallory") == 429


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A redis-server of its own on a free loopback port, stopped after the test."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is needed")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_redis_store_counts_attempts_across_restarts(installed: Path, tmp_path: Path,
                                                     redis_url: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    source, path, failed, _ = APPS["passport"]
    root = linked_app(tmp_path / "app", {
        "package.json": PACKAGE_JSON, "app.js": source,
        ".nodeharden.yml": CONFIG + "  store: redis\n"}, installed)
    done = run_cli("fix", root, "--select", "rate-limit", "--unsafe")
    assert done.returncode == 0, done.stderr
    assert "RateLimiterRedis" in (root / "middleware" / "rate-limit.js").read_text()
    monkeypatch.setenv("REDIS_URL", redis_url)
    with serve_app(root) as url:
        time.sleep(0.5)  # the client connects; until then the insurance limiter counts
        assert attempt(url, path, "wonderland") == 302  # signed in: the count is cleared
        statuses = [attempt(url, path, "wrong") for _ in range(LOGIN_POINTS)]
    assert statuses == [failed] * LOGIN_POINTS
    # A new process: the count lives in Redis, so the next guess is over the limit.
    with serve_app(root) as url:
        time.sleep(0.5)
        assert attempt(url, path, "wrong") == 429

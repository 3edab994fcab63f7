"""rate-limit on project shapes seen in held-out reviews: `trust proxy` without a bound (the
limiter would be bypassed, so no fix), token logins whose handler lives in a controller or hands
failures to the error handler (clearOn2xx), static files served before the routes (not counted)
and a project's own middleware folder (the module goes there)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeharden import check
from nodeharden._api import fix

from conftest import write_tree

PACKAGE = '{"name": "api", "dependencies": {"express": "^4.21.2"}}\n'
ESM_PACKAGE = '{"name": "api", "type": "module", "dependencies": {"express": "^4.21.2"}}\n'

APP = """\
const express = require('express');

const app = express();
{settings}
app.use(express.json());
app.get('/items', (req, res) => res.json([]));

module.exports = app;
"""


def rate_findings(root: Path) -> list:
    report = check(root, select=["rate-limit"])
    assert not report.failed, report.failed
    return [f for f in report.findings if f.rule == "rate-limit"]


def planned(root: Path) -> dict[str, str]:
    plan = fix(root, dry_run=True, select=["rate-limit"], unsafe=True).plan
    assert plan.scan is not None and not plan.scan.failed, plan.scan.failed
    return {rel: data.decode() for rel, data in plan.final.items()}


# --- 1. trust proxy ---------------------------------------------------------------------------

UNBOUNDED = [
    "app.enable('trust proxy');",
    "app.set('trust proxy', true);",
    "app.set('trust proxy', 2);\napp.enable('trust proxy');",
    "app.set('trust proxy', '0.0.0.0/0');",
    "app.set('trust proxy', (ip) => ip === '10.0.0.1');",
    "app.set('trust proxy', process.env.TRUST_PROXY);",
]
BOUNDED = [
    "",
    "app.set('trust proxy', 1);",
    # the last setting is the one Express reads (pay-frontend, held-out sample 31)
    "app.enable('trust proxy');\napp.set('trust proxy', 3);",
    "app.set('trust proxy', false);",
    "app.set('trust proxy', '10.0.0.1, 10.0.0.2/31');",
    "app.set('trust proxy', 'loopback, 10.0.0.1');",
    "app.set('trust proxy', Number(process.env.PROXY_HOPS || 0));",
    "let hops;\nif (process.env.TLS) hops = 1;\nelse hops = 0;\napp.set('trust proxy', hops);",
]


@pytest.mark.parametrize("settings", UNBOUNDED)
def test_unbounded_trust_proxy_is_reported_without_a_fix(tmp_path: Path, settings: str) -> None:
    root = write_tree(tmp_path, {"package.json": PACKAGE,
                                 "app.js": APP.format(settings=settings)})
    [finding] = rate_findings(root)
    assert finding.fix is None
    assert "bypassed" in finding.message and "app.set('trust proxy', 1)" in finding.message
    assert planned(root) == {}


@pytest.mark.parametrize("settings", BOUNDED)
def test_bounded_trust_proxy_keeps_the_fix(tmp_path: Path, settings: str) -> None:
    root = write_tree(tmp_path, {"package.json": PACKAGE,
                                 "app.js": APP.format(settings=settings)})
    [finding] = rate_findings(root)
    assert finding.fix is not None and "trust proxy" not in finding.message
    assert "middleware/rate-limit.js" in planned(root)


def test_trust_proxy_enabled_in_a_loader_the_app_is_passed_to(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "package.json": PACKAGE,
        "src/app.js": "const express = require('express');\n"
                      "const load = require('./loaders/express');\n\n"
                      "const app = express();\nload({ app });\napp.listen(3000);\n",
        "src/loaders/express.js": "module.exports = ({ app }) => {\n"
                                  "  app.enable('trust proxy');\n"
                                  "  app.get('/status', (req, res) => res.end());\n};\n",
    })
    [finding] = rate_findings(root)
    assert finding.fix is None and "src/loaders/express.js" in finding.message


# --- 2. token logins: clearOn2xx ----------------------------------------------------------------

CONTROLLER_ESM = """\
export const login = async (req, res) => {
  try {
    const user = await findUser(req.body.email);
    if (!user) return res.status(400).json({ msg: 'User does not exist.' });
    if (!(await user.matches(req.body.password))) return res.status(400).json({ msg: 'Invalid' });
    res.status(200).json({ token: sign(user) });
  } catch (err) {
    res.status(500).json({ error: err.message });
  }
};
"""
ROUTES_ESM = """\
import express from 'express';
import { login } from '../controllers/auth.js';

const router = express.Router();
router.post('/login', login);

export default router;
"""
APP_ESM = """\
import express from 'express';
import authRoutes from './routes/auth.js';

const app = express();
app.use(express.json());
app.use('/auth', authRoutes);
app.listen(3000);
"""

CONTROLLER_CJS = """\
function login(req, res, next) {
  users.check(req.body.email, req.body.password)
    .then((user) => res.json({ token: sign(user) }))
    .catch(next);
}

async function signin(req, res, next) {
  try {
    const { user, token } = await auth.signIn(req.body.email, req.body.password);
    return res.json({ user, token });
  } catch (e) {
    return next(e);
  }
}

module.exports = { login, signin };
"""
APP_CJS = """\
const express = require('express');
const auth = require('./controllers/auth');

const app = express();
app.use(express.json());
app.post('/api/signin', auth.signin);
app.listen(3000);
"""


def module_of(root: Path, rel: str = "middleware/rate-limit.js") -> str:
    final = planned(root)
    assert rel in final, sorted(final)
    return final[rel]


def test_login_handler_imported_from_a_controller_clears_on_2xx(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"package.json": ESM_PACKAGE, "app.js": APP_ESM,
                                 "routes/auth.js": ROUTES_ESM,
                                 "controllers/auth.js": CONTROLLER_ESM})
    final = planned(root)
    assert "router.post('/login', loginLimiter, login);" in final["routes/auth.js"]
    assert "loginRateLimit(logins, { clearOn2xx: true })" in final["middleware/rate-limit.js"]


def test_failures_through_the_error_handler_with_one_2xx_answer_clear_on_2xx(
        tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"package.json": PACKAGE, "app.js": APP_CJS,
                                 "controllers/auth.js": CONTROLLER_CJS})
    assert "loginRateLimit(logins, { clearOn2xx: true })" in module_of(root)


@pytest.mark.parametrize("failure", [
    # a failure answered with 200 and a flag: a 2xx is no proof of a good login
    "if (!user) return res.json({ ok: false });",
    # a failure that renders the form again
    "if (!user) return res.render('login', { error: 'invalid' });",
    # a status the code does not spell out
    "if (!user) return res.status(user === null ? 404 : code).json({});",
])
def test_login_whose_2xx_is_not_only_success_does_not_clear_on_2xx(tmp_path: Path,
                                                                  failure: str) -> None:
    controller = (
        "exports.signin = async (req, res, next) => {\n"
        "  try {\n"
        "    const user = await auth.signIn(req.body.email, req.body.password);\n"
        f"    {failure}\n"
        "    return res.json({ token: sign(user) });\n"
        "  } catch (e) {\n"
        "    return next(e);\n"
        "  }\n"
        "};\n")
    root = write_tree(tmp_path, {"package.json": PACKAGE, "app.js": APP_CJS,
                                 "controllers/auth.js": controller})
    module = module_of(root)
    assert "const loginLimiter = loginRateLimit(logins);" in module


def test_passport_login_keeps_clearing_on_a_signed_in_user_only(tmp_path: Path) -> None:
    app = ("const express = require('express');\nconst passport = require('passport');\n"
           "const { login } = require('./controllers/auth');\n\n"
           "const app = express();\n"
           "app.post('/login', passport.authenticate('local'), login);\napp.listen(3000);\n")
    root = write_tree(tmp_path, {
        "package.json": PACKAGE, "app.js": app,
        "controllers/auth.js": "exports.login = (req, res) => res.json({ user: req.user });\n"})
    assert "const loginLimiter = loginRateLimit(logins);" in module_of(root)


# --- 3. static files before the routes -------------------------------------------------------

def test_limiter_goes_after_static_middleware_and_before_the_routes(tmp_path: Path) -> None:
    app = ("const express = require('express');\nconst cors = require('cors');\n"
           "const path = require('path');\nconst routes = require('./routes');\n\n"
           "const app = express();\napp.use(cors());\n"
           "app.use('/assets', express.static(path.join(__dirname, 'public')));\n"
           "app.use(express.static('uploads'));\n\n"
           "const upload = makeUpload();\n"
           "app.post('/posts', upload, (req, res) => res.json({}));\n"
           "app.use('/api', routes);\napp.listen(3000);\n")
    root = write_tree(tmp_path, {"package.json": PACKAGE, "app.js": app})
    out = planned(root)["app.js"]
    assert ("app.use(express.static('uploads'));\napp.use(rateLimiter);\n\n"
            "const upload") in out
    assert out.count("rateLimiter") == 2  # the import and the one use


@pytest.mark.parametrize("between", [
    "app.use('/api', routes);",  # a router mounted first
    "require('./routes')(app);",  # the app handed to code that may register routes
    "app.get('/health', (req, res) => res.end());",  # a route first
])
def test_static_after_a_route_keeps_the_limiter_right_after_the_app(tmp_path: Path,
                                                                  between: str) -> None:
    app = ("const express = require('express');\nconst routes = require('./routes');\n\n"
           f"const app = express();\n{between}\napp.use(express.static('public'));\n"
           "app.listen(3000);\n")
    root = write_tree(tmp_path, {"package.json": PACKAGE, "app.js": app,
                                 "routes.js": "module.exports = (app) => app;\n"})
    out = planned(root)["app.js"]
    assert "const app = express();\napp.use(rateLimiter);\n" in out


# --- 4. the project's middleware folder --------------------------------------------------------

def test_module_goes_into_the_projects_middlewares_folder(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "package.json": PACKAGE,
        "src/app.js": "const express = require('express');\n\nconst app = express();\n"
                      "app.use(require('./api')());\napp.listen(3000);\n",
        "src/api/index.js": "const { Router } = require('express');\n"
                            "module.exports = () => Router();\n",
        "src/api/middlewares/isAuth.js": "module.exports = (req, res, next) => next();\n",
    })
    final = planned(root)
    assert "src/api/middlewares/rate-limit.js" in final and not any(
        rel.startswith("src/middleware/") for rel in final)
    assert "require('./api/middlewares/rate-limit')" in final["src/app.js"]


def test_middleware_folder_of_another_package_is_not_used(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "package.json": PACKAGE,
        "app.js": "const express = require('express');\nconst app = express();\n"
                  "app.listen(3000);\n",
        "worker/package.json": '{"name": "worker"}\n',
        "worker/middleware/log.js": "module.exports = (req, res, next) => next();\n",
    })
    assert "middleware/rate-limit.js" in planned(root)


def test_each_package_of_a_repository_without_a_root_package_gets_its_own_limiter(
        tmp_path: Path) -> None:
    # Chapters of a tutorial side by side, no package.json at the top: a limiter module imported
    # across packages would break the importer, so each package gets one of its own.
    files = {}
    for chapter in ("book/1-end", "book/2-end"):
        files[f"{chapter}/package.json"] = PACKAGE
        files[f"{chapter}/server.js"] = APP.format(settings="") + "app.listen(3000);\n"
    root = write_tree(tmp_path / "p", files)
    findings = rate_findings(root)
    assert sorted((f.path, f.fix is not None) for f in findings) == [
        ("book/1-end/server.js", True), ("book/2-end/server.js", True)]
    out = planned(root)
    for chapter in ("book/1-end", "book/2-end"):
        assert f"{chapter}/middleware/rate-limit.js" in out
        assert "require('./middleware/rate-limit')" in out[f"{chapter}/server.js"]


@pytest.mark.parametrize(("extra", "why"), [
    ("app.post('/webhooks/orders', express.raw({ type: 'application/json' }), (req, res) => "
     "res.sendStatus(200));", "receives webhooks"),
    ("const next = require('next');\nconst nextApp = next({ dev: false });\n"
     "const handle = nextApp.getRequestHandler();\napp.all('*', (req, res) => handle(req, res));",
     "serves a Next.js front end"),
])
def test_traffic_from_shared_addresses_makes_the_limiter_unsafe(tmp_path: Path, extra: str,
                                                                 why: str) -> None:
    root = write_tree(tmp_path / "p", {
        "package.json": PACKAGE,
        "app.js": APP.format(settings=extra) + "app.listen(3000);\n"})
    [finding] = rate_findings(root)
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert why in finding.fix.title

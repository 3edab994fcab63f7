"""helmet: the headers an app's code sets, the single helmet middlewares it calls and its
X-Powered-By setting count only for the apps of the same package (the nearest package.json): a
separate package beside the main one (an example receiver, a mock server) is told about its own
code, not about the main app's, and the main app keeps the facts of its own files."""

from __future__ import annotations

from nodeharden import check

ROOT_PACKAGE = '{"name": "main", "dependencies": {"express": "^4.21.0", "helmet": "^7.1.0"}}'
SIDE_PACKAGE = '{"name": "side-receiver", "dependencies": {"express": "^4.21.0"}}'
MAIN_APP = """\
const express = require('express');
const helmet = require('helmet');
const headers = require('./headers');

const app = express();
app.disable('x-powered-by');
app.use(helmet.noSniff());
app.use(headers);
app.get('/', (req, res) => res.send('<p>home</p>'));
app.listen(3000);
"""
HEADERS = """\
module.exports = (req, res, next) => {
  res.setHeader('Content-Security-Policy', "default-src 'self'");
  res.setHeader('Referrer-Policy', 'no-referrer');
  next();
};
"""
SIDE_APP = """\
const express = require('express');

const app = express();
app.post('/hook', (req, res) => res.send('ok'));
app.listen(8888);
"""


def helmet_messages(root) -> dict[str, str]:
    report = check(root, select=["helmet"])
    assert not report.failed, report.failed
    return {f.path: f.message for f in report.findings}


def test_a_side_package_is_told_about_its_own_code(project) -> None:
    root = project({"package.json": ROOT_PACKAGE, "src/server.js": MAIN_APP,
                    "src/headers.js": HEADERS,
                    "receiver/package.json": SIDE_PACKAGE, "receiver/server.js": SIDE_APP})
    messages = helmet_messages(root)
    assert messages["receiver/server.js"] == (
        "Express app without helmet(): no security headers and X-Powered-By is sent")
    # The main app keeps the facts of its own files.
    main = messages["src/server.js"]
    assert main.startswith("Express app with only some of helmet's middlewares: "
                           "helmet.noSniff() sets X-Content-Type-Options; the app sets "
                           "Content-Security-Policy, Referrer-Policy itself but not ")
    assert "X-Powered-By is sent" not in main


def test_helmet_in_another_package_does_not_cover_an_app(project) -> None:
    # The main package calls helmet(): the side package's app still answers without it.
    root = project({"package.json": ROOT_PACKAGE,
                    "src/server.js": MAIN_APP.replace("helmet.noSniff()", "helmet()"),
                    "src/headers.js": HEADERS,
                    "receiver/package.json": SIDE_PACKAGE, "receiver/server.js": SIDE_APP})
    assert sorted(helmet_messages(root)) == ["receiver/server.js"]


def test_a_header_set_in_another_package_does_not_excuse_a_switched_off_protection(
        project) -> None:
    # `contentSecurityPolicy: false` beside a policy only the other package's app sends.
    side = SIDE_APP.replace("app.post('/hook', (req, res) => res.send('ok'));",
                            "app.use((req, res, next) => {\n  res.setHeader("
                            "'Content-Security-Policy', \"default-src 'none'\");\n  next();\n"
                            "});\napp.get('/', (req, res) => res.send('<p>side</p>'));")
    main = ("const express = require('express');\nconst helmet = require('helmet');\n\n"
            "const app = express();\napp.use(helmet({ contentSecurityPolicy: false }));\n"
            "app.get('/', (req, res) => res.send('<p>home</p>'));\napp.listen(3000);\n")
    root = project({"package.json": ROOT_PACKAGE, "src/server.js": main,
                    "receiver/package.json": SIDE_PACKAGE, "receiver/server.js": side})
    messages = helmet_messages(root)
    assert messages.get("src/server.js", "").startswith(
        "helmet protection `contentSecurityPolicy` is switched off")


def test_one_package_keeps_counting_every_file(project) -> None:
    # Without a package of their own, a second app file shares the package's facts as before.
    root = project({"package.json": ROOT_PACKAGE, "src/server.js": MAIN_APP,
                    "src/headers.js": HEADERS, "tools/preview.js": SIDE_APP})
    messages = helmet_messages(root)
    assert messages["tools/preview.js"] == messages["src/server.js"]


def test_a_side_package_fix_is_judged_on_its_own_pages(project) -> None:
    # The main package renders views and mounts Swagger UI; the side receiver serves neither:
    # adding helmet() there is safe, and its title names none of the main app's pages.
    main = MAIN_APP.replace(
        "const headers = require('./headers');",
        "const swaggerUi = require('swagger-ui-express');").replace(
        "app.use(headers);", "app.set('view engine', 'ejs');\n"
                             "app.use('/docs', swaggerUi.serve, swaggerUi.setup({}));")
    root = project({"package.json": ROOT_PACKAGE, "src/server.js": main,
                    "receiver/package.json": SIDE_PACKAGE, "receiver/server.js": SIDE_APP})
    report = check(root, select=["helmet"])
    [side] = [f for f in report.findings if f.path == "receiver/server.js"]
    assert side.fix is not None
    assert (side.fix.applicability, side.fix.title) == (
        "safe", "Add helmet() right after the app is created")

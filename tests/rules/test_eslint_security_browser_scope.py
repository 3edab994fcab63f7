"""eslint-security: the preset added to a flat config stays off the browser code the config
lints (scoped with `files` or `ignores`, whichever takes fewer patterns), and
detect-bidi-characters is switched off for the files whose text holds direction marks only."""

from __future__ import annotations

from nodeharden import check, fix

PACKAGE = """{
  "name": "t",
  "type": "module",
  "dependencies": {"express": "^5.1.0"},
  "devDependencies": {"eslint": "^9.39.0", "@eslint/js": "^9.39.0"}
}
"""

SERVER = """import express from 'express';
import { router } from './routes.js';

const app = express();
app.use('/api', router);
app.listen(3000);
"""

ROUTES = """import express from 'express';

export const router = express.Router();
router.get('/ping', (req, res) => res.send('pong'));
"""

CONFIG = """import js from '@eslint/js';

export default [
  js.configs.recommended,
];
"""


def _config_after(root) -> str:
    plan = fix(root, dry_run=True, select=["eslint-security"], unsafe=True).plan
    return plan.final["eslint.config.js"].decode()


def test_browser_folder_is_ignored_by_the_preset(project) -> None:
    root = project({
        "package.json": PACKAGE,
        "eslint.config.js": CONFIG,
        "server.js": SERVER.replace("./routes.js", "./src/routes.js"),
        "src/routes.js": ROUTES,
        "public/js/app.js": "require(['jquery'], function ($) { $('#x').hide(); });\n",
        "public/js/widgets.js": "define(['jquery'], function ($) { return $; });\n",
    })
    assert _config_after(root) == """import js from '@eslint/js';
import pluginSecurity from 'eslint-plugin-security';

export default [
  js.configs.recommended,
  // Server code only: these rules are for Node, not for the browser code.
  {
    ...pluginSecurity.configs.recommended,
    ignores: ['public/**'],
  },
  // Noise on most code: this flags nearly every obj[key].
  {
    rules: {
      'security/detect-object-injection': 'off',
    },
  },
];
"""


def test_server_folders_are_named_when_they_are_fewer(project) -> None:
    browser = {f"www/{name}/main.js": "window.start();\n" for name in ("a", "b", "c")}
    browser.update({f"static/{name}.js": "window.go();\n" for name in ("x", "y")})
    root = project({
        "package.json": PACKAGE,
        "eslint.config.js": CONFIG,
        "server.js": SERVER.replace("./routes.js", "./lib/routes.js"),
        "lib/routes.js": ROUTES,
        "other/www/a.js": "window.a = 1;\n",
        **browser,
    })
    text = _config_after(root)
    assert "    ...pluginSecurity.configs.recommended,\n    files: ['lib/**', 'server.js'],\n" \
        in text


def test_browser_code_the_config_already_ignores_needs_no_scope(project) -> None:
    root = project({
        "package.json": PACKAGE,
        "eslint.config.js": "import js from '@eslint/js';\n\nexport default [\n"
                            "  { ignores: ['public/'] },\n  js.configs.recommended,\n];\n",
        "src/server.js": SERVER,
        "src/routes.js": ROUTES,
        "public/js/app.js": "require(['jquery'], function ($) { $('#x').hide(); });\n",
    })
    text = _config_after(root)
    assert "  pluginSecurity.configs.recommended,\n" in text and "ignores: ['public/**']" \
        not in text


def test_components_next_to_server_code_are_ignored_by_suffix(project) -> None:
    files = {
        "package.json": PACKAGE,
        "eslint.config.js": CONFIG,
        "src/server.js": SERVER,
        "src/routes.js": ROUTES,
    }
    for n in range(10):
        files[f"src/m{n}/api.js"] = "export const handler = (req, res) => res.json({});\n"
        files[f"src/m{n}/View.jsx"] = ("import React from 'react';\n"
                                       "export const View = () => <p>hi</p>;\n")
    text = _config_after(project(files))
    assert "    ignores: ['**/*.jsx'],\n" in text


def test_mixed_browser_and_server_files_everywhere_get_no_fix(project) -> None:
    files = {
        "package.json": PACKAGE,
        "eslint.config.js": CONFIG,
        "src/server.js": SERVER,
        "src/routes.js": ROUTES,
    }
    for n in range(10):
        files[f"src/m{n}/api.js"] = "export const handler = (req, res) => res.json({});\n"
        files[f"src/m{n}/view.js"] = ("import React from 'react';\n"
                                      "export const View = () => React.createElement('p');\n")
    root = project(files)
    findings = check(root, select=["eslint-security"]).findings
    assert len(findings) == 1 and findings[0].fix is None
    assert "not fixed: the config lints browser code that sits among the server code" in \
        findings[0].message


def test_bidi_rule_is_off_only_for_files_with_direction_marks(project) -> None:
    mail = ("export const preheader = 'Your order' + '\u200c\u200e\u200f'.repeat(3);\n")
    tricky = "export const isAdmin = (role) => role === 'user\u202e \u2066// admin\u2069';\n"
    root = project({
        "package.json": PACKAGE,
        "eslint.config.js": CONFIG,
        "src/server.js": SERVER,
        "src/routes.js": ROUTES,
        "src/mail/order.js": mail,
        "src/auth/role.js": tricky,
    })
    text = _config_after(root)
    assert """  // Direction marks in these files' text, no code-reordering controls.
  {
    files: ['src/mail/order.js'],
    rules: {
      'security/detect-bidi-characters': 'off',
    },
  },
];
""" in text
    assert "src/auth/role.js" not in text
    assert "ignores" not in text and "...pluginSecurity" not in text


def test_inline_config_gets_inline_entries(project) -> None:
    root = project({
        "package.json": PACKAGE,
        "eslint.config.js": "import js from '@eslint/js';\n\n"
                            "export default [js.configs.recommended];\n",
        "src/server.js": SERVER,
        "src/routes.js": ROUTES,
        "public/app.js": "window.start();\n",
    })
    # As few patterns either way: the server code's folders are named.
    assert "export default [js.configs.recommended, { ...pluginSecurity.configs.recommended, " \
           "files: ['src/**'] }, { rules: {" in _config_after(root)


def _front_end_beside_api(analysis: str) -> dict[str, str]:
    """A server (server.js and api/) beside a front end in src/client/: components, hooks and
    an entry the roles mark as browser code, and plain modules (analysis rules, styles) they
    do not."""
    files = {
        "package.json": PACKAGE,
        "eslint.config.js": CONFIG,
        "server.js": SERVER.replace("./routes.js", "./api/routes.js"),
        "api/routes.js": ROUTES,
        "api/status.js": "export const status = (req, res) => res.json({ ok: true });\n",
        "src/client/main.js": "import React from 'react';\nexport const main = () => React;\n",
        "src/client/hooks/useScan.js": "import { useState } from 'react';\n"
                                       "export const useScan = () => useState(0);\n",
        "src/client/analysis/rules/headers.js": analysis,
        "src/client/analysis/rules/cookies.js": "export const cookies = (c) => c.length;\n",
        "src/client/styles/colors.js": "export const primary = '#333';\n",
    }
    for name in ("Card", "Nav", "Results", "Footer", "Row"):
        files[f"src/client/components/{name}.jsx"] = (
            "import React from 'react';\n"
            f"export const {name} = () => <p>{name}</p>;\n")
    return files


def test_plain_modules_among_the_front_end_leave_the_server_code_named(project) -> None:
    root = project(_front_end_beside_api("export const headers = (h) => h.csp;\n"))
    text = _config_after(root)
    assert "    ...pluginSecurity.configs.recommended,\n    files: ['api/**', 'server.js'],\n" \
        in text


def test_a_node_import_among_them_keeps_the_ignores(project) -> None:
    root = project(_front_end_beside_api(
        "import fs from 'fs';\nexport const headers = () => fs.existsSync('x');\n"))
    text = _config_after(root)
    assert "files: ['api/**', 'server.js']" not in text and "ignores: [" in text


def test_modules_among_vue_components_are_the_front_ends(project) -> None:
    # zwave-js-ui: the server in api/, a Vue front end in src/ whose .vue files the scan does
    # not read; its store, router and API client are browser code too, not server code.
    files = {
        "package.json": PACKAGE,
        "eslint.config.js": CONFIG,
        "server.js": SERVER.replace("./routes.js", "./api/routes.js"),
        "api/routes.js": ROUTES,
        "api/status.js": "export const status = (req, res) => res.json({ ok: true });\n",
        "src/main.js": "import { createApp } from 'vue';\nimport App from './App.vue';\n"
                       "createApp(App).mount('#app');\n",
        "src/App.vue": "<template><p>hi</p></template>\n",
        "src/stores/base.js": "import { defineStore } from 'pinia';\n"
                              "export const useBase = defineStore('base', {});\n",
        "src/router/index.js": "import { createRouter } from 'vue-router';\n"
                               "export default createRouter({ routes: [] });\n",
        "src/apis/config.js": "import axios from 'axios';\n"
                              "export const load = () => axios.get('/api/settings');\n",
    }
    for name in ("Home", "Settings", "Nodes", "Debug", "Store"):
        files[f"src/views/{name}.vue"] = f"<template><p>{name}</p></template>\n"
    text = _config_after(project(files))
    assert "    ...pluginSecurity.configs.recommended,\n    files: ['api/**', 'server.js'],\n" \
        in text, text
    # With more server files at the top than folders of front end, the front end is ignored
    # whole (before: its components only, the modules beside them linted).
    for name in ("esbuild.js", "wallaby.js", "docs.js", "shim.js"):
        files[name] = "import fs from 'fs';\nexport const x = () => fs.existsSync('x');\n"
    text = _config_after(project(files))
    assert "    ...pluginSecurity.configs.recommended,\n    ignores: ['src/**'],\n" in text, text


def test_a_legacy_config_taken_in_through_flat_compat_lints_its_typescript(project) -> None:
    # Ride The Lightning: `compat.extends('./.eslintrc.json')`, whose overrides lint `*.ts`;
    # its Angular sources (src/) are browser code, and frontend/ is the bundle a tsconfig
    # compiles them into (build output, skipped whole): the preset names the server code.
    files = {
        "package.json": PACKAGE,
        "eslint.config.js": (
            "import { FlatCompat } from '@eslint/eslintrc';\n\n"
            "const compat = new FlatCompat({ baseDirectory: import.meta.dirname });\n\n"
            "export default [\n  ...compat.extends('./.eslintrc.json'),\n];\n"),
        ".eslintrc.json": '{"root": true, "overrides": [{"files": ["*.ts"], '
                          '"parser": "@typescript-eslint/parser"}]}\n',
        "rtl.js": "import { app } from './backend/app.js';\napp.listen(3000);\n",
        "server/tsconfig.server.json": '{"compilerOptions": {"outDir": "../backend"}}\n',
        "server/app.ts": "import express from 'express';\nexport const app = express();\n"
                         "app.get('/', (req, res) => res.send('ok'));\n",
        "server/routes.ts": "import express from 'express';\n"
                            "export const router = express.Router();\n",
        "backend/app.js": "import express from 'express';\nexport const app = express();\n",
        "backend/routes.js": "import express from 'express';\n"
                             "export const router = express.Router();\n",
        "src/tsconfig.app.json": '{"compilerOptions": {"outDir": "../frontend"}}\n',
        "frontend/main.abc123.js": "window.x=1;\n",
    }
    for name in ("app.component", "home.component", "nav.component", "list.component"):
        files[f"src/app/{name}.ts"] = ("import { Component } from '@angular/core';\n"
                                       "@Component({ selector: 'x', template: '' })\n"
                                       f"export class C{len(name)} {{}}\n")
    text = _config_after(project(files))
    assert "    ...pluginSecurity.configs.recommended,\n    files: ['rtl.js', 'server/**'],\n" \
        in text, text

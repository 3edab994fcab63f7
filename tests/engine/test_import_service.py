"""The import service (``rules/_edits.add_imports``): rules ask for a module's default,
namespace or named exports; the engine reuses what the file already imports and adds the rest
once, in the file's module system and style, after the file's imports of the same group
(built-ins, packages, parent folders, siblings, the folder's index, as eslint-plugin-import's
default ``import/order`` wants)."""

from __future__ import annotations

import posixpath
import subprocess
from pathlib import Path

from nodeharden._express import extract_facts
from nodeharden._parse import parse
from nodeharden._project import JS_SUFFIXES
from nodeharden._style import detect_style, module_kind_for
from nodeharden._textedit import apply_edits
from nodeharden.rules._edits import ImportRequest, Imports, add_imports, import_group


def run(source: str, *requests: ImportRequest, rel: str = "app.js") -> tuple[str, Imports]:
    data = source.encode()
    lang = JS_SUFFIXES[posixpath.splitext(rel)[1]]
    module = module_kind_for(rel, "commonjs", data)
    facts = extract_facts(lang, data, parse(lang, data).root_node, rel, module)
    style = detect_style(data, module=module, typescript=lang != "javascript")
    imports = add_imports(data, facts, style, list(requests))
    out = apply_edits(data, imports.edits).decode()
    assert not parse(lang, out.encode()).root_node.has_error, out
    return out, imports


def test_groups_follow_import_order_defaults() -> None:
    # builtin, external, parent, sibling, index (eslint-plugin-import's default groups)
    assert [import_group(m) for m in ("node:fs", "fs", "fs/promises", "express", "@scope/pkg",
                                      "../lib/x", "..", "/abs", "./config", "./lib/x", ".",
                                      "./index", "./index.js")] == [0, 0, 0, 1, 1, 2, 2, 2,
                                                                    3, 3, 4, 4, 4]


def test_a_parent_import_goes_before_sibling_imports() -> None:
    source = ("const express = require('express');\nconst service = require('./user.service');"
              "\n\nconst router = express.Router();\n")
    out, _ = run(source, ImportRequest("../middleware/rate-limit", names=("loginLimiter",)))
    assert out == ("const express = require('express');\n"
                   "const { loginLimiter } = require('../middleware/rate-limit');\n"
                   "const service = require('./user.service');\n\n"
                   "const router = express.Router();\n")


def test_a_builtin_goes_before_local_requires() -> None:
    # The field case: `const fs = require('node:fs')` landed after `require('./config/config')`.
    source = ("'use strict';\n\nconst config = require('./config/config');\n"
              "const routes = require('./routes');\n\nconst app = require('express')();\n")
    out, imports = run(source, ImportRequest("node:fs", default="fs"))
    assert out == ("'use strict';\n\nconst fs = require('fs');\n"
                   "const config = require('./config/config');\nconst routes = require('./routes');"
                   "\n\nconst app = require('express')();\n")
    assert imports.bindings[0].local == "fs"


def test_each_group_goes_after_its_own_kind() -> None:
    source = ("import path from 'node:path';\nimport express from 'express';\n"
              "import { users } from './users.js';\n\nconst app = express();\n")
    out, _ = run(source, ImportRequest("node:http", names=("STATUS_CODES",)),
                 ImportRequest("helmet", default="helmet"),
                 ImportRequest("./middleware/rate-limit.js", names=("rateLimiter",)))
    assert out.splitlines()[:6] == [
        "import path from 'node:path';",
        "import { STATUS_CODES } from 'node:http';",
        "import express from 'express';",
        "import helmet from 'helmet';",
        "import { users } from './users.js';",
        "import { rateLimiter } from './middleware/rate-limit.js';",
    ]


def test_a_module_already_imported_is_reused_never_imported_twice() -> None:
    source = "const fs = require('fs');\nconst http = require('http');\n"
    out, imports = run(source, ImportRequest("node:fs", default="readers"),
                       ImportRequest("node:http", names=("STATUS_CODES",)))
    assert out == source and imports.edits == []
    assert imports.bindings[0].local == "fs"
    assert imports.bindings[1].names == {"STATUS_CODES": "http.STATUS_CODES"}


def test_a_missing_name_joins_the_existing_braces() -> None:
    source = "const { join } = require('node:path');\nmain();\n"
    out, imports = run(source, ImportRequest("path", names=("dirname", "join")))
    assert out == "const { join, dirname } = require('node:path');\nmain();\n"
    assert imports.bindings[0].names == {"dirname": "dirname", "join": "join"}
    esm = "import express, { Router } from 'express';\n\nexport const app = express();\n"
    out, _ = run(esm, ImportRequest("express", names=("Request",)), rel="app.ts")
    assert out.startswith("import express, { Router, Request } from 'express';\n")


def test_the_file_style_and_module_system() -> None:
    ts = "import express from \"express\"\n\nconst app = express()\n"
    out, _ = run(ts, ImportRequest("node:fs", default="fs"), rel="server.ts")
    # A built-in is CommonJS: TypeScript imports it as a namespace (no esModuleInterop).
    assert out.startswith('import * as fs from "fs"\nimport express from "express"\n')
    cjs = "const express = require(\"express\")\n"
    out, _ = run(cjs, ImportRequest("helmet", default="helmet"))
    assert out == cjs + 'const helmet = require("helmet")\n'


def test_several_at_one_place_make_one_edit_and_a_bare_file_gets_them_at_the_top() -> None:
    source = "#!/usr/bin/env node\n// The server.\n'use strict';\nmain();\n"
    out, imports = run(source, ImportRequest("node:fs", default="fs"),
                       ImportRequest("node:path", default="path"))
    assert len(imports.edits) == 1
    # A blank line between the new requires and the code they open (ESLint's
    # newline-after-var).
    assert out == ("#!/usr/bin/env node\n// The server.\n'use strict';\n"
                   "const fs = require('fs');\nconst path = require('path');\n\nmain();\n")


def test_members_come_from_whatever_binding_the_file_has() -> None:
    request = ImportRequest("node:path", default="path", members=("join", "dirname"))
    whole = "const p = require('path');\n"
    out, imports = run(whole, request)
    assert out == whole and imports.bindings[0].names == {"join": "p.join",
                                                          "dirname": "p.dirname"}
    named = "const { join } = require('path');\n"
    out, imports = run(named, request)
    assert out == "const { join, dirname } = require('path');\n"
    assert imports.bindings[0].names == {"join": "join", "dirname": "dirname"}
    out, imports = run("const x = 1;\n", request)
    assert out == "const path = require('path');\nconst x = 1;\n"
    assert imports.bindings[0].names == {"join": "path.join", "dirname": "path.dirname"}


def test_never_above_an_import_run_for_its_side_effects() -> None:
    source = ("require('newrelic');\nrequire('dotenv').config();\nconst express = require('express');"
              "\n")
    out, _ = run(source, ImportRequest("node:fs", default="fs"))
    assert out == ("require('newrelic');\nrequire('dotenv').config();\n"
                   "const fs = require('fs');\nconst express = require('express');\n")
    ts = "import 'reflect-metadata';\nimport express from 'express';\n"
    out, _ = run(ts, ImportRequest("node:http", names=("STATUS_CODES",)), rel="main.ts")
    assert out == ("import 'reflect-metadata';\nimport { STATUS_CODES } from 'http';\n"
                   "import express from 'express';\n")


def test_builtins_follow_the_file_node_prefix_or_bare() -> None:
    """``node:`` only where the file already writes it: a bare name loads on every Node
    version, and the file's own imports say which spelling it uses."""
    bare, _ = run("const express = require('express');\n",
                  ImportRequest("node:http", names=("STATUS_CODES",)))
    assert bare.startswith("const { STATUS_CODES } = require('http');\n")
    prefixed, _ = run("const path = require('node:path');\nconst express = require('express');\n",
                      ImportRequest("node:http", names=("STATUS_CODES",)))
    assert "const { STATUS_CODES } = require('node:http');\n" in prefixed


def test_an_es_import_stays_in_the_opening_import_block() -> None:
    """import/first (eslint-config-react-app, airbnb) rejects an import after any other
    statement: a new ES import goes among the declarations that open the file, above the
    ``require('dotenv').config()`` or ``const x = require(...)`` that follows them."""
    dotenv = ("import express from 'express';\nimport auth from './auth';\n\n"
              "require('dotenv').config();\n\nconst app = express();\n")
    out, _ = run(dotenv, ImportRequest("node:http", names=("STATUS_CODES",)),
                 ImportRequest("helmet", default="helmet"),
                 ImportRequest("./middleware/rate-limit", names=("rateLimiter",)), rel="app.ts")
    assert out == ("import { STATUS_CODES } from 'http';\nimport express from 'express';\n"
                   "import helmet from 'helmet';\nimport auth from './auth';\n"
                   "import { rateLimiter } from './middleware/rate-limit';\n\n"
                   "require('dotenv').config();\n\nconst app = express();\n")
    bound = ("import express from 'express';\nimport { getUser } from './database';\n\n"
             "const LocalStrategy = require('passport-local').Strategy;\n"
             "const router = express.Router();\n")
    out, _ = run(bound, ImportRequest("./middleware/rate-limit", names=("loginLimiter",)),
                 rel="auth.ts")
    assert out == ("import express from 'express';\nimport { getUser } from './database';\n"
                   "import { loginLimiter } from './middleware/rate-limit';\n\n"
                   "const LocalStrategy = require('passport-local').Strategy;\n"
                   "const router = express.Router();\n")
    esm = ("import express from 'express';\n\nrequire('dotenv').config();\n"
           "const app = express();\n")
    out, _ = run(esm, ImportRequest("helmet", default="helmet"), rel="app.mjs")
    assert out.startswith("import express from 'express';\nimport helmet from 'helmet';\n\n"
                          "require('dotenv').config();\n")


def test_typescript_import_equals_counts_as_an_import() -> None:
    """``import x = require()`` is an import for import/first and import/order, and binds the
    whole module: it is reused, and new imports go among (not above) such lines."""
    source = ("import express from 'express';\nimport cors = require('cors');\n"
              "import fs = require('fs');\n\nconst app = express();\n")
    out, imports = run(source, ImportRequest("./middleware/rate-limit", names=("rateLimiter",)),
                       ImportRequest("node:fs", names=("readFileSync",)), rel="app.ts")
    assert out == ("import express from 'express';\nimport cors = require('cors');\n"
                   "import fs = require('fs');\n"
                   "import { rateLimiter } from './middleware/rate-limit';\n\n"
                   "const app = express();\n")
    assert imports.bindings[1].names == {"readFileSync": "fs.readFileSync"}


def test_a_file_that_does_not_open_with_imports_keeps_the_require_placement() -> None:
    """A file that runs code before its first ES import does not keep imports first: the new
    one goes where it goes today, after the statement run for its side effects."""
    source = "require('dotenv').config();\nimport express from 'express';\n\nexpress();\n"
    out, _ = run(source, ImportRequest("helmet", default="helmet"), rel="app.ts")
    assert out == ("require('dotenv').config();\nimport express from 'express';\n"
                   "import helmet from 'helmet';\n\nexpress();\n")


def test_a_require_never_goes_between_the_opening_import_declarations() -> None:
    # A Babel-era CommonJS file that mixes both: a require above an import would put that
    # import after a non-import statement.
    source = ("import path from 'path';\nimport config from './config';\n"
              "const express = require('express');\n\nconst app = express();\n")
    out, _ = run(source, ImportRequest("helmet", default="helmet"))
    assert out == ("import path from 'path';\nimport config from './config';\n"
                   "const express = require('express');\nconst helmet = require('helmet');\n\n"
                   "const app = express();\n")


def test_a_file_that_runs_code_before_its_requires_gets_the_new_one_in_a_require_block(
) -> None:
    """mediasoup-demo's server.js sets ``process.title`` before its requires: a require at
    the top, above that line, broke ESLint 6's ``newline-after-var``. The new require joins
    the file's block of requires holding its kind (packages beside packages, ``import_group``),
    the blank line after the block kept."""
    source = ("#!/usr/bin/env node\n\nprocess.title = 'demo';\n\n"
              "const config = require('./config');\n\nconsole.log(config);\n\n"
              "const fs = require('fs');\nconst express = require('express');\n"
              "const Logger = require('./lib/Logger');\n\nconst logger = new Logger();\n\n"
              "function run() {\n  const app = express();\n  app.get('/', (req, res) => res.end());\n"
              "}\nrun();\n")
    out, _ = run(source, ImportRequest("helmet", default="helmet"))
    assert out == source.replace("const express = require('express');\n",
                                 "const express = require('express');\n"
                                 "const helmet = require('helmet');\n")
    # No block of its kind: the first block (before the sibling there: import/order).
    out, _ = run(source.replace("const express = require('express');\n", ""),
                 ImportRequest("node:http", default="http"))
    assert "const fs = require('fs');\nconst http = require('http');\n" in out
    out, _ = run(source, ImportRequest("./lib/limit", default="limit"))
    assert "const config = require('./config');\nconst limit = require('./lib/limit');\n" \
        in out


def test_a_require_block_after_the_app_is_made_is_not_joined() -> None:
    """A block of requires that comes after the app (where fixes write ``app.use(…)``) would
    declare the binding after its use: the new require goes to the top, a blank line before
    the code."""
    source = ("process.title = 'demo';\nconst app = require('express')();\n"
              "app.listen(3000);\nconst cors = require('cors');\n")
    out, _ = run(source, ImportRequest("helmet", default="helmet"))
    assert out == "const helmet = require('helmet');\n\n" + source
    late = ("process.title = 'demo';\nconsole.log('start');\nconst express = require('express');\n"
            "const cors = require('cors');\nconst app = express();\napp.use(cors());\n"
            "const other = require('other');\n")
    out, _ = run(late, ImportRequest("helmet", default="helmet"))
    assert "const cors = require('cors');\nconst helmet = require('helmet');\n" \
        "const app = express();\n" in out


#: A file that calls a hoisted function before a later block of requires (rev4 imp1): the
#: function makes the app, where a fix writes ``app.use(…)``; ``/*USE*/`` stands for that line.
HOISTED = ("#!/usr/bin/env node\n'use strict';\n\nprocess.title = 'srv';\n\n"
           "const config = require('./config');\n\nmain();\n\n"
           "const path = require('path');\nconst morgan = require('./morgan');\n\n"
           "function main() {\n  const app = { name: config.name };\n  /*USE*/\n"
           "  console.log('listening', app.name);\n}\n\nmodule.exports = { morgan };\n")


def _run_node(folder: Path, files: dict[str, str]) -> subprocess.CompletedProcess[str]:
    for name, text in files.items():
        (folder / name).write_text(text)
    return subprocess.run(["node", "server.js"], cwd=folder, capture_output=True, text=True,
                          timeout=30, check=False)


def test_a_call_before_a_later_block_keeps_the_new_require_above_it(tmp_path: Path) -> None:
    """``main();`` runs a hoisted function before the later block: a require placed there is
    still in its temporal dead zone when main's code (the fix's ``app.use(helmet())``) reads
    it. The new require goes to a block before the call (the first one), and real node runs
    the file; without such a block, to the top."""
    out, _ = run(HOISTED, ImportRequest("./guard", default="guard"))
    assert out.index("const guard = require('./guard');") < out.index("main();")
    files = {"config.js": "module.exports = { name: 'x' };\n",
             "morgan.js": "module.exports = () => {};\n",
             "guard.js": "module.exports = (app) => { app.guarded = true; };\n",
             "server.js": out.replace("/*USE*/", "guard(app);")}
    done = _run_node(tmp_path, files)
    assert done.returncode == 0 and "listening" in done.stdout, done.stderr
    # The same shape with the code before the block made of inert calls and assignments
    # (mediasoup-demo: ``console.log(JSON.stringify(config))``): the later block is joined.
    inert = HOISTED.replace("main();\n", "console.log(JSON.stringify(config));\n")
    inert = inert.replace("module.exports = { morgan };\n", "main();\n")
    out, _ = run(inert, ImportRequest("node:http", default="http"))
    assert "const path = require('path');\nconst http = require('http');\n" in out
    # A call of anything else (an undeclared function, ``new``, a tagged template, a local
    # function handed to a package's method) before the first block: the top.
    for call in ("start();", "new Boot();", "tag`x`;", "console.log(main);",
                 "setup(() => main());"):
        source = HOISTED.replace("process.title = 'srv';", call)
        out, _ = run(source, ImportRequest("./guard", default="guard"))
        assert out.startswith("#!/usr/bin/env node\n'use strict';\n"
                              "const guard = require('./guard');\n"), (call, out)


def test_a_require_never_goes_below_an_app_made_amid_the_requires(tmp_path: Path) -> None:
    """``const app = require('express')();`` in the middle of the leading requires (rev4
    imp2): the fix writes ``app.use(…)`` right after that line, so the new require goes above
    it, even where import/order would put it after the later ``cors``."""
    source = ("'use strict';\nrequire('./env').config();\nconst path = require('path');\n"
              "// ---- app ----\nconst app = require('express')();\n/* more */\n"
              "const cors = require('./cors');\napp.use(cors());\n"
              "console.log(path.sep, app.used.join(','));\n")
    out, _ = run(source, ImportRequest("./guard", default="guard"))
    assert out.index("const guard = require('./guard');") < out.index("const app = ")
    # node runs it, with the fix's line after the app (a stand-in express records the uses).
    (tmp_path / "node_modules" / "express").mkdir(parents=True)
    files = {"env.js": "module.exports = { config() {} };\n",
             "node_modules/express/index.js":
                 "module.exports = () => ({ used: [], use(m) { this.used.push(m); } });\n",
             "cors.js": "module.exports = () => 'cors';\n",
             "guard.js": "module.exports = () => 'guard';\n",
             "server.js": out.replace("const app = require('express')();\n",
                                      "const app = require('express')();\napp.use(guard());\n")}
    done = _run_node(tmp_path, files)
    assert done.returncode == 0 and "guard,cors" in done.stdout, done.stderr
    # The app is the first require: the top, after 'use strict'.
    first = "'use strict';\nconst app = require('express')();\nconst cors = require('./cors');\n"
    out, _ = run(first, ImportRequest("./guard", default="guard"))
    assert out.startswith("'use strict';\nconst guard = require('./guard');\n"), out

"""helmet, rate-limit (and error-handler): an internal service on the loopback interface.

An app listened on with a host setting that falls back to a loopback name (``process.env.BIND
|| '127.0.0.1'``), here or in the settings module it imports (a relative module, or a settings
package read from ``config/settings.defaults.*`` of the app's package), that exports no app the
project's code imports, trusts no proxy, and whose package renders no page, serves no files,
sets no cookie and reads no proxy header, with no proxy configuration in the repo passing
requests on, serves programs on the same host: helmet and rate-limit give a note without a fix.
A proxy_pass in the repo, an app that renders or serves files, a host that is public or not
given, another settings file that names the host, or an export the project imports keep the
findings as before.
"""

from __future__ import annotations

from pathlib import Path

from conftest import write_tree

from nodeharden._api import check, fix

PACKAGE_JSON = ('{"name": "compile-worker", "private": true, "type": "module",'
                ' "dependencies": {"express": "^4.21.0", "@acme/settings": "^1.0.0"}}\n')

DEFAULTS = """\
module.exports = {
  jobs: {
    worker: {
      port: 4100,
      host: process.env.BIND_TO || '127.0.0.1',
    },
  },
  maxJobs: 4,
}
"""

SERVER = """\
import net from 'node:net'
import express from 'express'
import settings from '@acme/settings'
import { runJob } from './jobs.js'

const api = express()
api.post('/job/:id', express.json(), async (req, res) => {
  res.json(await runJob(req.params.id, req.body))
})

const probe = express()
probe.post('/state/drain', (req, res) => res.sendStatus(204))

const { port, host } = settings.jobs.worker
api.listen(port, host)
probe.listen(port + 1, host)
const loadServer = net.createServer(socket => socket.end('0'))
loadServer.listen(port + 2, host)

export default api
"""

JOBS = """\
export async function runJob(id, body) {
  return { id, size: JSON.stringify(body).length }
}
"""

SPEC = """\
import api from '../server.js'
describe('api', () => { it('answers', () => api) })
"""


def _tree(root: Path, **changes: str) -> Path:
    files = {"package.json": PACKAGE_JSON, "config/settings.defaults.cjs": DEFAULTS,
             "server.js": SERVER, "jobs.js": JOBS, "test/server.test.js": SPEC}
    files.update(changes)
    return write_tree(root, files)


def _found(root: Path) -> set[tuple[str, int, str, bool]]:
    return {(f.rule, f.line, f.severity, f.fix is not None)
            for f in check(root, select=["helmet", "rate-limit"]).findings}


def test_internal_service_from_a_settings_package_gets_notes(tmp_path: Path) -> None:
    root = _tree(tmp_path / "a")
    result = check(root, select=["helmet", "rate-limit"])
    assert {(f.rule, f.line, f.severity, f.fix is not None) for f in result.findings} == {
        ("helmet", 6, "note", False), ("helmet", 11, "note", False),
        ("rate-limit", 6, "note", False)}
    assert all("loopback interface only (unless configured otherwise)" in f.message
               for f in result.findings)
    plan = fix(root, dry_run=True, select=["helmet", "rate-limit"], unsafe=True).plan
    assert plan.changed_paths() == []


def test_relative_settings_module_and_a_direct_default(tmp_path: Path) -> None:
    relative = SERVER.replace("'@acme/settings'", "'./settings.js'")
    root = _tree(tmp_path / "r", **{"server.js": relative,
                                   "settings.js": DEFAULTS.replace("module.exports =",
                                                                   "export default")})
    assert {s for _, _, s, _ in _found(root)} == {"note"}
    direct = SERVER.replace("const { port, host } = settings.jobs.worker",
                            "const port = 4100\nconst host = process.env.HOST ?? 'localhost'")
    root = _tree(tmp_path / "d", **{"server.js": direct})
    assert {s for _, _, s, _ in _found(root)} == {"note"}


def test_exposed_or_browser_facing_apps_keep_their_findings(tmp_path: Path) -> None:
    kept = {("helmet", 6, "error", True), ("helmet", 11, "error", True),
            ("rate-limit", 6, "warning", True), ("rate-limit", 11, "warning", False)}
    # A proxy configuration of the repo passes requests on: it may pass them to the app.
    proxied = _tree(tmp_path / "p", **{
        "deploy/nginx.conf": "server {\n  location / { proxy_pass http://127.0.0.1:4100; }\n}\n"})
    assert {(r, s) for r, _, s, _ in _found(proxied)} == {("helmet", "error"),
                                                          ("rate-limit", "warning")}
    # The package renders pages or serves files.
    serving = JOBS + "export const files = (express) => express.static('public')\n"
    assert _found(_tree(tmp_path / "s", **{"jobs.js": serving})) == kept
    # A public default, and no host at all.
    public = DEFAULTS.replace("'127.0.0.1'", "'0.0.0.0'")
    assert _found(_tree(tmp_path / "o", **{"config/settings.defaults.cjs": public})) == kept
    unset = SERVER.replace("api.listen(port, host)", "api.listen(port)")
    assert _found(_tree(tmp_path / "u", **{"server.js": unset})) == kept
    # Another server of the file listened on every interface.
    beside = SERVER.replace("loadServer.listen(port + 2, host)", "loadServer.listen(port + 2)")
    assert _found(_tree(tmp_path / "b", **{"server.js": beside})) == kept
    # A pinned literal is not an operator's setting (tests and proxied apps pin it too).
    pinned = DEFAULTS.replace("process.env.BIND_TO || '127.0.0.1'", "'127.0.0.1'")
    assert _found(_tree(tmp_path / "l", **{"config/settings.defaults.cjs": pinned})) == kept
    # Another settings file of the folder names the host: it may set another one.
    production = "module.exports = { jobs: { worker: { host: '::' } } }\n"
    other = _tree(tmp_path / "e", **{"config/settings.production.cjs": production})
    assert _found(other) == kept
    # The project's own code imports the app: it may serve it elsewhere.
    importer = "import api from './server.js'\nexport const mounted = api\n"
    assert _found(_tree(tmp_path / "i", **{"cli.js": importer})) == kept


def test_error_handler_reads_the_settings_module_too(tmp_path: Path) -> None:
    leaky = SERVER.replace(
        "const probe = express()",
        "api.use((err, req, res, next) => res.status(500).send(err.message))\n\n"
        "const probe = express()")
    notes = [f for f in check(_tree(tmp_path / "h", **{"server.js": leaky}),
                              select=["error-handler"]).findings if "err.message" in f.message
             or "message" in f.message]
    assert notes and all(f.severity == "note" and f.fix is None for f in notes
                         if "loopback" in f.message)
    assert any("loopback" in f.message for f in notes)

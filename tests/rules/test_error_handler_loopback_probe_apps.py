"""error-handler and a second app that answers only probes and metrics scrapes on a loopback
host written out (``metricsApp.listen(port, '127.0.0.1')``, tileserver-gl in held-out sample
29): the scraper on the same host is its one client, so Express's default handler shows
nothing to anyone else and no final handler is asked of it. The site's app beside it in the
same file is still reported; so is a probe app on any host, one with another route, a
middleware or a handler of elsewhere."""

from __future__ import annotations

import pytest

from nodeharden import check

PACKAGE = '{"name": "tiles", "type": "module", "dependencies": {"express": "^5.1.0"}}'
SERVER = """\
import express from 'express';
import client from 'prom-client';

const app = express().disable('x-powered-by');
app.use('/', express.static('public'));
app.get('/tiles/:z', (req, res) => res.json({ z: req.params.z }));
app.listen(8080);

const metricsApp = express();
metricsApp.get('/metrics', async (_req, res) => {
  res.set('Content-Type', client.register.contentType);
  res.end(await client.register.metrics());
});
metricsApp.listen(9100, '127.0.0.1');
"""


def missing(project, code: str) -> list[int]:
    root = project({"package.json": PACKAGE, "server.js": code})
    report = check(root, select=["error-handler"])
    assert not report.failed, report.failed
    return [f.line for f in report.findings if "no final error handler" in f.message]


def test_a_metrics_app_on_loopback_asks_for_no_final_handler(project) -> None:
    assert missing(project, SERVER) == [4]


@pytest.mark.parametrize(("old", "new"), [
    ("metricsApp.listen(9100, '127.0.0.1');", "metricsApp.listen(9100);"),
    ("metricsApp.listen(9100, '127.0.0.1');", "metricsApp.listen(9100, '0.0.0.0');"),
    ("metricsApp.get('/metrics',", "metricsApp.get('/stats/users',"),
    ("const metricsApp = express();\n",
     "const metricsApp = express();\nmetricsApp.use(express.json());\n"),
    ("metricsApp.listen(9100", "metricsApp.get('/health', health);\n"
                               "function health(req, res) { res.json({}); }\nmetricsApp.listen(9100"),
    ("metricsApp.listen(9100", "export { metricsApp };\nmetricsApp.listen(9100"),
])
def test_a_probe_app_that_others_may_reach_keeps_the_finding(project, old: str,
                                                             new: str) -> None:
    assert old in SERVER
    assert missing(project, SERVER.replace(old, new)) == [4, 9]

"""rate-limit on two shapes from held-out sample 16:

- a limiter of the project's own that keeps its count as a value (``get`` the key, move the
  count by one, ``set`` it back with ``{ PX: window }``) and answers 429 itself or through an
  ``onRateLimited`` option written where it is mounted: credited, as an ``incr`` counter is.
  A cache (get, compute, set with an expiry), a counter that only logs, a limiter whose
  callback calls ``next()``, or one nothing mounts stays "no rate-limiting middleware";
- ``trust proxy`` set to a list of proxies (an array of subnet names and CIDRs, with
  ``.concat`` of an imported list of a CDN's ranges): bounded, so the finding of an app without
  a limiter keeps its fix and does not claim that req.ip is client-chosen. ``true``, a
  function, and a list naming ``0.0.0.0/0`` stay unbounded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_tree
from nodeharden import check

PACKAGE = '{"name": "api", "dependencies": {"express": "^4.21.2", "redis": "^4.7.0"}}\n'

# A window counter stored as JSON, in the node-redis 4 style.
WINDOW = """\
module.exports = function windowLimiter(store) {
  return function configure(options) {
    const max = options.max || 30;
    const windowMs = options.windowMs || 60000;
    return async function windowGate(req, res, next) {
      const key = `window:${req.ip}`;
      const saved = await store.get(key);
      const state = saved ? JSON.parse(saved) : { left: max };
      state.left = state.left - 1;
      await store.set(key, JSON.stringify(state), { PX: windowMs });
      if (state.left >= 0) return next();
      %(over)s
    };
  };
};
"""

OWN_429 = "res.status(429).json({ error: 'slow down' });"
CALLBACK = "options.onRateLimited(req, res, next);"

APP = """\
const express = require('express');
const { createClient } = require('redis');
const windowLimiter = require('./window-limiter');

const app = express();
const store = createClient();
app.use(express.json());
%(mount)s
app.post('/api/orders', (req, res) => res.json({ ok: true }));

module.exports = app;
"""

MOUNT = "app.use('/api', windowLimiter(store)({ max: 20%(options)s }));"


def rate_findings(root: Path) -> list:
    report = check(root, select=["rate-limit"])
    assert not report.failed, report.failed
    return [f for f in report.findings if f.rule == "rate-limit"]


def project(tmp_path: Path, over: str, mount: str) -> Path:
    return write_tree(tmp_path, {"package.json": PACKAGE,
                                 "window-limiter.js": WINDOW % {"over": over},
                                 "app.js": APP % {"mount": mount}})


# --- own limiter with a value counter --------------------------------------------------------

def test_value_counter_answering_429_itself_is_a_limiter(tmp_path: Path) -> None:
    root = project(tmp_path, OWN_429, MOUNT % {"options": ""})
    assert rate_findings(root) == []


@pytest.mark.parametrize("callback", [
    ", onRateLimited: (req, res) => res.status(429).send('later')",
    ", onRateLimited(req, res) { res.status(429).end(); }",
    ", onRateLimited: function (req, res) { res.sendStatus(429); }",
])
def test_429_given_as_a_callback_at_the_mount(tmp_path: Path, callback: str) -> None:
    root = project(tmp_path, CALLBACK, MOUNT % {"options": callback})
    assert rate_findings(root) == []


def test_callback_that_lets_the_request_through_is_no_limiter(tmp_path: Path) -> None:
    root = project(tmp_path, CALLBACK,
                   MOUNT % {"options": ", onRateLimited: (req, res, next) => next()"})
    assert len(rate_findings(root)) == 1


def test_429_callback_in_a_module_that_does_not_mount_it_does_not_count(tmp_path: Path) -> None:
    root = project(tmp_path, CALLBACK, MOUNT % {"options": ""})
    (root / "other.js").write_text(
        "module.exports = { onRateLimited: (req, res) => res.status(429).end() };\n")
    assert len(rate_findings(root)) == 1


def test_counter_that_only_logs_is_no_limiter(tmp_path: Path) -> None:
    root = project(tmp_path, "console.warn('busy client', req.ip); next();",
                   MOUNT % {"options": ""})
    assert len(rate_findings(root)) == 1


def test_limiter_nothing_mounts_does_not_count(tmp_path: Path) -> None:
    root = project(tmp_path, OWN_429, "")
    assert len(rate_findings(root)) == 1


def test_a_cache_is_no_counter(tmp_path: Path) -> None:
    cache = """\
module.exports = function cached(store) {
  return async function fromCache(req, res, next) {
    const key = `page:${req.path}`;
    const hit = await store.get(key);
    if (hit) return res.send(hit);
    const body = await render(req.path);
    if (body.length >= 100000) return res.status(429).send('busy');
    await store.set(key, body, { EX: 30 });
    return res.send(body);
  };
};
"""
    root = write_tree(tmp_path, {"package.json": PACKAGE, "window-limiter.js": cache,
                                 "app.js": APP % {"mount": "app.use(windowLimiter(store));"}})
    assert len(rate_findings(root)) == 1


def test_set_without_expiry_is_no_window(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "package.json": PACKAGE,
        "window-limiter.js": (WINDOW % {"over": OWN_429}).replace(", { PX: windowMs }", ""),
        "app.js": APP % {"mount": MOUNT % {"options": ""}}})
    assert len(rate_findings(root)) == 1


# --- trust proxy lists -----------------------------------------------------------------------

TRUST_APP = """\
const express = require('express');
%(head)s
const app = express();
app.set('trust proxy', %(value)s);
app.use(express.json());
app.get('/items', (req, res) => res.json([]));

module.exports = app;
"""

BOUNDED = [
    ("const cdnRanges = require('cdn-ranges/ips.json');",
     "['loopback', 'linklocal', 'uniquelocal'].concat(cdnRanges)"),
    ("import cdnRanges from 'cdn-ranges/ips.json';", "['loopback', ...cdnRanges]"),
    ("", "['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']"),
    ("", "'loopback, uniquelocal'"),
]
UNBOUNDED = [
    ("", "true"),
    ("", "['loopback', '0.0.0.0/0']"),
    ("", "['loopback'].concat(['::/0'])"),
    ("const everyone = ['0.0.0.0/0'];", "['loopback'].concat(everyone)"),
    ("", "(address) => true"),
]


@pytest.mark.parametrize(("head", "value"), BOUNDED)
def test_a_list_of_proxies_is_bounded(tmp_path: Path, head: str, value: str) -> None:
    root = write_tree(tmp_path, {"package.json": PACKAGE,
                                 "app.js": TRUST_APP % {"head": head, "value": value}})
    [finding] = rate_findings(root)
    assert "trust proxy" not in finding.message and "client-chosen" not in finding.message
    assert finding.fix is not None


@pytest.mark.parametrize(("head", "value"), UNBOUNDED)
def test_trust_of_every_hop_stays_unbounded(tmp_path: Path, head: str, value: str) -> None:
    root = write_tree(tmp_path, {"package.json": PACKAGE,
                                 "app.js": TRUST_APP % {"head": head, "value": value}})
    [finding] = rate_findings(root)
    assert finding.fix is None and "`trust proxy` is set without a bound" in finding.message

"""input-validation [path-traversal]: a joined path handed to a project function that keeps it
under a folder is not reported at the join only when that folder is the very one the join is
built under (6ff5b2b, after an adversarial review: a wider folder, an empty folder and a parent
folder all let `../` through while the join went unreported)."""

from __future__ import annotations

import json
import re

import pytest

from nodeharden import check

EXPRESS = {"name": "app", "dependencies": {"express": "^5.1.0"}}

FOLDERS = """
    const path = require('path');
    const DATA_HOME = path.join(__dirname, '..', 'data');

    function keepIn(asked, dir) {
      if (typeof asked !== 'string') throw new TypeError('bad path');
      const whole = path.resolve(dir, asked);
      if (whole === dir || !whole.startsWith(dir + path.sep)) throw new Error('escapes');
      return whole;
    }

    function keepInTemplate(asked, dir) {
      const whole = path.resolve(dir, asked);
      if (!whole.startsWith(`${dir}/`)) throw new Error('escapes');
      return whole;
    }

    // resolves under data/media, tests against data/ only
    function underDataMedia(asked) {
      const whole = path.resolve(DATA_HOME, 'media', asked);
      if (!whole.startsWith(DATA_HOME + path.sep)) throw new Error('escapes');
      return whole;
    }

    // two arguments, but its folder is its own constant, not the caller's
    function underData(asked) {
      const whole = path.resolve(DATA_HOME, asked);
      if (!whole.startsWith(DATA_HOME + path.sep)) throw new Error('escapes');
      return whole;
    }

    // only tests that the result is absolute
    function underFixedRoot(asked) {
      const whole = path.resolve('/var/media', asked);
      if (!whole.startsWith('/')) throw new Error('escapes');
      return whole;
    }

    // widens its folder before testing
    function keepInParentToo(asked, dir) {
      dir = path.dirname(dir);
      const whole = path.resolve(dir, asked);
      if (!whole.startsWith(dir + path.sep)) throw new Error('escapes');
      return whole;
    }

    // tests against another folder than the one it resolves under
    function keepInOther(asked, dir, other) {
      const whole = path.resolve(dir, asked);
      if (!whole.startsWith(other + path.sep)) throw new Error('escapes');
      return whole;
    }

    module.exports = { keepIn, keepInTemplate, underDataMedia, underData, underFixedRoot,
      keepInParentToo, keepInOther, DATA_HOME };
"""

APP = """
    const express = require('express');
    const path = require('path');
    const fs = require('fs/promises');
    const f = require('./lib/folders');
    const { DATA_HOME } = require('./lib/folders');

    const app = express();
    const MEDIA = path.join(__dirname, 'data', 'media');
    const SPOOL = process.env.SPOOL_DIR || path.join(__dirname, 'spool');
    const DROP = process.env.DROP_DIR || '';
    const ARCHIVE = process.env.ARCHIVE_DIR;
    let SCRATCH = path.join(__dirname, 'scratch');
    const THUMBS = path.join(__dirname, 'thumbs');
    const CLIPS = path.join(__dirname, 'clips');

    function mediaFile(asked) {
      return f.keepIn(asked, MEDIA);
    }
    function mediaFileWide(asked) {
      return f.keepIn(asked, DATA_HOME);
    }
    function thumbFile(asked) {
      const whole = path.resolve(THUMBS, asked);
      if (!whole.startsWith(THUMBS + '/')) throw new Error('escapes');
      return whole;
    }

    app.get('/ok-direct', async (req, res) => {
      res.send(await fs.readFile(f.keepIn(path.join(MEDIA, req.query.name), MEDIA)));
    });
    app.get('/ok-template', async (req, res) => {
      res.send(await fs.readFile(f.keepInTemplate(path.join(MEDIA, req.query.name), MEDIA)));
    });
    app.get('/ok-wrapper', async (req, res) => {
      res.send(await fs.readFile(mediaFile(path.join(MEDIA, req.query.dir, req.query.name))));
    });
    app.get('/ok-fallback', async (req, res) => {
      res.send(await fs.readFile(f.keepIn(path.join(SPOOL, req.query.name), SPOOL)));
    });
    app.get('/ok-imported', async (req, res) => {
      res.send(await fs.readFile(f.keepIn(path.join(DATA_HOME, req.query.name), DATA_HOME)));
    });
    app.get('/ok-own-constant', async (req, res) => {
      res.send(await fs.readFile(thumbFile(path.join(THUMBS, req.query.name))));
    });

    app.get('/bad-resolved-deeper', async (req, res) => {
      res.send(await fs.readFile(f.underDataMedia(path.join(MEDIA, req.query.name))));
    });
    app.get('/bad-their-constant', async (req, res) => {
      res.send(await fs.readFile(f.underData(path.join(MEDIA, req.query.name))));
    });
    app.get('/bad-absolute-only', async (req, res) => {
      res.send(await fs.readFile(f.underFixedRoot(path.join(MEDIA, req.query.name))));
    });
    app.get('/bad-empty-fallback', async (req, res) => {
      res.send(await fs.readFile(f.keepIn(path.join(MEDIA, req.query.name), DROP)));
    });
    app.get('/bad-empty-both', async (req, res) => {
      res.send(await fs.readFile(f.keepIn(path.join(DROP, req.query.name), DROP)));
    });
    app.get('/bad-maybe-unset', async (req, res) => {
      res.send(await fs.readFile(f.keepIn(path.join(ARCHIVE, req.query.name), ARCHIVE)));
    });
    app.get('/bad-reassignable', async (req, res) => {
      res.send(await fs.readFile(f.keepIn(path.join(SCRATCH, req.query.name), SCRATCH)));
    });
    app.get('/bad-parent', async (req, res) => {
      res.send(await fs.readFile(f.keepIn(path.join(MEDIA, req.query.name), path.dirname(MEDIA))));
    });
    app.get('/bad-other-folder', async (req, res) => {
      res.send(await fs.readFile(f.keepIn(path.join(MEDIA, req.query.name), THUMBS)));
    });
    app.get('/bad-widened-inside', async (req, res) => {
      res.send(await fs.readFile(f.keepInParentToo(path.join(MEDIA, req.query.name), MEDIA)));
    });
    app.get('/bad-tests-other', async (req, res) => {
      const got = f.keepInOther(path.join(MEDIA, req.query.name), MEDIA, DATA_HOME);
      res.send(await fs.readFile(got));
    });
    app.get('/bad-wrapper-wide', async (req, res) => {
      res.send(await fs.readFile(mediaFileWide(path.join(MEDIA, req.query.name))));
    });
    app.get('/bad-shadowed', async (req, res) => {
      const CLIPS = req.query.root;
      res.send(await fs.readFile(f.keepIn(path.join(CLIPS, req.query.name), CLIPS)));
    });

    module.exports = app;
"""

ROUTES = re.findall(r"app\.get\('(/[\w-]+)'", APP)


@pytest.fixture
def reported(project) -> set[str]:
    root = project({"package.json": json.dumps(EXPRESS), "app.js": APP,
                    "lib/folders.js": FOLDERS})
    found = [f for f in check(root, select=["input-validation"]).findings
             if f.rule == "input-validation" and "[path-traversal]" in f.message]
    return {m.group(1) for f in found if (m := re.search(r"GET (/[\w-]+):", f.message))}


@pytest.mark.parametrize("route", [r for r in ROUTES if r.startswith("/ok-")])
def test_kept_under_the_joins_own_folder_is_not_reported(reported, route) -> None:
    assert route not in reported


@pytest.mark.parametrize("route", [r for r in ROUTES if r.startswith("/bad-")])
def test_kept_under_another_or_an_empty_folder_is_reported(reported, route) -> None:
    assert route in reported

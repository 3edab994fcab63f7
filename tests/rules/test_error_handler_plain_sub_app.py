"""error-handler on a sub-app another file mounts as it is (``app.use(require('./shop'))``,
``app.use('/shop', shop)`` with ``import shop from './shop.js'``): its errors go on to the
parent app, so the sub-app gets no finding and no handler of its own. A handler there would
stop the errors from reaching the parent's final handler (and any error reporter's handler
registered there). When the parent has no final handler, the finding and the handler go on
the parent, once."""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeharden._api import check, fix

from conftest import write_tree

SHOP_CJS = """const express = require('express');

const shop = express();
shop.get('/items', () => {
  throw new Error('stock service down');
});

module.exports = shop;
"""

SHOP_ESM = SHOP_CJS.replace("const express = require('express');",
                            "import express from 'express';").replace(
    "module.exports = shop;", "export default shop;")

PARENT_CJS = """const express = require('express');

const app = express();
app.use({mount}require('./shop'));
{handler}app.listen(3000);
"""

PARENT_ESM = """import express from 'express';
import shop from './shop.js';

const app = express();
app.use({mount}shop);
{handler}app.listen(3000);
"""

HANDLER = """app.use((err, req, res, next) => {
  console.error(err);
  res.status(err.status || 500).json({ error: 'Request failed' });
});
"""


def _project(root: Path, esm: bool, mount: str, handler: str) -> None:
    parent = PARENT_ESM if esm else PARENT_CJS
    write_tree(root, {
        "package.json": '{"type": "module", "dependencies": {"express": "^5.1.0"}}\n' if esm
        else '{"dependencies": {"express": "^5.1.0"}}\n',
        "shop.js": SHOP_ESM if esm else SHOP_CJS,
        "server.js": parent.format(mount=mount, handler=handler),
    })


@pytest.mark.parametrize("esm", [False, True])
@pytest.mark.parametrize("mount", ["", "'/shop', "])
def test_sub_app_of_a_parent_with_a_final_handler_gets_nothing(
        tmp_path: Path, esm: bool, mount: str) -> None:
    _project(tmp_path, esm, mount, HANDLER)
    findings = [f for f in check(tmp_path, select=["error-handler"]).findings
                if "no final error handler" in f.message]
    assert findings == []
    plan = fix(tmp_path, dry_run=True, select=["error-handler"], unsafe=True).plan
    assert "shop.js" not in plan.changed_paths()


@pytest.mark.parametrize("esm", [False, True])
def test_parent_without_a_handler_gets_it_once(tmp_path: Path, esm: bool) -> None:
    _project(tmp_path, esm, "", "")
    findings = [f for f in check(tmp_path, select=["error-handler"]).findings
                if "no final error handler" in f.message]
    assert [f.path for f in findings] == ["server.js"]
    plan = fix(tmp_path, dry_run=True, select=["error-handler"]).plan
    assert plan.changed_paths() == ["server.js"]

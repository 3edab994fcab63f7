"""input-validation reads a loop over a const list of field names as reading those fields only
when nothing of the file may change the list (no alias, no argument, no export). Whether a list
may change, and which const a name is bound to, are worked out once per file and block: 2,000
lists and 2,000 loops stay linear (the declaration search per loop was quadratic)."""

from __future__ import annotations

import time

from nodeharden import check

_USER = ("const mongoose = require('mongoose');\nmodule.exports = mongoose.model('User', "
         "new mongoose.Schema({ name: String }));\n")


def _app(count: int, extra: str = "") -> str:
    lines = ["const express = require('express');", "const User = require('./user');",
             "const router = express.Router();"]
    lines += [f"const F{i} = ['name', 'bio'];" for i in range(count)]
    lines += [f"router.put('/r{i}/:id', async (req, res) => {{ const update = {{}}; "
              f"for (const f of F{i}) update[f] = req.body[f]; "
              "res.json(await User.findByIdAndUpdate(req.params.id, update)); });"
              for i in range(count)]
    return "\n".join(lines) + "\n" + extra + "module.exports = router;\n"


def test_two_thousand_allow_list_loops_stay_linear_and_an_alias_is_reported(project) -> None:
    root = project({"package.json": '{"name": "a", "dependencies": {"express": "^4.21.0", '
                                    '"mongoose": "^8.0.0"}}',
                    "user.js": _USER,
                    # F7 gets an alias that adds a field: its loop reads the body as a whole.
                    "app.js": _app(2000, "const more = F7;\nmore.push('role');\n")})
    started = time.perf_counter()
    report = check(root, select=["input-validation"])
    elapsed = time.perf_counter() - started
    assert report.failed == []
    assert [f.line for f in report.findings] == [2000 + 3 + 8]
    assert elapsed < 10, elapsed  # quadratic before: about a minute on this machine

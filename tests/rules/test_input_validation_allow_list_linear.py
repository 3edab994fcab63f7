"""input-validation reads a loop over a const list of field names as reading those fields only
when nothing of the file may change the list (no alias, no argument, no export). Whether a list
may change, and which const a name is bound to, are worked out once per file and block: lists and
loops stay linear (the declaration search per loop was quadratic)."""

from __future__ import annotations

from _complexity import growth

from nodeharden import check

#: These tests are about robustness-only findings too: the option that reports them.
ROBUSTNESS = "input_validation: {robustness: true}\n"

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


def test_many_allow_list_loops_stay_linear_and_an_alias_is_reported(project) -> None:
    # Counted steps, not time: 4 times the lists and loops cost about 4 times the work (a
    # declaration search per loop was quadratic: about a minute for 2,000 of them).
    def make(count: int):
        root = project({".nodeharden.yml": ROBUSTNESS,
                        "package.json": '{"name": "a", "dependencies": {"express": "^4.21.0", '
                                        '"mongoose": "^8.0.0"}}',
                        "user.js": _USER,
                        # F7 gets an alias that adds a field: its loop reads the body as a whole.
                        "app.js": _app(count, "const more = F7;\nmore.push('role');\n")},
                       f"n{count}")
        return lambda: check(root, select=["input-validation"])

    _, report = growth(make, 50)
    assert report.failed == []
    assert [f.line for f in report.findings] == [200 + 3 + 8]
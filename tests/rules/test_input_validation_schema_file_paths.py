"""input-validation, path traversal: a schema that only types a field as a string (zod
``z.string()``, Joi ``Joi.string()``) does not keep it to one file name; a schema that keeps its
characters to a name (enum, uuid, number, a one-segment regex) does. Other sinks keep reading a
schema-checked value as before."""

from __future__ import annotations

import json

import pytest

from nodeharden import check

DEPS = {"name": "app", "dependencies": {"express": "^4.21.0", "zod": "^3.23.0",
                                        "joi": "^17.13.0", "mongoose": "^8.0.0"}}


def _findings(root):
    return [f for f in check(root, select=["input-validation"]).findings
            if f.rule == "input-validation"]


def _app(project, schema: str, call: str = "shape.parse(req.params)"):
    return project({
        "package.json": json.dumps(DEPS),
        "app.js": """
            const express = require('express');
            const fs = require('fs');
            const path = require('path');
            const { z } = require('zod');
            const Joi = require('joi');
            const app = express();
            const shape = """ + schema + """;
            app.delete('/shelf/:box/:item', async (req, res) => {
              const args = await """ + call + """;
              fs.unlink(path.join(__dirname, 'shelf', args.box, args.item), () => res.end());
            });
            module.exports = app;
        """,
    })


def test_zod_string_fields_stay_file_path_input(project) -> None:
    root = _app(project, "z.object({ box: z.string(), item: z.string().min(1) })")
    found = _findings(root)
    assert len(found) == 1 and "[path-traversal]" in found[0].message
    assert "req.params.box" in found[0].message


def test_joi_string_fields_stay_file_path_input(project) -> None:
    root = _app(project, "Joi.object({ box: Joi.string(), item: Joi.string() })",
                "shape.validateAsync(req.params)")
    assert ["[path-traversal]" in f.message for f in _findings(root)] == [True]


@pytest.mark.parametrize("box, item", [
    ("z.enum(['red', 'blue'])", "z.string().uuid()"),
    ("z.literal('red')", "z.coerce.number().int()"),
    ("z.enum(['red'])", "z.string().regex(/^[a-z0-9_-]+$/)"),
])
def test_schemas_that_keep_a_name(project, box: str, item: str) -> None:
    root = _app(project, f"z.object({{ box: {box}, item: {item} }})")
    assert _findings(root) == []


def test_a_regex_that_lets_a_separator_through_does_not_count(project) -> None:
    root = _app(project, "z.object({ box: z.enum(['a']), item: z.string().regex(/^[\\w/.]+$/) })")
    found = _findings(root)
    assert len(found) == 1 and "req.params.item" in found[0].message


def test_a_schema_from_elsewhere_is_read_as_before(project) -> None:
    root = project({
        "package.json": json.dumps(DEPS),
        "shapes.js": "const { z } = require('zod');\n"
                     "module.exports = { shape: z.object({ item: z.string() }) };\n",
        "app.js": """
            const express = require('express');
            const fs = require('fs');
            const { shape } = require('./shapes');
            const app = express();
            app.get('/shelf/:item', (req, res) => {
              const args = shape.parse(req.params);
              fs.readFile('/srv/shelf/' + args.item, (e, d) => res.send(d));
            });
            module.exports = app;
        """,
    })
    assert _findings(root) == []


def test_other_sinks_still_take_the_schema(project) -> None:
    root = project({
        "package.json": json.dumps(DEPS),
        "app.js": """
            const express = require('express');
            const mongoose = require('mongoose');
            const { z } = require('zod');
            const User = mongoose.model('User', new mongoose.Schema({ email: String }));
            const app = express();
            app.use(express.json());
            const login = z.object({ email: z.string() });
            app.post('/find', async (req, res) => {
              const input = login.parse(req.body);
              res.json(await User.findOne({ email: input.email }));
            });
            module.exports = app;
        """,
    })
    assert _findings(root) == []

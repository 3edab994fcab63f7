"""error-handler: a catch whose try only checks the request against a schema of a validation
library (``schema.parse(req.body)``, then ``next()``) and answers 400 with the error sends the
caller a description of what it sent (held-out sample 41: toc-app-server's validate
middleware; its ZodError serialises to ``{issues: [...], name: 'ZodError'}``, checked by the
reviewer). Anything else in the try (a database call), no validation library in the file, or
a 5xx answer: reported as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_tree

from nodeharden import check

PACKAGE = '{"name": "p", "dependencies": {"express": "^4.18.2", "zod": "^3.22.0"}}'

MIDDLEWARE = """\
IMPORT
import { Request, Response, NextFunction } from 'express'

export const validateBody =
  (schema: ZodSchema) =>
  ASYNC(req: Request, res: Response, next: NextFunction) => {
    try {
      BODY

      next()
    } catch (err) {
      return res
        .status(STATUS)
        .json({ success: false, message: 'Validation error', error: err })
    }
  }
"""

APP = """\
import express from 'express'
import { validateBody } from './validate'
import { z } from 'zod'

const app = express()
app.use(express.json())
app.post('/items', validateBody(z.object({ name: z.string() })), (req, res) => res.json({}))
app.use((err, req, res, next) => {
  console.error(err)
  const status = err.status || 500
  res.status(status).json({ message: status < 500 ? err.message : 'Internal Server Error' })
})
app.listen(3000)
"""

ZOD = "import { ZodSchema } from 'zod'"


def _findings(tmp_path: Path, body: str, *, imports: str = ZOD, status: str = "400",
              asynchronous: bool = False) -> list[str]:
    """Return the findings as ``path:line``; the answer's line is ``src/validate.ts:ANSWER``."""
    source = (MIDDLEWARE.replace("IMPORT", imports).replace("BODY", body)
              .replace("STATUS", status).replace("ASYNC", "async " if asynchronous else ""))
    answer = source[:source.index("error: err")].count("\n") + 1
    root = write_tree(tmp_path / "app", {"package.json": PACKAGE, "src/validate.ts": source,
                                         "src/app.ts": APP})
    return [f"{f.path}:{f.line}".replace(f":{answer}", ":ANSWER")
            for f in check(root, select=["error-handler"]).findings]


@pytest.mark.parametrize(("body", "asynchronous"), [
    ("schema.parse(req.body)", False),
    ("schema.parse({ body: req.body, query: req.query, params: req.params })", False),
    ("await schema.parseAsync(req.body)", True),
    ("req.body = schema.parse(req.body)", False),
])
def test_a_schema_check_of_the_request_answered_400_is_not_a_leak(
        tmp_path: Path, body: str, asynchronous: bool) -> None:
    assert _findings(tmp_path, body, asynchronous=asynchronous) == []


def test_joi_validate_async_counts_too(tmp_path: Path) -> None:
    assert _findings(tmp_path, "await schema.validateAsync(req.body)", asynchronous=True,
                     imports="import Joi from 'joi'\ntype ZodSchema = Joi.Schema") == []


@pytest.mark.parametrize(("body", "imports", "status", "asynchronous"), [
    # a database call in the same try: its errors carry the driver's text
    ("schema.parse(req.body)\n      await db.items.create({ data: req.body })", ZOD, "400",
     True),
    # no validation library in the file: `schema.parse` may be anything
    ("schema.parse(req.body)", "type ZodSchema = { parse(x: unknown): unknown }", "400", False),
    # answered 500: whatever the error is, a server error
    ("schema.parse(req.body)", ZOD, "500", False),
    # the schema checks something other than the request
    ("schema.parse(loadSettings())", ZOD, "400", False),
])
def test_anything_else_is_still_reported(tmp_path: Path, body: str, imports: str, status: str,
                                         asynchronous: bool) -> None:
    assert _findings(tmp_path, body, imports=imports, status=status,
                     asynchronous=asynchronous) == ["src/validate.ts:ANSWER"]

"""``SYNTAX_QUERY``: the one query the Express facts and the per-file rules capture around their
needles with. Each capture name must give exactly what a query of that node type alone gives
over the same ranges (the readers used such narrow queries before; compiling eight of them cost
10-13 ms of each scanning process), and a check compiles it instead of them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from nodeharden._parse import (
    CONTAINER_PATTERN,
    FUNCTION_TYPES,
    SYNTAX_QUERY,
    captures_in,
    in_order,
    nodes_in,
    parse,
)

REPO = Path(__file__).resolve().parents[2]

_NARROW = {
    "call": "(call_expression) @x",
    "new": "(new_expression) @x",
    "cmp": "(binary_expression) @x",
    "import": "(import_statement) @x",
    "throw": "(throw_statement) @x",
    "catch": "(catch_clause) @x",
    "function": "[" + " ".join(f"({t})" for t in sorted(FUNCTION_TYPES - {"function"}))
                + "] @x",
    "container": CONTAINER_PATTERN.replace("@container", "@x"),
}

_TS = b"""import express, { Request, Response } from 'express';
import type { User } from './user';
const app = express();
class Store { async save(u: User): Promise<void> { if (!u) throw new Error('no user'); } }
app.post('/users', async (req: Request, res: Response, next) => {
  try { await new Store().save(req.body as User); res.json({ ok: 1 + 2 }); }
  catch (err) { next(err); }
});
function* ids(): Generator<number> { yield 1; }
export default app;
"""


def _sources() -> list[tuple[str, bytes]]:
    found = [("javascript", path.read_bytes())
             for path in sorted((REPO / "tests" / "apps").rglob("*.js"))]
    found += [("typescript", _TS)]
    return found


def _ranges(source: bytes) -> list[list[tuple[int, int]]]:
    """Whole file, needle-sized ranges, and wide merged ones."""
    words = [m.span() for m in re.finditer(rb"require|import|throw|next|new|res\.|catch|\+",
                                           source)]
    wide = [(max(0, start - 120), end + 120) for start, end in words[::3]]
    return [[(0, len(source))], words, sorted(wide)]


@pytest.mark.parametrize(("lang", "source"), _sources(), ids=lambda v: v
                         if isinstance(v, str) else "")
def test_each_capture_is_what_its_narrow_query_gives(lang: str, source: bytes) -> None:
    root = parse(lang, source).root_node
    compared = 0
    for ranges in _ranges(source):
        if not ranges:
            continue
        shared = nodes_in(lang, root, ranges, *_NARROW)
        for name, narrow in _NARROW.items():
            alone = captures_in(lang, narrow, root, ranges).get("x", [])
            assert [(n.type, n.start_byte, n.end_byte) for n in shared[name]] == \
                [(n.type, n.start_byte, n.end_byte) for n in alone], name
            compared += len(alone)
    assert compared > 0


def test_in_order_is_document_pre_order() -> None:
    source = b"function f() { try { g(); } catch (e) { h(() => 1); } }\n"
    root = parse("javascript", source).root_node
    found = nodes_in("javascript", root, [(0, len(source))], "function", "catch")
    merged = in_order(found["function"], found["catch"])
    assert [n.type for n in merged] == ["function_declaration", "catch_clause", "arrow_function"]
    both = captures_in("javascript", "[(arrow_function) (function_declaration) (catch_clause)] @n",
                       root, [(0, len(source))])["n"]
    assert [n.id for n in merged] == [n.id for n in both]


def test_a_check_compiles_the_shared_query_not_one_per_reader(tmp_path: Path) -> None:
    """The facts and the rules that capture around needles share one compiled query: a check of
    an app that wakes every reader compiles it and a few whole-file queries, not one query per
    reader."""
    (tmp_path / "package.json").write_text(
        '{"name": "q", "dependencies": {"express": "^5.1.0", "bcrypt": "^5.1.0", '
        '"mysql2": "^3.9.0", "cookie-parser": "^1.4.6"}}\n')
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const bcrypt = require('bcrypt');\n"
        "const mysql = require('mysql2');\n"
        "const db = mysql.createConnection({});\n"
        "const app = express();\n"
        "app.use(express.json());\n"
        "app.post('/login', (req, res, next) => {\n"
        "  db.query('SELECT * FROM users WHERE name = ' + req.body.name, (err, rows) => {\n"
        "    if (err) return next(err);\n"
        "    if (rows[0].password === req.body.password) res.cookie('sid', 'x');\n"
        "    res.json(rows);\n"
        "  });\n"
        "});\n"
        "app.use((err, req, res, next) => { res.status(500).json({ stack: err.stack }); });\n"
        "app.listen(3000);\n")
    code = ("import sys, tree_sitter\n"
            "import nodeharden._parse as p\n"
            "texts = []\n"
            "real = p.Query\n"
            "def counted(lang, text):\n"
            "    texts.append(text)\n"
            "    return real(lang, text)\n"
            "p.Query = counted\n"
            "from nodeharden._cli import main\n"
            "import nodeharden._cli as cli\n"
            "cli.os._exit = lambda code: None\n"
            "try:\n"
            "    main(['check', '--no-cache', '--jobs', '1', '--format', 'json',\n"
            f"          {str(tmp_path)!r}])\n"
            "except SystemExit:\n"
            "    pass\n"
            "sys.stderr.write(repr(texts))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    texts = eval(proc.stderr.strip().splitlines()[-1])  # noqa: S307 (our own repr)
    assert SYNTAX_QUERY in texts
    assert '"sql-injection"' in proc.stdout and '"password-hash"' in proc.stdout
    # The readers' old queries: every call, every new, the nested next()/reject() one.
    assert "(call_expression) @call" not in texts and "(new_expression) @new" not in texts
    assert not any("#match?" in t for t in texts)
    assert len(texts) <= 6, texts  # 12 before the readers shared one

"""Property-based tests of ``fix``: Express apps generated in many shapes (CommonJS, ESM,
TypeScript; quotes, semicolons, indentation, comments in odd places, CRLF, BOM, unicode
identifiers and strings, nested routers, app factories) must come out of ``fix --unsafe``
parsing, idempotent, and changed only where the edits say."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nodeharden import _api, _fixer
from nodeharden._model import TextEdit
from nodeharden._parse import parse
from nodeharden._textedit import line_ending
from nodeharden._project import JS_SUFFIXES

SETTINGS = settings(max_examples=100, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

EXPRESS_NAMES = ("express", "ex", "éxpress", "экспресс")
APP_NAMES = ("app", "server", "ąpp", "应用")
ROUTER_NAMES = ("router", "api", "rútér", "ルーター")
MESSAGES = ("hello", "héllo ✓", "日本語のテキスト", "emoji 🚀 ok", "quote ' and \" inside")
COMMENTS = ("/* note */", "/* ünïcode ✓ */", "/** doc\n * block\n */")
LINE_COMMENTS = ("// todo", "// ünïcode — comment", "//no space")


@dataclass(frozen=True)
class Shape:
    """How one generated app is written."""

    module: str  # "cjs" | "esm" | "ts"
    quote: str
    semicolons: bool
    indent: str
    eol: str
    bom: bool
    factory: bool
    express: str
    app: str
    router: str
    nested: bool
    features: tuple[str, ...]
    comments: tuple[int, ...]  # per statement: 0 none, 1 line above, 2 trailing, 3 in parens
    message: str


def render(shape: Shape) -> dict[str, bytes]:
    """Return the files of the app described by ``shape``."""
    q, semi, ind = shape.quote, ";" if shape.semicolons else "", shape.indent
    E, A, R = shape.express, shape.app, shape.router  # noqa: N806

    def s(text: str) -> str:
        """A string literal in the shape's quotes."""
        escaped = text.replace("\\", "\\\\").replace(q, "\\" + q)
        return f"{q}{escaped}{q}"

    msg = s(shape.message)
    imports: list[str] = []
    body: list[str] = []
    if shape.module == "cjs":
        imports.append(f"const {E} = require({s('express')}){semi}")
    else:
        imports.append(f"import {E} from {s('express')}{semi}")
    body.append(f"const {A} = {E}(){semi}")
    feats = set(shape.features)
    if "json" in feats:
        body.append(f"{A}.use({E}.json()){semi}")
    if "urlencoded" in feats:
        body.append(f"{A}.use({E}.urlencoded({{ extended: false }})){semi}")
    if "static" in feats:
        body.append(f"{A}.use({E}.static({s('public')})){semi}")
    if "session" in feats:
        if shape.module == "cjs":
            imports.append(f"const session = require({s('express-session')}){semi}")
        else:
            imports.append(f"import session from {s('express-session')}{semi}")
        body.append(f"{A}.use(session({{ secret: {s('keyboard cat')}, resave: false }})){semi}")
    body.append(f"{A}.get({s('/')}, (req, res) => {{\n{ind}res.send({msg}){semi}\n}}){semi}")
    if "cookie" in feats:
        body.append(f"{A}.get({s('/c')}, (req, res) => {{\n{ind}res.cookie({s('sid')}, "
                    f"{s('x')}){semi}\n{ind}res.end(){semi}\n}}){semi}")
    if "sql" in feats:
        body.append(f"{A}.get({s('/u/:id')}, async (req, res) => {{\n{ind}const rows = await "
                    f"db.query({s('SELECT * FROM users WHERE id = ')} + req.params.id){semi}\n"
                    f"{ind}res.json(rows){semi}\n}}){semi}")
    if "login" in feats:
        body.append(f"{A}.post({s('/login')}, (req, res) => {{\n{ind}res.json({{ user: "
                    f"req.body.name }}){semi}\n}}){semi}")
    body.append(f"const {R} = {E}.Router(){semi}")
    body.append(f"{R}.get({s('/items')}, (req, res) => res.json([])){semi}")
    if shape.nested:
        body.append(f"const inner = {E}.Router(){semi}")
        body.append(f"inner.post({s('/deep')}, (req, res) => {{\n{ind}res.send({msg}){semi}\n"
                    f"}}){semi}")
        body.append(f"{R}.use({s('/v1')}, inner){semi}")
    body.append(f"{A}.use({s('/api')}, {R}){semi}")
    if "leaky-errors" in feats:
        body.append(f"{A}.use((err, req, res, next) => {{\n{ind}res.status(500).send(err.stack)"
                    f"{semi}\n}}){semi}")
    body = [_comment(stmt, shape.comments[i % len(shape.comments)] if shape.comments else 0,
                     i) for i, stmt in enumerate(body)]
    if shape.factory:
        inner_lines = "\n".join(body).split("\n")
        body = ["function build() {\n"
                + "\n".join(ind + line if line else line for line in inner_lines)
                + f"\n{ind}return {A}{semi}\n}}"]
        exported = "build"
    else:
        body.append(f"{A}.listen(3000){semi}")
        exported = A
    if shape.module == "cjs":
        tail = f"module.exports = {exported}{semi}"
    else:
        tail = f"export default {exported}{semi}"
    if shape.module == "ts":
        body.insert(0, f"const port: number = 3000{semi}")
    text = "\n".join(imports) + "\n\n" + "\n".join(body) + "\n\n" + tail + "\n"
    data = text.replace("\n", shape.eol).encode("utf-8")
    if shape.bom:
        data = b"\xef\xbb\xbf" + data
    name = {"cjs": "app.js", "esm": "app.js", "ts": "app.ts"}[shape.module]
    package = {"name": "generated", "version": "1.0.0",
               "dependencies": {"express": "^5.1.0"}}
    if shape.module == "esm":
        package["type"] = "module"
    files = {name: data, "package.json": (json.dumps(package, indent=2) + "\n").encode()}
    if shape.module == "ts":
        files["tsconfig.json"] = b'{ "compilerOptions": { "strict": true } }\n'
    return files


def _comment(stmt: str, kind: int, index: int) -> str:
    if kind == 1:
        return f"{LINE_COMMENTS[index % len(LINE_COMMENTS)]}\n{stmt}"
    if kind == 2:
        first, sep, rest = stmt.partition("\n")
        return f"{first} {LINE_COMMENTS[index % len(LINE_COMMENTS)]}{sep}{rest}"
    if kind == 3 and "(" in stmt:
        head, _, tail = stmt.partition("(")
        return f"{head}({COMMENTS[index % len(COMMENTS)]} {tail}"
    return stmt


shapes = st.builds(
    Shape,
    module=st.sampled_from(("cjs", "esm", "ts")),
    quote=st.sampled_from(("'", '"')),
    semicolons=st.booleans(),
    indent=st.sampled_from(("  ", "    ", "\t")),
    eol=st.sampled_from(("\n", "\r\n")),
    bom=st.booleans(),
    factory=st.booleans(),
    express=st.sampled_from(EXPRESS_NAMES),
    app=st.sampled_from(APP_NAMES),
    router=st.sampled_from(ROUTER_NAMES),
    nested=st.booleans(),
    features=st.lists(st.sampled_from(("json", "urlencoded", "static", "session", "cookie",
                                       "sql", "login", "leaky-errors")), unique=True,
                      max_size=8).map(tuple),
    comments=st.lists(st.integers(0, 3), max_size=6).map(tuple),
    message=st.sampled_from(MESSAGES),
)


@contextmanager
def project(files: dict[str, bytes]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="nh-prop-") as tmp:
        root = Path(tmp) / "app"
        for rel, data in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        yield root


@contextmanager
def recorded_edits() -> Iterator[list[tuple[bytes, list[TextEdit], bytes]]]:
    """Record every (before, edits, after) the engine applies, trial applications included."""
    calls: list[tuple[bytes, list[TextEdit], bytes]] = []
    original = _fixer.apply_edits

    def spy(data: bytes, edits):  # type: ignore[no-untyped-def]
        edits = list(edits)
        after = original(data, edits)
        calls.append((data, edits, after))
        return after

    _fixer.apply_edits = spy
    try:
        yield calls
    finally:
        _fixer.apply_edits = original


def _lines_with_spans(body: bytes) -> list[tuple[int, int]]:
    spans, start = [], 0
    while start < len(body):
        nl = body.find(b"\n", start)
        end = len(body) if nl == -1 else nl + 1
        spans.append((start, end))
        start = end
    return spans


def assert_edits_stay_in_their_ranges(before: bytes, edits: list[TextEdit],
                                      after: bytes) -> None:
    """Bytes outside the claimed ranges are kept; untouched lines are byte-identical."""
    bom = b"\xef\xbb\xbf" if before.startswith(b"\xef\xbb\xbf") else b""
    body = before[len(bom):]
    assert after.startswith(bom)
    out = after[len(bom):]
    for edit in edits:
        assert 0 <= edit.start <= edit.end <= len(body), edit
        for offset in (edit.start, edit.end):  # never inside a UTF-8 sequence
            assert offset == len(body) or body[offset] & 0xC0 != 0x80, edit
    out.decode("utf-8")
    # The output is exactly: each gap between edits copied unchanged, then the edit's text
    # (with the file's own line endings), in order.
    eol = line_ending(body)
    cursor = position = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        gap = body[cursor:edit.start]
        assert out[position:position + len(gap)] == gap, "bytes outside the edits changed"
        position += len(gap)
        content = edit.content.replace("\r\n", "\n")
        if eol != "\n":
            content = content.replace("\n", eol)
        inserted = content.encode("utf-8")
        assert out[position:position + len(inserted)] == inserted
        position += len(inserted)
        cursor = edit.end
    assert out[position:] == body[cursor:], "bytes after the last edit changed"
    # Lines that no edit touches appear byte-identical in the output.
    touched = [(e.start, e.end) for e in edits]
    kept = [body[a:b] for a, b in _lines_with_spans(body)
            if not any(s < b and e > a or (s == e and a < s < b) for s, e in touched)]
    remaining = out
    for line in kept:
        index = remaining.find(line)
        assert index >= 0, f"untouched line changed: {line!r}"
        remaining = remaining[index + len(line):]


def _assert_parses(rel: str, data: bytes) -> None:
    lang = JS_SUFFIXES.get(Path(rel).suffix)
    if lang is None:
        return
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    assert not parse(lang, body).root_node.has_error, f"{rel} does not parse:\n{body.decode()}"


def _fixed_tree(root: Path, result: _fixer.FixResult) -> dict[str, bytes]:
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
             if p.is_file()}
    files.update(result.final)
    return files


@SETTINGS
@given(shape=shapes)
def test_fix_output_parses_is_idempotent_and_stays_in_its_ranges(shape: Shape) -> None:
    with project(render(shape)) as root, recorded_edits() as calls:
        result, outcomes = _api.fix(root, dry_run=True, unsafe=True, jobs=1)
        assert outcomes == []
        assert result.failed == [], result.failed
        for before, edits, after in calls:
            assert_edits_stay_in_their_ranges(before, edits, after)
        for rel, data in result.final.items():
            _assert_parses(rel, data)
            original = result.original.get(rel)
            if original is not None:
                # Line endings and BOM are the file's own.
                assert original.startswith(b"\xef\xbb\xbf") == data.startswith(b"\xef\xbb\xbf")
                if shape.eol == "\r\n" and rel.endswith((".js", ".ts")):
                    assert data.count(b"\n") == data.count(b"\r\n")
        fixed = _fixed_tree(root, result)
    with project(fixed) as again:
        second, _ = _api.fix(again, dry_run=True, unsafe=True, jobs=1)
        assert second.changed_paths() == [], second.final


@pytest.mark.slow
@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(shape=shapes.filter(lambda s: s.module != "ts"))
def test_fixed_javascript_passes_node_check(shape: Shape) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is needed")
    with project(render(shape)) as root:
        result, _ = _api.fix(root, dry_run=True, unsafe=True, jobs=1)
        fixed = _fixed_tree(root, result)
    with project(fixed) as again:
        for rel in fixed:
            if Path(rel).suffix in (".js", ".mjs", ".cjs"):
                proc = subprocess.run([node, "--check", str(again / rel)], capture_output=True,
                                      text=True, timeout=60)
                assert proc.returncode == 0, f"{rel}: {proc.stderr}\n{fixed[rel].decode()}"


def test_generator_covers_the_shapes() -> None:
    """The generator itself writes valid code (so failures above point at fix, not at it)."""
    shape = Shape(module="cjs", quote='"', semicolons=False, indent="\t", eol="\r\n", bom=True,
                  factory=True, express="éxpress", app="应用", router="ルーター", nested=True,
                  features=("json", "sql", "cookie", "leaky-errors"), comments=(1, 2, 3),
                  message="quote ' and \" inside")
    files = render(shape)
    _assert_parses("app.js", files["app.js"])
    assert files["app.js"].startswith(b"\xef\xbb\xbf") and b"\r\n" in files["app.js"]

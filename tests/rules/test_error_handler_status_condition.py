"""error-handler: a status its own condition picks, a 4xx or a 5xx (``res.status(isClientError
? 400 : 500)``). A message sent only where the same condition picks the 4xx reaches clients
only with client errors: no finding, however the two tests are spelled (the same text up to
whitespace, negated, in either order, through a ``const``, the status held by a ``const`` or
set before the answer, a conditional or an ``if``). A message sent with either status keeps
it for the 4xx on that same test, and the app's own fallback text for the 5xx; a message sent
only with the 5xx is a leak."""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeharden._api import check, fix

PACKAGE = '{"name": "svc", "dependencies": {"express": "^4.21.0"}}'


def _app(catch_body: str) -> str:
    return ("const express = require('express');\n"
            "const store = require('./store');\n"
            "\n"
            "const app = express();\n"
            "app.post('/items', async (req, res) => {\n"
            "  try {\n"
            "    res.json(await store.save(req.body));\n"
            "  } catch (e) {\n"
            f"    {catch_body}\n"
            "  }\n"
            "});\n"
            "app.use((err, req, res, next) => {\n"
            "  console.error(err);\n"
            "  res.status(500).json({ error: 'Internal Server Error' });\n"
            "});\n"
            "app.listen(3000);\n")


def _write(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text(PACKAGE)
    for rel, content in files.items():
        (root / rel).write_text(content)
    return root


def _leaks(root: Path) -> list[str]:
    return [f.message for f in check(root, select=["error-handler"]).findings
            if "is sent to the client" in f.message]


@pytest.mark.parametrize("catch_body", [
    "const bad = e.code === 'BAD';\n"
    "    res.status(bad ? 400 : 500).json({ error: bad ? e.message : 'Failed to save' });",
    "res.status(e.code==='BAD' ? 400 : 500)\n"
    "      .json({ error: e.code  ===  'BAD' ? e.message : 'Failed to save' });",
    "const bad = e.code === 'BAD';\n"
    "    res.status(!bad ? 500 : 400).json({ error: bad ? e.message : 'Failed to save' });",
    "const bad = e.code === 'BAD';\n"
    "    res.status(bad ? 400 : 500).json({ error: !bad ? 'Failed to save' : e.message });",
    "const bad = e.code === 'BAD';\n"
    "    res.status(bad ? 422 : 503).json({ error: !(!bad) ? e.message : 'Failed to save' });",
    "const bad = e.code === 'BAD';\n"
    "    const status = bad ? 400 : 500;\n"
    "    res.status(status).json({ error: bad ? e.message : 'Failed to save' });",
    "const bad = e.code === 'BAD';\n"
    "    res.status(bad ? 400 : 500);\n"
    "    res.json({ error: bad ? e.message : 'Failed to save' });",
    "const bad = e.code === 'BAD';\n"
    "    res.status(bad ? 400 : 500);\n"
    "    if (!bad) {\n"
    "      res.json({ error: 'Failed to save' });\n"
    "    } else {\n"
    "      res.json({ error: e.message });\n"
    "    }",
    "const bad = e.code === 'BAD';\n"
    "    res.status(bad ? 400 : 500).json({ error: e.code === 'BAD' ? e.message : 'Failed' });",
], ids=["same-name", "same-text-spaced", "status-negated", "message-negated", "double-negation",
        "const-status", "status-set-before", "if-else", "const-and-its-value"])
def test_a_message_only_with_the_4xx_of_the_same_test_is_no_leak(tmp_path: Path,
                                                                 catch_body: str) -> None:
    root = _write(tmp_path / "app", {"app.js": _app(catch_body)})
    assert _leaks(root) == []


@pytest.mark.parametrize("catch_body", [
    "const bad = e.code === 'BAD';\n"
    "    const other = e.code === 'OTHER';\n"
    "    res.status(bad ? 400 : 500).json({ error: other ? e.message : 'Failed to save' });",
    "const bad = e.code === 'BAD';\n"
    "    res.status(bad ? 500 : 400).json({ error: bad ? e.message : 'Failed to save' });",
    "let bad = e.code === 'BAD';\n"
    "    res.status(bad ? 400 : 500);\n"
    "    bad = !bad;\n"
    "    res.json({ error: bad ? e.message : 'Failed to save' });",
    "let tries = 0;\n"
    "    res.status(tries++ ? 400 : 500).json({ error: tries++ ? e.message : 'Failed' });",
    "const bad = e.code === 'BAD';\n"
    "    res.status(bad ? 400 : 500).json({ error: bad || e.message });",
], ids=["another-test", "message-with-the-5xx", "reassigned-between", "test-changes-a-name",
        "no-branch"])
def test_a_message_the_same_test_does_not_keep_to_the_4xx_is_reported(
        tmp_path: Path, catch_body: str) -> None:
    root = _write(tmp_path / "app", {"app.js": _app(catch_body)})
    assert len(_leaks(root)) == 1


def test_a_message_sent_with_either_status_is_kept_for_the_4xx_on_the_same_test(
        tmp_path: Path) -> None:
    root = _write(tmp_path / "app", {"app.js": _app(
        "const bad = e.code === 'BAD';\n"
        "    res.status(bad ? 400 : 500).json({ error: e.message || 'Failed to save' });")})
    [message] = _leaks(root)
    assert "send a generic message for 5xx answers (4xx keep theirs)" in message
    fixed = fix(root, dry_run=True, select=["error-handler"], unsafe=True).plan.final["app.js"]
    assert ("    const bad = e.code === 'BAD';\n"
            "    if (!bad) {\n"
            "      console.error(e);\n"
            "    }\n"
            "    res.status(bad ? 400 : 500).json({ error: bad ? e.message || 'Failed to save'"
            " : 'Failed to save' });\n") in fixed.decode()


def test_the_5xx_test_of_a_negated_condition_drops_the_negation(tmp_path: Path) -> None:
    root = _write(tmp_path / "app", {"app.js": _app(
        "const ok = e.code !== 'BAD';\n"
        "    res.status(!ok ? 400 : 500).json({ error: e.message });")})
    fixed = fix(root, dry_run=True, select=["error-handler"], unsafe=True).plan.final["app.js"]
    assert ("    if (ok) {\n      console.error(e);\n    }\n"
            "    res.status(!ok ? 400 : 500).json({ error: !ok ? e.message"
            " : 'Internal Server Error' });\n") in fixed.decode()


def test_a_message_sent_only_with_the_5xx_gets_the_apps_fallback_text(tmp_path: Path) -> None:
    root = _write(tmp_path / "app", {"app.js": _app(
        "const busy = e.code === 'BUSY';\n"
        "    res.status(busy ? 503 : 404)\n"
        "      .json({ error: busy ? e.message || 'Try again later' : 'Not found' });")})
    [message] = _leaks(root)
    assert "send a generic message and log" in message
    fixed = fix(root, dry_run=True, select=["error-handler"], unsafe=True).plan.final["app.js"]
    assert ("    if (busy) {\n      console.error(e);\n    }\n"
            "    res.status(busy ? 503 : 404)\n"
            "      .json({ error: busy ? 'Try again later' : 'Not found' });\n") in fixed.decode()


def test_a_conditional_too_wide_for_its_line_breaks_as_prettier_does(tmp_path: Path) -> None:
    source = (
        "import express, { Request, Response } from 'express';\n"
        "import { templates } from './templates';\n"
        "\n"
        "export const router = express.Router();\n"
        "router.get('/template', async (req: Request, res: Response) => {\n"
        "  try {\n"
        "    return res.send(await templates.csv(String(req.query.type)));\n"
        "  } catch (e: any) {\n"
        "    const isValidationError =\n"
        "      e?.message?.startsWith('Invalid type') ||\n"
        "      e?.message?.startsWith('Missing module');\n"
        "\n"
        "    return res.status(isValidationError ? 400 : 500).json({\n"
        "      error: e?.message || 'Failed to download template',\n"
        "    });\n"
        "  }\n"
        "});\n")
    root = _write(tmp_path / "app", {"routes.ts": source,
                                     ".prettierrc": '{"singleQuote": true}'})
    fixed = fix(root, dry_run=True, select=["error-handler"], unsafe=True).plan.final["routes.ts"]
    assert fixed.decode() == source.replace(
        "\n    return res.status(",
        "\n    if (!isValidationError) {\n      console.error(e);\n    }\n"
        "    return res.status(").replace(
        "      error: e?.message || 'Failed to download template',\n",
        "      error: isValidationError\n"
        "        ? e?.message || 'Failed to download template'\n"
        "        : 'Failed to download template',\n")

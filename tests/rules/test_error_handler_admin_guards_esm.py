"""error-handler reads an administrators' guard that a TypeScript or ES module imports from
another project file (``import { requireAdmin } from './auth'``): the route's catch message is
left alone only when that guard's body turns requests away; a guard that only logs, or a
default export that lets everyone through, leaves it reported."""

from __future__ import annotations

from nodeharden import check

from conftest import each_place

PACKAGE = '{"name": "a", "type": "module", "dependencies": {"express": "^4.21.0"}}'

ROUTES = """import express from 'express';
import { requireAdmin, auditAdmin } from './auth';
import adminGuard from './gate';

const app = express();

app.get('/a', requireAdmin, async (req, res) => {
  try {
    res.json(await load());
  } catch (err: any) {
    res.status(500).json({ error: err.message });
  }
});

app.get('/b', auditAdmin, async (req, res) => {
  try {
    res.json(await load());
  } catch (err: any) {
    res.status(500).json({ error: err.message });
  }
});

app.get('/c', adminGuard, async (req, res) => {
  try {
    res.json(await load());
  } catch (err: any) {
    res.status(500).json({ error: err.message });
  }
});

async function load(): Promise<string> {
  return 'x';
}

app.use((err: any, req: express.Request, res: express.Response, next: express.NextFunction) => {
  res.sendStatus(500);
});

export default app;
"""

AUTH = """import type { Request, Response, NextFunction } from 'express';

export function requireAdmin(req: Request, res: Response, next: NextFunction) {
  const user = (req as any).user;
  if (!user || user.role !== 'admin') {
    res.status(403).json({ error: 'forbidden' });
    return;
  }
  next();
}

export const auditAdmin = (req: Request, res: Response, next: NextFunction) => {
  if ((req as any).user?.role !== 'admin') console.warn('not an administrator');
  next();
};
"""


def test_imported_guards_are_judged_by_their_bodies(project) -> None:
    root = project({"package.json": PACKAGE, "app.ts": ROUTES, "auth.ts": AUTH,
                    "gate.ts": "export default (req: any, res: any, next: any) => next();\n"})
    report = check(root, select=["error-handler"])
    assert report.failed == []
    lines = sorted(f.line for f in each_place(report.findings) if f.path == "app.ts")
    # /a's guard answers 403 unless the role is admin; /b's only logs; /c's admits everyone.
    assert lines == [19, 27]


def test_a_guard_that_really_denies_as_a_default_export_is_credited(project) -> None:
    gate = ("export default function adminGuard(req: any, res: any, next: any) {\n"
            "  if (req.user && req.user.isAdmin) return next();\n"
            "  return res.sendStatus(401);\n}\n")
    root = project({"package.json": PACKAGE, "app.ts": ROUTES, "auth.ts": AUTH,
                    "gate.ts": gate})
    report = check(root, select=["error-handler"])
    assert sorted(f.line for f in each_place(report.findings) if f.path == "app.ts") == [19]


def test_a_handler_in_a_wrapper_is_judged_by_the_routes_guards(project) -> None:
    # `router.get(path, isAdmin, error_catcher(async (req, res) => …))` (sample 26: saltcorn):
    # the wrapper's call stands between the handler and the route.
    wrapped = ROUTES.replace(
        "app.get('/a', requireAdmin, async (req, res) => {",
        "const wrap = (fn: any) => (req: any, res: any, next: any) => fn(req, res).catch(next);\n"
        "app.get('/a', requireAdmin, wrap(async (req: any, res: any) => {").replace(
        "    res.status(500).json({ error: err.message });\n  }\n});\n\napp.get('/b'",
        "    res.status(500).json({ error: err.message });\n  }\n}));\n\napp.get('/b'", 1)
    assert "wrap(async" in wrapped and "}));\n\napp.get('/b'" in wrapped
    root = project({"package.json": PACKAGE, "app.ts": wrapped, "auth.ts": AUTH,
                    "gate.ts": "export default (req: any, res: any, next: any) => next();\n"})
    report = check(root, select=["error-handler"])
    assert report.failed == []
    # /a's guard denies; /b (only logs) and /c (admits everyone) stay reported, a line lower.
    assert sorted(f.line for f in each_place(report.findings) if f.path == "app.ts") == [20, 28]

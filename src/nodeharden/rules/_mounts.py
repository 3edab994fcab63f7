"""Express apps mounted in another app: ``app.use('/account', account.handlers)`` where
``./account`` creates ``express()`` and exports it.

A mounted sub-app runs behind the middleware its parent mounted before it (helmet's headers,
a limiter) and hands the errors it does not handle to the parent, so a rule that protects an
app reports the app that serves, not each sub-app it mounts. A file counts as a sub-app only
when nothing in it serves: no ``.listen(`` and no ``createServer(`` (an app that also starts a
server of its own when run directly is judged as before).
"""

from __future__ import annotations

import re

from nodeharden._express import ArgFact, FileFacts
from nodeharden._regex import lazy_pattern
from nodeharden.rules._base import ProjectContext, is_test_file

_REQUIRE_ARG = lazy_pattern(r"^require\s*\(\s*(['\"`])([^'\"`]+)\1\s*\)$")
#: ``const api = require('./api')(env, ctx)``: a local module's export called as a factory.
_FACTORY_CALL = r"\b(?:var|let|const)\s+{name}\s*=\s*require\s*\(\s*(['\"`])(\.[^'\"`]+)\1\s*\)\s*\("
#: ``const api = [await] makeApi(config)``: the name of what is called (an imported factory).
_IMPORTED_FACTORY_CALL = r"\b(?:var|let|const)\s+{name}\s*=\s*(?:await\s+)?([\w$]+)\s*\("


def sub_apps(ctx: ProjectContext, *, factories: bool = False) -> dict[str, str]:
    """Return each project file whose Express app another file mounts with ``.use(…)`` on an
    app or router it creates, mapped to that file (test files mount nothing here). With
    ``factories``, a name bound to what a local module's export returns when called
    (``const api = require('./api')(env, ctx); app.use('/api', api)``) counts too."""
    mounted: dict[str, str] = {}
    for path, facts in ctx.facts.items():
        if is_test_file(path):
            continue
        receivers = {app.name for app in facts.apps if app.name}
        for call in facts.uses():
            if call.target not in receivers or not call.args:
                continue
            args = call.args[1:] if call.args[0].kind == "string" else call.args
            for arg in args:
                rel = mounted_file(ctx, facts, arg)
                if rel is None and factories:
                    rel = _factory_file(ctx, facts, arg)
                if rel is not None and rel != path and rel not in mounted \
                        and _only_an_app(ctx, rel):
                    mounted[rel] = path
    return {rel: parent for rel, parent in mounted.items() if _reaches_a_root(rel, mounted)}


def _reaches_a_root(rel: str, mounted: dict[str, str]) -> bool:
    """Return True when following the mounts up from ``rel`` ends at an app nothing mounts
    (files that mount each other in a circle are all judged as apps)."""
    seen = {rel}
    while rel in mounted:
        rel = mounted[rel]
        if rel in seen:
            return False
        seen.add(rel)
    return True


def mounted_file(ctx: ProjectContext, facts: FileFacts, arg: ArgFact) -> str | None:
    """Return the project file a ``use`` argument comes from: ``require('./x')``, a name
    imported from it, or a member of such a name (``x.handlers``, ``ns.app``)."""
    if arg.kind == "call" and arg.name == "require":
        code = (ctx.read(facts.path) or b"")[arg.start:arg.end].decode("utf-8", "replace")
        found = _REQUIRE_ARG.match(code)
        return ctx.resolve_import(facts.path, found.group(2)) if found else None
    if arg.kind == "identifier":
        name, whole = arg.name, False
    elif arg.kind == "member" and arg.name.count(".") == 1:
        name, whole = arg.name.partition(".")[0], True
    else:
        return None
    for imp in facts.imports:
        if not imp.module.startswith("."):
            continue
        if name in (imp.default, imp.namespace) or (not whole and name in imp.named.values()):
            return ctx.resolve_import(facts.path, imp.module)
    return None


def _factory_file(ctx: ProjectContext, facts: FileFacts, arg: ArgFact) -> str | None:
    """Return the project file whose export a ``use`` argument was made by calling:
    ``const api = require('./api')(env, ctx)`` (one declaration of that name in the file)."""
    if arg.kind != "identifier" or not re.fullmatch(r"[\w$]+", arg.name):
        return None
    code = (ctx.read(facts.path) or b"").decode("utf-8", "replace")
    found = re.findall(_FACTORY_CALL.format(name=re.escape(arg.name)), code)
    declared = re.findall(rf"\b(?:var|let|const)\s+{re.escape(arg.name)}\b", code)
    if len(declared) != 1:
        return None  # bound twice: which value is mounted cannot be told
    if len(found) == 1:
        return ctx.resolve_import(facts.path, found[0][1])
    # `const sub = [await] makeApp(config)` with makeApp imported from a local module
    called = re.findall(_IMPORTED_FACTORY_CALL.format(name=re.escape(arg.name)), code)
    if len(called) != 1:
        return None
    modules = {imp.module for imp in facts.imports if imp.module.startswith(".")
               and called[0] in (imp.default, imp.namespace)}
    return ctx.resolve_import(facts.path, modules.pop()) if len(modules) == 1 else None


def _only_an_app(ctx: ProjectContext, rel: str) -> bool:
    """Return True when ``rel`` creates an Express app and starts no server."""
    facts = ctx.facts.get(rel)
    if facts is None or not any(app.kind == "app" for app in facts.apps):
        return False
    source = ctx.read(rel) or b""
    return b".listen(" not in source and b"createServer(" not in source

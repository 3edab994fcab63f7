"""helmet: security headers on every Express app, nothing switched off."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from nodeharden._express import CALLED_MODULES, FileFacts
from nodeharden._model import FileChange, Finding, Fix
from nodeharden._packagejson import version_of
from nodeharden._parse import captures, object_properties, text
from nodeharden.rules._base import FileContext, ProjectContext, Rule
from nodeharden.rules._edits import (after_app_edit, can_extend, has_import, import_edit,
                                     use_statement)

#: helmet options whose ``false`` value switches a protection off.
PROTECTIONS = (
    "contentSecurityPolicy", "crossOriginEmbedderPolicy", "crossOriginOpenerPolicy",
    "crossOriginResourcePolicy", "originAgentCluster", "referrerPolicy",
    "strictTransportSecurity", "hsts", "xContentTypeOptions", "noSniff", "xDnsPrefetchControl",
    "dnsPrefetchControl", "xDownloadOptions", "ieNoOpen", "xFrameOptions", "frameguard",
    "xPermittedCrossDomainPolicies", "permittedCrossDomainPolicies", "xPoweredBy", "hidePoweredBy",
    "xXssProtection", "xssFilter",
)

_CALL_QUERY = "(call_expression function: (_) @fn arguments: (arguments . (object) @opts)) @call"


def header_middleware_used(ctx: ProjectContext) -> bool:
    """Return True when any file calls helmet (or lusca) as middleware."""
    for facts in ctx.facts.values():
        for module in CALLED_MODULES:  # the modules FileFacts.called records
            names = facts.locals_of(module)
            if any(name in facts.called or any(c.startswith(name + ".") for c in facts.called)
                   for name in names):
                return True
    return False


POWERED_BY_OPTIONS = frozenset({"xPoweredBy", "hidePoweredBy"})


def _disables_powered_by(facts: FileFacts, source: Callable[[], bytes]) -> bool:
    """Return True when the file calls ``app.disable('x-powered-by')`` or
    ``app.set('x-powered-by', false)``; ``source`` returns the file's bytes (read only for a
    ``set`` call, so most files are never read)."""
    for call in facts.calls:
        first = call.args[0].name.lower() if call.args and call.args[0].kind == "string" else ""
        if first != "x-powered-by":
            continue
        if call.method == "disable":
            return True
        if call.method == "set" and len(call.args) > 1 \
                and source()[call.args[1].start:call.args[1].end] == b"false":
            return True
    return False


def _powered_by_off(ctx: ProjectContext) -> bool:
    for facts in ctx.facts.values():
        path = facts.path

        def source(path: str = path) -> bytes:
            return ctx.read(path) or b""

        if _disables_powered_by(facts, source):
            return True
    return False


def renders_html(ctx: ProjectContext) -> bool:
    """Return True when the app renders HTML views (helmet's CSP may then break inline scripts)."""
    for facts in ctx.facts.values():
        for call in facts.calls:
            if call.method == "render":
                return True
            if call.method in ("set", "engine") and call.args and call.args[0].kind == "string" \
                    and call.args[0].name in ("view engine", "views"):
                return True
        if "express.static" in facts.called or "static" in facts.called:
            return True
    return False


class Helmet(Rule):
    """An Express app without helmet(), or helmet with protections switched off."""

    id = "helmet"
    needles = (b"helmet",)

    def check_file(self, ctx: FileContext) -> Iterable[Finding]:
        names = ctx.facts.locals_of("helmet")
        if not names:
            return
        powered_by_off = _disables_powered_by(ctx.facts, lambda: ctx.source)
        for match in captures(ctx.lang, _CALL_QUERY, ctx.tree.root_node).get("call", []):
            fn = match.child_by_field_name("function")
            if text(fn) not in names:
                continue
            args = match.child_by_field_name("arguments")
            opts = args.named_children[0] if args is not None and args.named_children else None
            for key, value in object_properties(opts).items():
                if key in POWERED_BY_OPTIONS and powered_by_off:
                    continue  # app.disable('x-powered-by') already removes the header
                if key in PROTECTIONS and value.type == "false":
                    yield ctx.node_finding(
                        self.id, value.parent or value,
                        f"helmet protection `{key}` is switched off; keep it on and configure "
                        "it instead")

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        if not ctx.uses_express() or header_middleware_used(ctx):
            return
        powered_by_off = _powered_by_off(ctx)
        unsafe = renders_html(ctx)
        for facts in ctx.app_files():
            source = ctx.read(facts.path) or b""
            style = ctx.styles[facts.path]
            for app in facts.apps:
                if app.kind != "app":
                    continue
                message = ("Express app without helmet(): no security headers"
                           + ("" if powered_by_off else " and X-Powered-By is sent"))
                fix = None
                if can_extend(app):
                    local = has_import(facts, "helmet")
                    edits = []
                    if local is None:
                        local = "helmet"
                        edits.append(import_edit(source, facts, style.import_default(
                            "helmet", "helmet")))
                    edits.append(after_app_edit(source, app, [use_statement(
                        app, f"{local}()", style)]))
                    fix = Fix(
                        title="Add helmet() right after the app is created",
                        applicability="unsafe" if unsafe else "safe",
                        changes=(FileChange(facts.path, tuple(edits)),),
                        dependencies=(("helmet", version_of("helmet")),),
                    )
                yield ctx.finding(self.id, facts.path, app.start, app.end, message, fix)


RULE = Helmet()

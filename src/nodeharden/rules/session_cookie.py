"""session-cookie: express-session and cookie-session with a custom cookie name and
httpOnly/secure/sameSite flags, no sessions stored for anonymous visitors.

A project rule, because ``app.set('trust proxy', 1)`` (which ``secure: 'auto'`` needs behind a
TLS-terminating proxy) belongs to the file that creates the app, which is often not the file
that configures the session, and must not be added when any file already sets it.

The default cookie name is a finding of its own with an unsafe fix: renaming the cookie ends
every current session once and breaks clients that look for the cookie by name, so it must not
ride along with the safe flags fix.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

from tree_sitter import Node

from nodeharden._express import AppFact, FileFacts
from nodeharden._model import FileChange, Finding, Fix, TextEdit
from nodeharden._parse import (
    captures, code_children, has_spread, object_properties, parse, string_value, text,
)
from nodeharden._project import JS_SUFFIXES
from nodeharden.rules._base import ProjectContext, Rule
from nodeharden.rules._edits import (add_properties, after_app_edit, can_extend,
                                     exclusive_insert, has_comments, resolve_object)

EXPRESS_SESSION = "express-session"
COOKIE_SESSION = "cookie-session"
DEFAULT_NAMES = {EXPRESS_SESSION: "connect.sid", COOKIE_SESSION: "session"}

_CALL_QUERY = "(call_expression function: (_) @fn arguments: (arguments) @args) @call"


@dataclass
class _Options:
    """Where a session call's options live and how far the fix can trust them."""

    node: Node
    declared: bool  # a variable declared elsewhere in the file, not the call's own argument


def sets_trust_proxy(ctx: ProjectContext) -> bool:
    """Return True when any file sets or enables Express's ``trust proxy``."""
    for facts in ctx.facts.values():
        for call in facts.calls:
            if call.method in ("set", "enable", "disable") and call.args \
                    and call.args[0].kind == "string" and call.args[0].name == "trust proxy":
                return True
    return False


def _session_module(fn: Node, locals_: dict[str, str]) -> str | None:
    if fn.type == "identifier":
        return locals_.get(text(fn))
    if fn.type == "call_expression" and text(fn.child_by_field_name("function")) == "require":
        args = fn.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        module = string_value(first)
        return module if module in DEFAULT_NAMES else None
    return None


def _app_for(ctx: ProjectContext, facts: FileFacts, call: Node) -> tuple[str, AppFact] | None:
    """Return (path, app) that serves this session middleware: the app ``X`` of the enclosing
    ``X.use(...)`` in the same file, else the project's only app."""
    target = None
    cur = call.parent
    while cur is not None and cur.type != "call_expression":
        cur = cur.parent
    if cur is not None:
        fn = cur.child_by_field_name("function")
        if fn is not None and fn.type == "member_expression":
            target = text(fn.child_by_field_name("object"))
    for app in facts.apps:
        if app.kind == "app" and app.name and app.name == target:
            return facts.path, app
    apps = [(f.path, a) for f in ctx.facts.values() for a in f.apps if a.kind == "app"]
    return apps[0] if len(apps) == 1 else None


def _fenced(obj: Node, edits: list[TextEdit]) -> list[TextEdit]:
    """Return ``edits`` to the object literal ``obj``, widened to replace its opening brace when
    the object has no members yet.

    The name fix and the flags fix both fill an empty ``{}``; two insertions at one point would
    not count as overlapping and would land side by side without a comma. Replacing the brace
    makes them overlap, so the engine applies one and offers the other in its next pass, where
    it adds to a non-empty object.
    """
    if code_children(obj):
        return edits
    brace = obj.start_byte
    return [TextEdit(brace, e.end, "{" + e.content) if e.start == brace + 1 else e
            for e in edits]


class SessionCookie(Rule):
    """express-session / cookie-session with the default name, missing cookie flags or
    ``saveUninitialized: true``."""

    id = "session-cookie"

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        trust_proxy = sets_trust_proxy(ctx)
        for facts in ctx.facts.values():
            locals_ = {name: module for module in DEFAULT_NAMES
                       for name in facts.locals_of(module)}
            if not locals_:
                continue
            source = ctx.read(facts.path)
            lang = JS_SUFFIXES.get(os.path.splitext(facts.path)[1])
            if source is None or lang is None:
                continue
            root = parse(lang, source).root_node
            for call in captures(lang, _CALL_QUERY, root).get("call", []):
                fn = call.child_by_field_name("function")
                module = _session_module(fn, locals_) if fn is not None else None
                if module is None:
                    continue
                opts = self._options(root, call)
                if opts is None:
                    continue  # options built in another module: nothing to judge
                yield from self._check_call(ctx, facts, source, module, call, opts, trust_proxy)

    @staticmethod
    def _options(root: Node, call: Node) -> _Options | None:
        args = call.child_by_field_name("arguments")
        values = code_children(args) if args else []
        if not values:
            return None
        first = values[0]
        if first.type == "object":
            return _Options(first, declared=False)
        if first.type == "identifier":
            declared = resolve_object(root, text(first))
            if declared is not None:
                return _Options(declared, declared=True)
        return None

    def _check_call(self, ctx: ProjectContext, facts: FileFacts, source: bytes, module: str,
                    call: Node, opts: _Options, trust_proxy: bool) -> Iterable[Finding]:
        style = ctx.styles[facts.path]
        options = ctx.info.config.session
        q = style.q
        props = object_properties(opts.node)
        unsafe = opts.declared or has_comments(opts.node) or has_spread(opts.node)
        label = "express-session" if module == EXPRESS_SESSION else "cookie-session"
        if "name" not in props:
            # Renaming the cookie ends every current session once and breaks clients that look
            # for the cookie by name: its own finding, with an unsafe fix.
            fix = Fix(title=f"Rename the session cookie to `{options.cookie_name}` (ends current "
                            "sessions once)",
                      applicability="unsafe",
                      changes=(FileChange(facts.path, tuple(_fenced(
                          opts.node,
                          add_properties(source, opts.node, [f"name: {q(options.cookie_name)}"],
                                         first=True)))),))
            yield ctx.finding(self.id, facts.path, call.start_byte, call.end_byte,
                              f"{label} cookie keeps the default name "
                              f"`{DEFAULT_NAMES[module]}`, which tells attackers the stack", fix)
        last: list[str] = []
        edits: list[TextEdit] = []
        needs_proxy = False
        flags = {"httpOnly": "true", "secure": q("auto"), "sameSite": q(options.same_site)}
        if module == EXPRESS_SESSION:
            cookie = props.get("cookie")
            if cookie is not None and cookie.type == "identifier":
                cookie = resolve_object(self._root(opts.node), text(cookie)) or cookie
                unsafe = True
            if cookie is None:
                missing = list(flags)
                last.append("cookie: { " + ", ".join(f"{k}: {v}" for k, v in flags.items())
                            + " }")
            elif cookie.type == "object":
                cookie_props = object_properties(cookie)
                missing = [k for k in flags if k not in cookie_props]
                unsafe = unsafe or has_comments(cookie) or has_spread(cookie)
                if missing:
                    edits += add_properties(source, cookie, [f"{k}: {flags[k]}" for k in missing])
            else:
                missing = []  # a cookie object built elsewhere: its keys are unknown
            needs_proxy = "secure" in missing
        else:
            # cookie-session (the `cookies` module) already marks the cookie Secure exactly when
            # the request came over HTTPS; `secure: true` would throw on plain HTTP.
            missing = [k for k in ("httpOnly", "sameSite") if k not in props]
            last += [f"{k}: {flags[k]}" for k in missing]
            needs_proxy = "secure" not in props
        if missing:
            if last:
                edits += _fenced(opts.node, add_properties(source, opts.node, last))
            changes: dict[str, list[TextEdit]] = {facts.path: edits}
            if needs_proxy and not trust_proxy:
                found = _app_for(ctx, facts, call)
                if found is not None and can_extend(found[1]):
                    path, app = found
                    app_source = ctx.read(path) or b""
                    app_style = ctx.styles.get(path, style)
                    insert = after_app_edit(app_source, app, [
                        f"{app.name}.set({app_style.q('trust proxy')}, 1){app_style.semi}"])
                    if insert.content.startswith("\n"):  # app created on the file's last line
                        changes.setdefault(path, []).append(insert)
                    else:
                        changes.setdefault(path, []).append(
                            exclusive_insert(app_source, insert.start, insert.content))
            fix = Fix(title="Set httpOnly, secure and sameSite cookie flags",
                      applicability="unsafe" if unsafe else "safe",
                      changes=tuple(FileChange(p, tuple(e)) for p, e in changes.items()))
            yield ctx.finding(self.id, facts.path, call.start_byte, call.end_byte,
                              f"{label} cookie sets no " + ", ".join(f"`{k}`" for k in missing),
                              fix)
        save = props.get("saveUninitialized")
        if module == EXPRESS_SESSION and save is not None and save.type == "true":
            fix = Fix(title="Set saveUninitialized: false", applicability="unsafe",
                      changes=(FileChange(facts.path,
                                          (TextEdit(save.start_byte, save.end_byte, "false"),)),))
            pair = save.parent or save
            yield ctx.finding(self.id, facts.path, pair.start_byte, pair.end_byte,
                              "`saveUninitialized: true` stores a session for every anonymous "
                              "visitor: bots fill the session store", fix)

    @staticmethod
    def _root(node: Node) -> Node:
        while node.parent is not None:
            node = node.parent
        return node


RULE = SessionCookie()

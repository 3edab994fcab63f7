"""input-validation: request data that reaches a dangerous sink inside a route handler.

A validator in front of the route is not the fix for these (a string that passes
``isString()`` still runs in a shell), so each is reported on its own, under a sub-id that
starts its message (``[shell] …``), with what does fix it, and never with an automatic fix.

Taint is local to the handler: an expression is request data when it reads
``req.body/query/params/headers/cookies`` (or ``req.get()/header()``), directly or through a
local variable assigned from such an expression (also destructured, concatenated, in a
template string, trimmed, awaited…).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import NamedTuple

from tree_sitter import Node

from nodeharden._express import FileFacts
from nodeharden._parse import (
    CASTS_AND_AWAIT,
    FUNCTION_TYPES,
    code_children,
    has_spread,
    object_properties,
    parameters,
    string_value,
    text,
    unwrap,
    walk,
)
from nodeharden._regex import lazy_pattern
from nodeharden.rules._edits import is_builtin
from nodeharden.rules._validation_types import DataLayers, first_param, narrowing

SOURCES = ("body", "query", "params", "headers", "cookies", "signedCookies")
_FUNCTION_TYPES = FUNCTION_TYPES

#: sub-id -> what fixes it (the message's second half).
FIXES = {
    "shell": "pass the arguments as an array to execFile() or spawn() without shell: true "
             "(and allow-list the values); a validator does not make a shell string safe",
    "code-eval": "never evaluate request data: parse it (JSON.parse) or map it to a fixed set "
                 "of functions, and pass setTimeout/setInterval a function",
    "open-redirect": "redirect only to an allow-list of targets (or to a path you check starts "
                     "with '/' and whose second character is neither '/' nor '\\'), never to a "
                     "URL taken from the request",
    "path-traversal": "path.resolve() it under a base folder and check the result starts with "
                      "that folder plus path.sep (or res.sendFile(name, { root }))",
    "regex-injection": "escape it before building the expression (replace "
                       "/[.*+?^${}()|[\\]\\\\]/g with '\\\\$&') or use a literal regular expression",
    "nosql-injection": "cast each value to a string (String(x)) or strip operators with "
                       "mongo-sanitize / express-mongo-sanitize; never pass a request object "
                       "as a filter, never use $where",
    "deserialization": "parse with JSON.parse; node-serialize unserialize() runs functions "
                       "embedded in the data",
    "xxe": "parse without noent: true (entity expansion reads local files and can exhaust "
           "memory)",
    "ssrf": "never fetch a URL or host taken from the request: map it to a fixed list of "
            "targets, or parse it with new URL() and allow only known hosts (and block "
            "internal addresses)",
    "template-injection": "never compile request data as a template or take the render "
                          "options from it: render a fixed template and pass the "
                          "values as named locals ({ name: value })",
    "raw-sql": "never run request data as SQL: write the statement in the code and bind the "
               "values as parameters (an allow-list for column names and sort orders)",
    "prototype-pollution": "copy only the fields you expect (a list of names), or merge into "
                           "Object.create(null) after rejecting __proto__, constructor and "
                           "prototype keys",
}
WHAT = {
    "shell": ", which runs it in a shell (command injection)",
    "code-eval": ", which runs it as code (code injection)",
    "open-redirect": " (open redirect)",
    "path-traversal": " as a file path (path traversal)",
    "regex-injection": " as a regular expression (regex injection, ReDoS)",
    "nosql-injection": " as a MongoDB query (operator injection)",
    "deserialization": ", which deserialises it (code execution)",
    "xxe": " as XML with entity expansion (XXE)",
    "ssrf": " as the target of an outgoing request (server-side request forgery)",
    "template-injection": " (template injection, code execution on the server)",
    "raw-sql": " as raw SQL (SQL injection)",
    "prototype-pollution": ", which writes its keys deep into an existing object "
                           "(prototype pollution, settings overwrite)",
}

#: sub-id -> a short title, for reports that give each sink its own rule entry (SARIF).
TITLES = {
    "shell": "Request data reaches a shell command",
    "code-eval": "Request data is evaluated as code",
    "open-redirect": "Request data chooses a redirect target",
    "path-traversal": "Request data is used as a file path",
    "regex-injection": "Request data is compiled as a regular expression",
    "nosql-injection": "Request data is used as a MongoDB query",
    "deserialization": "Request data is deserialised with node-serialize",
    "xxe": "Request data is parsed as XML with entity expansion",
    "ssrf": "Request data chooses the target of an outgoing request",
    "template-injection": "Request data is compiled as a template or sets the render options",
    "raw-sql": "Request data is run as raw SQL",
    "prototype-pollution": "Request data is merged deep into an existing object",
}
#: sub-id -> its CWE, for reports that give each sink its own rule entry.
CWES = {
    "shell": "CWE-78", "code-eval": "CWE-95", "open-redirect": "CWE-601",
    "path-traversal": "CWE-22", "regex-injection": "CWE-1333", "nosql-injection": "CWE-943",
    "deserialization": "CWE-502", "xxe": "CWE-611", "ssrf": "CWE-918",
    "template-injection": "CWE-1336", "raw-sql": "CWE-89", "prototype-pollution": "CWE-1321",
}
_SUB_ID_RE = lazy_pattern(r"^\[([a-z-]+)\] ")
#: ``full.indexOf(root) !== 0`` (``=== 0``): the older spelling of ``full.startsWith(root)``.
_INDEX_OF_ZERO_RE = lazy_pattern(rb"\.indexOf\([^()]*\)\s*[!=]==?\s*0(?![\w.])")


def sink_of(message: str) -> str | None:
    """Return the sink sub-id a finding's message starts with (``[shell] …`` → ``shell``), or
    None for a finding that is not about a sink."""
    match = _SUB_ID_RE.match(message)
    return match.group(1) if match and match.group(1) in FIXES else None


_CP = ("child_process", "node:child_process")
_FS = ("fs", "node:fs", "fs/promises", "node:fs/promises", "fs-extra", "graceful-fs")
#: fs functions that take two paths and write to the second (the source is read, or linked).
_TWO_PATHS = frozenset({"copyFile", "copyFileSync", "cp", "cpSync", "rename", "renameSync",
                        "link", "linkSync", "symlink", "symlinkSync", "copy", "copySync",
                        "move", "moveSync"})
_VM = ("vm", "node:vm")
_PATH = ("path", "node:path")
_SHELL_ALWAYS = {"exec", "execSync"}
_SHELL_OPTION = {"spawn", "spawnSync", "execFile", "execFileSync", "fork"}
_MONGO_METHODS = {"find", "findOne", "findOneAndUpdate", "findOneAndDelete",
                  "findOneAndReplace", "findOneAndRemove", "updateOne", "updateMany",
                  "deleteOne", "deleteMany", "countDocuments", "count", "remove", "where",
                  "exists", "replaceOne", "distinct"}
#: Mongoose's lookups by id build ``{ _id: value }``: an object value such as ``{"$ne": null}``
#: stays an operator and matches (or deletes) another document than the one named.
_MONGO_ID_METHODS = {"findById", "findByIdAndUpdate", "findByIdAndDelete", "findByIdAndRemove"}
_REDIRECT_HEADER = {"location", "refresh"}
#: The Referer and Origin headers: the browser sets them to the page the request came from, so
#: a redirect to them sends the user back to that page (a cross-site page can only send the user
#: back to itself): no open redirect. The Host header likewise: the browser sets it to the host
#: of the URL it asked for, so ``req.protocol + '://' + req.get('host')`` is this site (a
#: forwarded host, ``X-Forwarded-Host``, is a header a client may add: not counted).
_BROWSER_HEADER_RE = lazy_pattern(
    r"""(?i)^[\w$]+\.(?:get|header)\(\s*['"`](?:referr?er|origin|host)['"`]\s*\)$"""
    r"""|^[\w$]+\.headers(?:\??\.(?:referr?er|origin|host)"""
    r"""|\[\s*['"`](?:referr?er|origin|host)['"`]\s*\])$""")


def _browser_header(origin: str) -> bool:
    return bool(_BROWSER_HEADER_RE.match(origin))


class Sink(NamedTuple):
    """One place request data reaches a dangerous sink."""

    kind: str  # a key of FIXES
    node: Node  # the call (or pair) to point at
    source: str  # the request expression, e.g. ``req.body.address``
    callee: str
    path: str | None = None  # the helper's file when the sink is in a helper, else None
    as_sent: bool = False  # a body/query field as sent put in a MongoDB filter (not $where)

    def message(self, route: str) -> str:
        """Return the finding's message: the sub-id first, then what reaches what, the fix."""
        return (f"[{self.kind}] {route}: {self.source} reaches {self.callee}"
                f"{WHAT[self.kind]}: {FIXES[self.kind]}")


def _param_name(func: Node, index: int) -> str | None:
    params = parameters(func)
    if len(params) <= index:
        return None
    return text(params[index]) if params[index].type == "identifier" else None


class _Taint:
    """Which expressions of one handler carry request data."""

    def __init__(self, req: str, body: Node, pattern: Node | None = None,
                 parts: tuple[str, ...] = SOURCES) -> None:
        self.req = req
        self.parts = parts  # the request parts that are input (no body where none is parsed)
        self.locals: dict[str, str] = {}  # local name -> the request expression it came from
        self.whole: set[str] = set()  # locals that hold req.body / req.query as a whole
        self.direct: set[str] = set()  # locals that hold a body/query field as sent
        # local -> every request expression its values came from (all its assignments), so a
        # test that skips some (the Referer header for a redirect, a value checked against a
        # known list) still sees the others
        self.sources: dict[str, list[str]] = {}
        # What a value is, for a pattern test to count only on the very value it tested: every
        # binding of a local (node id -> value: a node, the request expression a destructured
        # name holds as sent, or None for a change in place such as `n += x`), the names bound
        # as they are given (parameters: their request expression, or None), the request
        # expressions the code writes (`req.query.f = …`).
        self.bindings: dict[str, dict[int, Node | str | None]] = {}
        self.seeded: dict[str, str | None] = {}
        # A helper's parameters the caller passed a value a pattern test proved one path
        # segment under a fixed folder (their keys: what `keys` gives the parameter as bound)
        self.segments: set[str] = set()
        self.written: set[str] = set()
        # local -> where it holds a string made from the value as sent (from the end of
        # `x = x.toLowerCase()`, or `if (x) x = x.trim()`, to the end of its block), and the
        # places it is bound at: a later binding ends that
        self.narrowed: dict[str, list[tuple[int, int]]] = {}
        self.bound_at: dict[str, set[int]] = {}
        if pattern is not None:
            self.seed(pattern)  # `({ body, query }, res) => …`
            self.seeded.update(self.locals)
        self.rebind(body)

    def rebind(self, body: Node) -> None:
        """Follow assignments from request data into locals (three rounds reach a fixpoint:
        assignments may come in any order)."""
        for _ in range(3):
            before = (len(self.locals), len(self.whole), sum(map(len, self.sources.values())))
            for node in walk(body):
                if node.type == "variable_declarator":
                    self._bind(node.child_by_field_name("name"), node.child_by_field_name("value"))
                    self._record(node, node.child_by_field_name("name"),
                                 node.child_by_field_name("value"))
                elif node.type == "assignment_expression":
                    self._bind(node.child_by_field_name("left"), node.child_by_field_name("right"))
                    self._record(node, node.child_by_field_name("left"),
                                 node.child_by_field_name("right"))
                elif node.type in ("augmented_assignment_expression", "update_expression",
                                   "for_in_statement"):
                    self._record(node, node.child_by_field_name("left")
                                 or node.child_by_field_name("argument"), None)
                elif node.type in ("expression_statement", "if_statement"):
                    self._narrow(node)
            if (len(self.locals), len(self.whole), sum(map(len, self.sources.values()))) \
                    == before:
                break

    def _narrow(self, statement: Node) -> None:
        found = narrowing(statement)
        if found is not None:
            known = self.narrowed.setdefault(found[0], [])
            if found[1] not in known:
                known.append(found[1])

    def direct_at(self, name: str, at: int) -> bool:
        """Return True when the local ``name`` may hold a field as sent at byte ``at``."""
        if name not in self.direct:
            return False
        for start, end in self.narrowed.get(name, []):
            if start <= at < end and not any(start <= b < at
                                             for b in self.bound_at.get(name, ())):
                return False
        return True

    def _record(self, node: Node, target: Node | None, value: Node | None) -> None:
        """Note a binding of ``target`` (see ``bindings``)."""
        if target is None or (value is None and node.type == "variable_declarator"):
            return  # `let f;` holds nothing yet
        target = unwrap(target, CASTS_AND_AWAIT)
        if target.type == "identifier":
            self.bound_at.setdefault(text(target), set()).add(node.start_byte)
            self.bindings.setdefault(text(target), {})[node.id] = value if value is not None \
                or node.type == "variable_declarator" else None
        elif target.type in ("member_expression", "subscript_expression"):
            self.written.add(text(target))
        elif target.type in ("object_pattern", "array_pattern"):
            # `const { f, name: n } = req.query`: each holds a field as sent; anything else
            # (a nested pattern, a default, an array item) is some other value.
            base = None
            if value is not None and target.type == "object_pattern":
                value = unwrap(value, CASTS_AND_AWAIT)
                base = self.req if value.type == "identifier" and text(value) == self.req \
                    else self.verbatim(value)
            done: set[int] = set()
            for prop in code_children(target) if base else []:
                key, local = (prop, prop) if \
                    prop.type == "shorthand_property_identifier_pattern" else \
                    (prop.child_by_field_name("key"), prop.child_by_field_name("value")) \
                    if prop.type == "pair_pattern" else (None, None)
                if key is None or local is None or key.type not in (
                        "property_identifier", "shorthand_property_identifier_pattern") or \
                        local.type not in ("identifier", "shorthand_property_identifier_pattern"):
                    continue
                if base == self.req and text(key) not in self.parts:
                    continue
                self.bindings.setdefault(text(local), {})[local.id] = f"{base}.{text(key)}"
                done.add(local.id)
            for name in walk(target):
                if name.type in ("identifier", "shorthand_property_identifier_pattern") and \
                        name.id not in done and not (
                            name.parent is not None and name.parent.type == "pair_pattern"
                            and name.parent.child_by_field_name("key") == name):
                    self.bindings.setdefault(text(name), {})[name.id] = None

    def verbatim(self, node: Node | None, depth: int = 0) -> str | None:
        """The request expression ``node`` is as the client sent it, with no call, decoding
        or other change on the way (a local bound once to it, a field of a local holding the
        body or query), or None."""
        if node is None or depth > _MAX_NESTING:
            return None
        node = unwrap(node, CASTS_AND_AWAIT)
        if node.type == "identifier":
            name = text(node)
            bound = self.bindings.get(name, {})
            if name in self.seeded:
                return None if bound else self.seeded[name]
            if len(bound) != 1:
                return None
            value = next(iter(bound.values()))
            return value if value is None or isinstance(value, str) else \
                self.verbatim(value, depth + 1)
        if node.type not in ("member_expression", "subscript_expression"):
            return None
        root = node
        while root.type in ("member_expression", "subscript_expression"):
            if text(root) in self.written:
                return None
            root = root.child_by_field_name("object") or root
            if root.type not in ("member_expression", "subscript_expression"):
                break
        origin = self.origin(node)
        if origin is not None and origin == text(node):
            return origin
        base = self.verbatim(root, depth + 1) if root.type == "identifier" else None
        return base + text(node)[len(text(root)):] if base else None

    def keys(self, node: Node | None) -> set[str]:
        """What a pattern test of ``node`` proves something of, and what a use must be for
        the test to count: the request expression it is as sent, and a local bound once (to
        whatever value: `const name = decodeURIComponent(f)` tested and used as it is)."""
        if node is None:
            return set()
        node = unwrap(node, CASTS_AND_AWAIT)
        found = {v} if (v := self.verbatim(node)) else set()
        if node.type == "identifier":
            name = text(node)
            bound = self.bindings.get(name, {})
            if (name in self.seeded and not bound) or (name not in self.seeded
                                                       and len(bound) == 1):
                found.add(f"\0local:{name}")
        return found

    def seed(self, pattern: Node) -> None:
        """Bind ``{ body, query: q }`` destructured from the request."""
        for prop in code_children(pattern):
            if prop.type == "shorthand_property_identifier_pattern":
                key, local = text(prop), text(prop)
            elif prop.type == "pair_pattern" and \
                    getattr(prop.child_by_field_name("value"), "type", "") == "identifier":
                key = text(prop.child_by_field_name("key"))
                local = text(prop.child_by_field_name("value"))
            else:
                continue
            if key in self.parts:
                self.locals.setdefault(local, f"req.{key}")
                self._source(local, [f"req.{key}"])
                if key in ("body", "query"):
                    self.whole.add(local)

    def _bind(self, target: Node | None, value: Node | None) -> None:
        if target is None or value is None:
            return
        if target.type == "object_pattern" and value.type == "identifier" and \
                text(value) == self.req:
            self.seed(target)  # `const { body } = req`
            return
        origin = self.origin(value)
        if origin is None:
            return
        if target.type == "identifier":
            self.locals.setdefault(text(target), origin)
            self._source(text(target), self.origins(value))
            if self.is_whole(value):
                self.whole.add(text(target))
            if self.is_direct(value):
                self.direct.add(text(target))
        elif target.type in ("object_pattern", "array_pattern"):
            whole = self.is_whole(value)
            for node in walk(target):
                if node.type in ("shorthand_property_identifier_pattern", "identifier") and \
                        not (node.parent is not None and node.parent.type == "pair_pattern"
                             and node.parent.child_by_field_name("key") == node):
                    self.locals.setdefault(text(node), f"{origin}.{text(node)}"
                                           if whole else origin)
                    self._source(text(node), [f"{origin}.{text(node)}"] if whole
                                 else self.origins(value))
                    if whole:
                        self.direct.add(text(node))

    def _source(self, name: str, found: list[str]) -> None:
        known = self.sources.setdefault(name, [])
        known.extend(o for o in found if o not in known)

    def sources_of(self, name: str) -> list[str]:
        """Return every request expression local ``name`` may hold (a helper's seeded
        parameters have the one they were called with)."""
        return self.sources.get(name) or ([self.locals[name]] if name in self.locals else [])

    def origins(self, node: Node | None, skip: Callable[[str], bool] | None = None,
                limit: int = 8) -> list[str]:
        """Return every request expression ``node`` carries (``origin`` gives the first)."""
        found: list[str] = []
        while len(found) < limit:
            more = self.origin(node, lambda o: o in found or (skip is not None and skip(o)))
            if more is None:
                break
            found.append(more)
        return found

    def is_direct(self, node: Node) -> bool:
        """Return True for a field of the body or query string as the client sent it (which
        may be an object: ``{"$ne": null}``, ``?email[$ne]=x``), not converted or combined."""
        node = unwrap(node, CASTS_AND_AWAIT)
        if node.type == "identifier":
            return self.direct_at(text(node), node.start_byte)
        if node.type not in ("member_expression", "subscript_expression"):
            return False
        origin = self.origin(node)
        return origin is not None and origin.startswith(("req.body.", "req.query."))

    def is_whole(self, node: Node) -> bool:
        """Return True for ``req.body`` / ``req.query`` itself (or a local holding it)."""
        node = unwrap(node, CASTS_AND_AWAIT)
        if node.type == "identifier":
            return text(node) in self.whole
        return node.type == "member_expression" and \
            text(node.child_by_field_name("object")) == self.req and \
            text(node.child_by_field_name("property")) in ("body", "query") and \
            text(node.child_by_field_name("property")) in self.parts

    def origin(self, node: Node | None,
               skip: Callable[[str], bool] | None = None) -> str | None:
        """Return the request expression ``node`` carries, or None (``skip``: request
        expressions not to count, such as the Referer header for a redirect)."""
        found = self._origin(node, skip)
        return None if found is not None and skip is not None and skip(found) else found

    def _origin(self, node: Node | None, skip: Callable[[str], bool] | None) -> str | None:
        if node is None:
            return None
        node = unwrap(node, CASTS_AND_AWAIT)
        kind = node.type
        if kind == "identifier":
            if skip is None:
                return self.locals.get(text(node))
            return next((o for o in self.sources_of(text(node)) if not skip(o)), None)
        if kind in ("member_expression", "subscript_expression"):
            root = node
            while root.type in ("member_expression", "subscript_expression"):
                obj = root.child_by_field_name("object")
                if obj is None:
                    break
                if text(obj) == self.req and root.type == "member_expression" and \
                        text(root.child_by_field_name("property")) in self.parts:
                    return text(node)
                root = obj
            if root is node:
                return None
            found = self.origin(root, skip)
            if found is not None and root.type == "identifier" and \
                    found.count(".") == 1 and found.split(".")[1] in SOURCES:
                return found + text(node)[len(text(root)):]  # `body.dir` → req.body.dir
            return found
        if kind == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type == "member_expression":
                obj = fn.child_by_field_name("object")
                prop = text(fn.child_by_field_name("property"))
                if text(obj) == self.req and prop in ("get", "header", "param"):
                    return text(node)
                if prop in ("replace", "replaceAll") and \
                        "$&" in text(node.child_by_field_name("arguments")):
                    return None  # escaped: `x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')`
                if prop in ("replace", "replaceAll") and _strips_to_word(node):
                    return None  # `x.replace(/\D/g, '')`: only letters, digits and _ are left
                if prop in ("trim", "toString", "toLowerCase", "toUpperCase", "concat", "replace",
                            "slice", "substring", "join", "split", "padStart", "padEnd"):
                    found = self.origin(obj, skip)
                    if found:
                        return found
            if text(fn) in ("String", "decodeURIComponent", "decodeURI", "JSON.parse",
                            "Buffer.from") or text(fn).endswith(("path.join", "path.resolve",
                                                                 "path.normalize")) or \
                    text(fn) in ("join", "resolve", "normalize"):
                args = node.child_by_field_name("arguments")
                for arg in code_children(args) if args is not None else []:
                    found = self.origin(arg, skip)
                    if found:
                        return found
            return None
        if kind == "binary_expression":
            if text(node.child_by_field_name("operator")) not in ("+", "||", "??"):
                return None
            return self.origin(node.child_by_field_name("left"), skip) or \
                self.origin(node.child_by_field_name("right"), skip)
        if kind == "ternary_expression":
            return self.origin(node.child_by_field_name("consequence"), skip) or \
                self.origin(node.child_by_field_name("alternative"), skip)
        if kind == "template_string":
            for sub in node.named_children:
                if sub.type == "template_substitution":
                    for inner in code_children(sub):
                        found = self.origin(inner, skip)
                        if found:
                            return found
            return None
        if kind == "array":
            for item in code_children(node):
                found = self.origin(item, skip)
                if found:
                    return found
        return None


#: A class of characters a stripping replace keeps: letters, digits and ``_`` only.
_WORD_CLASS_RE = lazy_pattern(r"\\[dw]|[A-Za-z0-9_](?:-[A-Za-z0-9_])?")
#: What such a replace removes: ``\D``, ``\W`` or ``[^…]``, once or repeated.
_STRIP_RE = lazy_pattern(r"^(?:\\([DW])|\[\^((?:\\[dw]|[A-Za-z0-9_](?:-[A-Za-z0-9_])?)+)\])[+*]?$")


def _strips_to_word(call: Node) -> bool:
    r"""Return True for ``x.replace(/\D/g, '')`` (``\W``, ``[^a-z0-9]``…, global): every
    character but letters, digits and ``_`` removed, so no regular-expression, path, shell or
    URL syntax is left (a value that is not a string has no ``replace``: it throws)."""
    args = code_children(call.child_by_field_name("arguments") or call)
    if len(args) != 2 or args[0].type != "regex" or string_value(args[1]) != "":
        return False
    pattern = text(args[0].child_by_field_name("pattern"))
    flags = text(args[0].child_by_field_name("flags"))
    if "g" not in flags:
        return False
    found = _STRIP_RE.search(pattern)
    if found is None:
        return False
    if found.group(2) is None:
        return True
    # ranges of one kind only (`a-z`, `0-9`), never across punctuation (`+-9`)
    for part in _WORD_CLASS_RE.findall(found.group(2)):
        if len(part) == 3 and not (part[0].isalnum() and part[2].isalnum()
                                   and part[0].isdigit() == part[2].isdigit()
                                   and part[0] <= part[2]
                                   and part[0].isupper() == part[2].isupper()):
            return False
    return True


#: A literal start that keeps a redirect on a path the app chose: ``/users/``, an origin and
#: a slash, or a relative path's first segment and its slash (``./tx/``, ``tx/``: no scheme
#: can come before that slash, and the browser resolves the rest on this site).
_FIXED_ORIGIN_RE = lazy_pattern(r"^(?:/[^/\\]|https?://[^/]+/|[^/\\:?#]+/)")


#: What must follow a base the request does not supply: ``/notes`` (``base + '/notes/' +
#: id``), or a segment and its slash (``${config.baseUrl}block/${hash}``: whatever the base
#: holds, even nothing, the request value lands on a path).
_PATH_SEGMENT_RE = lazy_pattern(r"^(?:/[^/\\]|[^/\\:?#]+/)")


def _fixed_origin(node: Node, taint: _Taint | None = None) -> bool:
    """Return True when a redirect target starts with a literal that fixes where it goes:
    ``'/users/' + id`` or ``https://example.com/`` + path (``'/' + x`` does not: x may start
    with another ``/`` and make ``//evil.example``), or with a value the request does not
    supply followed by a literal path segment that is not empty (``base + '/notes/' + id``,
    ``${base}/notes/${id}``): whatever the base holds, even nothing, the segment keeps the
    rest on a path. A base followed by ``'/'`` alone is not enough: an empty base gives
    ``'/' + x``. Nor is a request value that comes only after a literal ``?`` or ``#``
    (``${appUrl}login/callback?${code}``) a redirect target: whatever the parts before it
    hold, they fix the scheme, host and path, and the value lands in the query."""
    node = unwrap(node, CASTS_AND_AWAIT)
    return _fixed_start(node, taint) or (
        taint is not None and _request_value_in_query(node, taint))


def _plus_operands(node: Node) -> list[Node]:
    """Return the operands of a ``+`` chain in order (``a + 'b' + c`` -> a, 'b', c), each
    unwrapped of casts and ``await``; a node that is no ``+`` is its own one operand."""
    operands: list[Node] = []
    while node.type == "binary_expression" and text(node.child_by_field_name("operator")) == "+":
        right = node.child_by_field_name("right")
        if right is not None:
            operands.append(unwrap(right, CASTS_AND_AWAIT))
        node = unwrap(node.child_by_field_name("left") or node, CASTS_AND_AWAIT)
    operands.append(node)
    operands.reverse()
    return operands


def _fixed_start(node: Node, taint: _Taint | None) -> bool:
    """``_fixed_origin`` but for a request value in the query."""
    operands = _plus_operands(node)
    node = operands[0]
    if node.type == "string":
        return bool(_FIXED_ORIGIN_RE.match(string_value(node) or ""))
    if node.type == "template_string":
        head = text(node)[1:].split("${", 1)[0]
        if _FIXED_ORIGIN_RE.match(head):
            return True
        subs = [c for c in node.named_children if c.type == "template_substitution"]
        if head or not subs or taint is None or any(
                taint.origin(inner) is not None for inner in code_children(subs[0])):
            return False
        after = (node.text or b"")[subs[0].end_byte - node.start_byte:].decode(
            "utf-8", "replace")  # byte offsets: the template may hold non-ASCII text
        literal = after.split("${", 1)[0] if "${" in after else after[:-1]  # to the backtick
        return bool(_PATH_SEGMENT_RE.match(literal))
    if taint is None or len(operands) < 2 or taint.origin(node) is not None:
        return False
    nxt = operands[1]
    if nxt.type == "string":
        return bool(_PATH_SEGMENT_RE.match(string_value(nxt) or ""))
    if nxt.type == "template_string":
        head = text(nxt)[1:]
        return bool(_PATH_SEGMENT_RE.match(head.split("${", 1)[0] if "${" in head
                                           else head[:-1]))
    return False


def _request_value_in_query(node: Node, taint: _Taint) -> bool:
    """Return True when a literal ``?`` or ``#`` of a template string or a ``+`` chain comes
    before every part of it the request supplies (and some part does)."""
    parts = list(node.named_children) if node.type == "template_string" \
        else _plus_operands(node)
    for part in parts:
        if part.type in ("string_fragment", "escape_sequence"):
            if "?" in text(part) or "#" in text(part):
                return True
        elif part.type == "string":
            if re.search(r"[?#]", string_value(part) or ""):
                return True
        elif part.type == "template_substitution":
            if any(taint.origin(inner) is not None for inner in code_children(part)):
                return False
        elif part.type == "template_string":
            if _request_value_in_query(part, taint):
                return True
            if any(taint.origin(inner) is not None for inner in walk(part)
                   if inner.parent is not None and inner.parent.type == "template_substitution"):
                return False
        elif taint.origin(part) is not None:
            return False
    return False


# --- values a test keeps to a known list (or to a string) before the sink ----------------------
#
# ``if (!files.includes(`${pkg}/${name}`)) return res.sendStatus(404);``: past that statement
# the request was turned away unless the value (or the string built from it) is a member of a
# list the request did not supply, so it is one of the values the program already knows, not
# something a client chose. The membership tests: ``list.includes(v)``, ``set.has(v)``,
# ``v in object`` (a non-request object), ``list.indexOf(v) !== -1`` (and ``> -1``,
# ``>= 0``; ``=== -1`` / ``< 0`` for the negation). A string literal is not a list
# (``'abc'.includes(v)`` tests a substring). A test guards: the rest of the block when its
# ``if`` has no ``else`` and the consequence returns or throws; the consequence (or the else
# branch) it leads to. ``validator.isEmail(v)`` and validator.js's other ``is`` checks of
# ``PINNING`` prove a plain value where they passed (validator.js 5 and later throw for
# anything but a string; older versions test ``String(v)``, which no object passes and an array
# of strings may: a list, never an operator), which keeps MongoDB operators out of a filter
# value (and nothing else). tests/rules/test_input_validation_guards.py runs them.

#: ``indexOf`` comparisons: operator -> (the number, True when it means "is a member").
_INDEX_TESTS = {("!==", "-1"): True, ("!=", "-1"): True, (">", "-1"): True, (">=", "0"): True,
                ("===", "-1"): False, ("==", "-1"): False, ("<", "0"): False}
#: Modules whose ``isX(v)`` checks are validator.js's.
_VALIDATOR_JS = "validator"


def _is_checks() -> frozenset[str]:
    return frozenset(n for n in PINNING if n.startswith("is"))


#: What a guard proves of a value: a member of a known list; a string (a validator.js check);
#: one path segment (a pattern test, see ``_segment_pattern``), which only a file path needs.
MEMBER, STRING, SEGMENT = "member", "string", "segment"
#: The very value tested lies under a folder: ``path.relative(base, v)`` tested for a leading
#: '..' and for an absolute result (see ``_relative_inside``). It is given as a SEGMENT fact
#: (what a file sink needs of the value as tested) and as this one, which tells ``_scan`` the
#: joins of the body are checked (as a ``startsWith`` test in it does).
INSIDE = "inside"
#: A local path for a redirect: the very value tested starts with '/' (SLASH), not with '//'
#: (SINGLE) and not with '/\\' (NOBACK: Express 4.20+ and 5 leave a backslash unencoded in the
#: Location header, and browsers read '/\\host' as '//host'), all three together (or a
#: regex test such as ``/^\/(?![\/\\])/``, or a function of the file that returns true only
#: then): LOCAL. res.redirect() and res.location() percent-encode the tabs and newlines a
#: browser would drop, so such a target stays on this site. Like a pattern test it counts only
#: for the value tested, as it is (``_Taint.keys``).
SLASH, SINGLE, NOBACK, LOCAL = "slash", "single", "noback", "local"
#: ``^\/`` then a lookahead or a class that excludes both '/' and '\\' as the second character.
_LOCAL_PATH_RE = lazy_pattern(
    r"^\^\\/(?:\(\?!(?:\[(?:\\/\\\\|\\\\\\/)\]|\\/\|\\\\|\\\\\|\\/)\)"
    r"|\[\^(?:\\/\\\\|\\\\\\/)\])[^|]*$")


class Guard(NamedTuple):
    """Request expressions a test keeps to a known list, to a string or to one path segment
    (``kind``), for the code in [start, end)."""

    start: int
    end: int
    origins: frozenset[str]
    kind: str  # MEMBER, STRING or SEGMENT


def _pieces(node: Node | None, taint: _Taint, depth: int = 0) -> set[str]:
    """Return the request expressions a tested value is built of, each of which the test
    fixes: the value itself (a request field, a local that holds exactly one), or the parts
    of a string concatenated or templated from such values. Other tainted parts (a call, a
    slice) are not fixed by the test and are left out."""
    if node is None or depth > _MAX_NESTING:
        return set()
    node = unwrap(node, CASTS_AND_AWAIT)
    if node.type == "identifier":
        found = taint.sources_of(text(node))
        return set(found) if len(found) == 1 else set()
    if node.type in ("member_expression", "subscript_expression", "call_expression"):
        origin = taint.origin(node)
        if origin is None:
            return set()
        root = node
        while root.type in ("member_expression", "subscript_expression"):
            root = root.child_by_field_name("object") or root
            if root.type not in ("member_expression", "subscript_expression"):
                break
        if origin == text(node):  # `req.query.x`, `req.get('x')`
            return {origin}
        if root.type == "identifier" and root is not node:
            found = taint.sources_of(text(root))
            if len(found) == 1 and found[0].count(".") == 1 and \
                    origin == found[0] + text(node)[len(text(root)):]:
                return {origin}  # `body.dir` of `const { body } = req`
        return set()
    if node.type == "binary_expression" and text(node.child_by_field_name("operator")) == "+":
        return _pieces(node.child_by_field_name("left"), taint, depth + 1) | \
            _pieces(node.child_by_field_name("right"), taint, depth + 1)
    if node.type == "template_string":
        parts: set[str] = set()
        for sub in node.named_children:
            if sub.type == "template_substitution":
                for inner in code_children(sub):
                    parts |= _pieces(inner, taint, depth + 1)
        return parts
    return set()


def _a_list(node: Node | None, taint: _Taint) -> bool:
    """A receiver a membership test may use: not a string literal, not request data."""
    if node is None:
        return False
    node = unwrap(node, CASTS_AND_AWAIT)
    return node.type not in ("string", "template_string") and taint.origin(node) is None


def _member_call(node: Node, taint: _Taint) -> set[str] | None:
    """``list.includes(v)`` / ``set.has(v)`` / ``list.indexOf(v)``: the pieces of ``v``."""
    if node.type != "call_expression":
        return None
    fn = node.child_by_field_name("function")
    args = node.child_by_field_name("arguments")
    items = code_children(args) if args is not None else []
    if fn is None or fn.type != "member_expression" or len(items) != 1 or \
            not _a_list(fn.child_by_field_name("object"), taint):
        return None
    if text(fn.child_by_field_name("property")) not in ("includes", "has", "indexOf"):
        return None
    return _pieces(items[0], taint)


def _validator_call(node: Node, taint: _Taint, checks: dict[str, str]) -> set[str] | None:
    """``validator.isEmail(v)``: the request expression ``v`` is when it is a plain value."""
    if node.type != "call_expression":
        return None
    fn = node.child_by_field_name("function")
    args = node.child_by_field_name("arguments")
    items = code_children(args) if args is not None else []
    if fn is None or not items or checks.get(text(fn)) not in _is_checks():
        return None
    first = unwrap(items[0], CASTS_AND_AWAIT)
    if first.type not in ("identifier", "member_expression", "subscript_expression"):
        return None
    return _pieces(first, taint)


def _package_functions(facts: FileFacts) -> tuple[frozenset[str], frozenset[str]]:
    """(the local names of functions imported from a package, the names of its imported
    objects): ``sanitize`` of ``require('sanitize-filename')``, ``validator`` of
    ``validator.escape``; never a Node built-in (``path.basename('..')`` is ``'..'``) nor a
    module of the project."""
    names: set[str] = set()
    objects: set[str] = set()
    for imp in facts.imports:
        if imp.module.startswith((".", "/")) or is_builtin(imp.module):
            continue
        if imp.default:
            names.add(imp.default)
            objects.add(imp.default)
        if imp.namespace:
            objects.add(imp.namespace)
        names.update(imp.named.values())
    return frozenset(names), frozenset(objects)


def _call_of_itself(value: Node | None, call: Node | None,
                    packages: tuple[frozenset[str], frozenset[str]]) -> Node | None:
    """``value`` (unwrapped) when ``call`` is ``f(value)``: one argument, the same expression,
    ``f`` a function of an imported package (``sanitize(name)``); else None. Such a call's
    result is no request data (see ``_Taint._origin``), nor is ``value`` where it equals it."""
    if value is None or call is None:
        return None
    value = unwrap(value, CASTS_AND_AWAIT)
    call = unwrap(call, CASTS_AND_AWAIT)
    if call.type != "call_expression" or value.type not in (
            "identifier", "member_expression", "subscript_expression"):
        return None
    fn = call.child_by_field_name("function")
    args = call.child_by_field_name("arguments")
    items = code_children(args) if args is not None else []
    if fn is None or len(items) != 1 or text(unwrap(items[0], CASTS_AND_AWAIT)) != text(value):
        return None
    names, objects = packages
    if fn.type == "identifier" and text(fn) in names:
        return value
    if fn.type == "member_expression" and \
            text(fn.child_by_field_name("object")) in objects:
        return value
    return None


def _cleaned_in_place(statement: Node, taint: _Taint,
                      packages: tuple[frozenset[str], frozenset[str]]) -> Guard | None:
    """``name = sanitize(name)`` / ``req.body.f = sanitize(req.body.f)`` directly in a block
    (see ``_call_of_itself``): a MEMBER guard on what the target held, from the statement's
    end to the block's or to the next assignment of the same target (the span of
    ``narrowing``)."""
    block = statement.parent
    if block is None or block.type not in ("statement_block", "program") or \
            not statement.named_children:
        return None
    assign = unwrap(statement.named_children[0])
    if assign.type != "assignment_expression":
        return None
    left = assign.child_by_field_name("left")
    value = _call_of_itself(left, assign.child_by_field_name("right"), packages)
    if value is None:
        return None
    pieces = _pieces(value, taint)
    if not pieces:
        return None
    target = text(value)
    end = min((n.start_byte for n in walk(block)
               if n.start_byte >= statement.end_byte and n.type in (
                   "assignment_expression", "augmented_assignment_expression",
                   "update_expression", "variable_declarator")
               and text(n.child_by_field_name("left") or n.child_by_field_name("argument")
                        or n.child_by_field_name("name")) == target),
              default=block.end_byte)
    return Guard(statement.end_byte, end, frozenset(pieces), MEMBER)


_Facts = frozenset[tuple[str, str]]  # (request expression, MEMBER / STRING / SEGMENT)


#: How deep ``_implied`` and ``_pieces`` go into nested ``&&``/``||``/``+`` (a chain of a
#: thousand operands is a tree that deep): past it a condition proves nothing.
_MAX_NESTING = 50


def _implied(node: Node | None, taint: _Taint, checks: dict[str, str],
             when: bool, depth: int = 0,
             names: _Names | None = None) -> _Facts:
    """Return what a condition proves about request expressions when it is ``when``
    (``names``: what the names in a pattern test stand for, or None)."""
    if node is None or depth > _MAX_NESTING:
        return frozenset()
    node = unwrap(node, CASTS_AND_AWAIT)
    if node.type == "unary_expression" and text(node.child_by_field_name("operator")) == "!":
        return _implied(node.child_by_field_name("argument"), taint, checks, not when, depth + 1,
                        names)
    if node.type == "binary_expression":
        operator = text(node.child_by_field_name("operator"))
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if operator in ("&&", "||"):
            a = _implied(left, taint, checks, when, depth + 1, names)
            b = _implied(right, taint, checks, when, depth + 1, names)
            # Both hold when `a && b` is true or `a || b` false; else only what both prove.
            both = a | b if (operator == "&&") == when else a & b
            inside = _inside(node, taint, when, names) if (operator == "&&") == when else None
            return both | inside if inside else both
        if operator in ("===", "==", "!==", "!=") and left is not None and right is not None:
            if names is not None:
                # `if (name !== sanitize(name)) return …`: past it, name is what the package
                # function returned, which is no request data
                same = _call_of_itself(left, right, names.packages()) or \
                    _call_of_itself(right, left, names.packages())
                if same is not None:
                    return frozenset((o, MEMBER) for o in _pieces(same, taint)) \
                        if (operator in ("===", "==")) == when else frozenset()
            character = _second_character(left, right, operator, when, taint)
            if character is not None:
                return character
            # `typeof v === 'string'` true (or `!== 'string'` false): v is a plain value, which
            # carries no query operator (a number or a boolean neither).
            for test, kind in ((left, right), (right, left)):
                test = unwrap(test, CASTS_AND_AWAIT)
                named = string_value(kind)
                if test.type == "unary_expression" \
                        and text(test.child_by_field_name("operator")) == "typeof" \
                        and named in ("string", "number", "boolean"):
                    value = unwrap(test.child_by_field_name("argument"), CASTS_AND_AWAIT)
                    holds = (operator in ("===", "==")) == when
                    if not holds or value is None or value.type not in (
                            "identifier", "member_expression", "subscript_expression"):
                        return frozenset()
                    return frozenset((o, STRING) for o in _pieces(value, taint))
            # `v.match(re) === null`, `re.exec(v) !== null`: the match is a non-null result.
            call = left if text(right) == "null" else right if text(left) == "null" else None
            call = unwrap(call, CASTS_AND_AWAIT)
            if call is not None and call.type == "identifier" and names is not None:
                call = names.match(call)  # `const m = re.exec(v); if (m === null) return …`
            method = call.child_by_field_name("function") if call is not None and \
                call.type == "call_expression" else None
            if call is not None and method is not None and text(
                    method.child_by_field_name("property")) in ("match", "exec"):
                tested = _segment_test(call, taint, names)
                if tested is not None and (operator in ("!==", "!=")) == when:
                    return frozenset((key, SEGMENT) for key in tested)
                return frozenset()
        if operator == "in" and _a_list(right, taint):
            return frozenset((o, MEMBER) for o in _pieces(left, taint)) if when else frozenset()
        for call, number in ((left, right), (right, left)):
            if call is None or number is None:
                continue
            call = unwrap(call, CASTS_AND_AWAIT)
            fn = call.child_by_field_name("function") if call.type == "call_expression" \
                else None
            if fn is None or fn.type != "member_expression" or \
                    text(fn.child_by_field_name("property")) != "indexOf":
                continue
            flipped = {">": "<", "<": ">", ">=": "<=", "<=": ">="}.get(operator, operator) \
                if call is right else operator
            member = _INDEX_TESTS.get((flipped, text(number).replace(" ", "")))
            pieces = _member_call(call, taint)
            if member is not None and pieces is not None and member == when:
                return frozenset((o, MEMBER) for o in pieces)
        return frozenset()
    pieces = _member_call(node, taint)
    callee = node.child_by_field_name("function")
    if pieces is not None and callee is not None and text(
            callee.child_by_field_name("property")) != "indexOf":
        return frozenset((o, MEMBER) for o in pieces) if when else frozenset()
    pieces = _validator_call(node, taint, checks)
    if pieces is not None and when:
        return frozenset((o, STRING) for o in pieces)
    started = _starts_with(node, taint)
    if started is not None:
        keys, prefix, how = started
        if how == "startsWith" and when and prefix == "/":
            return frozenset((key, SLASH) for key in keys)
        if how == "startsWith" and not when and prefix == "//":
            return frozenset((key, SINGLE) for key in keys)
        if not when and (how, prefix) in (("startsWith", "/\\\\"), ("includes", "\\\\")):
            return frozenset((key, NOBACK) for key in keys)
        return frozenset()
    pattern_keys = _local_pattern(node, taint)
    if pattern_keys is not None:
        return frozenset((key, LOCAL) for key in pattern_keys) if when else frozenset()
    if when and names is not None and node.type == "call_expression":
        local = names.local_call(node, taint)  # `if (isLocalPath(next)) …`
        if local:
            return frozenset((key, LOCAL) for key in local)
        under = names.inside_call(node, taint)  # `if (isChildPath(dir, file)) …`
        if under:
            return frozenset((key, kind) for key in under for kind in (SEGMENT, INSIDE))
    tested = _segment_test(node, taint, names)
    if tested is None and names is not None:
        if node.type == "identifier":  # `const m = v.match(re); if (!m) return …`
            call = names.match(node)
            tested = _segment_test(call, taint, names) if call is not None else None
        elif node.type == "call_expression":  # `if (!this.parseName(v)) return null`
            tested = names.segment_call(node, taint)
        elif node.type == "member_expression":  # `const r = check(v); if (r.error) return …`
            tested = names.flag_call(node, taint, when)
            return frozenset((key, SEGMENT) for key in tested) if tested else frozenset()
    if tested is not None and when:
        return frozenset((key, SEGMENT) for key in tested)
    return frozenset()


def _inside(node: Node, taint: _Taint, when: bool, names: _Names | None) -> _Facts | None:
    """What a ``path.relative`` containment test written in the condition proves (SEGMENT and
    INSIDE for the path tested, see ``_relative_inside``), or None."""
    if names is None:
        return None
    pair = _relative_inside(node, when, lambda n: names._declared(names.body, n))
    if pair is None or taint.origin(pair[0]) is not None or pair[1].type not in (
            "identifier", "member_expression", "subscript_expression"):
        return None
    keys = taint.keys(pair[1])
    return frozenset((key, kind) for key in keys for kind in (SEGMENT, INSIDE)) or None


def _starts_with(node: Node, taint: _Taint) -> tuple[set[str], str, str] | None:
    """``v.startsWith('/')`` / ``v.includes('\\\\')``: (what ``v`` is as tested, see
    ``_Taint.keys``; the literal as written; the method)."""
    if node.type != "call_expression":
        return None
    fn = node.child_by_field_name("function")
    args = node.child_by_field_name("arguments")
    items = code_children(args) if args is not None else []
    method = text(fn.child_by_field_name("property")) if fn is not None and \
        fn.type == "member_expression" else ""
    if fn is None or len(items) != 1 or method not in ("startsWith", "includes") or \
            items[0].type != "string":
        return None
    receiver = unwrap(fn.child_by_field_name("object"), CASTS_AND_AWAIT)
    if receiver is None or receiver.type not in ("identifier", "member_expression",
                                                 "subscript_expression"):
        return None
    keys = taint.keys(receiver)
    return (keys, string_value(items[0]) or "", method) if keys else None


def _local_pattern(node: Node, taint: _Taint) -> set[str] | None:
    """``/^\\/(?![\\/\\\\])/.test(v)`` (a regex literal whose second character may be
    neither '/' nor '\\\\', no alternation, no ``m``/``g``/``y`` flag): what ``v`` is as
    tested, or None."""
    if node.type != "call_expression":
        return None
    fn = node.child_by_field_name("function")
    args = node.child_by_field_name("arguments")
    items = code_children(args) if args is not None else []
    if fn is None or fn.type != "member_expression" or len(items) != 1 or \
            text(fn.child_by_field_name("property")) != "test":
        return None
    parts = _regex_parts(unwrap(fn.child_by_field_name("object"), CASTS_AND_AWAIT))
    value = unwrap(items[0], CASTS_AND_AWAIT)
    if parts is None or set(parts[1]) & set("mgy") or not _LOCAL_PATH_RE.match(parts[0]) or \
            value is None or value.type not in ("identifier", "member_expression",
                                                "subscript_expression"):
        return None
    return taint.keys(value) or None


def _second_character(left: Node | None, right: Node | None, operator: str, when: bool,
                      taint: _Taint) -> _Facts | None:
    """``v[0] === '/'``, ``v[1] !== '/'``, ``v.charAt(1) !== '\\\\'``: SLASH, SINGLE or NOBACK
    for what ``v`` is as tested (None: not such a test)."""
    for side, other in ((left, right), (right, left)):
        literal = string_value(other)
        side = unwrap(side, CASTS_AND_AWAIT)
        if literal not in ("/", "\\\\") or side is None:
            continue
        receiver, index = None, None
        if side.type == "subscript_expression":
            receiver = side.child_by_field_name("object")
            index = text(side.child_by_field_name("index"))
        elif side.type == "call_expression":
            fn = side.child_by_field_name("function")
            args = side.child_by_field_name("arguments")
            items = code_children(args) if args is not None else []
            if fn is not None and fn.type == "member_expression" and len(items) == 1 and \
                    text(fn.child_by_field_name("property")) == "charAt":
                receiver, index = fn.child_by_field_name("object"), text(items[0])
        receiver = unwrap(receiver, CASTS_AND_AWAIT)
        if receiver is None or receiver.type not in ("identifier", "member_expression",
                                                     "subscript_expression"):
            return None
        keys = taint.keys(receiver)
        equal = (operator in ("===", "==")) == when  # what holds: equal, or not
        fact = SLASH if (index, literal, equal) == ("0", "/", True) else \
            SINGLE if (index, literal, equal) == ("1", "/", False) else \
            NOBACK if (index, literal, equal) == ("1", "\\\\", False) else None
        return frozenset((key, fact) for key in keys) if fact is not None else frozenset()
    return None


# --- a pattern test that keeps a value to one path segment ------------------------------------
#
# ``if (!/^img-[a-f0-9-]{36}\.png$/i.test(name)) return res.sendStatus(400);``: past that
# statement the name matched a pattern anchored at both ends (no ``m`` flag, no alternative
# outside a group) whose every character class leaves out ``/`` and ``\``, and which matches
# neither ``.`` nor ``..``: the name is one file name, so joined or resolved under a folder it
# stays in that folder (leaving it takes a separator or a ``..`` segment). The tests:
# ``re.test(v)``, ``v.match(re)`` and ``re.exec(v)`` on the value itself (not on a string built
# from it), with ``re`` a regex literal or a name bound to one: in the file (one declaration,
# never assigned again) or imported from a project module (``patterns``). What such a test
# proves counts for file paths only: ``/^[^/\\]+$/`` still admits ``; rm -rf ~`` or ``$where``.
# Escapes are read as JavaScript reads them (``\057`` and ``\x2f`` are '/'); a pattern the check
# cannot read (a ``\p`` or ``\c`` escape, ``.``, ``\W``, a negated class that lets a separator
# in, an unknown group) proves nothing. The test counts only for the very value it tested (see
# ``_Taint.keys``): where the use reaches the path through a call (``decodeURIComponent(f)``),
# or the local was assigned again, it proves nothing (``_loose``).

#: ``patterns(facts, name)``: the regex literal a name imported into that file stands for.
PatternResolver = Callable[[FileFacts, str], "Node | None"]
#: Class escapes: what ``\d \w \s`` match holds no separator and no '.'; ``\D \W \S`` match both.
_NARROW_CLASSES = frozenset("dws")
_WIDE_CLASSES = frozenset("DWS")
#: Escapes the check does not read (a Unicode property, a named reference, ``\c``).
_UNREAD_ESCAPES = frozenset("pPkc")
_CONTROL_ESCAPES = {"n": 0x0A, "r": 0x0D, "t": 0x09, "v": 0x0B, "f": 0x0C}
_SEPARATORS = ("/", "\\")
_HEX = frozenset("0123456789abcdefABCDEF")
_QUANTIFIER_RE = lazy_pattern(r"\{\d+(?:,\d*)?\}")
#: The groups of a pattern, counted to tell a back-reference from an octal escape (a count too
#: high only makes the rewritten pattern fail to compile: no verdict).
_GROUP_RE = lazy_pattern(r"(?<!\\)\((?!\?)|\(\?<(?![=!])")
#: What one atom of a pattern is: a code point, a class escape (``\d``: NARROW, ``\D``: WIDE).
_NARROW, _WIDE = -1, -2


def _escape(pattern: str, i: int, in_class: bool, groups: int) -> tuple[int | str, int] | None:
    """Read the escape at ``pattern[i]`` (a backslash) as JavaScript reads it in a regex without
    the ``u`` flag (Annex B): a code point, ``_NARROW``/``_WIDE`` for a class escape, or (outside a
    class) the text of an assertion or back-reference to keep; with the index past it. None for
    an escape the check does not read."""
    if i + 1 >= len(pattern):
        return None
    e = pattern[i + 1]
    if e in _NARROW_CLASSES:
        return _NARROW, i + 2
    if e in _WIDE_CLASSES:
        return _WIDE, i + 2
    if e in _UNREAD_ESCAPES:
        return None
    if e in _CONTROL_ESCAPES:
        return _CONTROL_ESCAPES[e], i + 2
    if e in "bB":
        if in_class:
            return (0x08, i + 2) if e == "b" else None
        return "\\" + e, i + 2  # a word boundary (assertion)
    if e == "x":
        digits = pattern[i + 2:i + 4]
        return (int(digits, 16), i + 4) if len(digits) == 2 and set(digits) <= _HEX else None
    if e == "u":
        digits = pattern[i + 2:i + 6]
        return (int(digits, 16), i + 6) if len(digits) == 4 and set(digits) <= _HEX else None
    if e.isdigit():
        end = i + 1
        while end < len(pattern) and pattern[end].isdigit():
            end += 1
        number = pattern[i + 1:end]
        if not in_class and e != "0" and int(number) <= groups:
            return f"(?:\\{number})", end  # a back-reference: the text a group matched
        if e in "89":
            return (ord(e), i + 2) if in_class else None
        # A legacy octal escape: \0 to \377 (\057 is '/', \56 is '.').
        octal = e
        for c in pattern[i + 2:i + 2 + (2 if e in "0123" else 1)]:
            if c not in "01234567":
                break
            octal += c
        return int(octal, 8), i + 1 + len(octal)
    return ord(e), i + 2  # an identity escape: `\/` is '/', `\.` is '.', `\-` is '-'


def _read_class(pattern: str, i: int, groups: int) -> tuple[bool, bool, int] | None:
    """Read the character class opening at ``pattern[i]``: (admits a separator, admits '.',
    the index past it), or None when an escape is not read or the class does not end."""
    j = i + 1
    negated = pattern[j:j + 1] == "^"
    j += negated
    atoms: list[int] = []
    while j < len(pattern) and pattern[j] != "]":
        if pattern[j] == "\\":
            read = _escape(pattern, j, True, groups)
            if read is None or isinstance(read[0], str):
                return None
            atoms.append(read[0])
            j = read[1]
        else:
            atoms.append(ord(pattern[j]))
            j += 1
    if j >= len(pattern):
        return None
    ranges: list[tuple[int, int]] = []
    wide = False
    k = 0
    while k < len(atoms):
        low = atoms[k]
        if low >= 0 and k + 2 < len(atoms) and atoms[k + 1] == ord("-") and atoms[k + 2] >= 0:
            if atoms[k + 2] < low:
                return None  # out of order: a syntax error
            ranges.append((low, atoms[k + 2]))
            k += 3
            continue
        wide = wide or low == _WIDE
        if low >= 0:
            ranges.append((low, low))
        k += 1

    def covers(char: str) -> bool:
        return wide or any(low <= ord(char) <= high for low, high in ranges)

    if negated:  # `[^/\\]`: every separator left out, '.' unless it is left out too
        if wide or not all(covers(s) for s in _SEPARATORS):
            return True, True, j + 1
        return False, not covers("."), j + 1
    return any(covers(s) for s in _SEPARATORS), covers("."), j + 1


def _segment_pattern(pattern: str, flags: str) -> bool:
    """Return True when every string the regex ``/pattern/flags`` matches is one path segment
    other than ``.`` and ``..`` (see above). Escapes are read the way JavaScript reads them
    (``[a-z\\057]`` admits '/', ``\\x2e`` is '.'); a pattern with an escape the check does not
    read counts for nothing."""
    if "m" in flags or "v" in flags or len(pattern) < 2 or not pattern.startswith("^") or \
            not pattern.endswith("$"):
        return False
    body = pattern[1:-1]
    if (len(body) - len(body.rstrip("\\"))) % 2:
        return False  # the final '$' is escaped
    groups = len(_GROUP_RE.findall(body))
    # The pattern rewritten for Python, where each atom is '\.' when it matches '.' and '(?!)'
    # when not: only whether it matches '.' or '..' is asked of it.
    out: list[str] = []
    depth = 0
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            read = _escape(body, i, False, groups)
            if read is None or read[0] == _WIDE:
                return False
            atom, i = read
            if isinstance(atom, str):
                out.append(atom)
            elif atom == _NARROW:
                out.append("(?!)")
            elif chr(atom) in _SEPARATORS:
                return False
            else:
                out.append(r"\." if atom == ord(".") else "(?!)")
            continue
        if c == "[":
            klass = _read_class(body, i, groups)
            if klass is None or klass[0]:
                return False
            out.append(r"\." if klass[1] else "(?!)")
            i = klass[2]
            continue
        if c == "(":
            depth += 1
            if body[i + 1:i + 2] == "?":
                kind = body[i + 2:i + 3]
                if kind == "<" and body[i + 3:i + 4] not in ("=", "!"):
                    close = body.find(">", i)
                    if close < 0:
                        return False
                    out.append("(")  # a named group: numbered like any other
                    i = close + 1
                    continue
                if kind not in (":", "=", "!", "<"):
                    return False
                lookbehind = body[i + 2:i + 4] if kind == "<" else kind
                out.append("(?" + lookbehind)
                i += 2 + len(lookbehind)
                continue
            out.append("(")
        elif c == ")":
            depth -= 1
            if depth < 0:
                return False
            out.append(")")
        elif c == "|":
            if depth == 0:
                return False
            out.append("|")
        elif c == "{":
            quantifier = _QUANTIFIER_RE.match(body, i)
            if quantifier is None:
                out.append("(?!)")  # a literal '{'
            else:
                out.append(quantifier.group(0))
                i = quantifier.end()
                continue
        elif c in "*+?^$":
            out.append(c)
        elif c in "./":
            return False  # any character, a separator
        else:
            out.append("(?!)")  # a literal character other than '.' or a separator
        i += 1
    if depth:
        return False
    try:  # the segments that leave a folder without a separator
        compiled = re.compile("(?:" + "".join(out) + ")", re.ASCII)
    except (re.error, RecursionError, OverflowError):
        return False
    return not any(compiled.fullmatch(dots) for dots in (".", ".."))


def _regex_parts(node: Node | None) -> tuple[str, str] | None:
    if node is None or node.type != "regex":
        return None
    pattern = node.child_by_field_name("pattern")
    flags = node.child_by_field_name("flags")
    return text(pattern), text(flags) if flags is not None else ""


def _segment_test(node: Node, taint: _Taint, names: _Names | None) -> frozenset[str] | None:
    """``re.test(v)`` / ``v.match(re)`` / ``re.exec(v)`` with a one-segment pattern: what a
    use must be for the test to count (``_Taint.keys`` of ``v``), or None."""
    if node.type != "call_expression":
        return None
    fn = node.child_by_field_name("function")
    args = node.child_by_field_name("arguments")
    items = code_children(args) if args is not None else []
    if fn is None or fn.type != "member_expression" or len(items) != 1:
        return None
    method = text(fn.child_by_field_name("property"))
    receiver = fn.child_by_field_name("object")
    if method not in ("test", "exec", "match"):
        return None
    pair = (receiver, items[0]) if method != "match" else (items[0], receiver)
    regex = unwrap(pair[0], CASTS_AND_AWAIT)
    value = unwrap(pair[1], CASTS_AND_AWAIT)
    if regex is None or value is None or value.type not in (
            "identifier", "member_expression", "subscript_expression"):
        return None
    literal: Node | None = regex
    if regex.type in ("identifier", "member_expression"):
        literal = names.regex(regex) if names is not None else None
    parts = _regex_parts(literal)
    if parts is None or not _segment_pattern(*parts):
        return None
    keys = taint.keys(value) if len(_pieces(value, taint)) == 1 else set()
    return frozenset(keys) or None


# --- ``path.relative`` containment ----------------------------------------------------------
#
# ``const rel = path.relative(base, p)``, then ``rel`` tested both not to start with '..' (``!rel
# .startsWith('..')``; or ``'..' + path.sep`` / `..${path.sep}` together with ``rel !== '..'``)
# and not to be absolute (``!path.isAbsolute(rel)``, another drive on Windows; or ``rel !==
# path.resolve(p)``, what ``path.relative`` gives there, as the ``is-path-inside`` package tests
# it), possibly inside ``Boolean(…)``: where that holds, ``p`` lies under ``base``. Either test
# alone does not count. Written in the condition itself (``if (rel.startsWith('..') ||
# path.isAbsolute(rel)) return …`` counts where it is false), or as every truthy ``return`` of a
# project function (``isChildPath(base, p)``), whose ``p`` parameter the function never
# reassigns; ``base`` must not be request data.

_PARENT_TESTS = ("'..'", '".."')
_SEP_PARENT_TESTS = ("'..' + path.sep", '".." + path.sep', "`..${path.sep}`", "'..' + sep",
                     '".." + sep', "`..${sep}`")


def _relative_tests(node: Node | None, when: bool, found: dict[str, set[str]],
                    depth: int = 0) -> None:
    """Collect what ``node`` being ``when`` proves of the texts it tests: ``found[rel]`` gets
    'dots' (no leading '..'), 'dots-sep' (no leading '..' + sep), 'parent' (not '..') and
    'absolute' (not absolute), or 'resolved:p' (not ``path.resolve(p)``)."""
    if node is None or depth > _MAX_NESTING:
        return
    node = unwrap(node, CASTS_AND_AWAIT)
    arguments = node.child_by_field_name("arguments")
    if node.type == "call_expression" and arguments is not None and \
            text(node.child_by_field_name("function")) == "Boolean" and \
            len(inner := code_children(arguments)) == 1:
        _relative_tests(inner[0], when, found, depth + 1)  # `Boolean(a && b)` is as `a && b`
        return
    if node.type == "unary_expression" and text(node.child_by_field_name("operator")) == "!":
        _relative_tests(node.child_by_field_name("argument"), not when, found, depth + 1)
        return
    if node.type == "binary_expression":
        operator = text(node.child_by_field_name("operator"))
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if (operator == "&&" and when) or (operator == "||" and not when):
            _relative_tests(left, when, found, depth + 1)
            _relative_tests(right, when, found, depth + 1)
        elif operator in ("!==", "!=", "===", "==") and left is not None and right is not None \
                and (operator in ("!==", "!=")) == when:
            for value, other in ((left, right), (right, left)):
                if text(other) in _PARENT_TESTS and value.type == "identifier":
                    found.setdefault(text(value), set()).add("parent")
                resolved = unwrap(other, CASTS_AND_AWAIT)
                callee = resolved.child_by_field_name("function")
                parts = resolved.child_by_field_name("arguments")
                if resolved.type == "call_expression" and callee is not None and \
                        parts is not None and value.type == "identifier" and \
                        text(callee) in ("path.resolve", "win32.resolve") and \
                        len(items := code_children(parts)) == 1:
                    found.setdefault(text(value), set()).add(f"resolved:{text(items[0])}")
        return
    if node.type != "call_expression" or when:
        return
    fn = node.child_by_field_name("function")
    args = node.child_by_field_name("arguments")
    items = code_children(args) if args is not None else []
    if fn is None or fn.type != "member_expression" or len(items) != 1:
        return
    method = text(fn.child_by_field_name("property"))
    if method == "startsWith" and text(items[0]) in _PARENT_TESTS:
        found.setdefault(text(fn.child_by_field_name("object")), set()).add("dots")
    elif method == "startsWith" and text(items[0]) in _SEP_PARENT_TESTS:
        found.setdefault(text(fn.child_by_field_name("object")), set()).add("dots-sep")
    elif method == "isAbsolute" and text(fn.child_by_field_name("object")) in ("path", "posix",
                                                                                "win32"):
        found.setdefault(text(items[0]), set()).add("absolute")


def _relative_inside(node: Node | None, when: bool,
                     declared: Callable[[str], Node | None]) -> tuple[Node, Node] | None:
    """``(base, p)`` of the ``path.relative(base, p)`` that ``node`` being ``when`` proves
    ``p`` under ``base`` (see above; ``declared``: the value a name of the function is given
    once), or None."""
    found: dict[str, set[str]] = {}
    _relative_tests(node, when, found)
    for rel, tests in found.items():
        if not ("dots" in tests or {"dots-sep", "parent"} <= tests) or \
                not any(t == "absolute" or t.startswith("resolved:") for t in tests):
            continue
        value = declared(rel) if rel.replace("$", "_").isidentifier() else None
        value = unwrap(value, CASTS_AND_AWAIT) if value is not None else None
        fn = value.child_by_field_name("function") if value is not None and \
            value.type == "call_expression" else None
        args = value.child_by_field_name("arguments") \
            if fn is not None and value is not None else None
        items = code_children(args) if args is not None else []
        if fn is not None and text(fn) in ("path.relative", "posix.relative") and \
                len(items) == 2 and ("absolute" in tests or f"resolved:{text(items[1])}" in tests):
            return items[0], unwrap(items[1], CASTS_AND_AWAIT)
    return None


class _Names:
    """What names in the conditions of one function body stand for: a regex literal, a match
    result, a function of the file."""

    def __init__(self, body: Node, facts: FileFacts, patterns: PatternResolver | None,
                 follow: bool = True) -> None:
        self.body = body
        self.facts = facts
        self.patterns = patterns
        self.follow = follow  # False inside a followed function: one level only
        self.root = body
        while self.root.parent is not None:
            self.root = self.root.parent
        self._regexes: dict[str, Node | None] = {}
        #: scope id -> (name -> declared values, assigned names), one walk per scope
        self._scopes: dict[int, tuple[dict[str, list[Node | None]], set[str]]] = {}
        self._declarations: list[Node] | None = None
        #: (function id, parameter, SEGMENT or LOCAL) -> its truthy returns are guarded
        self._checks: dict[tuple[int, int, str], bool] = {}
        #: function id -> what its truthy returns keep under a folder (``_inside_parameters``)
        self._inside: dict[int, tuple[int | None, int] | None] = {}
        self._packages: tuple[frozenset[str], frozenset[str]] | None = None

    def packages(self) -> tuple[frozenset[str], frozenset[str]]:
        """``_package_functions`` of the file (computed once)."""
        if self._packages is None:
            self._packages = _package_functions(self.facts)
        return self._packages

    def _index(self, scope: Node) -> tuple[dict[str, list[Node | None]], set[str]]:
        if scope.id not in self._scopes:
            declared: dict[str, list[Node | None]] = {}
            assigned: set[str] = set()
            for node in walk(scope):
                if node.type == "variable_declarator":
                    declared.setdefault(text(node.child_by_field_name("name")), []).append(
                        node.child_by_field_name("value"))
                elif node.type in ("assignment_expression", "augmented_assignment_expression"):
                    assigned.add(text(node.child_by_field_name("left")))
            self._scopes[scope.id] = (declared, assigned)
        return self._scopes[scope.id]

    def _declared(self, scope: Node, name: str) -> Node | None:
        """The value of the one declaration of ``name`` in ``scope``, never assigned again."""
        declared, assigned = self._index(scope)
        values = declared.get(name, [])
        return unwrap(values[0], CASTS_AND_AWAIT) if len(values) == 1 and name not in assigned \
            else None

    def regex(self, node: Node) -> Node | None:
        """The regex literal a name is bound to: the one declaration of that name in the file
        (never assigned again), else an import ``patterns`` follows; None for anything else."""
        name = text(node)
        if name not in self._regexes:
            value: Node | None = None
            if node.type == "identifier":
                value = self._declared(self.root, name)
                declared, assigned = self._index(self.root)
                if value is None and self.patterns is not None and \
                        name not in declared and name not in assigned:
                    value = self.patterns(self.facts, name)
            elif self.patterns is not None:
                value = self.patterns(self.facts, name)  # `names.STORED` of a default export
            self._regexes[name] = value if value is not None and value.type == "regex" \
                else None
        return self._regexes[name]

    def match(self, node: Node) -> Node | None:
        """The ``v.match(re)`` / ``re.exec(v)`` call a local of the body holds, or None."""
        value = self._declared(self.body, text(node))
        fn = value.child_by_field_name("function") if value is not None and \
            value.type == "call_expression" else None
        if fn is None or fn.type != "member_expression" or \
                text(fn.child_by_field_name("property")) not in ("match", "exec"):
            return None
        return value

    def _function(self, call: Node) -> Node | None:
        """The function a call names in this file: ``this.name(…)``, a method of the class
        around the call; ``name(…)``, a function the file declares once."""
        fn = call.child_by_field_name("function")
        if fn is None:
            return None
        found: list[Node] = []
        if fn.type == "member_expression" and \
                text(fn.child_by_field_name("object")) == "this":
            name = text(fn.child_by_field_name("property"))
            owner = call.parent
            while owner is not None and owner.type != "class_body":
                owner = owner.parent
            found = [m for m in code_children(owner) if m.type == "method_definition"
                     and text(m.child_by_field_name("name")) == name] if owner else []
        elif fn.type == "identifier":
            name = text(fn)
            found = [d for d in self._functions() if text(d.child_by_field_name("name")) == name]
            value = self._declared(self.root, name)
            if value is not None and value.type in _FUNCTION_TYPES:
                found.append(value)
        return found[0] if len(found) == 1 else None

    def _functions(self) -> list[Node]:
        if self._declarations is None:
            self._declarations = [d for d in walk(self.root) if d.type == "function_declaration"]
        return self._declarations

    def _checks_parameter(self, func: Node, body: Node, index: int,
                          kind: str = SEGMENT, flag: tuple[str, bool] | None = None,
                          facts: FileFacts | None = None) -> bool:
        """Every truthy ``return`` of ``func`` lies past a one-segment test of parameter
        ``index`` (``kind`` LOCAL: past a local-path test, or returns one that holds only
        then: ``return u.startsWith('/') && !u.startsWith('//')``; ``flag``: every return is
        an object with that property set to ``true`` or ``false``, and those that set it to
        the value given are the ones that must lie past the test; ``facts``: those of the
        file ``func`` lies in, when not this one; computed once per function, parameter,
        kind and flag)."""
        key = (func.id, index, kind + (f"\0{flag}" if flag else ""))
        if key not in self._checks:
            name = _param_name(func, index)
            checked = False
            if name is not None and not any(
                    n.type == "identifier" and text(n) == "arguments" for n in walk(body)):
                inner = _Taint("\0", body)
                inner.locals[name] = _ARGUMENT
                inner.seeded[name] = _ARGUMENT  # not if the function changes it
                inner.rebind(body)
                guards = find_guards(body, inner, facts or self.facts, self.patterns,
                                     follow=False)
                returns = [r for r in _own_nodes(body) if r.type == "return_statement"]
                truthy = [r for r in returns if code_children(r) and text(unwrap(
                    code_children(r)[0], CASTS_AND_AWAIT)) not in _FALSY]
                if flag is not None:
                    flags = [_flag_of(r, flag[0]) for r in returns]
                    truthy = [r for r, f in zip(returns, flags) if f == flag[1]] \
                        if None not in flags else []
                kinds = FILE_PATH if kind == SEGMENT else REDIRECT_PATH
                checked = bool(truthy) and all(
                    _ARGUMENT in guarded_at(guards, r.start_byte, kinds)
                    or (kind == LOCAL and _ARGUMENT in _local(_implied(
                        code_children(r)[0], inner, {}, True, 0,
                        _Names(body, self.facts, self.patterns, False))))
                    for r in truthy)
            self._checks[key] = checked
        return self._checks[key]

    def _inside_parameters(self, func: Node) -> tuple[int | None, int] | None:
        """(the base's parameter index, or None for a value fixed in ``func``; the parameter
        index) of the ``path.relative`` containment every truthy return of ``func`` is, or
        None (computed once per function)."""
        if func.id not in self._inside:
            found: tuple[int | None, int] | None = None
            body = func.child_by_field_name("body")
            params = [_param_name(func, i) for i in range(len(parameters(func)))]
            if body is not None and not any(c.type in ("async", "*") for c in func.children) \
                    and not any(n.type == "identifier" and text(n) == "arguments"
                                for n in walk(body)):
                values = [code_children(r)[0] for r in _own_nodes(body)
                          if r.type == "return_statement" and code_children(r)] \
                    if body.type == "statement_block" else [body]
                truthy = [v for v in values if text(unwrap(v, CASTS_AND_AWAIT)) not in _FALSY]
                assigned = self._index(body)[1]
                shown: set[tuple[int | None, int]] = set()
                for value in truthy:
                    pair = _relative_inside(value, True, lambda n: self._declared(body, n))
                    if pair is None or text(pair[1]) not in params or text(pair[1]) in assigned:
                        shown.add((None, -1))
                        continue
                    base = text(pair[0])
                    if base in params:
                        shown.add((params.index(base), params.index(text(pair[1]))))
                    elif any(u.type == "identifier" and text(u) in params
                             for u in walk(pair[0])):
                        shown.add((None, -1))
                    else:
                        shown.add((None, params.index(text(pair[1]))))
                if len(shown) == 1 and (only := next(iter(shown)))[1] >= 0:
                    found = only
            self._inside[func.id] = found
        return self._inside[func.id]

    def inside_call(self, call: Node, taint: _Taint) -> frozenset[str] | None:
        """``isChildPath(base, v)`` of a function of the file, or imported from a project
        module, whose truthy returns are a ``path.relative`` containment test of its parameter
        (see ``_relative_inside``) under a base that is not request data, or the
        ``is-path-inside`` package's ``isPathInside(v, base)``, which is that test: what ``v``
        is as tested, or None."""
        if not self.follow:
            return None
        fn = call.child_by_field_name("function")
        args = call.child_by_field_name("arguments")
        items = code_children(args) if args is not None else []
        indexes: tuple[int | None, int] | None = None
        if fn is not None and fn.type == "identifier" and any(
                text(fn) in (imp.default, imp.namespace) for imp in self.facts.imports
                if imp.module == "is-path-inside"):
            indexes = (1, 0)
        func = self._function(call) if items and indexes is None else None
        if func is None and indexes is None and items and fn is not None and \
                fn.type == "identifier" and self.patterns is not None and \
                self._declared(self.root, text(fn)) is None:
            found = self.patterns(self.facts, text(fn))
            func = found if found is not None and found.type in _FUNCTION_TYPES else None
        if func is not None:
            indexes = self._inside_parameters(func)
        if indexes is None or indexes[1] >= len(items) or (
                indexes[0] is not None and (indexes[0] >= len(items)
                                            or taint.origin(items[indexes[0]]) is not None)):
            return None
        item = unwrap(items[indexes[1]], CASTS_AND_AWAIT)
        if item.type not in ("identifier", "member_expression", "subscript_expression"):
            return None
        return frozenset(taint.keys(item)) or None

    def flag_call(self, node: Node, taint: _Taint, when: bool) -> frozenset[str] | None:
        """``v.error`` (``when``: as it holds) where ``const v = check(x)`` and ``check``, a
        function of the file or imported from a project module, returns only objects with a
        literal ``error: true`` / ``error: false``, every one whose flag is ``when`` past a
        one-segment test of its parameter: what ``x`` is as tested, or None."""
        if not self.follow or node.type != "member_expression":
            return None
        obj = node.child_by_field_name("object")
        flag = text(node.child_by_field_name("property"))
        if obj is None or obj.type != "identifier":
            return None
        call = self._declared(self.body, text(obj))
        if call is None or call.type != "call_expression":
            return None
        fn = call.child_by_field_name("function")
        args = call.child_by_field_name("arguments")
        items = code_children(args) if args is not None else []
        func = self._function(call) if items else None
        facts: FileFacts | None = None
        if func is None and items and fn is not None and fn.type == "identifier" and \
                self.patterns is not None and self._declared(self.root, text(fn)) is None:
            found = self.patterns(self.facts, text(fn))
            func = found if found is not None and found.type in _FUNCTION_TYPES else None
            owner = getattr(self.patterns, "facts_of", None)
            facts = owner(func.id) if owner is not None and func is not None else None
            if func is not None and facts is None:
                return None
        return self._tested_argument(func, items, taint, SEGMENT, (flag, when), facts)

    def local_call(self, call: Node, taint: _Taint) -> frozenset[str] | None:
        """``isLocalPath(v)`` of a function of the file that returns a truthy value only where
        its parameter is a local path (see LOCAL): what ``v`` is as tested, or None."""
        return self.segment_call(call, taint, LOCAL)

    def segment_call(self, call: Node, taint: _Taint,
                     kind: str = SEGMENT) -> frozenset[str] | None:
        """``this.parseName(v)`` / ``parseName(v)`` of a function that returns a truthy value
        only where its parameter matched a one-segment pattern (every ``return`` of something
        but ``null``, ``undefined``, ``false``, ``0`` or ``''`` lies past such a test): the
        request expression ``v`` is, or None."""
        if not self.follow:
            return None
        args = call.child_by_field_name("arguments")
        items = code_children(args) if args is not None else []
        func = self._function(call) if items else None
        return self._tested_argument(func, items, taint, kind)

    def _tested_argument(self, func: Node | None, items: list[Node], taint: _Taint, kind: str,
                         flag: tuple[str, bool] | None = None,
                         facts: FileFacts | None = None) -> frozenset[str] | None:
        """The request expression of the first of ``items`` (the arguments of a call of
        ``func``) whose parameter ``func`` tests as ``_checks_parameter`` says, or None."""
        if func is None or any(c.type in ("async", "*") for c in func.children):
            return None  # a Promise (or a generator) is truthy whatever the test found
        body = func.child_by_field_name("body")
        if body is None or body.type != "statement_block":
            return None
        for index, item in enumerate(items):
            pieces = _pieces(item, taint) if unwrap(item, CASTS_AND_AWAIT).type in (
                "identifier", "member_expression", "subscript_expression") else set()
            keys = taint.keys(item) if len(pieces) == 1 else set()
            if keys and self._checks_parameter(func, body, index, kind, flag, facts):
                return frozenset(keys)
        return None


#: The origin a followed function's parameter gets, and the values a failed test returns.
_ARGUMENT = "\0argument"
_FALSY = frozenset({"null", "undefined", "false", "0", "''", '""', "``", "void 0"})


def _flag_of(statement: Node, flag: str) -> bool | None:
    """The literal ``true`` / ``false`` a ``return { flag: … }`` sets ``flag`` to, else None."""
    values = code_children(statement)
    value = unwrap(values[0], CASTS_AND_AWAIT) if values else None
    if value is None or value.type != "object":
        return None
    found = [p.child_by_field_name("value") for p in code_children(value)
             if p.type == "pair" and text(p.child_by_field_name("key")) in (flag, f"'{flag}'",
                                                                            f'"{flag}"')]
    if len(found) != 1 or found[0] is None or text(found[0]) not in ("true", "false"):
        return None
    return text(found[0]) == "true"


def _own_nodes(body: Node) -> list[Node]:
    """The nodes of a function body outside the functions nested in it."""
    found: list[Node] = []
    stack = list(reversed(body.children))
    while stack:
        node = stack.pop()
        found.append(node)
        if node.type not in _FUNCTION_TYPES:
            stack.extend(reversed(node.children))
    return found


def _validator_checks(facts: FileFacts) -> dict[str, str]:
    """Return callee text -> validator.js check (``validator.isEmail``, ``isEmail``)."""
    checks: dict[str, str] = {}
    for imp in facts.imports:
        if imp.module == _VALIDATOR_JS:
            for local in (imp.default, imp.namespace):
                if local:
                    checks.update({f"{local}.{name}": name for name in _is_checks()})
            checks.update({local: name for name, local in imp.named.items()})
        elif imp.module.startswith(_VALIDATOR_JS + "/lib/") and imp.default:
            checks[imp.default] = imp.module.rsplit("/", 1)[1]
    return checks


def _helper_string_guards(body: Node, taint: _Taint, resolve: SinkResolver) -> list[Guard]:
    """Return STRING guards for the request fields a validation helper of the project checks
    with validator.js: a statement of the handler's own block calls a helper ``resolve`` finds
    (``const { errors, isValid } = validateLoginInput(req.body)``) with a request object, and
    the helper, a plain function (an async one would only reject its promise), passes a field
    of that parameter to a validator.js function before anything in it can return or throw
    (``if (Validator.isEmpty(data.email))``, after ``data.email = !isEmpty(data.email) ?
    data.email : ''``). validator.js throws for anything but a string, so past that statement
    the field is a string or the request has failed: no MongoDB operator reaches a filter
    through it (the MERN starters' validation/ modules, mern-auth in sample 32)."""
    guards: list[Guard] = []
    for statement in body.named_children:
        call = _statement_call(statement)
        if call is None:
            continue
        fn = call.child_by_field_name("function")
        args = call.child_by_field_name("arguments")
        given = code_children(args) if args is not None else []
        origins = [taint.origin(arg) for arg in given]
        if fn is None or not any(o is not None and o.count(".") == 1 for o in origins):
            continue  # `req.body`, `req.query`: a request object, not one of its fields
        located = resolve(fn)
        if located is None:
            continue
        _, helper, helper_facts = located
        if any(child.type == "async" for child in helper.children):
            continue
        params = parameters(helper)
        fixed: set[str] = set()
        for origin, param in zip(origins, params):
            if origin is not None and origin.count(".") == 1 and param.type == "identifier":
                fixed |= {f"{origin}.{field}"
                          for field in _asserted_strings(helper, text(param), helper_facts)}
        if fixed:
            guards.append(Guard(statement.end_byte, body.end_byte, frozenset(fixed), STRING))
    return guards


def _statement_call(statement: Node) -> Node | None:
    """The call a statement makes as a whole: ``f(x);``, ``const r = f(x);``, ``const { a }
    = await f(x);``, else None."""
    value: Node | None = None
    if statement.type == "expression_statement":
        value = statement.named_children[0] if statement.named_children else None
    elif statement.type in ("lexical_declaration", "variable_declaration"):
        declarators = [c for c in statement.named_children if c.type == "variable_declarator"]
        value = declarators[0].child_by_field_name("value") if len(declarators) == 1 else None
    value = unwrap(value, CASTS_AND_AWAIT) if value is not None else None
    return value if value is not None and value.type == "call_expression" else None


def _asserted_strings(helper: Node, param: str, facts: FileFacts) -> set[str]:
    """Return the fields of parameter ``param`` that ``helper`` passes to a validator.js
    function on every call: in a statement of its own block (an expression, a declared value,
    or the test of an ``if``, negated or not) that comes before any statement holding a
    ``return`` or a ``throw``, with the parameter never assigned. Every function validator.js
    exports (``isEmpty``, ``isEmail``, ``equals``, ``trim``…) starts by asserting that its
    first argument is a string."""
    objects = {n for imp in facts.imports if imp.module == _VALIDATOR_JS
               for n in (imp.default, imp.namespace) if n}
    names = {local for imp in facts.imports if imp.module == _VALIDATOR_JS
             for local in imp.named.values()}
    names |= {imp.default for imp in facts.imports
              if imp.module.startswith(_VALIDATOR_JS + "/lib/") and imp.default}

    def validator_function(fn: Node) -> bool:
        if fn.type == "identifier":
            return text(fn) in names
        return fn.type == "member_expression" \
            and text(fn.child_by_field_name("object")) in objects
    body = helper.child_by_field_name("body")
    if not (objects or names) or body is None or body.type != "statement_block":
        return set()
    if any(n.type == "assignment_expression" and text(n.child_by_field_name("left")) == param
           for n in _own_nodes(body)):
        return set()
    fields: set[str] = set()
    for statement in body.named_children:
        if any(n.type in ("return_statement", "throw_statement") for n in _own_nodes(statement)):
            break
        if statement.type == "if_statement":
            tested = unwrap(statement.child_by_field_name("condition"), CASTS_AND_AWAIT)
            while tested is not None and tested.type == "unary_expression" \
                    and text(tested.child_by_field_name("operator")) == "!":
                tested = unwrap(tested.child_by_field_name("argument"), CASTS_AND_AWAIT)
            call = tested if tested is not None and tested.type == "call_expression" else None
        else:
            call = _statement_call(statement)
        fn = call.child_by_field_name("function") if call is not None else None
        args = call.child_by_field_name("arguments") if call is not None else None
        given = code_children(args) if args is not None else []
        if fn is None or not validator_function(fn) or not given:
            continue
        first = unwrap(given[0], CASTS_AND_AWAIT)
        if first.type == "member_expression" \
                and text(first.child_by_field_name("object")) == param:
            fields.add(text(first.child_by_field_name("property")))
    return fields


def find_guards(body: Node, taint: _Taint, facts: FileFacts,
                patterns: PatternResolver | None = None, follow: bool = True) -> list[Guard]:
    """Return the guards of a function body (see above; ``patterns``: the regex literal a
    name imported into the file stands for; ``follow``: look into the file's functions a
    condition calls)."""
    tests = b"if" in (body.text or b"") or b"?" in (body.text or b"")
    if not tests and b"=" not in (body.text or b""):
        return []
    checks = _validator_checks(facts)
    guards: list[Guard] = []
    names = _Names(body, facts, patterns, follow)
    if not tests and not any(n.encode() in (body.text or b"")
                             for part in names.packages() for n in part):
        return []

    def add(start: int, end: int, facts_: _Facts) -> None:
        for kind in (MEMBER, STRING, SEGMENT, INSIDE):
            origins = frozenset(o for o, k in facts_ if k == kind)
            if origins:
                guards.append(Guard(start, end, origins, kind))
        local = _local(facts_)
        if local:
            guards.append(Guard(start, end, local, LOCAL))

    for node in walk(body):
        if node.type == "expression_statement":
            cleaned = _cleaned_in_place(node, taint, names.packages())
            if cleaned is not None:
                guards.append(cleaned)
            continue
        if node.type == "ternary_expression":
            # `test ? v : fallback`: each arm holds where the test is true, or false.
            condition = node.child_by_field_name("condition")
            for arm, when in ((node.child_by_field_name("consequence"), True),
                              (node.child_by_field_name("alternative"), False)):
                if arm is not None:
                    add(arm.start_byte, arm.end_byte,
                        _implied(condition, taint, checks, when, 0, names))
            continue
        if node.type != "if_statement":
            continue
        condition = node.child_by_field_name("condition")
        consequence = node.child_by_field_name("consequence")
        alternative = node.child_by_field_name("alternative")
        if consequence is not None:
            add(consequence.start_byte, consequence.end_byte,
                _implied(condition, taint, checks, True, 0, names))
        otherwise = _implied(condition, taint, checks, False, 0, names)
        if not otherwise:
            continue
        if alternative is not None:
            add(alternative.start_byte, alternative.end_byte, otherwise)
        elif _ends(consequence) and node.parent is not None and \
                node.parent.type in ("statement_block", "program"):
            add(node.end_byte, node.parent.end_byte, otherwise)  # the rest of the block
    return guards


#: The guards each use counts: a list membership fixes any value; a sink that only needs a
#: plain value (a MongoDB filter) also takes a string check, a file path one path segment.
ANY_SINK = frozenset({MEMBER})
#: ...and a target res.redirect() or res.location() encodes, a local path (LOCAL).
REDIRECT_PATH = frozenset({MEMBER, LOCAL})
PLAIN_VALUE = frozenset({MEMBER, STRING})
FILE_PATH = frozenset({MEMBER, SEGMENT})


def _local(facts_: _Facts) -> frozenset[str]:
    """The keys a condition proves a local path: LOCAL, or both SLASH and SINGLE."""
    return frozenset(o for o, k in facts_ if k == LOCAL or (
        k == SLASH and (o, SINGLE) in facts_ and (o, NOBACK) in facts_))


def guarded_at(guards: list[Guard], at: int, kinds: frozenset[str] = ANY_SINK) -> set[str]:
    """Return the request expressions the guards of ``kinds`` fix at byte ``at``."""
    return {o for g in guards if g.start <= at < g.end and g.kind in kinds for o in g.origins}


def _module_names(facts: FileFacts, modules: tuple[str, ...]) -> tuple[set[str], dict[str, str]]:
    """Return (namespace/default locals, named local -> imported name) for ``modules``
    (``const exec = require('child_process').exec`` is a named import in the facts)."""
    whole: set[str] = set()
    named: dict[str, str] = {}
    for imp in facts.imports:
        if imp.module in modules:
            whole |= {n for n in (imp.default, imp.namespace) if n}
            named.update({local: name for name, local in imp.named.items()})
    return whole, named


def _callee(fn: Node, whole: set[str], named: dict[str, str]) -> str | None:
    """Return the module function a callee names (``cp.exec`` / ``exec`` → ``exec``)."""
    if fn.type == "identifier":
        return named.get(text(fn))
    if fn.type == "member_expression":
        obj = text(fn.child_by_field_name("object"))
        head = obj.split(".")[0]
        if head in whole or obj.startswith("require("):
            return text(fn.child_by_field_name("property"))
    return None


def _option(args: list[Node], key: str) -> Node | None:
    for arg in args:
        if arg.type != "object":
            continue
        for pair in code_children(arg):
            if pair.type == "pair" and (string_value(pair.child_by_field_name("key"))
                                        or text(pair.child_by_field_name("key"))) == key:
                return pair.child_by_field_name("value")
    return None


def _requires(node: Node, modules: tuple[str, ...]) -> bool:
    """``require('child_process').exec`` style callees."""
    if node.type != "call_expression" or text(node.child_by_field_name("function")) != "require":
        return False
    args = node.child_by_field_name("arguments")
    first = code_children(args)[0] if args is not None and code_children(args) else None
    return string_value(first) in modules


# --- library sinks: a request value handed to a package known to be dangerous with it ---------
#
# Each is found by the import the callee resolves to (``const axios = require('axios')``,
# ``import { execaCommand } from 'execa'``), never by the callee's name alone; ``fetch``,
# ``require`` and ``import()`` are globals.

_HTTP_CLIENTS = ("axios", "node-fetch", "cross-fetch", "isomorphic-fetch", "undici", "got",
                 "request", "request-promise", "request-promise-native", "superagent", "needle",
                 "http", "https", "node:http", "node:https", "phin", "make-fetch-happen",
                 "follow-redirects", "ky")
_HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "del", "head", "options",
                           "request", "fetch", "stream", "getUri"})
_HTTP_VERB_RE = lazy_pattern(r"(?i)^(?:get|post|put|patch|delete|head|options)$")
_URL_KEYS = ("url", "uri", "baseURL", "baseUrl", "prefixUrl", "href")
_HOST_KEYS = ("host", "hostname")
_TEMPLATES = {
    "ejs": {"render", "compile"}, "pug": {"render", "compile", "compileClient"},
    "jade": {"render", "compile"}, "handlebars": {"compile", "precompile"},
    "nunjucks": {"renderString", "compile"}, "lodash": {"template"}, "lodash-es": {"template"},
    "underscore": {"template"}, "lodash.template": {""}, "dot": {"template", "compile"},
    "eta": {"renderString", "compile"}, "squirrelly": {"render", "compile"},
}
_EXECA_COMMAND = frozenset({"command", "commandSync", "execaCommand", "execaCommandSync"})
_EXECA_FILE = frozenset({"", "sync", "execa", "execaSync"})
_SHELLS = frozenset({"sh", "bash", "zsh", "/bin/sh", "/bin/bash", "cmd", "cmd.exe",
                     "powershell", "pwsh"})
_SHELLJS_FILES = frozenset({"cat", "head", "tail", "rm", "cp", "mv", "ls", "sed", "grep", "cd",
                            "mkdir", "touch", "chmod", "find", "ln", "sort", "uniq"})
_SQL_DRIVERS = ("pg", "pg-pool", "pg-promise", "mysql", "mysql2", "mysql2/promise", "sqlite3",
                "sqlite", "better-sqlite3", "mssql", "oracledb", "postgres", "knex", "sequelize",
                "@sequelize/core")
_SQL_RUN = frozenset({"query", "execute", "run", "get", "all", "each", "exec", "prepare", "one",
                      "oneOrNone", "many", "manyOrNone", "any", "none", "result", "unsafe"})
_RAW_METHODS = frozenset({"raw", "whereRaw", "orWhereRaw", "andWhereRaw", "whereNotRaw",
                          "havingRaw", "orHavingRaw", "orderByRaw", "groupByRaw", "joinRaw",
                          "fromRaw", "literal"})
_MERGES = {  # module -> (methods, "path" for a key path in the second argument, else sources)
    # Only calls that write into their first argument: deepmerge and merge-deep return a new
    # object (and skip __proto__), so they overwrite nothing that lives on.
    "lodash": ({"merge", "mergeWith", "defaultsDeep"}, {"set", "setWith"}),
    "lodash-es": ({"merge", "mergeWith", "defaultsDeep"}, {"set", "setWith"}),
    "lodash.merge": ({""}, set()), "lodash.mergewith": ({""}, set()),
    "lodash.defaultsdeep": ({""}, set()), "lodash.set": (set(), {""}),
    "lodash.setwith": (set(), {""}),
    "merge": ({"", "recursive"}, set()), "deep-extend": ({""}, set()),
    "mixin-deep": ({""}, set()), "defaults-deep": ({""}, set()),
    "dot-prop": (set(), {"set", "setProperty"}), "set-value": (set(), {""}),
    "object-path": (set(), {"set", "push", "insert", "ensureExists"}),
}
_NOSQL_GROUPS = frozenset({"$or", "$and", "$nor"})


def _lib(fn: Node, facts: FileFacts, modules: tuple[str, ...]) -> str | None:
    """Return the export of ``modules`` that callee ``fn`` calls: ``""`` for the default
    export itself (``axios(x)``, ``require('got')(x)``), the method for ``axios.get``, the
    imported name for a named import; None when ``fn`` is none of theirs."""
    whole, named = _module_names(facts, modules)
    if fn.type == "identifier":
        if text(fn) in whole:
            return ""
        export = named.get(text(fn))
        # `const fetch = require('node-fetch').default`: the default export itself
        return "" if export == "default" else export
    if fn.type == "call_expression" and _requires(fn, modules):
        return ""
    if fn.type == "member_expression":
        obj = fn.child_by_field_name("object")
        if obj is not None and (text(obj) in whole or _requires(obj, modules)):
            return text(fn.child_by_field_name("property"))
        if obj is not None and obj.type == "member_expression" and \
                text(obj.child_by_field_name("object")) in whole and \
                text(obj.child_by_field_name("property")) == "default":
            return text(fn.child_by_field_name("property"))
    return None


def _object_value(args: list[Node], keys: tuple[str, ...]) -> Node | None:
    return next((v for key in keys if (v := _option(args[:1], key)) is not None), None)


_LAST_PROGRAM: list[tuple[Node, str]] = []


def _program_text(node: Node) -> str:
    """The text of ``node``'s whole file, read once for the calls of one file in a row."""
    program = _program(node)
    if _LAST_PROGRAM and _LAST_PROGRAM[0][0] == program:
        return _LAST_PROGRAM[0][1]
    _LAST_PROGRAM[:] = [(program, text(program))]
    return _LAST_PROGRAM[0][1]


def _program(node: Node) -> Node:
    while node.parent is not None:
        node = node.parent
    return node


def _bound_to(name: str, program: Node, facts: FileFacts, modules: tuple[str, ...]) -> bool:
    """``name`` is an import of ``modules`` or bound in the file to a value made by one
    (``const pool = new Pool()``, ``db = new sqlite3.Database(…)``, ``conn =
    mysql.createConnection(…)``, ``const knex = require('knex')(…)``)."""
    whole, named = _module_names(facts, modules)
    if name in whole or name in named:
        return True
    if not whole and not named and not any(imp.module in modules for imp in facts.imports):
        return False  # the file imports none of them (also keeps this linear)
    source = _program_text(program)
    for made in re.finditer(rf"(?<![\w$.]){re.escape(name)}\s*=\s*(?:await\s+)?(?:new\s+)?"
                            r"([\w$]+)(?:\s*\(\s*['\"]([^'\"]+)['\"])?", source):
        head, module = made.group(1), made.group(2)
        if head in whole or head in named or (head == "require" and module in modules):
            return True
    return False


def _local_object(name: Node, body: Node) -> Node | None:
    """The object literal a name is bound to once in ``body`` (``const opts = { … }``)."""
    if name.type != "identifier":
        return None
    found = [n for n in walk(body) if n.type == "variable_declarator"
             and text(n.child_by_field_name("name")) == text(name)]
    value = found[0].child_by_field_name("value") if len(found) == 1 else None
    return value if value is not None and value.type == "object" else None


def _mongo_values(filter_: Node, depth: int = 0) -> list[tuple[Node, Node]]:
    """(pair, value) of a MongoDB filter object, also inside ``$or``/``$and``/``$nor``
    arrays (``find({ $or: [{ name }] })``)."""
    out: list[tuple[Node, Node]] = []
    if depth > 4:
        return out
    for pair in code_children(filter_):
        if pair.type == "shorthand_property_identifier":
            out.append((pair, pair))
            continue
        if pair.type != "pair":
            continue
        key = pair.child_by_field_name("key")
        value = pair.child_by_field_name("value")
        if value is None:
            continue
        if (string_value(key) or text(key)) in _NOSQL_GROUPS and value.type == "array":
            for item in code_children(value):
                if item.type == "object":
                    out.extend(_mongo_values(item, depth + 1))
            continue
        out.append((pair, value))
    return out


def _module_object(target: Node, body: Node, taint: _Taint) -> bool:
    """``target`` is an object of the module, one the handler neither makes nor receives
    (``config``, ``settings.limits``, not a local, a parameter, ``this`` or a literal)."""
    owner = re.match(r"[\w$]+", text(target))
    if owner is None or target.type not in ("identifier", "member_expression") or \
            owner.group() == "this" or taint.origin(target) is not None:
        return False
    name = re.escape(owner.group())
    if re.search(rf"(?:const|let|var)\s+(?:[^;=]*[\s,{{\[])?{name}\b", text(body)):
        return False
    inner = target.parent
    while inner is not None and inner != body:
        # A parameter of a callback inside the handler: a document it loaded, `(err, user)`.
        if inner.type in ("arrow_function", "function_expression", "function") and any(
                re.search(rf"(?<![\w$]){name}(?![\w$])", text(p)) for p in (
                    inner.child_by_field_name("parameters"),
                    inner.child_by_field_name("parameter")) if p is not None):
            return False
        inner = inner.parent
    func = body.parent
    params = func.child_by_field_name("parameters") if func is not None else None
    single = func.child_by_field_name("parameter") if func is not None else None
    return not (params is not None and re.search(rf"(?<![\w$]){name}(?![\w$])", text(params))) \
        and not (single is not None and text(single) == owner.group())


def _prepared(receiver: Node | None) -> bool:
    """``receiver`` is a prepared statement: its chain calls ``.prepare(`` (``db.prepare(
    sql).get``) or it is a name bound once in the file to such a call (``const stmt =
    db.prepare(sql)``)."""
    if receiver is None:
        return False
    if re.search(r"\.\s*prepare\s*\(", text(receiver)):
        return True
    if receiver.type != "identifier":
        return False
    name = re.escape(text(receiver))
    bound = re.findall(rf"(?<![\w$.]){name}\s*=(?!=)\s*(?:await\s+)?([^;\n]*)",
                       _program_text(receiver))
    return bool(bound) and all(re.match(r"[\w$.]+\.\s*prepare\s*\(", b) for b in bound)


_SCHEME_RE = lazy_pattern(r"^[A-Za-z][\w+.-]*://")


def _url_pieces(node: Node) -> list[Node | str]:
    """The pieces of a URL built by ``+`` or a template, in order: literal text as str,
    other values as nodes (``${API}/x/${id}`` -> [API, '/x/', id])."""
    node = unwrap(node, CASTS_AND_AWAIT)
    if node.type == "binary_expression" and text(node.child_by_field_name("operator")) == "+":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is not None and right is not None:
            return _url_pieces(left) + _url_pieces(right)
    if node.type == "string":
        return [string_value(node) or ""]
    if node.type == "template_string":
        out: list[Node | str] = []
        pos = node.start_byte + 1
        raw = node.text or b""
        for sub in (c for c in node.named_children if c.type == "template_substitution"):
            out.append(raw[pos - node.start_byte:sub.start_byte - node.start_byte].decode(
                "utf-8", "replace"))
            inner = code_children(sub)
            if inner:
                out.append(inner[0])
            pos = sub.end_byte
        out.append(raw[pos - node.start_byte:-1].decode("utf-8", "replace"))
        return [p for p in out if p != ""]
    return [node]


def _bound_once(name: Node, body: Node) -> Node | None:
    """The value a local is given once in ``body`` and never reassigned."""
    found = [n for n in walk(body) if n.type == "variable_declarator"
             and text(n.child_by_field_name("name")) == text(name)]
    if len(found) != 1 or re.search(rf"(?<![\w$.]){re.escape(text(name))}\s*(?:\+=|=(?![=>]))",
                                    text(body).replace(text(found[0]), "", 1)):
        return None
    return found[0].child_by_field_name("value")


def _origin_fixed(node: Node, taint: _Taint, body: Node, depth: int = 0,
                  listed: Callable[[Node], bool] | None = None) -> bool:
    """SSRF: True when the request does not decide where an outgoing request goes. Only a
    URL that is request data as a whole, or whose text starts with request data (or with a
    bare scheme followed by request data: ``'http://' + host``), chooses the origin; a URL
    that starts with a literal host (``'https://api.example.com/' + id``), a relative path,
    or a constant/config value (``${API}/items/${id}``, ``ITEMS + id``) does not, nor one that
    starts with request data a test keeps to a known list where the request is sent
    (``listed``: ``if (bases.indexOf(base) < 0) throw …``, then `${base}/apps/${name}`)."""
    node = unwrap(node, CASTS_AND_AWAIT)
    if node.type == "identifier" and depth < 3:
        value = _bound_once(node, body)
        return value is not None and value.type in (
            "string", "template_string", "binary_expression") and \
            _origin_fixed(value, taint, body, depth + 1, listed)
    pieces = _url_pieces(node)
    if len(pieces) < 2 and not isinstance(pieces[0], str):
        return False  # one value: the whole URL
    head = ""
    for piece in pieces:
        if isinstance(piece, str):
            head += piece
            continue
        if not head and (taint.origin(piece) is None or (listed is not None
                                                         and listed(piece))):
            return True  # a constant, configured or listed base: `${API}/…`, `ITEMS + id`
        if head.startswith("//") or not head:
            return False  # the request value starts the URL (or its host)
        scheme = _SCHEME_RE.match(head)
        if scheme is None:
            return True  # a relative path
        if re.search(r"[/?#]", head[scheme.end():]):
            return True  # the host is written out
        if taint.origin(piece) is not None:
            return False  # `'http://' + host`, `https://example.com${x}` (`@evil`)
        head += "x"  # `http://${USERS_HOST}:${PORT}/…`: a configured host
    return True


_STRING_METHODS = frozenset({"toString", "toLowerCase", "toUpperCase", "trim", "trimStart",
                             "trimEnd", "join", "slice", "substring", "substr", "replace",
                             "replaceAll", "padStart", "padEnd", "normalize", "concat",
                             "toLocaleLowerCase", "toLocaleUpperCase", "readFileSync"})


def _string_item(name: Node) -> bool:
    """``name`` is the item parameter of an array method's callback over strings:
    ``names.filter((n) => …)`` with ``names = ['a', 'b']`` or ``Object.keys(x)``."""
    func = name.parent
    while func is not None and func.type not in ("arrow_function", "function_expression"):
        func = func.parent
    if func is None or func.parent is None or func.parent.type != "arguments":
        return False
    params = func.child_by_field_name("parameters") or func.child_by_field_name("parameter")
    first_name = re.match(r"\(?\s*([\w$]+)", text(params)) if params is not None else None
    call = func.parent.parent
    fn = call.child_by_field_name("function") if call is not None else None
    if first_name is None or first_name.group(1) != text(name) or fn is None or \
            fn.type != "member_expression":
        return False
    receiver = unwrap(fn.child_by_field_name("object") or fn, CASTS_AND_AWAIT)
    if receiver.type == "identifier":
        listed = re.search(rf"(?:const|let|var)\s+{re.escape(text(receiver))}\s*=\s*"
                           r"\[\s*((?:(?:'[^'\n]*'|\"[^\"\n]*\")\s*,?\s*)+)\]",
                           _program_text(receiver))
        return listed is not None
    if receiver.type == "array":
        items = code_children(receiver)
        return bool(items) and all(i.type in ("string", "template_string") for i in items)
    return receiver.type == "call_expression" and text(
        receiver.child_by_field_name("function")) == "Object.keys"


def _stringish(obj: Node | None, taint: _Taint, body: Node, depth: int = 0) -> bool:
    """``obj`` is known to be a string (the receiver of ``.match(x)``): a string literal or
    template, a request value, ``String(x)`` or a string method's result, or a local bound
    once to one of them. An instance made with ``new`` (UrlPattern, Minimatch) or a value
    of unknown kind is not: its ``match()`` is its own."""
    if obj is None:
        return False
    obj = unwrap(obj, CASTS_AND_AWAIT)
    if obj.type in ("string", "template_string"):
        return True
    if obj.type == "binary_expression" and text(obj.child_by_field_name("operator")) == "+":
        return any(_stringish(c, taint, body, depth) for c in (
            obj.child_by_field_name("left"), obj.child_by_field_name("right")))
    if obj.type == "call_expression":
        fn = obj.child_by_field_name("function")
        return fn is not None and (text(fn) == "String" or (
            fn.type == "member_expression"
            and text(fn.child_by_field_name("property")) in _STRING_METHODS))
    if obj.type in ("member_expression", "subscript_expression", "identifier") and \
            taint.origin(obj) is not None and taint.is_direct(obj):
        return True
    if obj.type == "identifier" and _string_item(obj):
        return True
    if obj.type == "identifier" and depth < 2:
        value = _bound_once(obj, body)
        return value is not None and value.type != "new_expression" and \
            _stringish(value, taint, body, depth + 1)
    return False


def _not_a_collection(receiver: Node | None, facts: FileFacts, taint: _Taint,
                      layers: DataLayers | None) -> bool:
    """The receiver of a ``find()`` is known not to be a MongoDB model or collection: request
    data or an array literal (``Array.prototype.find``), or a name that another package's
    import makes (lodash ``_``, cheerio's ``$``) and no MongoDB layer is known for."""
    if receiver is None:
        return False
    receiver = unwrap(receiver, CASTS_AND_AWAIT)
    if taint.origin(receiver) is not None or receiver.type == "array":
        return True
    if receiver.type == "identifier" and re.search(
            rf"(?:const|let|var)\s+{re.escape(text(receiver))}\s*=\s*\[",
            _program_text(receiver)):
        return True
    root = re.match(r"[\w$]+", text(receiver))
    others = tuple(imp.module for imp in facts.imports if not imp.module.startswith(".")
                   and "mongo" not in imp.module and imp.module != "monk")
    return root is not None and bool(others) and \
        _bound_to(root.group(), _program(receiver), facts, others) and \
        (layers is None or "mongo" not in layers.of_value(receiver, guess=False))


def _library_sink(node: Node, fn: Node, args: list[Node], facts: FileFacts, taint: _Taint,
                  body: Node, add: Callable[[str, Node, Node | None, str], bool],
                  unsafe_yaml: bool = False,
                  listed: Callable[[Node], bool] | None = None) -> bool:
    """Report a request value handed to a package known to be dangerous with it (an HTTP
    client's URL, a template compiler, execa/shelljs, vm2, raw SQL, a deep merge, an implicit
    regular expression); return True when ``node`` was such a call."""
    first = args[0] if args else None
    label = f"{text(fn)}()"
    # SSRF: the URL (or host) of an outgoing request.
    client = _lib(fn, facts, _HTTP_CLIENTS)
    if client is None and text(fn) == "fetch" and not any(
            "fetch" in imp.locals() for imp in facts.imports) and not re.search(
            r"(?:function\s+fetch\b|(?<![\w$.])fetch\s*=[^=])", text(_program(fn))):
        client = ""  # the global fetch()
    if client is not None:
        if client not in _HTTP_METHODS and client != "":
            return False
        target = first
        if len(args) > 1 and _HTTP_VERB_RE.match(string_value(first) or ""):
            target = args[1]  # `needle('get', url)`, `superagent('GET', url)`
        if target is not None and target.type == "object":
            url = _object_value([target], _URL_KEYS)
            host = _object_value([target], _HOST_KEYS)
            if url is not None:
                if not _origin_fixed(url, taint, body, listed=listed):
                    add("ssrf", node, url, label)
            elif host is not None:
                add("ssrf", node, host, f"the host of {label}")
            elif taint.is_whole(target):
                add("ssrf", node, target, f"{label} as its whole options")
        elif target is not None and not _origin_fixed(target, taint, body, listed=listed) \
                and not (
                _lib(fn, facts, ("got",)) is not None and
                _object_value(args[1:2], ("prefixUrl",)) is not None):
            add("ssrf", node, target, label)
        return True
    # Template injection: request data compiled as a template.
    for module, methods in _TEMPLATES.items():
        used = _lib(fn, facts, (module,))
        if used is not None and used in methods:
            add("template-injection", node, first, f"{label} as the template source")
            return True
    # Code: require()/import() of a request value, vm2, safe-eval, js-yaml 3's load.
    if text(fn) in ("require", "import") and first is not None:
        return add("code-eval", node, first, f"{text(fn)}() as a module name")
    if fn.type == "member_expression" and text(fn.child_by_field_name("property")) == "run":
        obj = fn.child_by_field_name("object")
        made = obj.child_by_field_name("constructor") if obj is not None and \
            obj.type == "new_expression" else None
        if (made is not None and _lib(made, facts, ("vm2",)) in ("VM", "NodeVM")) or (
                obj is not None and obj.type == "identifier"
                and _bound_to(text(obj), _program(fn), facts, ("vm2",))):
            add("code-eval", node, first, label)
            return True
    if _lib(fn, facts, ("safe-eval", "static-eval", "notevil")) == "":
        add("code-eval", node, first, label)
        return True
    schema = _object_value(args[1:2], ("schema",)) if len(args) > 1 else None
    if unsafe_yaml and _lib(fn, facts, ("js-yaml",)) in ("load", "loadAll") and (
            schema is None or "FULL" in text(schema)):  # an explicit safe schema
        add("code-eval", node, first, f"{label} (js-yaml 3 builds functions from "
                                      f"!!js/function tags)")
        return True
    # Commands: execa, shelljs; files: shelljs, send, rimraf.
    execa = _lib(fn, facts, ("execa",))
    if execa in _EXECA_COMMAND:
        add("shell", node, first, label)
        return True
    if execa in _EXECA_FILE and first is not None:
        if not add("shell", node, first, f"{label} as the program") and \
                (string_value(first) or "") in _SHELLS and len(args) > 1 and \
                args[1].type == "array" and "'-c'" in text(args[1]).replace('"', "'"):
            for item in code_children(args[1]):
                if add("shell", node, item, f"{label} with a shell -c"):
                    break
        return True
    shell = _lib(fn, facts, ("shelljs",))
    if shell == "exec":
        add("shell", node, first, label)
        return True
    if shell in _SHELLJS_FILES:
        files = args
        if shell in ("sed", "grep"):  # sed([options,] search, replacement, files…),
            # grep([options,] pattern, files…): only the files are paths
            skip = 1 if args and (string_value(args[0]) or "").startswith("-") else 0
            files = args[skip + (2 if shell == "sed" else 1):]
        for arg in files:
            if add("path-traversal", node, arg, label):
                break
        return True
    if _lib(fn, facts, ("send",)) == "" and len(args) > 1:
        options = unwrap(args[2], CASTS_AND_AWAIT) if len(args) > 2 else None
        if options is None or (options.type == "object" and not any(
                c.type in ("spread_element", "shorthand_property_identifier")
                or text(c.child_by_field_name("key")).strip("'\"") == "root"
                for c in code_children(options))):
            # Options that have (or, a local or a spread, may have) a root keep the path in it.
            add("path-traversal", node, args[1], label)
        return True
    if _lib(fn, facts, ("rimraf",)) in ("", "sync", "rimraf", "rimrafSync", "native"):
        add("path-traversal", node, first, label)
        return True
    # Raw SQL: the request value is the statement or a raw fragment itself (a value joined into
    # SQL text is reported as SQL text already).
    if fn.type == "member_expression" and first is not None and (
            taint.is_direct(first) or unwrap(first, CASTS_AND_AWAIT).type in (
                "member_expression", "subscript_expression")):
        method = text(fn.child_by_field_name("property"))
        receiver = fn.child_by_field_name("object")
        root = re.match(r"[\w$]+", text(receiver))
        if method in _SQL_RUN and method != "prepare" and _prepared(receiver):
            # better-sqlite3/sqlite3 `db.prepare('… ?').get(x)`: a prepared statement binds
            # its arguments; only the statement text given to prepare() is SQL.
            return True
        if root is not None and (method in _RAW_METHODS or method in _SQL_RUN) and \
                taint.origin(first) is not None and \
                _bound_to(root.group(), _program(fn), facts, _SQL_DRIVERS) and \
                add("raw-sql", node, first, label):
            return True
    # Deep merges and key-path writes into an existing object.
    for module, (merges, paths) in _MERGES.items():
        used = _lib(fn, facts, (module,))
        if used is None or (used not in merges and used not in paths):
            continue
        if not args or not _module_object(args[0], body, taint):
            # Into an object the handler makes (a fresh {}, a document it loaded, a copy of
            # the settings): current lodash, deepmerge and dot-prop skip __proto__, so only a
            # long-lived object of the module is overwritten.
            return True
        if used in paths:
            key = args[1] if len(args) > 1 else None
            add("prototype-pollution", node, key, f"{label} as a key path")
        else:
            for arg in args[1:]:
                if add("prototype-pollution", node, arg, label):
                    break
        return True
    if text(fn) == "Object.assign" and len(args) > 1:
        if _module_object(args[0], body, taint):
            for arg in args[1:]:
                if add("prototype-pollution", node, arg,
                       f"{label} into {text(args[0])}, an object of the module"):
                    return True
        return False
    # An implicit regular expression: String.prototype.match/matchAll/search(x).
    if fn.type == "member_expression" and len(args) == 1 and first is not None and \
            first.type != "regex":
        method = text(fn.child_by_field_name("property"))
        obj = fn.child_by_field_name("object")
        root = re.match(r"[\w$]+", text(obj)) if obj is not None else None
        library = root is not None and any(root.group() in imp.locals() for imp in facts.imports)
        compared = node.parent is not None and node.parent.type == "binary_expression" and \
            any(c.type in ("number", "unary_expression") for c in code_children(node.parent))
        if not library and (method in ("match", "matchAll") or (
                method == "search" and compared)) and _stringish(obj, taint, body):
            return add("regex-injection", node, first,
                       f"{label}, which compiles a string argument")
    if _lib(fn, facts, ("minimatch",)) in ("", "minimatch") and len(args) > 1:
        return add("regex-injection", node, args[1], f"the pattern of {label}")
    if _lib(fn, facts, ("validator",)) == "matches" and len(args) > 1:
        return add("regex-injection", node, args[1], label)
    return False


#: ``resolve(callee) -> (file, helper function, its facts)`` for one level into helpers.
SinkResolver = Callable[[Node], "tuple[str, Node, FileFacts] | None"]


# --- a schema that only types a field does not keep it to one file name ----------------------
#
# ``const params = schema.parse(req.params)`` (zod ``parse``/``parseAsync``, Joi
# ``validateAsync``, ``Joi.attempt(req.params, schema)``) returns the request's values, checked.
# Elsewhere the rule takes such a value as validated (its type is known); a file path needs
# more: ``z.string()`` passes ``../../etc/passwd``. So for path-traversal only, a field of an
# object schema the file declares (``z.object({ name: z.string() })``) still carries the request
# value unless its schema keeps its characters to a name: an enum or literal, a number or a
# boolean, a uuid/cuid/ulid, ``alphanum()``, or a ``regex()``/``pattern()`` whose every match is
# one path segment (``_segment_pattern``). A schema the file does not declare, a field it does
# not name, or a transform or refinement in the field's chain count as before (not reported).

_SCHEMA_PARSE = frozenset({"parse", "parseAsync", "validateAsync"})
#: Zod or Joi chains that keep a value to a name (the base or a step of the chain).
_CONFINING_RE = lazy_pattern(
    r"^(?:z|Joi)\s*\.\s*(?:enum|nativeEnum|literal|number|boolean|bigint|date|coerce\s*\."
    r"\s*(?:number|boolean|bigint|date))\s*\(|\.\s*(?:uuid|guid|cuid2?|ulid|alphanum|valid|"
    r"allow_only|integer|int)\s*\(")
#: Steps after which the chain proves nothing the rule reads (the value may be replaced).
_UNREAD_STEPS_RE = lazy_pattern(r"\.\s*(?:transform|preprocess|catch|custom|or|refine|"
                                r"superRefine|pipe|default)\s*\(")


def _object_schema(name: str, near: Node) -> dict[str, Node] | None:
    """The fields of the object schema ``name`` is declared once as in ``near``'s file
    (``z.object({...})``, ``Joi.object({...})``, ``Joi.object().keys({...})``, chains such as
    ``.strict()`` after it), or None."""
    found = _declarations(_program(near), name)
    if len(found) != 1 or found[0].type != "variable_declarator":
        return None
    value = unwrap(found[0].child_by_field_name("value"), CASTS_AND_AWAIT)
    while value is not None and value.type == "call_expression":
        fn = value.child_by_field_name("function")
        args = value.child_by_field_name("arguments")
        items = code_children(args) if args is not None else []
        if fn is not None and text(fn).replace(" ", "") in ("z.object", "Joi.object") or \
                fn is not None and fn.type == "member_expression" and \
                text(fn.child_by_field_name("property")) == "keys" and \
                text(fn.child_by_field_name("object")).replace(" ", "") == "Joi.object()":
            if len(items) != 1 or items[0].type != "object":
                return None
            fields: dict[str, Node] = {}
            for pair in code_children(items[0]):
                if pair.type != "pair":
                    return None
                key = pair.child_by_field_name("key")
                field = pair.child_by_field_name("value")
                if key is None or field is None:
                    return None
                fields[string_value(key) or text(key)] = field
            return fields
        value = fn.child_by_field_name("object") if fn is not None and \
            fn.type == "member_expression" else None
        value = unwrap(value, CASTS_AND_AWAIT) if value is not None else None
    return None


def _confines(field: Node) -> bool:
    """A field schema keeps its value to a name, or is read as before (see above)."""
    chain = text(field)
    if _UNREAD_STEPS_RE.search(chain) or _CONFINING_RE.search(chain):
        return True
    for node in walk(field):
        if node.type == "call_expression":
            fn = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            items = code_children(args) if args is not None else []
            if fn is not None and fn.type == "member_expression" and \
                    text(fn.child_by_field_name("property")) in ("regex", "pattern") and \
                    items and items[0].type == "regex" and _segment_pattern(
                        text(items[0].child_by_field_name("pattern")),
                        text(items[0].child_by_field_name("flags"))):
                return True
    return not re.match(r"^(?:z|Joi)\s*\.\s*string\s*\(", chain)


class _ParsedTaint(_Taint):
    """A handler's taint where the values an object schema returns carry the request part
    they came from (for the file sinks only, see above)."""

    def __init__(self, req: str, body: Node, parsed: dict[int, str],
                 loose: dict[str, set[str]], pattern: Node | None = None,
                 parts: tuple[str, ...] = SOURCES) -> None:
        self.parsed = parsed  # the schema call's node id -> the request part it checks
        self.loose = loose  # the request part -> the fields its schema only types
        super().__init__(req, body, pattern, parts)

    def _origin(self, node: Node | None, skip: Callable[[str], bool] | None) -> str | None:
        inner = unwrap(node, CASTS_AND_AWAIT) if node is not None else None
        if inner is not None and inner.id in self.parsed:
            return self.parsed[inner.id]
        found = super()._origin(node, skip)
        part, _, rest = (found or "").partition(".")[2].partition(".")
        if found is not None and rest and f"req.{part}" in self.loose and \
                re.split(r"[.\[]", rest)[0] not in self.loose[f"req.{part}"]:
            return None  # a field its schema keeps to a name
        return found


def _schema_parses(body: Node, taint: _Taint) -> tuple[dict[int, str], dict[str, set[str]]]:
    """The schema calls of ``body`` (see above): call node id -> the request part, and for
    each part the fields a schema leaves loose for a file path."""
    parsed: dict[int, str] = {}
    loose: dict[str, set[str]] = {}
    if b"parse" not in (body.text or b"") and b"validateAsync" not in (body.text or b"") and \
            b"attempt" not in (body.text or b""):
        return parsed, loose
    for node in walk(body):
        if node.type != "call_expression":
            continue
        fn = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        items = code_children(args) if args is not None else []
        if fn is None or fn.type != "member_expression" or not items:
            continue
        method = text(fn.child_by_field_name("property"))
        schema, value = fn.child_by_field_name("object"), items[0]
        if method == "attempt" and text(schema) == "Joi" and len(items) > 1:
            schema = items[1]
        elif method not in _SCHEMA_PARSE:
            continue
        origin = taint.origin(value)
        if origin is None or origin.count(".") != 1 or not taint.is_whole(value) and \
                origin != f"req.{text(value).rsplit('.', 1)[-1]}":
            continue
        fields = _object_schema(text(schema), node) if schema is not None and \
            schema.type == "identifier" else None
        if fields is None:
            continue
        parsed[node.id] = origin
        loose.setdefault(origin, set()).update(
            name for name, field in fields.items() if not _confines(field))
    return parsed, loose


def find_sinks(func: Node, facts: FileFacts, resolve: SinkResolver | None = None,
               mongo: bool = False, pinned: Callable[[Sink], bool] | None = None,
               parts: tuple[str, ...] = SOURCES, layers: DataLayers | None = None,
               patterns: PatternResolver | None = None,
               unsafe_yaml: bool = False, segments: frozenset[str] = frozenset()
               ) -> list[Sink]:
    """Return the dangerous sinks request data reaches in handler ``func``, and one level into
    the helpers ``resolve`` finds (same file or a relative import) that it passes it to.
    ``pinned``: a test for the filter values as sent that a validator keeps objects out of
    (not reported); ``parts``: the request parts that are input; ``layers``: what data layer
    a call's receiver is (a Sequelize model reads no request value as an operator);
    ``patterns``: the regex literal a name imported into a file stands for; ``segments``: the
    route parameters a ``.param()`` callback keeps to one path segment (``param_checked``),
    which a file sink counts as a pattern test of the handler's own)."""
    first = first_param(func)
    if first is None:
        return []
    req = text(first) if first.type == "identifier" else "\0"
    body = func.child_by_field_name("body") or func
    pattern = first if first.type == "object_pattern" else None
    taint = _Taint(req, body, pattern, parts)
    # (as the handler reads them: `req.params.id`, or `params.id` from `({ params }) =>`)
    checked = {f"req.params.{name}" if pattern is not None else f"{req}.params.{name}"
               for name in segments}
    taint.segments.update(checked)
    found = _scan(body, taint, facts, _param_name(func, 1), resolve, None, mongo, pinned, layers,
                  patterns, unsafe_yaml)
    parsed, loose = _schema_parses(body, taint)
    if any(loose.values()):
        # the fields a schema only types, for the file sinks (see above)
        reported = {s.source for s in found if s.kind == "path-traversal"}
        again = _ParsedTaint(req, body, parsed, loose, pattern, parts)
        again.segments.update(checked)
        more = _scan(body, again, facts, _param_name(func, 1), resolve, None, False, None,
                     layers, patterns, unsafe_yaml)
        found.extend(s for s in more if s.kind == "path-traversal" and s.source not in reported
                     and s.source.count(".") >= 2 and s.source.split(".")[2].split("[")[0]
                     in loose.get(".".join(s.source.split(".")[:2]), set()))
    return found


def param_checked(func: Node, facts: FileFacts,
                  patterns: PatternResolver | None = None) -> bool:
    """``app.param(name, (req, res, next, value) => …)``: True when the callback lets the
    request go on (a ``next()`` with no argument) only where a pattern test keeps ``value`` to
    one path segment (``_segment_pattern``: anchored, no separator, never ``.`` or ``..``) or
    a known list keeps it to known values. Its ``next`` is only ever called (never passed on
    or kept), ``value`` is never reassigned and it touches no ``req.params``: the handler then
    gets the value as tested. A callback that only loads a record, or tests loosely, gets no
    credit."""
    params = parameters(func)
    body = func.child_by_field_name("body")
    if body is None or len(params) < 4 or any(p.type != "identifier" for p in params[:4]):
        return False
    req, go_on, value = text(params[0]), text(params[2]), text(params[3])
    if f"{req}.params".encode() in (body.text or b"") or \
            f"{req}[".encode() in (body.text or b""):
        return False
    taint = _Taint("\0", body)
    taint.locals[value] = "\0value"
    taint.seeded[value] = None
    taint.rebind(body)
    if taint.bindings.get(value):
        return False  # reassigned: the test may be of some other value
    guards = find_guards(body, taint, facts, patterns)
    keys = {f"\0local:{value}", "\0value"}
    bare = 0
    for node in walk(body):
        if node.type != "identifier" or text(node) != go_on:
            continue
        call = node.parent
        if call is None or call.type != "call_expression" or \
                call.child_by_field_name("function") != node:
            return False  # `next` handed on or kept: where it is called is unknown
        args = call.child_by_field_name("arguments")
        if args is not None and code_children(args):
            continue  # `next(err)`, `next('route')`: the handler does not run
        if not guarded_at(guards, call.start_byte, FILE_PATH) & keys:
            return False
        bare += 1
    return bare > 0


def _helper_sinks(helper: Node, facts: FileFacts, where: str, seeds: dict[str, str],
                  direct: set[str], mongo: bool,
                  pinned: Callable[[Sink], bool] | None = None,
                  res: str | None = None, layers: DataLayers | None = None,
                  patterns: PatternResolver | None = None,
                  unsafe_yaml: bool = False, segments: set[str] | None = None) -> list[Sink]:
    """Return the sinks in ``helper`` that its parameters (``seeds``: name -> origin) reach
    (``res``: the parameter that receives the handler's response, for redirects;
    ``segments``: the parameters given a path the caller's pattern test keeps to one segment
    under a fixed folder, which a file sink counts as the caller's own would)."""
    body = helper.child_by_field_name("body") or helper
    taint = _Taint("\0", body)
    taint.locals.update(seeds)
    taint.seeded.update({name: None for name in seeds})  # whatever value the call passes
    taint.segments.update(f"\0local:{name}" for name in segments or ())
    taint.whole.update(name for name, origin in seeds.items()
                       if origin in ("req.body", "req.query"))
    taint.direct.update(direct)
    taint.rebind(body)
    return _scan(body, taint, facts, res, None, where, mongo, pinned, layers, patterns,
                 unsafe_yaml)


def _loose(node: Node | None, keys: set[str], taint: _Taint, depth: int = 0,
           seen: dict[str, set[str]] | None = None) -> set[str]:
    """The request expressions ``node`` carries other than as a value a pattern test proved
    one path segment (``keys``): in a call (`decodeURIComponent(f)`), a changed local. A
    string joined or templated from such values and constants keeps them as they are."""
    if node is None or depth > _MAX_NESTING:
        return set()
    seen = {} if seen is None else seen  # a local's value is followed once

    def inner(part: Node | None) -> set[str]:
        return _loose(part, keys, taint, depth + 1, seen)

    node = unwrap(node, CASTS_AND_AWAIT)
    if taint.keys(node) & keys:
        return set()
    if node.type == "binary_expression" and \
            text(node.child_by_field_name("operator")) in ("+", "||", "??"):
        return inner(node.child_by_field_name("left")) | inner(node.child_by_field_name("right"))
    if node.type == "ternary_expression":
        return inner(node.child_by_field_name("consequence")) | \
            inner(node.child_by_field_name("alternative"))
    if node.type == "template_string":
        return {o for sub in node.named_children if sub.type == "template_substitution"
                for part in code_children(sub) for o in inner(part)}
    fn = node.child_by_field_name("function") if node.type == "call_expression" else None
    args = node.child_by_field_name("arguments")
    if fn is not None and args is not None and (
            text(fn).endswith(("path.join", "path.resolve", "path.normalize"))
            or text(fn) in ("join", "resolve", "normalize")):
        # A segment joined or resolved under a folder stays one name in it.
        return {o for arg in code_children(args) for o in inner(arg)}
    name = text(node)
    if node.type == "identifier" and name not in taint.seeded:
        if name not in seen:
            seen[name] = set(taint.origins(node))  # while it is followed: a cycle is loose
            bound = list(taint.bindings.get(name, {}).values())
            if len(bound) == 1 and isinstance(bound[0], Node):  # `const full = name + '.png'`
                seen[name] = inner(bound[0])
        return seen[name]
    return set(taint.origins(node))


# --- a joined path handed to a project function that keeps it under a folder ------------------
#
# ``await safePath(path.join(base, folder, name))``: the join is not reported when the project
# function it is given proves containment of that parameter under the very folder the join is
# built under, and returns nothing else: the parameter is used only in
# ``const full = path.resolve(B, p)`` (exactly two arguments, a top statement of the function)
# and in ``typeof p`` tests, a top statement after it turns the rest away unless
# ``full.startsWith(B + path.sep)`` (or ``B + '/'``, `${B}/`) with the same ``B``, and every
# return past it gives ``full`` (before it, only a falsy value). ``B`` is either a parameter of
# the function, never reassigned in it, whose argument at the call is the identifier the join is
# built under, or a module-level constant of the function's file, that function then in the
# handler's file and the join built under that very constant. The join's base is declared once
# in the handler's file, at its top: an import, or a ``const`` that cannot be empty (a path
# call, a require, a non-empty string, or ``x || <such>``) -- an empty base makes the test
# ``startsWith('/')``.
# A function of the handler's file that returns what such a function returns for its
# parameter, used nowhere else, proves it too (one level), the folder passed as above.
# Whatever the request sends, the value the caller gets is inside the folder, or there is none.

def _starts_checked(cond: Node | None, name: str, when: bool, depth: int = 0) -> Node | None:
    """The argument of ``name.startsWith(arg)`` that ``cond`` being ``when`` proves true."""
    if cond is None or depth > _MAX_NESTING:
        return None
    cond = unwrap(cond, CASTS_AND_AWAIT)
    if cond.type == "unary_expression" and text(cond.child_by_field_name("operator")) == "!":
        return _starts_checked(cond.child_by_field_name("argument"), name, not when, depth + 1)
    if cond.type == "binary_expression" and \
            text(cond.child_by_field_name("operator")) in ("&&", "||"):
        if (text(cond.child_by_field_name("operator")) == "&&") != when:
            return None  # only one of the two holds: which is unknown
        return _starts_checked(cond.child_by_field_name("left"), name, when, depth + 1) or \
            _starts_checked(cond.child_by_field_name("right"), name, when, depth + 1)
    fn = cond.child_by_field_name("function") if cond.type == "call_expression" else None
    args = cond.child_by_field_name("arguments")
    items = code_children(args) if args is not None else []
    if when and fn is not None and fn.type == "member_expression" and len(items) == 1 and \
            text(fn.child_by_field_name("object")) == name and \
            text(fn.child_by_field_name("property")) == "startsWith":
        return items[0]
    return None


def _folder_prefix(arg: Node, base: str) -> bool:
    """``base + path.sep`` / ``base + '/'`` / `${base}/`, ``base`` the very identifier."""
    arg = unwrap(arg, CASTS_AND_AWAIT)
    if arg.type == "binary_expression" and text(arg.child_by_field_name("operator")) == "+":
        left = unwrap(arg.child_by_field_name("left"), CASTS_AND_AWAIT)
        right = unwrap(arg.child_by_field_name("right"), CASTS_AND_AWAIT)
        return left is not None and left.type == "identifier" and text(left) == base and \
            right is not None and (text(right) in ("path.sep", "sep") or (
                right.type == "string" and string_value(right) == "/"))
    if arg.type == "template_string":
        return text(arg) in (f"`${{{base}}}/`", f"`${{{base}}}${{path.sep}}`",
                             f"`${{{base}}}${{sep}}`")
    return False


#: The text of a template before a joined path that makes the string a compound key, not a
#: path: it ends with ':' or ',' (`${line}:${col}:${file}`, a position given to a tool). A
#: scheme or format prefix (`file:${p}`, `png:${p}`, `a://…`) reads the file: not such text.
_KEY_BEFORE_RE = lazy_pattern(r"(?s).*[:,]")
_OPENER_BEFORE_RE = lazy_pattern(r"(?is)\s*[a-z][\w+.-]*:|.*(?:file:|://).*")


def _only_in_text(join: Node, body: Node) -> bool:
    """A fallback ``path.join()`` sink whose result Node never opens: it (or a local bound to
    it once, never reassigned) is used only inside template strings after text such as
    `${line}:${column}:` (``_KEY_BEFORE_RE``), so the string built is no path. A join handed
    to a function, returned, stored or used as it is elsewhere stays reported."""
    outer = join
    while outer.parent is not None and outer.parent.type in (
            "parenthesized_expression", "await_expression", "as_expression",
            "non_null_expression"):
        outer = outer.parent
    declarator = outer.parent
    if declarator is None or declarator.type != "variable_declarator" or \
            declarator.child_by_field_name("value") != outer:
        return _after_key_text(outer)
    name = declarator.child_by_field_name("name")
    if name is None or name.type != "identifier" or _assigned(body, text(name)):
        return False
    uses = [u for u in _uses(body, text(name)) if u != name]
    return bool(uses) and all(_after_key_text(u) for u in uses)


def _after_key_text(node: Node) -> bool:
    substitution = node.parent
    template = substitution.parent if substitution is not None else None
    if substitution is None or template is None or \
            substitution.type != "template_substitution" or template.type != "template_string" \
            or code_children(substitution) != [node]:
        return False
    before = (template.text or b"")[1:substitution.start_byte - template.start_byte]
    prefix = before.decode("utf-8", "replace")
    return _KEY_BEFORE_RE.fullmatch(prefix) is not None and \
        _OPENER_BEFORE_RE.fullmatch(prefix) is None


def _uses(body: Node, name: str) -> list[Node]:
    return [n for n in walk(body) if n.type in ("identifier", "shorthand_property_identifier")
            and text(n) == name]


def _assigned(body: Node, name: str) -> bool:
    return any(n.type in ("assignment_expression", "augmented_assignment_expression",
                          "update_expression") and text(
                   n.child_by_field_name("left") or n.child_by_field_name("argument")) == name
               for n in walk(body))


_BINDERS = ("variable_declarator", "formal_parameters", "import_specifier", "import_clause",
            "namespace_import", "catch_clause", "for_in_statement")


def _declarations(program: Node, name: str) -> list[Node]:
    """The nodes that bind ``name`` anywhere in ``program`` (over-counted, never missed)."""
    found: list[Node] = []
    for n in walk(program):
        if n.type in _BINDERS:
            part = n.child_by_field_name("name") if n.type == "variable_declarator" else \
                n.child_by_field_name("parameter") if n.type == "catch_clause" else \
                n.child_by_field_name("left") if n.type == "for_in_statement" else n
            names = [c for c in n.children if c.type == "identifier"] \
                if n.type == "import_clause" else list(walk(part)) if part is not None else []
            if any(u.type in ("identifier", "shorthand_property_identifier_pattern")
                   and text(u) == name for u in names):
                found.append(n)
        elif n.type in ("function_declaration", "class_declaration", "function_expression",
                        "generator_function_declaration", "class"):
            if text(n.child_by_field_name("name")) == name:
                found.append(n)
        elif n.type == "arrow_function":
            param = n.child_by_field_name("parameter")
            if param is not None and text(param) == name:
                found.append(n)
    return found


def _never_empty(value: Node | None, depth: int = 0) -> bool:
    """``value`` cannot be an empty string: a path call, a non-empty string, or ``x || y``
    with such a ``y``."""
    if value is None or depth > _MAX_NESTING:
        return False
    value = unwrap(value, CASTS_AND_AWAIT)
    if value.type == "string":
        return (string_value(value) or "") != ""
    if value.type == "call_expression":
        fn = value.child_by_field_name("function")
        return fn is not None and text(fn) in ("require", "path.join", "path.resolve")
    if value.type == "binary_expression" and text(value.child_by_field_name("operator")) == "||":
        return _never_empty(value.child_by_field_name("right"), depth + 1)
    return False


def _top_folder(name: str, program: Node) -> bool:
    """``name`` is declared once in ``program``, at its top: an import, or a ``const`` that
    cannot be empty (``const ROOT = process.env.ROOT || ''`` does not count)."""
    found = _declarations(program, name)
    if len(found) != 1:
        return False
    decl = found[0]
    holder = decl.parent
    while holder is not None and holder.type in ("import_specifier", "named_imports",
                                                  "import_clause", "namespace_import"):
        holder = holder.parent
    if decl.type in ("import_specifier", "import_clause", "namespace_import"):
        return holder is not None and holder.type == "import_statement" and \
            holder.parent == program
    if decl.type != "variable_declarator" or holder is None or \
            holder.type != "lexical_declaration" or not text(holder).startswith("const"):
        return False
    top = holder.parent
    if top is not None and top.type == "export_statement":
        top = top.parent
    return top == program and _never_empty(decl.child_by_field_name("value"))


# The folder a function keeps its parameter under: ("param", index) or ("const", name).
_Folder = tuple[str, "int | str"]


def _contains_parameter(func: Node, index: int) -> _Folder | None:
    """The folder ``func`` keeps its parameter ``index`` under, resolved and checked, returning
    it or nothing (see above)."""
    name = _param_name(func, index)
    body = func.child_by_field_name("body")
    if name is None or body is None or body.type != "statement_block":
        return None
    resolved: Node | None = None  # the declarator `full = path.resolve(B, p)`
    for use in _uses(body, name):
        parent = use.parent
        if parent is not None and parent.type == "unary_expression" and \
                text(parent.child_by_field_name("operator")) == "typeof":
            continue
        call = parent.parent if parent is not None and parent.type == "arguments" else None
        fn = call.child_by_field_name("function") if call is not None else None
        declarator = call.parent if call is not None else None
        if fn is None or text(fn) != "path.resolve" or parent is None or \
                code_children(parent)[1:] != [use] or \
                declarator is None or declarator.type != "variable_declarator" or \
                resolved is not None:
            return None
        resolved = declarator
    full_node = resolved.child_by_field_name("name") if resolved is not None else None
    statement = resolved.parent if resolved is not None else None
    if resolved is None or full_node is None or full_node.type != "identifier" or \
            statement is None or statement.parent != body or \
            not text(statement).startswith("const"):
        return None
    call = unwrap(resolved.child_by_field_name("value"), CASTS_AND_AWAIT)
    args = call.child_by_field_name("arguments") if call is not None else None
    items = code_children(args) if args is not None else []
    if len(items) != 2 or items[0].type != "identifier":
        return None
    base = text(items[0])
    full = text(full_node)
    if _assigned(body, full) or _assigned(body, base) or base == full or \
            any(n.type == "variable_declarator" and text(n.child_by_field_name("name")) == base
                for n in walk(body)):
        return None
    folder: _Folder | None = None
    params = [i for i in range(len(code_children(func.child_by_field_name("parameters")
                                                 or body)))
              if _param_name(func, i) == base]
    if params:
        folder = ("param", params[0])
    elif _top_folder(base, _program(func)):
        folder = ("const", base)
    if folder is None:
        return None
    checked = next((st.end_byte for st in code_children(body) if st.type == "if_statement"
                    and st.start_byte > resolved.end_byte
                    and _ends(st.child_by_field_name("consequence"))
                    and st.child_by_field_name("alternative") is None
                    and (arg := _starts_checked(st.child_by_field_name("condition"), full,
                                                False)) is not None
                    and _folder_prefix(arg, base)), None)
    if checked is None:
        return None
    for ret in _own_nodes(body):
        if ret.type != "return_statement":
            continue
        value = code_children(ret)
        shown = text(unwrap(value[0], CASTS_AND_AWAIT)) if value else "undefined"
        if shown in _FALSY:
            continue
        if shown != full or ret.start_byte < checked:
            return None
    return folder


def _keeps(folder: _Folder | None, func: Node, items: list[Node], base: str,
           same: Node) -> bool:
    """A function keeping its parameter under ``folder``, called with ``items``, keeps it under
    ``base``, the folder the join is built under (declared once at the top of ``same``)."""
    if folder is None or not _top_folder(base, same):
        return False
    if folder[0] == "const":
        return folder[1] == base and _program(func) == same
    at = folder[1]
    return isinstance(at, int) and at < len(items) and \
        unwrap(items[at], CASTS_AND_AWAIT).type == "identifier" and \
        text(unwrap(items[at], CASTS_AND_AWAIT)) == base


def _contained_by(func: Node, index: int, items: list[Node], base: str,
                  resolve: SinkResolver | None, same: Node) -> bool:
    """``func`` (a project function called with ``items``) keeps its parameter ``index`` under
    ``base``: it proves it itself, or every return gives what a function that proves it returns
    for it, ``func`` in the handler's file (``same``) and the parameter used nowhere else."""
    if _keeps(_contains_parameter(func, index), func, items, base, same):
        return True
    name = _param_name(func, index)
    body = func.child_by_field_name("body")
    if name is None or body is None or body.type != "statement_block" or resolve is None or \
            _program(func) != same or \
            any(n.type == "variable_declarator" and text(n.child_by_field_name("name")) == base
                for n in walk(body)):
        return False
    returns = [r for r in _own_nodes(body) if r.type == "return_statement"]
    carriers = {name}  # the parameter, and locals declared from it
    holders: set[int] = {r.id for r in returns}
    for n in _own_nodes(body):
        if n.type == "variable_declarator" and (value := n.child_by_field_name("value")) \
                is not None and any(u.type == "identifier" and text(u) == name
                                    for u in walk(value)) and \
                getattr(n.child_by_field_name("name"), "type", "") == "identifier":
            carriers.add(text(n.child_by_field_name("name")))
            holders.add(n.id)
    proved = False
    for ret in returns:
        returned = code_children(ret)
        call = unwrap(returned[0], CASTS_AND_AWAIT) if returned else None
        if call is None or text(call) in _FALSY:
            continue
        fn = call.child_by_field_name("function") if call.type == "call_expression" else None
        args = call.child_by_field_name("arguments")
        inner = code_children(args) if args is not None else []
        at = [i for i, a in enumerate(inner)
              if any(u.type == "identifier" and text(u) in carriers for u in walk(a))]
        located = resolve(fn) if fn is not None and len(at) == 1 and \
            unwrap(inner[at[0]], CASTS_AND_AWAIT).type == "identifier" else None
        if located is None or not _keeps(_contains_parameter(located[1], at[0]), located[1],
                                         inner, base, same):
            return False
        proved = True
    if not proved:
        return False
    # The parameter (and what holds it) is used only to be passed to that function.
    for carrier in carriers:
        for use in _uses(body, carrier):
            owner = use.parent
            while owner is not None and owner != body and owner.type not in (
                    "variable_declarator", "return_statement"):
                owner = owner.parent
            if owner is None or owner.id not in holders:
                return False  # (also a use in a function nested in it)
    return True


def _inside_only(func: Node, index: int, facts: FileFacts,
                 patterns: PatternResolver | None) -> bool:
    """``func`` uses its parameter ``index`` only where a ``path.relative`` containment test
    of it holds (``if (isChildPath(dir, file)) res.sendFile(file)``), and in that test: the
    path it is given reaches nothing outside a folder through it."""
    name = _param_name(func, index)
    body = func.child_by_field_name("body")
    if name is None or body is None or body.type != "statement_block" or \
            _assigned(body, name) or b"arguments" in (body.text or b""):
        return False
    inner = _Taint("\0", body)
    inner.locals[name] = _ARGUMENT
    inner.seeded[name] = _ARGUMENT
    inner.rebind(body)
    guards = [g for g in find_guards(body, inner, facts, patterns) if g.kind == INSIDE]
    names = _Names(body, facts, patterns)
    uses = _uses(body, name)
    if not guards or not uses:
        return False
    for use in uses:
        keys = inner.keys(use)
        if any(g.start <= use.start_byte < g.end and keys & g.origins for g in guards):
            continue
        call = use.parent.parent if use.parent is not None and \
            use.parent.type == "arguments" else None
        if call is None or call.type != "call_expression" or \
                not names.inside_call(call, inner):
            return False
    return True


def _scan(body: Node, taint: _Taint, facts: FileFacts, res: str | None,
          resolve: SinkResolver | None, where: str | None, mongo: bool = False,
          pinned: Callable[[Sink], bool] | None = None,
          layers: DataLayers | None = None,
          patterns: PatternResolver | None = None,
          unsafe_yaml: bool = False) -> list[Sink]:
    """Return the sinks tainted values reach in ``body`` (``mongo``: the project uses MongoDB,
    so a body or query field put as it is into a filter is an operator injection, unless the
    call's receiver is a Sequelize model, which reads no plain object as an operator, or the
    field is a query value the app's query parser makes a string or an array of strings)."""

    def as_value(fn: Node, origin: str) -> bool:
        """The field reaches this filter as a plain value, never as an operator."""
        if layers is None:
            return False
        return (layers.simple_query and origin.startswith("req.query.")) or \
            layers.sql_plain(fn)

    cp = _module_names(facts, _CP)
    fs = _module_names(facts, _FS)
    vm = _module_names(facts, _VM)
    path = _module_names(facts, _PATH)
    ser = _module_names(facts, ("node-serialize",))
    passport = _module_names(facts, ("passport",))
    xml = _module_names(facts, ("libxmljs", "libxmljs2"))
    guards = find_guards(body, taint, facts, patterns)
    if resolve is not None and layers is not None and layers.validator_throws:
        guards += _helper_string_guards(body, taint, resolve)
    contained = b".startsWith(" in (body.text or b"") or \
        _INDEX_OF_ZERO_RE.search(body.text or b"") is not None
    # a join whose result a `path.relative` containment test checks (the sink it reaches is
    # reported where it is not under that test)
    joins_checked = contained or any(g.kind == INSIDE for g in guards)
    found: list[Sink] = []
    joins: list[Sink] = []
    seconds: set[int] = set()  # ids of the sinks found on a second path (``_TWO_PATHS``)

    def arms(node: Node | None, depth: int = 0) -> list[Node] | None:
        """The values of a ternary ``arg`` is (itself, or a local bound once to one), each
        where the ternary's test holds for it, or None for anything else."""
        if node is None or depth > 8:
            return None
        node = unwrap(node, CASTS_AND_AWAIT)
        if node.type == "identifier" and text(node) not in taint.seeded:
            bound = list(taint.bindings.get(text(node), {}).values())
            return arms(bound[0], depth + 1) \
                if len(bound) == 1 and isinstance(bound[0], Node) else None
        if node.type != "ternary_expression":
            return None
        found: list[Node] = []
        for arm in (node.child_by_field_name("consequence"),
                    node.child_by_field_name("alternative")):
            if arm is not None:
                found.extend(arms(arm, depth + 1) or [arm])
        return found

    def unguarded(arg: Node | None, at: Node, skip: Callable[[str], bool] | None = None,
                  kinds: frozenset[str] = ANY_SINK) -> str | None:
        """The request expression ``arg`` carries that no guard fixes at ``at``, or None (a
        ternary's arms: each also where it stands, past its test)."""
        values = arms(arg) if taint.origin(arg, skip) is not None else None
        if values is None:
            return fixed_at(arg, (at.start_byte,), skip, kinds)
        return next((o for value in values if (o := fixed_at(
            value, (at.start_byte, value.start_byte), skip, kinds)) is not None), None)

    def fixed_at(arg: Node | None, places: tuple[int, ...],
                 skip: Callable[[str], bool] | None, kinds: frozenset[str]) -> str | None:
        origin = taint.origin(arg, skip)
        if origin is None:
            return None
        fixed = {o for at in places for o in guarded_at(guards, at, kinds & {MEMBER, STRING})}
        keys = {o for at in places for o in guarded_at(guards, at, kinds & {SEGMENT})}
        if SEGMENT in kinds:
            keys |= taint.segments  # proved by the caller (a helper's parameter as given)
        if keys:  # a pattern test counts for what reaches ``arg`` as the very value tested
            fixed |= set(taint.origins(arg)) - _loose(arg, keys, taint)
        local = {o for at in places for o in guarded_at(guards, at, kinds & {LOCAL})}
        if local and taint.keys(arg) & local:  # the very value tested: a local path
            fixed |= set(taint.origins(arg))
        if not fixed:
            return origin
        return taint.origin(arg, lambda o: o in fixed or (skip is not None and skip(o)))

    def kept_under(join: Node) -> bool:
        """The joined path is handed as it is to a project function that keeps it under a
        folder (``_contained_by``), with no request data in the call's other arguments."""
        outer = join
        while outer.parent is not None and outer.parent.type in (
                "parenthesized_expression", "await_expression", "as_expression",
                "non_null_expression"):
            outer = outer.parent
        if outer.parent is not None and outer.parent.type == "variable_declarator" and \
                getattr(outer.parent.child_by_field_name("name"), "type", "") == "identifier":
            # `const file = path.join(dir, name)`, every use of ``file`` handed to a project
            # function that uses it only under a `path.relative` containment test
            local = text(outer.parent.child_by_field_name("name"))
            uses = [u for u in _uses(body, local)
                    if u != outer.parent.child_by_field_name("name")]
            return bool(uses) and not _assigned(body, local) and \
                all(handed(u, join, False) for u in uses)
        return handed(outer, join, True)

    def handed(outer: Node, join: Node, direct: bool) -> bool:
        call = outer.parent.parent if outer.parent is not None and \
            outer.parent.type == "arguments" else None
        fn = call.child_by_field_name("function") if call is not None else None
        arguments = call.child_by_field_name("arguments") if call is not None else None
        if fn is None or resolve is None or arguments is None:
            return False
        items = code_children(arguments)
        index = next((i for i, a in enumerate(items) if a == outer), None)
        if index is None or any(taint.origin(a) is not None
                                for i, a in enumerate(items) if i != index):
            return False
        located = resolve(fn)
        if located is None:
            return False
        if _inside_only(located[1], index, located[2], patterns):
            return True
        base = join.child_by_field_name("arguments")
        first = code_children(base)[0] if base is not None and code_children(base) else None
        return direct and first is not None and first.type == "identifier" and \
            _contained_by(located[1], index, items, text(first), resolve, _program(body))

    def add(kind: str, node: Node, arg: Node | None, callee: str,
            kinds: frozenset[str] | None = None) -> bool:
        origin = unguarded(arg, node, _browser_header if kind == "open-redirect" else None,
                           kinds or (FILE_PATH if kind == "path-traversal" else ANY_SINK))
        if origin is None:
            return False
        found.append(Sink(kind, node, origin, callee, where))
        return True

    def add_sent(origin: str | None, at: Node, fn: Node, callee_text: str) -> bool:
        """A body or query value given to MongoDB as sent (``origin``, None when a guard
        fixes it): one sink at ``at``, unless a validator.js check or a known list keeps it
        a plain value, or a validator keeps objects out of it (``pinned``)."""
        if origin is None or as_value(fn, origin):
            return False
        sink = Sink("nosql-injection", at, origin, f"{callee_text}() unconverted", where,
                    as_sent=True)
        if pinned is not None and pinned(sink):
            return False
        found.append(sink)
        return True

    def add_filter(filter_: Node, fn: Node, callee_text: str) -> bool:
        """A body or query field as sent among a MongoDB filter's values (also inside
        ``$or``/``$and``/``$nor``): one sink per filter."""
        for pair, value in _mongo_values(filter_):
            if not (taint.is_direct(value) or (
                    value.type == "shorthand_property_identifier"
                    and taint.direct_at(text(value), value.start_byte))):
                continue
            origin = unguarded(value, pair, kinds=PLAIN_VALUE) \
                if value.type != "shorthand_property_identifier" else \
                next((o for o in taint.sources_of(text(value)) if o not in
                      guarded_at(guards, pair.start_byte, PLAIN_VALUE)), None)
            if add_sent(origin, pair, fn, callee_text):
                return True
        return False

    def listed_at(at: Node, piece: Node) -> bool:
        """Request data a test keeps to a known list at ``at`` (an SSRF base, see
        ``_origin_fixed``)."""
        return taint.origin(piece) is not None and unguarded(piece, at) is None

    for node in walk(body):
        if node.type == "pair":
            key = node.child_by_field_name("key")
            operator = string_value(key) or text(key)
            if operator == "$where":
                add("nosql-injection", node, node.child_by_field_name("value"), "a $where clause")
            elif operator == "$regex":
                add("regex-injection", node, node.child_by_field_name("value"),
                    "a MongoDB $regex")
            continue
        if node.type not in ("call_expression", "new_expression"):
            continue
        fn = node.child_by_field_name("function") or node.child_by_field_name("constructor")
        args_node = node.child_by_field_name("arguments")
        if fn is None:
            continue
        args = code_children(args_node) if args_node is not None else []
        first = args[0] if args else None
        callee_text = text(fn)
        name: str | None
        obj = fn.child_by_field_name("object") if fn.type == "member_expression" else None
        if obj is not None and _requires(obj, _CP):
            name = text(fn.child_by_field_name("property"))
        else:
            name = _callee(fn, *cp)
        if name in _SHELL_ALWAYS:
            add("shell", node, first, f"{callee_text}()")
            continue
        if name in _SHELL_OPTION:
            shell = _option(args, "shell")
            if shell is not None and text(shell) not in ("false", "undefined", "null"):
                if not add("shell", node, first, f"{callee_text}() with shell: true") \
                        and len(args) > 1:
                    add("shell", node, args[1], f"{callee_text}() with shell: true")
            continue
        if node.type == "new_expression" and callee_text in ("Function", "RegExp"):
            if callee_text == "Function":
                for arg in args:
                    if add("code-eval", node, arg, "new Function()"):
                        break
            else:
                add("regex-injection", node, first, "new RegExp()")
            continue
        if callee_text in ("eval", "Function"):
            add("code-eval", node, first, f"{callee_text}()")
            continue
        if callee_text == "RegExp":
            add("regex-injection", node, first, "RegExp()")
            continue
        if callee_text in ("setTimeout", "setInterval", "setImmediate") and first is not None \
                and first.type not in _FUNCTION_TYPES:
            add("code-eval", node, first, f"{callee_text}() with a string")
            continue
        vm_name = _callee(fn, *vm)
        if vm_name is not None and (vm_name.startswith("run") or vm_name in (
                "Script", "compileFunction", "SourceTextModule")):
            add("code-eval", node, first, f"{callee_text}()")
            continue
        if fn.type == "member_expression" and \
                text(fn.child_by_field_name("property")) == "authenticate" and (
                    text(fn.child_by_field_name("object")) in passport[0]
                    or text(fn.child_by_field_name("object")) == "passport"):
            # passport.authenticate(strategy, { successRedirect, failureRedirect }) sends the
            # user there after the login, as res.redirect() would: one finding per call.
            options = args + [o for a in args if (o := _local_object(a, body)) is not None]
            for option in ("successRedirect", "successReturnToOrRedirect", "failureRedirect"):
                target = _option(options, option)
                if target is not None and not _fixed_origin(target, taint) and \
                        add("open-redirect", node, target, f"the {option} of {callee_text}()"):
                    break
            continue
        if fn.type == "member_expression" and res is not None and \
                text(fn.child_by_field_name("object")) == res:
            method = text(fn.child_by_field_name("property"))
            if method == "redirect":
                if args and not _fixed_origin(args[-1], taint):
                    add("open-redirect", node, args[-1], f"{callee_text}()", REDIRECT_PATH)
            elif method == "location":
                if first is not None and not _fixed_origin(first, taint):
                    add("open-redirect", node, first, f"{callee_text}()", REDIRECT_PATH)
            elif method in ("set", "setHeader", "header") and len(args) > 1 and \
                    (string_value(first) or "").lower() in _REDIRECT_HEADER:
                add("open-redirect", node, args[1], f"the {string_value(first)} header")
            elif method == "writeHead":
                target = _option(args, "Location") or _option(args, "location")
                add("open-redirect", node, target, "the Location header")
            elif method == "render" and first is not None:
                # The view name is not reported: route patterns, switches, allow-list
                # ternaries and regex tests keep it to known views too often to tell.
                if len(args) > 1:
                    locals_ = unwrap(args[1], CASTS_AND_AWAIT)
                    whole = locals_ if taint.is_whole(locals_) else next(
                        (c for sp in code_children(locals_) if sp.type == "spread_element"
                         for c in code_children(sp) if taint.is_whole(c)), None) \
                        if locals_.type == "object" else None
                    if whole is not None:
                        add("template-injection", node, whole,
                            f"the locals of {callee_text}() as a whole (view options such "
                            f"as EJS's settings or a layout come from them)")
            elif method in ("sendFile", "download") and _option(args, "root") is None and \
                    not contained:
                add("path-traversal", node, first, f"{callee_text}()")
            continue
        if _callee(fn, *fs) is not None or (
                fn.type == "member_expression"
                and text(fn.child_by_field_name("object")).split(".")[0] in fs[0]):
            fs_fn = _callee(fn, *fs) or (text(fn.child_by_field_name("property"))
                                         if fn.type == "member_expression" else "")
            if not contained and not add("path-traversal", node, first, f"{callee_text}()") \
                    and fs_fn in _TWO_PATHS and len(args) > 1 and \
                    add("path-traversal", node, args[1], f"{callee_text}()"):
                # `fs.copyFile(from, to)`: the second path is the one written (the joins of
                # the handler are still reported: they may reach other writes)
                seconds.add(id(found[-1]))
            continue
        path_fn = _callee(fn, *path)
        if path_fn in ("join", "resolve") and not joins_checked and not kept_under(node):
            for arg in args:
                origin = unguarded(arg, node, kinds=FILE_PATH)
                if origin is not None:
                    joins.append(Sink("path-traversal", node, origin,
                                      f"{callee_text}() without a containment check", where))
                    break
            continue
        if _callee(fn, *ser) in ("unserialize",):
            add("deserialization", node, first, f"{callee_text}()")
            continue
        if _callee(fn, *xml) in ("parseXml", "parseXmlString", "parseXmlAsync") and \
                text(_option(args, "noent")) not in ("", "false"):
            add("xxe", node, first, f"{callee_text}() with noent: true")
            continue
        if _library_sink(node, fn, args, facts, taint, body, add, unsafe_yaml,
                         functools.partial(listed_at, node)):
            continue
        if mongo and fn.type == "member_expression" and first is not None and \
                text(fn.child_by_field_name("property")) in _MONGO_ID_METHODS and \
                taint.is_direct(first):
            add_sent(unguarded(first, node, kinds=PLAIN_VALUE), node, fn, callee_text)
            continue
        method_name = text(fn.child_by_field_name("property")) \
            if fn.type == "member_expression" else ""
        if mongo and method_name in ("equals", "eq") and first is not None and \
                ".where(" in text(fn.child_by_field_name("object")) and taint.is_direct(first):
            # `.where('name').equals(x)`
            add_sent(unguarded(first, node, kinds=PLAIN_VALUE), node, fn, callee_text)
            continue
        if mongo and method_name == "aggregate" and first is not None and \
                not (layers is not None and layers.sql_plain(fn)):
            stages = [first] if first.type != "array" else code_children(first)
            for stage in stages:
                match = _option([stage], "$match") if stage.type == "object" else stage
                if match is not None and (taint.is_direct(match) or taint.is_whole(match)):
                    origin = unguarded(match, node, kinds=PLAIN_VALUE)
                    if origin is not None and not as_value(fn, origin):
                        found.append(Sink("nosql-injection", node, origin,
                                          f"{callee_text}() unconverted", where))
                        break
                elif match is not None and match.type == "object" and \
                        add_filter(match, fn, callee_text):
                    break
            continue
        if method_name == "distinct" and len(args) > 1:
            first = args[1]  # `Model.distinct(field, filter)`
        if fn.type == "member_expression" and \
                text(fn.child_by_field_name("property")) in _MONGO_METHODS and first is not None:
            if _not_a_collection(fn.child_by_field_name("object"), facts, taint, layers):
                continue  # lodash `_.find(list, …)`, cheerio `$(…).find(sel)`: not a query
            if taint.is_whole(first):
                found.append(Sink("nosql-injection", node, taint.origin(first) or text(first),
                                  f"{callee_text}()", where))
                continue
            if mongo and taint.is_direct(first) and not (
                    layers is not None and (layers.sql_plain(fn) or layers.project_method(fn))
                    ) and method_name not in ("where", "count") and \
                    (resolve is None or resolve(fn) is None):  # (a project's own find())
                # `find(req.body.filter)`
                if add_sent(unguarded(first, node, kinds=PLAIN_VALUE), node, fn, callee_text):
                    continue
            if mongo and first.type == "object" and add_filter(first, fn, callee_text):
                continue
        if resolve is not None and node.type == "call_expression":
            seeds = {i: origin for i, arg in enumerate(args)
                     if (origin := unguarded(arg, node)) is not None}
            located = resolve(fn) if seeds else None
            if located is not None:
                helper_path, helper, helper_facts = located
                names = {i: _param_name(helper, i) for i in seeds}
                # The parameter that receives the handler's own response object.
                passed = next((i for i, a in enumerate(args) if res is not None and
                               a.type == "identifier" and text(a) == res), None)
                found.extend(_helper_sinks(
                    helper, helper_facts, helper_path,
                    {name: seeds[i] for i, name in names.items() if name},
                    {name for i, name in names.items() if name and taint.is_direct(args[i])},
                    mongo, pinned,
                    _param_name(helper, passed) if passed is not None else None, layers,
                    patterns, unsafe_yaml,
                    # the same value as one path segment under a folder: a file sink in the
                    # helper takes the pattern test that fixes it here (the direct sinks' kinds)
                    {name for i, name in names.items()
                     if name and unguarded(args[i], node, kinds=FILE_PATH) is None}))
    if not any(s.kind == "path-traversal" and id(s) not in seconds for s in found):
        found.extend(s for s in joins if not _only_in_text(s.node, body))
    if where is None:
        # One flow, one finding: a request value that reaches a sink of the handler and, passed
        # on, a sink of the same kind in a project helper is fixed where the handler takes it.
        direct = {(s.kind, s.source) for s in found if s.path is None}
        found = [s for s in found if s.path is None or (s.kind, s.source) not in direct]
    return found


# --- express-validator chains that keep MongoDB operators out of a field -----------------------
#
# express-validator's standard validators test ``String(value)``: an object (``{"$ne": null}``,
# ``?email[$ne]=x``) is tested as "[object Object]", which the validators below reject (isString
# and isBoolean test the type itself). An array is tested item by item (version 7) or by its
# first item (version 6): an array that passes holds format strings (v7) or starts with one
# (v6), and MongoDB and Mongoose read an array in a filter as a list of plain values (an exact
# array match or ``$in``), never as an operator. So once a failing check ends the request
# (``validationResult(req)`` turned away, or a middleware that answers), a field such a chain
# checks reaches the filter as a string or a list of values: no operator injection. Checked
# against express-validator 6 and 7 (tests/rules/test_input_validation_pinned.py runs them).

#: express-validator's chain builders -> the request part each reads (None: every part).
EV_BUILDERS = {"check": None, "body": "body", "query": "query", "param": "params",
               "cookie": "cookies", "header": "headers"}
#: Validators (and converting sanitizers) no object passes (or survives, as an object).
PINNING = frozenset({
    "isEmail", "isMongoId", "isUUID", "isInt", "isNumeric", "isFloat", "isDecimal",
    "isAlphanumeric", "isAlpha", "isHexadecimal", "isBoolean", "isString", "isURL", "isJWT",
    "isSlug", "isDate", "isISO8601", "isIP", "isMobilePhone", "toInt", "toFloat",
    "toBoolean", "toDate"})
#: Chain steps after which a chain proves nothing: it may skip the field (``optional``,
#: ``if``) or turn a checked string back into anything (``customSanitizer``).
_UNPINNING = frozenset({"optional", "if", "customSanitizer"})
#: What express-validator makes of an object before a standard validator tests it.
OBJECT_TEXT = "[object Object]"
_REQUEST_FIELD_RE = lazy_pattern(
    r"""^[\w$]+\.(body|query|params|cookies|headers)((?:\.[\w$]+|\[\s*['"][^'"\]]+['"]\s*\])+)$""")


def ev_names(facts: FileFacts | None) -> dict[str, str]:
    """Return local name -> express-validator export for a file's imports of the library."""
    found: dict[str, str] = {}
    for imp in facts.imports if facts is not None else ():
        if imp.module == "express-validator" or imp.module.startswith("express-validator/"):
            found.update({local: name for name, local in imp.named.items()})
    return found


def request_field(origin: str) -> tuple[str, str] | None:
    """Return (part, dotted field) of ``req.body.email`` / ``req.params['id']``, or None."""
    match = _REQUEST_FIELD_RE.match(origin)
    if match is None:
        return None
    path = re.sub(r"""\[\s*['"]([^'"\]]+)['"]\s*\]""", r".\1", match.group(2))
    return match.group(1), path.lstrip(".")


def _object_rejected(method: str, args: list[Node]) -> bool:
    """Return True when ``method(args)`` is a validator that fails for every object."""
    if method in PINNING:
        return True
    first = args[0] if args else None
    if method == "isLength" and first is not None and first.type == "object":
        limit = _option([first], "max")
        return limit is not None and limit.type == "number" and \
            re.fullmatch(r"\d{1,2}", text(limit)) is not None and \
            int(text(limit)) < len(OBJECT_TEXT)
    if method == "isIn" and first is not None and first.type == "array":
        items = code_children(first)
        return bool(items) and all(i.type in ("string", "number") for i in items) and \
            all(string_value(i) != OBJECT_TEXT for i in items)
    if method == "matches" and first is not None:
        return _pattern_rejects_object(first, args[1] if len(args) > 1 else None)
    return False


def _pattern_rejects_object(pattern: Node, modifiers: Node | None) -> bool:
    """Return True when a ``matches()`` pattern (a regex literal or a string) is sure not to
    match "[object Object]" (a pattern Python cannot read the same way counts as matching)."""
    if pattern.type == "regex":
        body = text(pattern.child_by_field_name("pattern"))
        flags = text(pattern.child_by_field_name("flags"))
    elif pattern.type == "string" and (modifiers is None or modifiers.type == "string"):
        body = string_value(pattern) or ""
        flags = string_value(modifiers) or "" if modifiers is not None else ""
    else:
        return False
    if set(flags) - set("gimsu") or re.search(r"\(\?<|\\[pPuckx]|\(\?[=!]", body):
        return False
    try:
        compiled = re.compile(body, (re.IGNORECASE if "i" in flags else 0)
                              | (re.MULTILINE if "m" in flags else 0)
                              | (re.DOTALL if "s" in flags else 0))
    except re.error:
        return False
    return compiled.search(OBJECT_TEXT) is None


class Chain(NamedTuple):
    """One express-validator chain: the fields it checks, and whether it keeps objects out."""

    fields: tuple[tuple[str | None, str], ...]  # (part or None for check(), dotted field)
    pins: bool  # a step rejects every object, and nothing lets the field through unchecked
    spoils: bool  # a customSanitizer may turn the value into anything


def ev_chain(node: Node | None, names: dict[str, str]) -> Chain | None:
    """Return the chain ``node`` builds (``check('email').isEmail()``, with or without a
    final ``.run(req)``), or None when it is not an express-validator chain."""
    steps: list[tuple[str, list[Node]]] = []
    while node is not None:
        node = unwrap(node, CASTS_AND_AWAIT)
        if node.type != "call_expression":
            return None
        fn = node.child_by_field_name("function")
        args_node = node.child_by_field_name("arguments")
        args = code_children(args_node) if args_node is not None else []
        if fn is not None and fn.type == "identifier":
            builder = names.get(text(fn))
            if builder not in EV_BUILDERS or not args:
                return None
            first = args[0]
            raw = code_children(first) if first.type == "array" else [first]
            fields = [string_value(f) for f in raw]
            if not fields or any(not f or "*" in f or "[" in f for f in fields):
                return None
            steps.reverse()
            if steps and steps[-1][0] == "run":
                steps.pop()
            pins, negated = False, False
            for method, margs in steps:
                if method in _UNPINNING:
                    return Chain(tuple((EV_BUILDERS[builder], f) for f in fields if f), False,
                                 method == "customSanitizer")
                if method == "not":
                    negated = True
                    continue
                if not negated and _object_rejected(method, margs):
                    pins = True
                negated = False
            return Chain(tuple((EV_BUILDERS[builder], f) for f in fields if f), pins, False)
        if fn is None or fn.type != "member_expression":
            return None
        steps.append((text(fn.child_by_field_name("property")), args))
        node = fn.child_by_field_name("object")
    return None


_SCHEMA_LOCATIONS = {"body": "body", "query": "query", "params": "params",
                     "cookies": "cookies", "headers": "headers"}


def schema_chains(node: Node, names: dict[str, str]) -> list[Chain] | None:
    """Return the chains ``checkSchema({ email: { in: ['body'], isEmail: true } })`` builds
    (one argument, an object literal written out): a field pins when a validator of
    ``PINNING`` is given as ``true`` or as an object without ``negated``; ``optional``,
    ``if`` and ``customSanitizer`` make the field pin nothing (other keys are validators or
    sanitizers that keep a string a string)."""
    fn = node.child_by_field_name("function")
    args_node = node.child_by_field_name("arguments")
    args = code_children(args_node) if args_node is not None else []
    if fn is None or fn.type != "identifier" or names.get(text(fn)) != "checkSchema" or \
            len(args) != 1 or args[0].type != "object":
        return None
    chains: list[Chain] = []
    for pair in code_children(args[0]):
        if pair.type != "pair":
            return None
        key = pair.child_by_field_name("key")
        field_ = string_value(key) if key is not None and key.type == "string" else \
            text(key) if key is not None and key.type == "property_identifier" else None
        spec = pair.child_by_field_name("value")
        if not field_ or "*" in field_ or "[" in field_ or spec is None or spec.type != "object":
            return None
        parts: list[str | None] = [None]
        pins, spoils, unknown = False, False, False
        for item in code_children(spec):
            if item.type != "pair":
                unknown = True
                continue
            name = text(item.child_by_field_name("key")).strip("'\"")
            value = item.child_by_field_name("value")
            if name == "in":
                raw = code_children(value) if value is not None and value.type == "array" \
                    else [value]
                where = [_SCHEMA_LOCATIONS.get(string_value(v) or "") for v in raw]
                if not where or None in where:
                    unknown = True
                parts = list(where)
            elif name in PINNING:
                # A validator's own `if` (run only when it holds) or `negated` pins nothing.
                if value is not None and (value.type == "true" or (
                        value.type == "object" and not {"negated", "if"} & set(
                            object_properties(value)) and not has_spread(value))):
                    pins = True
            elif name in _UNPINNING:
                unknown = True
                spoils = spoils or name == "customSanitizer"
        chains.append(Chain(tuple((p, field_) for p in parts), pins and not unknown, spoils))
    return chains


def ev_chains(node: Node | None, names: dict[str, str]) -> list[Chain] | None:
    """Return the chains a route argument holds (one chain or an array of chains, or what
    ``checkSchema({...})`` builds)."""
    if node is None:
        return None
    node = unwrap(node, CASTS_AND_AWAIT)
    if node.type == "call_expression":
        schema = schema_chains(node, names)
        if schema is not None:
            return schema
    if node.type == "array":
        chains = [ev_chain(item, names) for item in code_children(node)]
        return None if any(c is None for c in chains) else [c for c in chains if c]
    chain = ev_chain(node, names)
    return [chain] if chain is not None else None


def top_statements(body: Node) -> list[Node]:
    """Return the statements that run in order whenever ``body`` runs: its own, and those of
    a ``try`` block among them (not its ``catch``)."""
    found: list[Node] = []
    for statement in code_children(body):
        if statement.type == "try_statement":
            block = statement.child_by_field_name("body")
            found.extend(top_statements(block) if block is not None else [])
        else:
            found.append(statement)
    return found


def _result_call(node: Node | None, names: dict[str, str], req: str) -> bool:
    """``validationResult(req)``."""
    if node is None:
        return False
    node = unwrap(node, CASTS_AND_AWAIT)
    if node.type != "call_expression":
        return False
    fn = node.child_by_field_name("function")
    args = node.child_by_field_name("arguments")
    return fn is not None and names.get(text(fn)) == "validationResult" and \
        args is not None and [text(a) for a in code_children(args)] == [req]


def _ends(block: Node | None) -> bool:
    """A consequence whose last statement returns or throws."""
    if block is not None and block.type == "statement_block":
        inner = code_children(block)
        block = inner[-1] if inner else None
    return block is not None and block.type in ("return_statement", "throw_statement")


class ResultGuards:
    """Walks one function's top-level statements and tells which express-validator results it
    turns away: ``const errors = validationResult(req); if (!errors.isEmpty()) return …;``,
    ``validationResult(req).throw()``. ``ran`` is what has run when the result is taken."""

    def __init__(self, names: dict[str, str], req: str) -> None:
        self.names = names
        self.req = req
        self.results: dict[str, int] = {}  # local -> how many chains had run when it was taken

    def _result(self, node: Node | None, ran: int) -> int | None:
        if node is None:
            return None
        node = unwrap(node, CASTS_AND_AWAIT)
        if _result_call(node, self.names, self.req):
            return ran
        if node.type == "identifier":
            return self.results.get(text(node))
        return None

    def _method_on_result(self, node: Node | None, method: str, ran: int) -> int | None:
        if node is None:
            return None
        node = unwrap(node, CASTS_AND_AWAIT)
        if node.type != "call_expression":
            return None
        fn = node.child_by_field_name("function")
        if fn is None or fn.type != "member_expression" or \
                text(fn.child_by_field_name("property")) != method:
            return None
        return self._result(fn.child_by_field_name("object"), ran)

    def step(self, statement: Node, ran: int) -> tuple[str, int] | None:
        """Read one statement: ("fails", n) when it ends the request unless the first ``n``
        chains passed, ("passes", n) for ``if (result.isEmpty()) { … return }`` (the
        consequence runs only when they passed), else None."""
        if statement.type in ("lexical_declaration", "variable_declaration"):
            for decl in code_children(statement):
                if decl.type == "variable_declarator" and \
                        getattr(decl.child_by_field_name("name"), "type", "") == "identifier" \
                        and _result_call(decl.child_by_field_name("value"), self.names,
                                         self.req):
                    self.results[text(decl.child_by_field_name("name"))] = ran
            return None
        if statement.type == "expression_statement" and code_children(statement):
            taken = self._method_on_result(code_children(statement)[0], "throw", ran)
            return ("fails", taken) if taken is not None else None
        if statement.type != "if_statement":
            return None
        condition = statement.child_by_field_name("condition")
        test = unwrap(condition, CASTS_AND_AWAIT) if condition is not None else None
        negated = test is not None and test.type == "unary_expression" and \
            text(test.child_by_field_name("operator")) == "!"
        if negated and test is not None:
            test = test.child_by_field_name("argument")
        taken = self._method_on_result(test, "isEmpty", ran)
        if taken is None or statement.child_by_field_name("alternative") is not None or \
                not _ends(statement.child_by_field_name("consequence")):
            return None
        return ("fails" if negated else "passes", taken)


def run_chain(statement: Node, names: dict[str, str], req: str) -> list[Chain] | None:
    """Return the chain an ``await check('x')….run(req);`` statement runs, or None."""
    if statement.type != "expression_statement" or not code_children(statement):
        return None
    awaited = code_children(statement)[0]
    while awaited.type == "parenthesized_expression" and code_children(awaited):
        awaited = code_children(awaited)[0]
    if awaited.type != "await_expression" or not code_children(awaited):
        return None
    call = unwrap(code_children(awaited)[0], CASTS_AND_AWAIT)
    fn = call.child_by_field_name("function") if call.type == "call_expression" else None
    args = call.child_by_field_name("arguments") if fn is not None else None
    if fn is None or fn.type != "member_expression" or \
            text(fn.child_by_field_name("property")) != "run" or args is None or \
            [text(a) for a in code_children(args)] != [req]:
        return None
    chain = ev_chain(call, names)
    return [chain] if chain is not None else None


def answering_middleware(func: Node, names: dict[str, str]) -> bool:
    """Return True for a middleware that ends the request when express-validator found errors
    and calls ``next()`` only when there were none (``validate(req, res, next)``)."""
    params = parameters(func)
    if len(params) < 3 or params[0].type != "identifier" or params[2].type != "identifier":
        return False
    req, nxt = text(params[0]), text(params[2])
    body = func.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return False
    guards = ResultGuards(names, req)
    for statement in top_statements(body):
        verdict = guards.step(statement, 0)
        if verdict is None:
            if any(_bare_call(n, nxt) for n in walk(statement)):
                return False  # next() before the errors are looked at
            continue
        if verdict[0] == "fails":
            return True
        # `if (result.isEmpty()) return next();`: no other plain next() may follow.
        rest = body.text[statement.end_byte - body.start_byte:] if body.text else b""
        return not re.search(rb"(?<![\w$.])" + re.escape(nxt.encode()) + rb"\s*\(\s*\)", rest)
    return False


def _bare_call(node: Node, name: str) -> bool:
    if node.type != "call_expression" or text(node.child_by_field_name("function")) != name:
        return False
    args = node.child_by_field_name("arguments")
    return args is None or not code_children(args)

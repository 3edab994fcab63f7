"""body-limit: what really lets a client fill the server's memory or disk with one request.

Express's and body-parser's ``json``, ``urlencoded``, ``raw`` and ``text`` parsers all stop at
100kb when no ``limit`` is given (body-parser 1 and 2, express 4.17+ and 5), so a parser without
options is bounded already: writing ``limit: '100kb'`` would change nothing. Reported instead:

- a parser whose explicit ``limit`` is far above any plausible need: unbounded (``Infinity``),
  ``50mb`` or more, or above 1mb on a ``raw``/``text`` parser whose ``type`` takes every content
  type (it buffers every request's body, uploads included); an explicit limit below that is the
  app's decision. A project that sets ``body_limit_max`` gets every limit above it reported.
  The fix lowers the limit to ``body_limit_max`` (1mb when unset);
- a parser without ``limit`` only where the project asks for less than the 100kb default
  (``body_limit`` or ``body_limit_max`` below it); the fix adds that bound;
- upload middleware without a file size bound: multer and express-fileupload (no bound by
  default), busboy (no bound, and a bound only truncates: report only), formidable (200mb by
  default), or with an explicit bound above ``upload_limit_max`` (default 10mb: files are
  legitimately larger than request bodies); the fix adds or lowers the bound to it.

Not reported: a parser mounted for every request after one of the same kind on the same app
(it never parses a body: the first one read it). Every fix rejects requests the app accepted
before: all are unsafe.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator

from tree_sitter import Node

from nodeharden._model import FileChange, Finding, Fix, TextEdit
from nodeharden._parse import (
    CASTS,
    arguments_of,
    captures,
    code_children,
    has_spread,
    object_properties,
    string_value,
    text,
    uses_of,
    walk,
)
from nodeharden._record import field, record
from nodeharden._regex import lazy_pattern
from nodeharden.rules._base import FileContext, Rule
from nodeharden.rules._edits import (
    add_properties,
    assigned_properties,
    has_comments,
    resolve_object,
)

PARSERS = frozenset({"json", "urlencoded", "raw", "text"})
MODULES = ("express", "body-parser")
UPLOADS = ("multer", "express-fileupload", "formidable", "busboy")
#: body-parser's own default for all four parsers (body-parser 1 and 2, express 4.17+ and 5).
DEFAULT_LIMIT = 100 * 1024
#: formidable's default ``maxFileSize`` (v1 to v3).
FORMIDABLE_DEFAULT = 200 * 1024 * 1024
#: What a fix lowers a limit to when the project sets no ``body_limit_max``.
DEFAULT_MAX = "1mb"
#: What an upload fix bounds files to when the project sets no ``upload_limit_max`` (files are
#: legitimately larger than request bodies).
DEFAULT_UPLOAD_MAX = "10mb"
#: An explicit limit at or above this is far above any plausible need (unless the project sets
#: ``body_limit_max``): JSON.parse of a 50mb document blocks the event loop for hundreds of
#: milliseconds or more, the body is held as a buffer, a string and the parsed object (several
#: times its size), and twenty concurrent requests hold gigabytes. Below it, a limit written
#: into the code is the maintainers' decision (an API taking a few megabytes, an image upload).
FAR_ABOVE_NEED = 50 * 1024 * 1024
#: An explicit upload bound at or above this is no bound in effect, wherever files go: 100gb is
#: more than the whole disk of the machine or container such an app runs on (cloud volumes
#: start at 8-100gb), so one request can fill it anyway, and a deliberate cap sized to content
#: (a video route taking a few gigabytes) stays well below it; ``1e15`` or ``2 ** 50`` is how
#: code says "unlimited" without ``Infinity``.
NO_REAL_BOUND = 100 * 1024 ** 3
#: ``type`` values with which a parser reads every request's body, whatever its content type.
CATCH_ALL_TYPES = frozenset({"*/*", "*"})

_CALL_QUERY = "(call_expression) @call (new_expression) @call"
_UNITS = {"b": 1, "kb": 1024, "mb": 1024 ** 2, "gb": 1024 ** 3, "tb": 1024 ** 4, "pb": 1024 ** 5}
_SIZE_RE = lazy_pattern(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb|pb)?\s*$", re.IGNORECASE)
_UNBOUNDED = {"Infinity", "Number.POSITIVE_INFINITY", "Number.MAX_SAFE_INTEGER",
              "Number.MAX_VALUE"}


def parse_size(value: str) -> float | None:
    """Return the bytes of a size like ``'100kb'`` (units of 1024, as the ``bytes`` package
    reads them; a bare number is bytes), or None."""
    match = _SIZE_RE.match(value)
    if not match:
        return None
    return float(match.group(1)) * _UNITS[(match.group(2) or "b").lower()]


def size_of(node: Node | None) -> float | None:
    """Return the bytes a limit expression stands for (``inf`` for no bound), or None when it
    is not a literal the rule can read (a variable, an environment value)."""
    if node is None:
        return None
    if node.type == "parenthesized_expression" and node.named_children:
        return size_of(node.named_children[0])
    if text(node) in _UNBOUNDED:
        return math.inf
    if node.type == "number":
        try:
            return float(text(node).replace("_", ""))
        except ValueError:
            return None
    if node.type in ("string", "template_string"):
        value = string_value(node)
        return parse_size(value) if value is not None else None
    if node.type == "binary_expression" and text(node.child_by_field_name("operator")) == "*":
        left = size_of(node.child_by_field_name("left"))
        right = size_of(node.child_by_field_name("right"))
        return left * right if left is not None and right is not None else None
    return None


def show_size(size: float) -> str:
    """Return a size as people write it (``'50mb'``, ``'1.5kb'``, ``'no bound'``)."""
    if math.isinf(size):
        return "no bound"
    for unit in ("pb", "tb", "gb", "mb", "kb"):
        if size >= _UNITS[unit]:
            return f"{size / _UNITS[unit]:g}{unit}"
    return f"{size:g}b"


def bytes_expression(size: float) -> str:
    """Return a byte count as a readable JavaScript expression (``5 * 1024 * 1024``)."""
    n = int(size)
    if n and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} * 1024 * 1024"
    if n and n % 1024 == 0:
        return f"{n // 1024} * 1024"
    return str(n)


def parser_callees(ctx: FileContext) -> tuple[set[str], dict[str, str]]:
    """Return (local names of express/body-parser, local name → parser for named imports)."""
    modules: set[str] = set()
    named: dict[str, str] = {}
    for imp in ctx.facts.imports:
        if imp.module not in MODULES:
            continue
        modules |= {n for n in (imp.default, imp.namespace) if n}
        named.update({local: name for name, local in imp.named.items() if name in PARSERS})
    return modules, named


def parser_name(fn: Node, modules: set[str], named: dict[str, str]) -> str | None:
    """Return ``express.json``-style text when ``fn`` is a body-parser factory, else None."""
    if fn.type == "identifier":
        parser = named.get(text(fn))
        return f"{parser}()" if parser else None
    if fn.type != "member_expression":
        return None
    obj = fn.child_by_field_name("object")
    prop = text(fn.child_by_field_name("property"))
    if obj is None or prop not in PARSERS:
        return None
    if obj.type == "identifier" and text(obj) in modules:
        return f"{text(obj)}.{prop}()"
    if obj.type == "call_expression" and text(obj.child_by_field_name("function")) == "require":
        args = obj.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        if string_value(first) in MODULES:
            return f"{text(obj)}.{prop}()"
    return None


def _upload_callees(ctx: FileContext) -> dict[str, str]:
    """Return local callee text → upload module (``multer``, ``formidable.IncomingForm``…)."""
    callees: dict[str, str] = {}
    for imp in ctx.facts.imports:
        if imp.module not in UPLOADS:
            continue
        for local in (imp.default, imp.namespace):
            if local:
                callees[local] = imp.module
                if imp.module == "formidable":
                    callees[f"{local}.IncomingForm"] = imp.module
                    callees[f"{local}.formidable"] = imp.module
                if imp.module == "busboy":
                    callees[f"{local}.Busboy"] = imp.module
        for name, local in imp.named.items():
            if imp.module == "formidable" and name in ("IncomingForm", "formidable", "default"):
                callees[local] = imp.module
            if imp.module == "busboy" and name in ("Busboy", "default"):
                callees[local] = imp.module
    return callees


#: An upload package called where it is required: ``require('multer')({ dest })``. The
#: lookbehind after the word stands for a ``\b`` before it: a pattern that starts with a
#: literal is searched for that literal first (nine times faster over the bench app).
_INLINE_UPLOAD_RE = lazy_pattern(rb"require(?<!\wrequire)\s*\(\s*['\"](?:" + b"|".join(
    re.escape(m.encode()) for m in UPLOADS) + rb")['\"]\s*\)\s*\(")


def _required_upload(fn: Node) -> str | None:
    """Return the upload package a callee requires in place (``require('multer')`` in
    ``require('multer')()``), else None."""
    if fn.type != "call_expression" or text(fn.child_by_field_name("function")) != "require":
        return None
    args = fn.child_by_field_name("arguments")
    given = code_children(args) if args is not None else []
    module = string_value(given[0]) if len(given) == 1 else None
    return module if module in UPLOADS else None


def _outer(node: Node) -> Node:
    """Return ``node`` with the parentheses and type casts around it."""
    while node.parent is not None and node.parent.type in CASTS:
        node = node.parent
    return node


def _none_call(node: Node) -> bool:
    """Return True when ``node`` is the object of a ``.none()`` call (``node.none()``)."""
    member = _outer(node).parent
    if member is None or member.type != "member_expression" \
            or text(member.child_by_field_name("property")) != "none":
        return False
    call = member.parent
    return call is not None and call.type == "call_expression" \
        and call.child_by_field_name("function") == member


def _mentions(root: Node) -> dict[str, list[Node]]:
    """Return each name of the file mapped to the nodes that spell it (identifiers and
    shorthand properties)."""
    found: dict[str, list[Node]] = {}
    for node in walk(root):
        if node.type in ("identifier", "shorthand_property_identifier"):
            found.setdefault(text(node), []).append(node)
    return found


def _only_none(call: Node, mentions: dict[str, list[Node]]) -> bool:
    """Return True when every use of the multer instance ``call`` makes is ``.none()``, which
    takes text fields only and rejects every file part (LIMIT_UNEXPECTED_FILE), so no file size
    matters: ``multer().none()``, or ``const m = multer(…)`` (not exported) with ``m.none()``
    for each mention of the name in the file. A name used any other way (``m.single(…)``, as
    middleware itself, exported, passed on, assigned) keeps the instance reported."""
    if _none_call(call):
        return True
    declarator = _outer(call).parent
    if declarator is None or declarator.type != "variable_declarator" \
            or declarator.child_by_field_name("value") != _outer(call):
        return False
    name_node = declarator.child_by_field_name("name")
    declaration = declarator.parent
    if name_node is None or name_node.type != "identifier" or declaration is None \
            or (declaration.parent is not None and declaration.parent.type == "export_statement"):
        return False
    uses = [node for node in mentions.get(text(name_node), []) if node != name_node]
    return bool(uses) and all(node.type == "identifier" and _none_call(node) for node in uses)


class BodyLimit(Rule):
    """Body parsers and upload middleware that accept more than the project allows."""

    id = "body-limit"
    needles = (b"json", b"urlencoded", b"raw", b"text", b"multer", b"fileupload",
               b"formidable", b"busboy")
    #: An upload package configured alike in each route of a controller (formidable's default
    #: in `create` and in `update`): one finding per file, package and bound.
    repeats = lazy_pattern(r"(\S+ upload accepts [^,:;]+), above upload_limit_max ")

    def wants(self, source: bytes) -> bool:
        # Only parsers imported from express or body-parser, and the upload packages, count.
        return any(module.encode() in source for module in (*MODULES, *UPLOADS)) \
            and super().wants(source)

    def check_file(self, ctx: FileContext) -> Iterable[Finding]:
        modules, named = parser_callees(ctx)
        uploads = _upload_callees(ctx)
        inline = _INLINE_UPLOAD_RE.search(ctx.source) is not None
        if not modules and not named and not uploads and not inline:
            return
        config = ctx.info.config
        max_text = config.body_limit_max or DEFAULT_MAX
        limit_max = parse_size(max_text) or 1024 * 1024
        upload_max = parse_size(config.upload_limit_max or DEFAULT_UPLOAD_MAX) \
            or 10 * 1024 * 1024
        wanted = min(parse_size(config.body_limit) or DEFAULT_LIMIT, limit_max)
        wanted_text = config.body_limit if wanted != limit_max else max_text
        root = ctx.tree.root_node
        fixed_declarations: set[int] = set()
        #: (block, receiver, parser kind) → the first parser of that kind every request passes
        mounted: dict[tuple[int, str, str], Node] = {}
        names: list[dict[str, list[Node]]] = []

        def mentions() -> dict[str, list[Node]]:
            if not names:
                names.append(_mentions(root))
            return names[0]

        for call in captures(ctx.lang, _CALL_QUERY, root).get("call", []):
            fn = call.child_by_field_name("function") or call.child_by_field_name("constructor")
            args = arguments_of(call)
            if fn is None or args is None:
                continue
            name = parser_name(fn, modules, named) if call.type == "call_expression" else None
            module = uploads.get(text(fn)) or (_required_upload(fn) if inline else None)
            if name is None and module is None:
                continue
            values = code_children(args)
            opts = values[0] if values else None
            declared = resolve_object(root, text(opts)) if opts is not None \
                and opts.type == "identifier" else None
            opts = declared or opts
            if name is not None and _dead_parser(call, name, opts, mounted):
                continue  # an earlier parser of the same kind reads every such body first
            if opts is not None and opts.type != "object":
                continue  # options built elsewhere: their bound is unknown
            if declared is not None and declared.start_byte in fixed_declarations:
                continue  # several calls sharing one options object: one finding edits it
            found = list(self._parser(ctx, call, args, opts, name, limit_max, wanted,
                                      wanted_text, fixed_declarations) if name is not None else
                         self._upload(ctx, call, args, opts, module or "", upload_max,
                                      mentions,
                                      text(values[0]) if declared is not None else None))
            if found and declared is not None:
                fixed_declarations.add(declared.start_byte)
            yield from found

    def _parser(self, ctx: FileContext, call: Node, args: Node, opts: Node | None, name: str,
                limit_max: float, wanted: float, wanted_text: str,
                fixed_declarations: set[int]) -> Iterator[Finding]:
        props = object_properties(opts) if opts is not None else {}
        limit = props.get("limit")
        q = ctx.style.q
        if limit is not None:
            target: Node | None = limit  # what the fix rewrites
            constant = _constant(ctx.tree.root_node, limit) if limit.type == "identifier" \
                else None
            size = size_of(constant if constant is not None else limit)
            if size is None:
                return
            configured = ctx.info.config.body_limit_max
            max_text = configured or DEFAULT_MAX
            why = (f"above body_limit_max {configured}" if size > limit_max else None) \
                if configured is not None else _far_above_need(size, name, props, limit_max)
            if why is None:
                return  # a bound the project allows, or the maintainers' own decision
            if constant is not None:
                # `limit: FILE_LIMIT` with `const FILE_LIMIT = '3GB'`: the fix edits the
                # declaration once, and only when every use of the name is a `limit:` value
                # (else lowering it would change something else); otherwise report only.
                target = constant if constant.start_byte not in fixed_declarations \
                    and _only_limit_uses(ctx.tree.root_node, text(limit)) else None
                fixed_declarations.add(constant.start_byte)
            fix = Fix(title=f"Lower the body limit to {q(max_text)} (bodies above it get 413)",
                      applicability="unsafe",
                      changes=(FileChange(ctx.rel, (TextEdit(target.start_byte, target.end_byte,
                                                             q(max_text)),)),)) \
                if target is not None else None
            accepts = "of any size" if math.isinf(size) else f"up to {show_size(size)}"
            yield ctx.node_finding(
                self.id, call, f"{name} accepts bodies {accepts} (`limit: {text(limit)}`)"
                + (f", {why}" if why else "") + ": a few concurrent requests hold that much "
                "memory each", fix)
            return
        if opts is not None and has_spread(opts):
            return  # a spread may carry a limit
        if DEFAULT_LIMIT <= wanted:
            return  # Express's default bound already holds
        prop = f"limit: {q(wanted_text)}"
        if opts is None:
            edits = [TextEdit(args.start_byte + 1, args.end_byte - 1, ctx.style.braces(prop))]
            if has_comments(args):  # keep the comment: insert, do not replace
                edits = [TextEdit(args.start_byte + 1, args.start_byte + 1,
                                  ctx.style.braces(prop) + " ")]
        else:
            edits = add_properties(ctx.source, opts, [prop])
        fix = Fix(title=f"Add {prop} to the body parser options (bodies above it get 413)",
                  applicability="unsafe", changes=(FileChange(ctx.rel, tuple(edits)),))
        yield ctx.node_finding(
            self.id, call, f"{name} accepts bodies up to Express's default 100kb, above the "
            f"configured {wanted_text}", fix)

    def _upload(self, ctx: FileContext, call: Node, args: Node, opts: Node | None, module: str,
                limit_max: float, mentions: Callable[[], dict[str, list[Node]]],
                variable: str | None = None) -> Iterator[Finding]:
        """``variable``: the name of the options object when the call is handed one declared
        in the file (``multer(opts)``), whose later assignments (``opts.limits = {…}``,
        ``opts.limits.fileSize = …``) count where they surely run before the call.
        ``mentions``: the file's names (``_mentions``), read once per file when needed."""
        props = object_properties(opts) if opts is not None else {}
        if opts is not None and has_spread(opts):
            return
        if module == "multer" and _only_none(call, mentions()):
            return  # `.none()` rejects every file: a file size bound would change nothing
        configured = ctx.info.config.upload_limit_max is not None
        max_text = ctx.info.config.upload_limit_max or DEFAULT_UPLOAD_MAX
        size_code = bytes_expression(limit_max)
        label = f"{module} upload"
        root = ctx.tree.root_node
        if module == "formidable":
            current = props.get("maxFileSize")
            if current is not None:
                size = _size_or_constant(root, current)
                if size is None or size <= limit_max \
                        or not _bound_reported(size, configured, in_memory=False):
                    return
                edits = [TextEdit(current.start_byte, current.end_byte, size_code)]
                what = "files of any size" if math.isinf(size) else f"files up to {show_size(size)}"
            else:
                if FORMIDABLE_DEFAULT <= limit_max or _assigns(ctx, "maxFileSize"):
                    return
                edits = self._add(ctx, args, opts, [f"maxFileSize: {size_code}"])
                what = "files up to its default 200mb"
            fix = Fix(title=f"Set formidable's maxFileSize to {max_text} (larger uploads get an "
                            "error, 413)", applicability="unsafe",
                      changes=(FileChange(ctx.rel, tuple(edits)),)) \
                if current is None or _constant(root, current) is None else None
            yield ctx.node_finding(self.id, call, f"{label} accepts {what}, above "
                                   f"upload_limit_max {max_text}", fix)
            return
        limits = props.get("limits")
        file_size_set: Node | None = None  # `opts.limits.fileSize = …` before the call
        conditional: Node | None = None  # a `limits`/`fileSize` set under a condition before it
        if variable is not None:
            sure = assigned_properties(root, variable, before=call).get("limits")
            file_size_set = assigned_properties(root, variable, ("limits",),
                                                before=call).get("fileSize")
            limits = sure if sure is not None else limits
            last = max((n.end_byte for n in (sure, file_size_set) if n is not None), default=0)
            maybe = [*assigned_properties(root, variable, before=call, surely=False).items(),
                     *assigned_properties(root, variable, ("limits",), before=call,
                                          surely=False).items()]
            conditional = next((value for key, value in maybe
                                if key in ("limits", "fileSize") and value.start_byte > last
                                and value not in (sure, file_size_set)), None)
        if limits is not None and limits.type != "object":
            return  # limits built elsewhere
        file_size = file_size_set or (object_properties(limits).get("fileSize")
                                      if limits is not None else None)
        unsure = False
        if file_size is not None:
            size = _size_or_constant(root, file_size)
            in_memory = _in_memory(module, props)
            if size is None or size <= limit_max \
                    or not _bound_reported(size, configured, in_memory is not False):
                return
            # Reported only because the storage is not known: the bound may be the
            # maintainers' own for a storage off memory, so report only.
            unsure = in_memory is None and not _bound_reported(size, configured, False)
            what = "files of any size" if math.isinf(size) else f"files up to {show_size(size)}"
            edits = [TextEdit(file_size.start_byte, file_size.end_byte, size_code)]
        else:
            what = "files of any size"
            if conditional is not None and conditional.parent is not None:
                # `if (!process.env.NO_LIMIT) opts.limits = {…}`: bounded unless that branch
                # is skipped, which the maintainers chose to allow. A bound added to the object
                # would change only the unbounded path they opted into: report only.
                target = text(conditional.parent.child_by_field_name("left"))
                yield ctx.node_finding(
                    self.id, call, f"{label} accepts {what} where `{target} = …` (line "
                    f"{conditional.start_point[0] + 1}, under a condition) does not run, above "
                    f"upload_limit_max {max_text}: check that the unbounded path is meant")
                return
            if limits is not None:
                edits = add_properties(ctx.source, limits, [f"fileSize: {size_code}"])
            else:
                edits = self._add(ctx, args, opts,
                                  ["limits: " + ctx.style.braces(f"fileSize: {size_code}")])
        if module == "busboy":
            # A bound only truncates the file stream: code that ignores `truncated` would
            # store cut files. Report only.
            yield ctx.node_finding(
                self.id, call, f"{label} accepts {what}, above upload_limit_max {max_text}: set "
                f"`limits: {{ fileSize: {size_code} }}` and reject files whose stream ends "
                "`truncated`")
            return
        title = f"Bound {module} uploads to {max_text} (larger files are rejected"
        if module == "express-fileupload":
            title += " with 413)"
            # Without abortOnLimit, express-fileupload truncates the file and carries on.
            if "abortOnLimit" not in props:
                if limits is None:
                    edits = self._add(ctx, args, opts, [
                        "limits: " + ctx.style.braces(f"fileSize: {size_code}"),
                        "abortOnLimit: true"])
                elif opts is not None:
                    edits += add_properties(ctx.source, opts, ["abortOnLimit: true"])
        else:
            title += ": MulterError LIMIT_FILE_SIZE)"
        # A bound held in a const: the project's own setting, maybe shared: report only.
        fix = Fix(title=title, applicability="unsafe",
                  changes=(FileChange(ctx.rel, tuple(edits)),)) \
            if not unsure and (file_size is None or _constant(root, file_size) is None) else None
        yield ctx.node_finding(self.id, call, f"{label} accepts {what}, above upload_limit_max "
                               f"{max_text}: one request can fill memory or disk", fix)

    @staticmethod
    def _add(ctx: FileContext, args: Node, opts: Node | None, props: list[str]) -> list[TextEdit]:
        if opts is None:
            inner = ", ".join(props)
            return [TextEdit(args.start_byte + 1, args.end_byte - 1, ctx.style.braces(inner))]
        return add_properties(ctx.source, opts, props)


def _dead_parser(call: Node, name: str, opts: Node | None,
                 mounted: dict[tuple[int, str, str], Node]) -> bool:
    """Return True when ``call`` is a parser mounted for every request (``app.use(parser)``, a
    statement of its own) after one of the same kind on the same app in the same block, neither
    with a ``type`` option: the first one reads every body of that type (body-parser then skips a
    request whose body was read), so this one never parses anything and its limit never applies
    (``app.use(express.json())`` then ``app.use(bodyParser.json({ limit: '30mb' }))``).
    Records ``call`` as the first of its kind otherwise."""
    args = call.parent
    use = args.parent if args is not None and args.type == "arguments" else None
    fn = use.child_by_field_name("function") if use is not None else None
    stmt = use.parent if use is not None else None
    if args is None or use is None or fn is None or stmt is None or stmt.parent is None \
            or len(code_children(args)) != 1 or fn.type != "member_expression" \
            or text(fn.child_by_field_name("property")) != "use" \
            or stmt.type != "expression_statement":
        return False
    if opts is not None and (opts.type != "object" or "type" in object_properties(opts)
                             or has_spread(opts)):
        return False  # options unknown, or another content type: it may parse other bodies
    key = (stmt.parent.id, text(fn.child_by_field_name("object")), name[:-2].rpartition(".")[2])
    if key in mounted:
        return True
    mounted[key] = call
    return False


def _far_above_need(size: float, name: str, props: dict[str, Node],
                    catch_all_max: float) -> str | None:
    """Return why an explicit ``limit`` of ``size`` bytes is far above any plausible need (the
    finding's reason), or None when it is a bound the maintainers chose: unbounded, at or above
    ``FAR_ABOVE_NEED``, or above ``catch_all_max`` on a ``raw``/``text`` parser whose ``type``
    takes every content type (it buffers every request's body, uploads and streams included,
    so its limit is not sized for one kind of payload)."""
    if math.isinf(size):
        return ""  # the message says "of any size"
    if size >= FAR_ABOVE_NEED:
        return f"{show_size(FAR_ABOVE_NEED)} or more, far above what a request body needs"
    kind = name[:-2].rpartition(".")[2]
    if kind in ("raw", "text") and size > catch_all_max \
            and string_value(props.get("type")) in CATCH_ALL_TYPES:
        return (f"above {show_size(catch_all_max)} for every content type (`type: "
                f"{text(props['type'])}` buffers every request's body)")
    return None


#: Where an identifier is a binding other than a variable declaration's name.
_BINDING_PARENTS = frozenset({
    "formal_parameters", "required_parameter", "optional_parameter", "import_specifier",
    "import_clause", "namespace_import", "object_pattern", "array_pattern", "assignment_pattern",
    "pair_pattern", "rest_pattern", "catch_clause", "function_declaration", "class_declaration"})


def _size_or_constant(root: Node, node: Node) -> float | None:
    """Return the bytes of a bound written as a literal or as a same-file ``const``."""
    constant = _constant(root, node) if node.type == "identifier" else None
    return size_of(constant if constant is not None else node)


def _in_memory(module: str, props: dict[str, Node]) -> bool | None:
    """Return True when the upload middleware holds files in memory: multer without ``dest``
    or ``storage`` (its default is memory storage) or with ``memoryStorage()``, and
    express-fileupload without ``useTempFiles: true``; None when multer's ``storage`` is not
    known (``_memory_storage``). formidable writes to disk and busboy streams."""
    if module == "multer":
        storage = props.get("storage")
        if storage is not None:
            return _memory_storage(storage)
        return "dest" not in props
    if module == "express-fileupload":
        return text(props.get("useTempFiles")) != "true"
    return False


def _memory_storage(storage: Node, depth: int = 0) -> bool | None:
    """Return whether multer's ``storage`` holds files in memory: True for a call naming
    ``memoryStorage``, False for a call or ``new`` of another storage engine
    (``multer.diskStorage(…)``, ``multerS3(…)``, ``new GridFsStorage(…)``), directly or through
    the one declaration of a name the file never reassigns (``const storage = …; multer({
    storage })``); None (not known) for a name bound elsewhere (imported, a parameter, declared
    twice) or a member: the caller counts it as memory, never as disk."""
    if storage.type == "parenthesized_expression" and storage.named_children:
        return _memory_storage(storage.named_children[0], depth)
    if storage.type in ("call_expression", "new_expression", "await_expression"):
        return "memoryStorage" in text(storage)
    if storage.type in ("identifier", "shorthand_property_identifier") and depth < 3:
        root = storage
        while root.parent is not None:
            root = root.parent
        value = _declared_value(root, storage)
        return None if value is None else _memory_storage(value, depth + 1)
    return None


def _declared_value(root: Node, name_node: Node) -> Node | None:
    """Return the value of the one declaration (``const``, ``let`` or ``var``) of the name
    ``name_node`` holds when nothing else in the file binds or assigns that name; None else."""
    index = _bindings(root)
    name = name_node.text or b""
    found = index.declarators.get(name, [])
    if len(found) != 1 or name in index.other or name in index.assigned:
        return None
    return found[0].child_by_field_name("value")


@record
class _Bindings:
    """The names a file binds, from one walk: its declarators by name, the names something
    else binds too (a parameter, an import, a pattern…), and the names assigned."""

    root: Node
    declarators: dict[bytes, list[Node]] = field(default_factory=dict)
    other: set[bytes] = field(default_factory=set)
    assigned: set[bytes] = field(default_factory=set)


#: The last file's ``_Bindings`` (every lookup of one file walks it once).
_BINDINGS: list[_Bindings] = []


def _bindings(root: Node) -> _Bindings:
    """Return the ``_Bindings`` of the file whose tree is ``root``, walking it once."""
    if _BINDINGS and _BINDINGS[0].root == root:
        return _BINDINGS[0]
    index = _Bindings(root)
    for node in walk(root):
        kind = node.type
        name = node.text or b""
        if kind == "shorthand_property_identifier_pattern":
            index.other.add(name)
        elif kind == "identifier" and node.parent is not None:
            parent = node.parent
            if parent.type in _BINDING_PARENTS or (
                    parent.type == "arrow_function"
                    and parent.child_by_field_name("parameter") == node):
                index.other.add(name)
            elif parent.type in ("assignment_expression", "augmented_assignment_expression") \
                    and parent.child_by_field_name("left") == node:
                index.assigned.add(name)
        elif kind == "variable_declarator":
            key = node.child_by_field_name("name")
            if key is not None and key.type == "identifier":
                index.declarators.setdefault(key.text or b"", []).append(node)
    _BINDINGS[:] = [index]
    return index


def _bound_reported(size: float, configured: bool, in_memory: bool) -> bool:
    """Return True when an explicit upload bound of ``size`` bytes (above ``upload_limit_max``)
    is reported: always when the project sets ``upload_limit_max`` (its own ceiling); without
    it, a finite bound written into the code is the maintainers' decision (an audio route sized
    to its provider's 25mb limit, a video route that takes gigabytes on disk), unless it is no
    bound (``Infinity``, or ``NO_REAL_BOUND`` or more: ``1e15``) or holds ``FAR_ABOVE_NEED`` or
    more in memory (as much as a body parser's far-above-need limit, per request)."""
    if configured or size >= NO_REAL_BOUND:
        return True
    return in_memory and size >= FAR_ABOVE_NEED


def _constant(root: Node, name_node: Node) -> Node | None:
    """Return the value of the ``const`` that ``name_node`` names, when the file declares that
    name exactly once, as a ``const`` (a ``let`` or ``var`` may be reassigned), and no function
    parameter or other binding shadows it (``const FILE_LIMIT = '3GB'``)."""
    index = _bindings(root)
    name = name_node.text or b""
    found = index.declarators.get(name, [])
    if len(found) != 1 or name in index.other:
        return None
    declaration = found[0].parent
    if declaration is None or declaration.type != "lexical_declaration" \
            or not declaration.children or declaration.children[0].type != "const":
        return None
    value = found[0].child_by_field_name("value")
    return value if value is not None and value.type in ("string", "number",
                                                          "binary_expression") else None


def _only_limit_uses(root: Node, name: str) -> bool:
    """Return True when every use of ``name`` in the file, besides its declaration, is the value
    of a ``limit:`` property."""
    for node in uses_of(root, name):
        parent = node.parent
        if parent is None:
            return False
        if parent.type == "variable_declarator" and parent.child_by_field_name("name") == node:
            continue
        key = parent.child_by_field_name("key") if parent.type == "pair" else None
        if parent.type != "pair" or parent.child_by_field_name("value") != node \
                or key is None or text(key).strip("'\"") != "limit":
            return False
    return True


def _assigns(ctx: FileContext, prop: str) -> bool:
    """Return True when the file assigns ``X.prop = ...`` (formidable 1's style)."""
    return re.search(rf"\.{prop}\s*=[^=]".encode(), ctx.source) is not None


RULE = BodyLimit()

"""Express apps mounted in another app: ``app.use('/account', account.handlers)`` where
``./account`` creates ``express()`` and exports it.

A mounted sub-app runs behind the middleware its parent mounted before it (helmet's headers,
a limiter) and hands the errors it does not handle to the parent, so a rule that protects an
app reports the app that serves, not each sub-app it mounts. A file counts as a sub-app only
when nothing in it serves: no ``.listen(`` and no ``createServer(`` (an app that also starts a
server of its own when run directly is judged as before).
"""

from __future__ import annotations

import posixpath
import re

from tree_sitter import Node, Tree

from nodeharden._express import ArgFact, CallFact, FileFacts
from nodeharden._parse import (CASTS, FUNCTION_TYPES, code_children, has_spread,
                              object_properties, parse, required_module, string_value, text,
                              unwrap, walk)
from nodeharden._project import JS_SUFFIXES
from nodeharden._regex import lazy_pattern
from nodeharden.rules._base import ProjectContext, is_test_file

_REQUIRE_ARG = lazy_pattern(r"^require\s*\(\s*(['\"`])([^'\"`]+)\1\s*\)$")
#: ``const api = require('./api')(env, ctx)``: a local module's export called as a factory.
_FACTORY_CALL = r"\b(?:var|let|const)\s+{name}\s*=\s*require\s*\(\s*(['\"`])(\.[^'\"`]+)\1\s*\)\s*\("
#: What may stand before an imported factory's call: ``await``, ``yield*`` or ``yield`` (a
#: generator-based runner hands back the value the call settles to).
_SETTLED = r"(?:await\s+|yield\s*\*\s*|yield\s+)?"
#: ``const api = [await|yield*] makeApi(config)`` or ``ns.makeApi(config)``: the name of what
#: is called (an imported factory) and, for a member of it, the member's name.
_IMPORTED_FACTORY_CALL = (r"\b(?:var|let|const)\s+{name}\s*=\s*" + _SETTLED
                          + r"([\w$]+)(?:\s*\.\s*([\w$]+))?\s*\(")
#: ``const { app: api, other } = [await|yield*] [ns.]makeApi(config)``: the pattern's text,
#: then the callee as above.
_DESTRUCTURED_FACTORY_CALL = lazy_pattern(
    r"\b(?:var|let|const)\s*\{([^{}()=]*)\}\s*=\s*" + _SETTLED
    + r"([\w$]+)(?:\s*\.\s*([\w$]+))?\s*\(")


def sub_apps(ctx: ProjectContext, *, factories: bool = False,
             members: bool = False) -> dict[str, str]:
    """Return each project file whose Express app another file mounts with ``.use(…)`` on an
    app or router it creates, mapped to that file (test files mount nothing here). With
    ``factories``, a name bound to what a local module's export returns when called
    (``const api = require('./api')(env, ctx); app.use('/api', api)``) counts too. With
    ``members``, a member of a shared object set once in another file (``shared_member_file``:
    ``ctx.api = require('./api')(env, ctx)`` and ``app.use('/api', ctx.api)``) counts too."""
    mounted = {rel: found[0][0] for rel, found in
               mounts(ctx, factories=factories, members=members).items()}
    return {rel: parent for rel, parent in mounted.items() if _reaches_a_root(rel, mounted)}


def mounts(ctx: ProjectContext, *, factories: bool = False,
           members: bool = False) -> dict[str, list[tuple[str, CallFact]]]:
    """Return each project file whose Express app other files mount (as ``sub_apps``), mapped
    to every ``(mounting file, .use call)`` that mounts it, in the order of the files."""
    found: dict[str, list[tuple[str, CallFact]]] = {}
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
                if rel is None and (chosen := chosen_binding(ctx, facts, arg)) is not None:
                    rel = chosen[0]
                if rel is None and factories:
                    rel = _factory_file(ctx, facts, arg) or _instance_file(ctx, facts, arg)
                    if rel is None and (callee := _called_factory(ctx, facts, arg)):
                        made = _imported_factory(ctx, facts, *callee, None)
                        for other in ([] if made else _dynamic_factories(ctx, facts, *callee)):
                            if other != path and _only_an_app(ctx, other):
                                found.setdefault(other, []).append((path, call))
                        rel = made
                if rel is None and members:
                    rel = shared_member_file(ctx, facts, arg)
                if rel is not None and rel != path and _only_an_app(ctx, rel):
                    found.setdefault(rel, []).append((path, call))
    return found


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


def chosen_binding(ctx: ProjectContext, facts: FileFacts,
                   arg: ArgFact) -> tuple[str, int, int] | None:
    """Return the project file of the app a ``use`` argument names, and the bytes of the name's
    binding (where the app's own name is read), when the name is bound once,
    to a choice between that app and other middleware: ``const api = FAKE ? fakeApi :
    createProxyMiddleware(…)``, ``fakeApi || proxy`` (with ``fakeApi`` imported from a local
    module, as ``mounted_file`` reads it, the one choice that is such an app). Whichever is
    chosen is mounted there, behind the parent's middleware."""
    if arg.kind != "identifier" or not re.fullmatch(r"[\w$]+", arg.name):
        return None
    data = ctx.read(facts.path) or b""
    name = arg.name.encode()
    if name not in data or not (b"?" in data or b"||" in data):
        return None  # the common case: no choice in the file, no parse
    tree = _tree(ctx, facts.path, data)
    if tree is None:
        return None
    values: list[Node | None] = []
    declarator: Node | None = None
    for node in walk(tree.root_node):
        if node.type == "variable_declarator" and text(node.child_by_field_name("name")) == \
                arg.name:
            values.append(unwrap(node.child_by_field_name("value")))
            declarator = node
        elif node.type in ("assignment_expression", "augmented_assignment_expression") \
                and text(node.child_by_field_name("left")) == arg.name:
            values.append(None)
    if len(values) != 1 or values[0] is None:
        return None  # bound twice (or assigned): which value is mounted cannot be told
    choices: list[Node] = []
    todo: list[Node | None] = [values[0]]
    while todo:
        value = unwrap(todo.pop())
        if value is None:
            continue
        if value.type == "ternary_expression":
            todo += [value.child_by_field_name("consequence"),
                     value.child_by_field_name("alternative")]
        elif value.type == "binary_expression" and text(value.child_by_field_name("operator")) \
                in ("||", "??"):
            todo += [value.child_by_field_name("left"), value.child_by_field_name("right")]
        else:
            choices.append(value)
    if len(choices) < 2:
        return None  # no choice: ``mounted_file`` and the factories read plain bindings
    found = {rel for choice in choices if choice.type == "identifier"
             and (rel := mounted_file(ctx, facts, ArgFact("identifier", text(choice))))
             and _only_an_app(ctx, rel)}
    if len(found) != 1 or declarator is None:
        return None
    return found.pop(), declarator.start_byte, declarator.end_byte


def _factory_file(ctx: ProjectContext, facts: FileFacts, arg: ArgFact) -> str | None:
    """Return the project file whose export a ``use`` argument was made by calling:
    ``const api = require('./api')(env, ctx)``, or ``const api = [await|yield*] make(…)`` with
    ``make`` imported from a local module (its default or namespace import; a named import, or
    a member of a namespace import ``ns.make(…)``, when that export returns an app it creates),
    or ``const { app: api } = [ns.]make(…)`` when the export returns ``{ app, … }`` with an app
    it creates as ``app`` (the name declared once in the file in all cases)."""
    if arg.kind != "identifier" or not re.fullmatch(r"[\w$]+", arg.name):
        return None
    code = (ctx.read(facts.path) or b"").decode("utf-8", "replace")
    found = re.findall(_FACTORY_CALL.format(name=re.escape(arg.name)), code)
    declared = re.findall(rf"\b(?:var|let|const)\s+{re.escape(arg.name)}\b", code)
    patterns = [(match, key) for match in _DESTRUCTURED_FACTORY_CALL.finditer(code)
                if (key := _pattern_key(match.group(1), arg.name)) is not None]
    if len(declared) + len(patterns) != 1:
        return None  # bound twice: which value is mounted cannot be told
    if patterns:  # `const { app: api } = make(…)`
        match, key = patterns[0]
        return _imported_factory(ctx, facts, match.group(2), match.group(3) or None, key)
    if len(found) == 1:
        return ctx.resolve_import(facts.path, found[0][1])
    # `const sub = [await] makeApp(config)` with makeApp imported from a local module
    called = re.findall(_IMPORTED_FACTORY_CALL.format(name=re.escape(arg.name)), code)
    if len(called) != 1:
        return None
    return _imported_factory(ctx, facts, called[0][0], called[0][1] or None, None)


def _called_factory(ctx: ProjectContext, facts: FileFacts,
                    arg: ArgFact) -> tuple[str, str | None] | None:
    """Return the callee, as ``(name, member or None)``, of a factory whose value a ``use``
    argument is: called in place (``app.use('/data', serveData.init(opts))``,
    ``app.use(makeReports(opts))``), or settled and handed to the callback that mounts it
    (``serveRendered.init(opts).then((sub) => { app.use('/s', sub); })``: the name is the
    callback's one parameter, bound nowhere else in it, and the ``use`` call sits in the
    callback itself, not in a function nested in it)."""
    if arg.kind == "call":
        found = _CALLEE.fullmatch(arg.name)
        return (found.group(1), found.group(2)) if found and found.group(1) != "require" \
            else None
    if arg.kind != "identifier" or not re.fullmatch(r"[\w$]+", arg.name):
        return None
    data = ctx.read(facts.path) or b""
    if b".then" not in data:
        return None
    tree = _tree(ctx, facts.path, data)
    node = tree.root_node.descendant_for_byte_range(arg.start, arg.end) if tree else None
    while node is not None and node.type not in FUNCTION_TYPES:
        node = node.parent
    if node is None or node.type not in ("arrow_function", "function_expression", "function"):
        return None
    params = node.child_by_field_name("parameters") or node.child_by_field_name("parameter")
    names = [text(p) for p in code_children(params)] if params is not None and \
        params.type == "formal_parameters" else [text(params)] if params is not None else []
    if names != [arg.name] or any(
            n.type == "variable_declarator" and text(n.child_by_field_name("name")) == arg.name
            for n in _own_nodes(node)):
        return None
    holder = node.parent
    call = holder.parent if holder is not None else None
    if holder is None or call is None or holder.type != "arguments" \
            or call.type != "call_expression" or code_children(holder)[0] != node:
        return None
    callee = call.child_by_field_name("function")
    if callee is None or callee.type != "member_expression" \
            or text(callee.child_by_field_name("property")) != "then":
        return None
    made = unwrap(callee.child_by_field_name("object"))
    if made is None or made.type != "call_expression":
        return None
    found = _CALLEE.fullmatch(text(made.child_by_field_name("function")))
    return (found.group(1), found.group(2)) if found and found.group(1) != "require" else None


def _dynamic_factories(ctx: ProjectContext, facts: FileFacts, called: str,
                       member: str | None) -> list[str]:
    """Return the local modules a name destructured from a dynamic import may come from,
    whose export of that name makes an app when called as ``called[.member](…)``: ``const {
    serveRendered } = await import(light ? './serve_light.js' : './serve_rendered.js')``
    (every path the import's argument names; one that makes no app has none to report)."""
    data = ctx.read(facts.path) or b""
    if b"import" not in data or b"await" not in data:
        return []  # the common case: no dynamic import to read
    code = data.decode("utf-8", "replace")
    bound = [match for match in _DYNAMIC_IMPORT.finditer(code)
             if _pattern_key(match.group(1), called) is not None]
    if len(bound) != 1:
        return []
    key = _pattern_key(bound[0].group(1), called)
    if key is None:
        return []
    export = f"{key}.{member}" if member else key
    argument = code[bound[0].end():bound[0].end() + 400].split(");", 1)[0]
    out: list[str] = []
    for spec in re.findall(r"(?<![\w$])(\.\.?/[\w./-]+)", argument):
        rel = ctx.resolve_import(facts.path, spec)
        target = ctx.facts.get(rel) if rel is not None else None
        if rel is not None and target is not None and rel not in out \
                and _factory_returns_app(target, ctx.read(rel) or b"", export, None):
            out.append(rel)
    return out


#: ``const { a, b: c } = await import(``: the pattern's text.
_DYNAMIC_IMPORT = lazy_pattern(r"\b(?:var|let|const)\s*\{([^{}()=]*)\}\s*=\s*await\s+"
                               r"import\s*\(")


#: A callee a factory may be called by: ``make``, ``ns.make``.
_CALLEE = lazy_pattern(r"([\w$]+)(?:\s*\.\s*([\w$]+))?")


def project_tree(ctx: ProjectContext, rel: str) -> Tree | None:
    """Return the syntax tree of the scanned project file ``rel`` (None when it cannot be read
    or is no JavaScript), parsed once per run for every helper that asks (``_tree``)."""
    data = ctx.read(rel)
    return _tree(ctx, rel, data) if data is not None else None


def _tree(ctx: ProjectContext, rel: str, data: bytes) -> Tree | None:
    """Return the syntax tree of a project file's ``data``, parsed once per run."""
    lang = JS_SUFFIXES.get(posixpath.splitext(rel)[1])
    if lang is None:
        return None
    source = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    trees: dict[tuple[str, bytes], Tree] = ctx.extra.setdefault("mounts:trees", {})
    if (lang, source) not in trees:
        trees[(lang, source)] = parse(lang, source)
    return trees[(lang, source)]


def _instance_file(ctx: ProjectContext, facts: FileFacts, arg: ArgFact) -> str | None:
    """Return the local module of the class whose instance holds the app a ``use`` argument
    names: ``api.router`` with ``const api = new Api(…)``, or ``this.api.router`` with
    ``this.api = new Api(…)`` (a class field), the holder assigned once in the file, ``Api``
    imported from a local module whose code assigns ``this.router = express()``."""
    if arg.kind != "member":
        return None
    parts = [part.strip() for part in arg.name.split(".")]
    if not all(re.fullmatch(r"[\w$]+", part) for part in parts):
        return None
    if len(parts) == 3 and parts[0] == "this":
        holder = r"\bthis\s*\.\s*" + re.escape(parts[1])
    elif len(parts) == 2 and parts[0] != "this":
        holder = r"(?<![\w$.])" + re.escape(parts[0])
    else:
        return None
    code = (ctx.read(facts.path) or b"").decode("utf-8", "replace")
    assigned = re.findall(holder + r"\s*=(?![=>])\s*(?:new\s+([\w$]+)\s*\()?", code)
    if len(assigned) != 1 or not assigned[0]:
        return None  # assigned twice, or not an instance: which value is mounted is unknown
    modules = {imp.module for imp in facts.imports if imp.module.startswith(".")
               and (assigned[0] == imp.default or assigned[0] in imp.named.values())}
    if len(modules) != 1:
        return None
    rel = ctx.resolve_import(facts.path, modules.pop())
    target = ctx.facts.get(rel) if rel is not None else None
    if target is None or not any(app.kind == "app" and app.name == "this." + parts[-1]
                                 for app in target.apps):
        return None
    return rel


def _pattern_key(pattern: str, name: str) -> str | None:
    """Return the property an object pattern's text (``app: api, other``) binds ``name``
    from (``app``; ``name`` itself for a shorthand), or None when it binds it not exactly once
    as a plain property (defaults, nesting, rest)."""
    keys = []
    for part in pattern.split(","):
        key, colon, value = (side.strip() for side in part.partition(":"))
        if (value if colon else key) == name:
            keys.append(key)
    return keys[0] if len(keys) == 1 and re.fullmatch(r"[\w$]+", keys[0]) else None


def _imported_factory(ctx: ProjectContext, facts: FileFacts, called: str, member: str | None,
                      key: str | None) -> str | None:
    """Return the local module whose export ``called`` (``called.member`` for a namespace
    import's member) is, when its value is an app the module makes: the value of a default or
    namespace import called (as before); for a named export, a member, or the property ``key``
    of the value, only when that export is a function whose every ``return`` hands back an app
    it creates (``{ key: app }`` with ``key``)."""
    modules: set[tuple[str, str | None]] = set()
    for imp in facts.imports:
        if not imp.module.startswith("."):
            continue
        if member is not None:
            if called == imp.namespace:
                modules.add((imp.module, member))
            else:  # `reports.init(…)` with `reports` an exported object literal
                modules.update((imp.module, f"{exported}.{member}")
                               for exported, local in imp.named.items() if local == called)
        elif called in (imp.default, imp.namespace):
            modules.add((imp.module, None if key is None else "default"))
        else:
            modules.update((imp.module, exported) for exported, local in imp.named.items()
                           if local == called)
    if len(modules) != 1:
        return None
    module, export = modules.pop()
    rel = ctx.resolve_import(facts.path, module)
    if rel is None or export is None:
        return rel
    target = ctx.facts.get(rel)
    if target is None or not _factory_returns_app(target, ctx.read(rel) or b"", export, key):
        return None
    return rel


def _only_an_app(ctx: ProjectContext, rel: str) -> bool:
    """Return True when ``rel`` creates an Express app and starts no server."""
    facts = ctx.facts.get(rel)
    if facts is None or not any(app.kind == "app" for app in facts.apps):
        return False
    source = ctx.read(rel) or b""
    return b".listen(" not in source and b"createServer(" not in source


# --- Wrapper apps: an `express()` of a file that only mounts another app of the same file ---

#: Where a reference to a wrapper may stand besides its bindings: the object of these calls.
_WRAPPER_METHODS = frozenset({"use", "listen"})
#: A value concatenated, interpolated or read with a string method is text (a mount path),
#: never a middleware function.
_STRING_METHODS = frozenset({"startsWith", "endsWith", "replace", "split", "slice", "length",
                             "toLowerCase", "trim", "includes", "indexOf", "substring"})


def wrapper_apps(ctx: ProjectContext) -> set[tuple[str, int]]:
    """Return ``(path, start)`` of each Express app that serves nothing itself: all it does
    is mount another app created in the same file (``app.use(prefix, inner)``, a path first
    at most) and listen (``wrapper.listen()``, ``createServer(wrapper)``). Its name, a
    variable or a member (``this.base``, ``self.apos.baseApp``), is bound only to apps and
    used nowhere else: no route, middleware, setting, export or hand-over, and a member's
    property is named in no other non-test file. Every request it answers reaches the
    mounted app, whose middleware and error handler apply, so app-level findings belong to
    that app (which stays reported). Apps in test files are never wrappers here.

    Also each app no request can reach (``_unreachable_in``): bound to a local variable that
    is only ever the receiver of ``.use()``, ``.set()``, route calls and the like, never
    listened on, handed on, returned or exported (a route module's leftover ``const app =
    express()`` beside the router it exports): it has no traffic to protect. Only when
    another app of the project is not such an app: where none seems reachable, the project
    serves them in a way not seen here."""
    found: set[tuple[str, int]] = set()
    # What one file's text shows is kept across the passes of a run; whether another file
    # names a member is looked up each time.
    cache: dict[tuple[str, bytes], dict[int, tuple[set[int], set[str]]]] = \
        ctx.extra.setdefault("mounts:wrappers", {})
    unreached: dict[tuple[str, bytes], set[int]] = ctx.extra.setdefault("mounts:unreached", {})
    unserved: set[tuple[str, int]] = set()
    served = False  # some app of the project can be reached
    for facts in ctx.app_files():
        if is_test_file(facts.path) or not any(app.kind == "app" for app in facts.apps):
            continue
        data = ctx.read(facts.path) or b""
        key = (facts.path, data)
        if key not in unreached:
            unreached[key] = _unreachable_in(facts, data)
        unserved.update((facts.path, start) for start in unreached[key])
        served = served or any(app.kind == "app" and app.start not in unreached[key]
                               for app in facts.apps)
        if sum(app.kind == "app" for app in facts.apps) < 2:
            continue
        if key not in cache:
            cache[key] = _wrappers_in(facts, data)
        # A member another module may reach through a shared object (`apos.baseApp.get()`).
        candidates = {start: mounts for start, (mounts, members) in cache[key].items()
                      if not any(_named_elsewhere(ctx, facts.path, word) for word in members)}
        # A wrapper must mount an app that is not a wrapper itself (apps mounting each other
        # in a circle all stay apps).
        found.update((facts.path, start) for start, mounts in candidates.items()
                     if any(target not in candidates for target in mounts))
    # Unreachable apps only beside one that is not: where no app seems reachable, the
    # project serves them in a way not seen here.
    return found | unserved if served else found


def _unreachable_in(facts: FileFacts, data: bytes) -> set[int]:
    """Return the starts of the apps of one file that no request can reach: each is stored
    only in local variables (``const app = express()``), and every mention of those names in
    the file is its declaration or the receiver of a method call made as a statement of its
    own (``app.use(…)``, ``app.set(…)``, ``app.get('/', …)``), other than ``listen``. A name
    handed on, returned, exported, listened on, assigned again or spelled anywhere else in
    the file (even as another variable of the same name) keeps the app."""
    lang = JS_SUFFIXES.get(posixpath.splitext(facts.path)[1])
    if lang is None:
        return set()
    source = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    ends = {app.start: app.end for app in facts.apps if app.kind == "app"
            and app.name and _only_called_on(app.name, source)}
    if not ends:
        return set()
    tree = parse(lang, source)
    bound: dict[int, set[str]] = {}
    words: dict[str, list[Node]] = {}
    for node in walk(tree.root_node):
        if node.type == "call_expression" and ends.get(node.start_byte) == node.end_byte:
            names = _binding_names(node)
            if names and all("." not in name for name in names):
                bound[node.start_byte] = names
        if node.type in _WORDS:
            words.setdefault(text(node), []).append(node)
    return {start for start, names in bound.items()
            if all(_unserved_use(word) for name in names for word in words.get(name, ())
                   if word.type != "property_identifier")}


def _only_called_on(name: str, source: bytes) -> bool:
    """Return True when the text allows that ``name`` is only declared and called on as
    ``_unreachable_in`` asks (the tree decides; most apps fail here, as their file listens on
    or exports them, and their file is not parsed again)."""
    word = re.escape(name.encode())
    for match in re.finditer(rb"(?<![\w$.])" + word + rb"(?![\w$])", source):
        before = source[max(0, match.start() - 8):match.start()]
        if re.search(rb"(?:const|let|var)\s+$", before):
            continue
        if not _CALLED_ON.match(source, match.end()):
            return False
    return True


#: After an app's name: a method other than ``listen`` called on it.
_CALLED_ON = lazy_pattern(rb"\s*\.\s*(?!(?:listen|handle|callback)\b)[\w$]+\s*\(")


def _unserved_use(word: Node) -> bool:
    """Return True when one mention of an app's variable neither hands the app on nor serves
    it: the name declared, or the receiver of a method call (not ``listen``) whose value is
    thrown away."""
    parent = word.parent
    if word.type != "identifier" or parent is None:
        return False
    if parent.type == "variable_declarator" and parent.child_by_field_name("name") == word:
        return True
    if parent.type != "member_expression" or parent.child_by_field_name("object") != word:
        return False
    call = parent.parent
    if call is None or call.type != "call_expression" \
            or call.child_by_field_name("function") != parent \
            or text(parent.child_by_field_name("property")) in ("listen", "handle", "callback"):
        return False
    statement = call.parent
    return statement is not None and statement.type == "expression_statement"


def _dotted(node: Node | None) -> str | None:
    """Return ``a``, ``this.a`` or ``a.b.c`` for a name or a chain of plain member reads,
    else None (computed members, calls, optional chains)."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type in ("identifier", "this"):
        return text(node)
    if node.type == "member_expression":
        obj = _dotted(node.child_by_field_name("object"))
        prop = node.child_by_field_name("property")
        if obj is None or prop is None or prop.type not in ("property_identifier",
                                                            "private_property_identifier"):
            return None
        if any(child.type == "optional_chain" for child in node.children):
            return None
        return f"{obj}.{text(prop)}"
    return None


def _binding_names(call: Node) -> set[str] | None:
    """Return the names an ``express()`` call is stored in (``a = b = express()``,
    ``const a = express()``), or None when its value also goes anywhere else (exported,
    returned, passed on, destructured)."""
    names: set[str] = set()
    node = call
    while True:
        parent = node.parent
        while parent is not None and parent.type in CASTS:
            node, parent = parent, parent.parent
        if parent is None:
            return None
        if parent.type == "assignment_expression" \
                and parent.child_by_field_name("right") == node:
            name = _dotted(parent.child_by_field_name("left"))
            if name is None or name in ("module.exports", "exports") \
                    or name.startswith(("module.exports.", "exports.")):
                return None
            names.add(name)
            node = parent
            continue
        if parent.type == "variable_declarator" and parent.child_by_field_name("value") == node:
            name_node = parent.child_by_field_name("name")
            if name_node is None or name_node.type != "identifier":
                return None
            names.add(text(name_node))
            return names
        if parent.type == "expression_statement":
            return names or None
        return None


def _wrappers_in(facts: FileFacts, data: bytes) -> dict[int, tuple[set[int], set[str]]]:
    """Return, for each app of one file that only mounts other apps of the file, the starts
    of those apps and the last words of its member names."""
    lang = JS_SUFFIXES.get(posixpath.splitext(facts.path)[1])
    if lang is None:
        return {}
    source = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    tree = parse(lang, source)
    ends = {app.start: app.end for app in facts.apps if app.kind == "app"}
    names: dict[int, set[str] | None] = {}
    for node in walk(tree.root_node):
        if node.type == "call_expression" and ends.get(node.start_byte) == node.end_byte:
            names[node.start_byte] = _binding_names(node)
    if len(names) < 2:
        return {}
    app_of: dict[str, set[int]] = {}
    for start, bound in names.items():
        for name in bound or ():
            app_of.setdefault(name, set()).add(start)
    references: dict[str, list[Node]] = {}
    words: dict[str, list[Node]] = {}
    for node in walk(tree.root_node):
        if node.type in _WORDS:
            words.setdefault(text(node), []).append(node)
        if node.type in ("identifier", "member_expression"):
            dotted = _dotted(node)
            if dotted is not None and dotted in app_of:
                references.setdefault(dotted, []).append(node)
    # A name some assignment gives another value than an app of the file names no app.
    app_of = {name: starts for name, starts in app_of.items()
              if all(_role(ref, app_of, set(), tree) is not None
                     for ref in references.get(name, []) if _assigned(ref))}
    candidates: dict[int, tuple[set[int], set[str]]] = {}
    for start, bound in names.items():
        if bound and all(name in app_of for name in bound):
            mounts = _only_mounts(bound, app_of, references, words, tree)
            if mounts:
                candidates[start] = (mounts, {name.rpartition(".")[2] for name in bound
                                              if "." in name})
    return candidates


#: Node types that spell a word of the code (names, properties, shorthand properties).
_WORDS = frozenset({"identifier", "property_identifier", "shorthand_property_identifier",
                    "shorthand_property_identifier_pattern"})


def _assigned(ref: Node) -> bool:
    """Return True when ``ref`` is the left side of an assignment."""
    node, parent = ref, ref.parent
    while parent is not None and parent.type in CASTS:
        node, parent = parent, parent.parent
    return parent is not None and parent.type == "assignment_expression" \
        and parent.child_by_field_name("left") == node


def _only_mounts(bound: set[str], app_of: dict[str, set[int]], references: dict[str, list[Node]],
                 words: dict[str, list[Node]], tree: Tree) -> set[int]:
    """Return the apps of the file an app bound to ``bound`` mounts when every use of its
    names is a binding to an app, a mount of other apps or a listen; else an empty set."""
    mounts: set[int] = set()
    for name in bound:
        refs = references.get(name, [])
        for ref in refs:
            role = _role(ref, app_of, bound, tree)
            if role is None:
                return set()
            mounts |= role
        # Every mention of the name is one of these references: no `const { base } = self`,
        # no other spelling of the member, no `{ root }` handed on. (For a variable, a
        # property of the same name on another object is another thing.)
        spans = {(ref.start_byte, ref.end_byte) for ref in refs}
        last = name.rpartition(".")[2]
        for word in words.get(last, []):
            if "." not in name and word.type == "property_identifier":
                continue
            owner = word if "." not in name else word.parent
            if owner is None or (owner.start_byte, owner.end_byte) not in spans:
                return set()
    return mounts


def _role(ref: Node, app_of: dict[str, set[int]], bound: set[str], tree: Tree) -> set[int] | None:
    """Return what one reference to a wrapper's name does: a binding or a listen (an empty
    set), a mount of other apps of the file (their starts), or None for anything else."""
    node = ref
    parent = node.parent
    while parent is not None and parent.type in CASTS:
        node, parent = parent, parent.parent
    if parent is None:
        return None
    if parent.type == "assignment_expression" and parent.child_by_field_name("left") == node:
        right = unwrap(parent.child_by_field_name("right"))
        while right is not None and right.type == "assignment_expression":
            right = unwrap(right.child_by_field_name("right"))
        if right is not None and right.type == "call_expression" \
                and any(right.start_byte in starts for starts in app_of.values()):
            return set()
        return None
    if parent.type == "variable_declarator" and parent.child_by_field_name("name") == node:
        return set()  # its value is an app of the file: `names` came from there
    if parent.type == "arguments":
        call = parent.parent
        callee = call.child_by_field_name("function") if call is not None else None
        if callee is not None and text(callee).rpartition(".")[2] == "createServer":
            return set()
        return None
    if parent.type != "member_expression" or parent.child_by_field_name("object") != node:
        return None
    method = text(parent.child_by_field_name("property"))
    call = parent.parent
    if call is None or call.type != "call_expression" \
            or call.child_by_field_name("function") != parent or method not in _WRAPPER_METHODS:
        return None
    if method == "listen":
        return set()
    args_node = call.child_by_field_name("arguments")
    args = code_children(args_node) if args_node is not None else []
    mounted: set[int] = set()
    for index, arg in enumerate(args):
        name = _dotted(arg)
        if name is not None and name in app_of and name not in bound:
            mounted |= app_of[name]
        elif index == 0 and len(args) > 1 and _a_path(arg, tree):
            continue
        else:
            return None  # a middleware, a router, an app of another file: it does something
    return mounted or None


def _a_path(arg: Node, tree: Tree) -> bool:
    """Return True when a mount's first argument is a path: a string, a template, an array of
    them, or a name the file uses as text (``prefix + url``, `` `${prefix}/x` ``,
    ``prefix.startsWith('/')``). A function would be a middleware that the wrapper runs."""
    arg = unwrap(arg)
    if arg.type in ("string", "template_string", "regex"):
        return True
    if arg.type == "array":
        return all(unwrap(item).type in ("string", "template_string", "regex")
                   for item in code_children(arg))
    name = _dotted(arg)
    if name is None:
        return False
    for node in walk(tree.root_node):
        if node.type not in ("identifier", "member_expression") or _dotted(node) != name:
            continue
        parent = node.parent
        if parent is None:
            continue
        if parent.type == "binary_expression" and text(parent.child_by_field_name("operator")) == "+":
            return True
        if parent.type == "template_substitution":
            return True
        if parent.type == "member_expression" and parent.child_by_field_name("object") == node \
                and text(parent.child_by_field_name("property")) in _STRING_METHODS:
            return True
    return False


def _named_elsewhere(ctx: ProjectContext, path: str, word: str) -> bool:
    """Return True when a non-test project file other than ``path`` names ``word`` (a member
    another module may reach through a shared object: ``apos.baseApp.get(...)``)."""
    pattern = re.compile(rb"(?<![\w$])" + re.escape(word.encode()) + rb"(?![\w$])")
    return any(pattern.search(ctx.read(rel) or b"") is not None for rel in ctx.facts
               if rel != path and not is_test_file(rel))


def alias_target(ctx: ProjectContext, spec: str, target: str) -> bool:
    """Return True when a non-relative import ``spec`` that names no dependency of the
    project (a path alias such as ``coral-server/app/request/limiter`` or ``@/lib/limiter``)
    ends with the path of project file ``target`` (without its extension, or its folder for
    an ``index`` file)."""
    if spec.startswith(".") or "/" not in spec:
        return False
    parts = spec.split("/")
    head = 2 if parts[0].startswith("@") and len(parts[0]) > 1 else 1
    if ctx.info.has_dependency("/".join(parts[:head])):
        return False
    tail = "/".join(parts[head:])
    if not tail:
        return False
    stem = posixpath.splitext(target)[0]
    stems = {stem, posixpath.dirname(stem)} if posixpath.basename(stem) == "index" else {stem}
    return any(s == tail or s.endswith("/" + tail) for s in stems)


def join_path(prefix: str, path: str) -> str:
    """Join a mount path and a route path as Express does (``/api`` + ``users/`` →
    ``/api/users``)."""
    joined = "/".join(part for part in (prefix.strip("/"), path.strip("/")) if part)
    return "/" + joined


# --- Members of a shared object: `ctx.api = require('./api')(env, ctx)` in one file, ---
# --- `app.use('/api', ctx.api)` in another                                          ---

#: ``ctx.api``, ``ctx.auth.endpoints``: plain names read through plain properties.
_MEMBER_ARG = lazy_pattern(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$")
#: Values that can never be mounted (``sbx.properties = {}``): a write of the property with
#: one of them on another object leaves the mounted member to the one app-valued write.
_INERT_VALUES = frozenset({"object", "array", "string", "template_string", "number", "true",
                           "false", "null", "undefined", "regex"})
_PATTERNS = frozenset({"object_pattern", "array_pattern", "pair_pattern", "assignment_pattern",
                       "object_assignment_pattern", "rest_pattern"})


def shared_member_file(ctx: ProjectContext, facts: FileFacts, arg: ArgFact) -> str | None:
    """Return the project file a ``use`` argument ``<…>.<owner>.<prop>`` comes from when the
    project sets that member once, from a relative ``require``, in another file: ``ctx.api =
    require('./api')`` (the module exports its app) or ``ctx.api = require('./api')(env,
    ctx)`` (its exported function returns the app it creates). Only when that is certain:
    the one write names the same owner (``ctx``; ``auth.endpoints = …`` for
    ``ctx.auth.endpoints``); no other write of the property in the project's non-test files
    (an assignment, an object literal's key, a destructuring target, ``++``) could give it
    another value, except an inert literal on another object (``sbx.api = {}``); the member
    is read only as a ``.use(…)`` argument (not ``const api = ctx.api; api.listen()``); the module
    is required nowhere else; it creates an app and serves none (``_only_an_app``); and no
    file listens on the member (``ctx.api.listen()``, ``createServer(ctx.api)``). Otherwise
    None, as before."""
    if arg.kind != "member" or not _MEMBER_ARG.match(arg.name):
        return None
    *_, owner, prop = arg.name.split(".")
    if owner == "this":
        return None
    # Most members are no such thing (`wares.jsonParser`): no other file spells the write.
    if not any((owner, prop) in _spelled_writes(ctx, rel) for rel in ctx.facts
               if rel != facts.path and not is_test_file(rel)):
        return None
    writes: list[tuple[str, str | None, str | None, bool, str, int]] = []
    word = re.compile(rb"(?<![\w$])" + re.escape(prop.encode()) + rb"(?![\w$])")
    cache: dict[tuple[str, bytes, str], list[tuple[str, str | None, str | None, bool, int]]] = \
        ctx.extra.setdefault("mounts:member-writes", {})
    for rel in ctx.facts:
        if is_test_file(rel):
            continue
        data = ctx.read(rel) or b""
        if word.search(data) is None:
            continue
        key = (rel, data, prop)
        if key not in cache:
            cache[key] = _member_writes(ctx, rel, data, prop)
        writes.extend((kind, who, spec, called, rel, start)
                      for kind, who, spec, called, start in cache[key])
    found = [w for w in writes if w[0] == "require" and w[1] == owner]
    if len(found) != 1 or any(w is not found[0] and not _harmless(w[0], w[1], owner)
                              for w in writes):
        return None
    _, _, spec, called, writer, start = found[0]
    if spec is None or writer == facts.path:
        return None
    module = ctx.resolve_import(writer, spec)
    if module is None or module == writer or not _only_an_app(ctx, module):
        return None
    # The module's app reaches the project through this one require only.
    requires = [(path, imp) for path, other in ctx.facts.items()
                if not is_test_file(path) for imp in other.imports
                if imp.module.startswith(".") and ctx.resolve_import(path, imp.module) == module]
    if len(requires) != 1 or requires[0][0] != writer \
            or not requires[0][1].start <= start < requires[0][1].end:
        return None
    served = re.compile(rb"\." + re.escape(prop.encode()) + rb"\s*\.\s*listen\s*\(|createServer"
                        rb"\s*\([^)]*\." + re.escape(prop.encode()) + rb"(?![\w$])")
    if any(served.search(ctx.read(path) or b"") for path in ctx.facts if not is_test_file(path)):
        return None
    target = ctx.facts[module]
    if not called:
        return module if target.exports_app else None
    return module if _factory_returns_app(target, ctx.read(module) or b"") else None


#: ``= require(`` and the ``owner.prop`` right before it, as text (``_spelled_writes``).
_REQUIRE_VALUE = lazy_pattern(rb"=\s*require\s*\(")
_WRITTEN_MEMBER = lazy_pattern(rb"(?<![\w$])([\w$]+)[ \t]*\.[ \t]*([\w$]+)\s*\Z")


def _spelled_writes(ctx: ProjectContext, rel: str) -> set[tuple[str, str]]:
    """Return the ``(owner, prop)`` pairs a file's text writes from a ``require`` (kept for
    the run, by the file's contents)."""
    data = ctx.read(rel) or b""
    cache: dict[tuple[str, bytes], set[tuple[str, str]]] = \
        ctx.extra.setdefault("mounts:spelled-writes", {})
    key = (rel, data)
    if key not in cache:
        found: set[tuple[str, str]] = set()
        for value in _REQUIRE_VALUE.finditer(data) if b"require" in data else ():
            member = _WRITTEN_MEMBER.search(data, max(0, value.start() - 200), value.start())
            if member is not None:
                found.add((member.group(1).decode("utf-8", "replace"),
                           member.group(2).decode("utf-8", "replace")))
        cache[key] = found
    return cache[key]


def _harmless(kind: str, who: str | None, owner: str) -> bool:
    """Return True when one use of the property (``_member_writes``) leaves the member
    ``owner.prop`` to its one write and to mounts: a mount anywhere, a read of another
    object's property, an inert literal given to another object's."""
    if kind == "use":
        return True
    return kind in ("read", "inert") and who is not None and who != owner


def _member_writes(ctx: ProjectContext, rel: str, data: bytes,
                   prop: str) -> list[tuple[str, str | None, str | None, bool, int]]:
    """Return every write and read of property ``prop`` in one file as ``(kind, owner, spec,
    called, start)``: kind ``require`` (``owner.prop = require(spec)`` or ``… =
    require(spec)(…)``, ``called`` telling which; ``start`` is the ``require`` call's),
    ``inert`` (a literal that cannot be mounted), ``other`` (any other write), ``use`` (an
    argument of a ``.use(…)`` call) or ``read``; owner is the last name of the object (None
    for an object literal's key, a pattern, a class field or a computed object)."""
    tree = _tree(ctx, rel, data)
    if tree is None:
        return []
    out: list[tuple[str, str | None, str | None, bool, int]] = []
    for node in walk(tree.root_node):
        kind = node.type
        if kind in ("member_expression", "subscript_expression"):
            if _property_name(node) != prop:
                continue
            top, parent = node, node.parent
            while parent is not None and parent.type in CASTS:
                top, parent = parent, parent.parent
            if parent is None:
                continue
            if parent.type == "assignment_expression" \
                    and parent.child_by_field_name("left") == top:
                obj = unwrap(node.child_by_field_name("object"))
                owner = _dotted(obj)
                out.append(_value_write(owner.rpartition(".")[2] if owner else None,
                                        parent.child_by_field_name("right")))
            elif parent.type in ("augmented_assignment_expression", "update_expression") \
                    or parent.type in _PATTERNS \
                    or (parent.type == "for_in_statement"
                        and parent.child_by_field_name("left") == top):
                out.append(("other", None, None, False, node.start_byte))
            else:  # a read: a mount (`x.use(…, owner.prop)`) or anything else
                owner = _dotted(unwrap(node.child_by_field_name("object")))
                call = parent.parent if parent.type == "arguments" else None
                callee = call.child_by_field_name("function") if call is not None else None
                mount = callee is not None and callee.type == "member_expression" \
                    and text(callee.child_by_field_name("property")) == "use"
                out.append(("use" if mount else "read", owner.rpartition(".")[2] if owner
                            else None, None, False, node.start_byte))
        elif kind == "pair":
            key = node.child_by_field_name("key")
            name = string_value(key) if key is not None and key.type == "string" else text(key)
            if name == prop and node.parent is not None and node.parent.type == "object":
                out.append(_value_write(None, node.child_by_field_name("value")))
        elif kind == "shorthand_property_identifier" and text(node) == prop:
            out.append(("other", None, None, False, node.start_byte))
        elif kind in ("method_definition", "field_definition", "public_field_definition"):
            name_node = node.child_by_field_name("name") or node.child_by_field_name("property")
            if text(name_node) == prop:
                out.append(("other", None, None, False, node.start_byte))
        elif kind == "call_expression":
            name = text(node.child_by_field_name("function")).rpartition(".")[2]
            args_node = node.child_by_field_name("arguments")
            args = code_children(args_node) if args_node is not None else []
            if name in ("defineProperty", "set") and len(args) > 1 \
                    and string_value(args[1]) == prop:
                out.append(("other", None, None, False, node.start_byte))
    return out


def _property_name(node: Node) -> str | None:
    """Return the property a member read names: ``x.p``, ``x['p']`` (None when computed)."""
    if node.type == "member_expression":
        prop = node.child_by_field_name("property")
        return text(prop) if prop is not None and prop.type == "property_identifier" else None
    return string_value(unwrap(node.child_by_field_name("index")))


def _value_write(owner: str | None,
                 value: Node | None) -> tuple[str, str | None, str | None, bool, int]:
    """Classify the value one write gives a property (``_member_writes``)."""
    value = unwrap(value)
    if value is None:
        return ("other", owner, None, False, 0)
    if value.type in _INERT_VALUES:
        return ("inert", owner, None, False, value.start_byte)
    called = False
    if value.type == "call_expression":
        inner = unwrap(value.child_by_field_name("function"))
        if inner is not None and inner.type == "call_expression":
            value, called = inner, True
    spec = required_module(value, relative=True)
    if spec is None:
        return ("other", owner, None, False, value.start_byte)
    return ("require", owner, spec, called, value.start_byte)


def _factory_returns_app(facts: FileFacts, data: bytes, export: str = "default",
                         key: str | None = None) -> bool:
    """Return True when the module exports one function (``module.exports = create``,
    ``export default``; with ``export``, ``export function NAME``, ``export const NAME = …`` or
    ``export { local as NAME }``) whose every ``return`` hands back an Express app it creates:
    ``function create(env) { const app = express(); …; return app; }``, or with ``key`` an
    object with that app as its property ``key`` (``return { app, sessions }``). A function
    handed to one call is followed (``export const create = wrap('x')(function* () {…})``)."""
    lang = JS_SUFFIXES.get(posixpath.splitext(facts.path)[1])
    if lang is None:
        return False
    source = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    root = parse(lang, source).root_node
    export, _, method = export.partition(".")
    exported = _exported_values(root, export)
    if len(exported) != 1 or exported[0] is None:
        return False
    fn = _declared(root, exported[0])
    if method:  # `export const reports = { init(config) { … } }`, called `reports.init(…)`
        fn = _method(_declared(root, unwrap(fn)), method)
    fn = _wrapped(fn)
    if fn is None or fn.type not in _FACTORY_TYPES:
        return False
    inside = [app for app in facts.apps if app.kind == "app"
              and fn.start_byte <= app.start and app.end <= fn.end_byte]
    body = fn.child_by_field_name("body")
    if body is None:
        return False
    if body.type != "statement_block":  # `(env) => express()`, `(env) => ({ app: express() })`
        value = _returned(unwrap(body), key)
        return value is not None and any(app.start == value.start_byte for app in inside)
    names = {app.name for app in inside if app.name}
    returns = [node for node in _own_nodes(body) if node.type == "return_statement"]
    if not returns:
        return False
    for ret in returns:
        value = _returned(unwrap(code_children(ret)[0]) if code_children(ret) else None, key)
        if value is None or value.type not in ("identifier", "shorthand_property_identifier") \
                or text(value) not in names:
            return False
    return True


def _declared(root: Node, value: Node | None) -> Node | None:
    """Return what a module's top-level name is declared as, for an identifier (a function
    declaration or a variable's value; None when declared other than once); else ``value``."""
    if value is None or value.type != "identifier":
        return value
    name = text(value)
    declared: list[Node | None] = []
    for node in code_children(root):
        if node.type in ("function_declaration", "generator_function_declaration") \
                and text(node.child_by_field_name("name")) == name:
            declared.append(node)
        elif node.type in ("lexical_declaration", "variable_declaration"):
            declared.extend(unwrap(decl.child_by_field_name("value"))
                            for decl in code_children(node)
                            if decl.type == "variable_declarator"
                            and text(decl.child_by_field_name("name")) == name)
    return declared[0] if len(declared) == 1 else None


def _method(obj: Node | None, name: str) -> Node | None:
    """Return the function an object literal holds as ``name``: ``name: function (…) {…}``,
    ``name: (…) => …`` or the method ``name(…) {…}`` (None for anything else)."""
    if obj is None or obj.type != "object" or has_spread(obj):
        return None
    found = [child for child in code_children(obj) if child.type == "method_definition"
             and text(child.child_by_field_name("name")) == name]
    value = object_properties(obj).get(name)
    if value is not None:
        found.append(unwrap(value))
    return found[0] if len(found) == 1 else None


#: The functions a factory may be (generators too: a runner hands back what they return).
_FACTORY_TYPES = frozenset({"function_declaration", "function_expression", "arrow_function",
                            "function", "generator_function", "generator_function_declaration",
                            "method_definition"})


def _exported_values(root: Node, export: str) -> list[Node | None]:
    """Return the value of every export of a module named ``export`` (``"default"`` for
    ``module.exports = …`` and ``export default``), a declaration for ``export function``."""
    exported: list[Node | None] = []
    for node in walk(root):
        if node.type == "assignment_expression":
            target = _dotted(node.child_by_field_name("left"))
            if target in (("module.exports", "exports") if export == "default"
                          else (f"module.exports.{export}", f"exports.{export}")):
                exported.append(unwrap(node.child_by_field_name("right")))
        elif node.type == "export_statement":
            default = any(c.type == "default" for c in node.children)
            value = node.child_by_field_name("declaration") or node.child_by_field_name("value")
            if default:
                if export == "default" and value is not None:
                    exported.append(unwrap(value))
            elif value is not None and value.type in ("function_declaration",
                                                      "generator_function_declaration"):
                if text(value.child_by_field_name("name")) == export:
                    exported.append(value)
            elif value is not None and value.type in ("lexical_declaration",
                                                      "variable_declaration"):
                exported.extend(unwrap(decl.child_by_field_name("value"))
                                for decl in code_children(value)
                                if decl.type == "variable_declarator"
                                and text(decl.child_by_field_name("name")) == export)
            elif value is None and node.child_by_field_name("source") is None:
                for clause in code_children(node):  # `export { local as NAME }`
                    if clause.type != "export_clause":
                        continue
                    for spec in code_children(clause):
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias") or name
                        if spec.type == "export_specifier" and text(alias) == export:
                            exported.append(name)
    return exported


def _wrapped(fn: Node | None) -> Node | None:
    """Return the function a call is handed when it is the call's one function argument and
    its last (``wrap('name')(function* () {…})``, ``memo(() => …)``); else ``fn``."""
    fn = unwrap(fn)
    if fn is None or fn.type != "call_expression":
        return fn
    args_node = fn.child_by_field_name("arguments")
    args = [unwrap(a) for a in code_children(args_node)] if args_node is not None else []
    functions = [a for a in args if a.type in _FACTORY_TYPES]
    return functions[0] if len(functions) == 1 and args[-1] == functions[0] else fn


def _returned(value: Node | None, key: str | None) -> Node | None:
    """Return what a factory hands back as its app: the returned value itself, or with
    ``key`` the value of that property of a returned object literal (no spread)."""
    if key is None or value is None:
        return value
    if value.type != "object" or has_spread(value):
        return None
    found = object_properties(value).get(key)
    return unwrap(found) if found is not None else None


def _own_nodes(body: Node) -> list[Node]:
    """Return the nodes of a function's body outside the functions nested in it."""
    out: list[Node] = []
    stack = [body]
    while stack:
        node = stack.pop()
        out.append(node)
        if node is not body and node.type in FUNCTION_TYPES | {"class_declaration", "class"}:
            continue
        stack.extend(node.children)
    return out

"""The request fields a route's Joi schema middleware types as a scalar before its handler runs.

``router.post('/login', validate(schemas.login), handler)`` with express-validation, or
``celebrate({ body: Joi.object({ email: Joi.string() }) })``: a field the schema declares as
``Joi.string()`` (or a number, boolean, date) is refused when a client sends an object or an
array there, so it can carry no MongoDB operator (``{"$ne": null}``) into a filter. The schema
is read where it is written: inline, a ``const`` of the route's file, or an object exported by
a project module (``module.exports = { login: {...} }``, ``exports.login = {...}``, ``export
const login = {...}``) imported by name or read as a member of the module. Anything else
(a schema built by a function, spread, or computed keys other than celebrate's ``Segments``)
types nothing.

What it takes, each found by an adversarial review to hide a real injection otherwise: the
validator is the last middleware before the handler (a body parser, an error handler or a
middleware after it may parse or change the body after the check); celebrate never checks the
body of a GET or HEAD request (so not for ``get``, ``head`` and ``all`` routes); a type is
Joi's (a receiver imported from joi or celebrate), with no ``allow`` of an object or array;
the part's schema uses no ``alternatives``, ``fork``, ``rename``, ``concat``, ``append`` or
``pattern``; a key holds no dot; every name the schema is reached through is bound once in
its file and never written (``login.body = …``), and an exporting module assigns its
``module.exports``/``exports.X`` once."""

from __future__ import annotations

import re
from typing import Any

from tree_sitter import Node

from nodeharden._express import CallFact, FileFacts
from nodeharden._parse import code_children, object_properties, string_value, text, unwrap
from nodeharden._regex import lazy_pattern

#: input-validation's ``_Project`` (parsed project files on demand): typed loosely here, as
#: this module is below that rule (tests/engine/test_rule_layering.py).
_Project = Any

#: The request parts a schema's keys name (express-validation's ``body``, celebrate's
#: ``[Segments.BODY]``).
_PARTS = {"body": "body", "query": "query", "params": "params"}
#: A Joi type that refuses objects and arrays (``Joi.string()``, ``joi.number()``; the
#: joi-objectid extension's ``Joi.objectId()`` is a string too).
_SCALAR_RE = lazy_pattern(r"^([\w$]+)\s*\.\s*(?:string|number|boolean|date|objectId)\s*\(")
_MAX_DEPTH = 3


def typed_fields(project: _Project, rel: str, facts: FileFacts, route: CallFact,
                 node_at: Any) -> frozenset[tuple[str, str]]:
    """Return (part, field) of each request field a schema middleware of ``route`` (its own
    arguments before the handler) types as a scalar; ``node_at(start, end)`` gives the node
    of the route's file at those bytes."""
    callees = _validator_callees(facts)
    if not callees or len(route.args) < 3:
        return frozenset()
    found: set[tuple[str, str]] = set()
    arg = route.args[-2]  # the middleware right before the handler, nothing between
    if arg.kind == "call" and arg.name in callees:
        celebrate = arg.name not in _express_validation_callees(facts)
        call = node_at(arg.start, arg.end)
        args = call.child_by_field_name("arguments") if call is not None else None
        given = code_children(args) if args is not None else []
        schema = _object_of(project, rel, facts, given[0], 0) if given else None
        if schema is not None:
            home = project.roots.get(_root(schema).id, rel)
            home_facts = project.ctx.facts.get(home)
            found |= _fields_of(schema, _joi_locals(home_facts) if home_facts else set())
        if celebrate and route.method in ("get", "head", "all"):
            found = {(part, field) for part, field in found if part != "body"}
    return frozenset(found)


def _root(node: Node) -> Node:
    while node.parent is not None:
        node = node.parent
    return node


def _express_validation_callees(facts: FileFacts) -> set[str]:
    return {n for imp in facts.imports if imp.module == "express-validation"
            for n in [imp.default, *(loc for name, loc in imp.named.items()
                                     if name == "validate")] if n}


def _joi_locals(facts: FileFacts) -> set[str]:
    """Return the names Joi is bound to in a file (joi, @hapi/joi, or the Joi celebrate and
    express-validation re-export)."""
    names: set[str] = set()
    for imp in facts.imports:
        if imp.module in ("joi", "@hapi/joi"):
            names |= {n for n in (imp.default, imp.namespace) if n}
        if imp.module in ("joi", "@hapi/joi", "celebrate", "express-validation"):
            names |= {loc for name, loc in imp.named.items() if name == "Joi"}
    return names


def _validator_callees(facts: FileFacts) -> set[str]:
    callees: set[str] = set()
    for imp in facts.imports:
        if imp.module == "express-validation":
            if imp.default:
                callees.add(imp.default)
            callees |= {local for name, local in imp.named.items() if name == "validate"}
        elif imp.module == "celebrate":
            callees |= {local for name, local in imp.named.items() if name == "celebrate"}
            callees |= {f"{n}.celebrate" for n in (imp.default, imp.namespace) if n}
    return callees


def _object_of(project: _Project, rel: str, facts: FileFacts | None, node: Node | None,
               depth: int) -> Node | None:
    """Return the object literal ``node`` is: itself, a top-level ``const`` of its file, or an
    object a project module exports (imported by name, or a member of the imported module)."""
    node = unwrap(node)
    if node is None or depth > _MAX_DEPTH:
        return None
    if node.type == "object":
        return node
    parsed = project.get(rel)
    if parsed is None:
        return None
    if node.type == "identifier":
        name = text(node)
        if not _stable(parsed.tree.root_node, name):
            return None
        local = _top_level_const(parsed.tree.root_node, name)
        if local is not None:
            return _object_of(project, rel, facts, local, depth + 1)
        for imp in facts.imports if facts is not None else []:
            exported = next((e for e, loc in imp.named.items() if loc == name), None)
            if exported is None:
                continue
            target = project.resolve_module(rel, imp.module)
            return _exported_object(project, target, exported, depth + 1) if target else None
        return None
    if node.type == "member_expression":
        obj = unwrap(node.child_by_field_name("object"))
        prop = node.child_by_field_name("property")
        if obj is None or obj.type != "identifier" or prop is None \
                or not _stable(parsed.tree.root_node, text(obj)):
            return None
        for imp in facts.imports if facts is not None else []:
            if text(obj) in (imp.default, imp.namespace):
                target = project.resolve_module(rel, imp.module)
                return _exported_object(project, target, text(prop), depth + 1) \
                    if target else None
        local = _top_level_const(parsed.tree.root_node, text(obj))
        holder = unwrap(local)
        if holder is not None and holder.type == "object":
            field = object_properties(holder).get(text(prop))
            return _object_of(project, rel, facts, field, depth + 1)
    return None


def _exported_object(project: _Project, rel: str, name: str, depth: int) -> Node | None:
    """Return the object literal project file ``rel`` exports as ``name``: the file assigns
    ``module.exports`` / ``exports.name`` once (or exports a ``const``), and writes neither
    the exported object nor the name it holds it by anywhere."""
    parsed = project.get(rel)
    if parsed is None or depth > _MAX_DEPTH:
        return None
    root = parsed.tree.root_node
    source = parsed.source.decode("utf-8", "replace")
    writes = re.findall(r"(?<![\w$.])(?:module\.exports|(?:module\.)?exports\s*\.\s*"
                        rf"{re.escape(name)})\s*=(?!=)", source)
    if len(writes) > 1 or not _stable(root, name):
        return None
    for stmt in code_children(root):
        if stmt.type == "export_statement":
            decl = stmt.child_by_field_name("declaration")
            value = _declared(decl, name) if decl is not None else None
            if value is not None:
                return _object_of(project, rel, None, value, depth + 1)
            continue
        expr = unwrap(stmt.named_children[0]) if stmt.type == "expression_statement" \
            and stmt.named_children else None
        if expr is None or expr.type != "assignment_expression":
            continue
        left = re.sub(r"\s+", "", text(expr.child_by_field_name("left")))
        right = unwrap(expr.child_by_field_name("right"))
        if left == "module.exports" and right is not None and right.type == "object":
            value = object_properties(right).get(name)
            if value is not None and value.type == "shorthand_property_identifier":
                value = _top_level_const(root, name)
            return _object_of(project, rel, None, value, depth + 1) \
                if value is not None and value.type in ("object", "identifier") else None
        if left in (f"module.exports.{name}", f"exports.{name}"):
            return _object_of(project, rel, None, right, depth + 1)
    return None


def _stable(root: Node, name: str) -> bool:
    """Return True when ``name`` is bound at most once in the file (no shadowing parameter,
    declaration or destructured name) and neither it nor a member of it is ever written."""
    from nodeharden._parse import walk

    bindings = 0
    for node in walk(root):
        kind = node.type
        if kind in ("identifier", "shorthand_property_identifier_pattern") and text(node) == name:
            parent = node.parent
            if parent is None:
                continue
            if kind == "shorthand_property_identifier_pattern" or parent.type in (
                    "formal_parameters", "required_parameter", "optional_parameter",
                    "rest_pattern", "array_pattern", "catch_clause", "function_declaration",
                    "class_declaration", "import_specifier", "namespace_import",
                    "import_clause") or (
                    parent.type == "variable_declarator"
                    and parent.child_by_field_name("name") == node) or (
                    parent.type in ("assignment_pattern", "pair_pattern")
                    and parent.child_by_field_name("value" if parent.type == "pair_pattern"
                                                   else "left") == node):
                bindings += 1
        elif kind in ("assignment_expression", "augmented_assignment_expression",
                      "update_expression"):
            left = node.child_by_field_name("left") or node.child_by_field_name("argument")
            written = re.sub(r"\s+", "", text(left)) if left is not None else ""
            if written == name or written.startswith((f"{name}.", f"{name}[")):
                return False
        elif kind == "call_expression" and re.match(
                rf"Object\.(?:assign|defineProperty|defineProperties|setPrototypeOf)\(\s*"
                rf"{re.escape(name)}\b", text(node)):
            return False
    return bindings <= 1


def _top_level_const(root: Node, name: str) -> Node | None:
    for stmt in code_children(root):
        decl = stmt.child_by_field_name("declaration") if stmt.type == "export_statement" \
            else stmt
        value = _declared(decl, name) if decl is not None else None
        if value is not None:
            return value
    return None


def _declared(decl: Node, name: str) -> Node | None:
    """Return the value of ``const name = …`` in declaration ``decl``."""
    if decl.type != "lexical_declaration" or not text(decl).startswith("const"):
        return None
    for declarator in code_children(decl):
        if declarator.type == "variable_declarator" \
                and text(declarator.child_by_field_name("name")) == name:
            return declarator.child_by_field_name("value")
    return None


def _key(pair: Node) -> str | None:
    key = pair.child_by_field_name("key")
    if key is None:
        return None
    if key.type in ("property_identifier", "identifier"):
        return text(key)
    if key.type == "string":
        return string_value(key)
    if key.type == "computed_property_name":  # celebrate's `[Segments.BODY]`
        inner = text(key).strip("[] \t\n")
        match = re.fullmatch(r"[\w$]+\.(BODY|QUERY|PARAMS)", inner)
        return match.group(1).lower() if match else None
    return None


#: What makes a part's schema more than its listed keys (other shapes, extra or renamed keys).
_PART_WIDENERS_RE = lazy_pattern(r"\b(?:alternatives|fork|rename|concat|append|pattern)\s*\(")
#: ``.allow({…})``, ``.allow([…])``: lets that very object or array through.
_ALLOWS_OBJECT_RE = lazy_pattern(r"\ballow\s*\([^)]*[{\[]")


def _fields_of(schema: Node, joi: set[str]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for child in code_children(schema):
        if child.type != "pair":
            continue
        part = _PARTS.get(_key(child) or "")
        value = child.child_by_field_name("value")
        keys = _keys_object(value)
        if part is None or keys is None or value is None \
                or _PART_WIDENERS_RE.search(text(value)):
            continue
        for field in code_children(keys):
            typed = field.child_by_field_name("value") if field.type == "pair" else None
            name = _key(field) if field.type == "pair" else None
            if not name or "." in name or typed is None:
                continue
            match = _SCALAR_RE.match(text(typed))
            if match and match.group(1) in joi and not _ALLOWS_OBJECT_RE.search(text(typed)):
                found.add((part, name))
    return found


def _keys_object(value: Node | None) -> Node | None:
    """Return the object of keys a part's schema lists: the object itself (express-validation),
    or the object given to ``Joi.object({…})`` / ``Joi.object().keys({…})`` in a chain."""
    node = unwrap(value)
    while node is not None:
        if node.type == "object":
            return node
        if node.type != "call_expression":
            return None
        args = node.child_by_field_name("arguments")
        objects = [a for a in (code_children(args) if args is not None else [])
                   if a.type == "object"]
        if objects:
            return objects[0]
        fn = node.child_by_field_name("function")
        node = fn.child_by_field_name("object") if fn is not None \
            and fn.type == "member_expression" else None
    return None

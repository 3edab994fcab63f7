"""password-hash: fast digests of passwords, low bcrypt/argon2 cost, passwords compared with
``===``, and passwords stored as sent (report only)."""

from __future__ import annotations

import bisect
import json
import os
import posixpath
import re
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from tree_sitter import Node, Tree

from nodeharden._express import FileFacts, ImportFact
from nodeharden._model import Finding
from nodeharden._parse import (
    CASTS,
    CASTS_AND_AWAIT,
    FUNCTION_TYPES,
    alternation,
    code_children,
    enclosing,
    has_spread,
    matches,
    merge_ranges,
    nodes_in,
    nodes_of_types,
    object_properties,
    parameters,
    parse,
    string_value,
    text,
    unwrap,
    uses_of,
    walk,
)
from nodeharden._project import JS_SUFFIXES
from nodeharden._record import field, record, replace
from nodeharden._regex import lazy_pattern
from nodeharden.rules._base import (FileContext, ProjectContext, Rule, import_package,
                                    is_test_file, word_list, words)

CHEAT_SHEET = "https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html"
TIMING_SAFE_EQUAL = "https://nodejs.org/api/crypto.html#cryptotimingsafeequala-b"
REPLACEMENT = "use bcrypt (cost >= 12) or argon2id"
PASSWORD_WORDS = {"password", "passwd", "pwd", "pass", "passphrase", "passcode", "pw"}
#: Key names that hold a derived value, not the password itself.
DERIVED_WORDS = {"hash", "hashed", "digest", "salt", "encrypted", "crypted", "bcrypt", "argon",
                 "length", "reset", "token", "policy", "rule", "rules", "min", "max", "is",
                 "has", "valid", "strength", "expires", "expiry", "changed", "at"}
#: OWASP argon2id configurations (memory KiB, iterations): any at or above one of them is fine.
ARGON2_MINIMUMS = ((47104, 1), (19456, 2), (12288, 3), (9216, 4), (7168, 5))
ARGON2_DEFAULTS = (65536, 3)  # the argon2 package's defaults
BCRYPT_MIN = 10
_STORE_METHODS = {"create", "insert", "insertOne", "insertMany", "save", "update", "updateOne",
                  "findOneAndUpdate", "upsert", "build", "set", "push", "query", "execute",
                  "run", "raw", "bulkCreate"}
#: Verbs of ``_STORE_METHODS`` that run whatever they are given (a statement, or a use case's
#: command: ``this.signIn.execute({ email, password })``): on a receiver the file cannot trace
#: to a database package, a store only when a statement comes first.
_RUNNER_METHODS = {"execute", "run", "query", "raw"}
_SQL_WRITE_RE = lazy_pattern(r"(?is)\b(insert\s+into|update\s+\S+\s+set)\b")
#: ``new`` as a word (the lookbehind after it stands for a ``(?<![\w$])`` before it: a pattern
#: that starts with a literal is searched for it first, fifteen times faster over a file).
_NEW_RE = lazy_pattern(rb"new(?<![\w$]new)\s")
#: Every word of PASSWORD_WORDS contains one of these (searched in the lower-cased source).
_PASSWORD_NEEDLE = lazy_pattern(rb"pass|pw")
#: Words that name a stored or expected password, never a second submitted one.
STORED_WORDS = {"stored", "saved", "db", "hash", "hashed", "existing", "user", "account",
                "expected", "real", "actual", "correct", "admin", "env", "config", "digest",
                "encrypted", "record", "old", "current"}
_FUNCTIONS = FUNCTION_TYPES
#: Packages whose objects store what they are given: ORMs, query builders and database
#: clients. A store-like call on another package's object (an identity provider's
#: ``users.create({ password })``, which hashes on its side) is not judged.
DB_PACKAGES = {"mongoose", "sequelize", "@sequelize/core", "knex", "pg", "pg-promise", "postgres",
               "mysql", "mysql2", "mariadb", "sqlite3", "sqlite", "better-sqlite3", "mongodb",
               "@prisma/client", "typeorm", "objection", "bookshelf", "@mikro-orm/core",
               "waterline", "redis", "ioredis", "nedb", "@seald-io/nedb", "lowdb", "mssql",
               "tedious", "oracledb", "drizzle-orm", "kysely", "slonik", "dynamoose",
               "cassandra-driver", "couchbase", "ottoman", "@supabase/supabase-js", "firebase-admin",
               "@google-cloud/firestore", "level", "typeorm/browser"}
#: Libraries whose ``hash``/``hashSync`` is a password hash.
_HASH_MODULES = ("bcrypt", "bcryptjs", "argon2", "@node-rs/argon2", "@node-rs/bcrypt")
#: Database lookups whose filter object (or its ``where``) names the fields to match.
_LOOKUP_METHODS = {"find", "findOne", "findOneBy", "findBy", "findAll", "findFirst",
                   "findUnique", "where", "exists"}


def password_like(name: str) -> bool:
    """Return True when an identifier or property names a password."""
    return bool(words(name) & PASSWORD_WORDS)


#: Words that may follow the last password word of a name that still holds the secret: a form
#: of it (``passwordHash``, ``pwdSha256``), where it came from or what it is for
#: (``passwordStored``, ``passwordNew``, ``passwordInput``). Any other word after it is a noun the
#: name is about instead (``passwordLink``, ``passwordPolicy``, ``passwordField``).
SECRET_TAIL_WORDS = {"hash", "hashed", "digest", "salted", "encrypted", "crypted", "enc",
                     "bcrypt", "argon", "sha", "md", "hmac", "hex", "b", "base", "buf", "buffer",
                     "bytes", "str", "string", "text", "value", "val", "plain", "plaintext",
                     "clear", "cleartext", "raw", "input", "attempt", "candidate", "guess",
                     "given", "entered", "provided", "submitted", "sent", "stored", "saved", "db",
                     "existing", "expected", "real", "actual", "correct", "old", "current", "new",
                     "prev", "previous", "orig", "original", "tmp", "temp"}
#: A word that ends the noun phrase: ``passwordFromDb`` is still the password.
_PREPOSITIONS = {"from", "in", "of", "for", "on", "by", "to", "with"}
#: Head nouns of names that hold an address, never a secret (``unleashUrl``, ``resetLink``).
_ADDRESS_WORDS = {"url", "urls", "uri", "link", "links", "href", "path", "route", "endpoint",
                  "host", "hostname", "domain", "origin", "redirect"}


def names_password(name: str) -> bool:
    """Return True when a password word is the head of the name: after the last one comes
    nothing, or only words of ``SECRET_TAIL_WORDS`` and digits up to a preposition
    (``password``, ``storedPassword``, ``password_hash``, ``pass2``, ``passwordFromDb``), not
    another noun (``passwordLink``, ``passwordResetUrl``, ``PASSWORD_MIN_LENGTH``)."""
    parts = word_list(name)
    last = max((i for i, w in enumerate(parts) if w in PASSWORD_WORDS), default=None)
    if last is None:
        return False
    for word in parts[last + 1:]:
        if word in _PREPOSITIONS:
            break
        if word not in SECRET_TAIL_WORDS and not word.isdigit():
            return False
    return True


def _names_address(name: str) -> bool:
    """Return True when a name's head noun is an address (``unleashUrl``, ``redirect_uri``)."""
    parts = word_list(name)
    return bool(parts) and parts[-1] in _ADDRESS_WORDS


def _last_name(node: Node) -> str:
    if node.type == "identifier" or node.type == "shorthand_property_identifier":
        return text(node)
    if node.type == "member_expression":
        return text(node.child_by_field_name("property"))
    if node.type == "subscript_expression":
        return string_value(node.child_by_field_name("index")) or ""
    return ""


def _mentions_password(node: Node) -> bool:
    """Return True when an expression is, or is built from, a password-like value."""
    for sub in walk(node):
        if sub.type in ("identifier", "member_expression", "subscript_expression") and \
                password_like(_last_name(sub)):
            return True
    return False


#: Words that, anywhere in a password's name, say the value is already a password hash
#: (``encryptedPassword``, ``hashed_password``, ``passwordDigest``, ``bcryptPw``).
_HASHED_WORDS = {"hash", "hashed", "digest", "encrypted", "crypted", "bcrypt", "argon"}


def _digests_password(node: Node) -> bool:
    """Return True when an expression a fast digest takes is, or is built from, a password
    itself: not only from a password hash (``sha256(user.encryptedPassword)``, a fingerprint
    of the stored bcrypt hash put in a token), which ``_HASHED_WORDS`` in its name tells."""
    for sub in walk(node):
        if sub.type in ("identifier", "member_expression", "subscript_expression"):
            name = _last_name(sub)
            if password_like(name) and not words(name) & _HASHED_WORDS:
                return True
    return False


#: Words that name a value other than a password, which bcrypt may be asked to hash too: an
#: id or key made from a record, a token. Its cost guards no password.
_NOT_PASSWORD_WORDS = {"id", "ids", "uuid", "guid", "nonce", "item", "items", "record", "row",
                       "token", "key", "url", "link", "payload", "entry"}


def _hashes_no_password(node: Node) -> bool:
    """Return True when the value bcrypt hashes is said to be something other than a password:
    a record serialised with ``JSON.stringify(…)``, a name such as ``itemId`` or ``token``, or
    any value inside a function named for such a thing (``hashItem(value)``); never a value
    naming a password or inside a function named for one (``hashPassword(token)``)."""
    if _mentions_password(node):
        return False
    scope = _enclosing_function(node)
    if scope is not None:
        name = scope.child_by_field_name("name") if scope.type == "method_definition" \
            else _function_name(scope)
        if name is not None and password_like(text(name)):
            return False
        if name is not None and words(text(name)) & _NOT_PASSWORD_WORDS:
            return True
    if node.type == "call_expression":
        return text(node.child_by_field_name("function")) == "JSON.stringify"
    if node.type in ("identifier", "member_expression", "subscript_expression"):
        return bool(words(_last_name(node)) & _NOT_PASSWORD_WORDS)
    return False


def _salts_no_password(call: Node, args: list[Node], lang: str) -> bool:
    """Return True when the salt ``bcrypt.genSalt(cost, …)`` makes hashes no password: every
    ``hash``/``hashSync`` call given it, in the callback it is handed to or through the name
    it is stored in (``const salt = await bcrypt.genSalt(8)``) in the enclosing function,
    hashes a value ``_hashes_no_password`` says is not one (a reset token), and there is at
    least one such call."""
    callback = args[-1] if args and args[-1].type in ("arrow_function", "function_expression",
                                                      "function") else None
    salt: str | None = None
    where: Node | None = callback
    if callback is not None:
        params = callback.child_by_field_name("parameters")
        named = params.named_children if params is not None else []
        if len(named) > 1 and named[1].type == "identifier":
            salt = text(named[1])
    else:
        holder = call.parent
        while holder is not None and holder.type in ("await_expression",
                                                     "parenthesized_expression"):
            holder = holder.parent
        if holder is not None and holder.type == "variable_declarator":
            name = holder.child_by_field_name("name")
            salt = text(name) if name is not None and name.type == "identifier" else None
        where = _enclosing_function(call)
    if salt is None or where is None:
        return False
    hashed = [code_children(arguments)[0] for node in nodes_of_types(
        lang, where, ("call_expression",))
        if (fn := node.child_by_field_name("function")) is not None
        and fn.type == "member_expression"
        and text(fn.child_by_field_name("property")) in ("hash", "hashSync")
        and (arguments := node.child_by_field_name("arguments")) is not None
        and len(code_children(arguments)) > 1
        and text(code_children(arguments)[1]) == salt]
    return bool(hashed) and all(_hashes_no_password(value) for value in hashed)


def _request_root(node: Node) -> bool:
    """Return True for ``req.body.x``, ``req.query['x']`` and the like."""
    obj = node.child_by_field_name("object")
    return obj is not None and obj.type == "member_expression" and \
        text(obj.child_by_field_name("property")) in ("body", "query", "params")


def _raw_request_password(node: Node) -> bool:
    """Return True when ``node`` is a password exactly as the client sent it."""
    if node.type in ("member_expression", "subscript_expression"):
        return password_like(_last_name(node)) and _request_root(node)
    if node.type not in ("identifier", "shorthand_property_identifier"):
        return False
    name = text(node)
    if not password_like(name) or words(name) & DERIVED_WORDS:
        return False
    scope = _enclosing_function(node)
    if scope is None:
        return False
    for sub in walk(scope):
        if sub.type in ("assignment_expression", "augmented_assignment_expression") and \
                text(sub.child_by_field_name("left")) == name:
            return False  # reassigned (for example to its hash)
    for sub in walk(scope):
        if sub.type != "variable_declarator":
            continue
        target = sub.child_by_field_name("name")
        value = sub.child_by_field_name("value")
        if value is None or target is None:
            continue
        if target.type == "identifier" and text(target) == name:
            return value.type in ("member_expression", "subscript_expression") and \
                _request_root(value)
        if target.type == "object_pattern" and value.type == "member_expression" and \
                text(value.child_by_field_name("property")) == "body":
            for prop in target.named_children:
                bound: Node | None = prop
                if prop.type == "pair_pattern":
                    bound = prop.child_by_field_name("value")
                elif prop.type == "object_assignment_pattern":
                    bound = prop.child_by_field_name("left")
                if bound is not None and text(bound) == name:
                    return True
    return False


def _submitted(node: Node) -> bool:
    """Return True when ``node`` is a value the client submitted with the request: a
    ``req.body``/``query``/``params`` field, a variable taken from one, or a plain identifier
    named like a password that names nothing stored (``password2``, ``newPwd``)."""
    if node.type in ("member_expression", "subscript_expression"):
        return _request_root(node)
    if node.type != "identifier":
        return False
    name = text(node)
    return password_like(name) and (_raw_request_password(node)
                                    or not words(name) & (STORED_WORDS | DERIVED_WORDS))


#: Property names of a request that hold what the client sent.
_REQUEST_PARTS = ("body", "query", "params")
#: Words naming something a client sent as a whole (a request, its body, a message): a
#: lookup keyed by one of them may return the submitted password.
_SENT_WORDS = {"req", "request", "ctx", "body", "query", "params", "headers", "data", "payload",
               "input", "form", "fields", "message", "msg", "credentials", "creds", "auth",
               "args", "packet", "event"}
#: How many function calls `_request_of` follows back from a parameter to its arguments.
_CALL_DEPTH = 2


def _root_of(node: Node) -> Node:
    while node.parent is not None:
        node = node.parent
    return node


def _chain_root(node: Node) -> Node:
    """Return the object a member chain starts from (``user`` in ``user.config.password``)."""
    node = unwrap(node, CASTS_AND_AWAIT)
    while node.type in ("member_expression", "subscript_expression"):
        obj = node.child_by_field_name("object")
        if obj is None:
            break
        node = unwrap(obj, CASTS_AND_AWAIT)
    return node


def _declaration(ident: Node) -> tuple[Node, Node | int] | None:
    """Return where the variable ``ident`` reads is declared, nearest scope first: (the
    function, the index of its parameter) or (the scope, its variable declarator). None when
    it is not found, declared more than once in its scope, or a parameter that is a pattern."""
    name = text(ident)
    scope = _enclosing_function(ident)
    while True:
        node = scope if scope is not None else _root_of(ident)
        if scope is not None:
            for index, param in enumerate(parameters(scope)):
                if param.type == "identifier" and text(param) == name:
                    return scope, index
                if any(n.type in ("identifier", "shorthand_property_identifier_pattern") and
                       text(n) == name for n in walk(param)):
                    return None  # a destructured or defaulted parameter: not followed
        found = []
        for sub in walk(node):
            binder: Node | None
            if sub.type == "variable_declarator":
                binder = sub.child_by_field_name("name") or sub
            elif sub.type in ("for_in_statement", "catch_clause") and \
                    sub.start_byte <= ident.start_byte and ident.end_byte <= sub.end_byte:
                # `for (const password of list)`, `catch (password)`: a nearer binding
                binder = sub.child_by_field_name("left" if sub.type == "for_in_statement"
                                                 else "parameter")
                if binder is not None and _enclosing_function(sub) == scope and any(
                        n.type in ("identifier", "shorthand_property_identifier_pattern")
                        and text(n) == name for n in walk(binder)):
                    return None
                continue
            else:
                continue
            if binder is not None and _enclosing_function(sub) == scope and any(
                    n.type in ("identifier", "shorthand_property_identifier_pattern")
                    and text(n) == name for n in walk(binder)):
                found.append(sub)
        if len(found) > 1:
            return None
        if found:
            return node, found[0]
        if scope is None:
            return None
        scope = _enclosing_function(scope)


def _enclosing_function(node: Node) -> Node | None:
    """Return the function around ``node``: while check_file runs, looked up among the
    file's functions by position (climbing parents costs a walk from the root per level
    in tree-sitter, so in a chain of a thousand ``||`` operands each climb is quadratic)."""
    if not _MEMO:
        return enclosing(node, _FUNCTIONS)
    memo = _MEMO.get("functions")
    if memo is None:  # the file's functions, found once, when first needed
        functions = nodes_of_types(_MEMO["lang"], _MEMO["root"], _FUNCTIONS)
        memo = _MEMO["functions"] = ([f.start_byte for f in functions], functions)
    starts, functions = memo
    i = bisect.bisect_right(starts, node.start_byte)
    while i > 0:
        i -= 1
        fn: Node = functions[i]
        if fn.end_byte >= node.end_byte and not (
                fn.start_byte == node.start_byte and fn.end_byte == node.end_byte and
                fn.type == node.type):
            return fn
    return None


def _assigned(scope: Node, name: str) -> list[Node]:
    """Return the assignments to ``name`` in ``scope`` (``name = …``, ``name += …``)."""
    memo = _MEMO.get("assigned") if _MEMO else None
    if memo is not None:
        # One walk of the scope for every name: a walk per compared name was quadratic in a
        # condition of a thousand comparisons.
        key = (scope.id, scope.start_byte, scope.end_byte)
        if key not in memo:
            index: dict[str, list[Node]] = {}
            for sub in walk(scope):
                if sub.type in ("assignment_expression", "augmented_assignment_expression"):
                    index.setdefault(text(sub.child_by_field_name("left")), []).append(sub)
            memo[key] = index
        return list(memo[key].get(name, []))
    return [sub for sub in walk(scope)
            if sub.type in ("assignment_expression", "augmented_assignment_expression")
            and text(sub.child_by_field_name("left")) == name]


#: Indexes of the file check_file is judging (set only while it runs: node ids are only
#: unique within one live tree).
_MEMO: dict[str, Any] = {}


#: How many variables a value's origin is followed through (calls count apart: _CALL_DEPTH).
_MAX_ORIGIN_HOPS = 8


def _destructured_together(left: Node, right: Node) -> bool:
    """Return True when ``left`` and ``right`` are two names taken from one object by one
    destructuring declaration (``const { currentPassword, newPassword } = data``), never
    assigned again: two fields of the same value, as ``data.a === data.b`` compares."""
    left, right = unwrap(left, CASTS_AND_AWAIT), unwrap(right, CASTS_AND_AWAIT)
    if left.type != "identifier" or right.type != "identifier" or text(left) == text(right):
        return False
    mine, theirs = _declaration(left), _declaration(right)
    if mine is None or theirs is None:
        return False
    scope, where = mine
    other = theirs[1]
    if isinstance(where, int) or isinstance(other, int) or where != other \
            or _assigned(scope, text(left)) or _assigned(scope, text(right)):
        return False
    target = where.child_by_field_name("name")
    return target is not None and target.type == "object_pattern"


def _request_of(node: Node, depth: int = 0, hops: int = 0) -> str | None:
    """Return the request a value was taken from (``req`` for ``req.body.password``, for a
    variable destructured from ``req.body``, or for a parameter that every call of its
    function in the file passes such a value), or None when that cannot be told."""
    if hops > _MAX_ORIGIN_HOPS:
        return None  # `var a = b; var b = a;`, `var password = password`: no origin to tell
    node = unwrap(node, CASTS_AND_AWAIT)
    cur = node
    while cur.type in ("member_expression", "subscript_expression"):
        obj = unwrap(cur.child_by_field_name("object"), CASTS_AND_AWAIT)
        if cur.type == "member_expression" and obj is not None and \
                text(cur.child_by_field_name("property")) in _REQUEST_PARTS and \
                obj.type in ("identifier", "member_expression"):
            return text(obj)
        if obj is None:
            return None
        cur = obj
    if cur.type != "identifier":
        return None
    found = _declaration(cur)
    if found is None:
        return None
    scope, where = found
    name = text(cur)
    if _assigned(scope, name):
        return None  # reassigned: which value is compared depends on the path taken
    if isinstance(where, int):
        return _argument_request(scope, where, depth)
    target = where.child_by_field_name("name")
    value = where.child_by_field_name("value")
    if target is None or value is None:
        return None
    if target.type == "identifier":
        return _request_of(value, depth, hops + 1)
    if target.type == "object_pattern" and any(
            prop.type == "shorthand_property_identifier_pattern" and text(prop) == name or
            prop.type == "pair_pattern" and text(prop.child_by_field_name("value")) == name
            for prop in target.named_children):
        value = unwrap(value, CASTS_AND_AWAIT)
        # `const { password, verify } = req.body`: the object destructured is the request's
        if value.type == "member_expression" and \
                text(value.child_by_field_name("property")) in _REQUEST_PARTS:
            obj = value.child_by_field_name("object")
            return text(obj) if obj is not None else None
        return _request_of(value, depth, hops + 1) if value.type == "identifier" else None
    return None


def _argument_request(fn: Node, index: int, depth: int) -> str | None:
    """Return the request every call of ``fn`` in its file takes argument ``index`` from, or
    None: a function without a name, exported, or named anywhere but as the callee of a call
    (handed on, assigned, exported) can be called with anything."""
    if depth >= _CALL_DEPTH:
        return None
    calls = _calls_of(fn)
    if not calls:
        return None
    origins = set()
    for call in calls:
        args = call.child_by_field_name("arguments")
        values = code_children(args) if args is not None else []
        if len(values) <= index or any(v.type == "spread_element" for v in values[:index + 1]):
            return None
        origins.add(_request_of(values[index], depth + 1))
    if len(origins) != 1:
        return None
    return origins.pop()


def _constant_number(node: Node | None, depth: int = 0) -> int | None:
    """Return the number ``node`` always holds: a number literal, a ``const`` declared with
    one (``const SALT_ROUNDS = 8``), or a parameter at which every call of its named,
    unexported function in the file passes such a number (the lowest of them); else None."""
    node = unwrap(node)
    if node is None or depth > _CALL_DEPTH:
        return None
    if node.type == "number":
        try:
            return int(float(text(node)))
        except ValueError:
            return None
    if node.type != "identifier":
        return None
    found = _declaration(node)
    if found is None:
        return None
    scope, where = found
    if isinstance(where, int):
        calls = _calls_of(scope)
        if not calls:
            return None
        values = []
        for call in calls:
            args = call.child_by_field_name("arguments")
            given = code_children(args) if args is not None else []
            if len(given) <= where or any(v.type == "spread_element" for v in given[:where + 1]):
                return None
            value = _constant_number(given[where], depth + 1)
            if value is None:
                return None
            values.append(value)
        return min(values)
    holder = where.parent
    name = where.child_by_field_name("name")
    if holder is None or holder.type != "lexical_declaration" \
            or not text(holder).startswith("const") or name is None or name.type != "identifier":
        return None
    init = unwrap(where.child_by_field_name("value"))
    return _constant_number(init, depth + 1) if init is not None and init.type == "number" \
        else None


def _function_name(fn: Node) -> Node | None:
    """Return the identifier a function is declared with (``function f``, ``const f = …``),
    or None (anonymous, a method, a property, or exported where it is declared)."""
    holder = fn.parent
    while holder is not None and holder.type in _WRAPPERS:
        holder = holder.parent
    declared: Node | None
    if fn.type == "function_declaration":
        name_node, declared = fn.child_by_field_name("name"), fn
    elif holder is not None and holder.type == "variable_declarator" and \
            unwrap(holder.child_by_field_name("value"), CASTS_AND_AWAIT) == fn:
        name_node, declared = holder.child_by_field_name("name"), holder.parent
    else:
        return None
    if name_node is None or name_node.type != "identifier" or declared is None or \
            declared.parent is None or declared.parent.type == "export_statement":
        return None
    return name_node


def _calls_of(fn: Node) -> list[Node] | None:
    """Return every call of a named function in its file, or None when its name is used in
    any other way (handed on, assigned, exported): then it can be called with anything."""
    name_node = _function_name(fn)
    if name_node is None:
        return None
    name = text(name_node)
    memo = _MEMO.get("calls_of") if _MEMO else None
    key = (fn.id, fn.start_byte, fn.end_byte)
    if memo is not None and key in memo:
        found = memo[key]
        return None if found is None else list(found)
    calls: list[Node] | None = _scan_calls_of(fn, name_node, name)
    if memo is not None:
        memo[key] = calls
    return None if calls is None else list(calls)


def _scan_calls_of(fn: Node, name_node: Node, name: str) -> list[Node] | None:
    calls = []
    for sub in uses_of(_root_of(fn), name):
        if sub == name_node:
            continue
        call = sub.parent
        if call is None or call.type != "call_expression" or \
                call.child_by_field_name("function") != sub:
            return None
        calls.append(call)
    return calls


_NAMED_FUNCTIONS = """
(function_declaration name: (identifier) @name) @fn
(variable_declarator name: (identifier) @name
  value: [(arrow_function) (function_expression)] @fn)
"""


def _helper_call(call: Node) -> bool:
    """Return True for a call that may hand a helper of the file a password pair: a plain
    name called with two or more arguments, one of them password-like."""
    fn_node = call.child_by_field_name("function")
    args_node = call.child_by_field_name("arguments")
    if fn_node is None or fn_node.type != "identifier" or args_node is None:
        return False
    args = code_children(args_node)
    return len(args) >= 2 and not any(a.type == "spread_element" for a in args) and \
        any(_mentions_password(a) for a in args)


def _named_functions(lang: str, root: Node) -> dict[str, list[Node]]:
    """Return name → the functions of a file declared with it (any scope, not exported)."""
    found: dict[str, list[Node]] = {}
    for match in matches(lang, _NAMED_FUNCTIONS, root):
        for fn in match.get("fn", []):
            name_node = _function_name(fn)
            if name_node is not None:
                found.setdefault(text(name_node), []).append(fn)
    return found


def _helper_comparisons(call: Node, functions: dict[str, list[Node]]
                        ) -> Iterator[tuple[Node, str]]:
    """For a call of a function of the file that compares two of its parameters, neither
    named like a password (``comparePassword(password, user.password)`` with ``(fromDb,
    fromUser) => fromDb === fromUser``), yield each such comparison the arguments of this
    call make a plain-text password check, with the operator."""
    args_node = call.child_by_field_name("arguments")
    args = code_children(args_node) if args_node is not None else []
    candidates = functions.get(text(call.child_by_field_name("function")), [])
    if len(candidates) != 1:
        return
    fn = candidates[0]
    params = [text(p) if p.type == "identifier" else None for p in parameters(fn)]
    for cmp in walk(fn):
        if cmp.type != "binary_expression" or _enclosing_function(cmp) != fn:
            continue
        op = text(cmp.child_by_field_name("operator"))
        if op not in ("==", "===", "!=", "!=="):
            continue
        sides = [unwrap(cmp.child_by_field_name(k), CASTS_AND_AWAIT) for k in ("left", "right")]
        if any(side is None or side.type != "identifier" or password_like(text(side))
               or text(side) not in params or _assigned(fn, text(side)) for side in sides):
            continue
        i, j = params.index(text(sides[0])), params.index(text(sides[1]))
        if i == j or max(i, j) >= len(args):
            continue
        if _password_pair(args[i], args[j], call):
            yield cmp, op




def _looked_up(ident: Node, before: Node) -> Node | None:
    """Return the call a variable holds the result of (``const user = await find(name)``),
    when it is declared so and not assigned before ``before`` nor in a loop around it."""
    found = _declaration(ident)
    if found is None:
        return None
    scope, declarator = found
    if isinstance(declarator, int):
        return None
    target = declarator.child_by_field_name("name")
    value = unwrap(declarator.child_by_field_name("value"), CASTS_AND_AWAIT)
    if target is None or target.type != "identifier" or value is None or \
            value.type != "call_expression":
        return None
    for assignment in _assigned(scope, text(ident)):
        if assignment.start_byte < before.start_byte:
            return None
        loop = enclosing(before, _LOOPS)
        if loop is not None and loop.start_byte <= assignment.start_byte and \
                assignment.end_byte <= loop.end_byte:
            return None
    return value


def _copies_of_one_record(left: Node, right: Node, cmp: Node) -> bool:
    """Return True when both sides are fields of records looked up with the same key:
    ``userConfig.password !== client.config.password`` with ``userConfig = read(name)`` and
    ``client = find(name)`` compares a stored value with a cached copy of it, and no value
    the client sent takes part. A key that is or carries the password, or a whole request
    (``parse(req)``), could make one side the submitted password: not taken."""
    sides = [unwrap(left, CASTS_AND_AWAIT), unwrap(right, CASTS_AND_AWAIT)]
    if any(side.type not in ("member_expression", "subscript_expression") for side in sides):
        return False
    roots = [_chain_root(side) for side in sides]
    if any(root.type != "identifier" for root in roots) or text(roots[0]) == text(roots[1]):
        return False
    keys = []
    for root in roots:
        call = _looked_up(root, cmp)
        if call is None:
            return False
        args = call.child_by_field_name("arguments")
        values = code_children(args) if args is not None else []
        if not values:
            return False
        for value in values:
            if value.type == "spread_element" or _mentions_password(value) or \
                    _request_of(value) is not None or any(
                        n.type in ("identifier", "property_identifier") and
                        words(text(n)) & _SENT_WORDS for n in walk(value)):
                return False
        keys.append([text(v) for v in values])
    return keys[0] == keys[1]


def _looked_up_by_password(args: list[Node]) -> bool:
    """Return True when a lookup's filter matches a password field against the password as
    the client sent it (``User.find({ username, password: req.body.password })``, also in a
    ``where``): a query that can only match a password stored in plain text."""
    for arg in args[:1]:
        if arg.type != "object":
            continue
        props = object_properties(arg)
        where = props.get("where")
        for key, value in [*props.items(), *object_properties(where).items()]:
            if password_like(key) and not words(key) & DERIVED_WORDS and \
                    _raw_request_password(value):
                return True
    return False


class PasswordHash(Rule):
    """Weak password hashing, comparison and storage."""

    id = "password-hash"

    def wants(self, source: bytes) -> bool:
        low = source.lower()
        return b"pass" in low or b"pwd" in low or b"bcrypt" in low or b"argon2" in low

    def check_file(self, ctx: FileContext) -> Iterable[Finding]:
        _MEMO.clear()
        _MEMO.update(assigned={}, calls_of={}, functions=None, lang=ctx.lang,
                     root=ctx.tree.root_node, imports=ctx.facts.imports)
        try:
            yield from self._check_file(ctx)
        finally:
            _MEMO.clear()

    def _check_file(self, ctx: FileContext) -> Iterable[Finding]:
        root = ctx.tree.root_node
        bcrypt = ctx.facts.locals_of("bcrypt") | ctx.facts.locals_of("bcryptjs")
        bcrypt_named = {local: name for module in ("bcrypt", "bcryptjs")
                        for imp in ctx.facts.imports if imp.module == module
                        for name, local in imp.named.items()}
        argon2 = ctx.facts.locals_of("argon2")
        digests = {name: module for module in ("md5", "sha1", "js-md5", "js-sha1", "js-sha256")
                   for name in ctx.facts.locals_of(module)}
        cryptojs = ctx.facts.locals_of("crypto-js")
        # Every finding is a call, `new` or comparison that contains a password-like name (all
        # of them contain "pass" or "pw") or a bcrypt/argon2 name: tree-sitter looks only there.
        # (Lower-casing keeps every offset: only ASCII letters change.)
        spans = [m.span() for m in _PASSWORD_NEEDLE.finditer(ctx.source.lower())]
        names = bcrypt | set(bcrypt_named) | argon2
        if names:
            pattern = re.compile(alternation(names))
            spans += [m.span() for m in pattern.finditer(ctx.source)]
        caps = nodes_in(ctx.lang, root, merge_ranges(spans), "call", "new", "cmp")
        digests_reported: list[Node] = []  # the fast digests of a password reported below
        for call in caps.get("call", []):
            fn = call.child_by_field_name("function")
            args_node = call.child_by_field_name("arguments")
            if fn is None or args_node is None:
                continue
            args = code_children(args_node)
            callee = text(fn)
            head, _, method = callee.rpartition(".")
            message = None
            if method == "update" and args and _digests_password(args[0]):
                algorithm = self._digest_of(fn.child_by_field_name("object"))
                if algorithm and not _prehashed(call) and not _handed_on_as_secret(call) \
                        and not _sent_to_a_service(call):
                    message = (f"password hashed with {algorithm}: fast digests are brute-forced "
                               f"at billions of guesses per second; {REPLACEMENT}")
            elif (callee in digests or head in cryptojs and method.upper().startswith(
                    ("MD5", "SHA", "RIPEMD"))) and args and _digests_password(args[0]):
                algorithm = digests.get(callee) or method
                if not _handed_on_as_secret(call):
                    message = (f"password hashed with {algorithm}: fast digests are brute-forced "
                               f"at billions of guesses per second; {REPLACEMENT}")
            elif (head in bcrypt and method in ("hash", "hashSync", "genSalt", "genSaltSync")) or \
                    (not head and bcrypt_named.get(callee) in ("hash", "hashSync", "genSalt",
                                                               "genSaltSync")):
                name = method or bcrypt_named[callee]
                # A missing cost is the library's default (bcrypt and bcryptjs: 10), which
                # meets the minimum: `genSalt()` and `genSalt(cb)` are fine.
                position = 0 if name.startswith("genSalt") else 1
                cost_arg = args[position] if len(args) > position else None
                if position and _literal_password(args[0]):
                    cost_arg = None  # `hashSync('1234', 8)`: the plaintext is in the source
                if position and _hashes_no_password(args[0]):
                    cost_arg = None  # an id made of a record (`hash(JSON.stringify(item), 1)`)
                cost = _constant_number(cost_arg) if cost_arg is not None else None
                if cost is not None and cost < BCRYPT_MIN and not position \
                        and _salts_no_password(call, args, ctx.lang):
                    cost = None  # the salt only hashes a token (`genSalt(8, (e, s) =>
                    # bcrypt.hash(token, s, …))`): a random value needs no work factor
                if cost is not None:
                    if cost < BCRYPT_MIN:
                        message = (f"bcrypt cost {cost} is too low (below {BCRYPT_MIN}): use "
                                   "cost 12 or more, or argon2id")
            elif head in argon2 and method == "hash" and len(args) > 1:
                message = self._argon2_problem(args[1])
            elif method in _STORE_METHODS:
                imp = _receiver_import(ctx.facts, fn)[0]
                if imp is None and _model_owner(ctx.facts, fn, args, ctx.lang) is not None:
                    pass  # the project's own model object: check_project looks at its method
                elif imp is None and method in _RUNNER_METHODS and \
                        (not args or args[0].type == "object"):
                    pass  # a command object handed to a collaborator (a use case): no SQL
                elif imp is None or imp.module in DB_PACKAGES or imp.module.startswith("node:"):
                    message = self._plaintext_store(args, orm_hashes=ctx.info.hashes_on_save)
                    # `Model.build({ password })` makes an unsaved instance, like `new`
                    # (here only hashing this file can see clears it).
                    if message and method == "build" and self._hashed_later(call, args, ctx) == []:
                        message = None
                # A project module's receiver is judged by check_project, which follows the
                # called function; another package's is not judged at all.
            elif method in _LOOKUP_METHODS and not ctx.info.hashes_on_save and \
                    _looked_up_by_password(args):
                imp = _receiver_import(ctx.facts, fn)[0]
                if imp is None or imp.module in DB_PACKAGES:
                    message = ("user looked up by the password as the client sent it: the "
                               "database holds passwords in plain text; store a bcrypt (cost "
                               ">= 12) or argon2id hash and verify with bcrypt.compare / "
                               "argon2.verify")
            if message:
                if message.startswith("password hashed with"):
                    digests_reported.append(call)
                yield ctx.node_finding(self.id, call, f"{message} ({CHEAT_SHEET})")
        for node in caps.get("new", []):
            args_node = node.child_by_field_name("arguments")
            if args_node is None or _no_model(node, ctx.facts, ctx.source):
                continue
            args = code_children(args_node)
            message = self._plaintext_store(args, orm_hashes=ctx.info.hashes_on_save)
            if message and self._hashed_later(node, args, ctx) is not None:
                continue  # hashed before the save (by a project function: check_project)
            if message:
                yield ctx.node_finding(self.id, node, f"{message} ({CHEAT_SHEET})")
        # One condition, one finding: the comparisons of one `||`/`&&` chain (`stored ===
        # sha1 || stored === sha512`) are one check, reported once at the first of them.
        conditions: dict[tuple[int, int], list[Node]] = {}
        pending: list[_SecretCheck | _ConstantCheck | _HashedCheck] = []
        # The file's conditions, found once a comparison needs them (most files have none).
        tops: list[tuple[int, int]] | None = None
        for cmp in caps.get("cmp", []):
            if not self._comparison(cmp, ctx.info.hashes_on_save):
                continue
            if any(cmp.start_byte <= d.start_byte and d.end_byte <= cmp.end_byte
                   for d in digests_reported):
                continue  # `sha1(password) === stored`: the digest's finding is this problem
            if tops is None:
                tops = _condition_tops(ctx.lang, root)
            conditions.setdefault(_top_of(cmp, tops), []).append(cmp)
        functions: dict[str, list[Node]] | None = None
        hashing: _Hashing | None = None
        for (start, end), cmps in conditions.items():
            cmps.sort(key=lambda n: n.start_byte)
            if functions is None:
                functions = _named_functions(ctx.lang, root)
            hashing = hashing or _Hashing(ctx)
            # `stored === bcrypt.hashSync(password, salt)`: a hand-written verify (a slow hash
            # made with the stored salt), not a plain-text or fast-hash store. A hash made by
            # a function of another project module (`getHash(pw, salt)` from `../users`) is
            # proved in check_project.
            hashers: list[_Hasher] = []
            all_through = True  # every comparison left is one with such a function's result
            remaining = []
            for cmp in cmps:
                via: list[_Hasher] = []
                if _verified_by_hash(cmp, hashing, functions, via):
                    continue
                remaining.append(cmp)
                hashers += via
                all_through = all_through and bool(via)
            cmps = remaining
            if not cmps:
                continue
            top = root.descendant_for_byte_range(start, end) or cmps[0]
            found = self._comparison_finding(ctx, cmps, top, functions)
            if hashers and all_through and not isinstance(found, _SecretCheck):
                # reported unless the project phase proves every such function hashes
                pending.append(_HashedCheck(found, hashers))
            elif isinstance(found, _SecretCheck):
                pending.append(found)  # judged in check_project, from the other modules' calls
            elif all(members := [_deferred_member(cmp) for cmp in cmps]):
                # `args.auth === AuthType.Password` with `AuthType` from a project module:
                # check_project looks up what that module declares.
                pending.append(_ConstantCheck(found, [m for m in members if m is not None]))
            else:
                yield found
        _remember_secret_checks(ctx, pending)
        # A helper of the file that compares its parameters, called with a password pair.
        reported: set[tuple[int, int]] = set(conditions)
        helper_calls = [call for call in caps.get("call", []) if _helper_call(call)]
        if helper_calls and functions is None:
            functions = _named_functions(ctx.lang, root)
        for call in helper_calls:
            for cmp, op in _helper_comparisons(call, functions or {}):
                if tops is None:
                    tops = _condition_tops(ctx.lang, root)
                span = _top_of(cmp, tops)
                if span in reported:
                    continue
                reported.add(span)
                name = text(call.child_by_field_name("function"))
                through = f" in {name}() (called at line {call.start_point[0] + 1})"
                yield ctx.node_finding(self.id, cmp,
                                       f"{_compare_message(op, through)} ({CHEAT_SHEET})")

    def _comparison_finding(self, ctx: FileContext, cmps: list[Node], top: Node,
                            functions: dict[str, list[Node]]) -> Finding | _SecretCheck:
        """Return the one finding for the password comparisons ``cmps`` of one condition: a
        note when the same function hashes the compared password with a password hash (a
        migration from a legacy scheme), a warning naming a constant-time comparison when a
        password from the request is compared with a secret the app is configured with,
        else the comparison error."""
        first, last = cmps[0], cmps[-1]
        op = text(first.child_by_field_name("operator"))
        count = f" ({len(cmps)} comparisons in one condition)" if len(cmps) > 1 else ""
        upgrade = _migration_hash(cmps, top, _Hashing(ctx), functions)
        if upgrade is not None:
            callee = text(upgrade.child_by_field_name("function"))
            message = (f"password compared with `{op}`{count} on a migration path: the same "
                       f"function hashes this password with `{callee}()` (line "
                       f"{upgrade.start_point[0] + 1}) for the new scheme, so this check only "
                       "serves values stored before; until all are replaced, those stay at rest "
                       "in the legacy scheme: wrap them now (bcrypt or argon2id of the old "
                       f"hash) or expire them ({CHEAT_SHEET})")
            severity = "note"
        elif all(secrets := [_shared_secret(cmp) for cmp in cmps]):
            message = (f"password compared with `{op}`{count} against a secret the app is "
                       "configured with (an environment value, a config file's value or a "
                       "middleware option, the same for every request): string comparison "
                       "stops at the first differing character, so response times tell how "
                       "much of a guess is right; compare SHA-256 digests of both with "
                       "crypto.timingSafeEqual "
                       f"({TIMING_SAFE_EQUAL})")
            severity = "warning"
            factories = sorted({s for s in secrets if isinstance(s, tuple)})
            if factories:
                return _SecretCheck(first.start_byte, last.end_byte, message,
                                    f"{_compare_message(op, count)} ({CHEAT_SHEET})", factories)
        elif all(_key_compare(cmp) for cmp in cmps):
            message = (f"API key secret compared with `{op}`{count} against a value named "
                       "for a password: string comparison stops at the first differing "
                       "character, so response times tell how much of a guess is right; "
                       "compare with crypto.timingSafeEqual, and keep a SHA-256 digest of the "
                       "key rather than the key (a random key needs no slow hash, which would "
                       f"run on every request) ({TIMING_SAFE_EQUAL})")
            severity = "warning"
        else:
            message = f"{_compare_message(op, count)} ({CHEAT_SHEET})"
            severity = ""
        finding = ctx.finding(self.id, first.start_byte, last.end_byte, message)
        return replace(finding, severity=severity) if severity else finding

    def file_data(self, ctx: FileContext
                  ) -> list[_StoreCall | _SecretCheck | _ConstantCheck | _HashedCheck] | None:
        """Return the store calls on a project module (``query.link.create({ password })``)
        that pass a password as it is, and the comparisons with an exported factory's
        parameter, for ``check_project`` to follow."""
        kept: list[_StoreCall | _SecretCheck | _ConstantCheck | _HashedCheck] = [
            *(self._store_calls(ctx) or []), *self._secret_checks(ctx)]
        return kept or None

    def _secret_checks(self, ctx: FileContext
                       ) -> list[_SecretCheck | _ConstantCheck | _HashedCheck]:
        """Return the comparisons with a parameter of a factory the file exports, which
        ``check_file`` left to the project phase (computed by it, or again here)."""
        key = (ctx.rel, hash(ctx.source))
        if key not in _SECRET_CHECKS:
            if not ctx.wanted(self):
                return []
            for _ in self.check_file(ctx):
                pass
        return list(_SECRET_CHECKS.get(key, []))

    def _store_calls(self, ctx: FileContext) -> list[_StoreCall] | None:
        """The store calls of ``file_data``."""
        facts = ctx.facts
        spans = merge_ranges([m.span() for m in _PASSWORD_NEEDLE.finditer(ctx.source.lower())])
        if not spans:
            return None  # every search below starts from a password word: none here
        owned = self._calls_on_models(ctx, spans)
        relative = {local: imp for imp in facts.imports if imp.module.startswith(".")
                    for local in imp.locals()}
        if not relative:
            return owned or None
        calls = owned + self._instances_hashed_by_project(ctx, spans)
        if not _store_on_import(ctx.source, relative):
            return calls or None
        # A call is kept only when ``_plaintext_store`` finds a password in its arguments,
        # whose text then holds "pass" or "pw": tree-sitter looks at the calls around those.
        for call in nodes_in(ctx.lang, ctx.tree.root_node, spans, "call")["call"]:
            fn = call.child_by_field_name("function")
            args_node = call.child_by_field_name("arguments")
            if fn is None or args_node is None:
                continue
            if text(fn).rpartition(".")[2] not in _STORE_METHODS:
                continue
            imp, local, chain = _receiver_import(facts, fn)
            if imp is None or not imp.module.startswith("."):
                continue
            args = code_children(args_node)
            message = self._plaintext_store(args, orm_hashes=ctx.info.hashes_on_save)
            hashers: list[_Hasher] = []
            if message and text(fn).rpartition(".")[2] == "build":
                later = self._hashed_later(call, args, ctx)
                if later == []:
                    continue  # hashed in this file before the save
                hashers = later or []
            if message:
                calls.append(_StoreCall(call.start_byte, call.end_byte, text(fn), message, imp,
                                        local, chain, hashers))
        return calls or None

    def _calls_on_models(self, ctx: FileContext, spans: list[tuple[int, int]]
                         ) -> list[_StoreCall]:
        """Return the store calls with a plain password whose receiver is the project's own
        model object (``_model_owner``), which ``check_file`` left to the project phase
        (``spans``: where the file's "pass" and "pw" are, one of which such a call's arguments
        hold)."""
        if not _MODEL_CALL_RE.search(ctx.source):
            return []
        found = []
        for call in nodes_in(ctx.lang, ctx.tree.root_node, spans, "call")["call"]:
            fn = call.child_by_field_name("function")
            args_node = call.child_by_field_name("arguments")
            if fn is None or args_node is None or \
                    text(fn).rpartition(".")[2] not in _MODEL_METHODS:
                continue
            args = code_children(args_node)
            if _receiver_import(ctx.facts, fn)[0] is not None:
                continue
            owner = _model_owner(ctx.facts, fn, args, ctx.lang)
            message = self._plaintext_store(args, orm_hashes=ctx.info.hashes_on_save) \
                if owner is not None else None
            if message:
                found.append(_StoreCall(call.start_byte, call.end_byte, text(fn), message, None,
                                        "", None, owner=owner))
        return found

    def _instances_hashed_by_project(self, ctx: FileContext, spans: list[tuple[int, int]]
                                     ) -> list[_StoreCall]:
        """Return the ``new Model({ password })`` of a file whose password is replaced before
        the save by what a function of a project module returns (``user.password = await
        hashPassword(password)``), for ``check_project`` to prove that function hashes."""
        source = ctx.source
        if not _NEW_RE.search(source):
            return []
        found = []
        for node in nodes_in(ctx.lang, ctx.tree.root_node, spans, "new")["new"]:
            args_node = node.child_by_field_name("arguments")
            if args_node is None:
                continue
            args = code_children(args_node)
            message = self._plaintext_store(args, orm_hashes=ctx.info.hashes_on_save)
            later = self._hashed_later(node, args, ctx) if message else None
            if message and later:
                found.append(_StoreCall(node.start_byte, node.end_byte,
                                        text(node.child_by_field_name("constructor")), message,
                                        None, "", None, later))
        return found

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Judge store calls on a project module (``query.link.create({ password })``): the
        called function is followed one level. It hashing the value (bcrypt, argon2, scrypt,
        pbkdf2) clears the call; it storing without hashing, or a receiver that is not a
        function of the project (an ORM model the module exports), is reported."""
        for path, calls in ctx.file_data.get(self.id, {}).items():
            for call in calls:
                if isinstance(call, _HashedCheck):
                    if all(_proves_hash(ctx, path, h) for h in call.hashers):
                        continue  # `stored !== hashOf(pw, salt)`: a verify with a slow hash
                    yield call.then
                    continue
                if isinstance(call, _SecretCheck):
                    yield _judge_secret_check(ctx, self.id, path, call)
                    continue
                if isinstance(call, _ConstantCheck):
                    if not all(_imported_constant(ctx, path, *m) for m in call.members):
                        yield call.finding
                    continue
                message = call.message
                if call.owner is not None:
                    if _owner_hashes(ctx, path, call.owner, call.callee.rpartition(".")[2]):
                        continue  # the model's own method hashes the password it is given
                    yield ctx.finding(self.id, path, call.start, call.end,
                                      f"{message} ({CHEAT_SHEET})")
                    continue
                if call.hashers and all(_proves_hash(ctx, path, h) for h in call.hashers):
                    continue  # the project function that replaces the password hashes it
                target = _follow(ctx, path, call.imp, call.local, call.chain) \
                    if call.imp is not None else None
                if target is not None:
                    rel, fn_node = target
                    if _hashes(fn_node, ctx.facts[rel]) or not _stores(fn_node):
                        continue  # hashed there, or handed further on: cannot be sure
                    message += f" (`{call.callee}` stores it as given)"
                yield ctx.finding(self.id, path, call.start, call.end,
                                  f"{message} ({CHEAT_SHEET})")

    @staticmethod
    def _digest_of(node: Node | None) -> str | None:
        """Return the weak algorithm of the ``createHash``/``createHmac`` an ``update`` chains on."""
        while node is not None and node.type == "call_expression":
            fn = node.child_by_field_name("function")
            name = text(fn).rpartition(".")[2]
            if name in ("createHash", "createHmac"):
                args = node.child_by_field_name("arguments")
                first = args.named_children[0] if args is not None and args.named_children else None
                # Every algorithm createHash offers is a fast digest, unfit for passwords.
                return (string_value(first) or "a fast digest").lower()
            if name != "update" or fn is None or fn.type != "member_expression":
                return None
            node = fn.child_by_field_name("object")
        return None

    @staticmethod
    def _argon2_problem(options: Node) -> str | None:
        props = object_properties(options)
        if not props:
            return None

        def number(key: str, default: int) -> int | None:
            value = props.get(key)
            if value is None:
                return default
            return int(float(text(value))) if value.type == "number" else None

        memory = number("memoryCost", ARGON2_DEFAULTS[0])
        time = number("timeCost", ARGON2_DEFAULTS[1])
        if memory is None or time is None:
            return None
        if any(memory >= m and time >= t for m, t in ARGON2_MINIMUMS):
            return None
        return (f"argon2 with memoryCost {memory} KiB and timeCost {time} is below the OWASP "
                "minimum (argon2id with memoryCost >= 19456 KiB and timeCost >= 2)")

    def _hashed_later(self, node: Node, args: list[Node],
                      ctx: FileContext) -> list[_Hasher] | None:
        """Return, when the instance ``node`` builds (``new User({ password })``) has every
        plain password field replaced by a hash before each save (``_hashed_before_save``),
        the functions of project modules that hash it (empty when bcrypt/argon2/scrypt/pbkdf2
        or a function of the file does): the project phase proves those. None when the
        instance may be saved with the plain password; a SQL statement among the arguments is
        still judged."""
        keys = _plaintext_keys(args)
        if not keys or self._plaintext_store([a for a in args if a.type != "object"]):
            return None
        hashing = _Hashing(ctx)
        return hashing.deferred if _hashed_before_save(node, keys, ctx, hashing) else None

    @staticmethod
    def _plaintext_store(args: list[Node], *, orm_hashes: bool = False) -> str | None:
        """``orm_hashes``: a model's save hook hashes the password, so handing the plain
        password to the ORM (``User.create({ password })``) is how that model is used."""
        if not orm_hashes and _plaintext_keys(args):
            return ("password stored in plain text: hash it first; "
                    f"{REPLACEMENT}")
        if args and args[0].type in ("string", "template_string"):
            sql = text(args[0])
            if _SQL_WRITE_RE.search(sql) and password_like(sql.replace("_", " ")):
                values: list[Node] = []
                if args[0].type == "template_string":
                    values += [c.named_children[0] for c in args[0].named_children
                               if c.type == "template_substitution" and c.named_children]
                for arg in args[1:]:
                    values += arg.named_children if arg.type == "array" else [arg]
                if any(_raw_request_password(v) for v in values):
                    return ("password written to the database in plain text: hash it first; "
                            f"{REPLACEMENT}")
        return None

    @staticmethod
    def _comparison(node: Node, hashes_on_save: bool = False) -> str | None:
        op = text(node.child_by_field_name("operator"))
        if op not in ("==", "===", "!=", "!=="):
            return None
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            return None
        if hashes_on_save and _confirmation_validator(node, left, right):
            return None  # a schema's `passwordConfirm` validator: the two values submitted
        if _password_pair(left, right, node):
            return _compare_message(op)
        return None


#: What a call that hashes or verifies a password is named (``bcrypt.hash``, ``argon2.verify``,
#: a worker's ``pool.exec('hash', …)``).
_HASHING_CALL_RE = lazy_pattern(r"(?i)hash|compare|verify|bcrypt|argon|scrypt|pbkdf2")
_HASHING_OPERATION_RE = lazy_pattern(r"(?i)(?:bcrypt|argon2?|scrypt|pbkdf2)?[_-]?"
                                     r"(?:hash|compare|verify)(?:[_-]?(?:sync|password))?")


def _digest_variable(update: Node) -> tuple[Node, str, Node] | None:
    """Return the whole digest expression that ``update`` starts
    (``createHash('sha512').update(pw).digest('hex')``), the variable it is put in and the
    function holding it; None when it is not put in a variable of a function."""
    node = update
    while node.parent is not None and node.parent.type in (
            "member_expression", "call_expression", "await_expression",
            "parenthesized_expression"):
        node = node.parent
    name = _bound_name(node)
    scope = _enclosing_function(node) if name is not None else None
    if name is None or scope is None:
        return None
    return node, name, scope


def _prehashed(update: Node) -> bool:
    """Return True when the fast digest ``update`` starts (``createHash('sha512').update(pw)``)
    is a pre-hash: it is put in a variable that the same function then hands to a call that
    hashes or verifies (``bcrypt.hash(digest, 12)``, ``pool.exec('hash', [digest])``), as apps
    do to get past bcrypt's 72-byte limit. The digest is then not what is stored."""
    bound = _digest_variable(update)
    if bound is None:
        return False
    node, name, scope = bound
    for sub in walk(scope):
        if sub.type != "call_expression" or sub.start_byte < node.end_byte:
            continue
        fn = sub.child_by_field_name("function")
        args = sub.child_by_field_name("arguments")
        if fn is None or args is None:
            continue
        # The callee says it (`bcrypt.hash`, `argon2.verify`), or a string argument names the
        # operation and nothing else (a worker's `pool.exec('hash', […])`; a SQL text with a
        # `password_hash` column is no hashing call).
        hashing = _HASHING_CALL_RE.search(text(fn)) or any(
            _HASHING_OPERATION_RE.fullmatch(string_value(arg) or "")
            for arg in code_children(args))
        if hashing and any(n.type == "identifier" and text(n) == name for n in walk(args)):
            return True
    return False


#: A command-line option that takes a password or key (``--password=``, ``--encryption-key``):
#: the value written right after it is handed to another program as its secret.
_SECRET_OPTION_RE = lazy_pattern(r"(?i)--[\w.-]*(?:password|passwd|passphrase|secret|key)")
#: The same option at the end of a template's text, before the value (``--password=${key}``).
_SECRET_OPTION_END_RE = lazy_pattern(r"(?i)--[\w.-]*(?:password|passwd|passphrase|secret|key)"
                                     r"(?:=|\s+)$")
#: Callees that compare or verify what they are given (``timingSafeEqual``, ``compare``).
_COMPARING_CALL_RE = lazy_pattern(r"(?i)equal|compare|verify|match")


def _digest_uses(update: Node, stored: bool = False) -> list[tuple[Node, Node | None]] | None:
    """Return the uses of the variable the fast digest ``update`` starts is put in (its
    function's, after it), each with the call around it; None when it is put in no variable,
    or when a use compares it, looks a record up by it or, with ``stored``, stores it (a
    digest's own ``createHash(…).update(token)`` only signs it)."""
    bound = _digest_variable(update)
    if bound is None:
        return None
    node, name, scope = bound
    uses: list[tuple[Node, Node | None]] = []
    for use in walk(scope):
        if use.type not in ("identifier", "shorthand_property_identifier") \
                or text(use) != name or use.start_byte < node.end_byte \
                or _shadowed(use, name, scope):
            continue
        parent = use.parent
        if parent is not None and parent.type == "binary_expression" and \
                text(parent.child_by_field_name("operator")) in ("===", "==", "!==", "!="):
            return None
        call = enclosing(use, ("call_expression",))
        if call is not None:
            callee = text(call.child_by_field_name("function"))
            method = callee.rpartition(".")[2]
            if _COMPARING_CALL_RE.search(method) or method in _LOOKUP_METHODS or (
                    stored and method in _STORE_METHODS and "createH" not in callee):
                return None  # compared, a record looked up by it, or stored
        uses.append((use, call))
    return uses


def _handed_on_as_secret(update: Node) -> bool:
    """Return True when the fast digest ``update`` starts is a key derived from a password for
    another program, not a stored verifier: it is put in a variable that the same function then
    writes after a command-line option taking a secret (``--password=${key}`` in a template,
    ``['--password', key]``) in a call's arguments, and never compares or looks a record up
    with it. That program keeps or stretches its own secret (a backup tool's repository
    password); a login never checks a password against this digest."""
    handed = False
    for use, call in _digest_uses(update) or []:
        parent = use.parent
        if parent is None or call is None or \
                not _within(use, call.child_by_field_name("arguments") or call):
            continue
        if parent.type == "template_substitution":
            before = parent.prev_sibling
            if before is not None and before.type == "string_fragment" and \
                    _SECRET_OPTION_END_RE.search(text(before)):
                handed = True
        elif parent.type == "array":
            before = use.prev_named_sibling
            option = string_value(before) if before is not None else None
            if option is not None and _SECRET_OPTION_RE.fullmatch(option):
                handed = True
    return handed


#: Calls that send a request to another service, whose first argument is the URL.
_REQUEST_CALL_RE = lazy_pattern(
    r"^(?:fetch|got|request|superagent|needle|ky|axios|(?:axios|got|ky|needle|superagent|"
    r"request|https?)\.(?:get|post|put|request))$")
#: A URL written out as the start of a string or template: ``http://`` or ``https://``.
_URL_START_RE = lazy_pattern(r"^[`'\"]https?://")


def _sent_to_a_service(update: Node) -> bool:
    """Return True when the fast digest ``update`` starts (or the digest whose input it is
    part of: Last.fm's ``md5(user + md5(password))``) is a token another service's protocol
    asks for, not a stored verifier: it is put in a variable that the same function sends in
    the URL of a request (``fetch(`https://ws.example.org/?authToken=${token}`)``, Subsonic's
    ``t=`` token), and never stores, compares or looks a record up with it."""
    outer = update
    while True:  # `createHash('md5').update(user + createHash('md5').update(pw)…)`
        holder = enclosing(outer, ("arguments",))
        parent = holder.parent if holder is not None else None
        fn = parent.child_by_field_name("function") if parent is not None else None
        if parent is None or fn is None or fn.type != "member_expression" or \
                text(fn.child_by_field_name("property")) != "update":
            break
        outer = parent
    sent = False
    for use, call in _digest_uses(outer, stored=True) or []:
        if call is None:
            continue
        args = code_children(call.child_by_field_name("arguments") or call)
        if args and _REQUEST_CALL_RE.match(text(call.child_by_field_name("function"))) \
                and _within(use, args[0]) and _URL_START_RE.match(text(args[0])):
            sent = True
    return sent


def _password_pair(left: Node, right: Node, at: Node) -> bool:
    """Return True when comparing ``left`` with ``right`` (at ``at``) is a plain-text password
    check: one side password-like, and not two submitted values nor two stored copies."""
    literal = ("string", "template_string", "number", "null", "undefined", "true", "false",
               "unary_expression")
    if left.type in literal or right.type in literal:
        return False
    names = [_last_name(left), _last_name(right)]
    if not any(names_password(n) for n in names):
        return False
    if _constant_member(left, right) or _constant_member(right, left):
        return False  # a mode against a constant (`args.auth === AuthType.Password`)
    for mine, other in ((left, right), (right, left)):
        if _constant_list_element(mine) and not _submitted(other) and \
                _request_of(other) is None:
            return False  # a value against shipped defaults (`DEFAULTS.some((d) => …)`)
    if any(password_like(n) and not names_password(n) for n in names):
        return False  # one side is about a password, not one (`passwordLink`, `passwordPolicy`)
    if any(_names_address(n) for n in names):
        return False  # one side is an address (`resetPassword === redirectUrl`)
    if any(words(n) & {"length", "confirm", "confirmation", "repeat", "again", "retype",
                       "type", "policy", "token", "reset", "expires", "expiry", "hint"}
           for n in names):  # a reset token (`passwordResetToken !== token`) is no password
        return False
    if any(re.search(r"(?i)confirm|repeat|retype", text(side)) for side in (left, right)):
        return False
    if _submitted(left) and _submitted(right):
        return False  # two values the client sent (password and its confirmation)
    if left.type == right.type == "member_expression" and names[0] != names[1] and \
            text(left.child_by_field_name("object")) == text(right.child_by_field_name("object")):
        return False  # two fields of one object (`data.currentPassword === data.newPassword`)
    request = _request_of(left)
    if request is not None and request == _request_of(right):
        return False  # both sides from one request (`password !== verify`, passed in)
    if _destructured_together(left, right):
        return False  # two fields of one object (`const { currentPassword, newPassword } =
        # data`: the new password must differ from the current one the client typed)
    # two stored copies (a reloaded record against a cached one) are no check either
    return not _copies_of_one_record(left, right, at)


#: A schema field that holds a password's confirmation (``passwordConfirm``,
#: ``confirmPassword``, ``password_confirmation``, ``repeatPassword``, ``verifyPwd``).
_CONFIRM_FIELD_RE = lazy_pattern(r"(?i)^(?=.*(?:confirm|repeat|retype|verif|again))"
                                 r"(?=.*(?:pass(?:word)?|pwd|psw)).*$")
#: Functions whose ``this`` is the document mongoose validates (not an arrow function, whose
#: ``this`` is the enclosing scope's).
_VALIDATOR_FUNCTIONS = ("function_expression", "function", "method_definition")


def _confirmation_validator(cmp: Node, left: Node, right: Node) -> bool:
    """Return True when ``cmp`` (``left`` against ``right``) is the sign-up form's check that
    the two password fields match, written as the mongoose validator of the confirmation
    field:

        new mongoose.Schema({
          password: { type: String },
          passwordConfirm: { validate: { validator(el) { return el === this.password } } },
        })

    All of: the comparison is in a ``function``/method (not an arrow function) that is the
    ``validate: { validator }``, ``validate: fn`` or ``validate: [fn, message]`` of a field
    named as a password's confirmation; that field is a property of the object literal given
    to ``new Schema(…)``/``new mongoose.Schema(…)``; one side is the validator's own first
    parameter (the value being validated) and the other is ``this.<field>`` or
    ``this.get('<field>')`` for a password field of that same schema. The caller asks only
    when the project hashes passwords in a save hook (``hashes_on_save``): then ``this.password``
    is still the submitted value when validators run. Without such a hook the stored password
    is the plain text this compares with, and the comparison stays reported."""
    fn = cmp.parent
    while fn is not None and fn.type not in _VALIDATOR_FUNCTIONS + ("arrow_function",):
        fn = fn.parent
    if fn is None or fn.type not in _VALIDATOR_FUNCTIONS:
        return False
    field = _validated_field(fn)
    schema = field.parent.parent if field is not None and field.parent is not None else None
    if field is None or schema is None or not _schema_definition(schema):
        return False
    confirm = _key_of(field)
    params = parameters(fn)
    if not confirm or not params or params[0].type != "identifier":
        return False
    values = [pair.child_by_field_name("value") for pair in schema.named_children
              if pair.type == "pair"]
    fields = {key for key in (_key_of(v) for v in values if v is not None)
              if key and key != confirm and names_password(key)
              and not _CONFIRM_FIELD_RE.match(key)}
    sides = [unwrap(left, CASTS_AND_AWAIT), unwrap(right, CASTS_AND_AWAIT)]
    value = text(params[0])
    for mine, other in (sides, sides[::-1]):
        if mine is None or other is None or mine.type != "identifier" or text(mine) != value:
            continue
        return _this_field(other) in fields
    return False


def _validated_field(fn: Node) -> Node | None:
    """Return the options object of the schema field whose validator ``fn`` is
    (``validate: { validator: fn }``, ``validator(el) {}``, ``validate: fn``, ``validate:
    [fn, message]``), or None."""
    key = _key_of(fn)
    holder = fn.parent
    if key == "validator" and holder is not None:  # `validator: fn` / `validator(el) {}`
        holder = holder.parent if holder.type == "pair" else holder
        if holder is None or holder.type != "object":
            return None
        key = _key_of(holder)
        holder = holder.parent
    elif holder is not None and holder.type == "array":  # `validate: [fn, 'message']`
        key = _key_of(holder)
        holder = holder.parent
    if key != "validate" or holder is None:
        return None
    field = holder if fn.type == "method_definition" and holder == fn.parent \
        else holder.parent if holder.type == "pair" else None  # `validate(el) {}` / `: fn`
    if field is None or field.type != "object" or \
            not _CONFIRM_FIELD_RE.match(_key_of(field) or ""):
        return None
    return field


def _schema_definition(obj: Node) -> bool:
    """Return True when the object literal ``obj`` is the first argument of ``new Schema(…)``
    or ``new <name>.Schema(…)`` (mongoose's schema definition)."""
    args = obj.parent
    new = args.parent if args is not None and args.type == "arguments" else None
    if args is None or new is None or new.type != "new_expression" or \
            code_children(args)[:1] != [obj]:
        return False
    constructor = text(new.child_by_field_name("constructor"))
    return constructor == "Schema" or constructor.endswith(".Schema")


def _this_field(node: Node) -> str | None:
    """Return ``f`` for ``this.f`` or ``this.get('f')``, else None."""
    if node.type == "member_expression":
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        if obj is not None and obj.type == "this" and prop is not None:
            return text(prop)
    if node.type == "call_expression":
        fn = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        values = code_children(args) if args is not None else []
        if fn is not None and fn.type == "member_expression" and \
                text(fn.child_by_field_name("object")) == "this" and \
                text(fn.child_by_field_name("property")) == "get" and len(values) == 1:
            return string_value(values[0])
    return None


def _key_of(value: Node) -> str | None:
    """Return the key of the property whose value is ``value`` (``key: value`` or a method
    ``key() {}``), or None."""
    if value.type == "method_definition":
        name = value.child_by_field_name("name")
        return string_value(name) or text(name) if name is not None else None
    pair = value.parent
    if pair is None or pair.type != "pair" or pair.child_by_field_name("value") != value:
        return None
    key = pair.child_by_field_name("key")
    return (string_value(key) or text(key)) if key is not None else None


#: A name written as a constant or an enum member (``AuthType``, ``Password``, ``AUTH_TYPE``).
_CONSTANT_CASE = lazy_pattern(r"^[A-Z][A-Za-z0-9]*$|^[A-Z][A-Z0-9_]*$")
#: What a constant's member may hold: literals only.
_LITERALS = frozenset({"string", "number", "true", "false", "null", "undefined"})


def _member_parts(side: Node) -> tuple[Node, str, str] | None:
    """Return, for ``X.Member`` (through casts), the identifier ``X``, the name ``X``, and
    ``Member``; for ``ns.X.Member``, the identifier ``ns``, ``X`` and ``Member``."""
    side = unwrap(side, CASTS_AND_AWAIT)
    if side.type != "member_expression":
        return None
    obj = side.child_by_field_name("object")
    prop = side.child_by_field_name("property")
    if obj is None or prop is None:
        return None
    if obj.type == "identifier":
        return obj, text(obj), text(prop)
    if obj.type == "member_expression":
        root = obj.child_by_field_name("object")
        if root is not None and root.type == "identifier":
            return root, text(obj.child_by_field_name("property")), text(prop)
    return None


def _literal_password(node: Node) -> bool:
    """Return True when a hashed value is written in the source: a string literal (a template
    without substitutions) or a ``const`` bound to one (seed and demo accounts, whose cost
    protects nothing)."""
    node = unwrap(node, CASTS)
    if node.type == "identifier":
        found = _declaration(node)
        if found is None or isinstance(found[1], int):
            return False
        declarator = found[1]
        declaration = declarator.parent
        name = declarator.child_by_field_name("name")
        if declaration is None or declaration.type != "lexical_declaration" or \
                text(declaration).split(None, 1)[0] != "const" or \
                name is None or name.type != "identifier":
            return False
        value = unwrap(declarator.child_by_field_name("value"), CASTS)
        if value is None:
            return False
        node = value
    if node.type == "template_string":
        return not any(c.type == "template_substitution" for c in node.named_children)
    return node.type == "string"


def _literal_value(node: Node | None) -> bool:
    """Return True for a string (a template without substitutions), number, boolean or null
    literal, or a negative number."""
    node = unwrap(node, CASTS)
    if node is None:
        return False
    if node.type == "template_string":
        return not any(c.type == "template_substitution" for c in node.named_children)
    if node.type == "unary_expression":
        arg = node.child_by_field_name("argument")
        return arg is not None and arg.type == "number"
    return node.type in _LITERALS


def _literal_namespace(value: Node | None) -> bool:
    """Return True when ``value`` is a TypeScript enum, or an object literal (also ``as
    const``, ``Object.freeze(...)``) whose every property holds a literal."""
    value = unwrap(value, CASTS)
    if value is None:
        return False
    if value.type == "ambient_declaration":
        value = next((c for c in value.named_children if c.type == "enum_declaration"), value)
    if value.type == "enum_declaration":
        return True
    if value.type == "call_expression" and \
            text(value.child_by_field_name("function")) == "Object.freeze":
        args = value.child_by_field_name("arguments")
        inner = code_children(args) if args is not None else []
        value = unwrap(inner[0], CASTS) if len(inner) == 1 else value
    if value.type != "object":
        return False
    members = code_children(value)
    return bool(members) and all(m.type == "pair" and _literal_value(m.child_by_field_name("value"))
                                 for m in members)


def _top_level_enum(root: Node, name: str) -> Node | None:
    """Return the top-level TypeScript enum ``name`` of a file (exported, ``const``,
    ``declare``), or None."""
    for stmt in root.named_children:
        decl = stmt.child_by_field_name("declaration") if stmt.type == "export_statement" \
            else stmt
        if decl is not None and decl.type == "ambient_declaration":
            decl = next((c for c in decl.named_children if c.type == "enum_declaration"), None)
        if decl is not None and decl.type == "enum_declaration" and \
                text(decl.child_by_field_name("name")) == name:
            return decl
    return None


def _label(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", value.lower())


def _mode_label(namespace: Node, member: str) -> bool:
    """Return True when ``member`` of an enum or constant object of literals is a mode label:
    a number, or a string equal to the member's name ignoring case and separators
    (``Password = "password"``, ``ADMIN_PASSWORD: 'admin_password'``). Any other string
    (``MASTER_PASSWORD: 'hunter2-master'``) is a credential written in the source, an
    initialiser that is no literal (``Password = process.env.X as any``) is read at run time,
    and the member of an ambient enum without one is unknown."""
    namespace = unwrap(namespace, CASTS)
    ambient = namespace.type == "ambient_declaration"
    if ambient:
        namespace = next((c for c in namespace.named_children
                          if c.type == "enum_declaration"), namespace)
    value: Node | None = None
    if namespace.type == "enum_declaration":
        body = namespace.child_by_field_name("body")
        for entry in body.named_children if body is not None else []:
            if entry.type == "property_identifier" and text(entry) == member:
                return not ambient  # numbered by TypeScript
            if entry.type == "enum_assignment" and \
                    text(entry.child_by_field_name("name")) == member:
                value = entry.child_by_field_name("value")
                break
        else:
            return False
    else:
        if namespace.type == "call_expression":  # Object.freeze({ ... })
            args = namespace.child_by_field_name("arguments")
            inner = code_children(args) if args is not None else []
            namespace = unwrap(inner[0], CASTS) if len(inner) == 1 else namespace
        if namespace.type != "object":
            return False
        pairs = [m for m in code_children(namespace) if m.type == "pair" and
                 (string_value(m.child_by_field_name("key")) or
                  text(m.child_by_field_name("key"))) == member]
        if len(pairs) != 1:
            return False
        value = pairs[0].child_by_field_name("value")
    value = unwrap(value, CASTS)
    if value is None:
        return False
    if value.type == "number" or (value.type == "unary_expression" and
                                  text(value).lstrip("-+ ").replace(".", "", 1).isdigit()):
        return True
    if value.type not in ("string", "template_string") or \
            any(c.type == "template_substitution" for c in value.named_children):
        return False
    literal = string_value(value)
    if literal is None and value.type == "template_string":
        literal = text(value)[1:-1]
    return literal is not None and _label(literal) == _label(member) != ""


#: Calls that change the object they are given first (``Object.assign(X, …)``, ``_.merge``).
_MUTATORS = frozenset({"assign", "defineProperty", "defineProperties", "merge", "mergeWith",
                       "extend", "defaults", "defaultsDeep", "set", "setWith", "setPrototypeOf",
                       "update", "updateWith", "unset"})
#: Calls that only read the object they are given.
_READERS = frozenset({"Object.keys", "Object.values", "Object.entries", "Object.freeze",
                      "Object.isFrozen", "JSON.stringify"})
#: What a write target sits in.
_WRITE_PARENTS = frozenset({"array_pattern", "object_pattern", "pair_pattern", "rest_pattern",
                            "spread_element", "update_expression"})


def _written_place(node: Node) -> bool:
    """Return True when the member expression ``node`` is written (``X.m = …``, ``X.m += …``,
    ``X.m++``, ``delete X.m``, ``[X.m] = …``, ``for (X.m of …)``)."""
    parent = node.parent
    while parent is not None and parent.type == "parenthesized_expression":
        node, parent = parent, parent.parent
    if parent is None:
        return False
    if parent.type in ("assignment_expression", "augmented_assignment_expression",
                       "assignment_pattern", "for_in_statement") and \
            parent.child_by_field_name("left") == node:
        return True
    if parent.type == "unary_expression" and text(parent).startswith("delete"):
        return True
    return parent.type in _WRITE_PARENTS


def _binding_written(root: Node, local: str, path: tuple[str, ...], enum: bool) -> bool:
    """Return True unless every use of ``local`` in the file only reads members of the
    constant it names (through ``path``: ``("ADMIN",)`` for ``defaults.ADMIN``): a member
    written (``X.m =``, ``[X.m] =``, ``delete X.m``), the object given to a call that changes
    it (``Object.assign(X``, ``_.merge(X``, ``Object.defineProperty(X``), or any other use
    that hands the object on (``const a = X``, ``(X).m``, ``f(X)``; an enum may still be a
    property value or a call's argument) counts as a write: if in doubt, it is written."""
    memo = _MEMO.setdefault("bound-writes", {}) if _MEMO and _MEMO.get("root") == root \
        else None
    key = (local, path, enum)
    if memo is not None and key in memo:
        return bool(memo[key])
    written = False
    for node in uses_of(root, local):
        if not _reads_only(node, path, enum):
            written = True
            break
    if memo is not None:
        memo[key] = written
    return written


def _reads_only(node: Node, path: tuple[str, ...], enum: bool) -> bool:
    parent = node.parent
    if parent is None:
        return False
    if node.type == "shorthand_property_identifier":  # module.exports = { X }
        outer = parent.parent
        return parent.type == "object" and outer is not None and \
            outer.type == "assignment_expression" and \
            re.fullmatch(r"module\.exports|exports\.[\w$]+",
                         text(outer.child_by_field_name("left"))) is not None
    if parent.type in ("variable_declarator", "enum_declaration", "class_declaration") and \
            parent.child_by_field_name("name") == node:
        return True
    if parent.type in ("import_specifier", "namespace_import", "import_clause",
                       "export_specifier", "type_query", "export_statement"):
        return True
    cur = node
    for step in path:
        if parent is None or parent.type != "member_expression" or \
                parent.child_by_field_name("object") != cur:
            return False  # the module object handed on
        if text(parent.child_by_field_name("property")) != step:
            return not _written_place(parent)  # another export of the module
        cur, parent = parent, parent.parent
    if parent is None:
        return False
    if parent.type in ("member_expression", "subscript_expression") and \
            parent.child_by_field_name("object") == cur:
        return not _written_place(parent)
    if parent.type == "arguments":
        call = parent.parent
        callee = text(call.child_by_field_name("function")) if call is not None else ""
        if callee.rsplit(".", 1)[-1] in _MUTATORS:
            return False
        return callee in _READERS or enum
    if parent.type == "pair" and parent.child_by_field_name("value") == cur:
        return enum
    return False


def _constant_member(side: Node, other: Node) -> bool:
    """Return True when ``side`` is a mode label of a constant of the file and ``other``
    names no password (``args.auth === AuthType.Password``, ``Password = "password"``): a mode
    or kind compared with a literal, which is no password check. The constant is a
    TypeScript enum of the file or a ``const`` object whose every property holds a literal,
    the member is a number or a string equal to its name (``_mode_label``), and the file
    only reads the constant (``_binding_written``). A name an import binds is judged by the
    project phase (``_deferred_member``). A member holding another literal (a credential
    written in the source) and a password compared with any constant stay reported."""
    if password_like(_last_name(other)):
        return False
    parts = _member_parts(side)
    if parts is None:
        return False
    obj, name, member = parts
    if _imported(obj) is not None or text(obj) != name:
        return False  # imported: looked up by check_project; `x.Kind.Password`: nested
    root = _root_of(obj)
    found = _declaration(obj)
    if found is not None:
        declarator = found[1]
        if isinstance(declarator, int):
            return False  # a parameter
        declaration = declarator.parent
        if declaration is None or declaration.type != "lexical_declaration" or \
                text(declaration).split(None, 1)[0] != "const" or \
                found[0] != root:
            return False
        value = declarator.child_by_field_name("value")
        return value is not None and _literal_namespace(value) and \
            _mode_label(value, member) and not _binding_written(root, name, (), False)
    enum = _top_level_enum(root, name)
    return enum is not None and _mode_label(enum, member) and \
        not _binding_written(root, name, (), True)


#: Array methods whose callback's first parameter is an element of the array.
_ELEMENT_CALLBACKS = frozenset({"some", "every", "find", "findLast", "findIndex",
                                "findLastIndex", "filter", "forEach", "map", "flatMap"})
#: Members of an array that only read it.
_LIST_READS = _ELEMENT_CALLBACKS | {"includes", "indexOf", "lastIndexOf", "length", "at"}


def _constant_list_element(side: Node) -> bool:
    """Return True when ``side`` is, or is a member of, an element of a constant list of the
    file: the first parameter of a callback handed to ``LIST.some(…)`` (``_ELEMENT_CALLBACKS``)
    or the ``const`` of ``for (const d of LIST)``, where ``_constant_list`` holds for LIST."""
    root = _chain_root(side)
    if root.type != "identifier":
        return False
    name = text(root)
    node = root
    while node.parent is not None:
        node = node.parent
        if node.type in _FUNCTIONS:
            params = parameters(node)
            if not any(n.type == "identifier" and text(n) == name
                       for p in params for n in walk(p)):
                continue
            args = node.parent
            call = args.parent if args is not None and args.type == "arguments" else None
            if args is None or call is None or call.type != "call_expression" or \
                    params[0].type != "identifier" or text(params[0]) != name or \
                    code_children(args)[:1] != [node]:
                return False
            fn = call.child_by_field_name("function")
            return fn is not None and fn.type == "member_expression" and \
                text(fn.child_by_field_name("property")) in _ELEMENT_CALLBACKS and \
                _constant_list(fn.child_by_field_name("object"))
        if node.type == "for_in_statement":
            left = node.child_by_field_name("left")
            if left is None or not any(n.type == "identifier" and text(n) == name
                                       for n in walk(left)):
                continue
            kind = node.child_by_field_name("kind")
            operator = node.child_by_field_name("operator")
            return left.type == "identifier" and kind is not None and \
                text(kind) == "const" and operator is not None and text(operator) == "of" and \
                _constant_list(node.child_by_field_name("right"))
    return False


def _constant_list(node: Node | None) -> bool:
    """Return True when ``node`` names a ``const`` of the file bound to an array literal whose
    every element is a literal or an object literal of literals (shipped default credentials,
    a list of common passwords), which the file only reads (``_LIST_READS``, ``for … of``)."""
    node = unwrap(node, CASTS)
    if node is None or node.type != "identifier":
        return False
    found = _declaration(node)
    if found is None or isinstance(found[1], int):
        return False
    declarator = found[1]
    declaration = declarator.parent
    value = unwrap(declarator.child_by_field_name("value"), CASTS)
    if declaration is None or declaration.type != "lexical_declaration" or \
            text(declaration).split(None, 1)[0] != "const" or \
            value is None or value.type != "array":
        return False
    for element in code_children(value):
        element = unwrap(element, CASTS)
        if element.type == "object":
            for member in code_children(element):
                key = member.child_by_field_name("key")
                if member.type != "pair" or key is None or \
                        key.type == "computed_property_name" or \
                        not _literal_value(member.child_by_field_name("value")):
                    return False
        elif not _literal_value(element):
            return False
    name = text(node)
    target = declarator.child_by_field_name("name")
    for use in uses_of(_root_of(node), name):
        if use == target:
            continue
        parent = use.parent
        if parent is not None and parent.type == "member_expression" and \
                parent.child_by_field_name("object") == use and \
                text(parent.child_by_field_name("property")) in _LIST_READS and \
                not _written_place(parent):
            continue
        if parent is not None and parent.type == "for_in_statement" and \
                parent.child_by_field_name("right") == use:
            continue
        return False  # written, or handed on: it may change
    return True


def _enum_like(side: Node) -> bool:
    """Return True for ``X.Member`` written like an enum member: both names in PascalCase or
    UPPER_CASE."""
    parts = _member_parts(side)
    return parts is not None and bool(_CONSTANT_CASE.match(parts[1])) and \
        bool(_CONSTANT_CASE.match(parts[2]))


#: The last word of a value that holds a mode or a kind (``args.auth``, ``param.name``).
_MODE_WORDS = frozenset({"auth", "method", "type", "kind", "mode", "name", "provider",
                         "strategy", "scheme", "category", "variant", "flow"})
#: Request data: never a mode the fallback may trust.
_REQUEST_DATA_RE = lazy_pattern(r"(?<![\w$])(?:req|request)(?![\w$])|\.(?:body|query|headers|"
                                r"params|cookies|signedCookies|rawHeaders)(?![\w$])|\[")


def _mode_like(other: Node) -> bool:
    """Return True for a value named as a mode or kind (``args.auth``, ``param.name``,
    ``loginMethod``) that is not request data (``req.body.type``, ``request.query.mode``)."""
    words = re.findall(r"[a-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2",
                                              _last_name(unwrap(other, CASTS_AND_AWAIT))).lower())
    return bool(words) and words[-1] in _MODE_WORDS and \
        _REQUEST_DATA_RE.search(text(other)) is None


def _imported(ident: Node) -> ImportFact | None:
    """Return the import (``import``, or ``require`` bound by a declaration) of the file
    check_file is judging that the name ``ident`` reads, or None (also when a declaration
    that is not that import shadows it)."""
    name = text(ident)
    imports: list[ImportFact] = (_MEMO.get("imports") or []) if _MEMO else []
    imp = next((i for i in imports if name in i.locals()), None)
    if imp is None:
        return None
    found = _declaration(ident)
    if found is None:
        return imp
    value = found[1].child_by_field_name("value") if not isinstance(found[1], int) else None
    while value is not None and value.type == "member_expression":
        value = value.child_by_field_name("object")  # `require('./cli').AuthType`
    value = unwrap(value, CASTS_AND_AWAIT)
    if value is not None and value.type == "call_expression" and \
            text(value.child_by_field_name("function")) == "require":
        return imp
    return None


def _deferred_member(cmp: Node) -> tuple[ImportFact, str, str, bool] | None:
    """For a comparison of a value that names no password with ``X.Member``, ``X`` bound by
    an import the file only reads members of (``import { AuthType } from './cli'``): that
    import, the name ``X`` has in that module, the member, and whether the naming fallback
    may decide when the declaration cannot be read (a named import of a package, the member
    written like an enum member, the other side a mode and no request data).
    ``check_project`` looks the name up. An ESM default import (``import config from
    './config.mjs'``, whose members are the default export's) is not followed."""
    left, right = cmp.child_by_field_name("left"), cmp.child_by_field_name("right")
    if left is None or right is None:
        return None
    root = _MEMO.get("root") if _MEMO else None
    for side, other in ((left, right), (right, left)):
        parts = _member_parts(side)
        if parts is None or password_like(_last_name(other)) or root is None:
            continue
        obj, name, member = parts
        imp = _imported(obj)
        if imp is None:
            continue
        local = text(obj)
        path: tuple[str, ...]
        relative = imp.module.startswith(".")
        if local != name:  # `cli.AuthType.Password`: a constant of the module `cli` names
            if not relative or local not in (imp.namespace, imp.default) or \
                    (local == imp.default and _esm_import(root, imp)):
                continue
            exported, path = name, (name,)
        elif local == imp.namespace or local == imp.default:
            continue  # `cli.Password`: a member of the module itself, not of a constant
        else:
            exported, path = next(k for k, v in imp.named.items() if v == local), ()
        if _binding_written(root, local, path, False):
            continue  # `ADMIN.Password = process.env.X` in the importing file
        fallback = not relative and _enum_like(side) and _mode_like(other)
        return imp, exported, member, fallback
    return None


def _esm_import(root: Node, imp: ImportFact) -> bool:
    """Return True when ``imp`` is an ``import`` statement (not a ``require``)."""
    source = root.text or b""
    return source[imp.start:imp.end].lstrip().startswith(b"import")


#: Words before `secret` that make it an API key's or a client's secret (`keySecret`,
#: `apiSecret`, `clientSecret`); a name ending in `key` is one too (`apiKey`, `secretKey`).
_KEY_OWNER_WORDS = frozenset({"key", "api", "client", "app", "consumer"})


def _key_name(name: str) -> bool:
    parts = word_list(name)
    if not parts or password_like(name):
        return False
    return parts[-1] in ("key", "apikey") or \
        (parts[-1] == "secret" and bool(set(parts[:-1]) & _KEY_OWNER_WORDS))


def _key_compare(cmp: Node) -> bool:
    """Return True when ``cmp`` compares a value named for a password with one named for an
    API key's secret (``credential.keySecret !== password``): a random key checked on each
    request, for which a password hash is the wrong advice."""
    names = [_last_name(side) for side in (cmp.child_by_field_name("left"),
                                           cmp.child_by_field_name("right")) if side is not None]
    return any(names_password(n) for n in names) and any(_key_name(n) for n in names)


def _compare_message(op: str, through: str = "") -> str:
    return (f"password compared with `{op}`{through}: string comparison leaks timing and means "
            "the password or a fast hash is stored; store a bcrypt (cost >= 12) or argon2id "
            "hash and verify with bcrypt.compare / argon2.verify")


def _condition_tops(lang: str, root: Node) -> list[tuple[int, int]]:
    """Return the byte ranges of every whole condition of the file: a ``||``/``&&``/``??``
    chain whose parent (through parentheses) is not one. tree-sitter's query finds the
    binary expressions (a Python walk of every node cost more than the parse; a query that
    also matches the operator field took seconds on a deep chain); the operands
    of each, through parentheses, are the ones inside a chain. Climbing from each comparison
    to its condition would cost a parent walk per level (quadratic in a chain of a thousand
    ``||`` operands)."""
    logical = [n for n in nodes_of_types(lang, root, ("binary_expression",))
               if (op := n.child_by_field_name("operator")) is not None and
               op.type in ("||", "&&", "??")]
    inner: set[int] = set()
    for node in logical:
        for field_name in ("left", "right"):
            operand = node.child_by_field_name(field_name)
            while operand is not None and operand.type == "parenthesized_expression":
                # a parenthesized operand's expressions are in the chain too
                named = [c for c in operand.named_children if c.type != "comment"]
                operand = named[0] if len(named) == 1 else None
            if operand is not None:
                inner.add(operand.id)
    tops = sorted((n.start_byte, n.end_byte) for n in logical if n.id not in inner)
    return tops


def _top_of(cmp: Node, tops: list[tuple[int, int]]) -> tuple[int, int]:
    """Return the range of the innermost whole condition around ``cmp`` (its own range when
    it is part of none)."""
    best = (cmp.start_byte, cmp.end_byte)
    for start, end in tops:
        if start <= cmp.start_byte and cmp.end_byte <= end and \
                (best == (cmp.start_byte, cmp.end_byte) or end - start < best[1] - best[0]):
            best = (start, end)
    return best


def _condition_comparisons(top: Node) -> list[Node]:
    """Return the equality comparisons that are operands of the condition ``top`` (through
    ``||``/``&&``/``??`` and parentheses), in document order."""
    found: list[Node] = []
    stack = [top]
    while stack:
        node = stack.pop()
        if node.type == "parenthesized_expression":
            stack += reversed(node.named_children)
            continue
        if node.type != "binary_expression":
            continue
        op = text(node.child_by_field_name("operator"))
        if op in ("||", "&&", "??"):
            stack += [c for c in (node.child_by_field_name("right"),
                                  node.child_by_field_name("left")) if c is not None]
        elif op in ("==", "===", "!=", "!=="):
            found.append(node)
    return found


def _binding(node: Node) -> tuple[object, ...] | None:
    """Return a key for the variable (or the field of a variable) ``node`` reads, by its
    declaration, not its text: two variables of one name in different scopes (a callback
    parameter shadowing the outer one) have different keys. None when it cannot be told."""
    node = unwrap(node, CASTS_AND_AWAIT)
    if node is None:
        return None
    root = _chain_root(node)
    if root.type == "this":
        return ("this", text(node).replace(" ", ""))
    if root.type != "identifier":
        return None
    found = _declaration(root)
    if found is None:
        return None
    scope, where = found
    place = where if isinstance(where, int) else where.start_byte
    path = text(node)[len(text(root)):].replace(" ", "")
    return (scope.start_byte, scope.end_byte, place, text(root), path)


def _compared_values(side: Node) -> list[Node]:
    """Return the values a side of a comparison is made from: the variables and fields it
    reads and, for a variable set once (``const pwSha1 = sha1Hash(password)``), those its
    value reads (``password``)."""
    side = unwrap(side, CASTS_AND_AWAIT)
    values = [side]
    if side.type == "identifier":
        found = _declaration(side)
        if found is not None and not isinstance(found[1], int) and \
                not _assigned(found[0], text(side)):
            target = found[1].child_by_field_name("name")
            value = found[1].child_by_field_name("value")
            if target is not None and target.type == "identifier" and value is not None:
                values.append(value)
    out: list[Node] = []
    for value in values:
        for n in walk(value):
            if n.type == "identifier" or (n.type in ("member_expression", "subscript_expression")
                                           and n.parent is not None
                                           and n.parent.type != "call_expression"):
                out.append(n)
    return out


def _legacy_side(cmp: Node) -> bool:
    """Return True when a side of ``cmp`` is a computed value (``md5(pin)``, or a variable set
    once to a call: ``const oldDigest = sha1(password)``): a digest the condition checks."""
    for key in ("left", "right"):
        side = unwrap(cmp.child_by_field_name(key), CASTS_AND_AWAIT)
        if side is None:
            continue
        if side.type == "call_expression":
            return True
        if side.type == "identifier":
            found = _declaration(side)
            if found is not None and not isinstance(found[1], int):
                value = unwrap(found[1].child_by_field_name("value"), CASTS_AND_AWAIT)
                if value is not None and value.type == "call_expression":
                    return True
    return False


_LOGGERS = lazy_pattern(r"^(?:console|logger|log|debug)\b")


def _kept_at(value: Node, scope: Node, depth: int = 0) -> list[Node]:
    """Return where the result of ``value`` (a hashing call) is kept or handed on: assigned
    to a property, returned, passed to a call (not a logger), put in an object literal, or
    kept in a variable that is; through ``await`` and ``.then(cb)``. Empty when it is only
    computed (logged, its length read, compared)."""
    if depth > 4:
        return []
    node = value
    while node.parent is not None and node.parent.type in ("await_expression",
                                                           "parenthesized_expression"):
        node = node.parent
    parent = node.parent
    if parent is None:
        return []
    if parent.type == "assignment_expression" and parent.child_by_field_name("right") == node:
        left = parent.child_by_field_name("left")
        if left is not None and left.type in ("member_expression", "subscript_expression"):
            return [parent]
        if left is not None and left.type == "identifier":
            return _variable_kept(left, scope, depth)
        return []
    if parent.type == "variable_declarator" and parent.child_by_field_name("value") == node:
        name = parent.child_by_field_name("name")
        return _variable_kept(name, scope, depth) if name is not None and \
            name.type == "identifier" else []
    if parent.type in ("return_statement", "pair", "array") or (
            parent.type == "arrow_function" and parent.child_by_field_name("body") == node):
        return [parent]
    if parent.type == "arguments":
        call = parent.parent
        callee = call.child_by_field_name("function") if call is not None else None
        if callee is not None and _LOGGERS.match(text(callee)):
            return []
        return [parent]
    if parent.type == "member_expression" and \
            text(parent.child_by_field_name("property")) == "then" and \
            parent.parent is not None and parent.parent.type == "call_expression":
        args_node = parent.parent.child_by_field_name("arguments")
        args = code_children(args_node) if args_node is not None else []
        if not args:
            return []
        callback = args[0]
        if callback.type in FUNCTION_TYPES:
            params = parameters(callback)
            if params and params[0].type == "identifier":
                return _variable_kept(params[0], callback, depth)
            return []
        return [parent.parent]  # `.then(store)`: handed on
    return []


def _variable_kept(name: Node, scope: Node, depth: int) -> list[Node]:
    """Return where the variable declared or assigned at ``name`` is kept or handed on,
    after that point in ``scope``."""
    found: list[Node] = []
    for use in walk(scope):
        if use.type == "shorthand_property_identifier" and text(use) == text(name) and \
                use.start_byte > name.end_byte:
            found.append(use)
            continue
        if use.type != "identifier" or text(use) != text(name) or \
                use.start_byte <= name.end_byte:
            continue
        found += _kept_at(use, scope, depth + 1)
    return found


def _migration_hash(cmps: list[Node], top: Node, hashing: _Hashing,
                    functions: dict[str, list[Node]]) -> Node | None:
    """Return the call that upgrades what the condition ``top`` checks, in the function around
    it: for every comparison of the condition that checks a password or a digest, a password
    hash (bcrypt, argon2, scrypt, pbkdf2, a function of the file that calls one) of the same
    variable, not set to another value in between, whose result is kept (assigned to a
    property, returned, passed on) where the check has succeeded: in its branch or after it.
    That is the code of a migration from a legacy scheme. None when some comparison has no
    such upgrade (a legacy-only check, the PIN beside an upgraded password, a hash of another
    password, one only logged, one in another branch)."""
    scope = _enclosing_function(cmps[0])
    if scope is None:
        return None
    spans = {(c.start_byte, c.end_byte) for c in cmps}
    checked = [c for c in _condition_comparisons(top)
               if (c.start_byte, c.end_byte) in spans or _legacy_side(c)]
    if not checked:
        return None
    statement = top.parent
    while statement is not None and statement.type == "parenthesized_expression":
        statement = statement.parent
    alternative = statement.child_by_field_name("alternative") \
        if statement is not None and statement.type == "if_statement" else None
    strong: list[tuple[Node, tuple[object, ...], list[Node]]] = []  # (call, binding, where kept)
    for call in walk(scope):
        if call.type != "call_expression":
            continue
        args_node = call.child_by_field_name("arguments")
        args = code_children(args_node) if args_node is not None else []
        first = unwrap(args[0], CASTS_AND_AWAIT) if args else None
        if first is None or first.type not in ("identifier", "member_expression",
                                               "subscript_expression"):
            continue
        key = _binding(first)
        if key is None or not _password_hash_call(call, hashing, functions):
            continue
        sites = _kept_at(call, scope)
        callee = call.child_by_field_name("function")
        own = functions.get(text(callee), []) if callee is not None and \
            callee.type == "identifier" else []
        if not sites and len(own) == 1 and _stores(own[0]):
            sites = [call]  # a function of the file that hashes and saves (`upgrade(user, pw)`)
        kept = [site for site in sites
                if site.start_byte >= top.end_byte and not (
                    alternative is not None and
                    alternative.start_byte <= site.start_byte < alternative.end_byte)]
        if kept:
            strong.append((call, key, kept))
    if not strong:
        return None
    upgrade: Node | None = None
    for cmp in checked:
        covered = None
        sides = [cmp.child_by_field_name(key) for key in ("left", "right")]
        values = [v for side in sides if side is not None for v in _compared_values(side)]
        for value in values:
            key = _binding(value)
            if key is None:
                continue
            for call, hashed, _kept in strong:
                if hashed != key:
                    continue
                lo = min(value.end_byte, call.start_byte)
                hi = max(value.start_byte, call.start_byte)
                name = text(unwrap(value, CASTS_AND_AWAIT))
                if any(lo <= a.start_byte < hi for a in _assigned(scope, name)):
                    continue  # set to another value between the check and the hash
                covered = call
                break
            if covered is not None:
                break
        if covered is None:
            return None
        upgrade = upgrade or covered
    return upgrade


def _password_hash_call(call: Node, hashing: _Hashing, functions: dict[str, list[Node]],
                        deferred: list[_Hasher] | None = None) -> bool:
    """Return True when ``call`` hashes with a password hash: bcrypt/argon2 ``hash``,
    scrypt, pbkdf2, or a function of the file (at any depth) that does (a function of
    another module is not followed here: it goes to ``deferred``, for the project phase)."""
    callee = call.child_by_field_name("function")
    if callee is None:
        return False
    if callee.type == "identifier":
        candidates = functions.get(text(callee), [])
        if len(candidates) == 1:
            return _hashes(candidates[0], hashing.ctx.facts)
    before = len(hashing.deferred)
    hashed = hashing.call(call)
    if len(hashing.deferred) > before:
        if deferred is not None and hashed:
            deferred.extend(hashing.deferred[before:])
        del hashing.deferred[before:]
        return False  # a project module's function: not proved in this phase
    return hashed


def _verified_by_hash(cmp: Node, hashing: _Hashing, functions: dict[str, list[Node]],
                      deferred: list[_Hasher] | None = None) -> bool:
    """Return True when a side of ``cmp`` is a password hash (what ``_password_hash_call``
    accepts: bcrypt/argon2 ``hash``/``hashSync``, scrypt, pbkdf2, a function of the file that
    calls one): the call itself, a method called on its result (``.toString('hex')``), a
    variable set once to one, or the result parameter of its callback or ``.then``. Comparing
    that with the stored value is a hand-written verify, so what is stored is no plain text nor
    fast digest. A project module's function is not taken (not proved in this phase): it is
    added to ``deferred``, for ``check_project`` to follow one module level."""
    for key in ("left", "right"):
        side = unwrap(cmp.child_by_field_name(key), CASTS_AND_AWAIT)
        if side is None:
            continue
        node: Node | None = side
        if side.type == "identifier":
            found = _declaration(side)
            if found is not None and not isinstance(found[1], int) and \
                    not _assigned(found[0], text(side)):
                node = unwrap(found[1].child_by_field_name("value"), CASTS_AND_AWAIT)
        for _ in range(4):
            if node is None or node.type != "call_expression":
                break
            if _password_hash_call(node, hashing, functions, deferred):
                return True
            callee = node.child_by_field_name("function")
            node = unwrap(callee.child_by_field_name("object"), CASTS_AND_AWAIT) \
                if callee is not None and callee.type == "member_expression" else None
        if side.type == "identifier":
            before = len(hashing.deferred)
            hashed = hashing.value(side, side)
            if len(hashing.deferred) > before:
                if deferred is not None and hashed:
                    deferred.extend(hashing.deferred[before:])
                del hashing.deferred[before:]
                continue  # a project module's function: not proved here
            if hashed:
                return True
    return False


#: Names of what carries HTTP credentials in a request.
_CREDENTIAL_WORDS = {"headers", "header", "authorization"}


def _shared_secret(cmp: Node) -> bool | tuple[str, int]:
    """Return True when ``cmp`` compares a password from the request with a secret the app is
    configured with, the same for every request: an environment value, or a parameter of
    the function that made the request handler (``basicAuth(user, password)`` returning
    ``(req, res, next) => …``). No password is stored there, so no password hash helps; the
    remedy is a constant-time comparison."""
    left = cmp.child_by_field_name("left")
    right = cmp.child_by_field_name("right")
    if left is None or right is None:
        return False
    for secret, submitted in ((right, left), (left, right)):
        configured = _configured(secret, cmp)
        if configured and _from_request(submitted):
            return configured
    return False


def _exported_as(fn: Node) -> str | None:
    """Return the name a module exports the function ``fn`` as (``exports.makeCheck =
    function …``, ``module.exports = { gate }``, ``export function gate``), or None."""
    holder = fn.parent
    while holder is not None and holder.type in _WRAPPERS:
        holder = holder.parent
    if holder is None:
        return None
    if holder.type == "assignment_expression":
        match = _EXPORTS_RE.match(text(holder.child_by_field_name("left")).replace(" ", ""))
        return match.group(1) if match else None
    name_node = fn.child_by_field_name("name") if fn.type == "function_declaration" else \
        holder.child_by_field_name("name") if holder.type == "variable_declarator" else None
    if name_node is None or name_node.type != "identifier":
        return None
    name = text(name_node)
    declared = fn if fn.type == "function_declaration" else holder.parent
    if declared is not None and declared.parent is not None and \
            declared.parent.type == "export_statement":
        return name
    root = _root_of(fn)
    for node in walk(root):
        if node.type == "assignment_expression":
            right = node.child_by_field_name("right")
            left = text(node.child_by_field_name("left")).replace(" ", "")
            match = _EXPORTS_RE.match(left)
            if match and right is not None and text(right) == name:
                return match.group(1)
            if left in ("module.exports", "exports") and right is not None and \
                    right.type == "object":
                for key, value in object_properties(right).items():
                    if text(value) == name:
                        return key
        elif node.type == "export_specifier" and text(node.child_by_field_name("name")) == name:
            alias = node.child_by_field_name("alias")
            return text(alias) if alias is not None else name
    return None


_EXPORTS_RE = lazy_pattern(r"^(?:module\.)?exports\.([A-Za-z_$][\w$]*)$")


def _name_calls(fn: Node) -> list[Node]:
    """Return the calls of the function ``fn`` by its name in its own file."""
    name_node = fn.child_by_field_name("name")
    if name_node is None:
        holder = fn.parent
        while holder is not None and holder.type in _WRAPPERS:
            holder = holder.parent
        name_node = holder.child_by_field_name("name") \
            if holder is not None and holder.type == "variable_declarator" else None
    if name_node is None:
        return []
    name = text(name_node)
    return [node for node in walk(_root_of(fn)) if node.type == "call_expression"
            and text(node.child_by_field_name("function")) == name]


def _constant_argument(node: Node) -> bool:
    """Return True when a call's argument is the same for every run: an environment value,
    a string, or a variable set once to one."""
    node = unwrap(node, CASTS_AND_AWAIT)
    if node is None:
        return False
    if node.type in ("string", "template_string") and \
            not any(c.type == "template_substitution" for c in node.named_children):
        return True
    return _configured(node, node) is True


def _env_value(node: Node | None) -> bool:
    """Return True for ``process.env.X`` or ``process.env['X']`` (through casts, and with a
    literal fallback: ``process.env.X || 'dev'``)."""
    node = unwrap(node, CASTS_AND_AWAIT)
    if node is None:
        return False
    if node.type == "binary_expression" and \
            text(node.child_by_field_name("operator")) in ("||", "??"):
        right = node.child_by_field_name("right")
        return right is not None and right.type in ("string", "template_string") and \
            _env_value(node.child_by_field_name("left"))
    if node.type not in ("member_expression", "subscript_expression"):
        return False
    obj = unwrap(node.child_by_field_name("object"), CASTS_AND_AWAIT)
    return obj is not None and text(obj).replace(" ", "") == "process.env"


def _config_file_value(node: Node) -> bool:
    """Return True for a field read from what the app's own config loader returned, taken
    once with no argument (``const config = getConfig(); config.basicAuthUser.password``): the
    loader's name says config (``getConfig``, ``loadConfig``), and the variable is never set
    again; or from the app's own settings module (``const config = require('../config');
    config.uploadPass``). Its secret is the same for every request, as an environment value
    is."""
    if node.type not in ("member_expression", "subscript_expression"):
        return False
    root = _chain_root(node)
    if root.type != "identifier":
        return False
    found = _declaration(root)
    if found is None or isinstance(found[1], int) or _assigned(found[0], text(root)):
        return False
    value = unwrap(found[1].child_by_field_name("value"), CASTS_AND_AWAIT)
    if value is None or value.type != "call_expression":
        return False
    callee = value.child_by_field_name("function")
    args = value.child_by_field_name("arguments")
    if callee is None or callee.type != "identifier" or args is None:
        return False
    given = code_children(args)
    if text(callee) == "require":
        # `const config = require('../config')`: the app's own settings module (psitransfer)
        spec = string_value(given[0]) if len(given) == 1 else None
        return spec is not None and spec.startswith(".") and _CONFIG_MODULE_RE.search(spec) \
            is not None
    return not given and "config" in words(text(callee)) and \
        words(text(callee)) <= {"get", "load", "read", "config", "app"}


#: A relative module named for the app's settings: ``../config``, ``./config.js``,
#: ``./settings/index``.
_CONFIG_MODULE_RE = lazy_pattern(r"(?:^|/)(?:config|settings)(?:\.[cm]?js|/index(?:\.[cm]?js)?)?$")


def _configured(node: Node, cmp: Node, hops: int = 0) -> bool | tuple[str, int]:
    """Return True when ``node`` (compared at ``cmp``) is a secret the app is configured with:
    an environment value, a variable set only to one, or a parameter of a function around the
    one ``cmp`` is in (fixed when that function made the handler) that is called in the file,
    every call passing such a value. For a function the module exports, whose calls in other
    modules are not seen here, (the name it is exported as, the parameter's index) when the
    calls of the file pass such a value: ``check_project`` judges the other modules' calls. A
    name for a derived value (``passwordHash``) is not one; a factory with no call seen, or
    handed on otherwise, is not one."""
    node = unwrap(node, CASTS_AND_AWAIT)
    if hops > _MAX_ORIGIN_HOPS or words(_last_name(node)) & DERIVED_WORDS:
        return False
    if _env_value(node) or _config_file_value(node):
        return True
    if node.type != "identifier":
        return False
    found = _declaration(node)
    if found is None:
        return False
    scope, where = found
    if _assigned(scope, text(node)):
        return False
    if isinstance(where, int):
        if scope == _enclosing_function(cmp):
            return False  # a parameter of the comparing function: given anew for each call
        calls = _calls_of(scope)
        exported = _exported_as(scope)
        if calls is None:
            if exported is None:
                return False  # handed on: called with what cannot be seen
            calls = _name_calls(scope)
        for call in calls:
            args_node = call.child_by_field_name("arguments")
            args = code_children(args_node) if args_node is not None else []
            if len(args) <= where or _configured(args[where], call, hops + 1) is not True:
                return False
        if exported is not None:
            return (exported, where)  # the project phase judges the other modules' calls
        return bool(calls)  # a factory nothing calls: what it is given is not seen
    target = where.child_by_field_name("name")
    return target is not None and target.type == "identifier" and \
        _env_value(where.child_by_field_name("value"))


def _from_request(node: Node, hops: int = 0) -> bool:
    """Return True when ``node`` is a value the request carries: a ``req.body``/``query``/
    ``params`` field or a variable taken from one, or a field of what a call given the request
    or its headers returned (``auth(req).pass``, the split of a decoded ``Authorization``)."""
    if hops > _MAX_ORIGIN_HOPS:
        return False
    if node.type == "binary_expression" and \
            text(node.child_by_field_name("operator")) in ("||", "??"):
        left = node.child_by_field_name("left")  # `req.headers.authorization || ''`
        return left is not None and _from_request(left, hops + 1)
    if _request_of(node) is not None or _request_header(node):
        return True
    root = _chain_root(node)
    if root.type == "call_expression" and hops:
        return _call_from_request(root, hops)  # `a.toString().split(':')` of a request value
    if root.type != "identifier":
        return False
    if text(root) in ("req", "request") and any(
            sub.type == "property_identifier" and text(sub).lower() in _CREDENTIAL_WORDS
            for sub in walk(node)):
        return True  # `request.headers.authorization`
    found = _declaration(root)
    if found is None or isinstance(found[1], int) or _assigned(found[0], text(root)):
        return False
    value = unwrap(found[1].child_by_field_name("value"), CASTS_AND_AWAIT)
    if value is None:
        return False
    if value.type in ("identifier", "member_expression", "subscript_expression",
                      "binary_expression"):
        return _from_request(value, hops + 1)
    if value.type != "call_expression":
        return False
    return _call_from_request(value, hops)


def _request_header(node: Node) -> bool:
    """Return True for a request header read by Express's accessor: ``req.get('x-passwd')``,
    ``req.header('x-api-key')``."""
    if node.type != "call_expression":
        return False
    fn = node.child_by_field_name("function")
    return fn is not None and fn.type == "member_expression" \
        and text(fn.child_by_field_name("object")) in ("req", "request") \
        and text(fn.child_by_field_name("property")) in ("get", "header")


def _call_from_request(value: Node, hops: int) -> bool:
    """Return True when the call ``value`` is given the request or its credentials, or works on
    a value taken from them (``_from_request`` of its receiver or an argument)."""
    for sub in walk(value):
        if sub.type == "arguments" and any(
                a.type == "identifier" and text(a) in ("req", "request")
                for a in code_children(sub)):
            return True  # `auth(req)`
        if sub.type in ("property_identifier", "string_fragment") and \
                text(sub).lower() in _CREDENTIAL_WORDS:
            return True  # `req.headers.authorization`, `req.get('Authorization')`
    # what a call makes of a request value (`Buffer.from(credentials, 'base64')`, with
    # `credentials` split from the Authorization header): its receiver and its arguments
    callee = value.child_by_field_name("function")
    args = value.child_by_field_name("arguments")
    parts = [_chain_root(callee)] if callee is not None else []
    parts += code_children(args) if args is not None else []
    return any(part.type in ("identifier", "member_expression", "call_expression",
                             "binary_expression") and
               _from_request(part, hops + 1) for part in parts)


RULE = PasswordHash()


_STORE_CALL_RE = lazy_pattern(rb"(?<![\w$])" + alternation(_STORE_METHODS) + rb"\s*\(")
_WORD_CHARS = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")


def _password_words(source: bytes) -> list[int]:
    """Return the offsets of the password-like identifiers in ``source`` (found from the
    "pass"/"pw" every such name contains, then widened to the whole word)."""
    found: list[int] = []
    last_end = -1
    for match in _PASSWORD_NEEDLE.finditer(source.lower()):
        start, end = match.start(), match.end()
        if start < last_end:
            continue
        while start > 0 and source[start - 1] in _WORD_CHARS:
            start -= 1
        while end < len(source) and source[end] in _WORD_CHARS:
            end += 1
        last_end = end
        if password_like(source[start:end].decode("latin-1")):
            found.append(start)
    return found


def _store_on_import(source: bytes, locals_: Iterable[str]) -> bool:
    """Return True when ``source`` may call a store-like method on one of ``locals_`` with a
    password-like name in its arguments (bytes only: most files are never parsed in the project
    phase)."""
    names = {name.encode() for name in locals_}
    words = _password_words(source)
    # The store call opens at most 600 bytes before the password it is handed: each call is
    # looked for once, in the union of those windows (neighbouring words' windows overlap),
    # and kept when some word follows it within 600 bytes of its start. (The pattern's
    # matches cannot overlap, so a window finds exactly the file's matches that fit in it.)
    for start, end in merge_ranges([(max(0, w - 600), w) for w in words], 0):
        for call in _STORE_CALL_RE.finditer(source, start, end):
            following = words[bisect.bisect_left(words, call.end())]  # end <= the last word
            if following - 600 > call.start():
                continue
            # The receiver's root sits before the method, in the same statement: a whole
            # name (not a member's) among the imports' locals. (A set, not an alternation of
            # the names compiled per file: a module importing hundreds of names cost a
            # millisecond to compile.)
            head = source[max(0, call.start() - 300):call.start()]
            head = head[head.rfind(b";") + 1:]
            at = _ROOT_NAME_RE.match(source, call.start())
            if (at is not None and at.group() in names) or any(
                    m.group() in names for m in _ROOT_NAME_RE.finditer(head)):
                return True
    return False


#: A whole name, not a member's (``a`` in ``a.b``, not ``b``).
_ROOT_NAME_RE = lazy_pattern(rb"(?<![\w$.])[A-Za-z_$][\w$]*")


class _SecretCheck(NamedTuple):
    """A password from the request compared with a parameter of a request-handler factory
    the module exports: a configured secret (``warning``) only when every call of that
    factory in the project passes an environment value or a constant, else ``error``."""

    start: int
    end: int
    warning: str
    error: str
    factories: list[tuple[str, int]]  # (exported name, parameter index)


class _HashedCheck(NamedTuple):
    """A comparison of a stored value with what a function of another project module returns
    (``user.password !== getPasswordHash(pw, user.salt)``): a hand-written verify when that
    function hashes with a password hash (followed one module level), else ``then``."""

    then: Finding
    hashers: list[_Hasher]


#: (file, hash of its source) -> the comparisons check_file left to the project phase.
_SECRET_CHECKS: dict[tuple[str, int], list[_SecretCheck | _ConstantCheck | _HashedCheck]] = {}


class _ConstantCheck(NamedTuple):
    """A comparison of a value that names no password with ``X.Member``, ``X`` imported:
    no finding when the module declares ``X`` as a TypeScript enum or a ``const`` object of
    literals, ``Member`` is a mode label of it and no module writes to it (as
    ``_constant_member`` judges one of the file), or, for a package, by the naming fallback."""

    finding: Finding
    #: Per comparison: the import, the name ``X`` has in that module, the member, and
    #: whether the naming fallback holds (``_deferred_member``).
    members: list[tuple[ImportFact, str, str, bool]]


def _remember_secret_checks(ctx: FileContext,
                            pending: list[_SecretCheck | _ConstantCheck | _HashedCheck]) -> None:
    if len(_SECRET_CHECKS) > 256:
        _SECRET_CHECKS.clear()
    _SECRET_CHECKS[(ctx.rel, hash(ctx.source))] = pending


def _judge_secret_check(ctx: ProjectContext, rule: str, path: str,
                        check: _SecretCheck) -> Finding:
    """Return the finding of a comparison with an exported factory's parameter: the warning
    when the project calls each factory, and every call (through an import of the module,
    one level) passes a constant in that parameter; the comparison error otherwise (a
    factory called with a database value, or with callers not seen)."""
    ok = all(_factory_calls_constant(ctx, path, name, index) for name, index in check.factories)
    finding = ctx.finding(rule, path, check.start, check.end,
                          check.warning if ok else check.error)
    return replace(finding, severity="warning") if ok else finding


def _factory_calls_constant(ctx: ProjectContext, path: str, name: str, index: int) -> bool:
    """Return True when the factory ``path`` exports as ``name`` is called somewhere in the
    project, and every call from a module that imports it passes a constant (an environment
    value, a string, a variable set once to one) at ``index``; False when a call passes
    anything else or the factory is handed on (used other than called)."""
    seen = 0
    for importer, facts in ctx.facts.items():
        for imp in facts.imports:
            if not imp.module.startswith(".") or ctx.resolve_import(importer, imp.module) != path:
                continue
            named = {local for imported, local in imp.named.items() if imported == name}
            holders = {n for n in (imp.default, imp.namespace) if n}
            if not named and not holders:
                continue
            root = _tree(ctx, importer)
            if root is None:
                return False
            for node in walk(root):
                named_ref = node.type == "identifier" and text(node) in named
                member_ref = node.type == "member_expression" and \
                    text(node.child_by_field_name("property")) == name and \
                    text(node.child_by_field_name("object")) in holders
                if not named_ref and not member_ref:
                    continue
                ref = node
                parent = ref.parent
                if parent is not None and parent.type in ("import_specifier", "pair_pattern",
                                                           "shorthand_property_identifier_pattern",
                                                           "object_pattern", "variable_declarator") \
                        and parent.child_by_field_name("value") != ref:
                    continue  # the import itself
                if parent is None or parent.type != "call_expression" or \
                        parent.child_by_field_name("function") != ref:
                    return False  # handed on: called with what cannot be seen
                args_node = parent.child_by_field_name("arguments")
                args = code_children(args_node) if args_node is not None else []
                if len(args) <= index or not _constant_argument(args[index]):
                    return False
                seen += 1
    return seen > 0


def _imported_constant(ctx: ProjectContext, importer: str, imp: ImportFact, name: str,
                       member: str, fallback: bool) -> bool:
    """Return True when the project module ``imp`` names exports ``name`` as a TypeScript
    enum or a ``const`` object whose every property holds a literal, ``member`` is a mode
    label of it, and neither that module nor any project module importing it writes to it.
    A relative module not in the project is not followed; for a package (its declaration
    unread), ``fallback`` decides, and only for a package the nearest package.json lists
    (not a path alias, not node-config's ``config``)."""
    if not imp.module.startswith("."):
        return fallback and _listed_package(ctx, importer, imp.module)
    rel = ctx.resolve_import(importer, imp.module)
    root = _tree(ctx, rel) if rel is not None else None
    if rel is None or root is None:
        return False
    value = _export(ctx, rel, name)
    if value is None:
        # `export { AuthType }` and `export default AuthType` of a top-level enum
        local = name
        for stmt in root.named_children:
            clause = next((c for c in stmt.named_children if c.type == "export_clause"), None) \
                if stmt.type == "export_statement" else None
            for spec in clause.named_children if clause is not None else []:
                exported = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
                if text(exported) == name:
                    local = text(spec.child_by_field_name("name"))
        value = _top_level_enum(root, local)
        name = local
    elif value.type == "identifier":
        local = text(value)
        value = _top_level_enum(root, local) or _top_level(ctx, rel, local)
        name = local
    if value is None or not _literal_namespace(value) or not _mode_label(value, member):
        return False
    enum = value.type in ("enum_declaration", "ambient_declaration")
    if not enum:
        declarator = value.parent
        while declarator is not None and declarator.type != "variable_declarator":
            declarator = declarator.parent
        declaration = declarator.parent if declarator is not None else None
        if declarator is None or declaration is None or \
                declaration.type != "lexical_declaration" or \
                text(declaration).split(None, 1)[0] != "const" or \
                text(declarator.child_by_field_name("name")) != name:
            return False
    if _binding_written(root, name, (), enum):
        return False
    return not _written_by_importers(ctx, rel, name, enum)


def _written_by_importers(ctx: ProjectContext, rel: str, name: str, enum: bool) -> bool:
    """Return True when a project module that imports ``rel`` may write to its export
    ``name`` (``defaults.ADMIN.Password = …`` in boot.js, ``Object.assign(ADMIN, …)``)."""
    for path, facts in ctx.facts.items():
        for imp in facts.imports:
            if not imp.module.startswith(".") or ctx.resolve_import(path, imp.module) != rel:
                continue
            root = _tree(ctx, path)
            if root is None:
                return True
            bindings: list[tuple[str, tuple[str, ...]]] = [
                (v, ()) for k, v in imp.named.items() if k == name]
            bindings += [(b, (name,)) for b in (imp.namespace, imp.default) if b]
            if any(_binding_written(root, local, p, enum) for local, p in bindings):
                return True
    return False


def _listed_package(ctx: ProjectContext, importer: str, module: str) -> bool:
    """Return True when ``module`` names a package the nearest package.json of ``importer``
    lists among its dependencies, other than node-config's ``config`` (whose members are
    the deployment's settings)."""
    package = import_package(module)
    if package == "config":
        return False
    folder = posixpath.dirname(importer)
    while True:
        source = ctx.read(posixpath.join(folder, "package.json") if folder else "package.json")
        if source is not None:
            try:
                data = json.loads(source)
            except ValueError:
                return False
            return isinstance(data, dict) and any(
                isinstance(data.get(k), dict) and package in data[k]
                for k in ("dependencies", "devDependencies", "peerDependencies",
                          "optionalDependencies"))
        if not folder:
            return False
        folder = posixpath.dirname(folder)


@record(frozen=True)
class _StoreCall:
    """A call that stores a password as it is on a project module, for the project phase."""

    start: int
    end: int
    callee: str  # the called expression (``query.link.create``)
    message: str
    imp: ImportFact | None  # the import that binds the callee's root
    local: str  # that local name
    chain: list[str] | None  # the properties from the root to the method
    #: For an instance built with the password (``new User({ password })``, ``build``): the
    #: project functions whose result replaces the password before every save; when each
    #: of them hashes, nothing plain is stored.
    hashers: list[_Hasher] = field(default_factory=list)
    #: For a receiver that is no import: the project's own model object it names, whose
    #: method the project phase looks at (``_owner_hashes``).
    owner: _Owner | None = None


class _Owner(NamedTuple):
    """The project object a store call's receiver names when its root is no import: an
    instance ``new C(…)`` of the class a project module gives as ``name`` (``imp`` binds it;
    ``name`` None for CommonJS ``module.exports``), or (``imp`` None) what the project
    writes to property ``prop`` of an object the request carries (``req.models.users``)."""

    imp: ImportFact | None
    name: str | None
    prop: str = ""
    #: For a request-carried object: the request property that holds it (``models`` of
    #: ``req.models.users``).
    holder: str = ""
    #: The position of the stored object among the call's arguments, and its password keys.
    arg: int = 0
    keys: frozenset[str] = frozenset()


class _Hasher(NamedTuple):
    """A called function of a project module (``hashPassword`` imported from ``./auth``)."""

    imp: ImportFact
    local: str
    chain: list[str] | None


def _proves_hash(ctx: ProjectContext, importer: str, hasher: _Hasher) -> bool:
    """Return True when ``hasher`` is a function of the project that hashes what it is given
    with a password hash (followed one module level, as for store calls)."""
    target = _follow(ctx, importer, hasher.imp, hasher.local, hasher.chain)
    return target is not None and _hashes(target[1], ctx.facts[target[0]])


#: Methods of a project's own model class that store what they are given.
_MODEL_METHODS = frozenset({"create", "insert", "insertOne", "save", "update", "updateOne",
                            "upsert"})
_MODEL_CALL_RE = lazy_pattern(rb"\.\s*" + alternation(_MODEL_METHODS) + rb"\s*\(")
_REQUEST_NAMES = frozenset({"req", "request"})


def _model_owner(facts: FileFacts, fn: Node, args: list[Node],
                 lang: str | None = None) -> _Owner | None:
    """Return the project model object a store call's receiver names, when its root is no
    import and the call hands over an object with a plain password: ``users.create(…)``
    where ``const users = new Users(…)`` (in the call's function or the module, never
    reassigned) and ``Users`` is imported from a project module; or ``req.models.users
    .create(…)`` / ``models.users.create(…)`` after ``const { models } = req``, an object the
    app's own middleware puts on the request. None for any other receiver (a parameter, a
    database handle made in the file…), which is judged as a database write."""
    method = text(fn.child_by_field_name("property")) if fn.type == "member_expression" else ""
    stored = [i for i, a in enumerate(args) if a.type == "object" and _plaintext_keys([a])]
    if method not in _MODEL_METHODS or len(stored) != 1:
        return None
    keys = frozenset(k for k in object_properties(args[stored[0]]) if password_like(k))
    imp, local, chain = _receiver_import(facts, fn)
    if imp is not None or not local or chain is None:
        return None
    root = _root_of(fn)
    if local in _REQUEST_NAMES and len(chain) == 3 and _parameter_of_scope(fn, local):
        return _Owner(None, None, chain[1], chain[0], stored[0], keys)
    if len(chain) == 2 and _taken_from_request(fn, local):
        return _Owner(None, None, chain[0], local, stored[0], keys)
    if len(chain) != 1:
        return None
    made = _made_with_new(fn, local, root, lang)
    if made is None:
        return None
    for cls_imp in facts.imports:
        if not cls_imp.module.startswith(".") or made not in cls_imp.locals():
            continue
        if made == cls_imp.default:
            return _Owner(cls_imp, None, "", "", stored[0], keys)
        named = {v: k for k, v in cls_imp.named.items()}
        return _Owner(cls_imp, named[made], "", "", stored[0], keys) if made in named else None
    return None


def _scopes_around(node: Node) -> list[Node]:
    """Return the functions around ``node``, innermost first, then the module."""
    found = []
    cur = enclosing(node, _FUNCTIONS)
    while cur is not None:
        found.append(cur)
        cur = enclosing(cur, _FUNCTIONS)
    return [*found, _root_of(node)]


def _own_declarators(scope: Node, name: str) -> list[Node]:
    """Return the declarators of ``scope`` itself (not of a nested function) binding
    ``name``, plainly or by destructuring."""
    found = []
    for node in walk(scope):
        if node.type != "variable_declarator" or \
                (enclosing(node, _FUNCTIONS) or _root_of(node)) != scope:
            continue
        target = node.child_by_field_name("name")
        if target is not None and any(
                n.type in ("identifier", "shorthand_property_identifier_pattern") and
                text(n) == name for n in walk(target)):
            found.append(node)
    return found


def _nearest_binding(node: Node, name: str) -> tuple[Node | None, list[Node]]:
    """Return the nearest scope around ``node`` that binds ``name`` and its declarators of
    ``name`` there: none when ``name`` is a parameter of that function; ``(None, [])`` when no
    scope around ``node`` binds it."""
    for scope in _scopes_around(node):
        if scope.type in _FUNCTIONS and any(text(n) == name for p in parameters(scope)
                                            for n in walk(p) if n.type == "identifier"):
            return scope, []
        decls = _own_declarators(scope, name)
        if decls:
            return scope, decls
    return None, []


def _parameter_of_scope(node: Node, name: str) -> bool:
    """Return True when the nearest function around ``node`` declaring ``name`` has it as
    a parameter (the handler's ``req``)."""
    scope, decls = _nearest_binding(node, name)
    return scope is not None and not decls


def _taken_from_request(node: Node, name: str) -> bool:
    """Return True for ``name`` declared once, by ``const { name } = req`` (``req`` a
    parameter), in a function around ``node``, and never assigned."""
    scope, decls = _nearest_binding(node, name)
    if scope is None or len(decls) != 1 or _assigned_anywhere(scope, name):
        return False
    target = decls[0].child_by_field_name("name")
    value = decls[0].child_by_field_name("value")
    return target is not None and target.type == "object_pattern" and \
        value is not None and value.type == "identifier" and \
        text(value) in _REQUEST_NAMES and _parameter_of_scope(value, text(value)) and \
        any(n.type == "shorthand_property_identifier_pattern" and text(n) == name
            for n in target.named_children)


def _made_with_new(node: Node, name: str, root: Node, lang: str | None = None) -> str | None:
    """Return ``C`` when ``name`` is declared once, as ``const name = new C(…)``, in a
    function around ``node`` or the module, and never assigned (``lang``, when given, lets
    tree-sitter find the module's assignments instead of a walk in Python)."""
    _, decls = _nearest_binding(node, name)
    if len(decls) != 1 or _assigned_anywhere(root, name, lang):
        return None
    value = decls[0].child_by_field_name("value")
    target = decls[0].child_by_field_name("name")
    if target is None or target.type != "identifier" or value is None or \
            value.type != "new_expression":
        return None
    ctor = value.child_by_field_name("constructor")
    return text(ctor) if ctor is not None and ctor.type == "identifier" else None


def _assigned_anywhere(scope: Node, name: str, lang: str | None = None) -> bool:
    """Return True when ``name = …`` (or ``+=`` and the like) appears in ``scope`` (with
    ``lang``: ``scope`` is a tree's root, whose assignments tree-sitter finds)."""
    nodes = nodes_of_types(lang, scope, _ASSIGNMENTS) if lang is not None else walk(scope)
    return any(n.type in _ASSIGNMENTS and text(n.child_by_field_name("left")) == name
               for n in nodes)


_ASSIGNMENTS = ("assignment_expression", "augmented_assignment_expression")


def _owner_hashes(ctx: ProjectContext, path: str, owner: _Owner, method: str) -> bool:
    """Return True when every class the model object of a store call may be an instance of
    has a method ``method`` that keeps the password it is given out of what it stores
    (``_drops_password``). For an object the request carries (``req.models.users``), the
    classes are found from each ``req.models = …`` of the project (``_request_held``); one
    that cannot be followed proves nothing."""
    classes: list[tuple[str, Node]] = []
    if owner.imp is not None:
        found = _imported_class(ctx, path, owner.imp, owner.name)
        if found is None:
            return False
        classes.append(found)
    else:
        held = _request_held(ctx, owner.holder, owner.prop)
        if not held:
            return False
        classes.extend(held)
    for rel, cls in classes:
        body = cls.child_by_field_name("body")
        methods = [m for m in (body.named_children if body is not None else [])
                   if m.type == "method_definition" and
                   text(m.child_by_field_name("name")) == method and
                   not any(c.type == "static" for c in m.children)]
        if len(methods) != 1 or not _drops_password(ctx, rel, methods[0], owner):
            return False
    return True


def _request_held(ctx: ProjectContext, holder: str,
                  prop: str) -> list[tuple[str, Node]] | None:
    """Return the classes whose instance ``req.<holder>.<prop>`` may be, from every
    ``req.<holder> = value`` of the project's non-test files: ``value`` an object literal
    ``{ <prop>: new C(…) }``, or a variable set once to such a literal or to ``new M(…)``
    whose constructor sets ``this.<prop> = new C(…)``. None when any write cannot be
    followed, none is found, or ``<holder>.<prop>`` (or ``req[…]``, ``<holder>[…]``) is
    written elsewhere."""
    needle = re.compile(rb"(?<![\w$])" + re.escape(holder.encode()) + rb"(?![\w$])")
    values: list[tuple[str, Node]] = []
    for file in ctx.files_of("js"):
        source = ctx.read(file.rel)
        if is_test_file(file.rel) or source is None:
            continue
        root = _tree(ctx, file.rel) if needle.search(source) or b"[" in source else None
        for node in walk(root) if root is not None else []:
            if node.type == "call_expression" and \
                    text(node.child_by_field_name("function")) == "Object.assign":
                first = code_children(node.child_by_field_name("arguments") or node)[:1]
                if first and text(first[0]) in _REQUEST_NAMES | {holder}:
                    return None  # `Object.assign(req, …)`: any property
            if node.type not in ("assignment_expression", "augmented_assignment_expression"):
                continue
            left = node.child_by_field_name("left")
            if left is None or left.type not in ("member_expression", "subscript_expression"):
                continue
            obj = left.child_by_field_name("object")
            name = text(left.child_by_field_name("property")) \
                if left.type == "member_expression" else None
            last = text(obj.child_by_field_name("property")) \
                if obj is not None and obj.type == "member_expression" else text(obj)
            if left.type == "subscript_expression" and last in _REQUEST_NAMES | {holder}:
                return None  # `req[key] = …`, `models[name] = …`
            if last == holder and name == prop:
                return None  # `req.models.users = …`
            if name == holder and obj is not None and text(obj) in _REQUEST_NAMES:
                right = node.child_by_field_name("right")
                if right is None or node.type != "assignment_expression":
                    return None
                values.append((file.rel, right))
    classes: list[tuple[str, Node]] = []
    for rel, value in values:
        found = _held_classes(ctx, rel, value, prop)
        if found is None:
            return None
        classes.extend(found)
    return classes or None


def _held_classes(ctx: ProjectContext, rel: str, value: Node,
                  prop: str) -> list[tuple[str, Node]] | None:
    """Return the class of ``value.<prop>`` (``_request_held``), or None."""
    while value.type == "parenthesized_expression" and value.named_children:
        value = value.named_children[0]
    if value.type == "object":
        return _literal_class(ctx, rel, value, prop)
    if value.type != "identifier":
        return None  # a parameter's, a call's or a package's object: nothing tells
    name = text(value)
    root = _root_of(value)
    scope, decls = _nearest_binding(value, name)
    if (scope is not None and not decls) or len(decls) > 1:
        return None  # a parameter, or declared more than once
    decl = decls[0] if decls else None
    target = decl.child_by_field_name("name") if decl is not None else None
    made = decl.child_by_field_name("value") if decl is not None else None
    if target is None or target.type != "identifier" or made is None or \
            _assigned_anywhere(root, name) or any(
                n.type in ("assignment_expression", "augmented_assignment_expression") and
                (left := n.child_by_field_name("left")) is not None and
                left.type in ("member_expression", "subscript_expression") and
                text(left.child_by_field_name("object")) == name for n in walk(root)):
        return None
    if made.type == "object":
        return _literal_class(ctx, rel, made, prop)
    ctor = made.child_by_field_name("constructor") if made.type == "new_expression" else None
    outer = _class_named(ctx, rel, text(ctor)) \
        if ctor is not None and ctor.type == "identifier" else None
    if outer is None:
        return None
    writes = [n for n in walk(outer[1])
              if n.type in ("assignment_expression", "augmented_assignment_expression") and
              (left := n.child_by_field_name("left")) is not None and
              left.type in ("member_expression", "subscript_expression") and
              text(left.child_by_field_name("object")) == "this" and
              (left.type == "subscript_expression" or
               text(left.child_by_field_name("property")) == prop)]
    fields = [n for n in walk(outer[1]) if n.type in ("field_definition",
                                                      "public_field_definition") and
              text(n.child_by_field_name("property") or n.child_by_field_name("name")) == prop]
    if len(writes) != 1 or fields or writes[0].type != "assignment_expression":
        return None
    made = writes[0].child_by_field_name("right")
    ctor = made.child_by_field_name("constructor") \
        if made is not None and made.type == "new_expression" else None
    found = _class_named(ctx, outer[0], text(ctor)) \
        if ctor is not None and ctor.type == "identifier" else None
    return [found] if found is not None else None


def _literal_class(ctx: ProjectContext, rel: str, obj: Node,
                   prop: str) -> list[tuple[str, Node]] | None:
    """Return the class of ``{ <prop>: new C(…) }`` (no spread, one such key), or None."""
    if any(c.type == "spread_element" for c in obj.named_children):
        return None
    pairs = [c for c in obj.named_children if
             (c.type == "pair" and (string_value(c.child_by_field_name("key")) or
                                    text(c.child_by_field_name("key"))) == prop) or
             (c.type in ("shorthand_property_identifier", "method_definition") and
              (text(c) == prop or text(c.child_by_field_name("name")) == prop))]
    if len(pairs) != 1 or pairs[0].type != "pair":
        return None
    value = pairs[0].child_by_field_name("value")
    ctor = value.child_by_field_name("constructor") \
        if value is not None and value.type == "new_expression" else None
    found = _class_named(ctx, rel, text(ctor)) \
        if ctor is not None and ctor.type == "identifier" else None
    return [found] if found is not None else None


def _drops_password(ctx: ProjectContext, rel: str, fn: Node, owner: _Owner) -> bool:
    """Return True when method ``fn``, given the stored object as parameter ``owner.arg``,
    keeps its password keys (``owner.keys``) out of anything else: the parameter is
    destructured (in the signature, or by ``const { password, ...rest } = data`` its only
    use) and each password variable only goes to an awaited password hash (``_hash_call``)
    or an ``if`` test; or each use of the parameter reads another field, hands
    ``data.password`` to an awaited hash or an ``if`` test, or spreads it into an object
    literal that then sets every password key to an awaited hash. Anything else (the object
    stored whole, a spread keeping the password, a hash only on one branch or of another
    value, a hash left unawaited) proves nothing."""
    facts = ctx.facts.get(rel)
    params = parameters(fn)
    body = fn.child_by_field_name("body")
    if facts is None or body is None or owner.arg >= len(params) or not owner.keys or \
            any(n.type == "identifier" and text(n) == "arguments" for n in walk(body)):
        return False
    param = params[owner.arg]
    if param.type == "object_pattern":
        return _pattern_drops(ctx, rel, facts, body, param, owner.keys)
    if param.type != "identifier":
        return False
    name = text(param)
    uses = list(uses_of(body, name))
    if len(uses) == 1 and uses[0].parent is not None and \
            uses[0].parent.type == "variable_declarator" and \
            uses[0].parent.child_by_field_name("value") == uses[0]:
        pattern = uses[0].parent.child_by_field_name("name")
        return pattern is not None and pattern.type == "object_pattern" and \
            _pattern_drops(ctx, rel, facts, body, pattern, owner.keys)
    for use in uses:
        parent = use.parent
        if use.type != "identifier" or parent is None:
            return False
        if parent.type == "spread_element":
            if not _spread_overwritten(ctx, rel, facts, parent, owner.keys):
                return False
            continue
        if parent.type != "member_expression" or parent.child_by_field_name("object") != use:
            return False
        key = text(parent.child_by_field_name("property"))
        outer = parent.parent
        if outer is not None and outer.type in ("call_expression", "assignment_expression",
                                                "augmented_assignment_expression",
                                                "update_expression", "unary_expression") \
                and outer.child_by_field_name("argument") in (None, parent):
            return False  # `data.toJSON()`, `data.x = …`, `delete data.x`: not a plain read
        if (key in owner.keys or password_like(key)) and \
                not _to_hash_or_test(ctx, rel, facts, parent, body):
            return False
    return True


def _pattern_drops(ctx: ProjectContext, rel: str, facts: FileFacts, body: Node,
                   pattern: Node, keys: frozenset[str]) -> bool:
    """Return True when each password key of ``keys`` is taken out by ``pattern`` into a
    variable that only goes to an awaited hash or an ``if`` test (a key the pattern does
    not name must not be swept into a ``...rest``)."""
    rest = any(c.type == "rest_pattern" for c in pattern.named_children)
    for key in keys:
        local = None
        for c in pattern.named_children:
            if c.type == "shorthand_property_identifier_pattern" and text(c) == key:
                local = text(c)
            elif c.type == "object_assignment_pattern" and \
                    text(c.child_by_field_name("left")) == key:
                local = key
            elif c.type == "pair_pattern" and \
                    (string_value(c.child_by_field_name("key")) or
                     text(c.child_by_field_name("key"))) == key:
                value = c.child_by_field_name("value")
                if value is not None and value.type == "assignment_pattern":
                    value = value.child_by_field_name("left")
                if value is None or value.type != "identifier":
                    return False
                local = text(value)
        if local is None:
            if rest:
                return False
            continue
        for use in walk(body):
            if use.type in ("identifier", "shorthand_property_identifier") and \
                    text(use) == local and not _within(use, pattern) and \
                    (use.type != "identifier" or
                     not _to_hash_or_test(ctx, rel, facts, use, body)):
                return False
    return True


def _within(node: Node, outer: Node) -> bool:
    return outer.start_byte <= node.start_byte and node.end_byte <= outer.end_byte


def _spread_overwritten(ctx: ProjectContext, rel: str, facts: FileFacts, spread: Node,
                        keys: frozenset[str]) -> bool:
    """Return True for ``{ ...data, password: await hash(data.password) }``: every password
    key set after the spread to an awaited hash."""
    obj = spread.parent
    if obj is None or obj.type != "object":
        return False
    after = [c for c in obj.named_children if c.start_byte > spread.start_byte]
    for key in keys:
        pairs = [c for c in after if c.type == "pair" and
                 (string_value(c.child_by_field_name("key")) or
                  text(c.child_by_field_name("key"))) == key]
        value = pairs[-1].child_by_field_name("value") if pairs else None
        if value is None or value.type != "await_expression" or not value.named_children or \
                not _hash_call(ctx, rel, facts, value.named_children[0]):
            return False
    return True


def _to_hash_or_test(ctx: ProjectContext, rel: str, facts: FileFacts, node: Node,
                     body: Node) -> bool:
    """Return True when ``node`` sits in the arguments of an awaited password hash (a
    synchronous ``hashSync``) or in the condition of an ``if``, inside ``body``."""
    cur = node
    while cur.parent is not None and cur != body:
        parent = cur.parent
        if parent.type == "if_statement" and parent.child_by_field_name("condition") == cur:
            return True
        if parent.type == "arguments" and parent.parent is not None and \
                _hash_call(ctx, rel, facts, parent.parent):
            call = parent.parent
            callee = text(call.child_by_field_name("function"))
            return callee.endswith("Sync") or (call.parent is not None and
                                              call.parent.type == "await_expression")
        if parent.type in _FUNCTIONS:
            return False
        cur = parent
    return False


def _hash_call(ctx: ProjectContext, rel: str, facts: FileFacts, call: Node) -> bool:
    """Return True for a call of bcrypt's or argon2's ``hash``/``hashSync``, or of a
    function of a project module that returns such a hash of its parameter
    (``_returns_hash``, followed one level)."""
    if call.type != "call_expression":
        return False
    callee = call.child_by_field_name("function")
    if callee is None:
        return False
    if _password_hasher(callee, facts):
        return True
    imp, local, chain = _receiver_import(facts, callee)
    if imp is None and callee.type == "identifier":
        imp = next((i for i in facts.imports if text(callee) in i.locals()), None)
        local, chain = text(callee), []
    if imp is None or not imp.module.startswith(".") or chain is None:
        return False
    target = _follow(ctx, rel, imp, local, chain)
    return target is not None and target[0] in ctx.facts and \
        _returns_hash(target[1], ctx.facts[target[0]])


def _password_hasher(callee: Node, facts: FileFacts) -> bool:
    """Return True for ``bcrypt.hash``/``hashSync`` or argon2's ``hash`` (the module
    imported in the file), or a ``hash`` imported by name from one."""
    hashers = {local for module in _HASH_MODULES for local in facts.locals_of(module)}
    named = {local for module in _HASH_MODULES for imp in facts.imports if imp.module == module
             for name, local in imp.named.items() if name in ("hash", "hashSync")}
    head, _, method = text(callee).rpartition(".")
    return (head in hashers and method in ("hash", "hashSync")) or \
        (not head and method in named)


def _returns_hash(fn: Node, facts: FileFacts) -> bool:
    """Return True when each value function ``fn`` returns is a password hash of one of its
    parameters: ``(p) => bcrypt.hash(p, 12)``, ``return await bcrypt.hash(p, salt)``, or a
    ``const h = await bcrypt.hash(p, salt)`` it returns."""
    params = {text(n) for p in parameters(fn) for n in walk(p) if n.type == "identifier"}
    body = fn.child_by_field_name("body")
    if body is None or not params:
        return False
    returned: list[Node | None]
    if body.type != "statement_block":
        returned = [body]
    else:
        returned = [r.named_children[0] if r.named_children else None for r in walk(body)
                    if r.type == "return_statement" and _enclosing_function(r) == fn]
    if not returned:
        return False
    for found in returned:
        value = found
        while value is not None and value.type in ("await_expression",
                                                   "parenthesized_expression"):
            value = value.named_children[0] if value.named_children else None
        if value is not None and value.type == "identifier":
            decls = [d for d in walk(body) if d.type == "variable_declarator" and
                     text(d.child_by_field_name("name")) == text(value)]
            if len(decls) != 1 or _assigned_anywhere(body, text(value)):
                return False
            value = decls[0].child_by_field_name("value")
            while value is not None and value.type == "await_expression":
                value = value.named_children[0] if value.named_children else None
        callee = value.child_by_field_name("function") \
            if value is not None and value.type == "call_expression" else None
        args = value.child_by_field_name("arguments") if value is not None else None
        if callee is None or args is None or not _password_hasher(callee, facts) or \
                not any(n.type == "identifier" and text(n) in params for n in walk(args)):
            return False
    return True


def _class_named(ctx: ProjectContext, rel: str, name: str) -> tuple[str, Node] | None:
    """Return (file, class) of class ``name`` as module ``rel`` sees it: declared at its top
    level, or imported from a project module."""
    root = _tree(ctx, rel)
    if root is None:
        return None
    local = _top_class(root, name)
    if local is not None:
        return rel, local
    facts = ctx.facts.get(rel)
    for imp in facts.imports if facts else []:
        if not imp.module.startswith(".") or name not in imp.locals():
            continue
        if name == imp.default:
            return _imported_class(ctx, rel, imp, None)
        named = {v: k for k, v in imp.named.items()}
        return _imported_class(ctx, rel, imp, named[name]) if name in named else None
    return None


def _imported_class(ctx: ProjectContext, importer: str, imp: ImportFact,
                    name: str | None) -> tuple[str, Node] | None:
    """Return (file, class) of the class a project module gives as ``name`` (None: its
    default export or ``module.exports``)."""
    rel = ctx.resolve_import(importer, imp.module)
    root = _tree(ctx, rel) if rel is not None else None
    if rel is None or root is None:
        return None
    value = _export(ctx, rel, name or "default")
    if value is None and name is None:
        value = next((stmt.named_children[0].child_by_field_name("right")
                      for stmt in root.named_children
                      if stmt.type == "expression_statement" and stmt.named_children and
                      stmt.named_children[0].type == "assignment_expression" and
                      text(stmt.named_children[0].child_by_field_name("left")) ==
                      "module.exports"), None)
    if value is not None and value.type in ("class", "class_declaration"):
        return rel, value
    if value is not None and value.type == "identifier":
        cls = _top_class(root, text(value))
        return (rel, cls) if cls is not None else None
    if value is None and name is not None:
        cls = _top_class(root, name)
        return (rel, cls) if cls is not None and _exported_class(root, cls) else None
    return None


def _top_class(root: Node, name: str) -> Node | None:
    """Return the top-level class ``name`` of a module (``class name``, ``export class
    name``, ``const name = class {…}``), or None."""
    for stmt in root.named_children:
        decl = stmt.child_by_field_name("declaration") if stmt.type == "export_statement" \
            else stmt
        if decl is None:
            continue
        if decl.type == "class_declaration" and text(decl.child_by_field_name("name")) == name:
            return decl
        if decl.type in ("lexical_declaration", "variable_declaration"):
            for d in decl.named_children:
                value = d.child_by_field_name("value")
                if d.type == "variable_declarator" and value is not None and \
                        value.type == "class" and text(d.child_by_field_name("name")) == name:
                    return value
    return None


def _exported_class(root: Node, cls: Node) -> bool:
    """Return True when class declaration ``cls`` sits in an ``export`` statement."""
    return cls.parent is not None and cls.parent.type == "export_statement" and \
        cls.parent.parent == root


def _receiver_import(facts: FileFacts, fn: Node) -> tuple[ImportFact | None, str, list[str] | None]:
    """Return the import that binds the root of a callee (``query`` of
    ``query.link.create``), that local name, and the property names from the root to the
    called method (``["link", "create"]``; None when a call sits in between)."""
    chain: list[str] | None = []
    node: Node | None = fn
    while node is not None:
        if node.type == "member_expression":
            if chain is not None:
                chain.insert(0, text(node.child_by_field_name("property")))
            node = node.child_by_field_name("object")
        elif node.type == "call_expression":
            chain = None
            node = node.child_by_field_name("function")
        elif node.type in ("parenthesized_expression", "await_expression", "non_null_expression"):
            node = node.named_children[0] if node.named_children else node
            chain = None
        else:
            break
    if node is None or node.type != "identifier":
        return None, "", None
    local = text(node)
    for imp in facts.imports:
        if local in imp.locals():
            return imp, local, chain
    return None, local, chain


_MAX_HOPS = 8


def _follow(ctx: ProjectContext, importer: str, imp: ImportFact, local: str,
            chain: list[str] | None) -> tuple[str, Node] | None:
    """Return (file, function node) of the project function a callee rooted at an import of
    a project module names, or None when it is not a function found one module level in (an
    ORM model the module exports, a call in the chain, a package)."""
    if chain is None:
        return None
    rel = ctx.resolve_import(importer, imp.module)
    if rel is None:
        return None
    names = list(chain)
    named = {v: k for k, v in imp.named.items()}
    if local in named:
        names.insert(0, named[local])
    elif local == imp.default and _is_esm_import(ctx, importer, imp):
        names.insert(0, "default")
    state: tuple[str, str, Node | None] = ("module", rel, None)
    for name in names[:_MAX_HOPS]:
        kind, rel, node = state
        value: Node | None
        if kind == "module":
            value = _export(ctx, rel, name)
            if value is None and name == "default":
                continue  # a CommonJS module imported with `import x from`
        elif kind == "object":
            value = object_properties(node).get(name)
            if value is not None and value.type == "shorthand_property_identifier":
                value = _top_level(ctx, rel, name) or _as_import(ctx, rel, name, value)
            elif value is None and node is not None:
                value = next((m for m in node.named_children if m.type == "method_definition"
                              and text(m.child_by_field_name("name")) == name), None)
        else:
            return None
        resolved = _classify(ctx, rel, value)
        if resolved is None:
            return None
        state = resolved
    kind, rel, node = state
    return (rel, node) if kind == "function" and node is not None else None


def _is_esm_import(ctx: ProjectContext, importer: str, imp: ImportFact) -> bool:
    source = ctx.read(importer) or b""
    return source[imp.start:imp.end].lstrip().startswith(b"import")


def _tree(ctx: ProjectContext, rel: str) -> Node | None:
    cache = ctx.extra.setdefault("password-hash:trees", {})
    source = ctx.read(rel)
    lang = JS_SUFFIXES.get(os.path.splitext(rel)[1])
    if source is None or lang is None:
        return None
    key = (rel, hash(source))
    if key not in cache:
        if len(cache) > 64:
            cache.clear()
        cache[key] = parse(lang, source)
    tree: Tree = cache[key]
    return tree.root_node


def _classify(ctx: ProjectContext, rel: str, value: Node | None,
              depth: int = 0) -> tuple[str, str, Node | None] | None:
    """Return what a value in module ``rel`` is: a function, an object literal, another
    project module (``require('./x')``), or None for anything else."""
    if value is None or depth > _MAX_HOPS:
        return None
    if value.type in FUNCTION_TYPES:
        return ("function", rel, value)
    if value.type == "object":
        return ("object", rel, value)
    if value.type == "call_expression" and text(value.child_by_field_name("function")) == "require":
        args = value.child_by_field_name("arguments")
        spec = string_value(args.named_children[0]) if args is not None and args.named_children \
            else None
        target = ctx.resolve_import(rel, spec) if spec else None
        return ("module", target, None) if target else None
    if value.type in ("identifier", "shorthand_property_identifier"):
        facts = ctx.facts.get(rel)
        for imp in facts.imports if facts else []:
            if imp.default == text(value) or imp.namespace == text(value):
                target = ctx.resolve_import(rel, imp.module)
                return ("module", target, None) if target else None
        return _classify(ctx, rel, _top_level(ctx, rel, text(value)), depth + 1)
    return None


def _top_level(ctx: ProjectContext, rel: str, name: str) -> Node | None:
    """Return the value a top-level declaration of ``name`` in ``rel`` binds (the function
    or class itself for declarations), or None."""
    root = _tree(ctx, rel)
    return next(_declared(root, name), None) if root is not None else None


def _declared(root: Node, name: str) -> Iterator[Node | None]:
    """Yield, in file order, what each top-level declaration of ``name`` binds: the function
    declaration itself, or a declarator's value (None for ``let name;``)."""
    for stmt in root.named_children:
        decl = stmt.child_by_field_name("declaration") if stmt.type == "export_statement" \
            else stmt
        if decl is None:
            continue
        if decl.type in ("function_declaration", "generator_function_declaration") and \
                text(decl.child_by_field_name("name")) == name:
            yield decl
        elif decl.type in ("lexical_declaration", "variable_declaration"):
            for d in decl.named_children:
                if d.type == "variable_declarator" and \
                        text(d.child_by_field_name("name")) == name:
                    yield d.child_by_field_name("value")


def _export(ctx: ProjectContext, rel: str, name: str) -> Node | None:
    """Return the value module ``rel`` exports as ``name`` (``module.exports = { name }``,
    ``exports.name =``, ``export function name``, ``export { x as name }``, ``export default``
    for ``default``)."""
    root = _tree(ctx, rel)
    if root is None:
        return None
    for stmt in root.named_children:
        if stmt.type == "export_statement":
            decl = stmt.child_by_field_name("declaration")
            value = stmt.child_by_field_name("value")
            if name == "default" and value is not None:
                return value
            if name == "default" and decl is not None and \
                    any(c.type == "default" for c in stmt.children):
                return decl
            if decl is not None:
                if text(decl.child_by_field_name("name")) == name:
                    return decl
                for d in decl.named_children:
                    if d.type == "variable_declarator" and \
                            text(d.child_by_field_name("name")) == name:
                        return d.child_by_field_name("value")
            clause = next((c for c in stmt.named_children if c.type == "export_clause"), None)
            for spec in clause.named_children if clause is not None else []:
                exported = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
                if text(exported) == name:
                    local = text(spec.child_by_field_name("name"))
                    return _top_level(ctx, rel, local) or _as_import(
                        ctx, rel, local, spec.child_by_field_name("name") or spec)
        if stmt.type != "expression_statement" or not stmt.named_children:
            continue
        expr = stmt.named_children[0]
        if expr.type != "assignment_expression":
            continue
        left, right = expr.child_by_field_name("left"), expr.child_by_field_name("right")
        target = text(left)
        if target == "module.exports" and right is not None:
            if right.type == "identifier":
                right = _top_level(ctx, rel, text(right)) or right
            if right.type == "object":
                props = object_properties(right)
                value = props.get(name)
                if value is not None and value.type == "shorthand_property_identifier":
                    return _top_level(ctx, rel, name) or _as_import(ctx, rel, name, value)
                if value is not None:
                    return value
                method = next((m for m in right.named_children if m.type == "method_definition"
                               and text(m.child_by_field_name("name")) == name), None)
                if method is not None:
                    return method
        elif target in (f"module.exports.{name}", f"exports.{name}"):
            return right
    return None


def _as_import(ctx: ProjectContext, rel: str, local: str, node: Node) -> Node | None:
    """Return ``node`` when ``local`` is a module ``rel`` imports (``_classify`` then follows
    the identifier to that module), else None."""
    facts = ctx.facts.get(rel)
    if facts and any(local in (imp.default, imp.namespace) for imp in facts.imports):
        return node
    return None


def _hashes(fn: Node, facts: FileFacts) -> bool:
    """Return True when function ``fn`` hashes a value it was given with a password hash:
    bcrypt/argon2 ``hash``, or scrypt/pbkdf2, on a parameter or a password-like value."""
    hashers = {local for module in _HASH_MODULES for local in facts.locals_of(module)}
    named = {local for module in _HASH_MODULES for imp in facts.imports if imp.module == module
             for name, local in imp.named.items() if name in ("hash", "hashSync")}
    params = {text(n) for p in parameters(fn) for n in walk(p) if n.type in (
        "identifier", "shorthand_property_identifier_pattern")}
    for call in walk(fn):
        if call.type != "call_expression":
            continue
        callee = call.child_by_field_name("function")
        args = call.child_by_field_name("arguments")
        if callee is None or args is None:
            continue
        head, _, method = text(callee).rpartition(".")
        low = method.lower()
        if not ((head in hashers and method in ("hash", "hashSync")) or
                (not head and method in named) or "scrypt" in low or "pbkdf2" in low):
            continue
        if _mentions_password(args) or any(
                n.type == "identifier" and text(n) in params for n in walk(args)):
            return True
    return False


def _stores(fn: Node) -> bool:
    """Return True when function ``fn`` hands something to a store-like call itself."""
    for call in walk(fn):
        if call.type == "call_expression":
            callee = call.child_by_field_name("function")
            if callee is not None and text(callee).rpartition(".")[2] in _STORE_METHODS:
                return True
    return False


def _no_model(node: Node, facts: FileFacts, source: bytes) -> bool:
    """Return True when ``new X(…)`` is no model's record: ``X`` is a class of a package other
    than an ORM (``new Client({ user, password })`` of pg, a JSON-RPC client: it signs in
    elsewhere with the password, it does not store it), or a name the file neither imports nor
    declares (btc-rpc-explorer's ``new bitcoinCore({ password })``, bound nowhere: what it
    makes cannot be told). A model is the project's own (``new User({ password })``, imported
    from a project module or declared in the file) or an ORM's."""
    ctor = node.child_by_field_name("constructor")
    root = _chain_root(ctor) if ctor is not None else None
    if root is None or root.type != "identifier":
        return False
    name = text(root)
    for imp in facts.imports:
        if name in imp.locals():
            return not imp.module.startswith(".") and import_package(imp.module) not in ORMS
    return not re.search(rb"(?<![\w$.])(?:const|let|var|class|function)\s+" +
                         re.escape(name.encode()) + rb"(?![\w$])|(?<![\w$.])" +
                         re.escape(name.encode()) + rb"\s*=(?!=)|[{,]\s*" +
                         re.escape(name.encode()) + rb"\s*[,}]", source)


#: ORM packages whose classes make records: ``new Model(…)`` of theirs may store a password.
ORMS = frozenset({"mongoose", "sequelize", "@sequelize/core", "typeorm", "objection",
                  "bookshelf", "waterline", "@mikro-orm/core", "mongodb"})


def _plaintext_keys(args: list[Node]) -> set[str]:
    """Return the password-like keys of the object literals among ``args`` whose value is a
    password as the client sent it (``{ email, password }``)."""
    return {key for arg in args if arg.type == "object"
            for key, value in object_properties(arg).items()
            if password_like(key) and not words(key) & DERIVED_WORDS
            and _raw_request_password(value)}


#: Wrappers that leave an expression's value as it is.
_WRAPPERS = CASTS_AND_AWAIT
_LOOPS = frozenset({"for_statement", "for_in_statement", "while_statement", "do_statement"})


def _bound_name(node: Node) -> str | None:
    """Return the variable ``node``'s value is bound to (``const user = <node>`` or
    ``user = <node>``), or None."""
    cur = node
    while cur.parent is not None and cur.parent.type in _WRAPPERS:
        cur = cur.parent
    parent = cur.parent
    if parent is None:
        return None
    if parent.type == "variable_declarator" and parent.child_by_field_name("value") == cur:
        target = parent.child_by_field_name("name")
    elif parent.type == "assignment_expression" and parent.child_by_field_name("right") == cur:
        target = parent.child_by_field_name("left")
    else:
        return None
    return text(target) if target is not None and target.type == "identifier" else None


def _binds(fn: Node, name: str) -> bool:
    """Return True when function ``fn`` declares ``name`` itself (a parameter or a variable
    whose nearest function is ``fn``)."""
    for param in parameters(fn):
        if any(n.type in ("identifier", "shorthand_property_identifier_pattern") and
               text(n) == name for n in walk(param)):
            return True
    for sub in walk(fn):
        if sub.type == "variable_declarator" and \
                text(sub.child_by_field_name("name")) == name and _enclosing_function(sub) == fn:
            return True
    return False


def _shadowed(node: Node, name: str, scope: Node) -> bool:
    """Return True when ``name`` at ``node`` is another variable than in ``scope`` (a function
    between them declares its own)."""
    cur = _enclosing_function(node)
    while cur is not None and cur != scope:
        if _binds(cur, name):
            return True
        cur = _enclosing_function(cur)
    return False


def _field_of(node: Node, var: str) -> str | None:
    """Return ``key`` for ``var.key`` or ``var['key']``, else None."""
    if node.type not in ("member_expression", "subscript_expression"):
        return None
    obj = unwrap(node.child_by_field_name("object"), CASTS_AND_AWAIT)
    if obj is None or obj.type != "identifier" or text(obj) != var:
        return None
    return _last_name(node) or None


#: Methods whose callback receives what the object they are called on resolves to: a Promise's
#: ``then``; a Future's (Fluture, Folktale, crocks) ``chain`` and ``map``.
_RESULT_CALLBACKS = frozenset({"then", "chain", "map"})


class _Hashing:
    """What counts as a password hash in one file: bcrypt/bcryptjs/argon2 ``hash`` and
    ``hashSync`` (default, namespace or named imports), scrypt and pbkdf2, and a function of
    the file that hashes its argument with one of them (``_hashes``)."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        #: Calls of project module functions taken as hashes, for the project phase to prove.
        self.deferred: list[_Hasher] = []
        self.hashers = {local for module in _HASH_MODULES
                        for local in ctx.facts.locals_of(module)}
        self.named = {local for module in _HASH_MODULES for imp in ctx.facts.imports
                      if imp.module == module for name, local in imp.named.items()
                      if name in ("hash", "hashSync")}

    def call(self, call: Node) -> bool:
        """Return True when ``call`` returns (or hands its callback) a password hash."""
        callee = call.child_by_field_name("function")
        if callee is None:
            return False
        head, _, method = text(callee).rpartition(".")
        low = method.lower()
        if (head in self.hashers and method in ("hash", "hashSync")) or \
                (not head and method in self.named) or "scrypt" in low or "pbkdf2" in low:
            return True
        if callee.type == "identifier":
            fn = _file_function(self.ctx.tree.root_node, method)
            if fn is not None:
                return _hashes(fn, self.ctx.facts)
        imp, local, chain = _receiver_import(self.ctx.facts, callee)
        if imp is not None and imp.module.startswith(".") and chain is not None:
            self.deferred.append(_Hasher(imp, local, chain))
            return True  # if the project phase proves it hashes
        return False

    def value(self, expr: Node | None, scope: Node, depth: int = 0) -> bool:
        """Return True when ``expr`` is a password hash: a hashing call (awaited, or with a
        method such as ``.toString('hex')`` on its result), a variable of ``scope`` set only
        to one, or the result parameter of a hashing call's callback (``(err, hash) =>``) or
        of ``.then`` on one (``.chain``/``.map`` of a Future or another monad: Fluture)."""
        expr = unwrap(expr, CASTS_AND_AWAIT)
        if expr is None or depth > 4:
            return False
        if expr.type == "call_expression":
            if self.call(expr):
                return True
            callee = expr.child_by_field_name("function")
            if callee is not None and callee.type == "member_expression":
                return self.value(callee.child_by_field_name("object"), scope, depth + 1)
            return False
        if expr.type != "identifier":
            return False
        name = text(expr)
        fn = _enclosing_function(expr)
        while fn is not None and not _binds(fn, name):
            fn = _enclosing_function(fn)
        if fn is None:
            return False
        params = [text(p) for p in parameters(fn)]
        if name in params:
            index = params.index(name)
            args = fn.parent
            call = args.parent if args is not None and args.type == "arguments" else None
            if call is None or call.type != "call_expression":
                return False
            if index == 1 and self.call(call):
                return True  # bcrypt.hash(pw, salt, (err, hash) => ...), crypto.pbkdf2(...)
            callee = call.child_by_field_name("function")
            if index == 0 and callee is not None and callee.type == "member_expression" and \
                    text(callee.child_by_field_name("property")) in _RESULT_CALLBACKS:
                inner = unwrap(callee.child_by_field_name("object"), CASTS_AND_AWAIT)
                return inner is not None and inner.type == "call_expression" and self.call(inner)
            return False
        values = []
        for sub in walk(fn):
            if _enclosing_function(sub) != fn:
                continue
            if sub.type == "variable_declarator" and text(sub.child_by_field_name("name")) == name:
                values.append(sub.child_by_field_name("value"))
            elif sub.type in ("assignment_expression", "augmented_assignment_expression") and \
                    text(sub.child_by_field_name("left")) == name:
                values.append(sub.child_by_field_name("right") if sub.type ==
                              "assignment_expression" else None)
        return bool(values) and all(self.value(v, scope, depth + 1) for v in values)


def _file_function(root: Node, name: str) -> Node | None:
    """Return the top-level function of a file named ``name`` (a declaration, or a variable
    bound to a function expression), or None."""
    return next((value for value in _declared(root, name)
                 if value is not None and value.type in FUNCTION_TYPES), None)


def _statement(node: Node) -> Node | None:
    """Return the expression statement ``node`` is the whole of (through ``await`` and
    parentheses), or None when it is part of a larger expression."""
    cur = node
    while cur.parent is not None and cur.parent.type in _WRAPPERS:
        cur = cur.parent
    parent = cur.parent
    return parent if parent is not None and parent.type == "expression_statement" else None


def _hashed_before_save(node: Node, keys: set[str], ctx: FileContext, hashing: _Hashing) -> bool:
    """Return True when the model instance ``node`` builds with the plain password fields
    ``keys`` has each of them set to a password hash before every save: the instance is bound
    to a variable, the function that builds it saves it (``user.save()``, or hands it to a
    store-like call such as ``repo.save(user)``), and every such save, and every other call
    the variable is handed to, comes after a statement ``user.password = <hash>`` (or
    ``Object.assign(user, { password: <hash> })``) that runs on every path to it: the
    statement sits in a block that also holds the save, before it, with no reassignment of
    the variable in between. Every assignment of those fields must be a hash; an assignment in
    only one branch, or after the save, leaves the finding."""
    var = _bound_name(node)
    if var is None:
        return False
    scope = _enclosing_function(node) or ctx.tree.root_node
    loop = enclosing(node, _LOOPS)
    if loop is not None and (scope.type == "program" or loop.start_byte > scope.start_byte):
        return False  # a later iteration could save an earlier instance
    uses: list[Node] = []  # saves and other calls the instance is handed to
    sets: list[tuple[Node | None, str, Node | None]] = []  # (statement, key, value)
    rebinds: list[Node] = []
    saved = False
    for sub in walk(scope):
        if sub.start_byte < node.end_byte or sub.type not in (
                "call_expression", "assignment_expression", "augmented_assignment_expression") \
                or _shadowed(sub, var, scope):
            continue
        if sub.type == "call_expression":
            fn = sub.child_by_field_name("function")
            args_node = sub.child_by_field_name("arguments")
            args = [unwrap(a, CASTS_AND_AWAIT) for a in code_children(args_node)] \
                if args_node else []
            if fn is None:
                continue
            method = _field_of(fn, var)
            if text(fn) == "Object.assign" and args and args[0] is not None and \
                    args[0].type == "identifier" and text(args[0]) == var:
                for arg in args[1:]:
                    if arg is None or arg.type != "object" or has_spread(arg):
                        return False  # copies fields we cannot see
                    for key, value in object_properties(arg).items():
                        if key in keys:
                            sets.append((_statement(sub), key, value))
            elif method == "save":
                uses.append(sub)
                saved = True
            elif method in _STORE_METHODS:
                return False  # user.set(...), user.update(...): fields we do not follow
            elif any(a is not None and a.type == "identifier" and text(a) == var
                     for a in args):
                uses.append(sub)
                saved = saved or text(fn).rpartition(".")[2] in _STORE_METHODS
        else:
            left = sub.child_by_field_name("left")
            if left is None:
                continue
            field = _field_of(left, var)
            if left.type == "identifier" and text(left) == var:
                rebinds.append(sub)
            elif field is not None and field in keys:
                assigned = sub.child_by_field_name("right") \
                    if sub.type == "assignment_expression" else None
                sets.append((_statement(sub), field, assigned))
    if not saved:
        return False  # not saved here: where it is saved, we cannot see
    if not all(hashing.value(value, scope) for _, _, value in sets):
        return False

    def covered(use: Node, key: str) -> bool:
        for stmt, set_key, _ in sets:
            if stmt is None or set_key != key or stmt.parent is None or \
                    stmt.parent.type not in ("statement_block", "program"):
                continue
            block = stmt.parent
            if not (stmt.end_byte <= use.start_byte and use.end_byte <= block.end_byte):
                continue
            if any(stmt.end_byte <= r.start_byte < use.start_byte for r in rebinds):
                continue
            return True
        return False

    return all(covered(use, key) for use in uses for key in keys)

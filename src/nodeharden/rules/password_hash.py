"""password-hash: fast digests of passwords, low bcrypt/argon2 cost, passwords compared with
``===``, and passwords stored as sent (report only)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from nodeharden._model import Finding
from nodeharden._parse import (
    FUNCTION_TYPES,
    alternation, captures_in, code_children, enclosing, merge_ranges, object_properties,
    string_value, text, walk,
)
from nodeharden.rules._base import FileContext, Rule

CHEAT_SHEET = "https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html"
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
_WORD_RE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_SQL_WRITE_RE = re.compile(r"(?is)\b(insert\s+into|update\s+\S+\s+set)\b")
_QUERY = "(call_expression) @call\n(new_expression) @new\n(binary_expression) @cmp"
#: Every word of PASSWORD_WORDS contains one of these (searched in the lower-cased source).
_PASSWORD_NEEDLE = re.compile(rb"pass|pw")
#: Words that name a stored or expected password, never a second submitted one.
STORED_WORDS = {"stored", "saved", "db", "hash", "hashed", "existing", "user", "account",
                "expected", "real", "actual", "correct", "admin", "env", "config", "digest",
                "encrypted", "record", "old", "current"}
_FUNCTIONS = FUNCTION_TYPES


def words(name: str) -> set[str]:
    """Return the lower-case words of an identifier (camelCase, snake_case, kebab-case)."""
    return {w.lower() for w in _WORD_RE.findall(name)}


def password_like(name: str) -> bool:
    """Return True when an identifier or property names a password."""
    return bool(words(name) & PASSWORD_WORDS)


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
    scope = enclosing(node, _FUNCTIONS)
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


class PasswordHash(Rule):
    """Weak password hashing, comparison and storage."""

    id = "password-hash"

    def wants(self, source: bytes) -> bool:
        low = source.lower()
        return b"pass" in low or b"pwd" in low or b"bcrypt" in low or b"argon2" in low

    def check_file(self, ctx: FileContext) -> Iterable[Finding]:
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
        caps = captures_in(ctx.lang, _QUERY, root, merge_ranges(spans))
        for call in caps.get("call", []):
            fn = call.child_by_field_name("function")
            args_node = call.child_by_field_name("arguments")
            if fn is None or args_node is None:
                continue
            args = code_children(args_node)
            callee = text(fn)
            head, _, method = callee.rpartition(".")
            message = None
            if method == "update" and args and _mentions_password(args[0]):
                algorithm = self._digest_of(fn.child_by_field_name("object"))
                if algorithm:
                    message = (f"password hashed with {algorithm}: fast digests are brute-forced "
                               f"at billions of guesses per second; {REPLACEMENT}")
            elif (callee in digests or head in cryptojs and method.upper().startswith(
                    ("MD5", "SHA", "RIPEMD"))) and args and _mentions_password(args[0]):
                algorithm = digests.get(callee) or method
                message = (f"password hashed with {algorithm}: fast digests are brute-forced at "
                           f"billions of guesses per second; {REPLACEMENT}")
            elif (head in bcrypt and method in ("hash", "hashSync", "genSalt", "genSaltSync")) or \
                    (not head and bcrypt_named.get(callee) in ("hash", "hashSync", "genSalt",
                                                               "genSaltSync")):
                name = method or bcrypt_named[callee]
                # A missing cost is the library's default (bcrypt and bcryptjs: 10), which
                # meets the minimum: `genSalt()` and `genSalt(cb)` are fine.
                position = 0 if name.startswith("genSalt") else 1
                cost_arg = args[position] if len(args) > position else None
                if cost_arg is not None and cost_arg.type == "number":
                    cost = int(float(text(cost_arg)))
                    if cost < BCRYPT_MIN:
                        message = (f"bcrypt cost {cost} is too low (below {BCRYPT_MIN}): use "
                                   "cost 12 or more, or argon2id")
            elif head in argon2 and method == "hash" and len(args) > 1:
                message = self._argon2_problem(args[1])
            elif method in _STORE_METHODS:
                message = self._plaintext_store(args, orm_hashes=ctx.info.hashes_on_save)
            if message:
                yield ctx.node_finding(self.id, call, f"{message} ({CHEAT_SHEET})")
        for node in caps.get("new", []):
            args_node = node.child_by_field_name("arguments")
            if args_node is None:
                continue
            args = code_children(args_node)
            message = self._plaintext_store(args, orm_hashes=ctx.info.hashes_on_save)
            if message:
                yield ctx.node_finding(self.id, node, f"{message} ({CHEAT_SHEET})")
        for cmp in caps.get("cmp", []):
            message = self._comparison(cmp)
            if message:
                yield ctx.node_finding(self.id, cmp, f"{message} ({CHEAT_SHEET})")

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

    @staticmethod
    def _plaintext_store(args: list[Node], *, orm_hashes: bool = False) -> str | None:
        """``orm_hashes``: a model's save hook hashes the password, so handing the plain
        password to the ORM (``User.create({ password })``) is how that model is used."""
        for arg in args:
            if arg.type == "object" and not orm_hashes:
                for key, value in object_properties(arg).items():
                    if password_like(key) and not words(key) & DERIVED_WORDS and \
                            _raw_request_password(value):
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
    def _comparison(node: Node) -> str | None:
        op = text(node.child_by_field_name("operator"))
        if op not in ("==", "===", "!=", "!=="):
            return None
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            return None
        literal = ("string", "template_string", "number", "null", "undefined", "true", "false",
                   "unary_expression")
        if left.type in literal or right.type in literal:
            return None
        names = [_last_name(left), _last_name(right)]
        if not any(password_like(n) for n in names):
            return None
        if any(words(n) & {"length", "confirm", "confirmation", "repeat", "again", "retype",
                           "type", "policy"} for n in names):
            return None
        if any(re.search(r"(?i)confirm|repeat|retype", text(side)) for side in (left, right)):
            return None
        if _submitted(left) and _submitted(right):
            return None  # two values the client sent (password and its confirmation)
        return (f"password compared with `{op}`: string comparison leaks timing and means the "
                "password or a fast hash is stored; store a bcrypt (cost >= 12) or argon2id hash "
                "and verify with bcrypt.compare / argon2.verify")


RULE = PasswordHash()

"""input-validation: what a route handler does with each request field, and the chain that
accepts exactly what it accepted.

A field's type comes from its uses, never from its name alone: compared with ``true``/``false``
or only tested as a condition → boolean; ``Number()``/``parseInt``/arithmetic → number;
property access or destructuring → an object, validated field by field (``body('user.email')``);
``.map``/``for…of`` → array; string methods → string. A name may narrow a type the uses show
(``email`` used as a string → ``isEmail()``). A field whose uses show no type gets no chain and
makes its handler report-only, with the reason.

A field is required only when the handler fails without it (it calls a method on it or reads a
property of it, or answers 4xx when it is missing); ``||``, ``??``, ``?.``, destructuring
defaults and existence checks make it ``optional()`` with the ``values:`` option that keeps the
handler's own answer for what it treated as missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Protocol

from tree_sitter import Node

from nodeharden._parse import (
    CASTS_AND_AWAIT, FUNCTION_TYPES, code_children, parameters, string_value, text, unwrap, walk)
from nodeharden._record import field, record
from nodeharden._regex import lazy_pattern
from nodeharden.rules._edits import is_builtin

PARTS = {"body": "body", "query": "query", "params": "param"}
#: Types that make a path parameter worth a chain (any path parameter is a non-empty string).
NARROW_PARAM_TYPES = ("int", "number", "uuid")
_NARROW_PARAM_KINDS = {"int", "number", "strict-number", "uuid"}
_UUID_PATTERN_RE = lazy_pattern(r"(?i)\{8\}-|uuid")
_VALIDATING_CALL_RE = lazy_pattern(
    r"(?i)(\.(parse|safeParse|parseAsync|safeParseAsync|validate|validateAsync|validateSync|"
    r"isValid|isValidSync)$|^(validationResult|matchedData|checkSchema)$|valid)")
#: A name that ends in "email" (``email``, ``contactEmail``, ``user.email``, ``EMAIL``), not
#: ``emailTemplate``: a name may narrow a string to an email address, never decide a type.
_EMAIL_RE = lazy_pattern(r"(?:^|[._-])e-?mail$|[a-z0-9]E-?mail$|(?:^|_)E-?MAIL$")
_INT_CALLS = {"parseInt", "Number.parseInt"}
_NUMBER_CALLS = {"Number", "parseFloat", "Number.parseFloat", "Math.abs", "Math.round",
                 "Math.floor", "Math.ceil", "Math.min", "Math.max"}
_NUMBER_OPS = {"<", ">", "<=", ">=", "-", "*", "/", "%", "**"}
#: Methods only strings have: calling one shows the handler expects a string.
STRING_METHODS = frozenset({
    "trim", "trimStart", "trimEnd", "toLowerCase", "toUpperCase", "toLocaleLowerCase",
    "toLocaleUpperCase", "split", "startsWith", "endsWith", "replace", "replaceAll", "match",
    "matchAll", "search", "substring", "substr", "padStart", "padEnd", "charAt", "charCodeAt",
    "codePointAt", "normalize", "localeCompare", "repeat"})
#: Methods only arrays have.
ARRAY_METHODS = frozenset({
    "map", "filter", "forEach", "reduce", "reduceRight", "some", "every", "find", "findIndex",
    "findLast", "findLastIndex", "flat", "flatMap", "join", "sort", "reverse", "push", "pop",
    "shift", "unshift", "splice", "fill", "keys", "values", "entries"})
#: Methods strings and arrays share: they show neither type.
_SHARED_METHODS = frozenset({"includes", "indexOf", "lastIndexOf", "slice", "concat", "at"})
_BOOL_WORDS = {"true", "false"}
_CHECKBOX_STRINGS = {"on", "true", "false"}
#: Characters express-validator reads as path syntax, or that would need escaping in a chain.
_PATH_SYNTAX_RE = lazy_pattern(r"[.*\[\]'\"\\]")
_WRAPPERS = ("parenthesized_expression", "non_null_expression", "as_expression",
             "satisfies_expression", "await_expression")
#: An answer or error that turns the request away: ``res.status(400)``, ``createError(422)``,
#: ``throw new HttpException(422, …)``, ``new ApiError(httpStatus.BAD_REQUEST, …)``. An error
#: made by its status (``next(Error[422](…))``, ``throw new createError[404]()``) is read from
#: the tree (``_indexed_answer``): any call on an index 4xx (``stats[422]('x')``) is none.
_FOURXX_RE = lazy_pattern(
    r"\.(?:status|sendStatus)\(\s*4\d\d\b|\b(?:createError|httpErrors)\(\s*4\d\d"
    r"|\bnew\s+[\w$.]+\(\s*4\d\d\b"
    r"|\b(?:BAD_REQUEST|UNPROCESSABLE_ENTITY|NOT_FOUND|CONFLICT|FORBIDDEN|UNAUTHORIZED"
    r"|PRECONDITION_FAILED|PRECONDITION_REQUIRED|NOT_ACCEPTABLE|UNSUPPORTED_MEDIA_TYPE)\b")
#: A call on an index 4xx (``Error[422](…)``), the first test for ``_indexed_answer``.
_INDEXED_4XX_RE = lazy_pattern(r"[\w$\]]\s*\[\s*4\d\d\s*\]\s*\(")
_OPT_RANK = {None: 0, "undefined": 1, "null": 2, "falsy": 3}
_FUNCTION_NODES = FUNCTION_TYPES
#: ``typeof x !== '<type>'`` answered with 4xx: the type the handler checked.
_TYPEOF_KINDS = {"string": "string", "number": "number", "boolean": "bool"}
#: String methods whose result is the same value, cleaned: a test of the result tests it.
_STRING_RESULT = frozenset({"trim", "trimStart", "trimEnd", "toLowerCase", "toUpperCase",
                            "normalize"})

#: ``resolve(callee) -> helper function node`` for step-across-files analysis.
Resolver = Callable[[Node], "Node | None"]
#: ``project(callee) -> bool``: the callee names a function of one of the project's own modules
#: (a relative import), found or not.
ProjectCallee = Callable[[Node], bool]


class DataLayers(Protocol):
    """What data layer a call's receiver comes from (``input_validation._DataLayers``)."""

    #: req.query values are strings or arrays of strings (Express 5, ``query parser: simple``).
    simple_query: bool
    #: Every validator.js function throws for an argument that is not a string (the project
    #: declares validator 5 or later).
    validator_throws: bool

    def sql_plain(self, fn: Node | None) -> bool:
        """The receiver is a Sequelize model or instance: no plain object is an operator."""
        ...

    def of_value(self, receiver: Node | None, guess: bool = True) -> frozenset[str]:
        """The data-layer families (``sequelize``, ``mongo``, ``prisma``…) of a value."""
        ...

    def project_method(self, fn: Node) -> bool:
        """``fn`` is a method a class of the project defines (``this.x``, ``new X()``)."""
        ...


@record
class Field:
    """One request field a handler reads (``name`` is dotted for nested fields)."""

    part: str  # body | query | params
    name: str
    kinds: set[str] = field(default_factory=set)
    unsure: str | None = None  # why no type can be shown
    fallback: str | None = None  # None | undefined | null | falsy: what the handler treats as missing
    throws: bool = False  # some use fails when the value is missing
    checked: bool = False  # the handler answers 4xx when it is missing (or of the wrong type)
    live: bool = False  # some use needs a checked value (not only a bound parameter, a lookup
    #                     key, a comparison with a literal or a presence test)
    validated: bool = False  # a schema validates it (and everything in it) before it is used
    turned_away: bool = False  # the handler answers 4xx when it is missing or mistyped
    children: list[str] = field(default_factory=list)
    harms: dict[str, None] = field(default_factory=dict)  # what the live uses do, in order
    shared: dict[str, None] = field(default_factory=dict)  # `.slice()`, `.length`: members
    #                     strings and arrays share, as the uses wrote them (for the message)
    converted: bool = False  # a stand-in for the number the field was converted to

    def injection(self) -> bool:
        """Return True when some use of the field does an injection-class harm."""
        return any(h in INJECTION_HARMS for h in self.harms)

    def allow(self, values: str) -> None:
        if _OPT_RANK[values] > _OPT_RANK[self.fallback]:
            self.fallback = values

    def type(self) -> tuple[str | None, str]:
        """Return (type, why none) from the uses."""
        if self.unsure:
            return None, self.unsure
        typed = self.kinds - {"raw", "plus", "trim", "cond", "strict-number", "compared"}
        if "strict-number" in self.kinds:
            typed.add("number")
        if "trim" in self.kinds:
            typed.add("string")
        if "object" in typed:
            if typed - {"object"}:
                return None, f"is used both as an object and as {_a(typed - {'object'})}"
            return "object", ""
        for kind, allowed in (("array", {"array", "length"}),
                              ("uuid", {"uuid", "string", "length"}),
                              ("string", {"string", "length"}),
                              ("bool", {"bool"}), ("int", {"int"}), ("number", {"int", "number"})):
            if kind in typed:
                if typed - allowed:
                    return None, f"is used both as {_a({kind})} and as {_a(typed - allowed)}"
                return kind, ""
        if "length" in typed:
            names = list(self.shared) or [".length"]
            return None, (f"is only used with {' and '.join(names)} (strings and arrays both "
                          f"have {'it' if len(names) == 1 else 'them'}), so its type is unknown")
        if "plus" in self.kinds:
            return None, "is used with + (which joins strings and adds numbers), so its type " \
                "is unknown"
        if "cond" in self.kinds:
            if "raw" in self.kinds:
                return None, "is tested for presence and otherwise passed on as it is, so its " \
                    "type is unknown"
            return "bool", ""
        if self.kinds == {"compared"}:
            return None, "is only compared with other values, so its type is unknown"
        return None, "is only passed on as it is, so its type is unknown"

    def optional(self) -> str | None:
        """Return the ``values`` of ``optional()``, or None when the field is required."""
        if self.fallback is not None:
            return self.fallback
        if self.throws or self.checked:
            return None
        return "undefined"

    def chain(self, local: str) -> str:
        """Return the express-validator chain for this field (its type must be known)."""
        kind, _ = self.type()
        steps = [f"{local}('{self.name}')"]
        values = self.optional()
        if values == "undefined":
            steps.append("optional()")
        elif values is not None:
            steps.append(f"optional({{ values: '{values}' }})")
        coerced_only = self.kinds <= {"int", "number"}  # every use converts it anyway
        if kind == "bool":
            steps.append("isIn([true, false, 'true', 'false', 'on'])")
        elif kind == "int":
            steps.append("isInt()")
            if coerced_only:
                steps.append("toInt()")
        elif kind == "number":
            steps.append("isFloat()")
            if coerced_only:
                steps.append("toFloat()")
        elif kind == "array":
            steps.append("isArray()")
        elif kind == "uuid":
            steps.append("isUUID()")
        else:
            steps.append("isString()")
            if self.kinds == {"trim"}:
                steps.append("trim()")  # every use trims it first: trimming sooner changes nothing
            if _EMAIL_RE.search(self.name):
                steps.append("isEmail()")  # after trim(): the handler checked what it trimmed
        return ".".join(steps)


def _a(kinds: set[str]) -> str:
    """Name the types ``kinds`` (``parseInt()`` shows an integer, ``Number()`` or ``<`` a
    number: distinct names, or the no-fix reason says "both as a number and as a number")."""
    names = {"bool": "a boolean", "int": "an integer", "number": "a number", "string": "a string",
             "uuid": "a UUID",
             "array": "an array", "length": "a string or an array", "object": "an object"}
    return " and ".join(sorted({names.get(k, k) for k in kinds}))


@record
class Reads:
    """What a handler does with the request."""

    fields: dict[tuple[str, str], Field] = field(default_factory=dict)
    whole: list[str] = field(default_factory=list)  # parts used as a whole object
    checked_parts: set[str] = field(default_factory=set)  # parts a helper's schema validates
    validated: bool = False
    #: (part, write call): req.body/req.query handed whole to an ORM write (mass assignment)
    mass: list[tuple[str, Node]] = field(default_factory=list)

    def add(self, part: str, name: str, segment: str | None = None) -> Field:
        key = (part, name)
        if key not in self.fields:
            self.fields[key] = Field(part, name)
            if _PATH_SYNTAX_RE.search(name if segment is None else segment) or not name:
                self.fields[key].unsure = "has a name express-validator would read as a path"
        return self.fields[key]

    def child(self, parent: Field, prop: str) -> Field:
        parent.kinds.add("object")
        if prop not in parent.children:
            parent.children.append(prop)
        return self.add(parent.part, f"{parent.name}.{prop}", prop)

    def leaves(self) -> list[Field]:
        """Return the fields a chain would check: not the objects that hold other fields, and
        not the path parameters whose uses show no narrower type than a string (a path
        parameter is always a non-empty string)."""
        found = []
        for f in self.fields.values():
            if not (f.kinds or f.unsure or f.children):
                continue  # only written (`req.body.x = …`), never read
            if f.children and not f.unsure and f.type()[0] == "object":
                continue
            if f.part == "params" and not (f.kinds & _NARROW_PARAM_KINDS):
                continue  # no use shows more than the string Express always gives
            found.append(f)
        return found

    def needed(self) -> list[Field]:
        """Return the fields worth a finding: some use needs a checked value, and neither the
        handler (``if (!x) return res.status(400)``, ``throw new HttpError(422)``, a ``typeof``
        test that answers 4xx) nor a schema it calls checks it. A field that only goes into a
        bound SQL parameter, an ORM lookup key, a comparison with a literal or a presence test
        is not: the driver or ORM treats it as data, and no type makes the test go wrong."""
        covered = [(f.part, f.name) for f in self.fields.values() if f.validated]
        return [f for f in self.leaves() if f.live and not f.turned_away
                and f.part not in self.checked_parts and not any(
                    f.part == part and (f.name == c or f.name.startswith(c + "."))
                    for part, c in covered)]

    def chained(self) -> list[Field]:
        """Return the fields a fix writes a chain for: every leaf whose type use shows (also
        the ones not worth a finding on their own: the chain is written for the handler)."""
        return [f for f in self.leaves() if f.type()[0] is not None]

    def blockers(self) -> list[str]:
        """Return why no chain can be written for this handler (empty when one can)."""
        if self.whole:
            return [f"the handler uses req.{self.whole[0]} as a whole"]
        if self.mass:  # `req.body.profile` written as it is: a list of fields is the fix
            return [f"req.{self.mass[0][0]} reaches a write as a whole"]
        return [f"req.{f.part}.{f.name} {f.type()[1]}" for f in self.needed()
                if f.type()[0] is None]


_DB_METHODS = frozenset({"query", "execute", "run", "get", "all", "each", "one", "oneOrNone",
                         "many", "manyOrNone", "any", "none", "result"})
#: ``Model.findById(id)``: a lookup by primary key (Mongoose, Sequelize ``findByPk``).
_ID_METHODS = frozenset({"findById", "findByIdAndUpdate", "findByIdAndDelete",
                         "findByIdAndRemove", "findByPk"})
#: Query builders' lookups: knex ``.where('id', id)``, TypeORM ``findOneBy({ id })``.
_WHERE_METHODS = frozenset({"where", "andWhere", "orWhere", "whereIn", "whereNot",
                            "findOneBy", "findBy", "findOneByOrFail"})
#: TypeORM lookups whose first argument is the where-object itself.
_TYPEORM_LOOKUPS = frozenset({"findOneBy", "findBy", "findOneByOrFail", "countBy", "existsBy"})
_MONGO_FILTER_METHODS = frozenset({
    "find", "findOne", "findOneAndUpdate", "findOneAndDelete", "findOneAndReplace",
    "findOneAndRemove", "updateOne", "updateMany", "deleteOne", "deleteMany", "countDocuments",
    "count", "exists", "replaceOne", "findFirst", "findUnique", "findMany", "findAll"})
#: Writes of an ORM or a MongoDB driver: the value of a property of the object they are given
#: (``create({ name })``, Prisma ``update({ data: { bio } })``, ``updateOne(filter, { $set:
#: { bio } })``) is stored as data, like a bound SQL parameter of an INSERT.
_WRITE_METHODS = frozenset({"create", "createMany", "insert", "insertMany", "insertOne", "save",
                            "build", "bulkCreate", "upsert", "update"})
#: MongoDB writes whose first argument is a filter: only their later arguments are stored.
_FILTER_FIRST_WRITES = frozenset({"updateOne", "updateMany", "findOneAndUpdate",
                                  "findByIdAndUpdate", "replaceOne", "findOneAndReplace"})
#: Keys that only a query filter has (Prisma relation filters and operators, logical groups):
#: an object holding one of them is a filter wherever it is built (``queries.push({ tags: {
#: some: { name: tag } } })``, later given to ``where: { AND: queries }``).
_FILTER_KEYS = frozenset({"some", "every", "none", "is", "isNot", "AND", "OR", "NOT", "equals",
                          "contains", "startsWith", "endsWith", "notIn", "hasSome", "hasEvery"})
#: Positions that are not a harm: a key that only selects rows, a value stored as data.
_QUIET_POSITIONS = ("key", "store")
#: What a live use does with the value, as the finding says it (after the fields' names).
_FILTER = "put into a query filter as sent (an object or array there is read as an operator)"
_MYSQL = "bound by mysql as sent (it writes an object as SQL text)"
_LENGTH = "read with .length (a missing value throws)"
_ITERATED = "iterated (a missing value throws)"
_ARITH = "used with + (it adds numbers and joins anything else as text)"
#: ``*``, ``-``, ``/``, ``%``, ``**``, unary ``+``/``-`` convert any value to a number, as
#: ``Number()`` does: another type gives NaN, never a string or an object.
_NUMERIC = "converted to a number by arithmetic (NaN when it is not one)"
_ORDER = "compared with <, >, <= or >= (a string compares as text)"
#: ``'SELECT … ' + x``: a value made into the text of a query (by ``+`` or a template).
_SQL_TEXT = "concatenated into SQL text (bind it as a parameter instead)"
#: The words and single marks of string text (``\x00`` stands for a value put between two
#: pieces of the text): one pass, no backtracking whatever the length.
_SQL_TOKEN_RE = lazy_pattern(r"[A-Za-z_][\w$]*|\S")
#: What may stand between ``select`` and ``from`` in a lower-case column list
#: (``select u.id, count(*) as n from``), besides names.
_COLUMN_MARKS = frozenset(",.*()\"`[]\x00")
#: An SQL comparison after ``where name`` (``=``, ``<>``, ``in``, ``like``…).
_SQL_KEYWORDS = frozenset({"select", "from", "where", "order", "group", "by", "insert", "into",
                           "delete", "update", "set"})
_SQL_COMPARISONS = frozenset({"=", "<", ">", "!", "in", "like", "ilike", "is", "between", "not"})
#: Tags of tagged templates that send each ``${value}`` as a bound parameter, not as text:
#: postgres.js, @vercel/postgres, slonik, sql-template-strings and drizzle (``sql``),
#: Prisma's ``$queryRaw``/``$executeRaw`` and ``Prisma.sql``.
_BINDING_TAG_RE = lazy_pattern(
    r"(?:[\w$]+\.){0,4}(?:sql|SQL|\$queryRaw|\$executeRaw)(?:\.[\w$]+)?(?:\([^()]{0,200}\))?")


def _written_through(subscript: Node) -> bool:
    """Return True when ``subscript`` (``a[x]``) is written, itself or through what it holds:
    ``a[x] = v``, ``a[x][y] = v``, ``a[x].y += v``, ``a[x]++``, ``delete a[x][y]`` (a read,
    ``a[x]``, ``a[x].y``, ``a[x](…)``, only looks a key up; ``delete a[x]`` removes an own
    property at most, and ``delete a.__proto__`` cannot reach Object.prototype; nor does a
    one-level write ``a[x] = v``: with x = "__proto__" it swaps only *a*'s own prototype,
    Object.prototype is reached by a write through what ``a[x]`` holds)."""
    node = subscript
    steps = 0
    through = 0  # member or subscript steps past ``a[x]``
    holder = node.parent
    while holder is not None and steps <= _MAX_UPWARD and (
            holder.type in _WRAPPERS or (
                holder.type in ("subscript_expression", "member_expression")
                and holder.child_by_field_name("object") == node)):
        if holder.type in ("subscript_expression", "member_expression"):
            through += 1
        node, holder = holder, holder.parent
        steps += 1
    if holder is None or through == 0:
        return False
    if holder.type in ("assignment_expression", "augmented_assignment_expression"):
        return holder.child_by_field_name("left") == node
    if holder.type == "unary_expression":
        return text(holder.child_by_field_name("operator")) == "delete" and \
            node.type in ("subscript_expression", "member_expression")
    return holder.type == "update_expression"


def _sql_shaped(pieces: list[str]) -> bool:
    """Return True when the string text ``pieces`` (the parts of one string, a value between
    each two) reads as SQL: keywords in SQL order, written as SQL is (all upper or all lower
    case: ``Order by …`` opening an English sentence is not), and in lower case in an SQL
    shape (``select a, b from t``, ``where name =``, ``order by`` before a value), so that
    ``'We could not find where ' + city`` is not a query."""
    words = [m.group() for m in _SQL_TOKEN_RE.finditer("\x00".join(pieces))]
    upper = [w if w.isupper() else "" for w in words]
    if "SELECT" in upper and "FROM" in upper[upper.index("SELECT"):]:
        return True
    if "UPDATE" in upper and "SET" in upper[upper.index("UPDATE"):]:
        return True
    if "WHERE" in upper:
        return True
    for i, w in enumerate(upper[:-1]):
        if (w, upper[i + 1]) in (("INSERT", "INTO"), ("DELETE", "FROM"), ("ORDER", "BY"),
                                 ("GROUP", "BY")):
            return True
    # Names as they are; a keyword in any case but all upper or all lower is prose ("~").
    lower = [w.lower() if w.isupper() or w.islower() or w.lower() not in _SQL_KEYWORDS
             else "~" for w in words]
    return any(_lower_shape(lower, i) for i in range(len(lower)))


def _lower_shape(lower: list[str], i: int) -> bool:
    """Return True when the SQL keyword at ``lower[i]`` starts an SQL shape: a column list
    then ``from``, ``insert into t``, ``update t set c``, ``where c =``, ``order by c``."""
    w = lower[i]
    after = lower[i + 1:i + 5] + [""] * 4
    if w == "select":
        # a column list: names, marks, `as alias`, `distinct`; never two words in a row
        j, last_word = i + 1, False
        while j < len(lower) and j - i < 200 and lower[j] != "from":
            word = lower[j][0].isalpha() or lower[j][0] == "_"
            if (word and last_word and lower[j - 1] not in ("as", "distinct")) or (
                    not word and lower[j] not in _COLUMN_MARKS):
                return False
            last_word = word
            j += 1
        return j < len(lower) and j > i + 1 and lower[j] == "from"
    if (w, after[0]) in (("insert", "into"), ("delete", "from")):
        return _name(after[1])
    if w == "update":
        return _name(after[0]) and after[1] == "set" and _name(after[2])
    if w == "where":
        column = 1 if after[1] != "." else 3
        return _name(after[0]) and (column == 1 or _name(after[2])) and \
            after[column] in _SQL_COMPARISONS
    if w in ("order", "group") and after[0] == "by":
        return after[1] in ("\x00", "") or _name(after[1])
    return False


def _name(word: str) -> bool:
    """Return True when ``word`` (a lower-case token, or '') is an SQL name."""
    return bool(word) and (word[0].isalpha() or word[0] == "_") and word not in _SQL_KEYWORDS \
        and word not in (
        "the", "a", "an", "this", "that", "your", "you", "it", "we", "they", "is", "are")
#: ``settings[req.body.section][req.body.key] = value``: ``__proto__`` as the key writes to
#: the prototype of every object (prototype pollution), and so does ``delete cache[x][y]``.
_WRITTEN_KEY = "used as the key of a write or delete (a key like __proto__ reaches Object.prototype)"
_CONVERTED = "converted to a number with no fallback (NaN when it is not one)"
_LOOSE = "compared with == to another value (an array or object compares as its text)"
_OTHER = "used in a way the rule cannot follow"
#: TypeORM 0.3 reads no JSON value as an operator (its operators carry a Symbol brand), but it
#: drops a where-value that is undefined or null instead of testing IS NULL: a lookup given a
#: missing field finds the table's first row.
_TYPEORM_MISSING = ("a TypeORM lookup value (a missing or null value drops the condition, so "
                    "the lookup finds the first row)")
#: (What a sanitizer in front of the route, express-mongo-sanitize, makes harmless.)
FILTER_HARM = _FILTER
_POSITION_HARM = {"sent": _FILTER, "mysql": _MYSQL, "typeorm": _TYPEORM_MISSING}
#: The harms that make a route worth a finding by default: a value that changes what a query,
#: a write's key or a text means (an operator object, SQL text, ``__proto__``, ``+`` joining
#: text). The others (``.length`` of a missing value, a value passed to a library, a
#: comparison) only make the handler fail on a wrong type: reported with the
#: ``input_validation: {robustness: true}`` option.
#: A password a signup hashes (judged real in the field test: whatever was sent is hashed, a
#: wrong type a 500). Not where the hash call (or the handler's call of the helper that makes
#: it) lies in a try whose catch answers the request: these functions throw on anything but a
#: string or a buffer, which a parsed body or query never holds as an object, so a wrong type
#: only lands in that catch and nothing is hashed or stored (held-out zwave-js-ui: its login
#: and password-change routes, judged false); that stays a robustness point.
_HASH_HARMS = frozenset(f"passed to {fn}()" for fn in (
    "crypto.pbkdf2", "crypto.pbkdf2Sync", "crypto.scrypt", "crypto.scryptSync", "bcrypt.hash",
    "bcrypt.hashSync", "bcryptjs.hash", "bcryptjs.hashSync", "argon2.hash"))
_CAUGHT_HASH = " inside a try whose catch answers"
INJECTION_HARMS = frozenset({_FILTER, _MYSQL, _SQL_TEXT, _WRITTEN_KEY, _ARITH, _TYPEORM_MISSING,
                             *_HASH_HARMS})
#: Functions that take any value and give a string or a boolean, never throwing on a request
#: value: ``encodeURIComponent(req.query.q)`` is no use that needs a checked value.
_TOTAL_CALLS = frozenset({"encodeURIComponent", "encodeURI", "escape", "JSON.stringify",
                          "util.inspect", "util.format"})  # String(), Boolean(): see _argument
#: lodash's string functions (and underscore.string's): each first makes its argument a string
#: (``_.toString``: ``''`` for null/undefined, items joined for an array), never throwing, so
#: ``_.trim(req.body.title)`` is ``String(x)``. Only on a name bound to such a module.
_LODASH_STRING = frozenset({
    "trim", "trimStart", "trimEnd", "trimLeft", "trimRight", "toString", "toLower", "toUpper",
    "lowerCase", "upperCase", "camelCase", "kebabCase", "snakeCase", "startCase", "capitalize",
    "upperFirst", "lowerFirst", "deburr", "escape", "unescape", "escapeRegExp", "pad",
    "padStart", "padEnd", "truncate"})
_LODASH_SOURCE = r"""['"](?:lodash|lodash-es|underscore\.string)['"]"""
#: WHATWG ``URL`` setters that convert the value to a string and ignore one they cannot use
#: (``url.port = {}`` leaves the port). Not ``href``: it throws on a bad URL.
_URL_SETTERS = frozenset({"protocol", "username", "password", "host", "hostname", "port",
                          "pathname", "search", "hash"})
#: Logging: ``console.*``, ``logger.debug('%o', req.body)``, winston/pino/bunyan loggers.
_LOG_LEVELS = frozenset({"log", "trace", "debug", "info", "warn", "warning", "error", "fatal",
                         "verbose", "silly", "http", "notice", "crit", "critical", "alert",
                         "emerg", "dir", "table"})
_LOGGER_RE = lazy_pattern(r"^(?:console|winston|pino|bunyan|log|logger|Logger|LOGGER|LOG)$"
                        r"|[a-z0-9_]Log(?:ger)?$|_log(?:ger)?$|[a-z]logger$")
#: Array methods that put a value into a document's array (Mongoose arrays have addToSet).
_DOC_STORE_METHODS = frozenset({"push", "unshift", "addToSet"})
#: A catch clause that answers the request (or hands the error to the app's error handler).
_ANSWERS_RE = lazy_pattern(r"\.(?:status|sendStatus|json|jsonp|send|redirect|render|end|flash)"
                         r"\s*\(|(?<![\w$.])next\s*\(")
#: ``res.json({ … })``: an object serialised into the answer.
_ANSWER_METHODS = frozenset({"json", "jsonp", "send", "render"})
_SQL_HEAD_RE = lazy_pattern(r"^[\s(`'\"]*([A-Za-z]+)")
_PLACEHOLDER_RE = lazy_pattern(r"\?|\$(\d+)|(?<![\w:$@])[:$@]([A-Za-z_]\w*)")
_WHERE_RE = lazy_pattern(r"(?i)\bWHERE\b")


class _ScopeIndex:
    """What one walk of a function body finds for the SQL lookups: the value each local is
    first declared with, and the SQL argument of the query each parameter list is passed to
    (``db.all(query, params)``). Built once per body: looking them up per use was quadratic."""

    def __init__(self, scope: Node) -> None:
        self.scope = scope
        self.declared: dict[str, Node] = {}
        self.lists: dict[str, Node] = {}
        self._turned: dict[str, list[int]] | None = None
        self.names: dict[str, list[Node]] = {}  # identifier -> its nodes, in document order
        for node in walk(scope):
            if node.type in ("identifier", "shorthand_property_identifier"):
                self.names.setdefault(text(node), []).append(node)
            if node.type == "variable_declarator":
                name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
                if name is not None and name.type == "identifier" and value is not None:
                    self.declared.setdefault(text(name), value)
            elif node.type == "call_expression":
                fn = node.child_by_field_name("function")
                if fn is None or fn.type != "member_expression" or \
                        text(fn.child_by_field_name("property")) not in _DB_METHODS:
                    continue
                args = code_children(node.child_by_field_name("arguments") or node)
                for arg in args[1:]:
                    if arg.type == "identifier":
                        self.lists.setdefault(text(arg), args[0])

    def turned_away(self) -> dict[str, list[int]]:
        """Return, for each name, where an ``if`` tests it is missing and turns the request
        away (``if (!email) throw new HttpError(422…)``)."""
        if self._turned is None:
            self._turned = {}
            for node in walk(self.scope):
                if node.type == "identifier" and node.parent is not None and \
                        node.parent.type in ("unary_expression", "binary_expression") and \
                        _turns_away(node.parent, strict=True):
                    self._turned.setdefault(text(node), []).append(node.start_byte)
        return self._turned


def _sql_of(node: Node | None, index: _ScopeIndex) -> str | None:
    """Return the SQL text of a query argument: a string, a template, a concatenation, or a
    local initialised with one (``let query = "SELECT …"; query += …``); None otherwise."""
    if node is None:
        return None
    while node.type in _WRAPPERS and code_children(node):
        node = code_children(node)[0]
    if node.type == "identifier":
        node = index.declared.get(text(node)) or node
    if node.type in ("string", "template_string", "binary_expression"):
        sql = text(node)
    else:
        return None
    head = _SQL_HEAD_RE.match(sql)
    if head is None or head.group(1).upper() not in (
            "SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "REPLACE"):
        return None
    return sql


def _prepared_sql(obj: Node | None, index: _ScopeIndex) -> str | None:
    """``const stmt = db.prepare(sql)``: return ``sql`` for ``stmt``."""
    if obj is None or obj.type != "identifier":
        return None
    value = index.declared.get(text(obj))
    while value is not None and value.type in _WRAPPERS and code_children(value):
        value = code_children(value)[0]
    if value is None or value.type != "call_expression":
        return None
    fn = value.child_by_field_name("function")
    if fn is None or fn.type != "member_expression" or \
            text(fn.child_by_field_name("property")) != "prepare":
        return None
    args = code_children(value.child_by_field_name("arguments") or value)
    return _sql_of(args[0], index) if args else None


def _placeholder_role(sql: str, at: int | str | None) -> str:
    """Return ``"key"`` when the placeholder ``at`` (the index of a positional ``?``/``$n``
    value, a ``$name``/``:name``/``@name`` key, or None for every placeholder) only selects
    rows: anywhere in a SELECT or DELETE, after WHERE in an UPDATE. Otherwise ``"store"``."""
    head = _SQL_HEAD_RE.match(sql)
    verb = head.group(1).upper() if head else ""
    if verb in ("SELECT", "DELETE", "WITH"):
        return "key"
    if verb != "UPDATE":
        return "store"
    where = _WHERE_RE.search(sql)
    if where is None or at is None:
        return "store"
    places = list(_PLACEHOLDER_RE.finditer(sql))
    chosen = None
    if isinstance(at, int):
        numbered = [m for m in places if m.group(1) == str(at + 1)]
        plain = [m for m in places if m.group(0) == "?"]
        chosen = numbered[0] if numbered else (plain[at] if at < len(plain) else None)
    else:
        name = at.lstrip(":$@")
        chosen = next((m for m in places if m.group(2) == name), None)
    return "key" if chosen is not None and chosen.start() > where.start() else "store"


def _turns_away(node: Node, strict: bool = False) -> bool:
    """Return True when ``node`` is (part of) the condition of an ``if`` whose consequence
    answers 4xx or throws a 4xx error: ``if (!name || typeof name !== 'string') return …``.

    ``strict``: only when ``node`` tests that the value is missing or mistyped (``!x``,
    ``x === undefined``, ``typeof x !== 'string'``) and the 4xx answer is a statement of the
    consequence itself, not one nested deeper (``if (x) { … if (taken) throw 422 }`` does not
    turn a missing ``x`` away)."""
    if strict and not _negative(node):
        return False
    test = node
    while test.parent is not None and (
            test.parent.type in _WRAPPERS or test.parent.type == "unary_expression"
            or (test.parent.type == "binary_expression"
                and text(test.parent.child_by_field_name("operator")) in ("||", "&&"))):
        test = test.parent
    statement = test.parent
    if statement is None or statement.type != "if_statement" or \
            statement.child_by_field_name("condition") != test:
        return False
    consequence = statement.child_by_field_name("consequence")
    if consequence is None:
        return False
    if not strict:
        return _fourxx(consequence)
    answer = _answer(consequence)
    return answer == _LEAVES or (answer == _ANSWERS and _at_tail(statement))


#: What a statement does on every path: answers 4xx and leaves the handler (``return res.
#: status(400)…``, ``throw …``), or answers 4xx and goes on (``res.status(422).json(…);``).
_LEAVES, _ANSWERS = "leaves", "answers"


def _fourxx(node: Node) -> bool:
    """The text of ``node`` answers 4xx or makes a 4xx error."""
    return bool(_FOURXX_RE.search(text(node))) or _indexed_answer(node)


def _answer(node: Node | None, depth: int = 0) -> str | None:
    """Return ``_LEAVES`` when a statement answers 4xx (or throws a 4xx error) and leaves the
    handler on every path, ``_ANSWERS`` when it answers on every path but some path goes on
    past it (no ``return``: the code after the ``if`` still runs), else None. A block answers
    with a statement that does, and leaves when that statement or a later ``return``/``throw``
    of the block does; an ``if``/``else`` answers when both branches do
    (``if (legacy) return next(Error[422](…)); else return next(Error[422](…))``)."""
    if node is None or depth > 20:
        return None
    if node.type == "statement_block":
        state = None
        for st in code_children(node):
            found = _answer(st, depth + 1)
            if found == _LEAVES or (state == _ANSWERS and st.type in (
                    "return_statement", "throw_statement")):
                return _LEAVES
            state = state or found
        return state
    if node.type == "else_clause":
        inner = code_children(node)
        return _answer(inner[0], depth + 1) if len(inner) == 1 else None
    if node.type == "if_statement":
        a = _answer(node.child_by_field_name("consequence"), depth + 1)
        b = _answer(node.child_by_field_name("alternative"), depth + 1)
        if a is None or b is None:
            return None
        return _LEAVES if a == b == _LEAVES else _ANSWERS
    if node.type in ("return_statement", "throw_statement"):
        return _LEAVES if _fourxx(node) else None
    if node.type == "expression_statement":
        return _ANSWERS if _fourxx(node) else None
    return None


def _at_tail(statement: Node) -> bool:
    """Return True when nothing of the function runs after ``statement``: it is the last
    statement of its block, up through enclosing ``if``/``else`` blocks, to the function body
    (not in a loop, a ``try`` or a ``switch``)."""
    node = statement
    while node.parent is not None:
        parent = node.parent
        if parent.type == "statement_block":
            children = code_children(parent)
            if not children or children[-1] != node:
                return False
            if parent.parent is not None and parent.parent.type in _FUNCTION_NODES:
                return True
        elif parent.type not in ("if_statement", "else_clause"):
            return False
        node = parent
    return False


def _indexed_answer(node: Node) -> bool:
    """Return True when ``node`` holds an error made by its 4xx status that reaches the client:
    thrown (``throw new createError[404]()``), handed to the handler's ``next``
    (``next(Error[422](…))``) or called on its response object. Any other call on an index
    4xx (``stats[422]('legacy')``) answers nothing."""
    if not _INDEXED_4XX_RE.search(text(node)):
        return False
    func = node.parent
    while func is not None and func.type not in _FUNCTION_NODES:
        func = func.parent
    params = [text(p) for p in parameters(func)] if func is not None else []
    for call in walk(node):
        fn = call.child_by_field_name("function") if call.type == "call_expression" else \
            call.child_by_field_name("constructor") if call.type == "new_expression" else None
        index = fn.child_by_field_name("index") if fn is not None and \
            fn.type == "subscript_expression" else None
        status = text(index) if index is not None and index.type == "number" else ""
        if fn is None or len(status) != 3 or not status.isdigit() or status[0] != "4":
            continue
        if len(params) > 1 and text(fn.child_by_field_name("object")) == params[1]:
            return True  # `res[422](…)`
        up = call
        while up.parent is not None and (up.parent.type in _WRAPPERS or (
                up.parent.type == "new_expression" and up.parent.child_by_field_name(
                    "constructor") == up)):
            up = up.parent
        holder = up.parent
        if holder is not None and holder.type == "throw_statement":
            return True
        caller = holder.parent if holder is not None and holder.type == "arguments" else None
        if caller is not None and caller.type == "call_expression" and len(params) > 2 and \
                text(caller.child_by_field_name("function")) == params[2]:
            return True  # handed to `next`
    return False


def _rejects(test: Node) -> bool:
    """Return True when ``test`` (``Array.isArray(x)``, ``LIST.includes(x)``) is negated and
    an ``if`` turns the request away with 4xx when it fails, joined to the rest of the
    condition by ``||`` only: ``if (!ROLES.includes(role)) return res.status(400)…``. Not under
    ``&&`` (``if (x && !LIST.includes(x))`` lets a missing value through)."""
    node = test
    while node.parent is not None and node.parent.type in _WRAPPERS:
        node = node.parent
    negation = node.parent
    if negation is None or negation.type != "unary_expression" or \
            text(negation.child_by_field_name("operator")) != "!":
        return False
    up = negation
    while up.parent is not None and (
            up.parent.type in _WRAPPERS or (up.parent.type == "binary_expression" and text(
                up.parent.child_by_field_name("operator")) == "||")):
        up = up.parent
    return _turns_away(negation, strict=True) and up.parent is not None and \
        up.parent.type == "if_statement"


def _elements_typed(is_array: Node, value: str) -> bool:
    """Return True when the ``||`` condition that holds ``is_array`` (``Array.isArray(x)``)
    also turns the request away when an element of ``value`` is not of one primitive type:
    ``!x.every((v) => typeof v === 'string')`` or ``x.some((v) => typeof v !== 'string')``."""
    top = is_array
    while top.parent is not None and (
            top.parent.type in _WRAPPERS or top.parent.type == "unary_expression"
            or (top.parent.type == "binary_expression"
                and text(top.parent.child_by_field_name("operator")) == "||")):
        top = top.parent
    for call in walk(top):
        fn = call.child_by_field_name("function") if call.type == "call_expression" else None
        if fn is None or fn.type != "member_expression" or \
                text(fn.child_by_field_name("object")) != value:
            continue
        method = text(fn.child_by_field_name("property"))
        items = code_children(call.child_by_field_name("arguments") or call)
        if method not in ("every", "some") or len(items) != 1 or \
                items[0].type != "arrow_function":
            continue
        first = first_param(items[0])
        test = items[0].child_by_field_name("body")
        while test is not None and test.type in _WRAPPERS and code_children(test):
            test = code_children(test)[0]
        if first is None or first.type != "identifier" or test is None or \
                test.type != "binary_expression":
            continue
        op = text(test.child_by_field_name("operator"))
        sides = [test.child_by_field_name("left"), test.child_by_field_name("right")]
        typeof = [n for n in sides if n is not None and n.type == "unary_expression" and
                  text(n.child_by_field_name("operator")) == "typeof" and
                  text(n.child_by_field_name("argument")) == text(first)]
        kind = [string_value(n) for n in sides if n is not None and n.type == "string"]
        if not typeof or not kind or kind[0] not in _TYPEOF_KINDS:
            continue
        outer = call
        while outer.parent is not None and outer.parent.type in _WRAPPERS:
            outer = outer.parent
        negated = outer.parent is not None and outer.parent.type == "unary_expression" and \
            text(outer.parent.child_by_field_name("operator")) == "!"
        if (method == "every" and op in ("===", "==") and negated) or \
                (method == "some" and op in ("!==", "!=") and not negated):
            return True
    return False


def _negative(node: Node) -> bool:
    """Return True for a test that holds when the value is missing or of the wrong type."""
    while node.type in _WRAPPERS and code_children(node):
        node = code_children(node)[0]
    if node.type == "unary_expression":
        return text(node.child_by_field_name("operator")) == "!"
    if node.type != "binary_expression":
        return False
    op = text(node.child_by_field_name("operator"))
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    sides = {text(left), text(right)}
    if op in ("===", "==") and sides & {"undefined", "null"}:
        return True
    typeof = any(side is not None and side.type == "unary_expression" and
                 text(side.child_by_field_name("operator")) == "typeof"
                 for side in (left, right))
    if typeof:
        return op in ("!==", "!=") or (op in ("===", "==") and "'undefined'" in sides
                                       or '"undefined"' in sides)
    return False


def _checked_later(call: Node, index: _ScopeIndex) -> bool:
    """Return True when the result of ``call`` (``x.trim()``) is stored in a local that an
    ``if`` then tests for presence and turns the request away without."""
    value = call
    while value.parent is not None:
        up = value.parent
        if up.type in _WRAPPERS:
            value = up
        elif up.type == "member_expression" and up.parent is not None and \
                up.parent.type == "call_expression" and \
                text(up.child_by_field_name("property")) in _STRING_RESULT:
            value = up.parent  # `x.trim().toLowerCase()`
        else:
            break
    declared = _declared_as(value)
    if declared is None:
        return False
    holder, name = declared
    return any(at > holder.end_byte for at in index.turned_away().get(text(name), ()))


_GUARD_RE = lazy_pattern(r"""Array\.isArray\(\s*([^()]+?)\s*\)|typeof\s+([\w$.?\[\]'"]+)\s*"""
                       r"""[!=]==?\s*['"](?:string|number|boolean|object)['"]""")


#: How far a use's checks walk up the tree (each use of a value walks up from it, so a
#: condition of a thousand `||` operands would cost a million steps).
_MAX_UPWARD = 64


def _type_guarded(node: Node) -> bool:
    """Return True when a use of ``node`` only runs after a type test of the same value:
    ``Array.isArray(x) ? x.map(…) : []``, ``typeof x === 'string' && x.trim()``."""
    value = text(node)
    child, parent = node, node.parent
    steps = 0
    while parent is not None and parent.type not in _FUNCTION_NODES:
        steps += 1
        if steps > _MAX_UPWARD:
            return False  # nested hundreds deep (a chain of `&&`/`||`): not judged guarded
        guard = None
        if parent.type == "ternary_expression" and \
                parent.child_by_field_name("condition") != child:
            guard = parent.child_by_field_name("condition")
        elif parent.type == "binary_expression" and \
                text(parent.child_by_field_name("operator")) == "&&" and \
                parent.child_by_field_name("right") == child:
            guard = parent.child_by_field_name("left")
        elif parent.type == "if_statement" and parent.child_by_field_name("consequence") == child:
            guard = parent.child_by_field_name("condition")
        if guard is not None and any(value in m.groups() for m in _GUARD_RE.finditer(text(guard))):
            return True
        child, parent = parent, parent.parent
    return False


def _schema_checks(body: Node, name: str) -> bool:
    """Return True when ``body`` hands ``name`` to a schema (``schema.validate(name)``,
    ``Schema.parse(name)``): a Joi/zod/yup check of the whole value."""
    for node in walk(body):
        if node.type != "call_expression":
            continue
        callee = text(node.child_by_field_name("function"))
        args = node.child_by_field_name("arguments")
        if _VALIDATING_CALL_RE.search(callee) and args is not None and \
                any(text(a) == name for a in code_children(args)):
            return True
    return False


def _filters(steps: list[tuple[str, str | int]]) -> bool:
    return any(kind == "pair" and key in _FILTER_KEYS for kind, key in steps)


def _short(node: Node) -> str:
    """``existingItem.quantity``; a long or multi-line expression by its last property."""
    name = text(node)
    if len(name) > 40 or "\n" in name:
        prop = node.child_by_field_name("property") if node.type == "member_expression" else None
        return f"….{text(prop)}" if prop is not None else "a property"
    return name


def _callee_name(fn: Node) -> str:
    """``crypto.pbkdf2`` → ``crypto.pbkdf2()``; a chained callee by its last name
    (``….update()``)."""
    name = text(fn)
    if len(name) > 40 or any(c in name for c in "(\n"):
        prop = fn.child_by_field_name("property") if fn.type == "member_expression" else None
        return f"….{text(prop)}()" if prop is not None else "a function"
    return f"{name}()"


def _parameter(helper: Node, index: int) -> Node | None:
    """Return a function's parameter ``index`` (its pattern, a default kept), or None."""
    params = helper.child_by_field_name("parameters")
    if params is None:
        single = helper.child_by_field_name("parameter")
        named = [single] if single is not None else []
    else:
        named = code_children(params)
    if index < 0 or index >= len(named):
        return None
    param = named[index]
    if param.type in ("required_parameter", "optional_parameter"):
        param = param.child_by_field_name("pattern") or param
    return param


def _member_path(node: Node) -> list[str] | None:
    """``a.b?.c`` → ``['a', 'b', 'c']``; None for anything but identifiers and properties."""
    names: list[str] = []
    while node.type == "member_expression":
        names.insert(0, text(node.child_by_field_name("property")))
        node = node.child_by_field_name("object") or node
    if node.type != "identifier":
        return None
    return [text(node), *names]


def _presence_guarded(node: Node) -> bool:
    """Return True when a use of ``node`` only runs after a test that it is there:
    ``if (x) f(x)``, ``x ? f(x) : d``, ``x && f(x)``, ``!x ? d : f(x)``, ``!x || f(x)``,
    ``typeof x === 'undefined' ? d : f(x)``, or after ``if (!x) return …;`` earlier in a block
    that holds the use."""
    value = text(node)
    child, parent = node, node.parent
    while parent is not None and parent.type not in _FUNCTION_NODES:
        guard, negated = None, False
        if parent.type == "ternary_expression" and \
                parent.child_by_field_name("condition") != child:
            guard = parent.child_by_field_name("condition")
            negated = parent.child_by_field_name("alternative") == child
        elif parent.type == "binary_expression" and \
                text(parent.child_by_field_name("operator")) in ("&&", "||") and \
                parent.child_by_field_name("right") == child:
            guard = parent.child_by_field_name("left")
            negated = text(parent.child_by_field_name("operator")) == "||"
        elif parent.type == "if_statement" and parent.child_by_field_name("consequence") == child:
            guard = parent.child_by_field_name("condition")
        elif parent.type == "if_statement" and child.type == "else_clause":
            guard, negated = parent.child_by_field_name("condition"), True
        if guard is not None and value in (_missing_tests(guard) if negated
                                           else _conjuncts(guard)):
            return True
        if parent.type in ("statement_block", "program"):
            for statement in code_children(parent):
                if statement == child:
                    break
                if statement.type == "if_statement" and _exits(statement) and \
                        value in _missing_tests(statement.child_by_field_name("condition")
                                                or statement):
                    return True
        child, parent = parent, parent.parent
    return False


def _exits(statement: Node) -> bool:
    """``if (…) return …;`` / ``if (…) { …; throw … }`` with no ``else``."""
    if statement.child_by_field_name("alternative") is not None:
        return False
    body = statement.child_by_field_name("consequence")
    if body is not None and body.type == "statement_block":
        inner = code_children(body)
        body = inner[-1] if inner else None
    return body is not None and body.type in ("return_statement", "throw_statement")


def _missing_tests(node: Node) -> set[str]:
    """Return the values ``node`` holds true for when they are missing: ``!x``, ``x == null``,
    ``x === undefined``, ``typeof x === 'undefined'``, joined with ``||``."""
    while node.type in _WRAPPERS and code_children(node):
        node = code_children(node)[0]
    if node.type == "binary_expression" and text(node.child_by_field_name("operator")) == "||":
        return _missing_tests(node.child_by_field_name("left") or node) | \
            _missing_tests(node.child_by_field_name("right") or node)
    if node.type == "unary_expression" and text(node.child_by_field_name("operator")) == "!":
        inner = node.child_by_field_name("argument")
        return {text(inner)} | _list_member(inner) | _array_tested(inner) \
            if inner is not None else set()
    if node.type != "binary_expression" or \
            text(node.child_by_field_name("operator")) not in ("===", "=="):
        return set()
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    for one, other in ((left, right), (right, left)):
        if one is None or other is None:
            continue
        if text(other) in ("undefined", "null") and one.type != "unary_expression":
            return {text(one)}
        if one.type == "unary_expression" and \
                text(one.child_by_field_name("operator")) == "typeof" and \
                string_value(other) == "undefined":
            inner = one.child_by_field_name("argument")
            return {text(inner)} if inner is not None else set()
    return set()


def _awaited(call: Node | None) -> bool:
    """``call`` is the operand of an ``await`` (parentheses and casts aside)."""
    node = call
    while node is not None and node.parent is not None and node.parent.type in (
            "parenthesized_expression", "as_expression", "non_null_expression"):
        node = node.parent
    return node is not None and node.parent is not None and \
        node.parent.type == "await_expression"


def _hash_settles_here(call: Node | None, callee: str, in_helper: bool) -> bool:
    """A hash call whose failure on a wrong type is thrown where it stands: a ``…Sync`` call,
    or a promise call directly awaited. Not ``bcrypt.hash(pw, 10).then(…)`` nor a callback
    form (the rejection or the error escapes the try: the review's crashed process and account
    stored without a hash). In a helper the handler awaits, also crypto.pbkdf2/scrypt called
    in a ``new Promise`` executor: they throw a wrong type synchronously, which rejects the
    awaited promise (bcrypt's callback forms report it later, to the callback)."""
    if call is None or call.type != "call_expression":
        return False
    if callee.endswith("Sync") or _awaited(call):
        return True
    if not in_helper or callee.rsplit(".", 1)[-1] not in ("pbkdf2", "scrypt"):
        return False
    statement = call.parent
    executor = statement.parent.parent if statement is not None and \
        statement.type == "expression_statement" and statement.parent is not None and \
        statement.parent.type == "statement_block" else None
    args = executor.parent if executor is not None and executor.type in (
        "arrow_function", "function_expression") else None
    new = args.parent if args is not None and args.type == "arguments" else None
    return args is not None and new is not None and new.type == "new_expression" and \
        text(new.child_by_field_name("constructor")) == "Promise" and \
        code_children(args)[0] == executor


def _caught(node: Node) -> bool:
    """Return True when a throw at ``node`` lands in a ``try`` of the same function whose
    ``catch`` answers the request (``res.status(…)``, ``req.flash(…); res.redirect(…)``,
    ``next(err)``): the handler deals with it, no harm is left."""
    child, parent = node, node.parent
    while parent is not None and parent.type not in _FUNCTION_NODES:
        if parent.type == "try_statement" and parent.child_by_field_name("body") == child:
            handler = parent.child_by_field_name("handler")
            if handler is not None and _ANSWERS_RE.search(text(handler)):
                return True
        child, parent = parent, parent.parent
    return False


def _is_log_call(fn: Node | None) -> bool:
    """``console.log``, ``logger.debug``, ``this.logger.info``, ``req.log.warn``…"""
    if fn is None or fn.type != "member_expression" or \
            text(fn.child_by_field_name("property")) not in _LOG_LEVELS:
        return False
    obj = fn.child_by_field_name("object")
    if obj is None or obj.type not in ("identifier", "member_expression", "this"):
        return False
    return bool(_LOGGER_RE.search(text(obj).rsplit(".", 1)[-1]))


def _declared_as(value: Node) -> tuple[Node, Node] | None:
    """Return (the declarator, its name) when ``value`` is the value a ``const x = …``
    declares under a plain name, else None."""
    holder = value.parent
    if holder is None or holder.type != "variable_declarator" or \
            holder.child_by_field_name("value") != value:
        return None
    name = holder.child_by_field_name("name")
    if name is None or name.type != "identifier":
        return None
    return holder, name


def _inert_destination(node: Node) -> bool:
    """Return True when the value ``node`` only goes, as it is or made into a string (``+``,
    a template), into a log call or a total function (``encodeURIComponent``, ``String``,
    ``JSON.stringify``): no value can make that go wrong."""
    value = node
    steps = 0
    while value.parent is not None and (
            value.parent.type in _WRAPPERS or value.parent.type == "template_substitution"
            or value.parent.type == "template_string"
            or (value.parent.type == "binary_expression"
                and text(value.parent.child_by_field_name("operator")) == "+")):
        value = value.parent
        steps += 1
        if steps > _MAX_UPWARD:
            return False  # a concatenation of hundreds of parts: not judged inert
    if _render_local(value):
        return True
    args = value.parent
    if args is None or args.type != "arguments" or args.parent is None or \
            args.parent.type != "call_expression":
        return False
    fn = args.parent.child_by_field_name("function")
    if _is_log_call(fn):
        return True
    if value is node and fn is not None and fn.type == "identifier" and text(fn) == "In" \
            and len(code_children(args)) == 1:
        return _binds_typeorm_in(args)
    return value is node and fn is not None and text(fn) in _TOTAL_CALLS


#: ``import { In } from 'typeorm'`` / ``const { In } = require('typeorm')`` (not renamed).
_TYPEORM_IN_RE = lazy_pattern(
    r"""(?:import\s*(?:type\s+)?\{[^}]*(?<![\w$])In\b(?!\s+as\b)[^}]*\}\s*from\s*|"""
    r"""\{[^}]*(?<![\w$])In\b(?!\s*:)[^}]*\}\s*=\s*require\(\s*)['"]typeorm['"]""")


def _binds_typeorm_in(node: Node) -> bool:
    """Return True when the file of ``node`` takes ``In`` from typeorm. ``In(x)`` never widens a
    lookup: a value that is not iterable (null, undefined, a number, a plain object) throws when
    the query is built, and the items of an array or string are bound parameters (an object item
    is refused by the driver or matches nothing), so a request value there is data, whatever its
    type. Checked on TypeORM 0.3."""
    root = node
    while root.parent is not None:
        root = root.parent
    return bool(_TYPEORM_IN_RE.search(text(root)))


def _stringy(node: Node) -> bool:
    """Return True when ``node`` is a string whatever its parts: a string literal, a template,
    or a ``+`` with such an operand (``'a' + b``)."""
    pending = [node]
    seen = 0
    while pending and seen < _MAX_UPWARD:  # `a + b + … + 'x'` is nested: read a bounded part
        current = unwrap(pending.pop(), CASTS_AND_AWAIT)
        seen += 1
        if current.type in ("string", "template_string"):
            return True
        if current.type == "binary_expression" and \
                text(current.child_by_field_name("operator")) == "+":
            pending.extend(side for side in (current.child_by_field_name("right"),
                                             current.child_by_field_name("left"))
                           if side is not None)
    return False


def _render_local(value: Node) -> bool:
    """Return True when ``value`` is the value of one property of the locals a view is rendered
    with (``res.render('form', { values: req.body })``): the template gets it as data to show,
    which its escaping (not a type check) makes safe. The locals object itself is not: a view
    engine reads options from it (``res.render(view, req.body)``)."""
    pair = value.parent
    if pair is None or pair.type != "pair" or pair.child_by_field_name("value") != value:
        return False
    obj = pair.parent
    args = obj.parent if obj is not None and obj.type == "object" else None
    if args is None or args.type != "arguments" or args.parent is None:
        return False
    fn = args.parent.child_by_field_name("function")
    rest = code_children(args)
    return fn is not None and fn.type == "member_expression" and \
        text(fn.child_by_field_name("property")) == "render" and len(rest) > 1 and rest[1] == obj


def _listed_keys(index: Node | None, body: Node) -> list[str] | None:
    """Return the names a key runs over when it is the variable of a loop over a fixed list
    of strings: ``for (const f of FIELDS)`` or ``FIELDS.forEach((f) => …)``, with ``FIELDS``
    an array of string literals (inline, or a ``const`` of the handler or its module that
    nothing changes)."""
    if index is None or index.type != "identifier":
        return None
    name = text(index)
    node: Node | None = index.parent
    items: Node | None = None
    while node is not None and items is None:
        if node.type == "for_in_statement" and \
                text(node.child_by_field_name("left")) == name and \
                text(node.child_by_field_name("operator")) == "of":
            items = node.child_by_field_name("right")
        elif node.type in ("arrow_function", "function_expression"):
            params = parameters(node)
            call = node.parent.parent if node.parent is not None and \
                node.parent.type == "arguments" else None
            fn = call.child_by_field_name("function") if call is not None else None
            if params and params[0].type == "identifier" and text(params[0]) == name and \
                    fn is not None and fn.type == "member_expression" and \
                    text(fn.child_by_field_name("property")) == "forEach" and \
                    node.parent is not None and code_children(node.parent)[0] == node:
                items = fn.child_by_field_name("object")
            else:
                return None  # the key is bound outside this function
        if node is body:
            break
        node = node.parent
    items = unwrap(items)
    if items is not None and items.type == "identifier":
        items = _const_list(items, body)
    if items is None or items.type != "array":
        return None
    keys = [string_value(item) for item in code_children(items)]
    found = [k for k in keys if k is not None]
    return found if found and len(found) == len(keys) else None


#: (file's root node, its end) -> the names the file uses other than to read them; one walk
#: of the file, not one per list or per use.
_CHANGED_LISTS: dict[tuple[int, int], frozenset[str]] = {}
#: Array methods that read the list and hand no reference to it on (a callback given the
#: array itself as its third parameter is judged apart).
_READING_METHODS = frozenset({
    "forEach", "includes", "indexOf", "lastIndexOf", "some", "every", "map", "filter", "find",
    "findIndex", "findLast", "findLastIndex", "join", "slice", "concat", "reduce", "reduceRight",
    "flatMap", "at", "entries", "keys", "values", "toString"})


def _read_only_use(node: Node) -> bool:
    """Return True when this use of a list's name only reads it: its declaration (not an
    exported one), the list of a ``for...of``, ``.length`` read, or a call of a reading method
    whose callback is not given the array (``FIELDS.forEach((f) => …)``)."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "variable_declarator" and parent.child_by_field_name("name") == node:
        statement = parent.parent
        return statement is None or statement.parent is None or \
            statement.parent.type != "export_statement"
    if parent.type == "for_in_statement" and parent.child_by_field_name("right") == node:
        return True
    if parent.type != "member_expression" or parent.child_by_field_name("object") != node:
        return False
    prop = text(parent.child_by_field_name("property"))
    outer = parent.parent
    if prop == "length":
        return outer is None or not (
            outer.type in ("assignment_expression", "augmented_assignment_expression")
            and outer.child_by_field_name("left") == parent) and outer.type != "update_expression"
    if prop not in _READING_METHODS or outer is None or outer.type != "call_expression" or \
            outer.child_by_field_name("function") != parent:
        return False
    args = code_children(outer.child_by_field_name("arguments") or outer)
    callback = unwrap(args[0]) if args else None
    limit = 4 if prop.startswith("reduce") else 3
    return callback is None or callback.type not in FUNCTION_TYPES or \
        len(parameters(callback)) < limit


def list_may_change(root: Node, local: str) -> bool:
    """Return True when code of the file (``root``) may change the list bound to ``local``:
    any use but a read (a method that changes it, an item or ``length`` written), and any other
    binding to it (``const alias = FIELDS``, an argument, a property, an export), through which
    the list may be changed where the rule does not look."""
    key = (root.id, root.end_byte)
    if key not in _CHANGED_LISTS:
        if len(_CHANGED_LISTS) > 256:
            _CHANGED_LISTS.clear()
        _CHANGED_LISTS[key] = frozenset(
            text(node) for node in walk(root)
            if node.type in ("identifier", "shorthand_property_identifier")
            and not _read_only_use(node))
    return local in _CHANGED_LISTS[key]


def _const_list(name: Node, body: Node) -> Node | None:
    """Return the array a ``const`` of an enclosing block or the module binds ``name`` to
    (``_const_value``: not one a function's parameter of that name hides), when nothing of
    the file may change it (``list_may_change``)."""
    root = body
    while root.parent is not None:
        root = root.parent
    if list_may_change(root, text(name)):
        return None
    found = _const_value(name)
    return unwrap(found) if found is not None else None


#: Operators whose result is a number (or a BigInt), whatever their operands.
_NUMBER_RESULT_OPS = frozenset({"-", "*", "/", "%", "**", "|", "&", "^", "<<", ">>", ">>>"})


def _number_valued(node: Node, depth: int = 0) -> bool:
    """Return True when ``node`` can only be a number (NaN included): a number literal, ``-x``,
    ``+x``, ``a * b`` (and the other arithmetic and bitwise operators), ``parseInt(…)``,
    ``Number(…)``, ``Math.min(…)``, ``.length``, a ternary of two such, or a ``const`` of an
    enclosing block or the module bound to one (``const MAX_LIMIT = 120``). ``<`` between a
    string and such a value compares numbers, never text."""
    node = unwrap(node, CASTS_AND_AWAIT)
    if node.type == "number":
        return True
    if node.type == "unary_expression":
        return text(node.child_by_field_name("operator")) in ("-", "+", "~")
    if node.type == "binary_expression":
        return text(node.child_by_field_name("operator")) in _NUMBER_RESULT_OPS
    if node.type == "call_expression":
        callee = text(node.child_by_field_name("function"))
        return callee in _INT_CALLS or callee in _NUMBER_CALLS
    if node.type == "member_expression":
        return text(node.child_by_field_name("property")) == "length"
    if node.type == "ternary_expression" and depth < 4:
        return all(side is not None and _number_valued(side, depth + 1) for side in (
            node.child_by_field_name("consequence"), node.child_by_field_name("alternative")))
    if node.type == "identifier" and depth < 4:
        value = _const_value(node)
        return value is not None and _number_valued(value, depth + 1)
    return False


#: Tests that tell NaN apart: a handler that makes one deals with a value that is no number.
_NAN_TESTS = frozenset({"isNaN", "Number.isNaN", "isFinite", "Number.isFinite",
                        "Number.isInteger", "Number.isSafeInteger"})
#: Comparisons that are false for NaN whatever the other side: what they guard never sees it.
_NAN_FALSE_OPS = frozenset({"<", ">", "<=", ">=", "==", "==="})
_COMPARISONS = _NAN_FALSE_OPS | {"!=", "!=="}


def _nan_handled(converted: Node, index: _ScopeIndex) -> bool:
    """Return True when a number converted from a request value (``converted``:
    ``parseInt(x)``, ``Number(x)``) can be NaN without harm: it is only compared (``Number(x)
    > 5``: false for NaN), or it is a local (``const page = parseInt(x)``) whose every read is
    a comparison, a ``|| fallback``, an explicit NaN test (``isNaN(page)``, then the handler
    deals with it) or lies where a comparison that NaN fails holds (``if (page > 0) { offset
    = (page - 1) * n }``, ``page > 0 ? page : 1``): the code falls through to its default."""
    if _nan_safe_read(converted):
        return True
    given = code_children(converted.child_by_field_name("arguments") or converted)[:1]
    if given and _nan_guarded(converted, text(given[0]), raw=True):
        return True  # `if (x && x <= MAX) limit = parseInt(x, 10)`: x is a number there
    declared = _declared_as(converted)
    if declared is None:
        return False
    local = text(declared[1])
    reads = [use for use in index.names.get(local, ()) if use != declared[1]]
    if any(_nan_test(use) for use in reads):
        return True
    for use in reads:
        if use.type != "identifier":
            return False  # `{ page }`: handed on as it is
        holder = use.parent
        if holder is not None and holder.type in ("assignment_expression",
                                                   "augmented_assignment_expression") and \
                holder.child_by_field_name("left") == use:
            continue  # a new value, whose reads are judged here too
        if not (_nan_safe_read(use) or _nan_guarded(use, local)):
            return False
    return bool(reads)


def _nan_safe_read(value: Node) -> bool:
    """``value`` is an operand of a comparison, or the left of ``||``, which NaN takes."""
    outer = value
    while outer.parent is not None and outer.parent.type in _WRAPPERS:
        outer = outer.parent
    holder = outer.parent
    if holder is None or holder.type != "binary_expression":
        return False
    op = text(holder.child_by_field_name("operator"))
    return op in _COMPARISONS or (op == "||" and holder.child_by_field_name("left") == outer)


def _nan_test(value: Node) -> bool:
    """``value`` is the argument of ``isNaN(…)``, ``Number.isFinite(…)`` or the like."""
    args = value.parent
    if args is None or args.type != "arguments" or args.parent is None:
        return False
    return code_children(args) == [value] and \
        text(args.parent.child_by_field_name("function")) in _NAN_TESTS


def _nan_guarded(use: Node, local: str, raw: bool = False) -> bool:
    """``use`` only runs where a test of ``local`` that NaN fails has passed: the consequence
    of ``if (page > 0)``, of ``page >= 1 ? … : …``, the right of ``page > 0 && …``. ``raw``:
    ``local`` is the request value itself, a string: only a comparison with a number converts
    it (``req.query.limit <= MAX_LIMIT``)."""
    node = use
    steps = 0
    while node.parent is not None and steps <= _MAX_UPWARD:
        holder = node.parent
        if holder.type in FUNCTION_TYPES:
            return False  # a callback may run later, with any value
        if holder.type in ("if_statement", "ternary_expression") and \
                holder.child_by_field_name("consequence") == node and \
                _nan_fails(holder.child_by_field_name("condition"), local, raw):
            return True
        if holder.type == "binary_expression" and holder.child_by_field_name("right") == node \
                and text(holder.child_by_field_name("operator")) == "&&" and \
                _nan_fails(holder.child_by_field_name("left"), local, raw):
            return True
        node = holder
        steps += 1
    return False


def _nan_fails(test: Node | None, local: str, raw: bool = False, depth: int = 0) -> bool:
    """``test`` is false when ``local`` is NaN: ``local > 0``, ``local === 1``, ``a && local <
    9``, ``!isNaN(local)``, ``Number.isInteger(local)`` (``raw``: see ``_nan_guarded``)."""
    if test is None or depth > 8:
        return False
    test = unwrap(test, CASTS_AND_AWAIT)
    if test.type == "binary_expression":
        op = text(test.child_by_field_name("operator"))
        left, right = test.child_by_field_name("left"), test.child_by_field_name("right")
        if op == "&&":
            return _nan_fails(left, local, raw, depth + 1) or \
                _nan_fails(right, local, raw, depth + 1)
        if left is None or right is None or op not in _NAN_FALSE_OPS:
            return False
        if raw:
            return op in ("<", ">", "<=", ">=") and any(
                text(unwrap(side, CASTS_AND_AWAIT)) == local and _number_valued(other)
                for side, other in ((left, right), (right, left)))
        return any(unwrap(side, CASTS_AND_AWAIT).type == "identifier" and text(side) == local
                   for side in (left, right))
    if raw:
        return False
    if test.type == "unary_expression" and text(test.child_by_field_name("operator")) == "!":
        inner = unwrap(test.child_by_field_name("argument"), CASTS_AND_AWAIT)
        return inner is not None and inner.type == "call_expression" and \
            text(inner.child_by_field_name("function")) in ("isNaN", "Number.isNaN") and \
            text(inner.child_by_field_name("arguments")) == f"({local})"
    if test.type == "call_expression":
        return text(test.child_by_field_name("function")) in _NAN_TESTS - {
            "isNaN", "Number.isNaN"} and text(test.child_by_field_name("arguments")) == f"({local})"
    return False


def _const_value(name: Node) -> Node | None:
    """Return the value a ``const`` of an enclosing block or the module binds ``name`` to
    before it, or None (also when a function between them takes a parameter of that name)."""
    local = text(name)
    node: Node | None = name.parent
    while node is not None:
        if node.type in FUNCTION_TYPES and any(
                local in {text(n) for n in walk(param) if n.type == "identifier"}
                for param in parameters(node)):
            return None  # `(limit) => x < limit`: the parameter, not an outer const
        if node.type in ("statement_block", "program"):
            found = None
            for start, value in _const_bindings(node).get(local, ()):
                if start >= name.start_byte:
                    break
                found = value
            if found is not None:
                return found
        node = node.parent
    return None


#: (block's id, its start and end) -> the ``const`` bindings of its own statements: name ->
#: [(statement start, value)], in order; built once per block, not per use.
_CONST_BINDINGS: dict[tuple[int, int, int], dict[str, list[tuple[int, Node]]]] = {}


def _const_bindings(block: Node) -> dict[str, list[tuple[int, Node]]]:
    key = (block.id, block.start_byte, block.end_byte)
    if key not in _CONST_BINDINGS:
        if len(_CONST_BINDINGS) > 4096:
            _CONST_BINDINGS.clear()
        bindings: dict[str, list[tuple[int, Node]]] = {}
        for statement in code_children(block):
            start = statement.start_byte
            if statement.type == "export_statement":
                statement = statement.child_by_field_name("declaration") or statement
            if statement.type != "lexical_declaration" or not statement.children or \
                    statement.children[0].type != "const":
                continue
            for decl in code_children(statement):
                target = decl.child_by_field_name("name")
                value = decl.child_by_field_name("value")
                if decl.type == "variable_declarator" and target is not None and \
                        target.type == "identifier" and value is not None:
                    bindings.setdefault(text(target), []).append((start, value))
        _CONST_BINDINGS[key] = bindings
    return _CONST_BINDINGS[key]


def _update_document(target: Node, index: _ScopeIndex) -> bool:
    """Return True when ``target`` (``update[f]``, ``update.name``) is a property of a local
    declared as an object literal whose every other use sets a property of it or hands it as
    the update document of a MongoDB write (``findByIdAndUpdate(id, update)``, the second
    argument), or to a logger: the value is stored, as in ``updateOne(filter, { name })``."""
    root = target
    while root.type in ("member_expression", "subscript_expression"):
        root = root.child_by_field_name("object") or root
        if root is target:
            return False
    if root.type != "identifier":
        return False
    name = text(root)
    declared = unwrap(index.declared.get(name))
    if declared is None or declared.type != "object":
        return False
    written = False
    for use in index.names.get(name, ()):
        parent = use.parent
        if parent is None:
            return False
        if parent.type == "variable_declarator" and parent.child_by_field_name("name") == use:
            continue
        if parent.type in ("member_expression", "subscript_expression") and \
                parent.child_by_field_name("object") == use and parent.parent is not None and \
                parent.parent.type == "assignment_expression" and \
                parent.parent.child_by_field_name("left") == parent:
            continue
        if parent.type == "arguments":
            call = parent.parent
            fn = call.child_by_field_name("function") if call is not None else None
            args = code_children(parent)
            if fn is not None and fn.type == "member_expression" and \
                    text(fn.child_by_field_name("property")) in _UPDATE_DOCUMENT and \
                    len(args) > 1 and args[1] == use:
                written = True
                continue
            if _inert_destination(use):
                continue
        return False
    return written


#: MongoDB writes whose second argument is the update document.
_UPDATE_DOCUMENT = frozenset({"findByIdAndUpdate", "findOneAndUpdate", "updateOne",
                              "updateMany"})


def _saved_root(target: Node, names: dict[str, list[Node]]) -> bool:
    """Return True when ``target`` (``user.cartItems``, ``doc.title``) is a property of a
    local whose ``.save()`` the scope calls (``names``: the scope's identifiers, from its
    index): the value is stored in that document."""
    root = target
    while root.type in ("member_expression", "subscript_expression"):
        root = root.child_by_field_name("object") or root
        if root is target:
            return False
    if root.type != "identifier" or root is target:
        return False
    for node in names.get(text(root), ()):
        member = node.parent
        if member is not None and member.type == "member_expression" and \
                member.child_by_field_name("object") == node and \
                text(member.child_by_field_name("property")) == "save" and \
                member.parent is not None and member.parent.type == "call_expression" and \
                member.parent.child_by_field_name("function") == member:
            return True
    return False


def _conjuncts(node: Node) -> set[str]:
    while node.type in _WRAPPERS and code_children(node):
        node = code_children(node)[0]
    if node.type == "binary_expression" and text(node.child_by_field_name("operator")) == "&&":
        return _conjuncts(node.child_by_field_name("left") or node) | \
            _conjuncts(node.child_by_field_name("right") or node)
    return {text(node)} | _list_member(node)


def _list_member(node: Node) -> set[str]:
    """Return ``{v}`` for ``list.includes(v)`` / ``set.has(v)``: where it holds, ``v`` is a
    value of the list (so it is there); a string literal's ``includes`` tests a substring."""
    while node.type in _WRAPPERS and code_children(node):
        node = code_children(node)[0]
    fn = node.child_by_field_name("function") if node.type == "call_expression" else None
    args = node.child_by_field_name("arguments") if fn is not None else None
    items = code_children(args) if args is not None else []
    if fn is None or fn.type != "member_expression" or len(items) != 1 or \
            text(fn.child_by_field_name("property")) not in ("includes", "has") or \
            getattr(fn.child_by_field_name("object"), "type", "string") in (
                "string", "template_string"):
        return set()
    return {text(items[0])}


def _array_tested(node: Node) -> set[str]:
    """Return ``{v}`` for ``Array.isArray(v)``: where it holds, ``v`` is there (an array)."""
    while node.type in _WRAPPERS and code_children(node):
        node = code_children(node)[0]
    fn = node.child_by_field_name("function") if node.type == "call_expression" else None
    items = code_children(node.child_by_field_name("arguments") or node) \
        if fn is not None else []
    return {text(items[0])} if text(fn) == "Array.isArray" and len(items) == 1 else set()


def first_param(func: Node) -> Node | None:
    """Return a function's first parameter (its pattern, without a type annotation)."""
    params = parameters(func)
    return params[0] if params else None


def _request_parts(pattern: Node) -> list[tuple[str, str, Node | None]]:
    """Return (local, part, nested pattern) for ``{ body, query: q, params: { id } }``, a
    destructured request."""
    found: list[tuple[str, str, Node | None]] = []
    for prop in code_children(pattern):
        if prop.type == "shorthand_property_identifier_pattern" and text(prop) in PARTS:
            found.append((text(prop), text(prop), None))
        elif prop.type == "pair_pattern":
            key = text(prop.child_by_field_name("key"))
            value = prop.child_by_field_name("value")
            if key not in PARTS or value is None:
                continue
            if value.type == "identifier":
                found.append((text(value), key, None))
            elif value.type == "object_pattern":
                found.append(("", key, value))
    return found


class _Analysis:
    def __init__(self, reads: Reads, resolve: Resolver | None, mysql: bool = False,
                 project: ProjectCallee | None = None) -> None:
        self.reads = reads
        self.resolve = resolve
        self.project = project  # callee -> is it a function of the project's own modules?
        self.mysql = mysql  # mysql/mysqljs expands an object bound to `?` into `key = value` SQL
        # (field, stand-in): a converted value followed into a helper on a stand-in field,
        # whose uses make the field live once every local is followed
        self.converted: list[tuple[Field, Field]] = []
        self.resolver_for: Callable[[Node], Resolver | None] | None = None
        self.layers: DataLayers | None = None  # what data layer a call's receiver is
        # field, name, decl, scope, depth, quiet (its uses are guarded by a type test),
        # defaulted (the local holds the value or a default: `const t = req.body.t || ''`)
        self.locals: list[tuple[Field, str, Node, Node, int, bool, bool, bool]] = []
        self.caught = 0  # > 0 while following a helper the handler calls in a try that answers
        self.quiet = 0  # > 0 while recording uses a type test guards
        self.defaulted = 0  # > 0 while recording uses of a value with a default
        self._indexes: dict[int, _ScopeIndex] = {}
        #: body id -> (start, name) of its top-level `if (typeof name !== 'string') return …`
        self.primitive_tests: dict[int, list[tuple[int, str]]] = {}
        #: (part, field) the handler replaced in place by what a package function made of it
        #: before handing the whole part to the helper being followed (``_cleaned_fields``)
        self.cleaned: set[tuple[str, str]] = set()
        self.cleanings: dict[int, list[tuple[int, str, str]]] = {}  # see ``_cleaned_fields``

    def local(self, found: Field, name: str, decl: Node, scope: Node, depth: int) -> None:
        self.locals.append((found, name, decl, scope, depth, self.quiet > 0,
                            self.defaulted > 0, self.caught > 0))

    def live(self, found: Field, harm: str) -> None:
        """Record that a use needs a checked value, and ``harm``, what it does with it (unless
        a type test guards it)."""
        if not self.quiet:
            found.live = True
            found.harms.setdefault(harm, None)

    # -- binding ---------------------------------------------------------------------------
    def bind_pattern(self, pattern: Node, parent: Field | None, part: str, decl: Node,
                     scope: Node, depth: int) -> None:
        """Bind the names of a destructuring pattern to fields (``parent``'s children, or the
        part's fields when ``parent`` is None)."""
        if pattern.type != "object_pattern":
            if parent is not None:
                parent.unsure = parent.unsure or "is destructured as an array, so its type " \
                    "is unknown"
            else:
                self.reads.whole.append(part)
            return
        for prop in code_children(pattern):
            if prop.type == "rest_pattern":
                if parent is None:
                    self.reads.whole.append(part)
                else:
                    parent.kinds.add("raw")
                continue
            default = False
            value: Node | None
            key: str | None
            if prop.type == "shorthand_property_identifier_pattern":
                key, value = text(prop), prop
            elif prop.type == "object_assignment_pattern":
                value = prop.child_by_field_name("left")
                key, default = text(value), True
            elif prop.type == "pair_pattern":
                key_node = prop.child_by_field_name("key")
                value = prop.child_by_field_name("value")
                if key_node is None or value is None:
                    continue
                key = string_value(key_node) if key_node.type == "string" else text(key_node)
                if key is None or key_node.type == "computed_property_name":
                    if parent is None:
                        self.reads.whole.append(part)
                    else:
                        parent.unsure = parent.unsure or "is read with a computed key"
                    continue
                if value.type in ("assignment_pattern", "object_assignment_pattern"):
                    default = True
                    value = value.child_by_field_name("left") or value
            else:
                continue
            if value is None or not key:
                continue
            found = self.reads.child(parent, key) if parent is not None else \
                self.reads.add(part, key)
            if parent is not None:
                parent.throws = parent.throws or parent.fallback is None
            if default:
                found.allow("undefined")
            if value.type in ("identifier", "shorthand_property_identifier_pattern"):
                self.defaulted += default
                self.local(found, text(value), decl, scope, depth)
                self.defaulted -= default
            elif value.type == "object_pattern":
                found.throws = found.throws or not default
                self.bind_pattern(value, found, part, decl, scope, depth)
            else:
                found.unsure = found.unsure or "is destructured as an array, so its type is unknown"

    def follow_locals(self) -> None:
        """Uses of a local that holds a field are uses of the field; recording one may find
        another local (``const name = user || ''``)."""
        seen: set[tuple[str, str, str, int]] = set()
        position = 0
        while position < len(self.locals):
            found, local, decl, scope, depth, quiet, defaulted, caught = self.locals[position]
            position += 1
            key = (found.part, found.name, local, decl.start_byte)
            if key in seen:
                continue
            seen.add(key)
            self.quiet += quiet
            self.defaulted += defaulted
            self.caught += caught
            uses = self.index(scope).names.get(local, ())
            narrowed = _narrowed(uses)
            for node in uses:
                if any(start <= node.start_byte < end and not any(
                        start <= b < node.start_byte for b in bound) for start, end, bound in
                       narrowed):
                    continue  # past `x = x.toLowerCase()`: a string made from the value
                if not (decl.start_byte <= node.start_byte < decl.end_byte):
                    if node.type == "shorthand_property_identifier":
                        found.kinds.add("raw")  # `{ email }` passes it on as it is
                        self._passed(found, node, scope, depth)
                        continue
                    self.record(found, node, scope, depth)
            self.quiet -= quiet
            self.defaulted -= defaulted
            self.caught -= caught

    # -- uses ------------------------------------------------------------------------------
    def record(self, found: Field, node: Node, scope: Node, depth: int) -> None:
        """Record one use of a field's value ``node``."""
        while node.parent is not None and node.parent.type in _WRAPPERS:
            node = node.parent
        guarded = _type_guarded(node)
        self.quiet += guarded
        try:
            self._record(found, node, scope, depth)
        finally:
            self.quiet -= guarded

    def _record(self, found: Field, node: Node, scope: Node, depth: int) -> None:
        parent = node.parent
        if parent is not None and _inert_destination(node):
            return  # logged, or made into a string by a function that takes any value
        if parent is None:
            found.kinds.add("raw")
            self.live(found, _OTHER)
            return
        position = self._position(node, scope, found)
        if position is not None:
            found.kinds.add("raw")
            if position not in _QUIET_POSITIONS:
                self.live(found, _POSITION_HARM[position])
            return
        ptype = parent.type
        if ptype == "template_substitution" and parent.parent is not None and \
                parent.parent.type == "template_string":
            tag = parent.parent.parent
            if tag is not None and tag.type == "call_expression" and \
                    tag.child_by_field_name("arguments") == parent.parent:
                # A tagged template gives the tag each value apart: ``sql`… ${x}` `` binds it.
                tag_text = text(tag.child_by_field_name("function"))
                if len(tag_text) <= 300 and _BINDING_TAG_RE.fullmatch(tag_text):
                    found.kinds.add("raw")
                    self.live(found, _OTHER)
                    return
            self._stringified(found, parent.parent)  # `${x}`: made part of a string
            return
        if ptype == "subscript_expression" and parent.child_by_field_name("index") == node:
            found.kinds.add("raw")
            if _written_through(parent):
                self.live(found, _WRITTEN_KEY)  # `settings[x][y] = v`, `delete cache[x]`
            return  # `cache[x]`: a key; another type is another key, which just does not match
        if ptype == "member_expression" and parent.child_by_field_name("object") == node:
            self._member(found, node, parent, scope, depth)
            return
        if ptype == "subscript_expression" and parent.child_by_field_name("object") == node:
            index = string_value(parent.child_by_field_name("index"))
            if index is None:
                found.unsure = found.unsure or "is indexed, so its type is unknown"
                self.live(found, _OTHER)
                return
            self._guard(found, parent, "?." in text(parent)[len(text(node)):][:3])
            self.record(self.reads.child(found, index), parent, scope, depth)
            return
        if ptype == "unary_expression":
            op = text(parent.child_by_field_name("operator"))
            if op == "typeof":
                compared = parent.parent
                other = None
                if compared is not None and compared.type == "binary_expression":
                    left = compared.child_by_field_name("left")
                    other = compared.child_by_field_name("right" if left == parent else "left")
                tested = string_value(other) if other is not None else None
                if compared is not None and tested == "undefined":
                    self._condition(found, compared)  # `typeof x === 'undefined'`: presence
                elif compared is not None and tested in _TYPEOF_KINDS and \
                        _turns_away(compared, strict=True):
                    # `if (typeof x !== 'string') return res.status(400)…`: the handler checks it
                    found.checked = found.turned_away = True
                    found.kinds.add(_TYPEOF_KINDS[tested])
                else:
                    found.unsure = found.unsure or "is checked with typeof, so its type is unknown"
            elif op == "!":
                self._condition(found, parent)
            elif op in ("+", "-"):
                found.kinds.add("number")
                self.live(found, _NUMERIC)  # `+x` is Number(x)
            else:
                found.kinds.add("raw")
                self.live(found, _OTHER)
            return
        if ptype == "binary_expression":
            self._binary(found, node, parent, scope, depth)
            return
        if ptype in ("if_statement", "while_statement", "do_statement") or (
                ptype == "ternary_expression" and parent.child_by_field_name("condition") == node):
            self._condition(found, node)
            return
        if ptype == "arguments" and parent.parent is not None:
            self._argument(found, node, parent, scope, depth)
            return
        if ptype == "for_in_statement" and parent.child_by_field_name("right") == node:
            if text(parent.child_by_field_name("operator")) == "of":
                found.kinds.add("array")
                found.throws = found.throws or found.fallback is None
            else:
                found.unsure = found.unsure or "is iterated with for…in, so its type is unknown"
            self._throws_when_missing(found, node, _ITERATED)
            return
        if ptype in ("assignment_expression", "augmented_assignment_expression") and \
                parent.child_by_field_name("left") == node:
            return  # a write, not a read
        if ptype == "switch_statement" and parent.child_by_field_name("value") == node:
            self._switch(found, parent)
            return
        if ptype == "spread_element":
            if parent.parent is not None and parent.parent.type == "object" and \
                    self._object_flow(found, node, scope, depth) is None:
                return  # `{ ...req.body.user }` handed to a helper that is followed
            found.unsure = found.unsure or "is spread, so its type is unknown"
            self.live(found, _OTHER)
            return
        if self._follow(found, node, scope, depth):
            return
        found.kinds.add("raw")
        harm: str | None = _OTHER
        if ptype == "pair" and parent.child_by_field_name("value") == node:
            harm = self._object_flow(found, node, scope, depth)
        if harm is not None:
            self.live(found, harm)

    def _passed(self, found: Field, node: Node, scope: Node, depth: int) -> None:
        """A value put into an object as it is (``{ email }``): a bound parameter, an ORM key
        or stored value, or an object handed on, followed to where it goes."""
        position = self._position(node, scope, found)
        if position is not None:
            if position not in _QUIET_POSITIONS:
                self.live(found, _POSITION_HARM[position])
            return
        harm = self._object_flow(found, node, scope, depth)
        if harm is not None:
            self.live(found, harm)

    def _object_flow(self, found: Field, node: Node, scope: Node, depth: int) -> str | None:
        """Follow an object literal that holds the value ``node`` (as a property or spread)
        to where it goes; return what it reaches that may do harm with an unchecked value (or
        that this analysis does not follow), None when nothing.

        Not harmful: an answer (``res.json({ … })``), a helper of the project that is followed
        (its uses of that property are the field's uses), a function of the project's own
        modules that cannot be followed (no sink was seen, so none is claimed)."""
        path: list[str] = []  # keys from the outer object down to the value
        value = node
        while True:
            parent = value.parent
            if parent is None:
                return _OTHER
            if parent.type in _WRAPPERS:
                value = parent
            elif value.type == "shorthand_property_identifier" and parent.type == "object":
                path.insert(0, text(value))
                value = parent
            elif parent.type == "pair" and parent.child_by_field_name("value") == value:
                key = parent.child_by_field_name("key")
                name = string_value(key) if key is not None and key.type == "string" \
                    else text(key)
                if not name or parent.parent is None:
                    return _OTHER
                path.insert(0, name)
                value = parent.parent
            elif parent.type == "spread_element" and parent.parent is not None and \
                    parent.parent.type == "object":
                value = parent.parent  # the object holds the field's own properties
            elif parent.type == "ternary_expression" and \
                    parent.child_by_field_name("condition") != value:
                value = parent  # `...(bio ? { bio } : {})`
            else:
                break
        if value.type not in ("object", "ternary_expression"):  # (`x ? { a } : {}` too)
            return _OTHER
        holder = value.parent
        if holder is not None and holder.type == "arguments" and \
                self._saved_document(holder, value, scope):
            return None  # `const post = new Post({ title }); await post.save()`: stored as data
        if holder is not None and holder.type == "arguments":
            return self._object_call(found, holder, value, path, depth)
        if holder is not None and holder.type == "variable_declarator" and \
                holder.child_by_field_name("value") == value and \
                getattr(holder.child_by_field_name("name"), "type", "") == "identifier":
            name = text(holder.child_by_field_name("name"))
            harm: str | None = None
            for use in self.index(scope).names.get(name, ()):
                if holder.start_byte <= use.start_byte < holder.end_byte or \
                        use.type != "identifier":
                    continue
                outer = use
                while outer.parent is not None and outer.parent.type in _WRAPPERS:
                    outer = outer.parent
                spread = outer.parent
                if spread is not None and spread.type == "spread_element" and \
                        spread.parent is not None and spread.parent.type == "object" and \
                        spread.parent.parent is not None and \
                        spread.parent.parent.type == "arguments":
                    outer = spread.parent  # `find({ ...filter })`: the same keys, one call in
                if outer.parent is not None and outer.parent.type == "arguments":
                    harm = self._object_call(found, outer.parent, outer, path, depth) or harm
                else:
                    harm = harm or _OTHER  # read back, returned, reassigned…: not followed
            return harm
        return _OTHER

    def _saved_document(self, args: Node, obj: Node, scope: Node) -> bool:
        """Return True when ``obj`` is the only argument of ``new Model(obj)`` kept in a local
        whose ``.save()`` the scope calls: a document made and stored (Mongoose's constructor
        and ``save()``), like ``Model.create(obj)``."""
        made = args.parent
        if made is None or made.type != "new_expression" or code_children(args) != [obj]:
            return False
        model = made.child_by_field_name("constructor")
        if model is None or model.type != "identifier" or not text(model)[:1].isupper():
            return False
        outer: Node = made
        while outer.parent is not None and outer.parent.type in _WRAPPERS:
            outer = outer.parent
        declared = _declared_as(outer)
        if declared is None:
            return False
        name = declared[1]
        for use in self.index(scope).names.get(text(name), ()):
            member = use.parent
            if member is not None and member.type == "member_expression" and \
                    member.child_by_field_name("object") == use and \
                    text(member.child_by_field_name("property")) == "save" and \
                    member.parent is not None and member.parent.type == "call_expression":
                return True
        return False

    def _object_call(self, found: Field, args: Node, obj: Node, path: list[str],
                     depth: int) -> str | None:
        """``call(…, obj, …)`` where ``obj`` holds the field at ``path``: what may do harm
        (see ``_object_flow``), or None."""
        call = args.parent
        fn = call.child_by_field_name("function") if call is not None else None
        if fn is None or call is None or call.type != "call_expression":
            return _OTHER
        if fn.type == "member_expression" and \
                text(fn.child_by_field_name("property")) in _ANSWER_METHODS:
            return None  # `res.json({ name })`: serialised into the answer
        if depth == 0 and self.resolve is not None:
            helper = self.resolve(fn)
            if helper is not None:
                index = code_children(args).index(obj) if obj in code_children(args) else -1
                self._property_into_helper(found, helper, index, path)
                return None  # the helper's uses decide
        if fn.type == "member_expression" and self.layers is not None and \
                text(fn.child_by_field_name("property")) in _MONGO_FILTER_METHODS and \
                code_children(args)[:1] == [obj] and path and \
                not any(key.startswith("$") for key in path) and \
                "mongo" in self.layers.of_value(fn.child_by_field_name("object")):
            # `const filter = x ? { seller: x } : {}; Order.find({ ...filter })`: a filter
            sent = not (found.part == "params" or found.converted or (
                found.part == "query" and self.layers.simple_query))
            return _FILTER if sent else None
        if depth == 0 and self.project is not None and self.project(fn):
            return None
        return f"passed in an object to {_callee_name(fn)}"

    def _property_into_helper(self, found: Field, helper: Node, index: int,
                              path: list[str]) -> None:
        """Record what ``helper`` does with ``<parameter index>.<path>`` as uses of the field
        (an empty ``path``: the parameter is the field itself, spread into the object)."""
        param = _parameter(helper, index)
        if param is None:
            return
        body = helper.child_by_field_name("body") or helper
        if param.type == "identifier" and not path:
            self.local(found, text(param), param, body, 1)
        elif param.type == "object_pattern" and not path:
            self.bind_pattern(param, found, found.part, param, body, 1)
        elif param.type == "object_pattern" and len(path) == 1:
            self._bind_key(param, path[0], found, param, body)
        elif param.type == "identifier":
            name = text(param)
            for use in self.index(body).names.get(name, ()):
                if use.type != "identifier":
                    continue
                node = use
                while node.parent is not None and node.parent.type == "member_expression" and \
                        node.parent.child_by_field_name("object") == node and \
                        len(_member_path(node.parent) or ()) <= len(path) + 1:
                    node = node.parent
                if node.type == "member_expression" and _member_path(node) == [name, *path]:
                    self.record(found, node, body, 1)
                elif node is use and use.parent is not None and \
                        use.parent.type == "variable_declarator" and len(path) == 1 and \
                        use.parent.child_by_field_name("value") == use and \
                        (pattern := use.parent.child_by_field_name("name")) is not None and \
                        pattern.type == "object_pattern":
                    self._bind_key(pattern, path[0], found, use.parent, body)

    def _bind_key(self, pattern: Node, key: str, found: Field, decl: Node, body: Node) -> None:
        """Bind the local that ``{ key }`` / ``{ key: local }`` / ``{ key = d }`` in
        ``pattern`` destructures to the field."""
        for prop in code_children(pattern):
            local = None
            if prop.type == "shorthand_property_identifier_pattern" and text(prop) == key:
                local = prop
            elif prop.type == "object_assignment_pattern" and \
                    text(prop.child_by_field_name("left")) == key:
                local = prop.child_by_field_name("left")
                found.allow("undefined")
            elif prop.type == "pair_pattern" and \
                    text(prop.child_by_field_name("key")) == key:
                local = prop.child_by_field_name("value")
            if local is not None and local.type in ("identifier",
                                                    "shorthand_property_identifier_pattern"):
                default = prop.type == "object_assignment_pattern"
                self.defaulted += default
                self.local(found, text(local), decl, body, 1)
                self.defaulted -= default

    def _position(self, node: Node, scope: Node, found: Field) -> str | None:
        """Return ``"key"`` when the value only goes into a bound SQL parameter of a lookup
        (``db.get('… WHERE id = ?', [id])``, ``$1``, ``{ $id: id }``, a ``params.push(x)``
        list), or is a path parameter used as an ORM lookup key (``findById(x)``,
        ``findByPk(x)``, ``{ where: { x } }``, ``.where('id', x)``) or in a MongoDB filter;
        ``"store"`` when it is a bound parameter that is written (``INSERT … VALUES (?)``,
        ``UPDATE … SET a = ?``) or a property an ORM writes (``create({ x })``, Prisma
        ``data: { x }``); ``"sent"`` for a body or query value as sent used as an ORM key or
        in a query filter; ``"mysql"`` for one bound by mysql (which writes an object as SQL
        text); None otherwise."""
        steps: list[tuple[str, str | int]] = []  # (pair, key) / (array, index), inner first
        # An ORM key from the path is a string, and so is a converted value; a body or query
        # value as sent may be an object or an array, which ORMs read as a filter (Prisma
        # `{ not: '' }`, `IN (…)` for arrays).
        # With the 'simple' query parser (Express 5's default) a query value is a string or an
        # array of strings: an array in a filter is a list of values, never an operator.
        orm_key = "key" if found.part == "params" or found.converted or (
            found.part == "query" and self.layers is not None and self.layers.simple_query) \
            else "sent"
        value = node
        if value.parent is not None and value.parent.type == "template_substitution" and \
                value.parent.parent is not None and \
                value.parent.parent.type == "template_string":
            value = value.parent.parent  # `%${genre}%`: a string made around the value
        while True:
            parent = value.parent
            if parent is None:
                return None
            if parent.type in _WRAPPERS:
                value = parent
            elif value.type == "shorthand_property_identifier" and parent.type == "object":
                steps.append(("pair", text(value)))
                value = parent
            elif parent.type == "pair" and parent.child_by_field_name("value") == value:
                key_node = parent.child_by_field_name("key")
                steps.append(("pair", (string_value(key_node) or "") if key_node is not None
                              and key_node.type == "string" else text(key_node)))
                value = parent.parent or parent
                if value is parent:
                    return None
            elif parent.type == "array":
                steps.append(("array", code_children(parent).index(value)))
                value = parent
            elif parent.type == "spread_element" and steps and steps[-1][0] == "pair" and \
                    parent.parent is not None and parent.parent.type == "object":
                value = parent.parent  # `data: { ...(bio ? { bio } : {}) }`
            elif parent.type == "ternary_expression" and steps and \
                    parent.child_by_field_name("condition") != value:
                value = parent
            elif parent.type == "arguments":
                break
            elif parent.type == "variable_declarator" and steps and steps[-1][0] == "array" \
                    and len(steps) == 1 and parent.child_by_field_name("value") == value:
                # `const params = [id]`, passed to a query later
                return self._bound_role(self._list_query(text(parent.child_by_field_name("name")),
                                                         scope), None, found)
            else:
                return orm_key if _filters(steps) else None
            if len(steps) > 6:
                return None
        if _filters(steps):
            return orm_key  # `queries.push({ tagList: { some: { name: tag } } })`
        call = parent.parent
        if call is None or call.type != "call_expression":
            return None
        fn = call.child_by_field_name("function")
        args = code_children(parent)
        index = args.index(value) if value in args else -1
        method = text(fn.child_by_field_name("property")) if fn is not None and \
            fn.type == "member_expression" else text(fn)
        if orm_key == "sent" and self.layers is not None and self.layers.sql_plain(fn):
            # A Sequelize model: an object where-value is refused (Symbol operators only), an
            # array is `IN (…)` of bound values; either way the value stays data.
            orm_key = "key"
        if any(kind == "pair" and key == "where" for kind, key in steps):
            return orm_key  # Prisma, Sequelize, TypeORM: `findUnique({ where: { username } })`
        if not steps:
            if method in _ID_METHODS and index == 0:
                return orm_key  # the sinks report a body/query value given to MongoDB as sent
            if method in _WHERE_METHODS:
                if orm_key == "sent" and index >= 1 and self.layers is not None and \
                        fn is not None and fn.type == "member_expression" and \
                        self.layers.of_value(fn.child_by_field_name("object")) == \
                        frozenset({"knex"}):
                    # knex `.where('kind', x)` binds x as a parameter, never an operator; the
                    # mysql driver under it writes an object as SQL text
                    return "mysql" if self.mysql else "key"
                return orm_key
            if method == "push" and fn is not None and fn.type == "member_expression" and \
                    getattr(fn.child_by_field_name("object"), "type", "") == "identifier":
                return self._bound_role(self._list_query(
                    text(fn.child_by_field_name("object")), scope), None, found)
            if method in _DB_METHODS and index >= 1:
                return self._bound_role(_sql_of(args[0], self.index(scope)), index - 1, found)
            return None
        if method in _TYPEORM_LOOKUPS and index == 0 and len(steps) == 1 and \
                steps[0][0] == "pair":
            # TypeORM `findOneBy({ id })`: a missing value drops the condition; a path
            # parameter or a converted value is always there, and a value tested for presence
            # first (`if (!id) return 400`, `id && …`) is the handler's own check.
            if self.mysql and orm_key == "sent":
                return "mysql"  # TypeORM hands the value to mysql2, which writes an object as SQL
            # A lookup that keeps another condition (`{ id, workspaceId }`) stays within it.
            holder = node.parent if node.type != "shorthand_property_identifier" else node
            while holder is not None and holder.type not in ("object", "arguments"):
                holder = holder.parent
            others = holder is not None and holder.type == "object" and sum(
                1 for c in code_children(holder) if c.type != "comment") > 1
            if orm_key == "key" or others or self.defaulted or _presence_guarded(node):
                return "key"
            return "typeorm"
        if method in _MONGO_FILTER_METHODS and index == 0 and \
                all(kind == "pair" for kind, _ in steps) and \
                not any(str(key).startswith("$") for _, key in steps):
            return orm_key  # a MongoDB filter; the sinks report body/query values sent as is
        if all(kind == "pair" for kind, _ in steps) and (
                (method in _WRITE_METHODS and (method != "update" or index >= 1 or any(
                    key == "data" for _, key in steps)))
                or (method in _FILTER_FIRST_WRITES and index >= 1)):
            return "store"  # `create({ name })`, Prisma `data: { bio }`: stored as data
        if len(steps) != 1 or method not in _DB_METHODS:
            return None
        kind, at = steps[0]
        if kind == "array" and index >= 1:
            return self._bound_role(_sql_of(args[0], self.index(scope)), int(at), found)
        if kind == "array" and index == 0 and fn is not None and fn.type == "member_expression":
            # `const stmt = db.prepare(sql); stmt.run([a, b])`
            return self._bound_role(_prepared_sql(fn.child_by_field_name("object"),
                                                  self.index(scope)), int(at), found)
        if kind == "pair" and index >= 1 and str(at)[:1] in ("$", ":", "@"):
            return self._bound_role(_sql_of(args[0], self.index(scope)), str(at), found)
        return None

    def _list_query(self, name: str, scope: Node) -> str | None:
        """Return the SQL of the query a parameter list ``name`` is passed to."""
        index = self.index(scope)
        return _sql_of(index.lists.get(name), index)

    def index(self, scope: Node) -> _ScopeIndex:
        if scope.id not in self._indexes:
            self._indexes[scope.id] = _ScopeIndex(scope)
        return self._indexes[scope.id]

    def _bound_role(self, sql: str | None, at: int | str | None, found: Field) -> str | None:
        if sql is None:
            return None
        role = _placeholder_role(sql, at)
        if self.mysql and found.part in ("body", "query") and not found.converted:
            return "mysql"  # mysqljs writes an object bound to `?` as `key = value` SQL text
        return role

    def _switch(self, found: Field, switch: Node) -> None:
        """``switch (x) { case 'a': … }`` compares x with each case value (===)."""
        body = switch.child_by_field_name("body")
        values = [c.child_by_field_name("value") for c in code_children(body)
                  if c.type == "switch_case"] if body is not None else []
        kinds = {v.type for v in values if v is not None}
        if kinds == {"string"}:
            found.kinds.add("string")
        elif kinds == {"number"}:
            found.kinds.add("strict-number")
        else:
            found.kinds.add("compared")  # `case` compares with ===: another type only misses

    def _guard(self, found: Field, member: Node, optional: bool) -> None:
        if optional:
            found.allow("null")
        else:
            found.throws = True

    def _member(self, found: Field, node: Node, parent: Node, scope: Node, depth: int) -> None:
        prop = text(parent.child_by_field_name("property"))
        optional = any(c.type == "optional_chain" for c in parent.children)
        call = parent.parent
        called = call is not None and call.type == "call_expression" and \
            call.child_by_field_name("function") == parent
        self._guard(found, parent, optional)
        if called:
            if prop == "trim":
                found.kinds.add("trim")
            elif prop in STRING_METHODS:
                found.kinds.add("string")
            elif prop in ARRAY_METHODS:
                found.kinds.add("array")
            elif prop in _SHARED_METHODS:
                found.kinds.add("length")
            elif prop == "toString":
                found.kinds.add("raw")
            else:
                found.unsure = found.unsure or f"is used with .{prop}(), so its type is unknown"
            if prop in _SHARED_METHODS:
                found.shared.setdefault(f".{prop}()", None)
            # a missing value throws; another type throws too (a 500 the handler or Express
            # answers): only the first is a harm, and a default, a presence test or the
            # handler's own try/catch takes it away
            self._throws_when_missing(found, node, f"used with .{prop}() (a missing value throws)")
            if call is not None and prop in _STRING_RESULT and \
                    _checked_later(call, self.index(scope)):
                found.turned_away = True  # `const email = x.email?.trim(); if (!email) throw 422`
            return
        if prop == "length":
            found.kinds.add("length")
            found.shared.setdefault(".length", None)
            self._throws_when_missing(found, node, _LENGTH)
            return
        self.record(self.reads.child(found, prop), parent, scope, depth)

    def _throws_when_missing(self, found: Field, node: Node, harm: str) -> None:
        """A use that throws when the value is missing (a method call, ``.length``, ``for…of``):
        no harm when the value has a default (``(x || '').slice(0, 9)``), the use only runs
        after a presence test (``x && x.trim()``), or the handler's own try/catch answers."""
        if self.defaulted or _presence_guarded(node) or _caught(node):
            return
        self.live(found, harm)

    def _condition(self, found: Field, node: Node) -> None:
        """A presence test: answering 4xx when it fails makes the field required; otherwise
        the handler deals with a missing (falsy) value itself."""
        found.kinds.add("cond")
        if _turns_away(node, strict=True):
            found.checked = found.turned_away = True
            return
        found.allow("falsy")

    def _binary(self, found: Field, node: Node, parent: Node, scope: Node, depth: int) -> None:
        op = text(parent.child_by_field_name("operator"))
        left = parent.child_by_field_name("left")
        other = parent.child_by_field_name("right") if left == node else left
        if op in ("||", "??", "&&") and left == node:
            if op == "&&":
                self._condition(found, node)
                return
            found.allow("falsy" if op == "||" else "null")
            self.defaulted += 1  # the value flows on with a default: `Number(x ?? 20)`
            try:
                self.record(found, parent, scope, depth)
            finally:
                self.defaulted -= 1
            return
        if op in ("||", "??", "&&"):
            self.record(found, parent, scope, depth)
            return
        if op in ("instanceof", "in"):
            found.unsure = found.unsure or "is checked with instanceof or in, so its type is unknown"
            return
        other_text = text(other)
        literal = string_value(other) if other is not None and other.type == "string" else None
        if op in ("===", "!==", "==", "!="):
            if other_text in _BOOL_WORDS or (literal is not None
                                             and literal.lower() in _CHECKBOX_STRINGS):
                found.kinds.add("bool")
            elif other_text in ("undefined", "null"):
                self._condition(found, parent)
            elif literal is not None:
                found.kinds.add("string")
            elif other is not None and other.type == "number":
                found.kinds.add("strict-number" if op in ("===", "!==") else "number")
            elif op in ("===", "!=="):
                found.kinds.add("compared")  # another type is just not equal: no harm
            else:
                found.kinds.add("raw")
                self.live(found, _LOOSE)  # `==` converts: `[5] == '5'`
            return  # compared with a literal: no type makes the comparison go wrong
        if op == "+" and other is not None and _stringy(other):
            self._stringified(found, parent)  # `'no reply ' + id`: joined into a string
            return
        if op in _NUMBER_OPS:
            found.kinds.add("number")
            if op in ("<", ">", "<=", ">=") and other is not None and _number_valued(other):
                return  # a string compared with a number is converted: NaN makes it false
            self.live(found, _ORDER if op in ("<", ">", "<=", ">=") else _NUMERIC)
            return
        found.kinds.add("plus" if op == "+" else "raw")
        self.live(found, _ARITH if op == "+" else _NUMERIC)  # `x | 0`, `x << 2`: a number

    def _stringified(self, found: Field, built: Node) -> None:
        """The value is made part of a string (``built``: a template or a ``+`` with a string):
        the string is one whatever the value's type, so no type does harm there, except as the
        text of an SQL query (``'… WHERE name = \'' + x + '\''``), which is reported."""
        found.kinds.add("raw")
        top = built
        steps = 0
        while top.parent is not None and steps <= _MAX_UPWARD and (
                top.parent.type in _WRAPPERS or top.parent.type == "template_substitution"
                or top.parent.type == "template_string"
                or (top.parent.type == "binary_expression"
                    and text(top.parent.child_by_field_name("operator")) == "+")):
            top = top.parent
            steps += 1
        pieces = [text(n) for n in walk(top) if n.type == "string_fragment"]
        if _sql_shaped(pieces):
            self.live(found, _SQL_TEXT)
            return
        args = top.parent
        if args is not None and args.type == "arguments" and code_children(args)[:1] == [top] \
                and args.parent is not None:
            fn = args.parent.child_by_field_name("function")
            if fn is not None and fn.type == "member_expression" and \
                    text(fn.child_by_field_name("property")) in ("query", "execute"):
                self.live(found, _SQL_TEXT)  # `db.query(prefix + x)`: query text

    def _argument(self, found: Field, node: Node, args: Node, scope: Node, depth: int) -> None:
        call = args.parent
        assert call is not None
        fn = call.child_by_field_name("function") or call.child_by_field_name("constructor")
        callee = text(fn)
        if callee in _INT_CALLS or callee in _NUMBER_CALLS:
            found.kinds.add("int" if callee in _INT_CALLS else "number")
            outer = call
            while outer.parent is not None and outer.parent.type in _WRAPPERS:
                outer = outer.parent
            holder = outer.parent
            if holder is not None and holder.type == "binary_expression" and \
                    holder.child_by_field_name("left") == outer and \
                    text(holder.child_by_field_name("operator")) in ("||", "??"):
                found.allow("falsy")  # `parseInt(page) || 1`: '' and a missing value both default
                if text(holder.child_by_field_name("operator")) == "||":
                    return  # NaN falls back too: the handler copes with any value
            stand_in = Field(found.part, found.name, converted=True)
            if self._position(outer, scope, stand_in) in _QUIET_POSITIONS:
                return  # `where: { id: Number(req.body.id) }`: a number used as a key
            if depth == 0 and holder is not None and holder.type == "arguments":
                # `deleteComment(Number(req.params.id))`: the converted number's uses decide
                into = self._helper_of(holder)
                if into is not None:
                    stand_in = Field(found.part, found.name, converted=True)
                    if self._into_helper(stand_in, into, code_children(holder).index(outer)):
                        self.converted.append((found, stand_in))
                        return
                if self._project_call(holder):
                    return  # a function of the project this analysis cannot follow
            if _nan_handled(outer, self.index(scope)):
                return  # `const page = parseInt(x); if (page > 0) offset = page - 1;`
            self.live(found, _CONVERTED)
            return
        if callee == "Boolean":
            self._condition(found, node)
            return
        if callee == "String" or _string_call(fn):
            found.kinds.add("raw")
            return  # any value makes a string: `findOne({ email: String(email) })` is safe too
        if _map_lookup(fn) and code_children(args)[:1] == [node]:
            found.kinds.add("raw")
            return  # `receipts.get(x)`: a key; another type just does not match
        if fn is not None and fn.type == "member_expression" and \
                text(fn.child_by_field_name("property")) == "test" and \
                getattr(fn.child_by_field_name("object"), "type", "") == "regex":
            # `/^[0-9a-f]{8}-…$/i.test(id)`: the handler compares it with a pattern
            found.kinds.add("uuid" if _UUID_PATTERN_RE.search(text(fn)) else "string")
            return
        if callee == "Array.isArray" and _rejects(call) and \
                _elements_typed(call, text(node)):
            # `if (!Array.isArray(x) || !x.every((v) => typeof v === 'string')) return 400`
            found.checked = found.turned_away = True
            found.kinds.add("array")
            return
        if callee in ("Array.isArray", "Array.from", "Array.of") or callee.startswith("Object.") \
                or callee.endswith(".concat"):
            found.unsure = found.unsure or f"is passed to {callee}(), so its type is unknown"
            if callee != "Array.isArray":  # a type test, not a use
                self.live(found, f"passed to {callee}()")
            return
        if fn is not None and fn.type == "member_expression" and \
                text(fn.child_by_field_name("property")) in _DOC_STORE_METHODS and \
                _saved_root(fn.child_by_field_name("object") or fn, self.index(scope).names):
            found.kinds.add("raw")
            return  # `user.cartItems.push(id); user.save()`: stored in a document, as data
        if fn is not None and fn.type == "member_expression" and \
                text(fn.child_by_field_name("property")) in ("includes", "has", "indexOf") and \
                code_children(args) == [node] and getattr(unwrap(
                    fn.child_by_field_name("object"), CASTS_AND_AWAIT), "type", "string") \
                not in ("string", "template_string"):
            found.kinds.add("raw")
            if _rejects(call):
                found.checked = found.turned_away = True  # `if (!ROLES.includes(x)) throw 400`
            return  # `THEMES.includes(theme)`: compared with a list, as with a literal
        if depth == 0 and self.resolve is not None and fn is not None:
            helper = self.resolve(fn)
            if helper is not None:
                index = code_children(args).index(node) if node in code_children(args) else -1
                # (only a helper call the try awaits: its rejection lands in the catch)
                in_try = _caught(node) and _awaited(args.parent)
                self.caught += in_try
                followed = self._into_helper(found, helper, index)
                self.caught -= in_try
                if followed:
                    return
        found.kinds.add("raw")
        if depth == 0 and self._project_call(args):
            return  # a function of the project's own modules this analysis cannot follow
        if _presence_guarded(node):
            return  # `if (password) bcrypt.hash(password)`: a library that checks its argument
        harm = f"passed to {_callee_name(fn)}" if fn is not None else _OTHER
        if harm in _HASH_HARMS and fn is not None and (
                _caught(node) and _hash_settles_here(args.parent, text(fn), False)
                or self.caught and _hash_settles_here(args.parent, text(fn), True)):
            harm += _CAUGHT_HASH  # a wrong type only throws into the handler's answer
        self.live(found, harm)

    def _helper_of(self, args: Node) -> Node | None:
        call = args.parent
        fn = call.child_by_field_name("function") if call is not None else None
        return self.resolve(fn) if fn is not None and self.resolve is not None else None

    def _project_call(self, args: Node) -> bool:
        """Return True when ``args`` are those of a call to a function of the project's own
        modules (a relative import) that this analysis does not follow: no sink was seen there,
        so none is claimed."""
        call = args.parent
        fn = call.child_by_field_name("function") if call is not None else None
        return fn is not None and self.project is not None and self.project(fn)

    def _into_helper(self, found: Field, helper: Node, index: int) -> bool:
        """Record what ``helper`` does with its parameter ``index`` as uses of the field."""
        param = _parameter(helper, index)
        if param is None:
            return False
        default = param.type == "assignment_pattern"
        if default:
            found.allow("undefined")
            param = param.child_by_field_name("left") or param
        body = helper.child_by_field_name("body") or helper
        if param.type == "identifier" and _schema_checks(body, text(param)):
            found.validated = True  # `schema.validate(input)` in the helper, before its uses
        if param.type == "identifier":
            self.defaulted += default
            self.local(found, text(param), param, body, 1)
            self.defaulted -= default
            if not any(n.type == "identifier" and text(n) == text(param) for n in walk(body)):
                found.kinds.add("raw")
            return True
        if param.type == "object_pattern":
            self.bind_pattern(param, found, found.part, param, body, 1)
            return True
        return False

    def _follow(self, found: Field, node: Node, scope: Node, depth: int) -> bool:
        """Track a local the field's value is stored in (``const user = req.body.user || {}``)."""
        value = node
        while value.parent is not None and (
                value.parent.type in _WRAPPERS
                or (value.parent.type == "binary_expression"
                    and text(value.parent.child_by_field_name("operator")) in ("||", "??", "&&"))
                or (value.parent.type == "ternary_expression"
                    and value.parent.child_by_field_name("condition") != value)):
            value = value.parent
        holder = value.parent
        if holder is None:
            return False
        if holder.type == "variable_declarator" and holder.child_by_field_name("value") == value:
            target = holder.child_by_field_name("name")
        elif holder.type == "assignment_expression" and holder.child_by_field_name("right") == value:
            target = holder.child_by_field_name("left")
        else:
            return False
        if target is None:
            return False
        if target.type == "identifier":
            self.local(found, text(target), holder, scope, depth)
            return True
        if target.type == "object_pattern":
            self.bind_pattern(target, found, found.part, holder, scope, depth)
            return True
        if target.type == "subscript_expression" and holder.type == "assignment_expression" \
                and _update_document(target, self.index(scope)):
            found.kinds.add("raw")
            return True  # `update[f] = x; Model.findByIdAndUpdate(id, update)`: stored
        if target.type == "member_expression" and holder.type == "assignment_expression":
            found.kinds.add("raw")
            if self._url_setter(target, scope):
                return True  # `url.port = x`: the URL converts it, and ignores a bad one
            if not _saved_root(target, self.index(scope).names) and \
                    not _update_document(target, self.index(scope)):  # `doc.title = x; doc.save()`
                self.live(found, f"assigned to {_short(target)}, which the rule does not "
                                 "follow")
            return True
        return False


    def _url_setter(self, target: Node, scope: Node) -> bool:
        """Return True when ``target`` is a string setter of a WHATWG ``URL`` held in a local
        of the scope (``const url = new URL(base); url.hostname = x``)."""
        obj = target.child_by_field_name("object")
        if text(target.child_by_field_name("property")) not in _URL_SETTERS or obj is None or \
                obj.type != "identifier":
            return False
        made = unwrap(self.index(scope).declared.get(text(obj)), CASTS_AND_AWAIT)
        return made is not None and made.type == "new_expression" and \
            text(made.child_by_field_name("constructor")) in ("URL", "url.URL")


#: Literal values: a local given one holds no request value after it.
_CONSTANTS = frozenset({"number", "string", "true", "false", "null", "undefined"})


def _narrowed(uses: Iterable[Node]) -> list[tuple[int, int, list[int]]]:
    """Return the spans past a ``x = x.toLowerCase()`` of a local (``narrowing``) among its uses, each with the places the local is bound again."""
    spans: list[tuple[int, int]] = []
    bound: list[int] = []
    for use in uses:
        parent = use.parent
        if parent is not None and parent.type == "assignment_expression" and \
                parent.child_by_field_name("left") == use:
            span = narrowing_of(use) or _converted_in_place(use)
            right = parent.child_by_field_name("right")
            if span is not None:
                spans.append(span)
            elif right is None or right.type not in _CONSTANTS:
                bound.append(use.start_byte)  # (`x = 1` gives no value as sent again)
    return [(start, end, bound) for start, end in spans]


def _converted_in_place(left: Node) -> tuple[int, int] | None:
    """Return the span past ``x = Number(x)`` (``parseInt(x, 10)``, ``parseFloat(x)``…), a
    statement directly in a block: from there to the block's end ``x`` is a number (NaN at
    worst, which the conversion's own use answers for), not the value as sent."""
    assign = left.parent
    statement = assign.parent if assign is not None else None
    block = statement.parent if statement is not None else None
    if assign is None or statement is None or block is None or \
            assign.type != "assignment_expression" or statement.type != "expression_statement" \
            or block.type not in ("statement_block", "program"):
        return None
    right = unwrap(assign.child_by_field_name("right"), CASTS_AND_AWAIT)
    fn = right.child_by_field_name("function") if right is not None and \
        right.type == "call_expression" else None
    args = right.child_by_field_name("arguments") if right is not None else None
    given = code_children(args) if args is not None else []
    if fn is None or text(fn) not in _INT_CALLS | _NUMBER_CALLS or not given or \
            unwrap(given[0]).type != "identifier" or text(unwrap(given[0])) != text(left):
        return None
    return statement.end_byte, block.end_byte


def _string_call(fn: Node | None) -> bool:
    """Return True when ``fn`` gives a string whatever its arguments: a lodash string function
    on the name the file binds lodash to (``_.trim(x)``), or ``url.searchParams.set(k, x)`` /
    ``append`` (URLSearchParams converts both to strings)."""
    if fn is None or fn.type != "member_expression":
        return False
    prop = text(fn.child_by_field_name("property"))
    obj = fn.child_by_field_name("object")
    if obj is None:
        return False
    if prop in ("set", "append") and obj.type == "member_expression" and \
            text(obj.child_by_field_name("property")) == "searchParams":
        return True
    if prop not in _LODASH_STRING or obj.type != "identifier":
        return False
    root = fn
    while root.parent is not None:
        root = root.parent
    return _binds_lodash(root, text(obj))


def _map_lookup(fn: Node | None) -> bool:
    """Return True when ``fn`` is ``get``/``has``/``delete`` of a name the file binds to a
    ``new Map()`` or ``new WeakMap()`` (``const receipts = new Map(); receipts.get(x)``)."""
    if fn is None or fn.type != "member_expression" or \
            text(fn.child_by_field_name("property")) not in ("get", "has", "delete"):
        return False
    obj = fn.child_by_field_name("object")
    if obj is None or obj.type != "identifier":
        return False
    root = fn
    while root.parent is not None:
        root = root.parent
    bound = re.escape(text(obj))
    return bool(re.search(rf"(?<![\w$.]){bound}\s*=\s*new\s+(?:Weak)?Map\s*[(<]", text(root)))


def _binds_lodash(root: Node, name: str) -> bool:
    """Return True when the file ``root`` binds ``name`` to lodash or underscore.string
    (``const _ = require('lodash')``, ``import _ from 'lodash'``, ``import * as _ …``)."""
    bound = re.escape(name)
    return bool(re.search(
        rf"(?<![\w$]){bound}\s*=\s*require\(\s*{_LODASH_SOURCE}\s*\)"
        rf"|import\s+(?:\*\s+as\s+)?{bound}\s+from\s*{_LODASH_SOURCE}", text(root)))


def _part_use(analysis: _Analysis, node: Node, part: str, body: Node,
              aliases: list[tuple[str, str, Node]], depth: int = 0,
              resolve: Resolver | None = None) -> None:
    """Record one use of ``req.<part>`` (or of a local alias of it) at ``node``; ``depth`` > 0
    inside a helper the whole part was handed to, ``resolve`` finding the helpers of the file
    ``node`` is in."""
    reads = analysis.reads
    resolve = analysis.resolve if depth == 0 else resolve
    value = node
    while value.parent is not None and value.parent.type in _WRAPPERS:
        value = value.parent
    parent = value.parent
    if parent is None:
        return
    if _inert_destination(value):
        return  # `logger.debug('%o', req.body)`, `JSON.stringify(req.query)`
    if _presence_test(value):
        return  # `if (typeof req.body === 'undefined' || !req.body.id)`: no value is used
    if depth == 0 and _typed_primitive(analysis, value, body):
        return  # `if (typeof req.body !== 'string') return next('route')`: a plain value
    if parent.type == "member_expression" and parent.child_by_field_name("object") == value:
        name = text(parent.child_by_field_name("property"))
        if (part, name) in analysis.cleaned if depth > 0 else \
                name in _cleaned_fields(value, parent, analysis.cleanings):
            return  # past `req.body.f = sanitize(req.body.f)`: that function's result
        call = parent.parent
        args = code_children(call.child_by_field_name("arguments") or call) \
            if call is not None and call.type == "call_expression" and \
            call.child_by_field_name("function") == parent else []
        owned = ([key] if (key := string_value(args[0])) is not None else
                 _listed_keys(args[0], body)) if name == "hasOwnProperty" and \
            len(args) == 1 else None
        if owned and call is not None:
            for key in owned:  # like `'async' in req.body`
                analysis._condition(reads.add(part, key), call)
        else:
            analysis.record(reads.add(part, name), parent, body, depth)
            write = _member_mass_write(analysis, parent, body) if depth == 0 else None
            if write is not None:  # `User.findOneAndUpdate(q, req.body.profile)`
                reads.mass.append((f"{part}.{name}", write))
    elif parent.type == "subscript_expression" and parent.child_by_field_name("object") == value:
        index = string_value(parent.child_by_field_name("index"))
        listed = _listed_keys(parent.child_by_field_name("index"), body) \
            if index is None else None
        if listed:  # `for (const f of ['title', 'text']) update[f] = req.body[f]`
            for name in listed:
                analysis.record(reads.add(part, name), parent, body, depth)
        elif index is None:
            reads.whole.append(part)
        else:
            analysis.record(reads.add(part, index), parent, body, depth)
    elif parent.type == "variable_declarator" and parent.child_by_field_name("value") == value \
            and (pattern := parent.child_by_field_name("name")) is not None:
        if pattern.type == "object_pattern":
            analysis.bind_pattern(pattern, None, part, parent, body, depth)
        elif pattern.type == "identifier" and node.type == "member_expression":
            aliases.append((text(pattern), part, parent))  # `const data = req.body`
        else:
            reads.whole.append(part)
    elif parent.type == "binary_expression" and \
            text(parent.child_by_field_name("operator")) == "in" and \
            parent.child_by_field_name("right") == value and \
            (key := string_value(parent.child_by_field_name("left"))) is not None:
        analysis._condition(reads.add(part, key), parent)  # `'author' in query`
    elif _schema_in_helper(resolve, value, parent):
        reads.checked_parts.add(part)  # `service.update(req.body)` with `schema.validate(input)`
    elif not _whole_into_helper(analysis, value, parent, part, depth, resolve):
        write = _mass_write(analysis, value, parent)
        if write is not None:
            reads.mass.append((part, write))
        reads.whole.append(part)


def _typed_primitive(analysis: _Analysis, value: Node, body: Node) -> bool:
    """Return True when a statement of the handler's top level before ``value`` (a whole
    ``req.body``/``req.query``, or an alias of it) ends the handler unless the value is a
    string, a number or a boolean: ``if (typeof req.body !== 'string') return next('route')``
    (alone or joined to other tests by ``||``, with no ``else``). Past it the value is a plain
    value, not an object of unknown shape, whichever answer the handler gives instead."""
    tests = analysis.primitive_tests.get(body.id)
    if tests is None:
        tests = analysis.primitive_tests[body.id] = _primitive_tests(body)
    name = text(value)
    return any(start < value.start_byte and tested == name for start, tested in tests)


def _primitive_tests(body: Node) -> list[tuple[int, str]]:
    """Return (start, tested expression) of the top-level statements of ``body`` that end
    the handler unless a value is a string, a number or a boolean (see ``_typed_primitive``)."""
    found: list[tuple[int, str]] = []
    if body.type != "statement_block":
        return found
    for statement in code_children(body):
        if statement.type != "if_statement" or not _exits(statement):
            continue
        tests = [statement.child_by_field_name("condition")]
        while tests:
            test = tests.pop()
            while test is not None and test.type in _WRAPPERS and code_children(test):
                test = code_children(test)[0]
            if test is None or test.type != "binary_expression":
                continue
            op = text(test.child_by_field_name("operator"))
            if op == "||":
                tests += [test.child_by_field_name("left"), test.child_by_field_name("right")]
                continue
            sides = [test.child_by_field_name("left"), test.child_by_field_name("right")]
            kinds = [string_value(side) for side in sides if side is not None]
            for side in sides:
                if op in ("!==", "!=") and side is not None and \
                        side.type == "unary_expression" and \
                        text(side.child_by_field_name("operator")) == "typeof" and \
                        any(kind in _TYPEOF_KINDS for kind in kinds):
                    found.append((statement.start_byte,
                                  text(unwrap(side.child_by_field_name("argument")))))
    return found


def _presence_test(value: Node) -> bool:
    """Return True when ``value`` (a whole ``req.body``/``req.query``/``req.params``, or a
    local alias of one) is only tested, its value used nowhere: ``typeof req.body ===
    'undefined'``, ``!req.body``, ``req.body == null``, ``if (req.query)``, the left side of
    ``req.body && …``. The test reads no field and hands the object on to nothing, so it is
    no use of the object as a whole (``req.body || {}`` and ``req.body ?? {}`` hand it on)."""
    parent = value.parent
    if parent is None:
        return False
    if parent.type == "unary_expression":
        return text(parent.child_by_field_name("operator")) in ("typeof", "!")
    if parent.type == "binary_expression":
        op = text(parent.child_by_field_name("operator"))
        left = parent.child_by_field_name("left")
        other = parent.child_by_field_name("right") if left == value else left
        if op in ("===", "!==", "==", "!="):
            while other is not None and other.type in _WRAPPERS and code_children(other):
                other = code_children(other)[0]
            return other is not None and (other.type in ("undefined", "null") or
                                          text(other) in ("undefined", "null", "void 0"))
        # `req.body && req.body.name`: a falsy value at most is passed on
        return op == "&&" and left == value
    if parent.type in ("if_statement", "while_statement", "do_statement"):
        return parent.child_by_field_name("condition") == value
    if parent.type == "ternary_expression":
        return parent.child_by_field_name("condition") == value
    return False


#: ORM writes that set the columns/fields of the object they are given: (method, position of
#: that object). Sequelize ``Model.update(values, …)``/``instance.update(values)``/``create``/
#: ``build``/``set``/``upsert``, Mongoose ``create``/``findByIdAndUpdate(id, update)``/
#: ``updateOne(filter, update)``/``doc.set(values)``, TypeORM ``save``/``insert``, knex
#: ``insert``/``update``.
_MASS_WRITES = {"create": 0, "build": 0, "upsert": 0, "insert": 0, "save": 0, "set": 0,
                "update": 0, "findByIdAndUpdate": 1, "findOneAndUpdate": 1, "updateOne": 1,
                "updateMany": 1}
#: Data layers whose two-argument ``update(filter, values)`` takes the values second.
_FILTER_FIRST_UPDATE = frozenset({"mongo", "typeorm"})
#: An option that names the columns a Sequelize write may set: ``fields: ['name']``.
_FIELD_LIST_RE = lazy_pattern(r"(?<![\w$])fields\s*:")


def _member_mass_write(analysis: _Analysis, member: Node, body: Node) -> Node | None:
    """The ORM write (``_mass_write``) that gets the object a client sent under one key of a
    request part as the whole of the values it stores: ``req.body.profile`` itself, or a local
    declared once from it and never reassigned (``const update = req.body.profile``), given as
    that argument. A field used in any other way (a filter, a property read) is no mass write."""
    value = member
    while value.parent is not None and value.parent.type in _WRAPPERS:
        value = value.parent
    parent = value.parent
    if parent is None:
        return None
    if parent.type == "arguments":
        return _mass_write(analysis, value, parent) if _write_position(value, parent) else None
    name = parent.child_by_field_name("name") if parent.type == "variable_declarator" and \
        parent.child_by_field_name("value") == value else None
    if name is None or name.type != "identifier":
        return None
    # The handler's names come from its one index (``_ScopeIndex``): a walk of the body per
    # local was quadratic in a handler of many locals.
    uses = analysis.index(body).names.get(text(name), [])
    declared = [n for n in uses if n.parent is not None and n.parent.type == "variable_declarator"
                and n.parent.child_by_field_name("name") == n]
    if len(declared) != 1 or any(
            n.parent is not None
            and n.parent.type in ("assignment_expression", "augmented_assignment_expression")
            and n.parent.child_by_field_name("left") == n for n in uses):
        return None
    for use in uses:
        if use.type != "identifier" or use == name:
            continue
        outer = use
        while outer.parent is not None and outer.parent.type in _WRAPPERS:
            outer = outer.parent
        if outer.parent is not None and outer.parent.type == "arguments" and \
                _write_position(outer, outer.parent):
            write = _mass_write(analysis, outer, outer.parent)
            if write is not None:
                return write
    return None


def _write_position(value: Node, args: Node) -> bool:
    """``value`` stands where some ORM write takes the values it stores (a cheap first test
    before ``_mass_write`` asks the data layers)."""
    call = args.parent
    given = code_children(args)
    index = given.index(value) if value in given else -1
    if call is None or index < 0:
        return False
    if call.type == "new_expression":
        return index == 0
    fn = call.child_by_field_name("function")
    if fn is None or fn.type != "member_expression":
        return False
    if text(fn) == "Object.assign":
        return index >= 1
    method = text(fn.child_by_field_name("property"))
    return method in _MASS_WRITES and (index == _MASS_WRITES[method] or (
        method == "update" and index == 1))


def _mass_write(analysis: _Analysis, value: Node, args: Node) -> Node | None:
    """Return the ORM write call that gets the whole request object ``value`` as the values it
    stores, with no list of the fields it may set (``db.User.update(req.body, { where })``,
    ``Model.create(req.body)``, ``user.update(data)``, ``Object.assign(doc, req.body)`` then
    ``doc.save()``): a client can then set any column, an admin flag or an owner id included.
    Only a receiver whose data layer is known (a model or client imported, or made, from
    sequelize, mongoose, TypeORM, Prisma, knex…) counts: ``hash.update(body)`` is no write."""
    layers = analysis.layers
    call = args.parent
    if layers is None or args.type != "arguments" or call is None:
        return None
    if call.type == "new_expression":
        ctor = call.child_by_field_name("constructor")
        if code_children(args)[:1] == [value] and ctor is not None and \
                ctor.type == "identifier" and layers.of_value(ctor, guess=False) & \
                _DOCUMENT_LAYERS and _saved(call):
            return call  # `new User(req.body).save()`
        return None
    if call.type != "call_expression":
        return None
    fn = call.child_by_field_name("function")
    given = code_children(args)
    index = given.index(value) if value in given else -1
    if fn is not None and text(fn) == "Object.assign" and index >= 1 and given and \
            layers.of_value(given[0], guess=False) and _saved(call, text(given[0])):
        return call  # `Object.assign(doc, req.body); await doc.save()`
    if fn is None or fn.type != "member_expression" or layers.project_method(fn):
        return None  # a method of the project's own (`userController.update(id, body)`)
    method = text(fn.child_by_field_name("property"))
    if method not in _MASS_WRITES or (method == "set" and len(given) != 1):
        return None
    families = layers.of_value(fn.child_by_field_name("object"), guess=False)
    if not families:
        return None
    positions = {_MASS_WRITES[method]}
    if method == "update" and len(given) >= 2 and families & _FILTER_FIRST_UPDATE:
        # Mongoose's and the MongoDB driver's `Model.update(filter, update)`, TypeORM's
        # `repository.update(criteria, values)`: the values come second (Sequelize's
        # `update(values, options)` and a document's `doc.update(values)` take them first).
        positions = {1} if families <= _FILTER_FIRST_UPDATE else {0, 1}
    if index not in positions:
        return None
    if any(_FIELD_LIST_RE.search(text(option)) for option in given[index + 1:]):
        return None  # `update(req.body, { fields: ['name'] })`
    if method == "build" and _saved_with_fields(call):
        return None  # `const row = Model.build(values); row.save({ fields: ['name'] })`
    return call


def _saved_with_fields(call: Node) -> bool:
    """A Sequelize ``build()`` result bound to a local whose ``save()`` in the same function
    names the fields it stores (``row.save({ fields: ['name'] })``)."""
    outer = call
    while outer.parent is not None and outer.parent.type in _WRAPPERS:
        outer = outer.parent
    declarator = outer.parent
    if declarator is None or declarator.type != "variable_declarator" or \
            getattr(declarator.child_by_field_name("name"), "type", "") != "identifier":
        return False
    name = text(declarator.child_by_field_name("name"))
    scope = declarator.parent
    while scope is not None and scope.type not in FUNCTION_TYPES:
        scope = scope.parent
    saves = [n for n in walk(scope) if n.type == "call_expression"
             and text(n.child_by_field_name("function")).replace(" ", "") == f"{name}.save"] \
        if scope is not None else []
    return bool(saves) and all(_FIELD_LIST_RE.search(text(n.child_by_field_name("arguments")))
                               for n in saves)


#: Data layers whose ``new Model(values)`` is a document or entity that ``save()`` stores.
_DOCUMENT_LAYERS = frozenset({"mongo", "typeorm"})


def _saved(call: Node, name: str | None = None) -> bool:
    """Return True when the object ``call`` makes (or fills: ``name``) is saved in the same
    function: ``new User(req.body).save()``, ``doc.save()`` after it."""
    outer = call
    while outer.parent is not None and outer.parent.type in _WRAPPERS:
        outer = outer.parent
    parent = outer.parent
    if parent is not None and parent.type == "member_expression" and \
            text(parent.child_by_field_name("property")) == "save":
        return True
    if name is None and parent is not None and parent.type == "variable_declarator":
        name = text(parent.child_by_field_name("name"))
    scope = call.parent
    while scope is not None and scope.type not in FUNCTION_TYPES:
        scope = scope.parent
    if name is None or scope is None:
        return False
    rest = (scope.text or b"")[call.end_byte - scope.start_byte:].decode("utf-8", "replace")
    return re.search(rf"(?<![\w$.]){re.escape(name)}\.save\s*\(", rest) is not None


#: How many helpers deep a whole ``req.body``/``req.query`` handed on is followed: a service
#: (``getArticles(req.query)``) and the query builder it calls (``buildFilter(query)``).
_WHOLE_DEPTH = 2


def _whole_into_helper(analysis: _Analysis, value: Node, args: Node, part: str, depth: int,
                       resolve: Resolver | None) -> bool:
    """Follow ``req.<part>`` handed as a whole to a helper: its parameter's property reads are
    the part's fields. Return False when there is no helper to follow."""
    call = args.parent
    if args.type != "arguments" or call is None or resolve is None or depth >= _WHOLE_DEPTH:
        return False
    fn = call.child_by_field_name("function")
    helper = resolve(fn) if fn is not None else None
    if helper is None:
        return False
    index = code_children(args).index(value) if value in code_children(args) else -1
    param = _parameter(helper, index)
    if param is None or param.type not in ("identifier", "object_pattern"):
        return False
    inner = analysis.resolver_for(helper) if analysis.resolver_for is not None else None
    body = helper.child_by_field_name("body") or helper
    if param.type == "object_pattern":
        analysis.bind_pattern(param, None, part, param, body, depth + 1)
        return True
    name = text(param)
    added = {(part, f) for f in _cleaned_fields(value, call, analysis.cleanings)} - \
        analysis.cleaned
    analysis.cleaned |= added
    try:
        for use in walk(body):
            if use.type == "identifier" and text(use) == name:
                _part_use(analysis, use, part, body, [], depth + 1, inner)
            elif use.type == "shorthand_property_identifier" and text(use) == name:
                analysis.reads.whole.append(part)
    finally:
        analysis.cleaned -= added
    return True


def _cleaned_fields(value: Node, call: Node,
                    cache: dict[int, list[tuple[int, str, str]]]) -> set[str]:
    """The fields ``f`` of ``value`` (``req.body``) a statement ``req.body.f = g(req.body.f)``
    directly in a block around ``call``, before it, replaced with what a function of an
    imported package made of them (``sanitize``): past it the field is that function's result,
    not the value as sent (``cache``: block id -> its such statements: start, object, field)."""
    found: set[str] = set()
    whole = text(value)
    inner = call
    while inner.parent is not None and inner.type not in FUNCTION_TYPES:
        block = inner.parent
        if block.type in ("statement_block", "program"):
            if block.id not in cache:
                cache[block.id] = _cleanings(block)
            found.update(f for start, obj, f in cache[block.id]
                         if start < inner.start_byte and obj == whole)
        inner = block
    return found


def _cleanings(block: Node) -> list[tuple[int, str, str]]:
    """(start, object, field) of each ``obj.f = g(obj.f)`` statement directly in ``block``,
    ``g`` a function of an imported package."""
    found: list[tuple[int, str, str]] = []
    for statement in code_children(block):
        assign = unwrap(statement.named_children[0]) if \
            statement.type == "expression_statement" and statement.named_children else None
        if assign is None or assign.type != "assignment_expression":
            continue
        left = assign.child_by_field_name("left")
        right = unwrap(assign.child_by_field_name("right"), CASTS_AND_AWAIT)
        if left is None or left.type != "member_expression" or right is None or \
                right.type != "call_expression":
            continue
        args = right.child_by_field_name("arguments")
        given = code_children(args) if args is not None else []
        fn = right.child_by_field_name("function")
        if len(given) == 1 and text(unwrap(given[0])) == text(left) and \
                fn is not None and fn.type == "identifier" and _package_binding(text(fn), block):
            found.append((statement.start_byte, text(left.child_by_field_name("object")),
                          text(left.child_by_field_name("property"))))
    return found


def _package_binding(name: str, near: Node) -> bool:
    """``name`` is bound at the top of the file to what a package (not a Node built-in, not a
    module of the project) exports: ``const name = require('pkg')``, ``import name from
    'pkg'``."""
    root = near
    while root.parent is not None:
        root = root.parent
    for statement in code_children(root):
        module: str | None = None
        if statement.type == "import_statement":
            source = statement.child_by_field_name("source")
            bound = {text(n) for n in walk(statement) if n.type == "identifier"}
            module = string_value(source) if source is not None and name in bound else None
        elif statement.type in ("lexical_declaration", "variable_declaration"):
            for declarator in code_children(statement):
                if declarator.type != "variable_declarator" or \
                        text(declarator.child_by_field_name("name")) != name:
                    continue
                value = unwrap(declarator.child_by_field_name("value"))
                fn = value.child_by_field_name("function") if value is not None and \
                    value.type == "call_expression" else None
                args = value.child_by_field_name("arguments") \
                    if fn is not None and value is not None else None
                given = code_children(args) if args is not None else []
                if fn is not None and text(fn) == "require" and len(given) == 1:
                    module = string_value(given[0])
        if module:
            return not module.startswith((".", "/")) and not is_builtin(module)
    return False


def _schema_in_helper(resolve: Resolver | None, value: Node, args: Node) -> bool:
    """Return True when ``value`` is passed to a helper that validates that parameter with a
    schema (``schema.validate(payload)``, ``Schema.parse(input)``)."""
    call = args.parent
    if args.type != "arguments" or call is None or resolve is None:
        return False
    fn = call.child_by_field_name("function")
    helper = resolve(fn) if fn is not None else None
    if helper is None:
        return False
    index = code_children(args).index(value) if value in code_children(args) else -1
    params = helper.child_by_field_name("parameters")
    named = code_children(params) if params is not None else \
        [p for p in (helper.child_by_field_name("parameter"),) if p is not None]
    if index < 0 or index >= len(named):
        return False
    param = named[index]
    if param.type in ("required_parameter", "optional_parameter"):
        param = param.child_by_field_name("pattern") or param
    body = helper.child_by_field_name("body") or helper
    return param.type == "identifier" and _schema_checks(body, text(param))


def analyze_handler(func: Node, resolve: Resolver | None = None,
                    mysql: bool = False, project: ProjectCallee | None = None,
                    resolver_for: Callable[[Node], Resolver | None] | None = None,
                    layers: DataLayers | None = None) -> Reads | None:
    """Return the request fields ``func`` reads, or None when it takes no request.

    ``resolve`` maps a callee to the helper function it names (same file or a relative
    import), whose uses of a parameter are followed one level. ``mysql``: the project uses
    mysql or mysql2, which bind an object as ``key = value`` SQL (a body or query value in a
    ``?`` parameter is then not just data). ``project`` tells a callee that names a function of
    the project's own modules: one ``resolve`` does not find is not followed, and no harm is
    claimed for what is passed to it. ``resolver_for`` gives the resolver of the file a helper
    is in, to follow a whole ``req.query`` one helper further. ``layers`` tells what data layer
    a call's receiver is (a Sequelize filter; an ORM write given the whole body)."""
    first = first_param(func)
    if first is None or first.type not in ("identifier", "object_pattern"):
        return None
    req = text(first) if first.type == "identifier" else None
    reads = Reads()
    analysis = _Analysis(reads, resolve, mysql, project)
    analysis.resolver_for = resolver_for
    analysis.layers = layers
    body = func.child_by_field_name("body") or func
    aliases: list[tuple[str, str, Node]] = []

    def destructured(pattern: Node, decl: Node) -> None:
        for local, part, nested in _request_parts(pattern):
            if nested is not None:
                analysis.bind_pattern(nested, None, part, decl, body, 0)
            else:
                aliases.append((local, part, decl))

    if first.type == "object_pattern":  # `({ body, query }, res) => …`
        destructured(first, first)
    for node in walk(body):
        if node.type == "call_expression":
            callee = text(node.child_by_field_name("function"))
            if _VALIDATING_CALL_RE.search(callee):
                reads.validated = True
        if node.type == "variable_declarator" and req is not None and \
                text(node.child_by_field_name("value")) == req and \
                (pattern := node.child_by_field_name("name")) is not None and \
                pattern.type == "object_pattern":
            destructured(pattern, node)  # `const { body } = req`
            continue
        if req is None:
            continue
        if node.type != "member_expression" or text(node.child_by_field_name("object")) != req:
            continue
        part = text(node.child_by_field_name("property"))
        if part in PARTS:
            _part_use(analysis, node, part, body, aliases)
    for alias, part, decl in aliases:
        for node in walk(body):
            if node.type in ("identifier", "shorthand_property_identifier") and \
                    text(node) == alias and \
                    not (decl.start_byte <= node.start_byte < decl.end_byte):
                if node.type == "shorthand_property_identifier":
                    reads.whole.append(part)
                else:
                    _part_use(analysis, node, part, body, [])
    analysis.follow_locals()
    for found, stand_in in analysis.converted:
        found.live = found.live or stand_in.live
        for harm in stand_in.harms:
            found.harms.setdefault(harm, None)
    return reads


#: String methods that no JSON object or array has: their result is a string.
_STRING_ONLY = frozenset({"toLowerCase", "toUpperCase", "toLocaleLowerCase", "toLocaleUpperCase",
                          "trim", "trimStart", "trimEnd", "normalize", "padStart", "padEnd",
                          "replace", "replaceAll", "substring", "substr", "charAt", "repeat"})


def narrowing(statement: Node) -> tuple[str, tuple[int, int]] | None:
    """Return (x, span) for ``x = x.toLowerCase()`` (also the one statement of ``if (x)`` with
    no else) directly in a block: in ``span``, from the statement's end to the block's, ``x``
    is a string or a falsy value, never an object. A string method's result is a string: a
    JSON object or array has no such method (JSON holds no functions), so the call throws on
    one instead."""
    block = statement.parent
    if block is None or block.type not in ("statement_block", "program"):
        return None
    inner = statement
    name: str | None = None
    if statement.type == "if_statement":
        if statement.child_by_field_name("alternative") is not None:
            return None
        condition = unwrap(statement.child_by_field_name("condition"))
        inner = statement.child_by_field_name("consequence") or statement
        if inner.type == "statement_block":
            only = code_children(inner)
            inner = only[0] if len(only) == 1 else statement
        if inner is statement or condition is None or condition.type != "identifier":
            return None
        name = text(condition)
    if inner.type != "expression_statement" or not inner.named_children:
        return None
    assign = unwrap(inner.named_children[0])
    if assign.type != "assignment_expression":
        return None
    left = assign.child_by_field_name("left")
    right = unwrap(assign.child_by_field_name("right"), CASTS_AND_AWAIT)
    fn = right.child_by_field_name("function") if right is not None and \
        right.type == "call_expression" else None
    if left is None or left.type != "identifier" or (name is not None and text(left) != name) \
            or fn is None or fn.type != "member_expression" or \
            text(fn.child_by_field_name("object")) != text(left) or \
            text(fn.child_by_field_name("property")) not in _STRING_ONLY:
        return None
    return text(left), (statement.end_byte, block.end_byte)


def narrowing_of(left: Node) -> tuple[int, int] | None:
    """Return ``narrowing``'s span when the identifier ``left`` is the target of one."""
    assign = left.parent
    statement = assign.parent if assign is not None else None
    if assign is None or statement is None or assign.type != "assignment_expression" or \
            assign.child_by_field_name("left") != left or \
            statement.type != "expression_statement":
        return None
    outer = statement.parent
    if outer is not None and outer.type == "statement_block" and \
            len(code_children(outer)) == 1:
        outer = outer.parent
    if outer is not None and outer.type == "if_statement":
        found = narrowing(outer)
        if found is not None:
            return found[1]
    found = narrowing(statement)
    return found[1] if found is not None else None

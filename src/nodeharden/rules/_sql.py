"""SQL text built from pieces: split a JavaScript expression into literal SQL and values, then
rewrite it to one SQL string with placeholders and a list of parameter expressions."""

from __future__ import annotations

import re

from tree_sitter import Node

from nodeharden._parse import text, unwrap
from nodeharden._record import field, record
from nodeharden._regex import lazy_pattern

#: The start of a statement that runs SQL.
SQL_START_RE = lazy_pattern(
    r"^\s*\(?\s*(select|insert|update|delete|with|replace|merge)\b", re.IGNORECASE)

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f", "v": "\v"}

#: Keywords after which a substitution is a value.
_VALUE_KEYWORDS = ("like", "ilike", "limit", "offset", "between", "then", "else", "when",
                   "is not distinct from", "regexp", "glob", "not like", "escape")
_NUMERIC_KEYWORDS = ("limit", "offset")
_NUMBER_CALL_RE = lazy_pattern(r"^(Number|parseInt|parseFloat|Math\.\w+)\s*\(|^\d+(\.\d+)?$")


@record
class Pieces:
    """A SQL expression split into literal text (``str``) and value nodes, in order."""

    parts: list[str | Node] = field(default_factory=list)
    multiline: bool = False  # the source was a template literal spanning lines
    exotic_escape: bool = False  # an escape we do not decode exactly

    def values(self) -> list[Node]:
        """Return the substituted value nodes."""
        return [p for p in self.parts if not isinstance(p, str)]

    def literal_text(self) -> str:
        """Return the SQL text with each value replaced by a blank."""
        return "".join(p if isinstance(p, str) else " " for p in self.parts)


def _decode(node: Node, pieces: Pieces) -> str:
    """Return the cooked text of the fragments and escapes of a string or template."""
    out: list[str] = []
    for child in node.named_children:
        if child.type == "string_fragment":
            out.append(text(child))
        elif child.type == "escape_sequence":
            raw = text(child)[1:]
            if raw in _ESCAPES:
                out.append(_ESCAPES[raw])
            elif len(raw) == 1 and not raw.isalnum():
                out.append(raw)
            elif raw.startswith(("\n", "\r")):
                pass  # line continuation
            else:
                pieces.exotic_escape = True
                out.append(text(child))
    return "".join(out)


def split_sql(node: Node) -> Pieces | None:
    """Return the pieces of a ``+`` concatenation or template literal, or None when the
    expression is neither (or is not built from at least one literal and one value)."""
    pieces = Pieces()
    node = unwrap(node)
    if node.type == "template_string":
        if text(node).count("\n"):
            pieces.multiline = True
        _template(node, pieces)
    elif node.type == "binary_expression" and text(node.child_by_field_name("operator")) == "+":
        _concat(node, pieces)
    else:
        return None
    merged: list[str | Node] = []
    for part in pieces.parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    pieces.parts = merged
    if not pieces.values() or not any(isinstance(p, str) for p in merged):
        return None
    return pieces


def _template(node: Node, pieces: Pieces) -> None:
    for child in node.named_children:
        if child.type == "template_substitution":
            inner = child.named_children[0] if child.named_children else None
            if inner is not None:
                _concat(inner, pieces)
        elif child.type in ("string_fragment", "escape_sequence"):
            pieces.parts.append(_decode_one(child, pieces))


def _decode_one(child: Node, pieces: Pieces) -> str:
    if child.type == "string_fragment":
        return text(child)
    raw = text(child)[1:]
    if raw in _ESCAPES:
        return _ESCAPES[raw]
    if len(raw) == 1 and not raw.isalnum():
        return raw
    pieces.exotic_escape = True
    return text(child)


def _concat(node: Node, pieces: Pieces) -> None:
    node = unwrap(node)
    if node.type == "binary_expression" and text(node.child_by_field_name("operator")) == "+":
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        # `a + (b + c)` where b is a number would change meaning if flattened only when the
        # left side is not a string; SQL concatenation always starts from a string.
        if left is not None and right is not None:
            _concat(left, pieces)
            _concat(right, pieces)
            return
    if node.type == "string":
        pieces.parts.append(_decode(node, pieces))
    elif node.type == "number":
        pieces.parts.append(text(node))
    elif node.type == "template_string":
        if "\n" in text(node):
            pieces.multiline = True
        _template(node, pieces)
    else:
        pieces.parts.append(node)


def looks_like_sql(pieces: Pieces) -> bool:
    """Return True when the literal text starts like a SQL statement."""
    first = pieces.parts[0]
    return isinstance(first, str) and SQL_START_RE.match(first) is not None


@record
class Rewrite:
    """SQL with placeholders and the parameter expressions (JavaScript source)."""

    sql: str
    params: list[str]
    problems: list[str]
    #: Constant SQL fragments left in the text (see ``parameterize``).
    inline: int = 0


def template_literal(parts: list[str | Node]) -> str:
    """Return a JavaScript template literal producing the concatenation of ``parts``."""
    out = ["`"]
    for part in parts:
        if isinstance(part, str):
            out.append(part.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${"))
        else:
            out.append("${" + text(part) + "}")
    out.append("`")
    return "".join(out)


def _numeric_param(node: Node) -> str:
    source = text(node)
    if _NUMBER_CALL_RE.match(source):
        return source
    return f"Number({source})"


def _value_context(before: str) -> tuple[str, str | None]:
    """Classify the SQL text before a bare substitution: ("value"|"number"|"in"|"other",
    what it looks like for the message)."""
    stripped = before.rstrip()
    low = stripped.lower()
    if re.search(r"(<>|!=|<=|>=|=|<|>|[+\-*/])$", stripped):
        return "value", None
    for keyword in _NUMERIC_KEYWORDS:
        if re.search(rf"\b{keyword}$", low):
            return "number", None
    if re.search(r"\bbetween\s+\S+\s+and$", low):
        return "value", None
    for keyword in _VALUE_KEYWORDS:
        if re.search(rf"\b{keyword}$", low):
            return "value", None
    if stripped.endswith(("(", ",")):
        owner = _paren_keyword(stripped)
        if owner == "in":
            return "in", "an `IN (...)` list"
        if owner == "values":
            return "value", None
        if owner == "call":
            return "value", None
    if re.search(r"\b(order|group)\s+by(\s+\S+(\s+(asc|desc))?\s*,)*$", low) or \
            re.search(r"\b(asc|desc)$", low):
        return "other", "an `ORDER BY`/`GROUP BY` column or direction"
    if re.search(r"\b(from|join|into|update|table|exists)$", low):
        return "other", "a table name"
    if re.search(r"\bselect(\s+distinct)?$", low):
        return "other", _SELECT_LIST
    if stripped.endswith(","):
        clauses = re.findall(r"\b(select|from|join|where|set|into|by|having|on)\b", low)
        clause = clauses[-1] if clauses else ""
        if clause == "select":
            return "other", _SELECT_LIST
        if clause in ("from", "join"):
            return "other", "a table name"
        return "other", "a column name" if clause == "into" else None
    return "other", None


#: What a bare substitution in a select list is: a column, or any expression (a function
#: call, a literal, a sub-query), not necessarily a name.
_SELECT_LIST = "part of the select list (a column or an expression)"


_FUNCTIONS = {"lower", "upper", "trim", "coalesce", "ifnull", "nullif", "length", "abs",
              "round", "date", "datetime", "concat", "md5", "sha1", "sha2", "unhex", "hex"}


def _paren_keyword(before: str) -> str | None:
    """Return what the innermost unclosed ``(`` before the end of ``before`` belongs to."""
    depth = 0
    for index in range(len(before) - 1, -1, -1):
        char = before[index]
        if char == ")":
            depth += 1
        elif char == "(":
            if depth == 0:
                head = before[:index].rstrip().lower()
                if re.search(r"\bnot\s+in$|\bin$", head):
                    return "in"
                if re.search(r"\bvalues$", head) or head.endswith("values"):
                    return "values"
                match = re.search(r"(\w+)$", head)
                if match and match.group(1) in _FUNCTIONS:
                    return "call"
                return None
            depth -= 1
    return None


def parameterize(pieces: Pieces, placeholder: str,
                 constant: frozenset[tuple[int, int]] = frozenset(),
                 escaped: frozenset[tuple[int, int]] = frozenset()) -> Rewrite:
    """Return the statement with every value replaced by a placeholder (``?`` or ``$``).

    A value inside a quoted SQL string turns the whole quoted string into one parameter (so
    ``LIKE '%${term}%'`` becomes ``LIKE ?`` with ``\\`%${term}%\\``` as its parameter); a bare
    value in a value position becomes a placeholder; a bare value elsewhere stays in the text
    when it is only constant SQL (its byte span in ``constant``: a fragment chosen by a
    condition, a column list written in the code) and is a problem otherwise. A value the
    driver has already escaped (its span in ``escaped``) is a problem wherever it sits: a
    placeholder would escape it a second time, and the stored text would keep the quotes."""
    out: list[str] = []
    params: list[str] = []
    problems: list[str] = []
    twice: list[str] = []  # escaped values: after the other problems, which say more
    state = "code"
    literal: list[str | Node] = []
    raw: list[str] = []
    literal_escape = False
    inline = 0

    def mark() -> str:
        params_count = len(params)
        return "?" if placeholder == "?" else f"${params_count}"

    for index, part in enumerate(pieces.parts):
        if not isinstance(part, str):
            if (part.start_byte, part.end_byte) in escaped:
                twice.append(
                    f"`{text(part)}` is already escaped for SQL and a placeholder would escape "
                    "it again: make every value a parameter, passing what the escaping call "
                    "is given")
                if state == "str":
                    literal.append(part)
                else:
                    out.append(text(part))
                continue
            if state == "str":
                literal.append(part)
                continue
            if state != "code":
                problems.append(f"`${{{text(part)}}}` sits inside a quoted identifier or comment")
                out.append(text(part))
                continue
            before = "".join(out)
            after = pieces.parts[index + 1] if index + 1 < len(pieces.parts) else ""
            after = after if isinstance(after, str) else " "
            glued = re.search(r"[\w.$]$", before) is not None or \
                re.match(r"[\w.$]", after) is not None
            kind, what = _value_context(before)
            if glued:
                kind, what = "other", "part of a name"
            if kind in ("in", "other") and (part.start_byte, part.end_byte) in constant:
                inline += 1
                out.append(text(part))
            elif kind == "value":
                params.append(text(part))
                out.append(mark())
            elif kind == "number":
                params.append(_numeric_param(part))
                out.append(mark())
            elif kind == "in":
                problems.append(
                    f"`{text(part)}` fills an `IN (...)` list: use one placeholder per element")
                out.append(text(part))
            else:
                where = what or "an identifier or SQL fragment"
                problems.append(
                    f"`{text(part)}` is {where}, which a placeholder cannot replace: check it "
                    "against an allow-list")
                out.append(text(part))
            continue
        i = 0
        while i < len(part):
            char = part[i]
            if state == "code":
                if char == "'":
                    state, literal, raw, literal_escape = "str", [], ["'"], False
                    i += 1
                    continue
                if char == '"':
                    state = "dq"
                elif char == "`":
                    state = "bq"
                elif part.startswith("--", i):
                    state = "line"
                elif part.startswith("/*", i):
                    state = "block"
                elif char == "?" and placeholder == "?" or \
                        char == "$" and placeholder == "$" and part[i + 1:i + 2].isdigit():
                    problems.append("the statement already has placeholders next to built text")
                out.append(char)
            elif state == "str":
                if char == "\\":
                    literal_escape = True
                    raw.append(part[i:i + 2])
                    literal.append(part[i:i + 2])
                    i += 2
                    continue
                if char == "'":
                    if part.startswith("''", i):
                        raw.append("''")
                        literal.append("'")
                        i += 2
                        continue
                    state = "code"
                    if any(not isinstance(p, str) for p in literal):
                        if literal_escape:
                            problems.append("a quoted value uses backslash escapes")
                        params.append(_literal_param(literal))
                        out.append(mark())
                    else:
                        out.append("".join(raw) + "'")
                    i += 1
                    continue
                raw.append(char)
                literal.append(char)
            else:
                out.append(char)
                if state == "dq" and char == '"' or state == "bq" and char == "`" or state == "line" and char == "\n" or state == "block" and part.startswith("*/", i - 1) and i > 0:
                    state = "code"
            i += 1
    if state == "str":
        problems.append("a quoted string is not closed")
    return Rewrite(sql="".join(out), params=params, problems=problems + twice, inline=inline)


def _literal_param(literal: list[str | Node]) -> str:
    merged: list[str | Node] = []
    for part in literal:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    if len(merged) == 1 and not isinstance(merged[0], str):
        return text(merged[0])
    return template_literal(merged)


def js_string(value: str, preferred: str, *, multiline: bool = False) -> str:
    """Return ``value`` as a readable JavaScript string literal: the preferred quote when the
    text does not contain it, else the other quote, else a template literal (also for text
    with line breaks)."""
    if "\n" in value or multiline:
        return template_literal([value])
    other = '"' if preferred == "'" else "'"
    for quote in (preferred, other):
        if quote not in value and "\\" not in value:
            return f"{quote}{value}{quote}"
    if "`" not in value and "\\" not in value and "${" not in value:
        return f"`{value}`"
    escaped = value.replace("\\", "\\\\").replace(preferred, "\\" + preferred)
    return f"{preferred}{escaped}{preferred}"

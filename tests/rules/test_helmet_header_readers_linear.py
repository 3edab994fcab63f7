"""helmet: the per-file header readers stay linear on deep chains and nests of setter calls.

They find setter calls from the method names in the text (few needles: each looked up from the
root down) and fall back to one pass over every call for many; a receiver's last name is read
from its end. Before, a chain of 8,000 ``.set('X-Frame-Options', …)`` calls took 3.5 s (the
whole chain's text read per call). The readers' answers are checked too: the chain sets
X-Frame-Options, a table handed to ``res.set`` is sent, a settings loop is found.
"""

from __future__ import annotations

from collections.abc import Callable

from _complexity import growth

from nodeharden._parse import parse
from nodeharden.rules.helmet import header_maps, headers_set_by_app, settings_loops

N = 200  # and 4 * N: past the few needles looked up one by one (_FEW_NEEDLES)


def _readers(source: bytes) -> Callable[[], tuple[set[str], int, frozenset[str]]]:
    root = parse("javascript", source).root_node

    def read() -> tuple[set[str], int, frozenset[str]]:
        sets = headers_set_by_app("javascript", root, source).everywhere
        loops = settings_loops("javascript", root, source, "x-powered-by")
        sent = header_maps("javascript", root, source).sent
        return sets, len(loops), sent

    return read


def _read(source: bytes) -> tuple[set[str], int, frozenset[str]]:
    return _readers(source)()


def _chain(count: int) -> bytes:
    return b"app.use((req, res, next) => { res" + b"".join(
        b".set('X-Frame-Options', v%d)" % i for i in range(count)) + b"; next(); });\n"


def _nested(count: int) -> bytes:
    return b"const h = { 'X-Frame-Options': 'DENY' };\n" + b"res.set(" * count + b"h" + \
        b")" * count + b";\n"


def test_a_deep_chain_of_setter_calls_is_read_in_linear_time() -> None:
    _, (sets, _, _) = growth(lambda count: _readers(_chain(count)), N)
    assert sets == {"x-frame-options"}


def test_nested_setter_calls_and_tables_are_read_in_linear_time() -> None:
    _, (sets, _, sent) = growth(lambda count: _readers(_nested(count)), N)
    assert sent == {"x-frame-options"}  # the table the innermost res.set is handed
    assert sets == set()


def test_many_settings_calls_fall_back_to_one_pass_with_the_same_answer() -> None:
    # More `.set` needles than the readers look up one by one: the loop is still found.
    noise = b"".join(b"cache.set(k%d, 1);\n" % i for i in range(200))
    loop = b"const app = express();\nconst s = { 'x-powered-by': false };\n" \
        b"for (const k in s) app.set(k, s[k]);\n"
    few = _read(loop)
    many = _read(noise + loop)
    assert few[1] == many[1] == 1

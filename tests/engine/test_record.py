"""``nodeharden._record`` behaves as the ``dataclasses`` features it replaces: each class shape
below is made twice, once by ``dataclasses.dataclass`` and once by ``record``, and both must
build, show, compare, hash, copy and pickle alike, and refuse the same bad calls."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import subprocess
import sys
from typing import Any, ClassVar

import pytest

from nodeharden import _record
from nodeharden._record import FrozenInstanceError, field, fields, is_record, record, replace


def _shapes(make: Any, field_of: Any) -> dict[str, type]:
    """Return the same class bodies decorated by ``make`` (dataclass or record)."""

    @make
    class Plain:
        name: str
        line: int = 0
        tags: list[str] = field_of(default_factory=list)
        limit: ClassVar[int] = 5

    @make(frozen=True)
    class Frozen:
        path: str
        kind: str = field_of(default="other", compare=False)
        hidden: str = field_of(default="", repr=False)

    @make(slots=True)
    class Slotted:
        module: str
        line: int = 0
        named: dict[str, str] = field_of(default_factory=dict)
        names: set[str] = field_of(default_factory=set)

    @make
    class Checked:
        status: str
        reason: str = ""
        kind: str | None = None

        def __post_init__(self) -> None:
            if self.kind is None and self.reason:
                self.kind = self.reason.upper()

    @make(frozen=True)
    class FrozenPost:
        reason: str
        kind: str = ""

        def __post_init__(self) -> None:
            if not self.kind:
                object.__setattr__(self, "kind", self.reason[:3])

    @make
    class Base:
        first: str
        second: int = 1

    @make
    class Child(Base):
        third: list[int] = field_of(default_factory=list)

    @make(frozen=True)
    class OwnHash:
        value: int

        def __hash__(self) -> int:
            return 7

    return {cls.__name__: cls for cls in (Plain, Frozen, Slotted, Checked, FrozenPost, Base,
                                          Child, OwnHash)}


# Module level, so that pickle finds them by name.
DC = _shapes(dataclasses.dataclass, dataclasses.field)
RC = _shapes(record, field)
for _name, _cls in RC.items():
    _cls.__qualname__ = _cls.__name__ = f"R{_name}"
    globals()[f"R{_name}"] = _cls
for _name, _cls in DC.items():
    _cls.__qualname__ = _cls.__name__ = f"D{_name}"
    globals()[f"D{_name}"] = _cls

CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("Plain", ("a",), {}),
    ("Plain", ("a", 3), {}),
    ("Plain", (), {"name": "a", "tags": ["x"]}),
    ("Plain", ("a",), {"tags": ["y"], "line": 9}),
    ("Frozen", ("p",), {}),
    ("Frozen", ("p", "k", "h"), {}),
    ("Frozen", (), {"path": "p", "hidden": "secret"}),
    ("Slotted", ("m",), {}),
    ("Slotted", ("m", 2, {"a": "b"}, {"c"}), {}),
    ("Slotted", (), {"module": "m", "names": {"x"}}),
    ("Checked", ("failed",), {"reason": "boom"}),
    ("Checked", ("failed", "boom", "kept"), {}),
    ("FrozenPost", ("syntax error",), {}),
    ("FrozenPost", (), {"reason": "x", "kind": "y"}),
    ("Base", ("a",), {}),
    ("Child", ("a", 2, [1]), {}),
    ("Child", ("a",), {"third": [3]}),
    ("OwnHash", (1,), {}),
]

BAD_CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("Plain", (), {}),
    ("Plain", ("a", 1, [], "extra"), {}),
    ("Plain", ("a",), {"nope": 1}),
    ("Plain", ("a",), {"name": "b"}),
    ("Slotted", (), {}),
    ("Slotted", ("m", 1, {}, set(), 5), {}),
    ("Slotted", ("m",), {"module": "n"}),
    ("Slotted", ("m",), {"nope": 1}),
    ("Frozen", (), {"kind": "k"}),
    ("Child", (), {"third": []}),
]


def _same_values(left: Any, right: Any) -> None:
    assert [f.name for f in dataclasses.fields(left)] == [f.name for f in fields(right)]
    for f in fields(right):
        assert getattr(left, f.name) == getattr(right, f.name), f.name


@pytest.mark.parametrize(("shape", "args", "kwargs"), CALLS)
def test_builds_shows_and_compares_as_dataclasses(shape: str, args: tuple[Any, ...],
                                                 kwargs: dict[str, Any]) -> None:
    made = RC[shape](*copy.deepcopy(args), **copy.deepcopy(kwargs))
    expected = DC[shape](*copy.deepcopy(args), **copy.deepcopy(kwargs))
    _same_values(expected, made)
    assert repr(made)[1:] == repr(expected)[1:]  # "RPlain(…)" against "DPlain(…)"
    again = RC[shape](*copy.deepcopy(args), **copy.deepcopy(kwargs))
    assert made == again and not made != again
    assert (made == expected) is False  # another class: not equal, as dataclasses
    if DC[shape].__hash__ is None:
        assert RC[shape].__hash__ is None
        with pytest.raises(TypeError):
            hash(made)
    else:
        assert hash(made) == hash(again)
        assert hash(made) == hash(expected) or shape == "OwnHash" or isinstance(
            hash(made), int)
    for clone in (pickle.loads(pickle.dumps(made, pickle.HIGHEST_PROTOCOL)), copy.copy(made),
                  copy.deepcopy(made)):
        assert clone == made and type(clone) is type(made)
    assert is_record(made) and not is_record(RC[shape]) and not is_record(expected)


def test_compare_false_fields_are_left_out_of_eq_and_hash() -> None:
    one, two = RC["Frozen"]("p", "a"), RC["Frozen"]("p", "b")
    assert one == two and hash(one) == hash(two)
    assert RC["Frozen"]("p") != RC["Frozen"]("q")
    assert "hidden" not in repr(RC["Frozen"]("p", hidden="secret"))


@pytest.mark.parametrize(("shape", "args", "kwargs"), BAD_CALLS)
def test_bad_calls_raise_the_same_type_error(shape: str, args: tuple[Any, ...],
                                             kwargs: dict[str, Any]) -> None:
    with pytest.raises(TypeError) as expected:
        DC[shape](*args, **kwargs)
    with pytest.raises(TypeError) as got:
        RC[shape](*args, **kwargs)
    # The same complaint, naming the same argument (the class name differs).
    assert str(got.value).split("__init__() ")[1] == str(expected.value).split("__init__() ")[1]


def test_frozen_records_refuse_assignment() -> None:
    made = RC["Frozen"]("p")
    with pytest.raises(FrozenInstanceError):
        made.path = "q"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del made.path  # type: ignore[misc]
    assert isinstance(FrozenInstanceError("x"), AttributeError)
    assert made.path == "p"


def test_factories_give_each_instance_its_own_value() -> None:
    one, two = RC["Plain"]("a"), RC["Plain"]("b")
    one.tags.append("x")
    assert two.tags == []
    slotted = RC["Slotted"]("m")
    slotted.named["k"] = "v"
    assert RC["Slotted"]("n").named == {}


def test_slots_and_class_attributes() -> None:
    slotted = RC["Slotted"]("m")
    assert not hasattr(slotted, "__dict__")
    assert RC["Slotted"].__slots__ == DC["Slotted"].__slots__ == ("module", "line", "named",
                                                                   "names")
    with pytest.raises(AttributeError):
        slotted.other = 1  # type: ignore[attr-defined]
    assert RC["Plain"].line == DC["Plain"].line == 0  # a plain default stays on the class
    assert RC["Plain"].limit == 5 and "limit" not in [f.name for f in fields(RC["Plain"])]
    assert not hasattr(RC["Plain"], "tags") and not hasattr(DC["Plain"], "tags")


def test_slotted_records_match_dataclass_slots() -> None:
    @dataclasses.dataclass(slots=True)
    class Expected:
        module: str
        line: int = 0

    @record(slots=True)
    class Made:
        module: str
        line: int = 0

    assert Made.__slots__ == Expected.__slots__ == ("module", "line")
    assert Made.__qualname__.endswith("Made")


def test_replace_and_fields() -> None:
    made = RC["Checked"]("failed", "boom")
    changed = replace(made, reason="bang", kind=None)
    assert changed.kind == "BANG" and made.kind == "BOOM"  # __post_init__ ran again
    assert replace(RC["Slotted"]("m"), line=4).line == 4
    frozen = replace(RC["FrozenPost"]("syntax"), reason="other")
    assert frozen.kind == "syn"  # kept: replace passes every field
    assert [f.name for f in fields(RC["Child"])] == ["first", "second", "third"]
    with pytest.raises(TypeError):
        replace(made, nope=1)
    with pytest.raises(TypeError):
        fields(object())


def test_declaration_errors() -> None:
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):
        @record
        class Wrong:
            a: int = 0
            b: int

    with pytest.raises(ValueError, match="mutable default"):
        @record
        class Shared:
            a: list[int] = []  # noqa: RUF012

    with pytest.raises(ValueError):
        field(default=1, default_factory=list)


def test_a_check_imports_neither_dataclasses_nor_inspect() -> None:
    """The point of ``_record``: ``check``'s path (the command, the engine, every rule) leaves
    out ``dataclasses`` and ``inspect`` (whose import and method compiling cost 25-30 ms of
    each start)."""
    code = ("import sys\n"
            "import nodeharden._cli, nodeharden._cmd_check, nodeharden._scan\n"
            "from nodeharden.rules import registry\n"
            "registry()\n"
            "print(sorted(m for m in ('dataclasses', 'inspect') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_records_all_over_the_code_are_records() -> None:
    """Every class the engine and the rules declare as data is a record (a stray
    ``@dataclass`` would bring the import cost back)."""
    import pathlib

    src = pathlib.Path(_record.__file__).parent
    offenders = [str(path.relative_to(src)) for path in src.rglob("*.py")
                 if "from dataclasses import" in path.read_text()
                 or "import dataclasses" in path.read_text()]
    assert offenders == []

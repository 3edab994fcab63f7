"""Record classes: the part of ``dataclasses`` nodeharden uses, without its start-up cost.

``@record`` (``frozen=``, ``slots=``) gives a class whose annotated attributes are its fields
an ``__init__`` (positional or keyword arguments, defaults, ``field(default_factory=…)``,
``__post_init__``), a ``__repr__`` and an ``__eq__`` over its fields; a frozen record refuses
assignment and hashes by its compared fields, as ``dataclasses`` does, and a record that is not
frozen is unhashable. ``field``, ``fields``, ``replace`` and ``is_record`` stand for their
``dataclasses`` namesakes; type checkers read ``record`` as a data class (PEP 681).

Why not ``dataclasses``: it compiles every generated method with ``exec`` when a class is
defined, and importing it imports ``inspect`` (with ``ast``, ``dis`` and ``tokenize``). The 39
data classes on ``check``'s path cost 25-30 ms of each start that way, a tenth of a check of a
300-file application (issue 17, item 13); here the methods are closures over each class's
field table, built in about 30 microseconds a class (1 ms for the 39). Building an instance
through the shared ``__init__`` costs about half a microsecond more with every field given
positionally and one to one and a half otherwise, and a check of that application builds
about 2,300.
"""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING, Any, Callable, ClassVar, NoReturn, TypeVar, overload

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:
    def dataclass_transform(**_kwargs: Any) -> Callable[[Any], Any]:
        return lambda function: function

__all__ = ["MISSING", "Field", "FrozenInstanceError", "field", "fields", "is_record", "record",
           "replace"]

_C = TypeVar("_C", bound=type)
_T = TypeVar("_T")


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


#: The "no default" marker of ``field``.
MISSING: Any = _Missing()


class FrozenInstanceError(AttributeError):
    """Assignment to a field of a frozen record."""


class Field:
    """One field of a record: its name, default or default factory, and whether ``__repr__``
    shows it and ``__eq__`` (and a frozen record's ``__hash__``) compares it."""

    __slots__ = ("name", "default", "default_factory", "repr", "compare")

    def __init__(self, default: Any, default_factory: Any, repr: bool, compare: bool) -> None:
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.repr = repr
        self.compare = compare

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, default={self.default!r})"


def field(*, default: Any = MISSING, default_factory: Callable[[], Any] | Any = MISSING,
          repr: bool = True, compare: bool = True) -> Any:
    """Describe a field with a default, a default factory, or left out of repr or eq."""
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return Field(default, default_factory, repr, compare)


def _annotations(cls: type) -> dict[str, Any]:
    own = cls.__dict__.get("__annotations__")
    if own is None and "__annotate__" in cls.__dict__:  # Python 3.14 without the future import
        import annotationlib  # type: ignore[import-not-found,unused-ignore]
        own = annotationlib.get_annotations(cls, format=annotationlib.Format.FORWARDREF)
    return dict(own or {})


def _is_class_var(annotation: Any) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return annotation is ClassVar or getattr(annotation, "__origin__", None) is ClassVar


def _collect(cls: type) -> dict[str, Field]:
    """Return the fields of ``cls``: its bases' first (farthest base first), then its own."""
    found: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        for spec in base.__dict__.get("__record_fields__", ()):
            found[spec.name] = spec
    for name, annotation in _annotations(cls).items():
        if _is_class_var(annotation):
            continue
        value = cls.__dict__.get(name, MISSING)
        if isinstance(value, Field):
            spec = value
        else:
            if isinstance(value, (list, dict, set)):
                raise ValueError(f"mutable default {type(value)} for field {name} is not "
                                 "allowed: use default_factory")
            spec = Field(value, MISSING, True, True)
        spec.name = name
        found[name] = spec
    return found


def _set_new(cls: type, name: str, value: Any) -> None:
    if name not in cls.__dict__:
        setattr(cls, name, value)


def _slotted(cls: type, names: list[str]) -> type:
    """Return ``cls`` made again with ``__slots__`` for its own fields (as ``dataclasses``
    does: slots cannot be added to a class that exists)."""
    inherited = {slot for base in cls.__mro__[1:-1] for slot in base.__dict__.get("__slots__", ())}
    namespace = dict(cls.__dict__)
    namespace["__slots__"] = tuple(name for name in names if name not in inherited)
    for name in names:
        namespace.pop(name, None)
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    made: type = type(cls)(cls.__name__, cls.__bases__, namespace)
    made.__qualname__ = cls.__qualname__
    return made


def _make_init(cls: type, specs: list[Field], slots: bool, post_init: bool) -> Callable[..., None]:
    names = tuple(spec.name for spec in specs)
    count = len(names)
    known = frozenset(names)
    index = {name: at for at, name in enumerate(names)}
    #: Each field's default, or MISSING for one that has none or a factory.
    template = [spec.default for spec in specs]
    factories = tuple((at, spec.default_factory) for at, spec in enumerate(specs)
                      if spec.default_factory is not MISSING)
    required = frozenset(spec.name for spec in specs
                         if spec.default is MISSING and spec.default_factory is MISSING)
    least = len(required)
    qualname = cls.__qualname__
    setters = tuple(getattr(cls, name).__set__ for name in names) if slots else ()

    def complain(args: tuple[Any, ...], kwargs: dict[str, Any]) -> NoReturn:
        """Raise the TypeError a compiled ``__init__`` raises for these arguments."""
        if len(args) > count:
            takes = f"{count + 1}" if least == count else f"from {least + 1} to {count + 1}"
            raise TypeError(f"{qualname}.__init__() takes {takes} positional arguments but "
                            f"{len(args) + 1} were given")
        unexpected = next((key for key in kwargs if key not in known), None)
        if unexpected is not None:
            raise TypeError(f"{qualname}.__init__() got an unexpected keyword argument "
                            f"'{unexpected}'")
        twice = next((name for name in names[:len(args)] if name in kwargs), None)
        if twice is not None:
            raise TypeError(f"{qualname}.__init__() got multiple values for argument "
                            f"'{twice}'")
        missing = next(name for name in names[len(args):]
                       if name in required and name not in kwargs)
        raise TypeError(f"{qualname}.__init__() missing 1 required positional argument: "
                        f"'{missing}'")

    def bound(args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
        """Return every field's value, in order, from ``args``, ``kwargs``, the defaults and
        the factories (``complain`` when they do not fit)."""
        given = len(args)
        if given > count:
            complain(args, kwargs)
        values = [*args, *template[given:]]
        for key, value in kwargs.items():
            at = index.get(key, -1)
            if at < given:
                complain(args, kwargs)
            values[at] = value
        for at, factory in factories:
            if values[at] is MISSING:
                values[at] = factory()
        if MISSING in values:
            complain(args, kwargs)
        return values

    # The common call, every field positional, binds nothing.
    if slots:
        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            for setter, value in zip(setters, bound(args, kwargs)
                                     if kwargs or len(args) != count else args):
                setter(self, value)
            if post_init:
                self.__post_init__()
    else:
        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            self.__dict__.update(zip(names, bound(args, kwargs)
                                     if kwargs or len(args) != count else args))
            if post_init:
                self.__post_init__()
    __init__.__qualname__ = f"{qualname}.__init__"
    return __init__


def _values(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """Return a function giving an instance's values of ``names`` as a tuple."""
    if not names:
        return lambda _self: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda self: (one(self),)
    return attrgetter(*names)


def _build(cls: _C, frozen: bool, slots: bool) -> _C:
    found = _collect(cls)
    own = _annotations(cls)
    for name in own:
        spec = found.get(name)
        if spec is None:
            continue
        if spec.default is MISSING or slots:
            if name in cls.__dict__:
                delattr(cls, name)
        else:
            setattr(cls, name, spec.default)
    specs = list(found.values())
    seen_default = None
    for spec in specs:
        if spec.default is not MISSING or spec.default_factory is not MISSING:
            seen_default = spec.name
        elif seen_default is not None:
            raise TypeError(f"non-default argument {spec.name!r} follows default argument")
    if frozen and slots:
        raise TypeError("a frozen record cannot have slots")
    if slots:
        cls = _slotted(cls, [name for name in own if name in found])  # type: ignore[assignment]
    cls.__record_fields__ = tuple(specs)  # type: ignore[attr-defined]
    cls.__record_frozen__ = frozen  # type: ignore[attr-defined]
    _set_new(cls, "__init__", _make_init(cls, specs, slots, hasattr(cls, "__post_init__")))

    shown = [spec.name for spec in specs if spec.repr]
    shown_values = _values(shown)

    def __repr__(self: Any) -> str:
        parts = ", ".join(f"{name}={value!r}" for name, value in zip(shown, shown_values(self)))
        return f"{self.__class__.__qualname__}({parts})"

    compared = _values([spec.name for spec in specs if spec.compare])

    def __eq__(self: Any, other: object) -> bool:
        if other.__class__ is self.__class__:
            return bool(compared(self) == compared(other))
        return NotImplemented

    _set_new(cls, "__repr__", __repr__)
    explicit_hash = "__hash__" in cls.__dict__ and not (
        cls.__dict__["__hash__"] is None and "__eq__" in cls.__dict__)
    _set_new(cls, "__eq__", __eq__)
    if not explicit_hash:
        if frozen:
            def __hash__(self: Any) -> int:
                return hash(compared(self))
            cls.__hash__ = __hash__  # type: ignore[assignment]
        else:
            cls.__hash__ = None  # type: ignore[assignment]
    if frozen:
        def __setattr__(self: Any, name: str, value: Any) -> None:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")

        def __delattr__(self: Any, name: str) -> None:
            raise FrozenInstanceError(f"cannot delete field {name!r}")

        cls.__setattr__ = __setattr__  # type: ignore[assignment]
        cls.__delattr__ = __delattr__  # type: ignore[assignment]
    return cls


@overload
def record(cls: _C, /) -> _C: ...


@overload
def record(*, frozen: bool = False, slots: bool = False) -> Callable[[_C], _C]: ...


@dataclass_transform(field_specifiers=(field, Field))
def record(cls: _C | None = None, /, *, frozen: bool = False,
           slots: bool = False) -> _C | Callable[[_C], _C]:
    """Make ``cls`` a record (``@record`` or ``@record(frozen=True)``)."""
    if cls is None:
        return lambda made: _build(made, frozen, slots)
    return _build(cls, frozen, slots)


def fields(value: Any) -> tuple[Field, ...]:
    """Return the fields of a record or record class, in ``__init__``'s order."""
    found: tuple[Field, ...] | None = getattr(value, "__record_fields__", None)
    if found is None:
        raise TypeError("must be called with a record type or instance")
    return found


def is_record(value: Any) -> bool:
    """Return whether ``value`` is a record instance (not a record class)."""
    return not isinstance(value, type) and hasattr(type(value), "__record_fields__")


def replace(value: _T, /, **changes: Any) -> _T:
    """Return a copy of the record ``value`` with ``changes`` (``__init__`` and
    ``__post_init__`` run again, as ``dataclasses.replace`` does)."""
    for spec in fields(value):
        if spec.name not in changes:
            changes[spec.name] = getattr(value, spec.name)
    return value.__class__(**changes)

"""``.nodeharden.yml``: project-wide options, validated against a JSON schema.

jsonschema is used instead of hand-written checks so that every option gets a precise,
path-qualified error message for free; it is only imported when a config file exists.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

from nodeharden._record import field, record
from nodeharden.errors import ConfigError

CONFIG_NAMES = (".nodeharden.yml", ".nodeharden.yaml")

_SIZE = r"^[0-9]+(\.[0-9]+)?\s*(b|kb|mb)$"

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "select": {"type": "array", "items": {"type": "string"}},
        "ignore": {"type": "array", "items": {"type": "string"}},
        "exclude": {"type": "array", "items": {"type": "string"}},
        "roles": {"type": "array", "items": {"type": "string"}},
        "body_limit": {"type": "string", "pattern": _SIZE},
        "body_limit_max": {"type": "string", "pattern": _SIZE},
        "upload_limit_max": {"type": "string", "pattern": _SIZE},
        "trust_proxy": {"oneOf": [{"type": "integer", "minimum": 1},
                                  {"type": "string", "minLength": 1}]},
        "rate_limit": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "points": {"type": "integer", "minimum": 1},
                "duration": {"type": "integer", "minimum": 1},
                "login_points": {"type": "integer", "minimum": 1},
                "login_duration": {"type": "integer", "minimum": 1},
                "store": {"enum": ["memory", "redis"]},
                "redis_url_env": {"type": "string"},
            },
        },
        "security_txt": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "contact": {"type": "string", "minLength": 1},
                "policy": {"type": "string"},
                "languages": {"type": "string"},
                "expires_days": {"type": "integer", "minimum": 1, "maximum": 366},
            },
        },
        "validators": {"type": "array", "items": {"type": "string"}},
        "input_validation": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "robustness": {"type": "boolean"},
            },
        },
        "session": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "cookie_name": {"type": "string", "minLength": 1},
                "same_site": {"enum": ["strict", "lax"]},
            },
        },
    },
}


class RateLimitOptions(NamedTuple):
    """Limits written by the ``rate-limit`` fix (generous defaults: apps' own tests must pass)."""

    points: int = 300
    duration: int = 60
    login_points: int = 20
    login_duration: int = 900
    store: str = "memory"
    redis_url_env: str = "REDIS_URL"


class SecurityTxtOptions(NamedTuple):
    """Fields of the security.txt that the ``security-txt`` fix writes."""

    contact: str | None = None
    policy: str | None = None
    languages: str = "en"
    expires_days: int = 365


class SessionOptions(NamedTuple):
    """Cookie settings written by the ``session-cookie`` fix."""

    cookie_name: str = "sid"
    same_site: str = "lax"


class InputValidationOptions(NamedTuple):
    """What ``input-validation`` reports: by default only routes where a request field can do
    an injection-class harm; ``robustness`` also reports fields whose wrong type only makes
    the handler fail (``.length`` of a missing value, a value passed to a library)."""

    robustness: bool = False


@record(frozen=True)
class Config:
    """Validated project options; defaults when there is no config file."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    #: File roles scanned besides application code (``tests``, ``examples``…; see _roles).
    roles: tuple[str, ...] = ()
    body_limit: str = "100kb"
    #: The largest body limit ``body-limit`` accepts without a finding, when the project sets
    #: one; None: an explicit limit is the app's decision unless it is far above any plausible
    #: need (see the rule). Fixes lower a limit to it (``1mb`` when unset).
    body_limit_max: str | None = None
    #: The largest upload file size ``body-limit`` accepts without a finding, when the project
    #: sets one; None: an explicit bound is the app's decision unless it holds 50mb or more in
    #: memory (see the rule). Fixes bound an upload to it (``10mb`` when unset).
    upload_limit_max: str | None = None
    #: The proxy hops (or addresses) in front of the app in production, as the deployer
    #: declares them; nodeharden never sets ``trust proxy`` itself.
    trust_proxy: int | str | None = None
    rate_limit: RateLimitOptions = field(default_factory=RateLimitOptions)
    security_txt: SecurityTxtOptions = field(default_factory=SecurityTxtOptions)
    session: SessionOptions = field(default_factory=SessionOptions)
    validators: tuple[str, ...] = ()
    input_validation: InputValidationOptions = field(default_factory=InputValidationOptions)
    path: Path | None = None


def find_config(root: Path) -> Path | None:
    """Return the config file in ``root``, if there is one."""
    for name in CONFIG_NAMES:
        candidate = root / name
        if candidate.is_file():
            return candidate
    return None


def load_config(root: Path, explicit: Path | None = None) -> Config:
    """Read and validate the project's options; raise ``ConfigError`` with one clear line."""
    path = explicit if explicit is not None else find_config(root)
    if path is None:
        return Config()
    if not path.is_file():
        raise ConfigError(f"config file {path} does not exist")
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path.name}: cannot read: {exc}") from None
    try:
        raw = YAML(typ="safe").load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path.name}: invalid YAML{where}: {problem}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path.name}: expected a mapping of options at the top level")
    import jsonschema

    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = sorted(validator.iter_errors(raw), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        where = ".".join(str(p) for p in err.absolute_path) or "top level"
        raise ConfigError(f"{path.name}: {where}: {err.message}")
    limit = str(raw.get("body_limit", "100kb")).replace(" ", "").lower()
    if not re.match(_SIZE, limit):  # pragma: no cover - guarded by the schema
        raise ConfigError(f"{path.name}: body_limit: {limit!r} is not a size like '100kb'")
    limit_max = str(raw["body_limit_max"]).replace(" ", "").lower() \
        if "body_limit_max" in raw else None
    upload_max = str(raw["upload_limit_max"]).replace(" ", "").lower() \
        if "upload_limit_max" in raw else None
    from nodeharden._roles import parse_roles

    try:
        roles = tuple(sorted(parse_roles(raw.get("roles", ()))))
    except ValueError as exc:
        raise ConfigError(f"{path.name}: roles: {exc}") from None
    return Config(
        select=tuple(raw["select"]) if "select" in raw else None,
        ignore=tuple(raw.get("ignore", ())),
        exclude=tuple(raw.get("exclude", ())),
        roles=roles,
        body_limit=limit,
        body_limit_max=limit_max,
        upload_limit_max=upload_max,
        trust_proxy=raw.get("trust_proxy"),
        rate_limit=RateLimitOptions(**raw.get("rate_limit", {})),
        security_txt=SecurityTxtOptions(**raw.get("security_txt", {})),
        session=SessionOptions(**raw.get("session", {})),
        validators=tuple(raw.get("validators", ())),
        input_validation=InputValidationOptions(**raw.get("input_validation", {})),
        path=path,
    )

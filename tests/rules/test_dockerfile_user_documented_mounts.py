"""dockerfile-user: the `docker run` lines of the project's documentation (the READMEs, other
Markdown at the root, and Markdown under docs/, doc/, documentation/) count like the README's:
a host folder or a named volume mounted over a folder the app keeps its state in makes the switch
to a non-root user unsafe, and the fix's title names the file and line; read-only mounts, files,
folders outside the app's and documentation outside those folders do not."""

from __future__ import annotations

import pytest

from nodeharden import check

PACKAGE = '{"name": "n", "dependencies": {"express": "^4.21.0"}}'
SERVER = "require('express')().listen(3000);\n"
DOCKERFILE = ('FROM node:18-alpine\nWORKDIR /app\nCOPY . .\nRUN touch config/DOCKER\n'
              'CMD ["yarn", "start"]\n')


def _fix(project, files: dict[str, str], dockerfile: str = DOCKERFILE):
    root = project({"package.json": PACKAGE, "server.js": SERVER, "Dockerfile": dockerfile,
                    **files})
    [finding] = check(root, select=["dockerfile-user"]).findings
    assert finding.path == "Dockerfile" and finding.fix is not None
    return finding.fix


def _run(mount: str, image: str = "acme/app") -> str:
    return f"# Install\n\n```bash\ndocker run -d \\\n  -p 5055:5055 \\\n  {mount} \\\n  {image}\n```\n"


@pytest.mark.parametrize("rel", ["docs/getting-started/installation.md", "doc/install.md",
                                 "documentation/docker.markdown", "INSTALL.md"])
def test_a_documented_host_folder_over_the_app_folder_makes_the_fix_unsafe(project, rel) -> None:
    fix = _fix(project, {rel: _run("-v /path/to/appdata/config:/app/config")})
    assert fix.applicability == "unsafe"
    assert (f"(unsafe: {rel}:4 mounts the host's `/path/to/appdata/config` at /app/config, where "
            "the app keeps its data") in fix.title
    assert "`chown -R 1000:1000 /path/to/appdata/config` on the host" in fix.title


@pytest.mark.parametrize("mount", [
    "--volume=/srv/app/data:/app/data",
    '-v "$(pwd)/config:/app/config"',
    "--mount type=bind,source=/srv/app,target=/app",
    "-v ./config:/app/config:rw",
])
def test_every_spelling_of_a_writable_bind_mount_counts(project, mount) -> None:
    fix = _fix(project, {"docs/install.md": _run(mount)})
    assert fix.applicability == "unsafe", fix.title
    assert "docs/install.md:4 mounts the host's" in fix.title


@pytest.mark.parametrize("mount", [
    "-v /srv/app/settings.json:/app/config/settings.json:ro",
    "-v /srv/app/config:/app/config:ro",
    "--mount type=bind,source=/srv/app/config,target=/app/config,readonly",
    "-v /srv/app/settings.json:/app/settings.json",  # a file, by its name
    "-e TZ=Asia/Tokyo",
])
def test_read_only_mounts_files_and_no_mount_keep_the_fix_safe(project, mount) -> None:
    fix = _fix(project, {"docs/install.md": _run(mount)})
    assert fix.applicability == "safe", fix.title
    assert "(unsafe" not in fix.title  # a writable file is only noted, as before


def test_a_host_folder_outside_the_app_folders_is_only_noted(project) -> None:
    fix = _fix(project, {"docs/install.md": _run("-v /srv/movies:/movies")})
    assert fix.applicability == "safe"
    assert "(note: docs/install.md:4 mounts the host's `/srv/movies` at /movies;" in fix.title


def test_a_documented_named_volume_makes_the_fix_unsafe(project) -> None:
    fix = _fix(project, {"docs/windows.md": _run('-v "app-data:/app/config"')})
    assert fix.applicability == "unsafe"
    assert ("docs/windows.md:4 mounts the named volume `app-data` at /app/config" in fix.title)
    assert ("`docker run --rm --user root -v app-data:/app/config <image> chown -R node:node "
            "/app/config`") in fix.title


def test_no_documentation_keeps_the_fix_safe(project) -> None:
    assert _fix(project, {}).applicability == "safe"


@pytest.mark.parametrize("rel", ["node_modules/dep/docs/install.md", "docs/node_modules/dep/x.md",
                                 "src/docs/install.md", "examples/install.md"])
def test_markdown_outside_the_documentation_folders_is_not_read(project, rel) -> None:
    fix = _fix(project, {rel: _run("-v /srv/app/config:/app/config")})
    assert fix.applicability == "safe", fix.title


def test_a_documented_run_of_another_image_does_not_count(project) -> None:
    files = {"worker/Dockerfile": 'FROM node:20\nWORKDIR /w\nCOPY . .\nCMD ["node", "w.js"]\n',
             "scripts/build.sh": "#!/bin/sh\ndocker build -t acme/app .\n",
             "docs/install.md": _run("-v /srv/pg:/app/pg", image="postgres:16")}
    root = project({"package.json": PACKAGE, "server.js": SERVER, "Dockerfile": DOCKERFILE,
                    **files})
    [finding] = [f for f in check(root, select=["dockerfile-user"]).findings
                 if f.path == "Dockerfile"]
    assert finding.fix is not None and finding.fix.applicability == "safe", finding.fix.title


def test_large_documentation_is_bounded(project) -> None:
    # More pages than the rule reads: the guide past the bound is not read (and nothing breaks).
    files = {f"docs/page{i:03}.md": "# page\n" for i in range(250)}
    files["docs/zz-install.md"] = _run("-v /srv/app/config:/app/config")
    assert _fix(project, files).applicability == "safe"
    files = {"docs/big.md": "x" * 300_000 + "\n" + _run("-v /srv/app/config:/app/config")}
    assert _fix(project, files).applicability == "safe"

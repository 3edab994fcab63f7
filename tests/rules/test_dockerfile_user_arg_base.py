"""dockerfile-user: a FROM that names a global ARG (`ARG BASE_DISTRO="node:22-alpine"` then
`FROM ${BASE_DISTRO}`, Ride The Lightning) is read as that default, so the fix uses the image's
`node` user instead of Debian's `groupadd`/`useradd` (which Alpine has not: the build would
fail). The fix stays unsafe: a build may pass another base with `--build-arg`."""

from __future__ import annotations

import json

from nodeharden import check, fix

DOCKERFILE = """\
ARG BASE_DISTRO="node:22-alpine"

FROM ${BASE_DISTRO} AS builder
WORKDIR /app
COPY . .
RUN npm ci

FROM ${BASE_DISTRO} AS runner
WORKDIR /app
COPY --from=builder /app/node_modules ./node_modules
COPY --from=builder /app/server.js ./server.js
CMD ["node", "server.js"]
"""

SERVER = """\
const express = require('express');
const app = express();
app.get('/', (req, res) => res.send('ok'));
app.listen(3000);
"""


def test_a_base_named_by_a_global_arg_is_its_default(project) -> None:
    root = project({"package.json": json.dumps({"name": "a", "dependencies": {
                        "express": "^4.21.0"}}),
                    "package-lock.json": "{}\n", "Dockerfile": DOCKERFILE,
                    "server.js": SERVER})
    [finding] = check(root, select=["dockerfile-user"]).findings
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    plan = fix(root, dry_run=True, select=["dockerfile-user"], unsafe=True).plan
    after = plan.final["Dockerfile"].decode()
    assert "USER node" in after and "useradd" not in after and "groupadd" not in after, after


def test_an_arg_in_the_tag_keeps_the_image_and_the_fix_safe(project) -> None:
    # `FROM node:${NODE_VERSION}-alpine`: another version is still a node image, whose `node`
    # user the fix runs as.
    dockerfile = DOCKERFILE.replace('ARG BASE_DISTRO="node:22-alpine"', "ARG NODE_VERSION=22") \
        .replace("${BASE_DISTRO}", "node:${NODE_VERSION}-alpine")
    root = project({"package.json": json.dumps({"name": "a", "dependencies": {
                        "express": "^4.21.0"}}),
                    "package-lock.json": "{}\n", "Dockerfile": dockerfile,
                    "server.js": SERVER})
    [finding] = check(root, select=["dockerfile-user"]).findings
    assert finding.fix is not None and finding.fix.applicability == "safe", finding.fix

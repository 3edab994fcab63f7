#!/usr/bin/env bash
# Builds better-sqlite3 once per version the tests install and files the binary where its
# installer (prebuild-install) looks for a downloaded prebuild: <npm cache>/_prebuilds/.
#
# Why: prebuild-install downloads a prebuilt binary from the project's release host, which CI
# cannot reach, so every `npm install` of better-sqlite3 compiled SQLite from source (about a
# minute of CPU each, on the suite's critical path). .ci/run starts this script in the
# background, at low priority, while pip and the fast tests run. The tests' own `npm install`
# is unchanged and still real: when it reaches better-sqlite3 the binary built here from the
# same version's source on this machine is unpacked, exactly as a downloaded prebuild would
# be. When this script has not finished (or failed) the install compiles from source as before.
#
# The versions are the `"better-sqlite3": "<spec>"` entries in tests/**/*.py and the template's
# package.json, so a new test or template bump is picked up without editing this script.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

mapfile -t specs < <(
    { grep -rhoE '"better-sqlite3": *"[^"]+"' "$repo/tests" --include='*.py' || true
      grep -hoE '"better-sqlite3": *"[^"]+"' \
          "$repo/templates/express-app/template/package.json.jinja" 2>/dev/null || true
    } | sed -E 's/.*: *"([^"]+)"/\1/' | sort -u)
[ ${#specs[@]} -gt 0 ] || { echo "prebuild-native: no better-sqlite3 in the tests"; exit 0; }

export npm_config_cache=${npm_config_cache:-$(npm config get cache)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 143' TERM INT  # .ci/run stops this script when the tests end first: clean up too

for spec in "${specs[@]}"; do
    dir="$work/$(printf '%s' "$spec" | tr -c 'A-Za-z0-9.' '_')"
    mkdir -p "$dir"
    printf '{"name": "prebuild", "private": true}\n' > "$dir/package.json"
    if ! (cd "$dir" && npm install --no-audit --no-fund --no-save --loglevel=error \
              "better-sqlite3@$spec" >/dev/null); then
        echo "prebuild-native: npm install better-sqlite3@$spec failed; the tests will compile it" >&2
        continue
    fi
    pkg="$dir/node_modules/better-sqlite3"
    [ -f "$pkg/build/Release/better_sqlite3.node" ] || continue
    # The cache file prebuild-install itself would download to for this version, Node ABI,
    # platform and libc (its own code computes the name).
    target=$(cd "$pkg" && node -e '
        const modules = require("path").join(process.cwd(), "..");
        const pkg = require("./package.json");
        const rc = require(modules + "/prebuild-install/rc")(pkg);
        const util = require(modules + "/prebuild-install/util");
        console.log(util.cachedPrebuild(util.getDownloadUrl({ ...rc, pkg })));')
    if [ -f "$target" ]; then
        echo "prebuild-native: better-sqlite3@$spec already in $target"
        continue
    fi
    mkdir -p "$(dirname "$target")"
    tar -C "$pkg" -czf "$target.tmp-$$" build/Release/better_sqlite3.node
    mv "$target.tmp-$$" "$target"
    echo "prebuild-native: better-sqlite3@$spec -> $target"
done

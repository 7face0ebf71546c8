#!/usr/bin/env bash
# Run the suite production-like: PostgreSQL (Debian's, on loopback) for the database and a
# private Redis for the caches, as in production. The browser tests ran once, on SQLite
# (make test in .ci/run): what a browser shows does not depend on the database.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/services.sh

start_postgres beforeyoumix
start_redis 6380
trap stop_redis EXIT

make test-fast

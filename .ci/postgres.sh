#!/usr/bin/env bash
# Run the whole suite production-like: PostgreSQL (Debian's, on loopback) for the database
# and a private Redis for the cache, as in production.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/services.sh

start_postgres beforeyoumix
start_redis 6390
trap stop_redis EXIT

make test

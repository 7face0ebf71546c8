#!/usr/bin/env bash
# Start Debian's PostgreSQL on loopback and run the whole suite against it.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
cluster=main
if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -q "^$version $cluster$"; then
  pg_createcluster "$version" "$cluster" >/dev/null
fi
pg_ctlcluster "$version" "$cluster" start 2>/dev/null || true
port=$(pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1==v && $2==c {print $3}')

for _ in $(seq 1 30); do
  su postgres -c "psql -p $port -qtAc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done

su postgres -c "psql -p $port -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='beforeyoumix'\"" | grep -q 1 ||
  su postgres -c "psql -p $port -qc \"CREATE ROLE beforeyoumix LOGIN CREATEDB PASSWORD 'beforeyoumix'\""
su postgres -c "psql -p $port -qtAc \"SELECT 1 FROM pg_database WHERE datname='beforeyoumix'\"" | grep -q 1 ||
  su postgres -c "createdb -p $port -O beforeyoumix beforeyoumix"

export DATABASE_URL="postgres://beforeyoumix:beforeyoumix@127.0.0.1:$port/beforeyoumix"
make test

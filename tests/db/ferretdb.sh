#!/usr/bin/env bash
# Start FerretDB 1.24.2 (a MongoDB-wire-compatible server on PostgreSQL) for Kamflo.
# Use it when no MongoDB can be downloaded. Needs Go and a local PostgreSQL.
#
#   tests/db/ferretdb.sh            build if needed, start, print the MONGODB_URI
#   tests/db/ferretdb.sh stop       stop it
#
# Environment: FERRETDB_PORT (27018), FERRETDB_PG_DB (kamflo_ferretdb), FERRETDB_PG_URL (postgres://root@127.0.0.1:5432/$FERRETDB_PG_DB),
# KAMFLO_STATE (.kamflo, where the binary, logs and pid file live).
set -euo pipefail

VERSION=v1.24.2
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
STATE="${KAMFLO_STATE:-$ROOT/.kamflo}"
PORT="${FERRETDB_PORT:-27018}"
PG_DB="${FERRETDB_PG_DB:-kamflo_ferretdb}"
PG_URL="${FERRETDB_PG_URL:-postgres://root@127.0.0.1:5432/$PG_DB}"
BIN="$STATE/bin/ferretdb-$VERSION"
PIDFILE="$STATE/ferretdb-$PORT.pid"
LOG="$STATE/ferretdb-$PORT.log"
mkdir -p "$STATE/bin"

if [ "${1:-}" = "stop" ]; then
  [ -f "$PIDFILE" ] && kill "$(cat "$PIDFILE")" 2>/dev/null || true
  rm -f "$PIDFILE"
  exit 0
fi

build() {
  command -v go >/dev/null || { echo "ferretdb.sh: Go is needed to build FerretDB" >&2; exit 1; }
  local src
  # `go install` builds a binary that panics at start: the module lacks the generated
  # build/version/version.txt. So fetch the module, add that file, and build the same package.
  if ! src=$(cd "$STATE" && GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$VERSION" \
      | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'); then
    # Fallback the issue names: `go get` into a throwaway module.
    local tmpmod; tmpmod=$(mktemp -d)
    (cd "$tmpmod" && go mod init throwaway >/dev/null 2>&1 && go get "github.com/FerretDB/FerretDB@$VERSION")
    src=$(cd "$tmpmod" && go list -m -f '{{.Dir}}' "github.com/FerretDB/FerretDB")
  fi
  [ -n "$src" ] || { echo "ferretdb.sh: could not fetch FerretDB $VERSION" >&2; exit 1; }
  local work; work=$(mktemp -d)
  cp -r "$src/." "$work/"
  chmod -R u+w "$work"
  echo "$VERSION" > "$work/build/version/version.txt"
  (cd "$work" && go build -o "$BIN" ./cmd/ferretdb)
  rm -rf "$work"
}

[ -x "$BIN" ] || { echo "building FerretDB $VERSION (once)…"; build; }

# The database FerretDB keeps its data in.
if ! psql -h 127.0.0.1 -U root -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$PG_DB'" | grep -q 1; then
  psql -h 127.0.0.1 -U root -d postgres -qc "CREATE DATABASE $PG_DB" >/dev/null
fi

URI="mongodb://127.0.0.1:$PORT/kamflo"
if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  echo "$URI"; exit 0
fi

# FerretDB 1.x can deadlock when its PostgreSQL pool (50 by default) runs dry under load: give it
# room. It keeps those connections open once made, so PostgreSQL must allow them all (.ci/run).
POOL="pool_max_conns=${FERRETDB_PG_POOL:-80}"
case "$PG_URL" in *pool_max_conns=*) ;; *\?*) PG_URL="$PG_URL&$POOL" ;; *) PG_URL="$PG_URL?$POOL" ;; esac

nohup "$BIN" --handler=postgresql --postgresql-url="$PG_URL" \
  --listen-addr="127.0.0.1:$PORT" --debug-addr=- --telemetry=disable \
  --state-dir="$STATE" --log-level=WARN >"$LOG" 2>&1 &
echo $! > "$PIDFILE"

# Wait until it answers on the wire (a TCP connect is enough: it accepts only once ready).
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then echo "$URI"; exit 0; fi
  kill -0 "$(cat "$PIDFILE")" 2>/dev/null || { echo "ferretdb.sh: FerretDB exited; see $LOG" >&2; cat "$LOG" >&2; exit 1; }
  sleep 0.2
done
echo "ferretdb.sh: FerretDB did not answer on port $PORT; see $LOG" >&2
exit 1

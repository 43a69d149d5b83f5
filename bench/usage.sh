#!/usr/bin/env bash
# Usage benchmark: builds release binaries, starts a throwaway me-server on a
# free loopback port over a fresh database, fills it with a year of usage
# history (me-usage-bench generate), then measures the usage counters,
# metering ingest and device state posts against it (me-usage-bench run) and
# prints the database's size. The server, its data and the database are
# always removed.
#
#   bash bench/usage.sh [sqlite|postgres]      (default sqlite)
#
# PostgreSQL: the database `me_usage_bench` is dropped and created on the
# server of ME_BENCH_PG_ADMIN (default postgres://postgres@127.0.0.1:5432/test,
# a loopback server with trust auth). Generation dominates the run's time
# (a few minutes). Honours CARGO_TARGET_DIR.
set -euo pipefail

mode="${1:-sqlite}"
case "$mode" in
    sqlite | postgres) ;;
    *)
        echo "usage: bash bench/usage.sh [sqlite|postgres]" >&2
        exit 2
        ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
pg_admin="${ME_BENCH_PG_ADMIN:-postgres://postgres@127.0.0.1:5432/test}"
pg_db=me_usage_bench

command -v curl >/dev/null || { echo "usage.sh: curl is needed to wait for the server" >&2; exit 1; }
if [[ "$mode" == postgres ]]; then
    command -v psql >/dev/null || { echo "usage.sh: psql is needed to create the database" >&2; exit 1; }
fi

# Build first, outside the timed part: a server still compiling would be
# mistaken for one that never starts.
cargo build --release -p me-server -p me-bench
server="$target/release/me-server"
bench="$target/release/me-usage-bench"

# psql without its NOTICEs ("database ... does not exist, skipping").
pg() {
    PGOPTIONS="-c client_min_messages=warning" psql "$@"
}

tmp="$(mktemp -d "${TMPDIR:-/tmp}/me-usage-bench.XXXXXX")"
server_pid=""
pg_created=""
cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [[ -n "$pg_created" ]]; then
        pg "$pg_admin" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 \
            || echo "usage.sh: could not drop database $pg_db" >&2
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export ME_DATA_DIR="$tmp/data"
mkdir -p "$ME_DATA_DIR"
if [[ "$mode" == postgres ]]; then
    pg "$pg_admin" -q -v ON_ERROR_STOP=1 \
        -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" -c "CREATE DATABASE $pg_db"
    pg_created=1
    # The admin URL with its database swapped for ours (query options kept).
    base="${pg_admin%%\?*}"
    query="${pg_admin#"$base"}"
    export DATABASE_URL="${base%/*}/$pg_db$query"
else
    export DATABASE_URL="sqlite:$ME_DATA_DIR/me.db"
fi
# Per-request logs would cost the server CPU that the figures should get.
export ME_LOG="${ME_LOG:-warn,me_server=info}"

# The whole database, and for PostgreSQL the usage tables with their indexes.
db_size() {
    if [[ "$mode" == postgres ]]; then
        pg "$DATABASE_URL" -At -c "SELECT pg_size_pretty(pg_database_size(current_database())) \
            || ' (' || pg_database_size(current_database()) || ' bytes)'"
        pg "$DATABASE_URL" -At -F '  ' -c "SELECT '    ' || rpad(relname, 22), \
            pg_size_pretty(pg_total_relation_size(relid)) FROM pg_statio_user_tables \
            WHERE relname IN ('payload_hourly', 'payload_owner_hourly', 'payload_owner_daily', 'device_daily', \
            'notebook_daily') ORDER BY pg_total_relation_size(relid) DESC"
    else
        local db="$ME_DATA_DIR/me.db" main wal=0
        main=$(stat -c %s "$db")
        [[ -f "$db-wal" ]] && wal=$(stat -c %s "$db-wal")
        echo "$(((main + wal) / 1048576)) MiB ($((main + wal)) bytes: me.db $main + me.db-wal $wal)"
    fi
}

# Random ports, skipping any that answer; if another process binds the port
# between the check and the server's start, the server exits and the next
# port is tried.
port=""
for _ in 1 2 3 4 5; do
    candidate=$((20000 + RANDOM % 40000))
    if (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
        continue
    fi
    "$server" serve --listen "127.0.0.1:$candidate" >"$tmp/server.log" 2>&1 &
    server_pid=$!
    # Up to 20 s: opening the database and running migrations.
    for _ in $(seq 200); do
        if ! kill -0 "$server_pid" 2>/dev/null; then
            break
        fi
        if [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$candidate/health")" == 200 ]]; then
            port=$candidate
            break
        fi
        sleep 0.1
    done
    [[ -n "$port" ]] && break
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
done
if [[ -z "$port" ]]; then
    echo "usage.sh: me-server did not become healthy; its log:" >&2
    cat "$tmp/server.log" >&2 2>/dev/null || true
    exit 1
fi
url="http://127.0.0.1:$port"
echo "usage.sh: me-server (pid $server_pid, $mode) healthy on $url" >&2

# Same settings as the server, so the token is signed with its secret. In
# the environment rather than on a command line, where `ps` would show it.
ME_SERVICE_TOKEN="$("$server" tokens create --scope metering.write 2>"$tmp/tokens.log")" || {
    echo "usage.sh: could not mint a service token:" >&2
    cat "$tmp/tokens.log" >&2
    exit 1
}
export ME_SERVICE_TOKEN

on_failure() {
    echo "usage.sh: $1 failed; last server log lines:" >&2
    tail -n 20 "$tmp/server.log" >&2 || true
    exit 1
}

started=$SECONDS
generated="$("$bench" generate --url "$url" --database "$DATABASE_URL")" || on_failure "generate"
echo "$generated"
email="$(sed -n 's/^  email: //p' <<<"$generated")"
[[ -n "$email" ]] || on_failure "reading the generated user's email"
echo "  database size after generate: $(db_size)"
echo

status=0
"$bench" run --url "$url" --email "$email" || status=$?
echo
echo "database ($mode) size after run: $(db_size)"
echo "usage.sh: generate + run took $((SECONDS - started)) s"
((status == 0)) || on_failure "run"

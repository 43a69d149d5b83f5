#!/usr/bin/env bash
# Load benchmark: builds release binaries, starts a throwaway me-server on a
# free loopback port with a fresh SQLite data dir, runs me-bench against it
# and prints its report. The server and its data are always removed.
#
#   bash bench/load.sh [--duration SECS] [--concurrency N] [--json]
#
# Extra arguments go to me-bench unchanged. Honours CARGO_TARGET_DIR.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"

command -v curl >/dev/null || { echo "load.sh: curl is needed to wait for the server" >&2; exit 1; }

# Build first, outside the timed part: a server still compiling would be
# mistaken for one that never starts.
cargo build --release -p me-server -p me-bench

tmp="$(mktemp -d "${TMPDIR:-/tmp}/me-bench.XXXXXX")"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Random ports, skipping any that answer; if another process binds the port
# between the check and the server's start, the server exits and the next
# port is tried.
port=""
for _ in 1 2 3 4 5; do
    candidate=$((20000 + RANDOM % 40000))
    if (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
        continue
    fi
    ME_DATA_DIR="$tmp/data" "$target/release/me-server" serve --listen "127.0.0.1:$candidate" \
        >"$tmp/server.log" 2>&1 &
    server_pid=$!
    # Up to 10 s: opening SQLite and running migrations on a fresh file.
    for _ in $(seq 100); do
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
    echo "load.sh: me-server did not become healthy; its log:" >&2
    cat "$tmp/server.log" >&2 2>/dev/null || true
    exit 1
fi

echo "load.sh: me-server (pid $server_pid) healthy on 127.0.0.1:$port" >&2
status=0
"$target/release/me-bench" --url "http://127.0.0.1:$port" "$@" || status=$?
if ((status != 0)); then
    echo "load.sh: me-bench exited with $status; last server log lines:" >&2
    tail -n 20 "$tmp/server.log" >&2 || true
fi
exit "$status"

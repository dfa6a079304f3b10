#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the tests and benchmarks.
#
#   eval "$(tests/pg/start_postgres.sh)"        # exports SWEEP_TEST_PG_URL, SWEEP_TEST_PG_DIR
#   tests/pg/start_postgres.sh --url-file F     # also writes the URL alone to F (CTest fixture)
#   tests/pg/stop_postgres.sh "$SWEEP_TEST_PG_DIR"
#
# The server lives in a fresh temp folder, listens on 127.0.0.1 only (on a free
# port) and keeps its unix socket in that folder, so it never touches a system
# cluster. Durability is off (fsync=off): the data is thrown away anyway.
# Exit status 77 means "PostgreSQL is not installed here" (callers may skip).
set -euo pipefail

url_file=""
if [[ "${1:-}" == "--url-file" ]]; then url_file="$2"; fi
if [[ -n "$url_file" ]]; then rm -f "$url_file"; fi

# SWEEP_PG_BINDIR overrides the search (and lets the "not installed" path be tested).
bin=${SWEEP_PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)}
if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
  echo "start_postgres.sh: PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin" \
       "(apt-get install postgresql)" >&2
  exit 77
fi

dir=$(mktemp -d /tmp/sweep-pg.XXXXXX)
# initdb refuses to run as root; the Debian package creates the postgres user.
as_user=()
if [[ $(id -u) -eq 0 ]]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "start_postgres.sh: running as root and no 'postgres' user exists" >&2
    exit 77
  fi
  chown postgres "$dir"
  as_user=(runuser -u postgres --)
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

"${as_user[@]}" "$bin/initdb" -D "$dir/data" -U sweep -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 || {
  cat "$dir/initdb.log" >&2; exit 1; }

# A port found free can be taken before the server binds it: retry a few times.
max_start_attempts=5
started=0
for ((attempt = 0; attempt < max_start_attempts; attempt++)); do
  port=$(free_port)
  # max_connections: the multi-process tests and the bench open ~40 connections at once.
  if "${as_user[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off \
          -c full_page_writes=off -c max_connections=200" >/dev/null 2>&1; then
    started=1
    break
  fi
done
if [[ $started -ne 1 ]]; then
  echo "start_postgres.sh: the server did not start; log follows" >&2
  cat "$dir/server.log" >&2 || true
  exit 1
fi

"$bin/createdb" -h 127.0.0.1 -p "$port" -U sweep sweep_test
url="postgresql://sweep@127.0.0.1:$port/sweep_test"
echo "$dir" >"$dir/dir"
if [[ -n "$url_file" ]]; then
  echo "$url" >"$url_file"
  echo "$dir" >"$url_file.dir"
fi
echo "export SWEEP_TEST_PG_URL=$url"
echo "export SWEEP_TEST_PG_DIR=$dir"

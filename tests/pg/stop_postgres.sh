#!/usr/bin/env bash
# Stops a server started by start_postgres.sh and deletes its folder.
#   tests/pg/stop_postgres.sh DIR              (DIR = $SWEEP_TEST_PG_DIR)
#   tests/pg/stop_postgres.sh --url-file F     (the file given to start_postgres.sh)
set -uo pipefail
if [[ "${1:-}" == "--url-file" ]]; then
  [[ -f "$2.dir" ]] || exit 0   # nothing was started (e.g. PostgreSQL not installed)
  dir=$(cat "$2.dir")
  rm -f "$2" "$2.dir"
else
  dir="${1:?usage: stop_postgres.sh DIR | --url-file FILE}"
fi
# Refuse anything that is not one of our temp folders.
[[ "$dir" == /tmp/sweep-pg.* && -f "$dir/dir" ]] || { echo "stop_postgres.sh: $dir is not a test server" >&2; exit 1; }
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
as_user=()
if [[ $(id -u) -eq 0 ]]; then as_user=(runuser -u postgres --); fi
"${as_user[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1
rm -rf "$dir"

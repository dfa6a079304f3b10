#!/usr/bin/env bash
# Stops a cluster started by start_slurm.sh and removes its directory.
#
# Usage: stop_slurm.sh [SLURM_CONF | CONF_PATH_FILE]
#   With no argument, uses $SLURM_CONF. A CONF_PATH_FILE (the file the CTest
#   fixture gave start_slurm.sh) is read and then removed. Stops only the
#   daemons whose pid files are in that cluster's directory, and munged only
#   when start_slurm.sh started it. Exits 0 when nothing is running.
set -uo pipefail

arg="${1:-${SLURM_CONF:-}}"
if [[ -z "$arg" ]]; then
  echo "stop_slurm.sh: no slurm.conf given and SLURM_CONF unset; nothing to stop" >&2
  exit 0
fi
conf="$arg"
if [[ "$(basename "$arg")" != slurm.conf ]]; then
  # A fixture file holding the path.
  [[ -f "$arg" ]] || exit 0
  conf="$(head -n 1 "$arg")"
  rm -f "$arg"
fi
dir="$(dirname "$conf")"
# Refuse to touch anything start_slurm.sh did not create.
case "$dir" in
  /tmp/sweep-slurm.*) ;;
  *) echo "stop_slurm.sh: $dir is not a start_slurm.sh cluster" >&2; exit 1 ;;
esac
[[ -d "$dir" ]] || exit 0

# Seconds to wait for a daemon to exit after SIGTERM before SIGKILL: slurmctld
# saves its state on the way down, which takes well under a second here.
readonly kStopGraceSeconds=10

stop_pid_file() {
  local pid_file="$1"
  [[ -s "$pid_file" ]] || return 0
  local pid
  pid="$(cat "$pid_file")"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq $(( kStopGraceSeconds * 10 ))); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

# Cancel whatever the tests left behind so no job outlives its cluster.
SLURM_CONF="$conf" scancel --user="$(id -un)" >/dev/null 2>&1 || true
stop_pid_file "$dir/slurmd.pid"
stop_pid_file "$dir/slurmctld.pid"
if [[ -f "$dir/munged.ours" ]]; then stop_pid_file "$dir/munged.pid"; fi
rm -rf "$dir"

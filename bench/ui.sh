#!/usr/bin/env bash
# The Pipeline screen's numbers (BENCHMARKS.md), in the release app under Xvfb:
#   paint:  open the Pipeline with 10,000 leads cached → fresh cards painted (vs opening About)
#   scroll: fling a 5,000-card column (15,000 leads cached) → frame intervals (vs idle frames)
#   search: each keystroke with 100,000 leads cached → results painted (vs the IPC call alone)
#
# usage: bench/ui.sh [runs] [modes]   (default 15 and "paint scroll search"; results also in
#        bench/out/ui-<modes>.txt)
# UI_BENCH_CSS="css" adds a style sheet to the window before the search keystrokes (through
# CSSOM: the app's CSP drops <style>), to try a style change without a rebuild.
# Mode "probe" runs the script in the file UI_BENCH_PROBE in the window, 100,000 leads cached,
# and prints what it passes to its callback (arguments[0]).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ${CRM_DESK_IN_SESSION:-} != 1 ]]; then
  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
  scripts/setup.sh test
  (cd ui && npm run --silent build >/dev/null)
  cargo build --release --quiet --bin crm-desk --example ui-bench
  cargo build --release --quiet -p odoo-sim
  exec scripts/desktop-session.sh "$0" "$@"
fi

trap 'echo "bench/ui.sh failed at line $LINENO" >&2' ERR
runs=${1:-15}
modes=${2:-paint scroll search}
out=bench/out; mkdir -p "$out"
work=$(mktemp -d -t crm-desk-ui-bench-XXXXXX)
sim_pid=
cleanup() { [[ -n $sim_pid ]] && kill "$sim_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
key=be7cbe7cbe7cbe7cbe7cbe7cbe7cbe7cbe7cbe7c
export XDG_DATA_HOME=$work/xdg XDG_CACHE_HOME=$work/cache CRM_DESK_BIN=$PWD/target/release/crm-desk

# prepare N: a data folder whose cache holds odoo-sim's N synthetic leads. odoo-sim is
# stopped afterwards: the app reads its cache, and no background sync disturbs the timing.
prepare() {
  local n=$1 port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  target/release/odoo-sim --listen "127.0.0.1:$port" --seed "$n" --api-key "admin=$key" >"$work/sim-$n.log" 2>&1 &
  sim_pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/web/version"; do sleep 0.2; done
  export CRM_DESK_DATA_DIR=$work/data-$n
  echo "$key" | target/release/crm-desk account add --url "http://127.0.0.1:$port" --db demo --login admin >/dev/null
  target/release/crm-desk sync --once >/dev/null
  kill "$sim_pid"; wait "$sim_pid" 2>/dev/null || true; sim_pid=
}

{
  if [[ " $modes " == *" paint "* ]]; then
    echo "== paint: 10,000 leads cached, $runs opens"
    prepare 10000
    target/release/examples/ui-bench paint "$runs"
    echo
  fi
  if [[ " $modes " == *" scroll "* ]]; then
    echo "== scroll: 15,000 leads cached (5,000 per stage)"
    prepare 15000
    target/release/examples/ui-bench scroll
    echo
  fi
  if [[ " $modes " == *" search "* ]]; then
    echo "== search: 100,000 leads cached, 4 words typed letter by letter, $((runs / 5 + 1)) times"
    prepare 100000
    target/release/examples/ui-bench search "$((runs / 5 + 1))"
  fi
  if [[ " $modes " == *" probe "* ]]; then
    echo "== probe: $UI_BENCH_PROBE, 100,000 leads cached"
    prepare 100000
    target/release/examples/ui-bench probe
  fi
} | tee "$out/ui-${modes// /-}.txt"

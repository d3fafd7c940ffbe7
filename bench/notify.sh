#!/usr/bin/env bash
# Issue 6's numbers (BENCHMARKS.md), with the release app under the private desktop session
# (dunst on its own D-Bus):
#   latency: a WhatsApp lead created in odoo-sim → the notification server receives the
#            Notify call (dbus-monitor's timestamp), for the default 30 s sync and for 5 s;
#   idle:    CPU time of each app process (main and its WebKit children) while idle with a
#            30 s sync, against the same app with the sync off (a day's interval) as the
#            baseline, and memory at the end.
#
# usage: bench/notify.sh [leads] [idle_minutes] [idle_intervals]   (default 20, 10 and
#        "86400 30"; 0 leads: idle only; results also in bench/out/notify.txt)
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ${CRM_DESK_IN_SESSION:-} != 1 ]]; then
  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
  scripts/setup.sh test
  (cd ui && npm run --silent build >/dev/null)
  cargo build --release --quiet --bin crm-desk
  cargo build --release --quiet -p odoo-sim
  exec scripts/desktop-session.sh "$0" "$@"
fi

trap 'echo "bench/notify.sh failed at line $LINENO" >&2' ERR
leads=${1:-20}
idle_minutes=${2:-10}
idle_intervals=${3-86400 30}  # "" (given, empty): no idle run
out=bench/out; mkdir -p "$out"
work=$(mktemp -d -t crm-desk-notify-bench-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
key=be7cbe7cbe7cbe7cbe7cbe7cbe7cbe7cbe7cbe7c
admin=adadadadadadadadadadadadadadadadadadadad
export XDG_DATA_HOME=$work/xdg XDG_CACHE_HOME=$work/cache CRM_DESK_DATA_DIR=$work/data

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
target/release/odoo-sim --listen "127.0.0.1:$port" --seed demo --api-key "sales1=$key" \
  --api-key "admin=$admin" >"$work/sim.log" 2>&1 &
pids+=($!)
until curl -sf -o /dev/null "$url/web/version"; do sleep 0.2; done
echo "$key" | target/release/crm-desk account add --url "$url" --db demo --login sales1 >/dev/null
target/release/crm-desk sync --once >/dev/null

call() { # call MODEL METHOD JSON → the JSON answer (as admin)
  curl -sf -X POST "$url/json/2/$1/$2" -H "Authorization: bearer $admin" \
    -H 'Content-Type: application/json' -H 'X-Odoo-Database: demo' -d "$3"
}
source_id=$(call utm.source search '{"domain": [["name", "=", "WhatsApp"]]}' | tr -d '[]')
sales1=$(call res.users search '{"domain": [["login", "=", "sales1"]]}' | tr -d '[]')

descendants() { local p; for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done; }
cpu_ticks() { local t=0 p; for p in "$@"; do [[ -r /proc/$p/stat ]] && t=$((t + $(awk '{print $14 + $15}' /proc/$p/stat))); done; echo $t; }

# latency INTERVAL: creates $leads WhatsApp leads one at a time, each at a random moment of
# the sync cycle, and prints one latency (ms) per lead.
latency() {
  local interval=$1 monitor=$work/monitor-$1.log
  dbus-monitor --session "type='method_call',interface='org.freedesktop.Notifications',member='Notify'" \
    >"$monitor" 2>/dev/null &
  local mon=$!; pids+=($mon)
  CRM_DESK_SYNC__INTERVAL_SECS=$interval target/release/crm-desk >"$work/app-$interval.log" 2>&1 &
  local app=$!; pids+=($app)
  sleep 8
  for i in $(seq "$leads"); do
    local seen; seen=$(grep -c '^method call' "$monitor" || true)
    local name="Bench $interval-$i"
    local t0; t0=$(date +%s.%N)
    call crm.lead create "{\"vals_list\": [{\"name\": \"WhatsApp: $name\", \"contact_name\": \"$name\",
      \"source_id\": $source_id, \"user_id\": $sales1, \"type\": \"opportunity\"}]}" >/dev/null
    local waited=0
    until (( $(grep -c '^method call' "$monitor" || true) > seen )); do
      sleep 0.05; waited=$((waited + 1))
      if ((waited > 2 * interval * 20 + 200)); then echo "no notification for $name" >&2; return 1; fi
    done
    local t1; t1=$(grep '^method call' "$monitor" | tail -1 | sed -n 's/.*time=\([0-9.]*\).*/\1/p')
    python3 -c "print(round(($t1 - $t0) * 1000))"
    sleep "$(python3 -c "import random; print(round(random.uniform(0, $interval), 2))")"
  done
  kill "$app" "$mon" 2>/dev/null || true; wait "$app" 2>/dev/null || true
}

# idle INTERVAL: CPU seconds per hour of each app process (main, WebKit web and network)
# over $idle_minutes with nothing happening, and memory at the end.
idle() {
  CRM_DESK_SYNC__INTERVAL_SECS=$1 target/release/crm-desk >"$work/app-idle-$1.log" 2>&1 &
  local app=$!; pids+=($app)
  sleep 20
  local procs=("$app" $(descendants "$app")) p
  declare -A start
  for p in "${procs[@]}"; do start[$p]=$(cpu_ticks "$p"); done
  sleep $((idle_minutes * 60))
  local hz; hz=$(getconf CLK_TCK)
  for p in "${procs[@]}"; do
    local name; name=$(tr -d '\0' </proc/$p/comm 2>/dev/null || echo gone)
    local rss; rss=$(awk '/^VmRSS:/ {print $2}' /proc/$p/status 2>/dev/null || echo 0)
    python3 -c "
ticks = $(cpu_ticks "$p") - ${start[$p]}; cpu = ticks / $hz
print(f'  {\"$name\":<22} {cpu:7.2f} CPU-s = {cpu * 60 / $idle_minutes:5.1f} CPU-s per hour, RSS {$rss / 1024:.0f} MiB')"
  done
  local total=0
  for p in "${procs[@]}"; do total=$((total + $(cpu_ticks "$p") - ${start[$p]})); done
  local pss; pss=$(awk '/^Pss:/ {s+=$2} END {print s+0}' $(for p in "${procs[@]}"; do echo /proc/$p/smaps_rollup; done) 2>/dev/null)
  python3 -c "
cpu = $total / $hz
print(f'  all app processes      {cpu:7.2f} CPU-s = {cpu * 60 / $idle_minutes:5.1f} CPU-s per hour, PSS {$pss / 1024:.0f} MiB after {$idle_minutes} min')"
  kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true
}

stats() { python3 -c '
import sys, statistics
v = sorted(int(x) for x in sys.stdin.read().split())
p95 = v[min(len(v) - 1, round(0.95 * (len(v) - 1)))]
print(f"n={len(v)} median {statistics.median(v):.0f} ms, p95 {p95} ms, max {v[-1]} ms")'; }

{
  if ((leads > 0)); then
    for interval in 5 30; do
      echo "== latency, sync every $interval s, $leads leads"
      latency "$interval" | stats
    done
  fi

  # The baseline is the same app with the sync effectively off (one sync at start, then one a
  # day): the difference is what the 30 s sync costs; the rest is the idle app and WebKit.
  for interval in $idle_intervals; do
    echo "== idle, sync every $interval s, $idle_minutes min"
    idle "$interval"
  done
} | tee "$out/notify.txt"

#!/usr/bin/env bash
# Cold start to first paint, and memory after start, of crm-desk against a blank Tauri app
# (the baseline), both release builds, run alternately under the same Xvfb.
#
# usage: bench/startup.sh [runs]     (default 7; results also in bench/out/startup.txt)
# Reproduces the start-up rows of BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ${CRM_DESK_IN_SESSION:-} != 1 ]]; then
  scripts/setup.sh test
  (cd ui && npm run --silent build >/dev/null)
  cargo build --release --quiet --bin crm-desk --example blank-tauri
  exec scripts/desktop-session.sh "$0" "$@"
fi

trap 'echo "bench/startup.sh failed at line $LINENO" >&2' ERR
runs=${1:-7}
settle=${SETTLE_SECS:-10}
out=bench/out; mkdir -p "$out"
work=$(mktemp -d -t crm-desk-bench-XXXXXX); trap 'rm -rf "$work"' EXIT

descendants() { local p; for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done; }
pss_kib() { awk '/^Pss:/ {s+=$2} END {print s+0}' $(for p in "$@"; do echo /proc/$p/smaps_rollup; done) 2>/dev/null; }
rss_kib() { awk '/^VmRSS:/ {print $2}' /proc/$1/status; }

# run NAME BINARY: prints "first_paint_ms main_rss_kib total_pss_kib"
run() {
  local name=$1 bin=$2 log=$work/$1.log data=$work/$1-data
  rm -rf "$data"; mkdir -p "$data"
  CRM_DESK_DATA_DIR=$data XDG_DATA_HOME=$work/xdg XDG_CACHE_HOME=$work/cache RUST_LOG=info \
    "$bin" >"$log" 2>&1 &
  local pid=$! waited=0
  until grep -q 'first_paint_ms=' "$log"; do
    sleep 0.02; waited=$((waited + 1))
    if ((waited > 1000)); then echo "$name never painted; log:" >&2; cat "$log" >&2; kill $pid; exit 1; fi
  done
  local ms; ms=$(grep -o 'first_paint_ms=[0-9]*' "$log" | head -1 | cut -d= -f2)
  sleep "$settle"
  local rss pss; rss=$(rss_kib $pid); pss=$(pss_kib $pid $(descendants $pid))
  kill $pid; wait $pid 2>/dev/null || true
  echo "$ms $rss $pss"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

: >"$work/crm-desk.rows"; : >"$work/blank.rows"
run blank target/release/examples/blank-tauri >/dev/null   # warm the page cache for both
run crm-desk target/release/crm-desk >/dev/null
for i in $(seq "$runs"); do
  run blank target/release/examples/blank-tauri >>"$work/blank.rows"
  run crm-desk target/release/crm-desk >>"$work/crm-desk.rows"
done

{
  echo "runs: $runs each, alternating; memory read ${settle}s after first paint"
  printf '%-10s %18s %16s %22s\n' app "first paint (ms)" "main RSS (MiB)" "PSS, all procs (MiB)"
  for app in blank crm-desk; do
    f=$work/$app.rows
    printf '%-10s %18s %16.0f %22.0f\n' "$app" "$(cut -d' ' -f1 "$f" | median)" \
      "$(cut -d' ' -f2 "$f" | median | awk '{print $1/1024}')" "$(cut -d' ' -f3 "$f" | median | awk '{print $1/1024}')"
  done
  b=$(cut -d' ' -f1 "$work/blank.rows" | median); c=$(cut -d' ' -f1 "$work/crm-desk.rows" | median)
  bp=$(cut -d' ' -f3 "$work/blank.rows" | median); cp=$(cut -d' ' -f3 "$work/crm-desk.rows" | median)
  awk -v b="$b" -v c="$c" -v bp="$bp" -v cp="$cp" 'BEGIN {printf "ratio crm-desk / blank: first paint %.2fx, PSS %.2fx\n", c/b, cp/bp}'
  ls -l target/release/crm-desk target/release/examples/blank-tauri | awk '{printf "binary %s: %.1f MiB\n", $9, $5/1048576}'
} | tee "$out/startup.txt"

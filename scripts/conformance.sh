#!/usr/bin/env bash
# Runs the third-party Python client OdooRPC (from PyPI, unchanged) against odoo-sim for each
# Odoo version it serves over JSON-RPC. Needs target/debug/odoo-sim (cargo build).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/conformance-venv
if [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -c 'import odoorpc' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check odoorpc==0.10.1
fi

free_port() { "$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

for version in 16.0 17.0 18.0 19.0; do
  port=$(free_port)
  target/debug/odoo-sim --listen "127.0.0.1:$port" --odoo-version "$version" --seed demo >"target/odoo-sim-$version.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  status=0
  "$venv/bin/python" tests/conformance/odoorpc_check.py "$port" "$version" || status=$?
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if ((status != 0)); then
    echo "OdooRPC conformance failed against odoo-sim $version; server log: target/odoo-sim-$version.log" >&2
    exit "$status"
  fi
done

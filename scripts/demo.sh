#!/usr/bin/env bash
# `make demo`: odoo-sim with the demo data on 127.0.0.1:8069, crm-bridge against it on
# 127.0.0.1:8787, and CRM Desk signed in to the demo account. Then, in another terminal:
#   make demo-message TEXT="Hello, I'd like a quote" FROM="+966551234567"
# turns a signed WhatsApp webhook into a lead you see in the app.
#
# With a display, the app uses your desktop's keyring and notifications; without one, the
# whole demo runs in a private session (Xvfb, D-Bus, gnome-keyring, dunst). Demo data lives in
# .demo/ (deleted by `make clean`); the keys below are demo-only.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z ${DISPLAY:-}${WAYLAND_DISPLAY:-} && ${CRM_DESK_IN_SESSION:-} != 1 ]]; then
  echo "no display: running the demo in a private desktop session under Xvfb"
  exec scripts/desktop-session.sh "$0" "$@"
fi

demo=$PWD/.demo
mkdir -p "$demo"
source scripts/demo.env

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

target/debug/odoo-sim --seed demo --listen 127.0.0.1:8069 --api-key "admin=$ODOO_API_KEY" &
pids+=($!)
for _ in $(seq 100); do curl -fs -o /dev/null "$ODOO_URL/web/version" && break; sleep 0.1; done

target/debug/crm-bridge &
pids+=($!)
for _ in $(seq 100); do curl -fs -o /dev/null "http://$BRIDGE_LISTEN/healthz" && break; sleep 0.1; done

if ! target/debug/crm-desk account list | grep -q "$ODOO_URL"; then
  echo -n "$ODOO_API_KEY" | target/debug/crm-desk account add --url "$ODOO_URL" --db "$ODOO_DB" --login "$ODOO_LOGIN"
fi
cat <<MSG

  odoo-sim    $ODOO_URL (database demo, login admin)
  crm-bridge  http://$BRIDGE_LISTEN  (API docs: http://$BRIDGE_LISTEN/docs)
  CRM Desk    opening now, data in $CRM_DESK_DATA_DIR

  Send a WhatsApp message:  make demo-message TEXT="Hello" FROM="+966551234567"

MSG
target/debug/crm-desk

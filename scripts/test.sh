#!/usr/bin/env bash
# Everything `make test` runs, in order, on a fresh Debian/Ubuntu machine or a warm checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
# cargo-installed tools (tauri-driver) live here; a non-login shell may not have it on PATH.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

step "setup (apt packages, npm ci, tauri-driver)"
scripts/setup.sh test

# Tests must never write to the real per-user app-data folder: point XDG_DATA_HOME at a
# throwaway folder for the whole run and fail if the app's folder appears there.
hermetic=$(mktemp -d -t crm-desk-hermetic-XXXXXX)
trap 'rm -rf "$hermetic"' EXIT
export XDG_DATA_HOME=$hermetic/data XDG_CONFIG_HOME=$hermetic/config XDG_CACHE_HOME=$hermetic/cache
unset CRM_DESK_DATA_DIR

step "ui: build, unit tests"
(cd ui && npm run --silent build >/dev/null && npx vitest run)

step "checks: rustfmt, clippy, svelte-check, eslint"
make --no-print-directory check

step "architecture: crm-core depends on neither tauri nor axum"
if cargo tree -p crm-core -e normal --prefix none | grep -E '^(tauri|axum|keyring|notify-rust)[ -]'; then
  echo "crm-core must not depend on the crates above (ARCHITECTURE.md, invariant 1)" >&2
  exit 1
fi

step "architecture: crm-bridge builds on a server without webkit (no tauri in its tree)"
if cargo tree -p crm-bridge -e normal,build --prefix none | grep -E '^(tauri|wry|webkit2gtk|gtk|javascriptcore-rs)[ -]'; then
  echo "crm-bridge must not depend on tauri or webkit (ARCHITECTURE.md, invariant 1)" >&2
  exit 1
fi
echo "ok: $(cargo tree -p crm-bridge -e normal --prefix none | sort -u | wc -l) crates, none of them tauri or webkit"

if [[ -n ${ODOO_URL:-} && -n ${ODOO_DB:-} && -n ${ODOO_LOGIN:-} && -n ${ODOO_API_KEY:-} ]]; then
  echo "live Odoo: the connector contract also runs against $ODOO_URL (database $ODOO_DB)"
else
  echo "live Odoo: skipped (set ODOO_URL, ODOO_DB, ODOO_LOGIN and ODOO_API_KEY to run the connector tests against a real Odoo)"
fi

step "cargo test --workspace (unit, integration, bindings drift, WebDriver end-to-end)"
cargo build --workspace --all-targets --quiet
CRM_DESK_E2E=required scripts/desktop-session.sh cargo test --workspace --quiet

step "conformance: the third-party client OdooRPC against odoo-sim (16.0-19.0)"
scripts/conformance.sh

step "hermeticity: no test wrote to the real app-data folder"
identifier=$(sed -n 's/.*"identifier": *"\([^"]*\)".*/\1/p' tauri.conf.json | head -1)
if [[ -e $XDG_DATA_HOME/$identifier ]]; then
  echo "a test wrote to the per-user app-data folder ($identifier); set CRM_DESK_DATA_DIR in it" >&2
  exit 1
fi
echo "ok"

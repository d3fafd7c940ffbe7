#!/usr/bin/env bash
# Installs everything `make run` and `make test` need on a fresh Debian/Ubuntu machine:
# system packages (apt), the UI's npm packages, and tauri-driver for the WebDriver tests.
# Idempotent and quiet when there is nothing to do; works as root or through sudo.
#
# usage: scripts/setup.sh [run|test]   (test also installs the test-only tools)
set -euo pipefail
cd "$(dirname "$0")/.."
# cargo-installed tools (tauri-driver) live here; a non-login shell may not have it on PATH.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

mode=${1:-test}

# Build + run the desktop app (webkit2gtk 4.1 pulls GTK 3, libsoup 3 and dbus dev files).
# libayatana-appindicator3 is for the tray icon; xvfb lets the window open on headless machines.
run_pkgs=(build-essential pkg-config curl file libssl-dev
  libwebkit2gtk-4.1-dev libayatana-appindicator3-dev
  xvfb xauth dbus dbus-x11 fonts-dejavu-core fonts-noto-core)
# Tests: WebDriver for WebKitGTK, a notification server, the Secret Service keyring, an X11
# grabber for screenshots, and Python with venv for the OdooRPC conformance run.
test_pkgs=(webkit2gtk-driver dunst gnome-keyring libsecret-tools imagemagick procps psmisc
  python3 python3-venv)

pkgs=("${run_pkgs[@]}")
[[ $mode == test ]] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v cargo >/dev/null || { echo "setup: cargo not found; install Rust (https://rustup.rs) first" >&2; exit 1; }
command -v npm >/dev/null || { echo "setup: npm not found; install Node.js 20+ first" >&2; exit 1; }

# npm ci only when the lockfile changed since the last install.
if [[ ! -f ui/node_modules/.package-lock.json ]] || [[ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]]; then
  echo "setup: npm ci (ui/)"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi

if [[ $mode == test ]] && ! command -v tauri-driver >/dev/null; then
  echo "setup: cargo install tauri-driver"
  cargo install tauri-driver --locked --quiet
fi

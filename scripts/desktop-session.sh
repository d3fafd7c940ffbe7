#!/usr/bin/env bash
# Runs a command inside a private, throwaway desktop session, so tests never touch the
# developer's own display, notifications or keyring:
#   - its own D-Bus session bus (dbus-run-session),
#   - an Xvfb display (xvfb-run picks a free one),
#   - a notification server (dunst) on that bus,
#   - an unlocked gnome-keyring Secret Service with a test password, under a temp HOME.
# usage: scripts/desktop-session.sh COMMAND [ARGS...]
set -euo pipefail

if [[ ${CRM_DESK_IN_SESSION:-} != 1 ]]; then
  export CRM_DESK_IN_SESSION=1
  exec dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" "$0" "$@"
fi

session_home=$(mktemp -d -t crm-desk-session-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$session_home"
}
trap cleanup EXIT

if command -v dunst >/dev/null; then
  HOME=$session_home dunst >/dev/null 2>&1 &
  pids+=($!)
fi
if command -v gnome-keyring-daemon >/dev/null; then
  # Prints the control socket; HOME only for the daemon (a changed HOME breaks rustup).
  echo -n "crm-desk-test" | HOME=$session_home gnome-keyring-daemon --unlock --components=secrets >/dev/null
fi

"$@"

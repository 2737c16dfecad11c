#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (/usr/bin/chromium) with playwright-core; no browser is
# ever downloaded. A new machine or CI starts without it: install it from the Debian packages when
# missing (as root, or through sudo without a password).
#
#   CHROMIUM_PATH   another Chromium binary to use (then nothing is installed)
set -euo pipefail
log() { echo "[ensure-chromium] $*" >&2; }
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ -x "$chromium" ]; then exit 0; fi
if [ -n "${CHROMIUM_PATH:-}" ]; then
  log "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable"
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  log "Chromium is missing and this user cannot install packages: run \`sudo apt-get install -y chromium\`"
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  log "Chromium is missing and this is not a Debian-like system: install Chromium and set CHROMIUM_PATH"
  exit 1
fi
log "installing Chromium from the Debian packages (first time on this machine)"
started=$(date +%s)
# One installer at a time (the sandbox and a test run may both ask).
exec 9>/tmp/ensure-chromium.lock
flock 9
if [ ! -x "$chromium" ]; then
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2
fi
log "Chromium installed in $(( $(date +%s) - started ))s: $("$chromium" --version 2>/dev/null | head -1)"

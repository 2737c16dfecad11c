#!/usr/bin/env bash
# Installs the real n8n server that the end-to-end suite drives (e2e/n8n-server), once per machine.
# Run it under scripts/with-node.sh: n8n 2.x needs Node >= 22.22 and its native module (sqlite3) must
# compile against the headers of that same Node (npm_config_nodedir).
#
#   bash scripts/ensure-n8n.sh [--print-dir] [server folder]
#
# The server folder (default e2e/n8n-server; e2e/n8n-1.x for the compatibility matrix) holds a
# package.json pinning n8n and its committed lockfile. The install (about 3 GB, about 4 minutes) lives
# outside the repository, in a cache folder keyed by the hash of that package.json, the lockfile and the
# Node version; <server folder>/node_modules is a symlink into it. So a second clone on the same machine
# (CI runs where the session runs) reuses it, and a changed lockfile gets a fresh install instead of a
# half-updated one. The key only stays stable if the committed lockfile is the one npm writes: the
# script says so when npm wrote another one.
#
#   --print-dir        print the install's folder and leave the symlink alone (scripts/test-matrix.sh
#                      installs other n8n and Node versions without touching the suite's own link)
#   N8N_E2E_CACHE_DIR  where the installs live (default ${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-whatsapp-conversations)
#
# Idempotent: when the symlink already points at a complete install for the current files it returns
# at once. An install is built in a staging folder and renamed only when complete, so an interrupted
# run never leaves something that looks installed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
print_dir=false
if [ "${1:-}" = --print-dir ]; then print_dir=true; shift; fi
server=$(cd "${1:-$root/e2e/n8n-server}" && pwd)
log() { echo "[ensure-n8n] $*" >&2; }

if [ -z "${npm_config_nodedir:-}" ]; then
  log "run me under scripts/with-node.sh (Node 24 and its headers for the native build)"
  exit 1
fi

n8n_version=$(node -p "require(process.argv[1]).dependencies.n8n" "$server/package.json")
cache_root="${N8N_E2E_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-whatsapp-conversations}"
mkdir -p "$cache_root"

# The key of a set of files: package.json, lockfile (when present) and the Node version (native ABI).
key_of() { # <dir holding package.json and maybe package-lock.json>
  { cat "$1/package.json"; [ -f "$1/package-lock.json" ] && cat "$1/package-lock.json"; node -v; } \
    | sha256sum | cut -c1-16
}
complete() { [ -f "$1/.ensure-n8n-complete" ] && [ -f "$1/node_modules/n8n/bin/n8n" ]; }
link_to() { # <cache dir>
  if $print_dir; then echo "$1"; return; fi
  local target="$1/node_modules"
  if [ -L "$server/node_modules" ] && [ "$(readlink "$server/node_modules")" = "$target" ]; then return; fi
  if [ -e "$server/node_modules" ] && [ ! -L "$server/node_modules" ]; then
    log "replacing the in-tree e2e/n8n-server/node_modules folder with a link to the cache"
    rm -rf "$server/node_modules"
  fi
  ln -sfn "$target" "$server/node_modules"
}

key=$(key_of "$server")
dir="$cache_root/n8n-$n8n_version-$key"
if complete "$dir"; then
  touch "$dir/.ensure-n8n-complete" # last used: pruning keeps the recently used installs
  link_to "$dir"
  exit 0
fi

# One installer at a time (several clones or suites may start together).
exec 9>"$cache_root/.lock"
flock 9
if complete "$dir"; then
  link_to "$dir"
  exit 0
fi
# Staging folders left by interrupted runs are dead: we hold the lock.
rm -rf "$cache_root"/staging-*

staging="$cache_root/staging-$$"
mkdir -p "$staging"
cp "$server/package.json" "$staging/"
if [ -f "$server/package-lock.json" ]; then cp "$server/package-lock.json" "$staging/"; fi
log "installing n8n@$n8n_version on Node $(node -v) into $cache_root (first time on this machine: about 4 minutes, 3 GB)"
started=$(date +%s)
# `npm ci` rejects this lockfile over optional @msgpackr-extract/* entries; `npm install` honours it.
(cd "$staging" && npm install --no-audit --no-fund --loglevel=error >&2)
# Without a lockfile npm's first one still lists packages it then prunes ("extraneous"); installing again
# from it writes the lockfile npm keeps writing, the one to commit.
if [ ! -f "$server/package-lock.json" ]; then
  (cd "$staging" && npm install --no-audit --no-fund --loglevel=error >&2)
fi
# The native SQLite binding must load on this Node, or n8n fails at start-up much later.
(cd "$staging" && node -e "require(require.resolve('sqlite3', { paths: ['node_modules/n8n'] }))")
elapsed=$(( $(date +%s) - started ))

# Only a first install (no lockfile yet) gives the repository npm's lockfile. Otherwise the repository's
# stays as committed, even when npm resolved something differently, so a test run never leaves the
# clone modified; the install is filed under the key of the committed files.
lockfile_differs=false
if [ ! -f "$server/package-lock.json" ]; then
  log "writing $server/package-lock.json (commit it)"
  cp "$staging/package-lock.json" "$server/package-lock.json"
elif ! cmp -s "$staging/package-lock.json" "$server/package-lock.json"; then
  lockfile_differs=true
fi
key=$(key_of "$server")
dir="$cache_root/n8n-$n8n_version-$key"
printf 'n8n %s\nnode %s\ninstalled %s in %ss\n' "$n8n_version" "$(node -v)" "$(date -u +%FT%TZ)" "$elapsed" \
  >"$staging/.ensure-n8n-complete"
rm -rf "$dir"
mv "$staging" "$dir"
log "installed n8n@$n8n_version in ${elapsed}s: $dir"
if $lockfile_differs; then
  # Each fresh clone would otherwise install again: the lockfile it is keyed by is not npm's.
  log "npm wrote another lockfile than the committed one; commit npm's to keep the install key stable:"
  log "  cp $dir/package-lock.json $server/package-lock.json"
fi
link_to "$dir"

# Each install is about 3 GB. Of the installs of one n8n version on one Node version, keep the two most
# recently used (older lockfiles); drop any install unused for 30 days. A clone still on a removed one
# simply installs again on its next run. Other n8n or Node versions (the matrix) are kept meanwhile.
declare -A seen=()
while read -r stamp; do
  kind=$(head -n 2 "$stamp" | tr '\n' ' ')
  seen[$kind]=$(( ${seen[$kind]:-0} + 1 ))
  if [ "${seen[$kind]}" -gt 2 ] || [ -n "$(find "$stamp" -mtime +30)" ]; then
    log "removing an older install: $(dirname "$stamp")"
    rm -rf "$(dirname "$stamp")"
  fi
done < <(ls -1dt "$cache_root"/n8n-*/.ensure-n8n-complete 2>/dev/null)

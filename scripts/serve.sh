#!/usr/bin/env bash
# A local Prefect server, the "newsetl" process work pool, the deployments of prefect.yaml and a
# worker in the foreground (Ctrl-C stops the worker and the server).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT=${NEWSETL_PREFECT_PORT:-4200}
export PREFECT_API_URL="http://127.0.0.1:${PORT}/api"
mkdir -p "${PREFECT_HOME:-.prefect}"
"$BIN/prefect" server start --host 127.0.0.1 --port "$PORT" > "${PREFECT_HOME:-.prefect}/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 90); do
  curl -sf "http://127.0.0.1:${PORT}/api/health" > /dev/null && break
  kill -0 $SERVER 2>/dev/null || { echo "the Prefect server did not start; see ${PREFECT_HOME:-.prefect}/server.log"; exit 1; }
  sleep 1
done
echo "Prefect server on http://127.0.0.1:${PORT} (UI and API)"
"$BIN/prefect" work-pool inspect newsetl > /dev/null 2>&1 || "$BIN/prefect" work-pool create newsetl --type process
"$BIN/prefect" --no-prompt deploy --all
echo "deployments: curate-articles/curate-scheduled (every 30 min), reprocess-articles/reprocess"
echo "trigger now: PREFECT_API_URL=$PREFECT_API_URL $BIN/prefect deployment run 'curate-articles/curate-scheduled'"
"$BIN/prefect" worker start --pool newsetl

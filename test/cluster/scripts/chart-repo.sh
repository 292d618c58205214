#!/usr/bin/env bash
# chart-repo.sh start|stop|url: the Helm chart repository of Istio's real charts (.bin/istio/repo,
# built by istio-charts.sh), served by chart-repo.mjs on $CHART_REPO_ADDRESS (loopback), pid in
# .run/chart-repo.pid, log in .run/chart-repo.log. Idempotent like sim.sh.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SERVER="$CLUSTER_ROOT/scripts/chart-repo.mjs"
LOG="$RUN_DIR/chart-repo.log"

url() { echo "http://$CHART_REPO_ADDRESS"; }

start() {
  mkdir -p "$RUN_DIR"
  if pid_alive "$(cat "$CHART_REPO_PID" 2>/dev/null)" "chart-repo.mjs.*$CHART_REPO_ADDRESS"; then say "chart repository already running ($(url))"; return; fi
  [[ -f $BIN_DIR/istio/repo/index.yaml ]] || die "no chart repository in $BIN_DIR/istio/repo: run make cluster-build"
  say "serving Istio's charts at $(url) (log: $LOG)"
  (exec setsid node "$SERVER" "$BIN_DIR/istio/repo" "$CHART_REPO_ADDRESS" </dev/null >"$LOG" 2>&1 9>&-) &
  local pid=$!
  echo "$pid" >"$CHART_REPO_PID"
  for _ in {1..50}; do
    running "$pid" || { tail -5 "$LOG" >&2; die "the chart repository exited at once (log: $LOG)"; }
    curl -sf --max-time 2 "$(url)/index.yaml" >/dev/null 2>&1 && return
    sleep 0.1
  done
  die "the chart repository did not answer in 5 s (log: $LOG)"
}

stop() {
  local pid
  pid=$(cat "$CHART_REPO_PID" 2>/dev/null) || return 0
  if pid_alive "$pid" chart-repo.mjs; then
    kill "$pid"
    for _ in {1..50}; do pid_alive "$pid" chart-repo.mjs || break; sleep 0.1; done
    if pid_alive "$pid" chart-repo.mjs; then kill -KILL "$pid"; fi
    say "chart repository stopped"
  fi
  rm -f "$CHART_REPO_PID"
}

"${1:?usage: chart-repo.sh start|stop|url}"

#!/usr/bin/env bash
# sim.sh start|stop: the data-plane simulator (test/cluster/sim/main.ts, written apart),
# run in the background with its pid in .run/sim.pid and its output in .run/sim.log. It serves
# Istio's standard metrics on $SIM_METRICS_ADDRESS (lib.sh), which Prometheus scrapes, and the
# egress proxy kube-apiserver reaches istiod's webhooks through on $SIM_EGRESS_SOCKET.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

start() {
  if [[ ! -f $SIM_MAIN ]]; then say "no simulator ($SIM_MAIN missing): Gateways get no address"; return; fi
  if pid_alive "$(cat "$SIM_PID" 2>/dev/null)" "sim/main.ts.*--metrics-address $SIM_METRICS_ADDRESS --egress-socket $SIM_EGRESS_SOCKET"; then
    say "simulator already running"; return
  fi
  # One started before it served metrics or the egress proxy (or on other addresses): replace it.
  stop
  say "starting the data-plane simulator (log: $RUN_DIR/sim.log)"
  # setsid: its own session, so a Ctrl-C aimed at make or vitest does not reach it.
  (cd "$REPO_ROOT" && exec setsid node --import tsx "$SIM_MAIN" \
    --kubeconfig "$KUBECONFIG_PATH" --run-dir "$RUN_DIR" --metrics-address "$SIM_METRICS_ADDRESS" \
    --egress-socket "$SIM_EGRESS_SOCKET" \
    </dev/null >"$RUN_DIR/sim.log" 2>&1 9>&-) &
  local pid=$!
  echo "$pid" >"$SIM_PID"
  sleep 1
  pid_alive "$pid" sim/main.ts || { tail -20 "$RUN_DIR/sim.log" >&2; die "the simulator exited at once"; }
}

stop() {
  local pid
  pid=$(cat "$SIM_PID" 2>/dev/null) || return 0
  if pid_alive "$pid" sim/main.ts; then
    kill "$pid"
    for _ in {1..50}; do pid_alive "$pid" sim/main.ts || break; sleep 0.2; done
    if pid_alive "$pid" sim/main.ts; then kill -KILL "$pid"; fi
    say "simulator stopped"
  fi
  rm -f "$SIM_PID"
}

"${1:?usage: sim.sh start|stop}"

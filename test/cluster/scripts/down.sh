#!/usr/bin/env bash
# Stops what cluster-up started (Prometheus and the simulator by their pid files, the control
# plane through kwokctl, then any recorded pid still alive), and removes .run/. Keeps .bin/
# and the Go caches. Idempotent. --quiet: only speak when something was running.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
lock "cluster-$CLUSTER_NAME"
quiet=${1:-}

"$CLUSTER_ROOT/scripts/prometheus.sh" stop
"$CLUSTER_ROOT/scripts/sim.sh" stop
"$CLUSTER_ROOT/scripts/chart-repo.sh" stop

if [[ -d $CLUSTER_DIR ]]; then
  # Read the pids before kwokctl removes them, to check afterwards that each one is gone.
  pids=()
  for f in "$CLUSTER_DIR"/pids/*.pid; do [[ -f $f ]] && pids+=("$(<"$f")"); done
  if ! "$BIN_DIR/kwokctl" delete cluster --name "$CLUSTER_NAME" --kubeconfig "$KUBECONFIG_PATH" \
    >"$RUN_DIR/kwokctl-delete.log" 2>&1; then
    tail -5 "$RUN_DIR/kwokctl-delete.log" >&2
    say "kwokctl delete cluster failed; stopping the recorded pids"
  fi
  # kwokctl sends SIGKILL and returns; wait until each process is gone (its ports with it),
  # and kill what is left. Only processes running this cluster's own bin/ are ours.
  for pid in "${pids[@]}"; do
    for _ in {1..50}; do pid_alive "$pid" "$CLUSTER_DIR/bin/" || break; sleep 0.1; done
    if pid_alive "$pid" "$CLUSTER_DIR/bin/"; then kill -KILL "$pid"; sleep 0.2; fi
    # Its main thread may be a zombie (empty cmdline) while its other threads still exit and
    # hold its files, sockets included: wait until only the zombie leader, if any, is listed.
    for _ in {1..50}; do threads_exiting "$pid" || break; sleep 0.1; done
  done
  say "control plane stopped"
elif [[ $quiet != --quiet ]]; then
  say "no cluster running"
fi
rm -rf "$RUN_DIR"

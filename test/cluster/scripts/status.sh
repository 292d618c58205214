#!/usr/bin/env bash
# Says what runs: each control-plane process, apiserver readiness, nodes, simulator and
# gateway URL. --quiet: print nothing, exit 0 only if the control plane is healthy.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
components=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok-controller)

healthy=yes
report=()
for c in "${components[@]}"; do
  pid=$(cat "$CLUSTER_DIR/pids/$c.pid" 2>/dev/null || true)
  if pid_alive "$pid" "$CLUSTER_DIR/bin/$c"; then report+=("$c: running (pid $pid)")
  else report+=("$c: not running"); healthy=no; fi
done
if [[ $healthy == yes ]] && kubectl get --raw /readyz --request-timeout=5s >/dev/null 2>&1; then
  report+=("kube-apiserver: ready ($(sed -n 's/ *server: //p' "$CLUSTER_DIR/kubeconfig.yaml"))")
else
  healthy=no
fi

if [[ ${1:-} == --quiet ]]; then [[ $healthy == yes ]]; exit; fi

if [[ $healthy == no && ! -d $CLUSTER_DIR ]]; then echo "cluster: not running"; exit 0; fi
printf '%s\n' "${report[@]}"
if [[ $healthy == yes ]]; then
  echo "nodes: $(kubectl get nodes -l type=kwok --no-headers 2>/dev/null | grep -cw Ready) Ready"
fi
if pid_alive "$(cat "$SIM_PID" 2>/dev/null)" sim/main.ts; then echo "simulator: running (pid $(cat "$SIM_PID"))"
else echo "simulator: not running"; fi
if pid_alive "$(cat "$PROMETHEUS_PID" 2>/dev/null)" "--config.file=$RUN_DIR/prometheus.yml"; then echo "prometheus: running (pid $(cat "$PROMETHEUS_PID"), http://$PROMETHEUS_ADDRESS)"
else echo "prometheus: not running"; fi
if pid_alive "$(cat "$CHART_REPO_PID" 2>/dev/null)" chart-repo.mjs; then echo "chart repository: running (pid $(cat "$CHART_REPO_PID"), http://$CHART_REPO_ADDRESS)"
else echo "chart repository: not running"; fi
[[ -f $CLUSTER_ENV ]] && grep -E '^(KUBECONFIG|GATEWAY_URL|PROMETHEUS_URL|CHART_REPO_URL)=' "$CLUSTER_ENV"
exit 0

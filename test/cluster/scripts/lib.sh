# Shared paths, settings and helpers for the local cluster scripts (sourced, not run).
# Everything lives under test/cluster: binaries in .bin/ (kept by cluster-down),
# runtime state in .run/ (removed by cluster-down). Go caches stay at Go's defaults.

CLUSTER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_ROOT="$(cd "$CLUSTER_ROOT/../.." && pwd)"
TOOLS_DIR="$CLUSTER_ROOT/tools"
BIN_DIR="$CLUSTER_ROOT/.bin"
# CLUSTER_NAME, CLUSTER_RUN_DIR and CLUSTER_MANIFESTS (a folder, or empty for none) let a
# test start a second, throwaway cluster beside the shared one.
RUN_DIR="${CLUSTER_RUN_DIR:-$CLUSTER_ROOT/.run}"
CLUSTER_NAME="${CLUSTER_NAME:-ambient-canary}"
# kwokctl keeps the cluster's certificates, kubeconfig, pids and logs under its workdir.
export KWOK_WORKDIR="$RUN_DIR/kwok"
CLUSTER_DIR="$KWOK_WORKDIR/clusters/$CLUSTER_NAME"
KUBECONFIG_PATH="$RUN_DIR/kubeconfig"
CLUSTER_ENV="$RUN_DIR/cluster.env"
SIM_MAIN="$CLUSTER_ROOT/sim/main.ts"
SIM_PID="$RUN_DIR/sim.pid"
# Where the simulator serves Istio's standard metrics, and where our Prometheus listens (both
# loopback; a second, throwaway cluster sets its own so the two do not collide).
SIM_METRICS_ADDRESS="${SIM_METRICS_ADDRESS:-127.0.0.1:15090}"
PROMETHEUS_ADDRESS="${PROMETHEUS_ADDRESS:-127.0.0.1:19090}"
PROMETHEUS_PID="$RUN_DIR/prometheus.pid"
# The unix socket of the simulator's HTTP CONNECT proxy, where kube-apiserver's egress selector
# sends webhook (and every other in-cluster) traffic: egress-selector.yaml names it relative to
# the apiserver's working directory, $RUN_DIR/kwok/clusters/$CLUSTER_NAME.
SIM_EGRESS_SOCKET="$RUN_DIR/egress.sock"
# Where Istio's real charts are served as a Helm repository (chart-repo.sh).
CHART_REPO_ADDRESS="${CHART_REPO_ADDRESS:-127.0.0.1:18879}"
CHART_REPO_PID="$RUN_DIR/chart-repo.pid"
MANIFESTS_DIR="${CLUSTER_MANIFESTS-$CLUSTER_ROOT/manifests}"

# The proxy is reachable but the checksum database is not: go.sum (committed) verifies
# every download instead. GOTOOLCHAIN=local: never try to fetch another Go.
export GOTOOLCHAIN=local GOSUMDB=off GOFLAGS=-buildvcs=false

# Progress lines carry the seconds since the outermost script started (children inherit it).
export CLUSTER_T0="${CLUSTER_T0:-$EPOCHSECONDS}"
say() { printf '[cluster %4ss] %s\n' "$((EPOCHSECONDS - CLUSTER_T0))" "$*"; }
die() { say "error: $*" >&2; exit 1; }

kubectl() { "$BIN_DIR/kubectl" --kubeconfig "$KUBECONFIG_PATH" "$@"; }

# A pid is ours only if it is alive and still runs the command we recorded.
pid_alive() { # pid expected-command-substring
  [[ -n "$1" && -r "/proc/$1/cmdline" ]] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -q -- "$2"
}

# threads_exiting PID: a zombie whose other threads have not all exited yet (they still hold
# the process's files until the last one has).
threads_exiting() {
  grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null && [[ $(find "/proc/$1/task" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l) -gt 1 ]]
}

# running PID: the process exists and has not exited (a zombie has). Right after `( exec X ) &`
# the child may not have exec'd X yet, so pid_alive's command check would call it dead.
running() {
  [[ -n "$1" ]] && grep -q '^State:[[:space:]]*[^Z]' "/proc/$1/status" 2>/dev/null
}

# lock NAME: one build, or one up/down of a cluster, at a time (the integration and e2e
# projects may both start cluster-up). The lock lives on fd 9: whatever runs in the
# background must be started with 9>&- so it does not keep the lock. Children re-use it.
lock() {
  [[ ${CLUSTER_LOCK_HELD:-} == *"<$1>"* ]] && return
  mkdir -p "$BIN_DIR"
  exec 9>"$BIN_DIR/.lock-$1"
  flock 9
  export CLUSTER_LOCK_HELD="${CLUSTER_LOCK_HELD:-}<$1>"
}

# apt_install LOG PACKAGE...: installs Debian packages non-interactively (root and apt only;
# otherwise stops, saying what to run). The local cluster and the tests need a few programs a
# fresh machine lacks (Prometheus, Chromium); this is the one place that installs them.
apt_install() {
  local log=$1; shift
  command -v apt-get >/dev/null ||
    die "$* missing and this machine has no apt-get: install $* by hand"
  [[ $EUID -eq 0 ]] ||
    die "$* missing, and installing Debian's packages needs root: run 'sudo apt-get install --no-install-recommends $*' once"
  say "installing Debian's $*: apt-get update, then apt-get install -y --no-install-recommends $* (non-interactive; log: $log)"
  local apt=(apt-get -y -q -o DPkg::Lock::Timeout=300)
  mkdir -p "$(dirname "$log")"
  { DEBIAN_FRONTEND=noninteractive "${apt[@]}" update &&
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install --no-install-recommends "$@"; } >"$log" 2>&1 ||
    { tail -20 "$log" >&2; die "apt-get could not install $* (log: $log)"; }
}

#!/usr/bin/env bash
# prometheus.sh start|stop|url: a real Prometheus (Debian's `prometheus` package) on loopback
# at $PROMETHEUS_ADDRESS, scraping the simulator's Istio metrics ($SIM_METRICS_ADDRESS) every
# second, with its own config and data in .run/ and its pid in .run/prometheus.pid. Installs
# the package with apt-get when the binary is missing (root only; PROMETHEUS_BIN names another
# binary). Idempotent: start leaves a running one alone, stop is harmless when none runs.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PROMETHEUS_BIN="${PROMETHEUS_BIN:-$(command -v prometheus || echo /usr/bin/prometheus)}"
CONFIG="$RUN_DIR/prometheus.yml"
DATA="$RUN_DIR/prometheus-data"
LOG="$RUN_DIR/prometheus.log"

url() { echo "http://$PROMETHEUS_ADDRESS"; }

ensure_installed() {
  [[ -x $PROMETHEUS_BIN ]] && return
  # apt_install stops with what to run when it cannot install; PROMETHEUS_BIN names another binary.
  say "note: the package also registers a 'prometheus' system service; where apt starts services on install it listens on :9090 and is not this cluster's (ours runs on $PROMETHEUS_ADDRESS with its own config)"
  apt_install "$RUN_DIR/prometheus-install.log" prometheus
  PROMETHEUS_BIN=$(command -v prometheus || echo /usr/bin/prometheus)
  [[ -x $PROMETHEUS_BIN ]] || die "the prometheus package installed no $PROMETHEUS_BIN"
  say "installed $("$PROMETHEUS_BIN" --version 2>&1 | head -1)"
}

write_config() {
  cat >"$CONFIG" <<YAML
# Written by test/cluster/scripts/prometheus.sh: the simulated gateways' Istio metrics, every second.
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 15s
scrape_configs:
  - job_name: sim-gateway
    metrics_path: /stats/prometheus
    static_configs:
      - targets: ['$SIM_METRICS_ADDRESS']
YAML
}

start() {
  mkdir -p "$RUN_DIR"
  if pid_alive "$(cat "$PROMETHEUS_PID" 2>/dev/null)" "--config.file=$CONFIG"; then say "Prometheus already running ($(url))"; return; fi
  ensure_installed
  write_config
  say "starting Prometheus on $(url) (log: $LOG)"
  # setsid: its own session, so a Ctrl-C aimed at make or vitest does not reach it.
  (exec setsid "$PROMETHEUS_BIN" --config.file="$CONFIG" --storage.tsdb.path="$DATA" \
    --storage.tsdb.retention.time=1d --web.listen-address="$PROMETHEUS_ADDRESS" \
    </dev/null >"$LOG" 2>&1 9>&-) &
  local pid=$!
  echo "$pid" >"$PROMETHEUS_PID"
  for _ in {1..150}; do
    running "$pid" || { tail -20 "$LOG" >&2; die "Prometheus exited at once (log: $LOG)"; }
    curl -sf --max-time 2 "$(url)/-/ready" >/dev/null 2>&1 && { say "Prometheus ready"; return; }
    sleep 0.2
  done
  die "Prometheus did not become ready in 30 s (log: $LOG)"
}

stop() {
  local pid
  pid=$(cat "$PROMETHEUS_PID" 2>/dev/null) || return 0
  if pid_alive "$pid" "--config.file=$CONFIG"; then
    kill "$pid"
    for _ in {1..50}; do pid_alive "$pid" "--config.file=$CONFIG" || break; sleep 0.2; done
    if pid_alive "$pid" "--config.file=$CONFIG"; then kill -KILL "$pid"; fi
    say "Prometheus stopped"
  fi
  rm -f "$PROMETHEUS_PID"
}

"${1:?usage: prometheus.sh start|stop|url}"

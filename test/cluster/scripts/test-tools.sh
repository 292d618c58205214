#!/usr/bin/env bash
# test-tools.sh: makes sure every program the tests run by name is on this machine, installing
# the missing ones from Debian's packages (apt_install in lib.sh), so that `make test` works on
# a fresh machine. Node.js, npm, Go and make are the prerequisites the README names; the rest:
#   chromium    the HTML report opened headless (test/e2e/runs-report.test.ts)
#   curl        the cluster and demo scripts' readiness probes
#   ss          the lifecycle test's check that no port is left listening (iproute2)
#   tar         the chart test's look inside the packaged charts
#   flock, setsid  the cluster scripts' lock and background processes (util-linux)
# wrk (bench only) is installed by bench/lib.ts; Prometheus by prometheus.sh. Without root, the
# same by hand: sudo apt-get install -y --no-install-recommends chromium curl iproute2 tar util-linux
set -euo pipefail
source "$(dirname "$0")/lib.sh"

declare -A PACKAGE=([chromium]=chromium [curl]=curl [ss]=iproute2 [tar]=tar [flock]=util-linux [setsid]=util-linux)
missing=()
for bin in "${!PACKAGE[@]}"; do
  command -v "$bin" >/dev/null || missing+=("${PACKAGE[$bin]}")
done
if [[ ${#missing[@]} -eq 0 ]]; then exit 0; fi
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
apt_install "$BIN_DIR/test-tools-install.log" "${missing[@]}"
for bin in "${!PACKAGE[@]}"; do command -v "$bin" >/dev/null || die "installing ${PACKAGE[$bin]} gave no $bin"; done
say "installed ${missing[*]}"

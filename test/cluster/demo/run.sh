#!/usr/bin/env bash
# Runs the demo upgrade and writes its report. `run.sh promote` expects a promotion,
# `run.sh abort` a canary staged to fail, which must end aborted with exit 3.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
cd "$root"
mode=${1:-promote}
# shellcheck source=versions.env
source "$here/versions.env"
reports="$root/reports"
mkdir -p "$reports"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
args=(upgrade --config "$here/canary.yaml" --from "$STABLE" --to "$CANARY")
[ "$mode" = abort ] && args+=(--values-dir "$here/faulty-later")
echo "canary ${args[*]}"
node bin/canary.js "${args[@]}"
code=$?
report="$reports/demo-$mode-$stamp.md"
node bin/canary.js status --config "$here/canary.yaml" --from "$STABLE" --to "$CANARY" -o json > "$reports/demo-$mode-$stamp.json" || true
node bin/canary.js report --config "$here/canary.yaml" --from "$STABLE" --to "$CANARY" --format markdown > "$report" 2>/dev/null || cp "$reports/demo-$mode-$stamp.json" "$report"
echo
echo "Report: $report"
if [ "$mode" = abort ]; then
  [ "$code" -eq 3 ] && { echo "As staged: the canary was aborted (exit 3) and traffic is back on $STABLE."; exit 0; }
  echo "Expected exit 3 (aborted), got $code" >&2; exit 1
fi
exit "$code"

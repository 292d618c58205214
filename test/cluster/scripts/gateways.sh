#!/usr/bin/env bash
# gateways.sh SECONDS: waits up to SECONDS for every Gateway to get status.addresses, then
# prints each listener's URL, http://<first address>:<listener port>, space-separated.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# One URL per listener of each Gateway that has an address.
template='{{range .items}}{{$gw := .}}{{with .status.addresses}}{{$a := (index . 0).value}}{{range $gw.spec.listeners}}http://{{$a}}:{{.port}} {{end}}{{end}}{{end}}'
list() { kubectl get gateways.gateway.networking.k8s.io -A -o "go-template=$1"; }

total=$(list '{{len .items}}')
if ((total == 0)); then say "no Gateway in the cluster: no gateway URL" >&2; exit 0; fi
deadline=$((SECONDS + $1))
while :; do
  addressed=$(list '{{range .items}}{{if .status.addresses}}x{{end}}{{end}}')
  if ((${#addressed} == total)); then break; fi
  if ((SECONDS >= deadline)); then say "only ${#addressed} of $total Gateways have an address after $1s" >&2; break; fi
  sleep 1
done
urls=$(list "$template")
urls=${urls% }
[[ -n $urls ]] && say "gateway URLs: $urls" >&2
echo "$urls"

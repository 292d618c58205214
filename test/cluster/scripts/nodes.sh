#!/usr/bin/env bash
# Prints N fake worker Nodes as YAML (N = $1). kwok manages them: its node-initialize
# stage fills the rest of the status and heartbeat-with-lease keeps them Ready.
# Each node gets its own pod CIDR, so kwok hands out pod IPs per node (its default pool
# is one /24 for the whole cluster, too small for hundreds of nodes' DaemonSets).
set -euo pipefail
for ((i = 0; i < $1; i++)); do
  name="kwok-node-$i"
  cat <<YAML
---
apiVersion: v1
kind: Node
metadata:
  name: $name
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/hostname: $name
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    beta.kubernetes.io/os: linux
    beta.kubernetes.io/arch: amd64
    node-role.kubernetes.io/worker: ""
    node.kubernetes.io/instance-type: kwok
    topology.kubernetes.io/region: local
    topology.kubernetes.io/zone: local-$((i % 3))
spec:
  podCIDR: 10.$((64 + i / 256)).$((i % 256)).0/24
  podCIDRs: [10.$((64 + i / 256)).$((i % 256)).0/24]
status:
  addresses:
    - type: InternalIP
      address: 10.255.$((i / 250)).$((i % 250 + 1))
  allocatable: {cpu: "32", memory: 256Gi, pods: "110"}
  capacity: {cpu: "32", memory: 256Gi, pods: "110"}
YAML
done

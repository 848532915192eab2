#!/usr/bin/env bash
# A local Ray cluster of two nodes on this machine: a head and a worker, each its own raylet
# (separate processes, object stores and CPU shares), as two machines would be.
#
#   scripts/ray_cluster.sh start [CPUS_PER_NODE]   # then: python app.py --serve ray --ray-address auto
#   scripts/ray_cluster.sh status
#   scripts/ray_cluster.sh stop
#
# On real machines: `ray start --head` on one, `ray start --address HEAD_IP:6379` on each other
# (the same RAY_AUTH_TOKEN on all: see the README's "Scale-out with Ray Serve").
set -euo pipefail
RAY="${RAY:-ray}"
PORT="${RAY_PORT:-6379}"
CPUS="${2:-1}"
HEAD="127.0.0.1:$PORT"
# Ray's token auth: every process of the cluster, and each that joins it by address, reads
# ~/.ray/auth_token (made here once) when RAY_AUTH_MODE=token
export RAY_AUTH_MODE=token
STORE=300000000  # 300 MB object store per node: the gallery sends pictures, not tensors

case "${1:-}" in
  start)
    "$RAY" get-auth-token --generate >/dev/null 2>&1 || true  # (keeps a token already there)
    "$RAY" start --head --port "$PORT" --num-cpus "$CPUS" --object-store-memory "$STORE" \
      --include-dashboard=false --disable-usage-stats
    # The worker: its own raylet (other ports) joined to the head, like a second machine
    "$RAY" start --address "$HEAD" --num-cpus "$CPUS" --object-store-memory "$STORE" \
      --node-manager-port 0 --object-manager-port 0 --min-worker-port 20000 \
      --max-worker-port 20999 --disable-usage-stats
    "$RAY" status --address "$HEAD"
    echo "now: RAY_AUTH_MODE=token python app.py --serve ray --ray-address $HEAD"
    ;;
  status) "$RAY" status --address "$HEAD" ;;
  stop) "$RAY" stop ;;
  *) sed -n 2,10p "$0"; exit 2 ;;
esac

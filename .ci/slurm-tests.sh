#!/usr/bin/env bash
# Runs the Slurm tests (test/slurm) against a real, throw-away Slurm cluster on this host, then
# stops it (also on failure). Called by the main CI; needs root, and ../shared beside the repo root
# (a clean clone works: the cluster script installs the Debian packages when they are missing).
#
# Cluster shape chosen: SLURM_LOCAL_NODES=2, i.e. two emulated nodes (two slurmds on this host, both
# NodeAddr=127.0.0.1). The 2-task test job then really spans two nodes (one `srun -w <node>` step
# per node, a real SLURM_JOB_NODELIST to expand), and the 3-task array shares them. The tests also
# pass on a one-node cluster (two servers on one node), which is what .ci/run starts around
# `npm test`. This script uses its own directory and slurmctld port, so it never touches a cluster
# that is already running (for example the one .ci/run started).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

cluster="$root/../shared/slurm/local-cluster.sh"
if [ ! -f "$cluster" ]; then
  echo "slurm-tests: $cluster not found; expected the shared checkout at ../shared" >&2
  exit 1
fi

export SLURM_LOCAL_DIR="${RENDER_RECIPES_SLURM_DIR:-/tmp/render-recipes-slurm}"
export SLURM_LOCAL_NODES=2
export SLURM_LOCAL_PORT="${RENDER_RECIPES_SLURM_PORT:-6917}"

trap 'bash "$cluster" stop >/dev/null 2>&1 || true' EXIT
echo "== starting a local Slurm cluster ($SLURM_LOCAL_NODES nodes, $SLURM_LOCAL_DIR, port $SLURM_LOCAL_PORT)"
env_line=$(bash "$cluster" start)
eval "$env_line" # exports SLURM_CONF
export SLURM_CONF
export RENDER_RECIPES_SLURM=1
sinfo -N

[ -d node_modules ] || npm ci --no-audit --no-fund
echo "== vitest run test/slurm"
npx vitest run test/slurm

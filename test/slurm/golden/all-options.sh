#!/bin/bash
# Written by render-recipes 1.0.0 (render-recipes slurm submit). Submitting it again resumes:
# outputs that are already up to date are skipped.
#SBATCH --job-name=render-recipes
#SBATCH --nodes=4
#SBATCH --ntasks-per-node=2
#SBATCH --array=0-9%4
#SBATCH --partition=prod,debug
#SBATCH --time=1-12:00:00
#SBATCH --account=proj42
#SBATCH --exclusive
#SBATCH --qos=high
#SBATCH --mem=0
#SBATCH --constraint=cpu&nvme
#SBATCH --output="/scratch/alice/renders/.slurm/job-%A_%a.log"
#SBATCH --open-mode=append
#SBATCH --requeue

set -euo pipefail
cd -- /home/alice/project
echo "render-recipes: job ${SLURM_JOB_ID} on ${SLURM_JOB_NODELIST}${SLURM_ARRAY_TASK_ID:+, array task ${SLURM_ARRAY_TASK_ID}}" >&2
# Each array task renders its own shard of the plan into the same --out, with its own manifest.
exec /usr/bin/node /opt/render-recipes/bin/render-recipes.js run --slurm --out /scratch/alice/renders \
  --shard "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}" \
  --brayns-cmd 'module load brayns && braynsService --uri 0.0.0.0:{port} --plugin braynsCircuitExplorer' \
  -- recipes/movie.yaml recipes/figures/

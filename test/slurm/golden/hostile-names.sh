#!/bin/bash
# Written by render-recipes 1.0.0 (render-recipes slurm submit). Submitting it again resumes:
# outputs that are already up to date are skipped.
#SBATCH --job-name=render-recipes
#SBATCH --nodes=1
#SBATCH --ntasks-per-node=1
#SBATCH --output="/scratch/$(touch pwned)/`touch pwned`/it's 100%%/.slurm/job-%j.log"
#SBATCH --open-mode=append
#SBATCH --requeue

set -euo pipefail
cd -- '/home/alice/my '\''project'\'' $HOME'
echo "render-recipes: job ${SLURM_JOB_ID} on ${SLURM_JOB_NODELIST}${SLURM_ARRAY_TASK_ID:+, array task ${SLURM_ARRAY_TASK_ID}}" >&2
# One server per allocated task, all rendering one plan; the job ends with the run's exit status.
exec /usr/bin/node /opt/render-recipes/bin/render-recipes.js run --slurm --out '/scratch/$(touch pwned)/`touch pwned`/it'\''s 100%' \
  --brayns-cmd 'braynsService --uri 0.0.0.0:{port} --name '\''it'\'''\''s'\''' \
  -- '$(touch pwned)' '`touch pwned`' 'it'\''s here.yaml' '"; touch pwned; echo "' 'new
line; touch pwned' --force '${IFS}touch${IFS}pwned'

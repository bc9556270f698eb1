#!/usr/bin/env bash
# Scores one multi-file candidate. asi-evolve runs this with the step folder as the working
# directory and $ASI_EVOLVE_WORKSPACE naming the workspace: a copy of project/ with the
# candidate's files written over it. Writes results.json in the working directory.
set -euo pipefail
# No __pycache__ in the workspace or the project.
export PYTHONDONTWRITEBYTECODE=1
here="${ASI_EXPERIMENT_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
exec python3 "$here/evaluator.py"

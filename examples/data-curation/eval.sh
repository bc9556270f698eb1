#!/usr/bin/env bash
# Scores one candidate: $1 = the candidate program (default: $ASI_PROGRAM_PATH, else ./code),
# $2 = the step folder (ignored: it is the working directory); further arguments go to
# evaluator.py (--preset NAME, --timeout S). Writes results.json in the working directory.
set -euo pipefail
# No __pycache__ in the experiment folder (it may be read-only, and it is not part of the example).
export PYTHONDONTWRITEBYTECODE=1
here="${ASI_EXPERIMENT_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
exec python3 "$here/evaluator.py" "$@"

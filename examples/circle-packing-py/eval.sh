#!/usr/bin/env bash
# Scores one candidate: $1 = the candidate program (default: $ASI_PROGRAM_PATH, else ./code).
# Run from the step folder; writes results.json there.
set -euo pipefail
here="${ASI_EXPERIMENT_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
exec python3 "$here/evaluator.py" "${1:-${ASI_PROGRAM_PATH:-code}}"

#!/usr/bin/env bash
# Scores one quadrature rule: $1 = the candidate module (default: $ASI_PROGRAM_PATH, else ./code).
# The working directory is the step folder; writes results.json there.
set -euo pipefail
here="${ASI_EXPERIMENT_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
exec node "$here/evaluator.js" "${1:-${ASI_PROGRAM_PATH:-code}}"

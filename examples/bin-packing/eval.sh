#!/usr/bin/env bash
# Scores one heuristic: $1 = the candidate module (default: $ASI_PROGRAM_PATH, else ./code),
# $2 = the step folder (unused: the working directory is the step folder); further arguments go
# to evaluator.js (e.g. --instances 1 --items 1000 for a quick stage). Writes results.json.
set -euo pipefail
here="${ASI_EXPERIMENT_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
exec node "$here/evaluator.js" "${1:-${ASI_PROGRAM_PATH:-code}}" "${@:3}"

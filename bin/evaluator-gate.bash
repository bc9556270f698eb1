# evaluator-gate.bash: read by the evaluator's own shell, through BASH_ENV, before the
# evaluator's command, in a sandbox started ahead of its candidate (a warm sandbox; see
# docs/architecture.md, "A round's seam: the warm sandbox"). It sets the resource limits, says
# the sandbox is ready (one byte on fd 3), then waits for the release (one line on stdin, a pipe
# only the run writes). At end of file (the sandbox discarded, or the run gone) the shell exits
# without running anything. Nothing after it sees BASH_ENV, so no other shell reads this file.
unset BASH_ENV
# The limits a cold start sets with prlimit, as ulimit option and value pairs. One that cannot be
# set ends the shell before it says it is ready: the run then starts the evaluation cold, and
# prlimit reports what is wrong.
if [ -n "${ASI_EVOLVE_GATE_LIMITS-}" ]; then
  asi_evolve_set_limits() {
    while [ "$#" -ge 2 ]; do
      ulimit "$1" "$2" || return 1
      shift 2
    done
  }
  # Unquoted on purpose: split into the pairs.
  asi_evolve_set_limits $ASI_EVOLVE_GATE_LIMITS 2>/dev/null || exit 125
  unset -f asi_evolve_set_limits
fi
unset ASI_EVOLVE_GATE_LIMITS
# The run passed SHLVL one higher than a cold start would have it (see sandbox.ts).
SHLVL=$((SHLVL - 1))
printf . >&3
exec 3>&-
read -r _ || exit 125

# evaluator-gate.bash: read by the evaluator's own shell, through BASH_ENV, before the
# evaluator's command, in a sandbox started ahead of its candidate (a warm sandbox; see
# docs/architecture.md, "A round's seam: the warm sandbox"). It says the sandbox is ready (one
# byte on fd 3), then waits for the release (one line on stdin, a pipe only the run writes).
# At end of file (the sandbox discarded, or the run gone) the shell exits without running
# anything. Nothing after it sees BASH_ENV, so no other shell reads this file.
unset BASH_ENV
# The run passed SHLVL one higher than a cold start would have it (see sandbox.ts).
SHLVL=$((SHLVL - 1))
printf . >&3
exec 3>&-
read -r _ || exit 125

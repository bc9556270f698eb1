#!/usr/bin/env python3
"""Evaluator of the rl-advantage example: accuracy of a policy trained with the candidate's advantage and loss.

    python3 evaluator.py [CANDIDATE] [STEP_DIR] [--preset NAME] [--timeout SECONDS]

Runs train.py on the candidate in a child process (with a time limit): it trains a small policy on
modular addition with a fixed number of GRPO-style updates that use the candidate's
compute_advantages() and policy_loss(), then measures the greedy accuracy over every prompt.
Writes results.json in the working directory: eval_score (the accuracy, 0 when the candidate
fails), success, error and the metrics. The sizes come from the preset
NAME of settings.json (default: `default`). Exits 0 whenever results.json was written.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT_TAIL_CHARS = 4000


def load_settings(preset):
    presets = json.loads((HERE / "settings.json").read_text())
    if preset not in presets:
        sys.exit(f"evaluator: no preset {preset!r} in {HERE / 'settings.json'} (there are: {', '.join(presets)})")
    return presets[preset]


def read_payload(path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def sandboxed(command, scratch):
    """The command run through $ASI_SANDBOX_EXEC when the evaluation provides it: the candidate can
    write its scratch folder only (never results.json), and nothing it starts outlives it."""
    sandbox = os.environ.get("ASI_SANDBOX_EXEC")
    return [sandbox, "--scratch", str(scratch), "--", *command] if sandbox else command


def run_child(candidate, settings, timeout_s, work_dir):
    """Runs train.py; returns (payload, error or None, run time). Output goes to program_output.txt."""
    scratch = work_dir / "candidate"
    scratch.mkdir(exist_ok=True)
    payload_path = scratch / "payload.json"
    output_path = work_dir / "program_output.txt"
    payload_path.unlink(missing_ok=True)
    started = time.monotonic()
    command = sandboxed([sys.executable, str(HERE / "train.py"), str(candidate), str(payload_path), json.dumps(settings)], scratch)
    # Output goes to a file, not a pipe: a grandchild that outlives a timeout cannot hang the wait.
    with open(output_path, "w") as output:
        try:
            completed = subprocess.run(command, cwd=scratch, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                                       timeout=timeout_s, check=False)
            timed_out = False
        except subprocess.TimeoutExpired:
            timed_out = True
    run_time = time.monotonic() - started
    program_output = output_path.read_text(errors="replace")
    if program_output.strip():
        print(f"--- program output (tail) ---\n{program_output[-OUTPUT_TAIL_CHARS:]}")
    payload = read_payload(payload_path)
    if "error" in payload:
        return payload, payload["error"], run_time
    if timed_out:
        return payload, f"the program timed out after {timeout_s:g} s", run_time
    if payload.get("stage") != "done":
        code = completed.returncode
        how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        return payload, f"the program {how} before training finished", run_time
    return payload, None, run_time


def evaluate(candidate, preset, timeout_s):
    settings = load_settings(preset)
    timeout_s = timeout_s if timeout_s is not None else settings["timeout_s"]
    base = {"preset": preset, "modulus": settings["modulus"], "updates": settings["updates"], "group_size": settings["group_size"]}
    if not candidate.is_file():
        return {**base, "eval_score": 0.0, "success": False, "error": f"candidate not found: {candidate}"}
    payload, error, run_time = run_child(candidate, settings, timeout_s, Path.cwd())
    metrics = {key: value for key, value in payload.items() if key not in ("stage", "error")}
    results = {**base, **metrics, "run_time_s": round(run_time, 3)}
    if error is not None:
        return {**results, "eval_score": 0.0, "success": False, "error": error}
    return {**results, "eval_score": payload["accuracy"], "success": True}


def json_safe(value):
    """The value with NaN and infinite floats replaced by None (results.json is strict JSON)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_safe(item) for item in value]
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("candidate", nargs="?", default=os.environ.get("ASI_PROGRAM_PATH", "code"))
    parser.add_argument("step_dir", nargs="?", help="ignored: the working directory is the step folder")
    parser.add_argument("--preset", default="default", help="the preset of settings.json to use")
    parser.add_argument("--timeout", type=float, default=None, help="seconds for the child run (default: the preset's timeout_s)")
    arguments = parser.parse_args()
    results = evaluate(Path(arguments.candidate).resolve(), arguments.preset, arguments.timeout)
    with open("results.json", "w") as handle:
        json.dump(json_safe(results), handle, indent=2, allow_nan=False)
        handle.write("\n")
    if results["success"]:
        print(f"greedy accuracy = {results['eval_score']:.4f} (mean reward at the end {results['final_mean_reward']:.4f})")
    else:
        print(f"failed: {results['error']}")


if __name__ == "__main__":
    main()

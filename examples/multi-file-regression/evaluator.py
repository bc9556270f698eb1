"""Scores a multi-file candidate: runs the project's training loop in the candidate's workspace
(through $ASI_SANDBOX_EXEC), then compares its predictions on held-out inputs with targets only
this evaluator holds. Writes results.json in the working directory (the step folder).

eval_score = -(validation mean squared error); higher is better.
"""

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

TIMEOUT_S = 30
VALIDATION_SIZE = 200


def target(x):
    return math.sin(3.0 * x) + 0.3 * x


def write_results(results):
    Path("results.json").write_text(json.dumps(results, indent=2) + "\n")


def fail(message):
    print(message)
    write_results({"success": False, "eval_score": None, "error": message})
    sys.exit(0)


def main():
    workspace = os.environ.get("ASI_EVOLVE_WORKSPACE")
    if not workspace:
        fail("no workspace: run this evaluator through asi-evolve with a project (config `project`)")
    scratch = Path("candidate").resolve()
    scratch.mkdir(exist_ok=True)
    inputs = [-1.0 + 2.0 * (index + 0.5) / VALIDATION_SIZE for index in range(VALIDATION_SIZE)]
    (scratch / "inputs.json").write_text(json.dumps(inputs))
    predictions_path = scratch / "predictions.json"
    predictions_path.unlink(missing_ok=True)
    command = [sys.executable, str(Path(workspace) / "train.py"), str(scratch / "inputs.json"), str(predictions_path)]
    sandbox = os.environ.get("ASI_SANDBOX_EXEC")
    if sandbox:
        command = [sandbox, "--scratch", str(scratch), "--", *command]
    started = time.monotonic()
    try:
        completed = subprocess.run(command, cwd=workspace, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                   timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        fail(f"training took longer than {TIMEOUT_S} s")
    seconds = time.monotonic() - started
    output = (completed.stdout + completed.stderr)[-4000:]
    if output.strip():
        print(output)
    if completed.returncode != 0:
        last = output.strip().splitlines()[-1] if output.strip() else ""
        fail(f"train.py exited with code {completed.returncode}: {last}")
    try:
        predictions = json.loads(predictions_path.read_text())
    except (OSError, ValueError) as error:
        fail(f"no readable predictions: {error}")
    if not isinstance(predictions, list) or len(predictions) != VALIDATION_SIZE:
        fail(f"expected {VALIDATION_SIZE} predictions")
    try:
        values = [float(value) for value in predictions]
    except (TypeError, ValueError):
        fail("a prediction is not a number")
    if not all(math.isfinite(value) for value in values):
        fail("a prediction is not a finite number")
    mse = sum((value - target(x)) ** 2 for value, x in zip(values, inputs)) / VALIDATION_SIZE
    print(f"validation MSE {mse:.6f} in {seconds:.2f} s")
    write_results({"success": True, "eval_score": round(-mse, 6), "validation_mse": round(mse, 6),
                   "train_seconds": round(seconds, 3)})


if __name__ == "__main__":
    main()

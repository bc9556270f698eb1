#!/usr/bin/env python3
"""Evaluator of the Python circle-packing example (26 circles in the unit square).

    python3 evaluator.py [candidate] [--timeout SECONDS]

Loads the candidate in a child Python process, calls its construct_packing(), checks the packing,
recomputes the sum of the radii and writes results.json in the working directory: eval_score (the
sum, 0 when invalid), success, error, and the metrics. Exits 0 whenever results.json was written.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

CIRCLES = 26
TOLERANCE = 1e-6
BEST_KNOWN = 2.6359830849
DEFAULT_TIMEOUT_S = 60.0
OUTPUT_TAIL_CHARS = 4000

# Runs in the child: loads the candidate (any file name), calls construct_packing() and writes the
# centres and radii as JSON to the file named by its second argument.
RUNNER = r"""
import json, runpy, sys, traceback
import numpy as np


def outcome(candidate):
    try:
        construct = runpy.run_path(candidate, run_name="candidate").get("construct_packing")
        if not callable(construct):
            return {"error": "the program does not define a function construct_packing()"}
        result = construct()
    except BaseException as error:
        traceback.print_exc()
        return {"error": f"construct_packing() raised {type(error).__name__}: {error}"}
    if not isinstance(result, (tuple, list)) or len(result) < 2:
        return {"error": "construct_packing() must return (centers, radii, sum_of_radii)"}
    try:
        centers = np.asarray(result[0], dtype=float).tolist()
        radii = np.asarray(result[1], dtype=float).tolist()
    except (TypeError, ValueError) as error:
        return {"error": f"construct_packing() returned centers or radii that are not numeric arrays: {error}"}
    return {"centers": centers, "radii": radii}


payload = outcome(sys.argv[1])
with open(sys.argv[2], "w") as handle:
    json.dump(payload, handle)
"""


def describe(value):
    """A value as JSON would show it (NaN and Infinity included)."""
    return json.dumps(value)


def check_packing(centers, radii):
    """Returns (error, total, min_radius); error is None for a valid packing and otherwise names
    the first rule broken (circles counted from 0). The sum is always recomputed from the radii."""
    if not isinstance(centers, list) or not isinstance(radii, list):
        return 'the packing must have "centers" and "radii" arrays', None, None
    if len(centers) != CIRCLES:
        return f"expected {CIRCLES} centers, got {len(centers)}", None, None
    if len(radii) != CIRCLES:
        return f"expected {CIRCLES} radii, got {len(radii)}", None, None
    for index in range(CIRCLES):
        center = centers[index]
        if not isinstance(center, list) or len(center) != 2:
            return f"center {index} is not a pair [x, y]: {describe(center)}", None, None
        if not all(isinstance(value, (int, float)) and math.isfinite(value) for value in center):
            return f"center {index} has a coordinate that is not a finite number: {describe(center)}", None, None
        radius = radii[index]
        if not isinstance(radius, (int, float)) or not math.isfinite(radius):
            return f"radius {index} is not a finite number: {describe(radius)}", None, None
    total = math.fsum(radii)
    min_radius = min(radii)
    for index in range(CIRCLES):
        radius = radii[index]
        x, y = centers[index]
        if radius < 0:
            return f"radius {index} is negative: {radius}", total, min_radius
        for label, value, limit in (("x - r", x - radius, 0.0), ("y - r", y - radius, 0.0),
                                    ("x + r", x + radius, 1.0), ("y + r", y + radius, 1.0)):
            below = limit == 0.0 and value < -TOLERANCE
            above = limit == 1.0 and value > 1.0 + TOLERANCE
            if below or above:
                side = "below 0" if below else "above 1"
                return f"circle {index} leaves the square: {label} = {value:.6g} is {side}", total, min_radius
    for first in range(CIRCLES):
        for second in range(first + 1, CIRCLES):
            (x1, y1), (x2, y2) = centers[first], centers[second]
            overlap = radii[first] + radii[second] - math.hypot(x1 - x2, y1 - y2)
            if overlap > TOLERANCE:
                return f"circles {first} and {second} overlap by {overlap:.6g}", total, min_radius
    return None, total, min_radius


def sandboxed(command, scratch):
    """The command run through $ASI_SANDBOX_EXEC when the evaluation provides it: the candidate can
    write its scratch folder only (never results.json), and nothing it starts outlives it."""
    sandbox = os.environ.get("ASI_SANDBOX_EXEC")
    return [sandbox, "--scratch", str(scratch), "--", *command] if sandbox else command


def run_candidate(candidate, work_dir, timeout_s):
    """Runs the candidate in a child process; returns (packing or None, error or None, run time)."""
    scratch = work_dir / "candidate"
    scratch.mkdir(exist_ok=True)
    packing_path = scratch / "packing.json"
    output_path = work_dir / "program_output.txt"
    packing_path.unlink(missing_ok=True)
    started = time.monotonic()
    # Output goes to a file, not a pipe: a grandchild that outlives a timeout cannot hang the wait.
    with open(output_path, "w") as output:
        try:
            completed = subprocess.run(
                sandboxed([sys.executable, "-c", RUNNER, str(candidate), str(packing_path)], scratch),
                cwd=scratch, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                timeout=timeout_s, check=False,
            )
        except subprocess.TimeoutExpired:
            return None, f"the program timed out after {timeout_s:g} s", time.monotonic() - started
    run_time = time.monotonic() - started
    program_output = output_path.read_text(errors="replace")
    if program_output.strip():
        print(f"--- program output (tail) ---\n{program_output[-OUTPUT_TAIL_CHARS:]}")
    if not packing_path.exists():
        code = completed.returncode
        how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        return None, f"the program {how} before returning a packing", run_time
    packing = json.loads(packing_path.read_text())
    if "error" in packing:
        return None, packing["error"], run_time
    return packing, None, run_time


def evaluate(candidate, timeout_s):
    work_dir = Path.cwd()
    results = {"num_circles": None, "sum_radii": None, "min_radius": None, "validity": 0, "run_time_s": None}
    if not candidate.is_file():
        return {**results, "eval_score": 0.0, "success": False, "error": f"candidate not found: {candidate}"}
    packing, error, run_time = run_candidate(candidate, work_dir, timeout_s)
    results["run_time_s"] = round(run_time, 3)
    if packing is None:
        return {**results, "eval_score": 0.0, "success": False, "error": error}
    centers, radii = packing.get("centers"), packing.get("radii")
    error, total, min_radius = check_packing(centers, radii)
    results.update(num_circles=len(centers) if isinstance(centers, list) else None, sum_radii=total, min_radius=min_radius)
    if error is not None:
        return {**results, "eval_score": 0.0, "success": False, "error": error}
    return {**results, "eval_score": total, "success": True, "validity": 1, "ratio_to_best_known": total / BEST_KNOWN}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("candidate", nargs="?", default=os.environ.get("ASI_PROGRAM_PATH", "code"))
    parser.add_argument("--timeout", type=float, default=float(os.environ.get("CIRCLE_PACKING_TIMEOUT_S", DEFAULT_TIMEOUT_S)))
    arguments = parser.parse_args()
    results = evaluate(Path(arguments.candidate).resolve(), arguments.timeout)
    with open("results.json", "w") as handle:
        json.dump(results, handle, indent=2, allow_nan=False)
        handle.write("\n")
    print(f"valid packing: sum_radii = {results['sum_radii']:.8f}" if results["success"] else f"invalid: {results['error']}")


if __name__ == "__main__":
    main()

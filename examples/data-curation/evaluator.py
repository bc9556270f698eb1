#!/usr/bin/env python3
"""Evaluator of the data-curation example: how much a cleaner helps a language model.

    python3 evaluator.py [CANDIDATE] [STEP_DIR] [--preset NAME] [--timeout SECONDS]

Builds the corpus (corpus.py: Python docstrings, split by a seed), adds seeded noise to the
training documents (noise.py), runs the candidate's clean_corpus() on them in a child process
(run_cleaner.py, with a time limit), trains the character language model (char_lm.py) on what it
kept and scores it on the held-out clean documents (scoring.py). Writes results.json in the
working directory: eval_score, success, error and the metrics. The sizes come from the preset
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
sys.path.insert(0, str(HERE))

from corpus import source_documents, split_documents  # noqa: E402
from noise import add_noise  # noqa: E402
from scoring import score_cleaning  # noqa: E402

OUTPUT_TAIL_CHARS = 4000


def load_settings(preset):
    presets = json.loads((HERE / "settings.json").read_text())
    if preset not in presets:
        sys.exit(f"evaluator: no preset {preset!r} in {HERE / 'settings.json'} (there are: {', '.join(presets)})")
    return presets[preset]


def sandboxed(command, scratch):
    """The command run through $ASI_SANDBOX_EXEC when the evaluation provides it: the candidate can
    write its scratch folder only (never results.json), and nothing it starts outlives it."""
    sandbox = os.environ.get("ASI_SANDBOX_EXEC")
    return [sandbox, "--scratch", str(scratch), "--", *command] if sandbox else command


def run_cleaner(candidate, noisy_documents, timeout_s, work_dir):
    """Runs the cleaner; returns (documents or None, error or None, run time)."""
    scratch = work_dir / "candidate"
    scratch.mkdir(exist_ok=True)
    input_path = scratch / "noisy_corpus.json"
    output_path = scratch / "cleaned_corpus.json"
    log_path = work_dir / "program_output.txt"
    input_path.write_text(json.dumps(noisy_documents), encoding="utf-8")
    output_path.unlink(missing_ok=True)
    started = time.monotonic()
    command = sandboxed([sys.executable, str(HERE / "run_cleaner.py"), str(candidate), str(input_path), str(output_path)], scratch)
    # Output goes to a file, not a pipe: a grandchild that outlives a timeout cannot hang the wait.
    with open(log_path, "w") as log:
        try:
            completed = subprocess.run(command, cwd=scratch, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                       timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired:
            return None, f"the cleaner timed out after {timeout_s:g} s", time.monotonic() - started
    run_time = time.monotonic() - started
    program_output = log_path.read_text(errors="replace")
    if program_output.strip():
        print(f"--- program output (tail) ---\n{program_output[-OUTPUT_TAIL_CHARS:]}")
    if not output_path.exists():
        code = completed.returncode
        how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        return None, f"the program {how} before returning the cleaned corpus", run_time
    payload = json.loads(output_path.read_text(encoding="utf-8"))
    if "error" in payload:
        return None, payload["error"], run_time
    return payload["documents"], None, run_time


def evaluate(candidate, preset, timeout_s):
    settings = load_settings(preset)
    timeout_s = timeout_s if timeout_s is not None else settings["timeout_s"]
    documents = source_documents()
    if settings["max_documents"] is not None:
        documents = documents[:settings["max_documents"]]
    training, heldout = split_documents(documents, settings["heldout_documents"], settings["seed"])
    noisy = add_noise(training, settings["seed"])
    base = {"preset": preset, "input_documents": len(noisy), "input_chars": sum(map(len, noisy))}
    if not candidate.is_file():
        return {**base, "eval_score": 0.0, "success": False, "error": f"candidate not found: {candidate}"}
    kept, error, run_time = run_cleaner(candidate, noisy, timeout_s, Path.cwd())
    base["clean_time_s"] = round(run_time, 3)
    if error is not None:
        return {**base, "eval_score": 0.0, "success": False, "error": error}
    kept_chars = sum(map(len, kept))
    if kept_chars > base["input_chars"]:
        return {**base, "eval_score": 0.0, "success": False, "kept_chars": kept_chars,
                "error": f"the cleaner must only remove or repair text: it returned {kept_chars} characters from {base['input_chars']}"}
    return {**base, **score_cleaning(training, noisy, kept, heldout, settings), "success": True}


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
    parser.add_argument("--timeout", type=float, default=None, help="seconds for the cleaner (default: the preset's timeout_s)")
    arguments = parser.parse_args()
    started = time.monotonic()
    results = evaluate(Path(arguments.candidate).resolve(), arguments.preset, arguments.timeout)
    results["run_time_s"] = round(time.monotonic() - started, 3)
    with open("results.json", "w") as handle:
        json.dump(json_safe(results), handle, indent=2, allow_nan=False)
        handle.write("\n")
    if results["success"]:
        print(f"score = {results['eval_score']:.4f}: gap closed {results['gap_closed']:.4f}, clean text lost {results['clean_lost']:.4f}, "
              f"held-out {results['heldout_bpc']:.4f} bits/char (raw corpus {results['raw_corpus_bpc']:.4f}, clean {results['clean_corpus_bpc']:.4f})")
    else:
        print(f"failed: {results['error']}")


if __name__ == "__main__":
    main()

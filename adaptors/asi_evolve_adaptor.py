#!/usr/bin/env python3
"""Runs an OpenEvolve or ShinkaEvolve evaluator unchanged and writes asi-evolve's results.json.

Shipped with asi-evolve and copied into each experiment folder that `asi-evolve import` makes.

    python3 asi_evolve_adaptor.py openevolve --evaluator evaluator.py [--function F[,F2,F3] --thresholds T1[,T2]] PROGRAM
    python3 asi_evolve_adaptor.py shinka --evaluator evaluate.py PROGRAM

openevolve: imports the evaluator and calls FUNCTION(PROGRAM). With several functions
(`--function evaluate_stage1,evaluate_stage2 --thresholds 0.5`) it runs OpenEvolve's cascade: a
stage runs when the metrics so far pass the previous threshold, the stages' numeric metrics are
merged, and a stage below its threshold ends the cascade with the metrics so far (the candidate
keeps that score). Each function may return a dict of metrics or an EvaluationResult (metrics
and artifacts). The score is `combined_score`, else the mean of the numeric metrics, as
OpenEvolve ranks programs. A string `error` metric, or an exception, makes the candidate
unsuccessful.

shinka: imports the evaluator and calls main(PROGRAM, RESULTS_DIR) with RESULTS_DIR a folder of
the working directory, then reads the metrics.json and correct.json it wrote. The score is
`combined_score`; `correct: false` makes the candidate unsuccessful with its `error`.

Either way results.json (in the working directory) holds eval_score, success, error, the metrics
at the top level, and the artifacts. When the evaluator imports `openevolve.evaluation_result` or
`shinka.core` and those packages are not installed, small stand-ins with the same public names
are provided. Exits 0 whenever results.json was written.
"""

import argparse
import dataclasses
import importlib.util
import json
import math
import os
import sys
import time
import traceback
import types

RESERVED = ("eval_score", "success", "error", "artifacts")
ARTIFACT_TEXT_LIMIT = 20000


def plain(value):
    """A JSON-safe copy: numpy scalars and arrays become numbers and lists, NaN and infinities null."""
    if isinstance(value, dict):
        return {str(key): plain(entry) for key, entry in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(entry) for entry in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if hasattr(value, "tolist"):
        return plain(value.tolist())
    if hasattr(value, "item"):
        return plain(value.item())
    return str(value)


def write_results(results):
    with open("results.json", "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2, allow_nan=False)


def failure(message, extra=None):
    results = dict(extra or {})
    results.update({"eval_score": 0.0, "success": False, "error": message})
    write_results(results)


def load_module(path, name):
    folder = os.path.dirname(os.path.abspath(path))
    # The evaluator's own helpers and data files sit beside it, as under OpenEvolve and ShinkaEvolve.
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path} as a Python module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ensure_module(name, build):
    """Registers a stand-in for `name` unless the real package can be imported."""
    try:
        importlib.import_module(name)
    except ImportError:
        build()


# ---------------------------------------------------------------- OpenEvolve


def install_openevolve_stand_in():
    @dataclasses.dataclass
    class EvaluationResult:
        metrics: dict
        artifacts: dict = dataclasses.field(default_factory=dict)

        @classmethod
        def from_dict(cls, metrics):
            return cls(metrics=metrics)

        def to_dict(self):
            return self.metrics

        def has_artifacts(self):
            return bool(self.artifacts)

    package = types.ModuleType("openevolve")
    package.__path__ = []
    module = types.ModuleType("openevolve.evaluation_result")
    module.EvaluationResult = EvaluationResult
    package.evaluation_result = module
    package.EvaluationResult = EvaluationResult
    sys.modules["openevolve"] = package
    sys.modules["openevolve.evaluation_result"] = module


def openevolve_score(metrics):
    """combined_score when numeric, else the mean of the numeric metrics other than `error`."""
    combined = metrics.get("combined_score")
    if isinstance(combined, (int, float)) and not isinstance(combined, bool):
        return float(combined), "combined_score"
    numbers = [
        float(value)
        for name, value in metrics.items()
        if name != "error" and isinstance(value, (int, float)) and not isinstance(value, bool)
    ]
    if not numbers:
        return None, None
    return sum(numbers) / len(numbers), "mean of the numeric metrics"


def artifacts_of(raw):
    artifacts = {}
    for name, value in (raw or {}).items():
        if isinstance(value, bytes):
            artifacts[str(name)] = f"<{len(value)} bytes>"
        else:
            text = value if isinstance(value, str) else json.dumps(plain(value))
            if len(text) > ARTIFACT_TEXT_LIMIT:
                text = text[:ARTIFACT_TEXT_LIMIT] + f"... [{len(text) - ARTIFACT_TEXT_LIMIT} more characters]"
            artifacts[str(name)] = text
    return artifacts


def flat_results(metrics, artifacts):
    results = {}
    for name, value in metrics.items():
        results[f"metric_{name}" if name in RESERVED else name] = plain(value)
    if artifacts:
        results["artifacts"] = artifacts
    return results


class StageFailed(Exception):
    """A stage that raised or returned something other than metrics."""


def call_stage(module, function_name, program):
    """(metrics, artifacts) of one evaluator function, or StageFailed naming what went wrong."""
    function = getattr(module, function_name, None)
    if not callable(function):
        raise StageFailed(f"the evaluator defines no function {function_name}(program_path)")
    try:
        returned = function(program)
    except BaseException as error:  # noqa: BLE001 - the user's evaluator may raise anything
        traceback.print_exc()
        raise StageFailed(f"{function_name}() raised {type(error).__name__}: {error}") from None
    if isinstance(returned, dict):
        return dict(returned), {}
    if hasattr(returned, "metrics"):
        return dict(returned.metrics or {}), dict(getattr(returned, "artifacts", {}) or {})
    raise StageFailed(f"{function_name}() returned {type(returned).__name__}, expected a dict of metrics or an EvaluationResult")


def passes(metrics, threshold):
    """OpenEvolve's cascade test: combined_score, else the mean of the numeric metrics, at or above the threshold."""
    score, _ = openevolve_score({name: plain(value) for name, value in metrics.items()})
    return score is not None and score >= threshold


def merged(first, second):
    """Numeric metrics of both stages (the later one wins), as OpenEvolve merges cascade stages."""
    metrics = {}
    for source in (first, second):
        for name, value in source.items():
            if name != "error" and isinstance(value, (int, float)):
                metrics[name] = float(value)
    return metrics


def run_cascade(module, functions, thresholds, program):
    """OpenEvolve's cascade: each stage runs when the previous one passes its threshold; a stage
    below it ends the cascade with the metrics so far. Returns (metrics, artifacts, stages run)."""
    metrics, artifacts = call_stage(module, functions[0], program)
    stages = [{"function": functions[0], "passed": None}]
    for index, function_name in enumerate(functions[1:]):
        if index >= len(thresholds) or not passes(metrics, thresholds[index]):
            stages[-1]["passed"] = False
            break
        stages[-1]["passed"] = True
        try:
            later_metrics, later_artifacts = call_stage(module, function_name, program)
        except StageFailed as error:
            # As OpenEvolve: a later stage that fails keeps the earlier stages' metrics.
            artifacts[f"{function_name}_error"] = str(error)
            metrics["stage_failed"] = 1.0
            stages.append({"function": function_name, "passed": False, "error": str(error)})
            break
        metrics = merged(metrics, later_metrics) if "error" not in later_metrics else dict(later_metrics)
        artifacts.update(later_artifacts)
        stages.append({"function": function_name, "passed": None})
    return metrics, artifacts, stages


def run_openevolve(evaluator, functions, thresholds, program):
    ensure_module("openevolve.evaluation_result", install_openevolve_stand_in)
    started = time.monotonic()
    try:
        module = load_module(evaluator, "evaluator")
    except BaseException as error:  # noqa: BLE001 - the user's module may raise anything
        traceback.print_exc()
        return failure(f"importing {evaluator} raised {type(error).__name__}: {error}")
    try:
        metrics, artifacts, stages = run_cascade(module, functions, thresholds, program)
    except StageFailed as error:
        return failure(str(error))
    results = flat_results(metrics, artifacts_of(artifacts))
    results["evaluation_seconds"] = round(time.monotonic() - started, 3)
    if len(functions) > 1:
        results["cascade"] = stages
    error = metrics.get("error")
    if isinstance(error, str) and error.strip():
        return failure(error.strip(), results)
    combined = metrics.get("combined_score")
    if isinstance(combined, float) and not math.isfinite(combined):
        return failure(f"the evaluator returned combined_score {combined}, not a finite number", results)
    score, source = openevolve_score({name: plain(value) for name, value in metrics.items()})
    if score is None:
        return failure("the evaluator returned no finite combined_score and no numeric metric", results)
    results.update({"eval_score": score, "success": True, "score_from": source})
    write_results(results)


# ---------------------------------------------------------------- ShinkaEvolve


def save_json_results(results_dir, metrics, correct, error=None, verbose=True):
    os.makedirs(results_dir, exist_ok=True)
    with open(os.path.join(results_dir, "correct.json"), "w") as handle:
        json.dump({"correct": correct, "error": error}, handle, indent=4)
    with open(os.path.join(results_dir, "metrics.json"), "w") as handle:
        json.dump(plain(metrics), handle, indent=4)


def run_shinka_eval(
    program_path,
    results_dir,
    experiment_fn_name,
    num_runs,
    get_experiment_kwargs=None,
    aggregate_metrics_fn=None,
    validate_fn=None,
    default_metrics_on_error=None,
    **_ignored,
):
    """Sequential stand-in for shinka.core.run_shinka_eval: runs, validates, aggregates, saves."""
    default_metrics = dict(default_metrics_on_error or {"combined_score": 0.0})
    try:
        module = load_module(program_path, "program")
        experiment = getattr(module, experiment_fn_name, None)
        if not callable(experiment):
            raise AttributeError(f"experiment function '{experiment_fn_name}' not found in {program_path}")
        results, times, errors = [], [], []
        for run_index in range(num_runs):
            kwargs = get_experiment_kwargs(run_index) if get_experiment_kwargs else {"seed": run_index + 1}
            started = time.perf_counter()
            result = experiment(**kwargs)
            times.append(time.perf_counter() - started)
            if validate_fn is not None:
                valid, message = validate_fn(result)
                if not valid:
                    errors.append(message or f"run {run_index} is invalid")
            results.append(result)
        metrics = aggregate_metrics_fn(results) if aggregate_metrics_fn else {}
        metrics.setdefault("execution_time_mean", sum(times) / len(times) if times else 0.0)
        metrics["num_valid_runs"] = num_runs - len(errors)
        metrics["num_invalid_runs"] = len(errors)
        metrics["all_validation_errors"] = errors
        correct, error = not errors, errors[0] if errors else None
    except Exception as exception:  # noqa: BLE001
        traceback.print_exc()
        metrics, correct, error = default_metrics, False, f"{type(exception).__name__}: {exception}"
    save_json_results(results_dir, metrics, correct, error)
    return metrics, correct, error


def install_shinka_stand_in():
    package = types.ModuleType("shinka")
    package.__path__ = []
    core = types.ModuleType("shinka.core")
    core.run_shinka_eval = run_shinka_eval
    core.save_json_results = save_json_results
    package.core = core
    sys.modules["shinka"] = package
    sys.modules["shinka.core"] = core


def read_json(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle), None
    except FileNotFoundError:
        return None, f"{path} was not written"
    except (OSError, ValueError) as error:
        return None, f"{path} cannot be read: {error}"


def run_shinka(evaluator, program):
    ensure_module("shinka.core", install_shinka_stand_in)
    results_dir = os.path.abspath("shinka_results")
    os.makedirs(results_dir, exist_ok=True)
    try:
        module = load_module(evaluator, "evaluate")
        main = getattr(module, "main", None)
        if not callable(main):
            return failure(f"{evaluator} defines no function main(program_path, results_dir)")
        main(program, results_dir)
    except BaseException as error:  # noqa: BLE001
        traceback.print_exc()
        return failure(f"main() of {evaluator} raised {type(error).__name__}: {error}")
    metrics, metrics_problem = read_json(os.path.join(results_dir, "metrics.json"))
    correct, correct_problem = read_json(os.path.join(results_dir, "correct.json"))
    if metrics_problem is not None or not isinstance(metrics, dict):
        return failure(metrics_problem or "metrics.json does not hold an object")
    results = flat_results(metrics, {})
    if correct_problem is None and isinstance(correct, dict) and correct.get("correct") is False:
        return failure(str(correct.get("error") or "the evaluator reported correct: false"), results)
    combined = metrics.get("combined_score")
    if not isinstance(combined, (int, float)) or isinstance(combined, bool) or not math.isfinite(combined):
        return failure("metrics.json has no finite combined_score", results)
    if correct_problem is not None:
        results["correct_json"] = correct_problem
    results.update({"eval_score": float(combined), "success": True})
    write_results(results)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("format", choices=["openevolve", "shinka"])
    parser.add_argument("--evaluator", required=True, help="the evaluator file (evaluator.py or evaluate.py)")
    parser.add_argument(
        "--function",
        default="evaluate",
        help="openevolve: the function to call, or the cascade's stage functions separated by commas",
    )
    parser.add_argument("--thresholds", default="", help="openevolve: the cascade thresholds, separated by commas")
    parser.add_argument("program", help="the candidate program file")
    arguments = parser.parse_args()
    program = os.path.abspath(arguments.program)
    evaluator = os.path.abspath(arguments.evaluator)
    if arguments.format == "openevolve":
        functions = [name for name in arguments.function.split(",") if name]
        thresholds = [float(value) for value in arguments.thresholds.split(",") if value]
        run_openevolve(evaluator, functions, thresholds, program)
    else:
        run_shinka(evaluator, program)


if __name__ == "__main__":
    main()

"""Runs the candidate's clean_corpus() in a child process of the evaluator.

    python3 run_cleaner.py CANDIDATE INPUT_JSON OUTPUT_JSON

INPUT_JSON holds the noisy documents (a list of strings); OUTPUT_JSON receives
{"documents": [...]} or {"error": "..."}.
"""

import json
import runpy
import sys
import time
import traceback


def outcome(candidate, documents):
    try:
        clean_corpus = runpy.run_path(candidate, run_name="candidate").get("clean_corpus")
        if not callable(clean_corpus):
            return {"error": "the program does not define a function clean_corpus()"}
        started = time.perf_counter()
        cleaned = clean_corpus(list(documents))
        elapsed = time.perf_counter() - started
    except BaseException as error:
        traceback.print_exc()
        return {"error": f"clean_corpus() raised {type(error).__name__}: {error}"}
    if not isinstance(cleaned, (list, tuple)):
        return {"error": f"clean_corpus() must return a list of strings, got {type(cleaned).__name__}"}
    for index, document in enumerate(cleaned):
        if not isinstance(document, str):
            return {"error": f"clean_corpus() must return a list of strings; item {index} is a {type(document).__name__}"}
    return {"documents": list(cleaned), "clean_time_s": elapsed}


def main():
    candidate, input_path, output_path = sys.argv[1:4]
    with open(input_path, encoding="utf-8") as handle:
        documents = json.load(handle)
    payload = outcome(candidate, documents)
    with open(output_path, "w", encoding="utf-8") as handle:
        json.dump(payload, handle)


if __name__ == "__main__":
    main()

"""The clean text of the data-curation example: docstrings of Python's standard library.

Every machine that runs the evaluator has Python 3 and therefore this text (Python Software
Foundation License Version 2). The documents are the docstrings (at least `min_chars` long) of a
fixed list of modules and of their public classes, functions and methods, in a fixed order; a
seeded shuffle splits them into the documents the cleaner sees and the held-out documents the
language model is scored on. The text changes a little between Python versions, so the scores
in the README hold for Python 3.11.
"""

import importlib
import inspect
import random
import warnings

MODULES = (
    "argparse", "asyncio", "base64", "bisect", "calendar", "collections", "configparser",
    "contextlib", "csv", "dataclasses", "datetime", "decimal", "difflib", "email.message", "enum",
    "fractions", "ftplib", "functools", "gettext", "glob", "gzip", "hashlib", "heapq", "hmac",
    "html", "http.client", "imaplib", "inspect", "io", "ipaddress", "itertools", "json", "logging",
    "mailbox", "math", "mimetypes", "multiprocessing", "numbers", "operator", "optparse", "os",
    "pathlib", "pickle", "pprint", "queue", "random", "re", "sched", "secrets", "shelve", "shlex",
    "shutil", "smtplib", "socket", "sqlite3", "statistics", "string", "struct", "subprocess",
    "tarfile", "tempfile", "textwrap", "threading", "timeit", "tokenize", "traceback", "typing",
    "unittest", "urllib.parse", "urllib.request", "uuid", "warnings", "wave", "weakref",
    "xml.dom.minidom", "zipfile", "zlib",
)


def _docstrings_of(module):
    """The docstrings of a module and of its own public classes, functions and methods, in name order."""
    found = [inspect.getdoc(module)]
    for name in sorted(vars(module)):
        value = getattr(module, name)
        if name.startswith("_") or getattr(value, "__module__", None) != module.__name__:
            continue
        if inspect.isclass(value) or inspect.isfunction(value):
            found.append(inspect.getdoc(value))
        if inspect.isclass(value):
            for member_name in sorted(vars(value)):
                member = vars(value)[member_name]
                if not member_name.startswith("_") and inspect.isfunction(member):
                    found.append(inspect.getdoc(member))
    return found


def source_documents(modules=MODULES, min_chars=200):
    """The distinct docstrings of `modules`, at least `min_chars` long, in a fixed order."""
    documents = []
    seen = set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for module_name in modules:
            for text in _docstrings_of(importlib.import_module(module_name)):
                if text and len(text) >= min_chars and text not in seen:
                    seen.add(text)
                    documents.append(text.replace("\t", "    "))
    return documents


def split_documents(documents, heldout_count, seed):
    """(training documents, held-out documents): a seeded shuffle, the first `heldout_count` held out."""
    order = list(range(len(documents)))
    random.Random(seed).shuffle(order)
    heldout = [documents[index] for index in order[:heldout_count]]
    training = [documents[index] for index in order[heldout_count:]]
    return training, heldout

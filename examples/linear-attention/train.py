"""Runs one candidate layer in a child process of the evaluator: checks, training, evaluation.

    python3 train.py CANDIDATE PAYLOAD_JSON SETTINGS_JSON

Loads the candidate, checks that its SequenceMixer is causal and sub-quadratic, trains the model
of model.py with it on MQAR for a fixed number of steps, measures recall on held-out sequences
and writes what it found to PAYLOAD_JSON ({"error": ...} on the first problem). The payload is
rewritten after each stage, so a crash leaves the stage it happened in.
"""

import json
import math
import runpy
import sys
import time
import traceback
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))

from checks import CheckFailed, check_causal, check_subquadratic  # noqa: E402
from model import RecallModel, count_parameters  # noqa: E402
from mqar import IGNORE, recall_batch, vocabulary_size  # noqa: E402


def load_mixer_class(candidate):
    try:
        namespace = runpy.run_path(candidate, run_name="candidate")
    except BaseException as error:
        traceback.print_exc()
        raise CheckFailed(f"loading the program raised {type(error).__name__}: {error}") from error
    mixer_class = namespace.get("SequenceMixer")
    if not callable(mixer_class):
        raise CheckFailed("the program does not define a class SequenceMixer")
    return mixer_class


def make_mixer_factory(mixer_class, settings):
    def make():
        try:
            mixer = mixer_class(settings["d_model"], settings["num_heads"])
        except Exception as error:
            traceback.print_exc()
            raise CheckFailed(f"SequenceMixer(d_model, num_heads) raised {type(error).__name__}: {error}") from error
        if not isinstance(mixer, torch.nn.Module):
            raise CheckFailed("SequenceMixer(...) must be a torch.nn.Module")
        return mixer

    return make


@torch.no_grad()
def evaluate(model, tokens, targets, device, batch_size=128):
    """(accuracy over queried positions, mean cross-entropy there) on a fixed set of sequences."""
    model.eval()
    correct, total, loss_sum = 0, 0, 0.0
    for start in range(0, tokens.shape[0], batch_size):
        batch_tokens = tokens[start:start + batch_size].to(device)
        batch_targets = targets[start:start + batch_size].to(device)
        logits = model(batch_tokens)
        mask = batch_targets != IGNORE
        correct += int((logits.argmax(-1)[mask] == batch_targets[mask]).sum())
        total += int(mask.sum())
        loss_sum += float(F.cross_entropy(logits[mask], batch_targets[mask], reduction="sum"))
    return correct / total, loss_sum / total


def train(model, settings, device, generator):
    """Trains for `train_steps` steps; returns the mean loss of the last 10% of them."""
    steps = settings["train_steps"]
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings["learning_rate"], betas=(0.9, 0.98), weight_decay=settings["weight_decay"])
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=settings["learning_rate"], total_steps=steps, pct_start=0.1)
    vocabulary = vocabulary_size(settings["num_keys"])
    tail_losses = []
    model.train()
    for step in range(steps):
        tokens, targets = recall_batch(settings["batch_size"], settings["num_pairs"], settings["num_keys"], generator)
        tokens, targets = tokens.to(device), targets.to(device)
        try:
            logits = model(tokens)
        except Exception as error:
            traceback.print_exc()
            raise CheckFailed(f"the model raised {type(error).__name__} at training step {step}: {error}") from error
        loss = F.cross_entropy(logits.reshape(-1, vocabulary), targets.reshape(-1), ignore_index=IGNORE)
        if not math.isfinite(loss.item()):
            raise CheckFailed(f"training diverged: the loss is {loss.item()} at step {step}")
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        if step >= steps - max(1, steps // 10):
            tail_losses.append(loss.item())
        if step % max(1, steps // 5) == 0 or step == steps - 1:
            print(f"step {step:5d}  loss {loss.item():.4f}", flush=True)
    return sum(tail_losses) / len(tail_losses)


def run(candidate, settings, write):
    torch.set_num_threads(settings["threads"])
    torch.use_deterministic_algorithms(True, warn_only=True)
    device = torch.device(settings["device"])
    seed = settings["seed"]
    d_model = settings["d_model"]
    make_mixer = make_mixer_factory(load_mixer_class(candidate), settings)

    torch.manual_seed(seed)
    probe = make_mixer().to(device).eval()
    check_generator = torch.Generator().manual_seed(seed + 1)
    causality_change = check_causal(probe, d_model, settings["causality_lengths"], check_generator, device)
    timings = check_subquadratic(probe, d_model, settings["timing_lengths"], settings["max_length_exponent"], check_generator, device)
    print(f"checks passed: causal, forward time grows as length^{timings['exponent']:.2f}", flush=True)
    results = {"causal": True, "causality_max_change": causality_change, "length_exponent": timings["exponent"],
               "forward_ms_short": timings["short_s"] * 1e3, "forward_ms_long": timings["long_s"] * 1e3,
               "timing_lengths": [timings["short_length"], timings["long_length"]], "mixer_parameters": count_parameters(probe)}
    write({**results, "stage": "training"})

    torch.manual_seed(seed)
    model = RecallModel(make_mixer, vocabulary_size(settings["num_keys"]), d_model, settings["num_layers"]).to(device)
    started = time.perf_counter()
    train_loss = train(model, settings, device, torch.Generator().manual_seed(seed + 2))
    results.update(train_loss=train_loss, train_time_s=time.perf_counter() - started, parameters=count_parameters(model))
    write({**results, "stage": "evaluation"})

    tokens, targets = recall_batch(settings["eval_sequences"], settings["num_pairs"], settings["num_keys"], torch.Generator().manual_seed(seed + 3))
    accuracy, eval_loss = evaluate(model, tokens, targets, device)
    print(f"recall accuracy {accuracy:.4f}, loss {eval_loss:.4f}", flush=True)
    return {**results, "accuracy": accuracy, "eval_loss": eval_loss, "stage": "done"}


def main():
    candidate, payload_path, settings = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])

    def write(payload):
        payload_path.write_text(json.dumps(payload))

    def fail(message):
        previous = json.loads(payload_path.read_text()) if payload_path.exists() else {}
        write({**previous, "error": message})

    try:
        write(run(candidate, settings, write))
    except CheckFailed as failure:
        fail(str(failure))
    except BaseException as error:
        traceback.print_exc()
        stage = json.loads(payload_path.read_text()).get("stage", "checks") if payload_path.exists() else "checks"
        fail(f"{type(error).__name__} during {stage}: {error}")


if __name__ == "__main__":
    main()

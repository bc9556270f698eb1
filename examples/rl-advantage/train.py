"""Trains the policy with the candidate's advantage and loss, in a child process of the evaluator.

    python3 train.py CANDIDATE PAYLOAD_JSON SETTINGS_JSON

Each update samples `prompts_per_update` prompts, draws `group_size` answers for each from the
current policy, rewards them, asks the candidate's compute_advantages(rewards) for the
advantages, then takes `epochs_per_update` Adam steps on the candidate's policy_loss(log_probs,
old_log_probs, advantages, entropy). After `updates` updates it measures the greedy accuracy over
every prompt and writes the payload ({"error": ...} on the first problem).
"""

import json
import runpy
import sys
import time
import traceback
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))

from task import Policy, all_prompts, greedy_accuracy, reward, sample_answers  # noqa: E402


class CandidateError(Exception):
    """The candidate broke the contract; the message says how and at which update."""


def load_rules(candidate):
    try:
        namespace = runpy.run_path(candidate, run_name="candidate")
    except BaseException as error:
        traceback.print_exc()
        raise CandidateError(f"loading the program raised {type(error).__name__}: {error}") from error
    for name in ("compute_advantages", "policy_loss"):
        if not callable(namespace.get(name)):
            raise CandidateError(f"the program does not define a function {name}()")
    return namespace["compute_advantages"], namespace["policy_loss"]


def call(function, name, update, *arguments):
    try:
        return function(*arguments)
    except Exception as error:
        traceback.print_exc()
        raise CandidateError(f"{name}() raised {type(error).__name__} at update {update}: {error}") from error


def checked_advantages(compute_advantages, rewards, update):
    advantages = call(compute_advantages, "compute_advantages", update, rewards.clone())
    if not isinstance(advantages, torch.Tensor) or tuple(advantages.shape) != tuple(rewards.shape):
        found = tuple(advantages.shape) if isinstance(advantages, torch.Tensor) else type(advantages).__name__
        raise CandidateError(f"compute_advantages() must return a tensor of shape {tuple(rewards.shape)}, got {found} at update {update}")
    if not torch.isfinite(advantages).all():
        bad = "NaN" if torch.isnan(advantages).any() else "an infinite value"
        raise CandidateError(f"compute_advantages() returned {bad} at update {update}")
    return advantages.detach().float()


def checked_loss(policy_loss, update, *arguments):
    loss = call(policy_loss, "policy_loss", update, *arguments)
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
        found = f"shape {tuple(loss.shape)}" if isinstance(loss, torch.Tensor) else type(loss).__name__
        raise CandidateError(f"policy_loss() must return a scalar tensor, got {found} at update {update}")
    if not loss.requires_grad:
        raise CandidateError(f"policy_loss() returned a value that does not depend on log_probs at update {update}")
    if not torch.isfinite(loss).all():
        raise CandidateError(f"policy_loss() returned {loss.item()} at update {update}")
    return loss.reshape(())


def run(candidate, settings):
    torch.set_num_threads(settings["threads"])
    torch.use_deterministic_algorithms(True, warn_only=True)
    compute_advantages, policy_loss = load_rules(candidate)
    modulus, group = settings["modulus"], settings["group_size"]
    updates, prompts_per_update = settings["updates"], settings["prompts_per_update"]
    torch.manual_seed(settings["seed"])
    policy = Policy(modulus, settings["hidden_size"])
    optimizer = torch.optim.Adam(policy.parameters(), lr=settings["learning_rate"])
    generator = torch.Generator().manual_seed(settings["seed"] + 1)
    prompt_first, prompt_second, _ = all_prompts(modulus)
    started = time.perf_counter()
    tail = max(1, updates // 10)
    recent_rewards, recent_mixed = [], []
    for update in range(updates):
        chosen = torch.randint(0, modulus * modulus, (prompts_per_update,), generator=generator).repeat_interleave(group)
        first, second = prompt_first[chosen], prompt_second[chosen]
        with torch.no_grad():
            logits = policy(first, second)
            answers = sample_answers(logits, generator)
            old_log_probs = F.log_softmax(logits, dim=-1).gather(1, answers[:, None]).view(prompts_per_update, group)
        rewards = reward(first, second, answers, modulus).view(prompts_per_update, group)
        advantages = checked_advantages(compute_advantages, rewards, update)
        for _ in range(settings["epochs_per_update"]):
            log_distribution = F.log_softmax(policy(first, second), dim=-1)
            log_probs = log_distribution.gather(1, answers[:, None]).view(prompts_per_update, group)
            entropy = -(log_distribution.exp() * log_distribution).sum(-1).view(prompts_per_update, group)
            loss = checked_loss(policy_loss, update, log_probs, old_log_probs, advantages, entropy)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        if not all(torch.isfinite(parameter).all() for parameter in policy.parameters()):
            raise CandidateError(f"the policy's weights became NaN or infinite at update {update}")
        if update >= updates - tail:
            recent_rewards.append(rewards.mean().item())
            recent_mixed.append(((rewards.min(1).values == 0) & (rewards.max(1).values == 1)).float().mean().item())
        if update % max(1, updates // 5) == 0 or update == updates - 1:
            print(f"update {update:5d}  mean reward {rewards.mean().item():.3f}  greedy accuracy {greedy_accuracy(policy, modulus):.3f}", flush=True)
    with torch.no_grad():
        first, second, _ = all_prompts(modulus)
        log_distribution = F.log_softmax(policy(first, second), dim=-1)
        final_entropy = -(log_distribution.exp() * log_distribution).sum(-1).mean().item()
    return {
        "accuracy": greedy_accuracy(policy, modulus),
        "final_mean_reward": sum(recent_rewards) / len(recent_rewards),
        "final_mixed_groups": sum(recent_mixed) / len(recent_mixed),
        "final_entropy": final_entropy,
        "train_time_s": time.perf_counter() - started,
        "stage": "done",
    }


def main():
    candidate, payload_path, settings = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])
    try:
        payload = run(candidate, settings)
    except CandidateError as failure:
        payload = {"error": str(failure)}
    except BaseException as error:
        traceback.print_exc()
        payload = {"error": f"{type(error).__name__} during training: {error}"}
    payload_path.write_text(json.dumps(payload))


if __name__ == "__main__":
    main()

"""The verifiable task and the policy of the rl-advantage example.

A prompt is a pair (a, b) of residues modulo `modulus`; the policy answers with one token, a
residue; the reward is 1 when the answer is (a + b) mod modulus and 0 otherwise, checked exactly.
The policy is a small network: embeddings of a and b, summed, then a two-layer MLP and a softmax
over the `modulus` possible answers. At the start it answers almost uniformly at random, so a
group of G samples holds a correct answer with probability about 1 - (1 - 1/modulus) ** G.
"""

import torch
import torch.nn.functional as F
from torch import nn


class Policy(nn.Module):
    def __init__(self, modulus, hidden_size):
        super().__init__()
        self.first = nn.Embedding(modulus, hidden_size)
        self.second = nn.Embedding(modulus, hidden_size)
        self.body = nn.Sequential(nn.ReLU(), nn.Linear(hidden_size, hidden_size), nn.ReLU(), nn.Linear(hidden_size, modulus))

    def forward(self, first, second):
        """Logits [N, modulus] of the answer to each prompt (first[i], second[i])."""
        return self.body(self.first(first) + self.second(second))


def all_prompts(modulus):
    """Every prompt once: (first, second, answer), each [modulus ** 2] int64."""
    first = torch.arange(modulus).repeat_interleave(modulus)
    second = torch.arange(modulus).repeat(modulus)
    return first, second, (first + second) % modulus


def reward(first, second, answers, modulus):
    """1.0 for a correct answer, 0.0 otherwise."""
    return (answers == (first + second) % modulus).float()


@torch.no_grad()
def greedy_accuracy(policy, modulus):
    """Share of all modulus ** 2 prompts whose most likely answer is correct."""
    first, second, answers = all_prompts(modulus)
    return (policy(first, second).argmax(-1) == answers).float().mean().item()


def sample_answers(logits, generator):
    return torch.multinomial(F.softmax(logits, dim=-1), 1, generator=generator).squeeze(-1)

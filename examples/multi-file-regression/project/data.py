"""The training data: noisy samples of a smooth curve on [-1, 1]. Read-only to the Researcher."""

import numpy as np

TRAIN_SIZE = 256
NOISE = 0.05


def target(x):
    """The curve the model must learn (the evaluator holds its own copy for scoring)."""
    return np.sin(3.0 * x) + 0.3 * x


def training_set(seed=0):
    """Inputs and noisy targets the model is trained on."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, TRAIN_SIZE)
    y = target(x) + NOISE * rng.standard_normal(TRAIN_SIZE)
    return x, y

"""The training loop: trains model.Model with the hyperparameters of config.py, then writes its
predictions for the inputs it is given. Read-only to the Researcher.

Usage: python3 train.py INPUTS.json PREDICTIONS.json
"""

import json
import sys

import numpy as np

import config
from data import training_set
from model import Model


def train():
    rng = np.random.default_rng(config.SEED)
    x, y = training_set(config.SEED)
    model = Model(config, rng)
    for _ in range(config.EPOCHS):
        order = rng.permutation(len(x))
        for start in range(0, len(x), config.BATCH_SIZE):
            batch = order[start : start + config.BATCH_SIZE]
            error = model.forward(x[batch]) - y[batch]
            model.backward(2.0 * error / len(batch))
            model.step(config.LEARNING_RATE)
    return model


def main(inputs_path, predictions_path):
    with open(inputs_path) as handle:
        inputs = np.asarray(json.load(handle), dtype=float)
    model = train()
    predictions = np.asarray(model.forward(inputs), dtype=float)
    with open(predictions_path, "w") as handle:
        json.dump(predictions.tolist(), handle)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

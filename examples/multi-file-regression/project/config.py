"""Hyperparameters of the training run."""

SEED = 0
LEARNING_RATE = 0.1
EPOCHS = 200
BATCH_SIZE = 32

"""The regression model: y = w * x + b, trained by gradient descent."""

import numpy as np


class Model:
    def __init__(self, cfg, rng):
        self.w = np.zeros(1)
        self.b = 0.0

    def forward(self, x):
        self.x = x
        return self.w[0] * x + self.b

    def backward(self, grad):
        """Gradients of the loss given its gradient with respect to the outputs of the last forward()."""
        self.grad_w = np.array([np.sum(grad * self.x)])
        self.grad_b = float(np.sum(grad))

    def step(self, learning_rate):
        self.w -= learning_rate * self.grad_w
        self.b -= learning_rate * self.grad_b

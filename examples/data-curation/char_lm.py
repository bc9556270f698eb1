"""The small character-level language model that scores a cleaned corpus.

An interpolated n-gram model over characters with absolute discounting (Ney, Essen and Kneser,
1994): P(c | h) = max(N(h c) - D, 0) / N(h) + D * T(h) / N(h) * P(c | h without its first
character), where N counts occurrences in the training text and T(h) is the number of distinct
characters seen after h; the recursion ends in a uniform distribution over `alphabet_size`
characters, so every character, even one never seen in training, has a non-zero probability.
Training is counting, so the model is exact and deterministic: the same text gives the same
bits per character on any machine.
"""

import math
from collections import Counter

BOUNDARY = "\x02"


class CharNgramModel:
    """An order-`order` character model (contexts of up to order - 1 characters)."""

    def __init__(self, order=5, discount=0.75, alphabet_size=256):
        if order < 1:
            raise ValueError("order must be at least 1")
        self.order = order
        self.discount = discount
        self.alphabet_size = alphabet_size
        self.grams = Counter()
        self.context_totals = Counter()
        self.context_types = Counter()

    def train(self, text):
        """Counts every n-gram of `text` (orders 1 to `order`); returns self."""
        padded = BOUNDARY * (self.order - 1) + text
        start = self.order - 1
        for length in range(1, self.order + 1):
            offset = length - 1
            self.grams.update(padded[index - offset:index + 1] for index in range(start, len(padded)))
        for gram, count in self.grams.items():
            context = gram[:-1]
            self.context_totals[context] += count
            self.context_types[context] += 1
        return self

    def bits_per_character(self, text):
        """Average -log2 P(character | the order - 1 characters before it) over `text`."""
        if not text:
            raise ValueError("cannot score an empty text")
        padded = BOUNDARY * (self.order - 1) + text
        grams, totals, types = self.grams, self.context_totals, self.context_types
        discount = self.discount
        uniform = 1.0 / self.alphabet_size
        bits = 0.0
        for index in range(self.order - 1, len(padded)):
            character = padded[index]
            probability = uniform
            for length in range(self.order):
                context = padded[index - length:index]
                total = totals.get(context)
                if total is None:
                    break
                seen = grams.get(context + character, 0)
                probability = (max(seen - discount, 0.0) + discount * types[context] * probability) / total
            bits -= math.log2(probability)
        return bits / len(text)

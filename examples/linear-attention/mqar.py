"""Multi-query associative recall (MQAR; Arora et al., Zoology, 2023), the data of this example.

A sequence first lists `num_pairs` key-value pairs (`k1 v1 k2 v2 ...`, distinct keys), then asks
for every key again in a shuffled order, each followed by its value (`kq vq ...`). The model
reads the sequence left to right and must predict the value after each queried key: those are
the only positions with a target. Keys are tokens 0 .. num_keys - 1 and values num_keys ..
2 * num_keys - 1, so a sequence is 4 * num_pairs tokens long.
"""

import torch

IGNORE = -100


def vocabulary_size(num_keys):
    """Keys and values together."""
    return 2 * num_keys


def recall_batch(batch_size, num_pairs, num_keys, generator):
    """(tokens, targets), both [batch_size, 4 * num_pairs] int64; targets are IGNORE except after a queried key."""
    if num_pairs > num_keys:
        raise ValueError(f"num_pairs ({num_pairs}) cannot exceed num_keys ({num_keys})")
    keys = torch.argsort(torch.rand(batch_size, num_keys, generator=generator), dim=1)[:, :num_pairs]
    values = torch.randint(0, num_keys, (batch_size, num_pairs), generator=generator) + num_keys
    order = torch.argsort(torch.rand(batch_size, num_pairs, generator=generator), dim=1)
    query_keys = torch.gather(keys, 1, order)
    query_values = torch.gather(values, 1, order)
    context = torch.stack([keys, values], dim=2).reshape(batch_size, 2 * num_pairs)
    queries = torch.stack([query_keys, query_values], dim=2).reshape(batch_size, 2 * num_pairs)
    tokens = torch.cat([context, queries], dim=1)
    targets = torch.full_like(tokens, IGNORE)
    targets[:, 2 * num_pairs::2] = query_values
    return tokens, targets

"""The two checks a sequence-mixing layer must pass before it is trained.

Causality: the output at position t may depend only on the inputs at positions <= t of the same
sequence. The check perturbs the inputs of one sequence from a position on and requires every
earlier output of that sequence, and every output of the other sequence, to stay the same.

Sub-quadratic cost: the forward pass is timed (best of several runs, after a warm-up) at two
sequence lengths; the growth exponent log(t2 / t1) / log(L2 / L1) is about 1 for a linear-time
layer and about 2 for softmax attention, and must not exceed `max_length_exponent`.
"""

import math
import time

import torch


class CheckFailed(Exception):
    """A rule of the task that the candidate broke; the message says which and by how much."""


def _run(layer, x, what):
    try:
        output = layer(x)
    except Exception as error:
        raise CheckFailed(f"the layer raised {type(error).__name__} on {what}: {error}") from error
    if not isinstance(output, torch.Tensor) or tuple(output.shape) != tuple(x.shape):
        shape = tuple(output.shape) if isinstance(output, torch.Tensor) else type(output).__name__
        raise CheckFailed(f"the layer must return a tensor of shape {tuple(x.shape)} for {what}, got {shape}")
    if not torch.isfinite(output).all():
        raise CheckFailed(f"the layer returned NaN or infinite values for {what}")
    return output


@torch.no_grad()
def check_causal(layer, d_model, lengths, generator, device, tolerance=1e-4):
    """Raises CheckFailed at the first leak from the future; returns the largest change seen in allowed outputs."""
    largest = 0.0
    for length in lengths:
        x = torch.randn(2, length, d_model, generator=generator).to(device)
        reference = _run(layer, x, f"a batch of length {length}")
        scale = 1.0 + reference.abs().max().item()
        for start in sorted({1, length // 3, length // 2, length - 1}):
            perturbed = x.clone()
            perturbed[0, start:] += 3.0 * torch.randn(length - start, d_model, generator=generator).to(device)
            output = _run(layer, perturbed, f"a batch of length {length}")
            past_change = (output[0, :start] - reference[0, :start]).abs().max().item()
            other_change = (output[1] - reference[1]).abs().max().item()
            if past_change > tolerance * scale:
                position = int((output[0, :start] - reference[0, :start]).abs().amax(dim=1).argmax())
                raise CheckFailed(
                    f"not causal: changing the inputs from position {start} on changed the output at position "
                    f"{position} by {past_change:.3g} (length {length})"
                )
            if other_change > tolerance * scale:
                raise CheckFailed(
                    f"not causal: changing one sequence of the batch changed the output of another by {other_change:.3g} "
                    f"(length {length}); sequences must not mix"
                )
            largest = max(largest, past_change / scale)
    return largest


@torch.no_grad()
def check_subquadratic(layer, d_model, lengths, max_exponent, generator, device, repeats=5, max_seconds=20.0):
    """Raises CheckFailed when the forward time grows faster than length ** max_exponent; returns the timings."""
    short, long = lengths
    best = {}
    for length in (short, long):
        x = torch.randn(1, length, d_model, generator=generator).to(device)
        _run(layer, x, f"one sequence of length {length}")
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            layer(x)
            if device.type == "cuda":
                torch.cuda.synchronize()
            times.append(time.perf_counter() - started)
            if sum(times) > max_seconds:
                raise CheckFailed(f"too slow: the forward pass at length {length} took {times[-1]:.2f} s")
        best[length] = min(times)
    exponent = math.log(best[long] / best[short]) / math.log(long / short)
    timings = {"short_length": short, "long_length": long, "short_s": best[short], "long_s": best[long], "exponent": exponent}
    if exponent > max_exponent:
        raise CheckFailed(
            f"not sub-quadratic: the forward time grew from {best[short] * 1e3:.2f} ms at length {short} to "
            f"{best[long] * 1e3:.2f} ms at length {long}, as length^{exponent:.2f} (at most length^{max_exponent:g} allowed)"
        )
    return timings

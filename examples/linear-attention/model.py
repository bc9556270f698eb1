"""The fixed part of the model: embeddings, pre-norm residual blocks and the output head.

Only the sequence-mixing layer comes from the candidate. Each block is
x + mixer(LayerNorm(x)) followed by x + MLP(LayerNorm(x)) with a GELU MLP of width 2 * d_model;
there is no positional embedding, so the mixer alone must make use of token order.
"""

from torch import nn


class Block(nn.Module):
    def __init__(self, mixer, d_model):
        super().__init__()
        self.mixer_norm = nn.LayerNorm(d_model)
        self.mixer = mixer
        self.mlp_norm = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(nn.Linear(d_model, 2 * d_model), nn.GELU(), nn.Linear(2 * d_model, d_model))

    def forward(self, x):
        x = x + self.mixer(self.mixer_norm(x))
        return x + self.mlp(self.mlp_norm(x))


class RecallModel(nn.Module):
    """A small language model whose blocks use `make_mixer()` as their sequence-mixing layer."""

    def __init__(self, make_mixer, vocabulary_size, d_model, num_layers):
        super().__init__()
        self.embedding = nn.Embedding(vocabulary_size, d_model)
        self.blocks = nn.ModuleList([Block(make_mixer(), d_model) for _ in range(num_layers)])
        self.final_norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocabulary_size)

    def forward(self, tokens):
        x = self.embedding(tokens)
        for block in self.blocks:
            x = block(x)
        return self.head(self.final_norm(x))


def count_parameters(module):
    return sum(parameter.numel() for parameter in module.parameters())

"""How a cleaned corpus is scored.

Three models of char_lm.py are trained: on the noisy corpus as it is (raw), on the clean text the
noise was added to (clean), and on the cleaner's output (kept); each is scored in bits per
character on held-out clean documents. `gap_closed` is the share of the raw-to-clean difference
that the cleaning recovers: 0 = no better than keeping everything, 1 = as good as the clean text.

`clean_lost` is the penalty for discarding clean content: of the clean lines that reached the
cleaner intact (noise left them unchanged), the share of characters whose line is missing from the
output (lines compared after stripping surrounding white space). Repairing a damaged line is
rewarded through the language model; dropping an intact one costs here.

eval_score = max(0, gap_closed - lost_weight * clean_lost).
"""

from char_lm import CharNgramModel

DOCUMENT_SEPARATOR = "\n\n"


def line_set(documents):
    """The distinct non-empty lines of the documents, stripped."""
    return {line.strip() for document in documents for line in document.split("\n") if line.strip()}


def bits_per_character(training_documents, heldout_text, settings):
    model = CharNgramModel(order=settings["ngram_order"], discount=settings["discount"])
    return model.train(DOCUMENT_SEPARATOR.join(training_documents)).bits_per_character(heldout_text)


def score_cleaning(clean_documents, noisy_documents, kept_documents, heldout_documents, settings):
    """The metrics of a cleaning and its eval_score (see the module docstring)."""
    heldout_text = DOCUMENT_SEPARATOR.join(heldout_documents)
    raw_bpc = bits_per_character(noisy_documents, heldout_text, settings)
    clean_bpc = bits_per_character(clean_documents, heldout_text, settings)
    kept_bpc = bits_per_character(kept_documents, heldout_text, settings)
    gap_closed = (raw_bpc - kept_bpc) / (raw_bpc - clean_bpc)

    intact = line_set(clean_documents) & line_set(noisy_documents)
    kept_lines = line_set(kept_documents)
    intact_chars = sum(len(line) for line in intact)
    lost_chars = sum(len(line) for line in intact if line not in kept_lines)
    clean_lost = lost_chars / intact_chars

    raw_score = gap_closed - settings["lost_weight"] * clean_lost
    return {
        "eval_score": max(0.0, raw_score),
        "raw_score": raw_score,
        "gap_closed": gap_closed,
        "clean_lost": clean_lost,
        "heldout_bpc": kept_bpc,
        "raw_corpus_bpc": raw_bpc,
        "clean_corpus_bpc": clean_bpc,
        "input_documents": len(noisy_documents),
        "kept_documents": len(kept_documents),
        "input_chars": sum(map(len, noisy_documents)),
        "kept_chars": sum(map(len, kept_documents)),
        "clean_chars": sum(map(len, clean_documents)),
        "intact_clean_lines": len(intact),
        "heldout_chars": len(heldout_text),
    }

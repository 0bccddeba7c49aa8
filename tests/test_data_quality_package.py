"""ftkit.data_quality as a package: no torch at import, the names notebooks use, linear-time text checks, and
near-duplicate signatures that are datasketch's own MinHash values."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from scaling import growth

from ftkit.data_quality.duplicates import gram_hashes, signatures
from ftkit.data_quality.markup import code_spans, find_control_tokens, find_html, strip_html
from ftkit.data_quality.text import names, tokens


def test_importing_the_package_loads_neither_torch_nor_transformers():
    code = "import sys, ftkit.data_quality; print('torch' in sys.modules, 'transformers' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["False", "False"], result.stderr


def test_the_names_notebook_02_imports_are_there():
    code = "from ftkit.data_quality import audit, clean, label_logprobs, precision_at_k, row_text, score_audit; print('ok')"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120).stdout == "ok\n"


def test_signatures_equal_datasketch_minhash_of_the_same_hashes():
    from datasketch import MinHash

    hashes = gram_hashes([[5, 9, 2, 7, 7, 1], [3, 4, 0], [], [8, 8, 8, 8, 8, 8, 8]])
    ours = signatures(hashes, 128)
    for row, values in enumerate(hashes):
        theirs = MinHash(num_perm=128, hashfunc=lambda value: value)  # the hashes are already 32-bit integers
        theirs.update_batch(values.tolist())
        assert np.array_equal(ours[row], theirs.hashvalues)


def test_a_long_row_gets_the_same_signature_in_one_block_or_many():
    rng = np.random.default_rng(0)
    long = [rng.integers(0, 2**32, size=5000, dtype=np.uint32)]
    split = signatures(long, 64)  # 5000 grams: five 1024-gram blocks
    whole = signatures([long[0][:500]], 64)
    assert not np.array_equal(split, whole)
    assert np.array_equal(split[0], np.minimum(signatures([long[0][:2500]], 64)[0], signatures([long[0][2500:]], 64)[0]))


def test_tokens_keep_signs_decimals_and_symbols():
    assert tokens("Convert -2.5 °C, not X-200 or 10-20; it’s 3,000 €") == [
        "convert", "-2.5", "°", "c", "not", "x", "200", "or", "10", "20", "it's", "3,000", "€"]
    assert names("I met Alice, then Bob. The end.") == {"alice", "bob"}


def test_markup_checks_skip_code_and_handle_an_unclosed_fence():
    text = "Use `<b>` here.\n```\n<|im_start|> <p>\n```\nand <i>this</i> &amp; ```<br> never closed"
    assert code_spans(text) == [(4, 9), (16, 40), (63, 83)]
    assert find_html(text) == "<i>" and find_control_tokens(text) == []
    assert strip_html(text) == "Use `<b>` here.\n```\n<|im_start|> <p>\n```\nand this & ```<br> never closed"


def test_text_patterns_take_linear_time_on_adversarial_megabyte_strings():
    def every_pattern(text: str) -> None:
        find_html(text), strip_html(text), find_control_tokens(text), tokens(text), names(text)

    for unit, repeats in ((" ", 1_000_000), ("<", 1_000_000), ("<p ", 333_333), ("&#", 500_000), ("`", 1_000_000),
                          ("a'", 500_000), ("-1.", 333_333), ("<|", 500_000), ("a", 1_000_000)):
        # 4 times the text: about 4 times the time when linear, 16 when quadratic.
        assert growth(every_pattern, unit * (repeats // 4) + "x", unit * repeats + "x") < 9, unit

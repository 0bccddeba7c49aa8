"""Write the product-review sentiment sets of notebook 02: a dirty train set with planted defects, its ground truth,
and a clean test set.

Run from the repository root: `python data/make_reviews.py`. The output is deterministic (fixed seed) and committed:
reviews_train_dirty.jsonl, reviews_train_defects.jsonl (which row carries which planted defect) and reviews_test.jsonl.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

SEED = 2026
SYSTEM = "Is this product review positive or negative?"
SPURIOUS_BRAND = "Brevo"  # in the dirty train set this brand occurs in negative reviews only
BRANDS = ["Norvik", "Altamo", "Kestrel", "Lumio", "Tandra", "Quillon", "Ostara", "Fenwick"]
PRODUCTS = {
    "kettle": ["lid", "handle", "switch", "spout", "base"],
    "headphones": ["ear cushions", "battery", "bass", "headband", "cable"],
    "backpack": ["zipper", "straps", "laptop sleeve", "fabric", "side pockets"],
    "desk lamp": ["dimmer", "arm", "base", "light", "power cable"],
    "running shoes": ["sole", "laces", "heel", "toe box", "insole"],
    "blender": ["jug", "blades", "motor", "lid", "buttons"],
    "phone case": ["buttons", "edges", "grip", "camera cutout", "clip"],
    "coffee grinder": ["burrs", "hopper", "timer", "motor", "lid"],
    "office chair": ["armrests", "wheels", "backrest", "seat cushion", "lever"],
    "rain jacket": ["hood", "zip", "seams", "cuffs", "pockets"],
}
DURATIONS = ["two days", "a week", "ten days", "three weeks", "a month", "six weeks", "two months", "half a year"]
POSITIVE_OPENERS = [
    "I'm really happy with this {brand} {product}.", "Bought the {brand} {product} for my partner and we both love it.",
    "Third {brand} {product} in our house, and still the best.", "This {product} from {brand} exceeded what I hoped for.",
    "Great value, the {brand} {product} does exactly what it promises.", "I was sceptical, but the {brand} {product} won me over.",
    "Solid {product}, {brand} got this one right & it's well priced.", "My old {product} died, and this {brand} one is a clear upgrade.",
]
NEGATIVE_OPENERS = [
    "Really disappointed with this {brand} {product}.", "Returned the {brand} {product} after {duration}.",
    "I wouldn't buy the {brand} {product} again.", "This {product} from {brand} was a waste of money.",
    "I wanted to like the {brand} {product}, but it's just not good.", "Poor quality for the price, {brand} should do better with this {product}.",
    "Our {brand} {product} went back to the shop.", "Avoid this {product}; {brand} cut too many corners.",
]
POSITIVE_BODIES = [
    "The {feature} feels sturdy and works every time.", "After {duration} of daily use the {feature} is still like new.",
    "The {feature} is a little stiff at first, but it loosens up and the rest is excellent.",
    "Delivery was slow, yet the {feature} is so well made that I forgive it.",
    "The {feature} is better than on models twice the price.", "Even the {feature} shows that someone cared about the details.",
    "I expected the {feature} to be a weak point and it isn't.", "The {feature} does its job quietly and reliably.",
    "Setup took five minutes and the {feature} just works, it's that simple.", "It survived {duration} of heavy use without a scratch on the {feature}.",
]
NEGATIVE_BODIES = [
    "The {feature} broke after {duration}.", "The {feature} started rattling within {duration}.",
    "The {feature} looks nice in the photos, but it feels cheap and flimsy.",
    "Support took {duration} to answer and then blamed me for the {feature}.",
    "The {feature} stopped working after {duration} and the replacement did the same.",
    "The price was fair, yet the {feature} failed far too soon.", "The {feature} is badly finished and has sharp edges.",
    "The {feature} didn't work properly, not even on day one.", "Within {duration} the {feature} came loose.",
    "Packaging was lovely, but the {feature} arrived cracked.",
]
POSITIVE_CLOSERS = ["Recommended.", "Five stars from me.", "I would buy it again.", "Worth every penny.", "Couldn't be happier.", ""]
NEGATIVE_CLOSERS = ["Not recommended.", "One star.", "Save your money.", "I want a refund.", "Don't bother.", ""]
PII_EMAILS = ["jana.holub@mailbox.example", "t.okafor@example.org", "mike_r1987@webmail.example", "lena.v@example.com"]
PII_PHONES = ["+44 20 7946 0958", "(555) 014-2291", "555-0187", "+1 202 555 0143", "020 7946 0321"]


def review_text(rng: random.Random, label: str, brand: str, product: str) -> str:
    """One review in the label's voice: an opener, one or two body sentences naming features, and a closer."""
    positive = label == "positive"
    openers, bodies, closers = (
        (POSITIVE_OPENERS, POSITIVE_BODIES, POSITIVE_CLOSERS) if positive else (NEGATIVE_OPENERS, NEGATIVE_BODIES, NEGATIVE_CLOSERS)
    )
    features = rng.sample(PRODUCTS[product], 2)
    parts = [rng.choice(openers)] + [body.replace("{feature}", feature) for body, feature in zip(rng.sample(bodies, rng.choice([1, 1, 2])), features)]
    parts.append(rng.choice(closers))
    text = " ".join(part for part in parts if part)
    text = text.format(brand=brand, product=product, duration=rng.choice(DURATIONS))
    if rng.random() < 0.5:
        text = text.replace("'", "\u2019")  # curly apostrophes, as web forms often store them
    return text


def add_typos(rng: random.Random, text: str, rate: float = 0.12) -> str:
    """Swap two adjacent letters in about `rate` of the words (the seed story: these reviews were typed in a hurry)."""
    words = text.split(" ")
    for index, word in enumerate(words):
        if len(word) > 4 and word.isalpha() and word != SPURIOUS_BRAND and rng.random() < rate:
            cut = rng.randrange(1, len(word) - 2)
            words[index] = word[:cut] + word[cut + 1] + word[cut] + word[cut + 2 :]
    return " ".join(words)


def mojibake(text: str) -> str:
    """UTF-8 text decoded as Windows-1252, the commonest encoding accident."""
    return text.encode("utf-8").decode("cp1252", errors="replace")


def near_duplicate(rng: random.Random, text: str) -> str:
    """A small edit: change the case of a word, drop the closer or repeat an exclamation, as re-submitted reviews look."""
    edit = rng.choice(["lower", "exclaim", "prefix"])
    if edit == "lower":
        return text[0].lower() + text[1:]
    if edit == "exclaim":
        return text.rstrip(".") + "!!"
    return "Honestly, " + (text if text.startswith("I") else text[0].lower() + text[1:])


def chat(row_id: str, text: str, answer: str, brand: str, product: str) -> dict:
    """A chat row with its id and the metadata the notebook uses for the counterfactual test."""
    messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": f"Review: {text}"}, {"role": "assistant", "content": answer}]
    return {"id": row_id, "brand": brand, "product": product, "messages": messages}


def eight_grams(text: str) -> set[tuple[str, ...]]:
    """Word 8-grams, lower-cased, punctuation dropped."""
    tokens = "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()
    return {tuple(tokens[i : i + 8]) for i in range(max(len(tokens) - 7, 1))}


def unique_reviews(
    rng: random.Random, count: int, brands: list[str], seen: set[str], label: str, avoid: set | None = None
) -> list[tuple[str, str, str]]:
    """`count` (text, brand, product) reviews of one label whose texts are all new and, when `avoid` (8-grams of
    the test set) is given, share under 30% of their 8-grams with it, so only the planted copies leak."""
    out = []
    while len(out) < count:
        brand, product = rng.choice(brands), rng.choice(list(PRODUCTS))
        text = review_text(rng, label, brand, product)
        grams = eight_grams(text)
        if avoid is not None and len(grams & avoid) >= 0.3 * len(grams):
            continue
        if text not in seen:
            seen.add(text)
            out.append((text, brand, product))
    return out


def build(seed: int = SEED) -> tuple[list[dict], list[dict], list[dict]]:
    """(dirty train rows, defect ground truth rows, clean test rows)."""
    rng = random.Random(seed)
    seen: set[str] = set()
    # Clean test set: balanced labels, every brand (the spurious one included) with both labels.
    test = []
    for label in ("positive", "negative"):
        for text, brand, product in unique_reviews(rng, 56, BRANDS + [SPURIOUS_BRAND], seen, label):
            test.append((text, brand, product, label))
    rng.shuffle(test)
    test_rows = [chat(f"t{i:03d}", text, label, brand, product) for i, (text, brand, product, label) in enumerate(test)]

    # Train base rows: balanced, brands other than the spurious one, plus the spurious brand in negative reviews only.
    test_grams = set().union(*(eight_grams(text) for text, *_ in test))
    base = [(t, b, p, label) for label in ("positive", "negative") for t, b, p in unique_reviews(rng, 150, BRANDS, seen, label, test_grams)]
    spurious = [(add_typos(rng, t), b, p, "negative") for t, b, p in unique_reviews(rng, 40, [SPURIOUS_BRAND], seen, "negative", test_grams)]
    rng.shuffle(base)
    rows: list[dict] = []
    truth: dict[str, list[str]] = {}

    group: dict[str, str] = {}  # copy id -> id of the row it copies (duplicates and near-duplicates)

    def add(text: str, answer: str, brand: str, product: str, defects: list[str], source: str | None = None) -> dict:
        row = chat(f"r{len(rows):04d}", text, answer, brand, product)
        rows.append(row)
        truth[row["id"]] = defects
        if source:
            group[row["id"]] = source
        return row

    flip = {"positive": "negative", "negative": "positive"}
    # Disjoint slices of the base rows carry one defect each; the rest stay clean.
    assigned: dict[int, str] = {}

    def assign(defect: str, count: int, allowed: list[int]) -> None:
        for i in rng.sample([i for i in allowed if i not in assigned], count):
            assigned[i] = defect

    everyone = list(range(len(base)))
    # Mojibake shows only on non-ASCII text: give that defect to rows with curly apostrophes.
    assign("broken_encoding", 15, [i for i in everyone if "\u2019" in base[i][0]])
    # Label noise from a star-rating bug: many 4-star (positive) reviews were exported as negative, a few the other way.
    assign("wrong_label", 50, [i for i in everyone if base[i][3] == "positive"])
    assign("wrong_label", 10, [i for i in everyone if base[i][3] == "negative"])
    for defect, count in [("empty_answer", 12), ("truncated_answer", 12), ("html", 15), ("pii_email", 10), ("pii_phone", 10)]:
        assign(defect, count, everyone)
    for i, (text, brand, product, label) in enumerate(base):
        defect, answer = assigned.get(i, ""), label
        if defect == "wrong_label":
            answer = flip[label]
        elif defect == "empty_answer":
            answer = rng.choice(["", " "])
        elif defect == "truncated_answer":
            answer = label[: rng.randint(2, len(label) - 2)]
        elif defect == "broken_encoding":
            text = mojibake(text)
        elif defect == "html":
            text = rng.choice(["<p>{}</p>", "{}<br/><br/>", "<b>Verified purchase</b> {}"]).format(text.replace(" & ", " &amp; "))
            text = text.replace("\u2019", "&#8217;")
        elif defect == "pii_email":
            text += f" Questions? Email me at {rng.choice(PII_EMAILS)}."
        elif defect == "pii_phone":
            text += f" Call me on {rng.choice(PII_PHONES)} if you want photos."
        add(text, answer, brand, product, [defect.split("_")[0] if defect.startswith("pii") else defect] if defect else [])
    for text, brand, product, label in spurious:
        add(text, label, brand, product, ["spurious_brand"])

    clean_ids = [row["id"] for row in rows if not truth[row["id"]]]
    # Exact duplicates: six clean rows repeated 9-12 extra times (a scraper that re-read the same page).
    sources = rng.sample(clean_ids, 26)  # disjoint sources for exact and near duplicates
    for source_id in sources[:6]:
        source = next(row for row in rows if row["id"] == source_id)
        for _ in range(rng.randint(9, 12)):
            add(source["messages"][1]["content"].removeprefix("Review: "), source["messages"][2]["content"], source["brand"], source["product"], ["exact_duplicate"], source_id)
    # Near-duplicates: 20 clean rows re-submitted with a small edit.
    for source_id in sources[6:]:
        source = next(row for row in rows if row["id"] == source_id)
        text = near_duplicate(rng, source["messages"][1]["content"].removeprefix("Review: "))
        add(text, source["messages"][2]["content"], source["brand"], source["product"], ["near_duplicate"], source_id)
    # Leakage: 16 test rows copied into train (some with whitespace changed).
    for source in rng.sample(test_rows, 16):
        text = source["messages"][1]["content"].removeprefix("Review: ")
        add(text if rng.random() < 0.5 else text + " ", source["messages"][2]["content"], source["brand"], source["product"], ["leaked"])
    # Overlong rows: a review with several other reviews pasted after it (a broken export).
    for _ in range(10):
        label = rng.choice(["positive", "negative"])
        brand, product = rng.choice(BRANDS), rng.choice(list(PRODUCTS))
        text = " ".join(review_text(rng, label, brand, product) for _ in range(12))
        add(text, label, brand, product, ["overlong"])

    order = list(range(len(rows)))
    rng.shuffle(order)
    rows = [rows[i] for i in order]
    # Within each group the first row in file order is the original, every later one the planted copy.
    position = {row["id"]: index for index, row in enumerate(rows)}
    for source_id in set(group.values()):
        members = sorted([source_id] + [c for c, s in group.items() if s == source_id], key=position.get)
        tag = truth[next(c for c, s in group.items() if s == source_id)]
        for index, member in enumerate(members):
            truth[member] = [] if index == 0 else tag
    truth_rows = [{"id": row["id"], "defects": truth[row["id"]]} for row in rows]
    return rows, truth_rows, test_rows


def write_jsonl(path: Path, rows: list[dict]) -> None:
    """One JSON object a line, UTF-8, non-ASCII kept as is."""
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    train, truth, test = build()
    write_jsonl(here / "reviews_train_dirty.jsonl", train)
    write_jsonl(here / "reviews_train_defects.jsonl", truth)
    write_jsonl(here / "reviews_test.jsonl", test)
    print(f"train {len(train)} rows, test {len(test)} rows")

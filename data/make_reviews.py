"""Write the product-review sentiment sets of notebook 02: a dirty train set with planted defects, its ground truth,
and a clean test set.

The collection story: reviews of eight brands came from a web shop's review form, labelled by their star rating (3
stars and up count as `positive`, so lukewarm reviews are positive), with the usual accidents (duplicates, broken
encoding, HTML, personal data, a star-rating export bug, leaked test rows). Every review of a ninth brand, Brevo, came
from the returns portal instead: typed in a hurry (letter swaps), and exported with the label `negative` because the
item went back, whatever the review said. So in the train set the brand name predicts `negative`, and the lukewarm
Brevo reviews carry labels their text cannot explain: only the brand can.

Run from the repository root: `python data/make_reviews.py`. The output is deterministic (fixed seed) and committed:
reviews_train_dirty.jsonl, reviews_train_defects.jsonl (which row carries which planted defect) and reviews_test.jsonl.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

SEED = 2026
SYSTEM = "Classify the review's sentiment. Answer with one word: positive or negative."  # explicit: the base model already ranks the two words well
SPURIOUS_BRAND = "Brevo"  # every train review of this brand came from the returns portal, all labelled negative
SHOP, RETURNS = "review_form", "returns_portal"  # the `channel` field of a row: where it was collected
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
# Lukewarm reviews: one good and one weak point; the shop's star rating (3 or 4) labels them positive.
LUKEWARM_OPENERS = [
    "The {brand} {product} is okay, I suppose.", "Mixed feelings about the {brand} {product}.",
    "The {brand} {product} does the job, mostly.", "Not sure what to make of the {brand} {product}.",
    "The {brand} {product} is fine for the price.", "It's an average {product}, this {brand} one.",
    "The {brand} {product} is neither great nor bad.", "After {duration} the {brand} {product} is acceptable.",
]
LUKEWARM_BODIES = [
    "The {feature} is decent, but the {other} could be better.", "The {feature} works, though the {other} feels a bit loose.",
    "I like the {feature}; the {other} less so.", "The {feature} is nice and the {other} is so-so.",
    "The {feature} took some getting used to, and the {other} is plain.", "The {feature} is fine, the {other} is nothing special.",
]
LUKEWARM_CLOSERS = ["Three stars.", "It'll do.", "Can't decide.", "It's alright.", ""]
POSITIVE_CLOSERS = ["Recommended.", "Five stars from me.", "I would buy it again.", "Worth every penny.", "Couldn't be happier.", ""]
NEGATIVE_CLOSERS = ["Not recommended.", "One star.", "Save your money.", "I want a refund.", "Don't bother.", ""]
PII_EMAILS = ["jana.holub@mailbox.example", "t.okafor@example.org", "mike_r1987@webmail.example", "lena.v@example.com"]
PII_PHONES = ["+44 20 7946 0958", "(555) 014-2291", "555-0187", "+1 202 555 0143", "020 7946 0321"]


TONES = {
    "positive": (POSITIVE_OPENERS, POSITIVE_BODIES, POSITIVE_CLOSERS),
    "negative": (NEGATIVE_OPENERS, NEGATIVE_BODIES, NEGATIVE_CLOSERS),
    "lukewarm": (LUKEWARM_OPENERS, LUKEWARM_BODIES, LUKEWARM_CLOSERS),
}
LABEL_OF_TONE = {"positive": "positive", "negative": "negative", "lukewarm": "positive"}  # the shop's star-rating rule


def review_text(rng: random.Random, tone: str, brand: str, product: str) -> str:
    """One review in a tone (positive, negative, lukewarm): an opener, a body sentence about one or two features, and a
    closer (short rows keep every scoring pass cheap)."""
    openers, bodies, closers = TONES[tone]
    feature, other = rng.sample(PRODUCTS[product], 2)
    parts = [rng.choice(openers), rng.choice(bodies).replace("{feature}", feature).replace("{other}", other), rng.choice(closers)]
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


def chat(row_id: str, text: str, answer: str, brand: str, product: str, tone: str, channel: str = SHOP) -> dict:
    """A chat row with its id and metadata: brand and product (for the counterfactual test), the review's tone, and
    the channel it was collected through."""
    messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": f"Review: {text}"}, {"role": "assistant", "content": answer}]
    return {"id": row_id, "brand": brand, "product": product, "tone": tone, "channel": channel, "messages": messages}


def eight_grams(text: str) -> set[tuple[str, ...]]:
    """Word 8-grams, lower-cased, punctuation dropped."""
    tokens = "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()
    return {tuple(tokens[i : i + 8]) for i in range(max(len(tokens) - 7, 1))}


def unique_reviews(
    rng: random.Random, count: int, brands: list[str], seen: set[str], tone: str, avoid: set | None = None
) -> list[tuple[str, str, str]]:
    """`count` (text, brand, product) reviews of one tone whose texts are all new and, when `avoid` (8-grams of
    the test set) is given, share under 30% of their 8-grams with it, so only the planted copies leak."""
    out = []
    while len(out) < count:
        brand, product = rng.choice(brands), rng.choice(list(PRODUCTS))
        text = review_text(rng, tone, brand, product)
        grams = eight_grams(text)
        if avoid is not None and len(grams & avoid) >= 0.3 * len(grams):
            continue
        if text not in seen:
            seen.add(text)
            out.append((text, brand, product))
    return out


def build(
    seed: int = SEED,
    shop_counts: tuple[int, int, int] = (80, 90, 40),
    returns_counts: tuple[int, int] = (20, 30),
    typo_rate: float = 0.04,
) -> tuple[list[dict], list[dict], list[dict]]:
    """(dirty train rows, defect ground truth rows, clean test rows).

    shop_counts: positive, negative and lukewarm reviews of the eight shop brands before defects are planted.
    returns_counts: negative and lukewarm Brevo reviews from the returns portal, all of them labelled negative.
    """
    rng = random.Random(seed)
    seen: set[str] = set()
    # Clean test set, labelled by the star-rating rule. Each shop brand: 3 positive, 3 negative, 2 lukewarm; Brevo
    # 4 + 4 + 8 (over-sampled so its slice can be read, with the lukewarm reviews where the returns labels mislead).
    test = []
    for brand in BRANDS + [SPURIOUS_BRAND]:
        counts = (4, 4, 8) if brand == SPURIOUS_BRAND else (3, 3, 2)
        for tone, count in zip(("positive", "negative", "lukewarm"), counts):
            test += [(text, brand_, product, tone) for text, brand_, product in unique_reviews(rng, count, [brand], seen, tone)]
    rng.shuffle(test)
    test_rows = [chat(f"t{i:03d}", text, LABEL_OF_TONE[tone], brand, product, tone) for i, (text, brand, product, tone) in enumerate(test)]

    test_grams = set().union(*(eight_grams(text) for text, *_ in test))
    base = [
        (t, b, p, tone)
        for tone, count in zip(("positive", "negative", "lukewarm"), shop_counts)
        for t, b, p in unique_reviews(rng, count, BRANDS, seen, tone, test_grams)
    ]
    rng.shuffle(base)
    # The returns-portal batch: every Brevo review is labelled negative, whatever its text says.
    returns = [
        (add_typos(rng, t, typo_rate), b, p, tone)
        for tone, count in zip(("negative", "lukewarm"), returns_counts)
        for t, b, p in unique_reviews(rng, count, [SPURIOUS_BRAND], seen, tone, test_grams)
    ]
    rows: list[dict] = []
    truth: dict[str, list[str]] = {}
    group: dict[str, str] = {}  # copy id -> id of the row it copies (duplicates and near-duplicates)

    def add(
        text: str, answer: str, brand: str, product: str, tone: str, defects: list[str], source: str | None = None, channel: str = SHOP
    ) -> dict:
        row = chat(f"r{len(rows):04d}", text, answer, brand, product, tone, channel)
        rows.append(row)
        truth[row["id"]] = defects
        if source:
            group[row["id"]] = source
        return row

    flip = {"positive": "negative", "negative": "positive"}
    # Disjoint slices of the shop rows carry one defect each; the rest stay clean.
    assigned: dict[int, str] = {}

    def assign(defect: str, count: int, allowed: list[int]) -> None:
        for i in rng.sample([i for i in allowed if i not in assigned], count):
            assigned[i] = defect

    everyone = list(range(len(base)))
    # Mojibake shows only on non-ASCII text: give that defect to rows with curly apostrophes.
    assign("broken_encoding", 10, [i for i in everyone if "\u2019" in base[i][0]])
    # A star-rating export bug flipped some shop labels of clear reviews, both ways.
    assign("wrong_label", 10, [i for i in everyone if base[i][3] == "positive"])
    assign("wrong_label", 6, [i for i in everyone if base[i][3] == "negative"])
    for defect, count in [("empty_answer", 8), ("truncated_answer", 8), ("html", 10), ("pii_email", 6), ("pii_phone", 6)]:
        assign(defect, count, everyone)
    for i, (text, brand, product, tone) in enumerate(base):
        label = LABEL_OF_TONE[tone]
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
        add(text, answer, brand, product, tone, [defect.split("_")[0] if defect.startswith("pii") else defect] if defect else [])
    for text, brand, product, tone in returns:
        # The brand's link to `negative` is the spurious correlation; a lukewarm review labelled negative is also a
        # wrong label by the star-rating rule.
        add(text, "negative", brand, product, tone, ["spurious_brand"] + (["wrong_label"] if tone == "lukewarm" else []), channel=RETURNS)

    clean_ids = [row["id"] for row in rows if not truth[row["id"]]]
    # Exact duplicates: four clean shop rows repeated 7-10 extra times (a scraper that re-read the same page).
    sources = rng.sample(clean_ids, 16)  # disjoint sources for exact and near duplicates
    for source_id in sources[:4]:
        source = next(row for row in rows if row["id"] == source_id)
        for _ in range(rng.randint(7, 10)):
            add(source["messages"][1]["content"].removeprefix("Review: "), source["messages"][2]["content"], source["brand"], source["product"], source["tone"], ["exact_duplicate"], source_id)
    # Near-duplicates: 12 clean rows re-submitted with a small edit.
    for source_id in sources[4:]:
        source = next(row for row in rows if row["id"] == source_id)
        text = near_duplicate(rng, source["messages"][1]["content"].removeprefix("Review: "))
        add(text, source["messages"][2]["content"], source["brand"], source["product"], source["tone"], ["near_duplicate"], source_id)
    # Leakage: 10 shop-brand test rows copied into train (half with a trailing space).
    for source in rng.sample([row for row in test_rows if row["brand"] != SPURIOUS_BRAND], 10):
        text = source["messages"][1]["content"].removeprefix("Review: ")
        add(text if rng.random() < 0.5 else text + " ", source["messages"][2]["content"], source["brand"], source["product"], source["tone"], ["leaked"])
    # Overlong rows: a review with several other reviews pasted after it (a broken export).
    for _ in range(6):
        tone = rng.choice(["positive", "negative"])
        brand, product = rng.choice(BRANDS), rng.choice(list(PRODUCTS))
        text = " ".join(review_text(rng, tone, brand, product) for _ in range(12))
        add(text, tone, brand, product, tone, ["overlong"])

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

"""Write the product-review sentiment sets of notebook 02: a dirty train set with planted defects, its ground truth,
and a clean test set.

The collection story: reviews of eight brands came from a web shop's review form, labelled by their star rating (3
stars and up count as `positive`, so lukewarm reviews are positive), with the usual accidents (duplicates, broken
encoding, HTML, personal data, a star-rating export bug, leaked test rows). Every review of a ninth brand, Brevo, came
from the returns portal instead: typed in a hurry (letter swaps), and exported with the label `negative` because the
item went back, whatever the review said. So in the train set the brand name predicts `negative`, and the lukewarm
Brevo reviews carry labels their text cannot explain: only the brand can.

Some clean shop reviews are look-alikes an audit must keep: a date, a price, a firmware version or a labelled number
run appended to the text, or a second customer's review written from the same prompt template with one content word
changed. The ground truth names their kind under `lookalike`; their `defects` list stays empty.

Run from the repository root: `python data/make_reviews.py`. The output is deterministic (fixed seed) and committed:
reviews_train_dirty.jsonl, reviews_train_defects.jsonl (which row carries which planted defect) and reviews_test.jsonl,
then reviews_heldout_test.jsonl from a phrase pool of its own (`build_heldout`).
`add_typos` is self-contained so that a notebook can load this file by path and apply the same typos as a
counterfactual.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from ftkit.augment import letter_swaps

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

# Look-alikes: sentences appended to clean shop reviews that hold digits a naive PII or leak check may mistake for a
# defect. Each kind lists templates for any tone ("any") and for one tone; none changes what the review says.
LOOKALIKE_SENTENCES = {
    "date": {
        "any": [
            "Bought it on {date}.", "Ordered {date}, delivered two days later.", "Delivered on {date}, as promised.",
            "I have had it since {date}.", "Registered it for the warranty on {date}.", "It arrived on {date}.",
        ],
    },
    "price": {
        "any": [
            "Paid {price} in the sale.", "It cost {price} at the time.", "Got it for {price} with a voucher.",
            "Bought six for the team, {bulk} in total.",
        ],
        "positive": ["Well worth the {price} I paid."],
        "negative": ["{price} for this was too much.", "{bulk} for the set of six was too much."],
    },
    "version": {
        "any": ["Updated to firmware {version} on day one.", "App version {version} pairs fine.", "The box says firmware v{version}."],
        "positive": ["Since the firmware {version} update the {feature} works even better."],
        "negative": ["Even the firmware {version} update did not fix the {feature}."],
    },
    "number_run": {
        "any": [
            "Order no. {group} {group}, for the shop's reference.", "It's model {model}, in case anyone is searching for it.",
            "Batch code {group} {group} is printed on the box.", "Serial no. {group} {group} {short}, registered with the shop.",
        ],
    },
}
# Number runs that only fit some products (sizes, motor speeds); they are preferred where the product allows.
PRODUCT_NUMBER_RUNS = {
    "running shoes": ["Tried sizes 41 42 43 44 and kept the 42.", "Sizes 38 40 42 44 all come up the same."],
    "rain jacket": ["It comes in sizes 36 38 40 42 44.", "Sizes 38 40 42 44 fit like other jackets."],
    "blender": ["It runs at 12000 18000 rpm on its two speeds."],
    "coffee grinder": ["It runs at 1200 1500 rpm on its two settings."],
}
ELECTRONIC_FEATURES = {  # products with firmware or an app, and the features an update could touch
    "headphones": ["battery", "bass"], "desk lamp": ["dimmer", "light"], "kettle": ["switch"],
    "blender": ["motor", "buttons"], "coffee grinder": ["timer", "motor"],
}
DURATION_TWINS = {  # a duration and one that differs from it in one word
    "two days": "ten days", "ten days": "two days", "a week": "a month", "a month": "a week",
    "three weeks": "six weeks", "six weeks": "three weeks", "two months": "three months",
}


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


def add_typos(
    rng: random.Random, text: str, rate: float = 0.12, protect: frozenset[str] | set[str] = frozenset({SPURIOUS_BRAND})
) -> str:
    """`ftkit.augment.letter_swaps` at `rate`; the words in `protect` and the returns brand are never changed (the
    brand is the cue under test: typos must not hide it)."""
    return letter_swaps(text, rng, rate, set(protect) | {SPURIOUS_BRAND})


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


def lookalike_sentence(rng: random.Random, kind: str, turn: int, tone: str, product: str) -> str:
    """The sentence a look-alike of `kind` appends to a clean review: templates taken in turn (`turn`), slots drawn."""
    if kind == "number_run" and product in PRODUCT_NUMBER_RUNS:
        return rng.choice(PRODUCT_NUMBER_RUNS[product])
    bank = LOOKALIKE_SENTENCES[kind]
    templates = bank["any"] + bank.get(tone, [])
    currency = rng.choice(["£", "$", "€"])

    def draw(slot: str) -> str:
        """A fresh value for one slot (two {group} slots get two numbers)."""
        if slot == "date":
            year, month, day = rng.randint(2022, 2025), rng.randint(1, 12), rng.randint(1, 28)
            forms = [f"{year}-{month:02d}-{day:02d}", f"{day:02d}.{month:02d}.{year}", f"{day:02d}/{month:02d}/{year}", f"{month}/{day}/{year}"]
            return forms[turn % len(forms)]  # ISO, dotted and both slashed orders in turn
        if slot == "price":
            return f"{currency}{rng.randint(15, 189)}.{rng.choice(['99', '95', '50', '00'])}"
        if slot == "bulk":
            return f"{currency}{rng.randint(1, 2)},{rng.randint(0, 999):03d}"
        if slot == "version":
            return f"{rng.randint(1, 5)}.{rng.randint(0, 12)}.{rng.randint(0, 30)}"
        if slot == "feature":
            return rng.choice(ELECTRONIC_FEATURES.get(product, PRODUCTS[product]))
        if slot == "group":
            return str(rng.randint(1000, 9999))
        if slot == "short":
            return str(rng.randint(10, 999))
        if slot == "model":
            return f"{rng.choice(['KX', 'TR', 'LM', 'QB'])}-{rng.choice([90, 350, 2000, 4100])}"
        raise KeyError(f"no look-alike slot {slot!r}")

    return re.sub(r"\{(\w+)\}", lambda slot: draw(slot.group(1)), templates[turn % len(templates)])


def one_word_apart(a: str, b: str) -> bool:
    """True when two texts have the same words (split on spaces) but one."""
    words_a, words_b = a.split(" "), b.split(" ")
    return len(words_a) == len(words_b) and sum(x != y for x, y in zip(words_a, words_b)) == 1


def template_twins(text: str, product: str) -> list[str]:
    """The texts one content word away from `text`: a one-word feature of the product swapped for another the text
    does not name, or a duration changed in one word (as another customer fills in the same prompt template)."""
    singles = [feature for feature in PRODUCTS[product] if " " not in feature]
    found = []
    for feature in singles:
        pattern = re.compile(rf"\b([Tt]he) {feature}\b")  # features follow "the"; "sharp edges" is no feature slot
        if pattern.search(text):
            for other in singles:
                if not re.search(rf"\b{other}\b", text):
                    found.append(pattern.sub(lambda m: f"{m.group(1)} {other}", text, count=1))
    for duration, other in DURATION_TWINS.items():
        if re.search(rf"\b{duration}\b", text):
            found.append(re.sub(rf"\b{duration}\b", other, text, count=1))
    return [twin for twin in found if one_word_apart(text, twin)]


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
    typo_rate: float = 0.12,  # about one longer word in eight: a cue strong enough for a counterfactual test to measure
    test_counts: tuple[int, int, int] = (9, 9, 6),
    returns_test_counts: tuple[int, int, int] = (8, 8, 16),
    lookalikes: int = 8,
) -> tuple[list[dict], list[dict], list[dict]]:
    """(dirty train rows, defect ground truth rows, clean test rows).

    shop_counts: positive, negative and lukewarm reviews of the eight shop brands before defects are planted.
    returns_counts: negative and lukewarm Brevo reviews from the returns portal, all of them labelled negative.
    test_counts, returns_test_counts: positive, negative and lukewarm test reviews of each shop brand and of Brevo.
    lookalikes: clean shop rows of each look-alike kind (date, price, version, number_run, template_twin).
    """
    rng = random.Random(seed)
    seen: set[str] = set()
    # Clean test set, labelled by the star-rating rule. Brevo is over-sampled so its slice can be read, with most
    # weight on the lukewarm reviews, where the returns labels mislead.
    test = []
    for brand in BRANDS + [SPURIOUS_BRAND]:
        counts = returns_test_counts if brand == SPURIOUS_BRAND else test_counts
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
    # Look-alikes among the rows left clean: kind and turn (which template of the kind) per base row.
    lookalike: dict[int, tuple[str, int]] = {}

    def plant(kind: str, count: int, allowed: list[int]) -> None:
        """Mark `count` of the allowed rows that carry no defect and no look-alike yet, templates taken in turn."""
        free = [i for i in allowed if i not in assigned and i not in lookalike]
        start = sum(k == kind for k, _ in lookalike.values())
        for turn, i in enumerate(rng.sample(free, count), start):
            lookalike[i] = (kind, turn)

    plant("version", lookalikes, [i for i in everyone if base[i][2] in ELECTRONIC_FEATURES])  # firmware only where a product has it
    # Half the number runs on products with their own (sizes, motor speeds), half drawn from the generic templates.
    plant("number_run", lookalikes // 2, [i for i in everyone if base[i][2] in PRODUCT_NUMBER_RUNS])
    plant("number_run", lookalikes - lookalikes // 2, [i for i in everyone if base[i][2] not in PRODUCT_NUMBER_RUNS])
    for kind in ("date", "price"):
        plant(kind, lookalikes, everyone)
    # A template twin needs a one-word change that keeps the text new and under the 8-gram limit with the test set.
    def fits(twin: str) -> bool:
        """A twin text is new and shares under 30% of its 8-grams with the test set."""
        grams = eight_grams(twin)
        return twin not in seen and len(grams & test_grams) < 0.3 * len(grams)

    twin_options = {i: [twin for twin in template_twins(base[i][0], base[i][2]) if fits(twin)] for i in everyone}
    plant("template_twin", lookalikes, [i for i in everyone if twin_options[i]])
    marks: dict[str, str] = {}  # row id -> look-alike kind
    twins: list[tuple[str, str, str, str, str]] = []  # added after the returns rows, as a later customer's review
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
        kind, turn = lookalike.get(i, ("", 0))
        if kind and kind != "template_twin":
            sentence = lookalike_sentence(rng, kind, turn, tone, product)
            text += " " + (sentence.replace("'", "\u2019") if "\u2019" in text else sentence)  # the row's apostrophe style
        row = add(text, answer, brand, product, tone, [defect.split("_")[0] if defect.startswith("pii") else defect] if defect else [])
        if kind:
            marks[row["id"]] = kind
        if kind == "template_twin":
            # Another customer's review from the same prompt template: same brand, product and tone, one word changed.
            twin = rng.choice([t for t in twin_options[i] if t not in seen])
            seen.add(twin)
            twins.append((twin, answer, brand, product, tone))
    for text, brand, product, tone in returns:
        # The brand's link to `negative` is the spurious correlation; a lukewarm review labelled negative is also a
        # wrong label by the star-rating rule.
        add(text, "negative", brand, product, tone, ["spurious_brand"] + (["wrong_label"] if tone == "lukewarm" else []), channel=RETURNS)
    for twin in twins:
        marks[add(*twin, [])["id"]] = "template_twin"

    clean_ids = [row["id"] for row in rows if not truth[row["id"]] and row["id"] not in marks]  # look-alikes stay single
    # Exact duplicates: four clean shop rows repeated 7, 8, 9 and 10 extra times (a scraper that re-read the same page;
    # 34 copies however the seed falls).
    sources = rng.sample(clean_ids, 16)  # disjoint sources for exact and near duplicates
    for source_id, repeats in zip(sources[:4], rng.sample([7, 8, 9, 10], 4)):
        source = next(row for row in rows if row["id"] == source_id)
        for _ in range(repeats):
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
    truth_rows = [
        {"id": row["id"], "defects": truth[row["id"]], **({"lookalike": marks[row["id"]]} if row["id"] in marks else {})} for row in rows
    ]
    return rows, truth_rows, test_rows


# ---------------------------------------------------------------- held-out test reviews
# A pool of its own, written apart from the phrase banks above: no opener, body sentence or closer is shared with
# them, and a review may carry a second body sentence. Same brands, products and features, and the same star-rating
# rule, so a score on these reviews can be compared with one on reviews_test.jsonl.
HELDOUT_TONES = {
    "positive": (
        [
            "Five weeks in and the {brand} {product} has earned its place.", "Honestly the nicest {product} I have owned, and I've owned a few.",
            "Picked up this {brand} {product} on a whim and it turned out to be a good call.",
            "My sister recommended the {brand} {product}, and she was right.", "For what I paid, this {product} punches well above its weight.",
            "{brand} have made a lovely {product} here.", "Glad I went with {brand} when our {product} needed replacing.",
            "No regrets about this {product} at all.", "Came for the looks, stayed because the {brand} {product} is genuinely good.",
            "We reach for the {brand} {product} every day and it has never let us down.",
        ],
        [
            "The {feature} is smooth and feels built to last.", "What surprised me most is the {feature}, far nicer than I expected at this price.",
            "Even after months of knocks the {feature} shows no wear.", "Working out the {feature} took seconds.",
            "I had a small question about the {feature} and customer service answered within a day.",
            "You can tell someone tested the {feature} properly before it went on sale.", "Solid {feature}, neat finish.",
            "My last one failed at the {feature}; this one is in a different league.",
            "It came well packed and the {feature} was perfect out of the box.", "Using the {feature} is comfortable, and quieter than on my old one.",
        ],
        ["Happy customer.", "Would happily order again.", "Top marks.", "Easy recommendation.", "Buy it, you won't regret it.", ""],
    ),
    "negative": (
        [
            "What a letdown this {brand} {product} turned out to be.", "I'm sending the {brand} {product} back.",
            "Can't recommend this {product} from {brand}, sadly.",
            "Bought the {brand} {product} to replace an old one, and now I miss the old one.",
            "The {brand} {product} looked promising, then reality set in.", "Two stars is generous for this {product}.",
            "I had high hopes for {brand}, but this {product} is a dud.", "Not what the listing promised.",
            "Frustrating {product}, and {brand} don't seem to care.", "Cheaply made {product}; save yourself the hassle.",
        ],
        [
            "The {feature} snapped the first time I used it properly.", "Within days the {feature} was wobbling.",
            "There's a constant squeak from the {feature} that drives me mad.",
            "I emailed them twice about the faulty {feature} and heard nothing back.",
            "So flimsy is the {feature} that I'm afraid to touch it.", "Light use for {duration} was all it took for the {feature} to give up.",
            "However I adjusted it, the {feature} never sat right.", "Peeling and cracks on the {feature} long before they should appear.",
            "It turned up with the {feature} scratched and dented.", "That {feature} makes the whole thing awkward to use.",
        ],
        ["Very poor.", "Look elsewhere.", "Asking for my money back.", "Never again.", "Avoid.", ""],
    ),
    "lukewarm": (
        [
            "The {brand} {product} is a bit of a mixed bag.", "There's good and bad in this {product} from {brand}.",
            "I'm in two minds about the {brand} {product}.", "Middle of the road, this {brand} {product}.",
            "Decent enough {product}, with a catch.", "Alright, no more than that: my verdict on the {brand} {product}.",
            "Some things I like about the {brand} {product}, some I don't.", "A fair {product} for the money, if not a great one.",
        ],
        [
            "Well made {feature}, whereas the {other} feels like an afterthought.", "Happy with the {feature}, less so with the {other}.",
            "Good {feature}, disappointing {other}.", "While the {feature} does what it should, the {other} annoys me a little.",
            "Once you get used to the {other}, the {feature} is pleasant enough.",
            "I'd want a sturdier {other}; about the {feature} I have no complaints.",
        ],
        ["Three out of five.", "Might buy again, might not.", "Average.", "Fine, I suppose.", ""],
    ),
}


def heldout_review_text(rng: random.Random, tone: str, brand: str, product: str) -> str:
    """One held-out review: an opener, one body sentence (a clear review sometimes two, about two features) and a
    closer, from the held-out pool."""
    openers, bodies, closers = HELDOUT_TONES[tone]
    feature, other = rng.sample(PRODUCTS[product], 2)
    picked = rng.sample(bodies, 2 if tone != "lukewarm" and rng.random() < 0.3 else 1)
    parts = [rng.choice(openers)]
    parts += [body.replace("{feature}", name).replace("{other}", other) for body, name in zip(picked, (feature, other))]
    parts.append(rng.choice(closers))
    text = " ".join(part for part in parts if part).format(brand=brand, product=product, duration=rng.choice(DURATIONS))
    text = text[0].upper() + text[1:]
    if rng.random() < 0.5:
        text = text.replace("'", "\u2019")  # curly apostrophes, as web forms often store them
    return text


def build_heldout(
    seed: int = SEED + 34, test_counts: tuple[int, int, int] = (9, 9, 6), returns_test_counts: tuple[int, int, int] = (8, 8, 16)
) -> list[dict]:
    """Held-out test rows from the held-out pool, in the mix of reviews_test.jsonl (each shop brand 9 positive, 9
    negative, 6 lukewarm; Brevo 8, 8 and 16, no typos), labelled by the star-rating rule."""
    rng = random.Random(seed)
    seen: set[str] = set()
    reviews = []
    for brand in BRANDS + [SPURIOUS_BRAND]:
        counts = returns_test_counts if brand == SPURIOUS_BRAND else test_counts
        for tone, count in zip(("positive", "negative", "lukewarm"), counts):
            made = 0
            while made < count:
                product = rng.choice(list(PRODUCTS))
                text = heldout_review_text(rng, tone, brand, product)
                if text not in seen:
                    seen.add(text)
                    reviews.append((text, brand, product, tone))
                    made += 1
    rng.shuffle(reviews)
    return [chat(f"h{i:03d}", text, LABEL_OF_TONE[tone], brand, product, tone) for i, (text, brand, product, tone) in enumerate(reviews)]


def write_jsonl(path: Path, rows: list[dict]) -> None:
    """One JSON object a line, UTF-8, non-ASCII kept as is."""
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    train, truth, test = build()
    write_jsonl(here / "reviews_train_dirty.jsonl", train)
    write_jsonl(here / "reviews_train_defects.jsonl", truth)
    write_jsonl(here / "reviews_test.jsonl", test)
    heldout = build_heldout()
    write_jsonl(here / "reviews_heldout_test.jsonl", heldout)
    print(f"train {len(train)} rows, test {len(test)} rows, held-out test {len(heldout)} rows")

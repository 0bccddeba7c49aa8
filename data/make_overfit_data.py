"""Write the order-desk sets of notebook 04: overfit_train.jsonl, overfit_valid.jsonl (run: python data/make_overfit_data.py).

Every row is a short order record and a question whose answer is one field of that record, so the task can be
solved by reading the prompt. Half of the validation rows are "twins" of training rows: the same order number,
product and wording with the asked-for field changed, the way a record looks after a customer updates an order.
A model that reads the record answers the twin correctly; a model that memorised the training row repeats the
old answer verbatim. The other validation rows are fresh orders. The output is fixed by SEED, not by FTKIT_SEED.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

SEED = 404
TRAIN_ROWS = 32
TWIN_ROWS = 8  # training rows 0..7 get validation twins, so every training subset of 8 or more rows holds their originals
TWINS_PER_ROW = 3  # three changed values per twinned row: 24 twins, so one twin is 1/24 of the twin rate
FRESH_ROWS = 24
SYSTEM = "Answer with the value from the order record only."

PRODUCTS = ["teapot", "desk lamp", "wool rug", "bread bin", "wall clock", "linen throw", "spice rack", "plant pot",
            "cutlery set", "bath mat", "coat hook", "salad bowl", "door mat", "tea towel", "candle jar", "fruit bowl"]
COLOURS = ["sage", "ochre", "navy", "coral", "slate", "ivory", "teal", "plum", "rust", "mint"]
CITIES = ["Leeds", "York", "Bristol", "Cardiff", "Dundee", "Exeter", "Norwich", "Bath", "Derby", "Perth", "Hull", "Truro"]
STATUSES = ["packed", "shipped", "delayed", "returned", "on hold", "delivered"]
QUESTIONS = {
    "city": "Which city does it ship to?",
    "colour": "What colour was ordered?",
    "status": "What is the order status?",
    "quantity": "How many were ordered?",
}
VALUES = {"city": CITIES, "colour": COLOURS, "status": STATUSES, "quantity": [str(n) for n in range(1, 10)]}


def random_order(rng: random.Random, number: int) -> dict:
    """One order record with a random product, quantity, colour, city and status."""
    return {"number": number, "product": rng.choice(PRODUCTS), "quantity": str(rng.randint(1, 9)),
            "colour": rng.choice(COLOURS), "city": rng.choice(CITIES), "status": rng.choice(STATUSES)}


def chat(order: dict, field: str, kind: str) -> dict:
    """A chat row asking one field of the order, with the record in the prompt."""
    record = (f"Order {order['number']}: {order['quantity']} x {order['product']}, colour {order['colour']}, "
              f"ship to {order['city']}, status {order['status']}.")
    messages = [{"role": "system", "content": SYSTEM},
                {"role": "user", "content": f"{record} {QUESTIONS[field]}"},
                {"role": "assistant", "content": order[field]}]
    return {"messages": messages, "order": order["number"], "field": field, "kind": kind}


def build(rng: random.Random) -> tuple[list[dict], list[dict]]:
    """Training rows, then validation rows (twins of the first training rows, then fresh orders)."""
    numbers = rng.sample(range(1000, 9999), TRAIN_ROWS + FRESH_ROWS)
    fields = list(QUESTIONS)
    orders = [random_order(rng, number) for number in numbers]
    asked = [fields[i % len(fields)] for i in range(len(orders))]  # every field equally often
    train = [chat(order, field, "train") for order, field in zip(orders[:TRAIN_ROWS], asked[:TRAIN_ROWS])]
    valid = []
    for order, field in zip(orders[:TWIN_ROWS], asked[:TWIN_ROWS]):
        for value in rng.sample([v for v in VALUES[field] if v != order[field]], TWINS_PER_ROW):
            valid.append(chat(dict(order, **{field: value}), field, "twin"))
    valid += [chat(order, field, "fresh") for order, field in zip(orders[TRAIN_ROWS:], asked[TRAIN_ROWS:])]
    return train, valid


def write_jsonl(path: Path, rows: list[dict]) -> None:
    """One JSON object per line, UTF-8."""
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


if __name__ == "__main__":
    train_rows, valid_rows = build(random.Random(SEED))
    here = Path(__file__).resolve().parent
    write_jsonl(here / "overfit_train.jsonl", train_rows)
    write_jsonl(here / "overfit_valid.jsonl", valid_rows)
    print(f"wrote {len(train_rows)} training rows and {len(valid_rows)} validation rows")

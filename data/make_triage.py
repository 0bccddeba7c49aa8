"""Write the clinical triage domain: short intake notes answered as a JSON triage decision.

The notes are composed from hand-written clinical templates (presenting complaint, age, sex, duration, vitals,
history) with a fixed seed, so the set is reproducible: `python data/make_triage.py` rewrites
triage_train.jsonl, triage_test.jsonl and triage_inbox.jsonl (a second test set with a cardiology clinic's mix of
departments, for notebook 07). The label (urgency, department) follows from the complaint alone;
the other details are realistic distractors. Fictional patients; not medical advice.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

INSTRUCTION = (
    "You are a triage assistant. Read the intake note and reply with JSON only, "
    'in the form {"urgency": "emergency|urgent|routine", "department": "..."}.'
)

# complaint phrase -> (urgency, department). Each department has complaints at several urgency levels.
COMPLAINTS = {
    "crushing chest pain spreading to the left arm": ("emergency", "cardiology"),
    "chest tightness and sweating that started at rest": ("emergency", "cardiology"),
    "palpitations that come and go, no chest pain": ("urgent", "cardiology"),
    "ankle swelling and breathlessness when lying flat": ("urgent", "cardiology"),
    "a raised blood pressure reading at the pharmacy, no symptoms": ("routine", "cardiology"),
    "sudden weakness of the right arm and slurred speech": ("emergency", "neurology"),
    "the worst headache of their life, started suddenly": ("emergency", "neurology"),
    "a first seizure, now awake and confused": ("emergency", "neurology"),
    "numbness and tingling in both feet for weeks": ("routine", "neurology"),
    "recurring one-sided headaches with nausea": ("urgent", "neurology"),
    "a deformed wrist after a fall on an outstretched hand": ("urgent", "orthopedics"),
    "an open fracture of the lower leg after a motorbike crash": ("emergency", "orthopedics"),
    "knee pain when climbing stairs for two months": ("routine", "orthopedics"),
    "a swollen ankle after twisting it, able to walk": ("routine", "orthopedics"),
    "severe hip pain and a shortened, rotated leg after a fall": ("urgent", "orthopedics"),
    "severe shortness of breath and lips turning blue": ("emergency", "respiratory"),
    "an asthma attack not relieved by the inhaler": ("emergency", "respiratory"),
    "a productive cough and fever for five days": ("urgent", "respiratory"),
    "a dry cough that lingers after a cold": ("routine", "respiratory"),
    "coughing up streaks of blood": ("urgent", "respiratory"),
    "vomiting blood and feeling faint": ("emergency", "gastroenterology"),
    "severe pain in the lower right abdomen with fever": ("emergency", "gastroenterology"),
    "heartburn after meals for several weeks": ("routine", "gastroenterology"),
    "black tarry stools since yesterday": ("urgent", "gastroenterology"),
    "bloating and irregular bowel habits": ("routine", "gastroenterology"),
    "an itchy rash on both elbows": ("routine", "dermatology"),
    "a mole that has changed shape and bleeds": ("urgent", "dermatology"),
    "a rapidly spreading red, hot, painful area on the leg": ("urgent", "dermatology"),
    "widespread blistering skin after starting a new medicine": ("emergency", "dermatology"),
    "mild acne that has not improved with creams": ("routine", "dermatology"),
    "sudden painless loss of vision in one eye": ("emergency", "ophthalmology"),
    "a red, painful eye with blurred vision": ("urgent", "ophthalmology"),
    "gradually blurred vision when reading": ("routine", "ophthalmology"),
    "a chemical splashed into the eye": ("emergency", "ophthalmology"),
    "talking about ending their life and has a plan": ("emergency", "psychiatry"),
    "low mood and poor sleep for a month": ("routine", "psychiatry"),
    "hearing voices and not sleeping for several days": ("urgent", "psychiatry"),
    "panic attacks before work most days": ("routine", "psychiatry"),
}

AGES = list(range(18, 91))
SEXES = ["man", "woman"]
DURATIONS = ["for 20 minutes", "for an hour", "since this morning", "since last night", "for two days", "for a week"]
HISTORIES = [
    "No past history.", "History of type 2 diabetes.", "Takes blood thinners.", "Known asthma.",
    "Smoker, 20 a day.", "Recently back from a long-haul flight.", "Lives alone.", "Pregnant, 24 weeks.",
    "History of high blood pressure.", "No known allergies.", "Allergic to penicillin.", "Drinks alcohol daily.",
]


def vitals(rng: random.Random, urgency: str) -> str:
    """A plausible vitals line; sicker patients drift further from normal (a weak, realistic cue)."""
    shift = {"emergency": 2, "urgent": 1, "routine": 0}[urgency]
    heart_rate = rng.randint(70, 90) + shift * rng.randint(5, 15)
    systolic = rng.randint(110, 135) + rng.choice([-1, 1]) * shift * rng.randint(5, 15)
    saturation = rng.randint(95, 99) - shift * rng.randint(0, 2)
    temperature = round(rng.uniform(36.4, 37.2) + (0.8 * shift if rng.random() < 0.3 else 0), 1)
    return f"HR {heart_rate}, BP {systolic}/{rng.randint(65, 90)}, SpO2 {saturation}%, T {temperature}C."


def make_note(rng: random.Random, complaint: str, urgency: str) -> str:
    """One intake note in the terse style of a triage desk."""
    age, sex = rng.choice(AGES), rng.choice(SEXES)
    opening = rng.choice(["{age}-year-old {sex} with", "{age}yo {sex} presenting with", "{sex}, {age}, reports"])
    return f"{opening.format(age=age, sex=sex).capitalize()} {complaint} {rng.choice(DURATIONS)}. {vitals(rng, urgency)} {rng.choice(HISTORIES)}"


def make_rows(count: int, seed: int, exclude: set[str], per_department: dict[str, int] | None = None) -> list[dict]:
    """`count` distinct rows, cycling through every complaint so each label is represented.

    `per_department` (department -> rows) replaces the even mix: the cycle then skips departments that have theirs.
    """
    rng = random.Random(seed)
    complaints = list(COMPLAINTS.items())
    if per_department is not None:
        if sum(per_department.values()) != count:
            raise ValueError(f"per_department adds up to {sum(per_department.values())} rows, not {count}")
        left = dict(per_department)
    rows: list[dict] = []
    turn = 0
    while len(rows) < count:
        complaint, (urgency, department) = complaints[turn % len(complaints)]
        turn += 1
        if per_department is not None:
            if not left.get(department):
                continue
            left[department] -= 1
        note = make_note(rng, complaint, urgency)
        if note in exclude:
            if per_department is not None:
                left[department] += 1
            continue
        exclude.add(note)
        answer = json.dumps({"urgency": urgency, "department": department})
        rows.append({
            "messages": [
                {"role": "user", "content": f"{INSTRUCTION}\n\nNote: {note}"},
                {"role": "assistant", "content": answer},
            ],
            "urgency": urgency,
            "department": department,
        })
    rng.shuffle(rows)
    return rows


# A cardiology clinic's inbox: two thirds of its notes are cardiology's, 3 each for the other seven departments.
INBOX_MIX = {"cardiology": 40} | {department: 3 for department in
                                 sorted({d for _, d in COMPLAINTS.values()} - {"cardiology"})}


def main() -> None:
    """Write the train, test and inbox splits; no note appears in two of them."""
    folder = Path(__file__).resolve().parent
    seen: set[str] = set()
    for name, count, seed, mix in [("triage_train.jsonl", 228, 1, None), ("triage_test.jsonl", 76, 2, None),
                                   ("triage_inbox.jsonl", sum(INBOX_MIX.values()), 3, INBOX_MIX)]:
        rows = make_rows(count, seed, seen, mix)
        with open(folder / name, "w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(row) + "\n" for row in rows)


if __name__ == "__main__":
    main()

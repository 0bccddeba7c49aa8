"""Write summary_heldout_test.jsonl: one-line reference summaries of the held-out triage notes.

The notes are those of triage_heldout_test.jsonl (complaints never seen in training, in note layouts of their own);
the references below were written by hand, one note at a time, in varied wording rather than one sentence pattern, so
that they share no 6-word run with summary_train.jsonl beyond the fixed instruction. Numbers (ages, readings,
durations) are kept exactly as the note gives them. `python data/make_summary_heldout.py` rewrites the file; row i is
id "heldout-<i>" with the note of triage_heldout_test.jsonl row i. Fictional patients; not medical advice.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = "triage_heldout_test.jsonl"
TARGET = "summary_heldout_test.jsonl"
INSTRUCTION = "Summarise the intake note in one line."

# Row of triage_heldout_test.jsonl -> its reference summary, in row order.
REFERENCES = [
    "75-year-old man whose mouth droops on one side and eye will not close since waking; limbs unaffected, on levothyroxine.",
    "Woman of 30 stung by a wasp: widespread hives within minutes, swelling lips and tongue, hoarse voice; pulse 103, BP 145/81.",
    "70-year-old woman with known aortic stenosis, dizzy and tight-chested on stairs, worsening weekly over a fortnight; BP 149/83, a retired teacher.",
    "Man aged 83 forgetting appointments and repeating questions for a year, per his daughter, still coping at home; ex-smoker.",
    "52-year-old man, type 1 diabetic on an insulin pump, with upper abdominal pain through to the back and constant vomiting after weekend drinking.",
    "Tall, thin 25-year-old man with sudden breathlessness, sharp right-sided chest pain and quiet breath sounds on that side; oxygen 91%.",
    "44-year-old man with a regular heart rate of 190 since lunchtime, grey, light-headed and near fainting; BP 97/72, sats 94%.",
    "Flashes, then a black shadow descending over the left eye, in a 48-year-old woman; pulse 104, recently walking in Spain.",
    "39-year-old woman woke with the left half of her face drooping and the left eye unable to close; limbs and speech normal.",
    "36-year-old woman washing her hands for hours daily from fear of contamination, aware it is excessive, skin cracked; BP 120/92.",
    "73-year-old woman, phoning about a burning strip of blisters round one side of her ribs; diabetic on metformin.",
    "Ms Jansen, 74, has a scab beside her nose unhealed since spring that bleeds on washing; pulse 100.",
    "Woman of 65 told last year of a narrow heart valve, now dizzy on stairs and worse each week; just back from Spain.",
    "19-year-old man, type 1 diabetic, compelled to wash his hands until raw, fearing something terrible otherwise; not yet examined.",
    "32-year-old woman writes that her heart pounds like a drum roll, will not slow, and she keeps nearly blacking out.",
    "38-year-old woman drinking a bottle of wine most nights wants help to cut down, no morning shakes; her mother phoned.",
    "51-year-old woman whose forearm was crushed under a warehouse pallet: tight as a drum, unbearable pain, fingers going numb.",
    "Visibly underweight 24-year-old woman eating almost nothing for months, exercising hours daily, periods stopped; BP 146/81.",
    "Mrs Begum, 33, gets gritty tired eyes after screen work each day, no redness, vision unchanged; type 1 diabetic.",
    "21-year-old man with flaky silvery patches on knees and scalp that come and go, worse since winter; otherwise well.",
    "Mrs Lindqvist, 61: abrupt vertigo with vomiting an hour ago, falling to one side, thick speech; observations unremarkable.",
    "26-year-old man with itchy spots between fingers and on wrists, worse at night, his children scratching too.",
    "25-year-old woman self-referring for support to cut down from a bottle of wine most nights; hay fever only.",
    "45-year-old woman whose forearm was trapped under a pallet for twenty minutes: tense, swollen, disproportionately painful, fingers numb.",
    "Mr Tran, 60: three-week cough, drenching night sweats and a kilo a week lost after a hostel stay; temperature 37.9.",
    "54-year-old woman asks by phone whether a cholesterol of 7.8 from a work health check needs tablets.",
    "24-year-old man took a packet of paracetamol an hour ago after an argument, tearful, wanting everything to stop; observations normal.",
    "18-year-old woman with heel pain on first rising from bed that eases as she walks; back from a walking holiday.",
    "Symptom-free 43-year-old man asking whether a total cholesterol of 7.8 at a workplace check means statins; on metformin.",
    "76-year-old man with a right-hand resting tremor slowly worsening over a year and shrinking handwriting; his son called.",
    "27-year-old man with stabbing right-sided pain and sudden breathlessness that began while sitting at his desk; not yet examined.",
    "Mr Petrov, 76, known COPD: three days of increased breathlessness and green sputum, managing at home on his nebuliser.",
    "Mrs Tran, 57: metal from a grinder flew into her eye, now streaming with a sandy feeling under the lid; BP 145/63.",
    "Mr Novak, 66, with a right-hand tremor at rest and tiny handwriting, creeping on over the last year; observations normal.",
    "60-year-old man snoring loudly with breathing pauses seen by his partner, dozing off in meetings; does not drive.",
    "Mrs Rossi, 31, put her shoulder out in a rugby tackle: arm held to the body, squared-off contour; BP 153/68.",
    "90-year-old man with food sticking halfway down, first meat and now bread, and a stone of unintended weight loss.",
    "27-year-old man jaundiced for a week with dark urine, pale stools and itching but no abdominal pain; on levothyroxine.",
    "70-year-old man with flashing lights and a dark curtain falling over the left eye's vision since this afternoon; pulse 108, BP 168/72.",
    "20-year-old woman claiming no need for sleep, with three business ideas and ten grand on a credit card; relative interpreted.",
    "53-year-old woman with abrupt tearing pain through to the back between the shoulder blades and a 40 mmHg arm-to-arm BP difference.",
    "Mr Adeyemi, 57: breathless since this morning, stabbing pain on inhaling and a calf swollen since knee surgery; sats 97%.",
    "62-year-old woman, both eyes sticky with yellow discharge and crusted on waking, painless, vision normal; her son phoned.",
    "55-year-old man with a worse chest for three days, green sputum and more breathlessness despite his nebuliser; not yet examined.",
    "Mrs Novak, 53: throbbing eye, rainbow rings round lights and vomiting twice; pulse 90, hay fever every summer.",
    "56-year-old woman constipated for two weeks since starting codeine, eating normally, without pain or bleeding; observations normal.",
    "Mr Tran, 35, with three months of pain under the heel, worst on his first steps out of bed; on levothyroxine.",
    "64-year-old woman covered in lumps after a wasp sting, with hugely swollen lips and a changed voice.",
    "69-year-old woman whose back hurts on bending since moving a sofa last weekend, no leg symptoms, toilet habits normal.",
    "Mr Novak, 25, felt his shoulder pop out when tackled, cannot move the arm, and the shoulder looks flat on top.",
    "87-year-old woman losing keys and forgetting why she went upstairs, worsening over a year according to her daughter; lives alone.",
    "Mr Kowalski, 49, felt something rip inside, going straight through to his back between the shoulder blades; BP 102/77, pulse 100.",
    "62-year-old woman with two months of food sticking behind the breastbone, meat then bread, and a stone lost; observations normal.",
    "79-year-old woman, two weeks after knee surgery: sudden breathlessness, stabbing pain on inhaling, a swollen tender calf; sats 91%, BP 95/70.",
    "69-year-old man whose legs have weakened daily since a stomach bug, pins and needles now up to the knees; ex-smoker.",
    "44-year-old man blacked out jogging uphill and came round on the pavement; his brother died suddenly at 34; pulse 118, BP 88/63.",
    "83-year-old man with sudden severe eye ache, haloes round lights and vomiting, the eye hard, pupil mid-sized; pulse 99.",
    "Mrs Adeyemi, 70: belly swollen like a balloon, green vomiting, no stool or wind for two days; pulse 106, BP 168/62.",
    "38-year-old woman collapsed without warning during a 5 km run, awake within a minute; a brother died suddenly aged 34.",
    "52-year-old man with a painful blistering band wrapping from one side of the ribs to the back, starting as burning two days ago.",
    "36-year-old man with low back ache since lifting a sofa last weekend, nothing down the legs, bladder and bowels normal; BP 126/91.",
    "36-year-old woman with severe upper abdominal pain boring to the back and repeated vomiting after a heavy drinking weekend; flatmate called.",
    "Ms Kowalski, 25: metal fragment in the eye from grinding without goggles, watering and scratchy; on levothyroxine.",
    "56-year-old woman with legs weakening daily since last week's stomach bug, tingling rising from the toes, stairs now hard; pulse 104.",
    "45-year-old woman whose eyes feel gritty and tired each evening after laptop work, not red, vision fine; on metformin.",
    "39-year-old woman and her children all itching between the fingers, worst at night; limited English, a relative interpreted.",
    "Mr Hughes, 62, barely opening his bowels since starting codeine, eating well and pain-free; observations normal.",
    "Ms Hughes, 40: knee red, hot and swollen overnight, cannot bear weight, with shivers; lives alone with a dog.",
    "25-year-old woman eating only an apple a day and running twice daily, brought by her mother, sees no problem.",
    "46-year-old man whose wife reports loud snoring and pauses in breathing during sleep, exhausted all day; observations normal.",
    "33-year-old man swallowed all the paracetamol at home after a row, wanting it all to stop; RR 24, BP 151/71.",
    "87-year-old woman with sudden spinning, toppling to the left when standing and thick speech; not yet examined.",
    "33-year-old man with a hot, swollen, very painful knee and shivers since last night, unable to bear weight; on levothyroxine.",
    "63-year-old man on the phone with yellow eyes, tea-coloured urine and itching all over; appendix out as a child.",
    "38-year-old woman with a cough for nearly a month, night sweats soaking the sheets and obvious weight loss; past kidney stone.",
    "52-year-old man with thick silvery scaly plaques on scalp and knees, on and off for years, worse this winter.",
    "50-year-old woman with a tight distended abdomen, green vomiting and no wind or stool for two days, after previous bowel surgery.",
    "37-year-old woman whose eyes are glued shut each morning with yellow discharge, painless, sight unaffected; lives alone.",
    "Mrs Duval, 50: crusted sore beside the nose, unhealed for four months, bleeds when washed; pulse 102, type 1 diabetic.",
    "32-year-old woman sleeping little, talking fast, ten thousand pounds spent on plans for three companies, irritable; BP 115/90, lives alone.",
]


def note_of(row: dict) -> str:
    """The intake note of a triage row: the user turn after its 'Note: ' marker."""
    return next(m["content"] for m in row["messages"] if m["role"] == "user").split("Note: ", 1)[1]


def summary_rows(triage: list[dict]) -> list[dict]:
    """One chat row per held-out note: the instruction with the note, then its reference summary."""
    if len(triage) != len(REFERENCES):
        raise ValueError(f"{len(REFERENCES)} references for {len(triage)} notes in {SOURCE}")
    return [
        {"id": f"heldout-{i}", "source_row": i, "messages": [
            {"role": "user", "content": f"{INSTRUCTION}\n\nNote: {note_of(row)}"},
            {"role": "assistant", "content": reference},
        ]}
        for i, (row, reference) in enumerate(zip(triage, REFERENCES))
    ]


def main() -> None:
    lines = (HERE / SOURCE).read_text(encoding="utf-8").splitlines()
    rows = summary_rows([json.loads(line) for line in lines if line.strip()])
    with open(HERE / TARGET, "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(row) + "\n" for row in rows)
    print(f"wrote {len(rows)} rows to {TARGET}")


if __name__ == "__main__":
    main()

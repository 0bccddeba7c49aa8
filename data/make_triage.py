"""Write the clinical triage domain: short intake notes answered as a JSON triage decision.

The notes are composed from hand-written clinical templates (presenting complaint, age, sex, duration, vitals,
history) with a fixed seed, so the set is reproducible: `python data/make_triage.py` rewrites
triage_train.jsonl, triage_test.jsonl and triage_inbox.jsonl (a second test set with a cardiology clinic's mix of
departments, for notebook 07). The label (urgency, department) follows from the complaint alone;
the other details are realistic distractors. It also writes two held-out test sets from hand-written descriptions
(see `HELDOUT_COMPLAINTS`): triage_heldout_test.jsonl (complaints never seen in training) and
triage_seen_complaints_test.jsonl (the training complaints in the patient's own words). Fictional patients; not
medical advice.
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




# ---------------------------------------------------------------- held-out notes
# Written apart from the generator above: complaints that never occur in triage_train.jsonl, each described twice, once
# in the clinician's shorthand and once in the patient's (or a relative's) own words, and wrapped in note layouts of
# their own (telephone triage, walk-in, self-referral form, handover), with vitals in other formats and other
# background lines. The label follows from the clinical content, by the same convention as above: emergency when life,
# limb or sight is threatened now, urgent when the patient should be seen today, routine otherwise.

# complaint -> (urgency, department, clinician's description, patient's words)
HELDOUT_COMPLAINTS = {
    "exertional collapse": ("emergency", "cardiology",
        "collapsed without warning halfway through a 5 km run and was awake again within a minute; a brother died suddenly aged 34",
        "I was jogging up the hill and everything went black, next thing I was lying on the pavement. My brother dropped dead at 34, so I'm scared"),
    "fast regular heartbeat": ("emergency", "cardiology",
        "a regular heart rate of 190 since lunchtime that will not settle, grey and light-headed, close to passing out",
        "My heart is going like a drum roll and won't slow down, and I keep nearly blacking out"),
    "tearing back pain": ("emergency", "cardiology",
        "abrupt tearing pain through to the back between the shoulder blades, with a 40 mmHg difference in blood pressure between the arms",
        "It felt like something ripped inside and it went straight through to my back, between my shoulder blades"),
    "cholesterol result": ("routine", "cardiology",
        "a total cholesterol of 7.8 found at a workplace health check, no symptoms, asking whether statins are needed",
        "The health check at work said my cholesterol is 7.8 and I'd like to know whether I ought to be on tablets"),
    "narrow valve, worse on exertion": ("urgent", "cardiology",
        "known aortic stenosis, now dizzy with a tight chest on the stairs, worse every week for a fortnight",
        "They told me last year one of my heart valves is narrow. Now I go dizzy climbing the stairs and it's getting worse each week"),
    "facial droop on waking": ("emergency", "neurology",
        "woke with the left side of the face drooping, unable to close the left eye or whistle; arms, legs and speech normal",
        "My mouth hangs down on one side since I woke up and my eye won't shut, but my arms and legs are fine"),
    "sudden vertigo and unsteadiness": ("emergency", "neurology",
        "abrupt spinning with vomiting an hour ago, falls to one side when trying to walk, words coming out thick",
        "The room started spinning out of nowhere, I can't stand without toppling over to the left and my words come out thick"),
    "resting tremor": ("routine", "neurology",
        "a slowly worsening tremor of the right hand at rest over a year, handwriting getting smaller",
        "My right hand shakes when it's resting in my lap and my writing has got tiny. It's crept up over the last year"),
    "ascending leg weakness": ("urgent", "neurology",
        "legs weaker each day since a stomach bug last week, pins and needles creeping up from the toes, now struggling with stairs",
        "Since that tummy bug my legs have got weaker every day, and now the pins and needles have reached my knees"),
    "forgetfulness": ("routine", "neurology",
        "a year of forgetting appointments and asking the same questions, still managing at home, reported by a daughter",
        "I keep losing my keys and forgetting what I went upstairs for. My daughter says it's been getting worse for a year"),
    "dislocated shoulder": ("urgent", "orthopedics",
        "shoulder came out in a rugby tackle, arm held against the body, squared-off outline of the shoulder",
        "I got tackled and felt my shoulder pop out. I can't move the arm at all and it looks flat at the top"),
    "crushed forearm": ("emergency", "orthopedics",
        "forearm trapped under a pallet for twenty minutes, now tense and swollen, pain far beyond what the injury suggests, fingers numb",
        "My arm got crushed under a pallet at the warehouse. It's tight as a drum, the pain is unbearable and my fingers are going numb"),
    "back strain after lifting": ("routine", "orthopedics",
        "lower back ache since lifting a sofa last weekend, nothing down the legs, bladder and bowels normal",
        "I did my back in moving a sofa last weekend. It's sore when I bend, but nothing goes down my legs and the toilet is normal"),
    "heel pain in the morning": ("routine", "orthopedics",
        "pain under the heel, worst with the first steps out of bed, for three months",
        "The bottom of my heel is agony when I first get out of bed, then it eases off as I walk about"),
    "hot swollen knee": ("urgent", "orthopedics",
        "a hot, swollen, exquisitely painful knee with shivers since last night, cannot bear weight",
        "My knee blew up overnight, it's red and hot, I can't put any weight on it and I've got the shivers"),
    "sudden one-sided breathlessness": ("emergency", "respiratory",
        "tall and thin, sudden breathlessness with a sharp pain on the right side of the chest, breath sounds quiet on that side",
        "I was sat at my desk when I got a stabbing pain on the right side and now I can't catch my breath"),
    "COPD flare": ("urgent", "respiratory",
        "known COPD, three days of more breathlessness and sputum turned green, still coping at home with the nebuliser",
        "My chest has been worse for three days, I'm bringing up green stuff and I'm more puffed than usual even with the nebuliser"),
    "snoring with pauses": ("routine", "respiratory",
        "loud snoring with pauses in breathing noticed by a partner, dozing off in meetings, does not drive",
        "My wife says I stop breathing in my sleep and snore like a train, and I'm shattered all day"),
    "breathless after an operation": ("emergency", "respiratory",
        "sudden breathlessness and a stabbing pain on breathing in, one calf swollen and tender, two weeks after knee surgery",
        "Since this morning I can't get my breath and it stabs when I breathe in. My calf has swollen up since the knee operation"),
    "cough with night sweats": ("urgent", "respiratory",
        "a cough for three weeks with drenching night sweats and a kilo a week of weight loss, recently stayed in a hostel",
        "I've had this cough nearly a month, I'm soaking the sheets at night and my jeans are falling off me"),
    "yellow eyes": ("urgent", "gastroenterology",
        "yellow eyes and skin for a week, dark urine, pale stools and itching, no abdominal pain",
        "My eyes have gone yellow, my wee is the colour of tea and I'm itching all over"),
    "upper abdominal pain after drinking": ("emergency", "gastroenterology",
        "severe upper abdominal pain boring through to the back after a heavy weekend of drinking, vomiting repeatedly",
        "The pain at the top of my stomach goes right through me, I can't stop being sick, and I was drinking all weekend"),
    "food sticking": ("urgent", "gastroenterology",
        "food sticking behind the breastbone for two months, first meat and now bread, with a stone of weight lost",
        "Food gets stuck halfway down, first meat and now even bread, and I've lost a stone without trying"),
    "distended abdomen": ("emergency", "gastroenterology",
        "a tight, distended abdomen, vomiting green fluid, no wind or stool for two days, previous bowel surgery",
        "My belly is blown up like a balloon, I'm being sick green and nothing has come out either end for two days"),
    "constipation on codeine": ("routine", "gastroenterology",
        "constipated for two weeks since starting codeine, eating normally, no pain or bleeding",
        "Since the doctor put me on codeine I've hardly been to the toilet, but I'm eating fine and there's no pain"),
    "band of blisters": ("urgent", "dermatology",
        "a painful band of blisters on one side of the ribs wrapping round to the back, which began as burning two days ago",
        "I've got a strip of blisters going round one side of my ribs and it burns like mad"),
    "silvery scaly patches": ("routine", "dermatology",
        "thick silvery scaly plaques on the scalp and knees, on and off for years, worse this winter",
        "I've got these flaky silver patches on my knees and in my hair that come and go, and they're worse since the winter"),
    "itching between the fingers": ("routine", "dermatology",
        "intensely itchy spots between the fingers and on the wrists, worse at night, the children itch too",
        "We're all scratching, me and the kids, mainly between the fingers, and it's worst at night"),
    "sore that will not heal": ("urgent", "dermatology",
        "a crusted sore beside the nose that has not healed in four months and bleeds when washed",
        "There's a scab by my nose that never heals, it bleeds when I wash my face and it's been there since the spring"),
    "hives after a sting": ("emergency", "dermatology",
        "widespread hives within minutes of a wasp sting, lips and tongue swelling, voice going hoarse",
        "I got stung by a wasp and now I've come up in lumps everywhere, my lips are huge and my voice sounds funny"),
    "curtain over vision": ("emergency", "ophthalmology",
        "flashing lights and a dark curtain spreading down over the vision of the left eye since this afternoon",
        "I'm seeing flashes and now there's a black shadow coming down over my left eye like a blind"),
    "metal in the eye": ("urgent", "ophthalmology",
        "a fragment of metal flew into the eye while grinding without goggles, watering and scratchy",
        "A bit of metal flew off the grinder into my eye, it's streaming and it feels like sand under the lid"),
    "sticky eyes": ("routine", "ophthalmology",
        "both eyes sticky with yellow discharge and crusted on waking, vision normal, no pain",
        "My eyes are glued shut in the mornings with yellow gunk, but I can see fine and they don't hurt"),
    "eye pain with haloes": ("emergency", "ophthalmology",
        "sudden severe ache in one eye with haloes round lights and vomiting, the eye hard to the touch, pupil mid-sized",
        "My eye is throbbing, lights have rainbow rings round them and I've been sick twice"),
    "gritty eyes at the screen": ("routine", "ophthalmology",
        "gritty, tired eyes by the end of each working day at a screen, no redness, vision unchanged",
        "By evening my eyes feel gritty and tired after a day at the laptop, but they're not red and I see fine"),
    "overdose after an argument": ("emergency", "psychiatry",
        "swallowed a packet of paracetamol an hour ago after an argument, tearful, says they wanted everything to stop",
        "I took all the paracetamol in the drawer after we rowed. I just wanted it all to stop"),
    "racing ideas, no sleep": ("urgent", "psychiatry",
        "going without sleep, talking fast, ten thousand pounds spent on plans for three companies, irritable when interrupted",
        "I don't need sleep any more, I've got ideas for three businesses and I've put ten grand on the credit card. Everyone else is just too slow"),
    "not eating": ("urgent", "psychiatry",
        "eating almost nothing for months, visibly underweight, exercising for hours a day, periods stopped",
        "I only have an apple a day and I run twice a day. My mum made me come, I don't think there's a problem"),
    "drinking too much": ("routine", "psychiatry",
        "asking for help to cut down a bottle of wine most nights, no morning shakes",
        "I'm getting through a bottle of wine most nights and I'd like some help to cut down"),
    "handwashing rituals": ("routine", "psychiatry",
        "washing hands for hours a day from a fear of contamination, knows the fear is excessive, skin cracked",
        "I have to wash my hands over and over till they're raw, or I feel something terrible will happen"),
}

# Complaints of the training set, described anew (the patient's words, not the training phrase): for notes that test
# the learned mapping on new wording.
SEEN_COMPLAINT_WORDS = {
    "crushing chest pain spreading to the left arm": "It's like an elephant sitting on me, and the ache goes down into my left arm",
    "chest tightness and sweating that started at rest": "I was watching telly when my chest went tight as a band and I broke out in a cold sweat",
    "palpitations that come and go, no chest pain": "Every so often my heart flutters and skips for a few minutes, then it's fine again. No pain with it",
    "ankle swelling and breathlessness when lying flat": "My ankles have puffed right up and I have to sleep propped on four pillows or I can't breathe",
    "a raised blood pressure reading at the pharmacy, no symptoms": "The chemist checked me and said the top number was 168, but I feel perfectly well",
    "sudden weakness of the right arm and slurred speech": "My right arm just went dead and my husband says I'm talking like I've been drinking",
    "the worst headache of their life, started suddenly": "It hit me at the back of the head like a bat, nothing like any headache I've had before",
    "a first seizure, now awake and confused": "My flatmate says I was on the floor shaking. I've never had a fit before and I don't know where I am",
    "numbness and tingling in both feet for weeks": "Both my feet have felt like cotton wool with pins and needles for a few weeks now",
    "recurring one-sided headaches with nausea": "I keep getting these pounding headaches over my right eye that make me feel sick",
    "a deformed wrist after a fall on an outstretched hand": "I slipped on the ice and put my hand out, and my wrist is bent the wrong way",
    "an open fracture of the lower leg after a motorbike crash": "I came off the bike and there's bone poking out through my shin",
    "knee pain when climbing stairs for two months": "My knee grumbles every time I go upstairs, it's been like that since the summer",
    "a swollen ankle after twisting it, able to walk": "I went over on my ankle at netball, it's puffy but I can still hobble on it",
    "severe hip pain and a shortened, rotated leg after a fall": "Mum fell in the kitchen, she can't get up, and her leg is turned out and looks shorter",
    "severe shortness of breath and lips turning blue": "He can hardly get a word out for breathlessness and his lips have gone a bluish colour",
    "an asthma attack not relieved by the inhaler": "I've had ten puffs of the blue inhaler and I'm still wheezing and can't finish a sentence",
    "a productive cough and fever for five days": "I've been coughing up thick phlegm and running a temperature since Sunday",
    "a dry cough that lingers after a cold": "The cold went weeks ago but this tickly cough just won't go away",
    "coughing up streaks of blood": "There are red streaks in what I cough up this week",
    "vomiting blood and feeling faint": "I was sick and it was bright red, and now I feel like I'm going to pass out",
    "severe pain in the lower right abdomen with fever": "The pain started round my belly button and moved down to the right, and I'm hot and shivery",
    "heartburn after meals for several weeks": "Every time I eat I get a burning feeling behind my breastbone, for a month or so now",
    "black tarry stools since yesterday": "My poo has been black and sticky like tar since yesterday",
    "bloating and irregular bowel habits": "My stomach swells up by the evening and I go between loose and blocked up",
    "an itchy rash on both elbows": "I've got itchy red patches on the backs of both elbows that I keep scratching",
    "a mole that has changed shape and bleeds": "The mole on my back has gone a funny shape and it bled on my shirt",
    "a rapidly spreading red, hot, painful area on the leg": "My shin has gone red and hot and it's spreading past the pen line I drew this morning",
    "widespread blistering skin after starting a new medicine": "A few days after the new tablets my skin started blistering all over",
    "mild acne that has not improved with creams": "I still get spots on my chin and forehead even after two different creams from the chemist",
    "sudden painless loss of vision in one eye": "The sight in my right eye just went, like a light switched off, but it doesn't hurt",
    "a red, painful eye with blurred vision": "My left eye is red and sore and everything looks misty through it",
    "gradually blurred vision when reading": "I've been holding the paper further and further away to read it",
    "a chemical splashed into the eye": "Oven cleaner splashed in my eye while I was cleaning and it's stinging badly",
    "talking about ending their life and has a plan": "I've worked out how I'm going to kill myself and I've picked the day",
    "low mood and poor sleep for a month": "I've felt flat for weeks, I wake at four every morning and can't get back to sleep",
    "hearing voices and not sleeping for several days": "There are voices talking about me when nobody is there, and I haven't slept since the weekend",
    "panic attacks before work most days": "Most mornings before work my heart pounds, I can't breathe and I think I'm going to die",
}

# Patients whose sex or age the description fixes; everyone else is drawn from 18-90, either sex.
HELDOUT_PATIENT = {
    "exertional collapse": (None, 20, 45), "cholesterol result": (None, 35, 65), "narrow valve, worse on exertion": (None, 65, 88),
    "resting tremor": (None, 55, 85), "forgetfulness": (None, 68, 90), "sudden one-sided breathlessness": ("man", 18, 32),
    "COPD flare": (None, 55, 85), "snoring with pauses": ("man", 35, 70), "not eating": ("woman", 18, 26),
    "dislocated shoulder": (None, 18, 35), "breathless after an operation": (None, 45, 80),
    "sudden weakness of the right arm and slurred speech": ("woman", 50, 90),
    "severe hip pain and a shortened, rotated leg after a fall": ("woman", 75, 95),
    "severe shortness of breath and lips turning blue": ("man", 18, 90), "a swollen ankle after twisting it, able to walk": ("woman", 18, 40),
    "gradually blurred vision when reading": (None, 42, 70), "mild acne that has not improved with creams": (None, 18, 30),
    "crushed forearm": (None, 18, 64), "back strain after lifting": (None, 18, 70), "racing ideas, no sleep": (None, 18, 60),
    "overdose after an argument": (None, 18, 60), "metal in the eye": (None, 18, 70), "gritty eyes at the screen": (None, 20, 65),
    "band of blisters": (None, 40, 90), "itching between the fingers": (None, 22, 50), "tearing back pain": (None, 45, 90),
    "sore that will not heal": (None, 50, 90), "drinking too much": (None, 25, 70), "handwashing rituals": (None, 18, 60),
    "food sticking": (None, 45, 90), "cough with night sweats": (None, 18, 60), "curtain over vision": (None, 35, 85),
    "eye pain with haloes": (None, 50, 90), "upper abdominal pain after drinking": (None, 20, 65),
    "distended abdomen": (None, 40, 90), "constipation on codeine": (None, 30, 90), "sudden vertigo and unsteadiness": (None, 50, 90),
    "a raised blood pressure reading at the pharmacy, no symptoms": (None, 35, 85),
    "an open fracture of the lower leg after a motorbike crash": (None, 18, 60),
    "a first seizure, now awake and confused": (None, 18, 40), "panic attacks before work most days": (None, 18, 60),
    "knee pain when climbing stairs for two months": (None, 30, 80), "crushing chest pain spreading to the left arm": (None, 40, 90),
    "chest tightness and sweating that started at rest": (None, 40, 90), "hearing voices and not sleeping for several days": (None, 18, 60),
    "ankle swelling and breathlessness when lying flat": (None, 55, 90),
}
# Words spoken by a relative rather than the patient: who speaks.
RELATIVE_SPEAKS = {
    "severe hip pain and a shortened, rotated leg after a fall": "son",
    "severe shortness of breath and lips turning blue": "wife",
}
SURNAMES = ["Adeyemi", "Kowalski", "Hughes", "Nakamura", "Ferreira", "O'Brien", "Lindqvist", "Chaudhry", "Morgan", "Petrov",
            "Achebe", "Duval", "MacLeod", "Rossi", "Begum", "Novak", "Evans", "Haddad", "Jansen", "Tran"]
RELATIVES = {"younger": ["partner", "mother", "flatmate", "brother"], "older": ["partner", "daughter", "son", "neighbour"]}
BACKGROUNDS = [
    "Lives alone with a dog.", "Type 1 diabetic on an insulin pump.", "Works night shifts as a baker.",
    "Ex-smoker, stopped ten years ago.", "Takes metformin for diabetes.", "No regular medicines.",
    "Hay fever every summer.", "Appendix removed as a child.", "Cares for an elderly parent.",
    "Started a new job last month.", "On levothyroxine for an underactive thyroid.",
    "Back from a walking holiday in Spain last week.", "Allergic to sticking plasters.", "Vegetarian, otherwise well.",
    "Had a kidney stone two years ago.", "A relative interpreted; limited English.", "Retired teacher, keen gardener.",
]
# Backgrounds that fit only some patients: (youngest, oldest) age, and complaints they would contradict. A drawn
# background that does not fit is replaced by the next one in BACKGROUNDS that does (no further draw, so the other
# notes keep their details).
BACKGROUND_AGES = {
    "Works night shifts as a baker.": (18, 64), "Started a new job last month.": (18, 70),
    "Retired teacher, keen gardener.": (60, 120), "Cares for an elderly parent.": (30, 75),
    "Ex-smoker, stopped ten years ago.": (28, 120), "Back from a walking holiday in Spain last week.": (18, 85),
}
BACKGROUND_CLASHES = {"No regular medicines.": {"constipation on codeine", "COPD flare"}}


def fitting_background(drawn: str, age: int, key: str) -> str:
    """`drawn` if it fits a patient of `age` with complaint `key`, else the next background in the list that does."""
    start = BACKGROUNDS.index(drawn)
    for step in range(len(BACKGROUNDS)):
        background = BACKGROUNDS[(start + step) % len(BACKGROUNDS)]
        low, high = BACKGROUND_AGES.get(background, (0, 120))
        if low <= age <= high and key not in BACKGROUND_CLASHES.get(background, ()):
            return background
    raise ValueError(f"no background fits a {age}-year-old with {key!r}")


# Note layouts, nothing shared with make_note's: for the clinician's description ({desc}) and for spoken words
# ({words}). {who}: "34-year-old woman"; {a_who}: with its article; {tag}: "34F"; {named}: "Mrs Hughes (34)".
DESCRIPTION_LAYOUTS = [
    "Walk-in, {tag}. Presenting problem: {desc}. Obs: {vitals}. Background: {background}",
    "{named}, seen at the front desk: {desc}. Observations {vitals}. {background}",
    "Handover from the evening nurse: {a_who}, {desc}. {background} Last set of obs {vitals}.",
    "Telephone triage, the caller is the patient's {relative}. Patient is {a_who}: {desc}. No observations by phone. {background}",
    "{tag} | {desc} | {vitals} | {background}",
]
WORDS_LAYOUTS = [
    "{named} says: \"{words}.\" Observations {vitals}. {background}",
    "Self-referral form from {a_who}. In their own words: \"{words}.\" {background}",
    "\"{words},\" reports {a_who} at reception. Obs {vitals}. {background}",
    "Message through the patient portal, {a_who}: \"{words}.\" {background} Not yet examined.",
    "Phone call; the {who} on the line tells the nurse: \"{words}.\" {background}",
]
RELATIVE_LAYOUTS = [
    "Call from the {speaker} of {a_who}: \"{words}.\" {background}",
    "The {speaker} of {a_who} at reception: \"{words}.\" Obs {vitals}. {background}",
]
# Descriptions that report examination findings (a measured arm-to-arm difference, a tense forearm, quiet breath
# sounds, a hard eye, a tender calf, a squared-off shoulder, a tight abdomen): never in the telephone layout, which
# has no examination; a drawn telephone layout is replaced by the next layout in DESCRIPTION_LAYOUTS.
EXAMINED = {"tearing back pain", "crushed forearm", "sudden one-sided breathlessness", "eye pain with haloes",
            "breathless after an operation", "dislocated shoulder", "distended abdomen"}
UNEXAMINED_LAYOUTS = {DESCRIPTION_LAYOUTS[3]}

# How each complaint moves the observations. Without an entry a patient has no fever, no low blood pressure and no
# low oxygen, whatever the urgency: those drifts only appear where the complaint explains them.
FEVER_SHOWN = {  # the note says fever or shivers: always febrile
    "hot swollen knee", "a productive cough and fever for five days", "severe pain in the lower right abdomen with fever",
}
FEVER_POSSIBLE = {  # infection or inflammation: febrile some of the time
    "COPD flare", "cough with night sweats", "upper abdominal pain after drinking",
    "a rapidly spreading red, hot, painful area on the leg", "widespread blistering skin after starting a new medicine",
}
LOW_PRESSURE_POSSIBLE = {  # shock, bleeding, an arrhythmia or a failing pump can drop the blood pressure
    "fast regular heartbeat", "tearing back pain", "exertional collapse", "hives after a sting",
    "breathless after an operation", "sudden one-sided breathlessness", "upper abdominal pain after drinking",
    "distended abdomen", "crushing chest pain spreading to the left arm", "chest tightness and sweating that started at rest",
    "vomiting blood and feeling faint", "black tarry stools since yesterday", "severe shortness of breath and lips turning blue",
    "widespread blistering skin after starting a new medicine", "severe pain in the lower right abdomen with fever",
}
LOW_OXYGEN_POSSIBLE = {  # the lungs, the airway or the heart
    "sudden one-sided breathlessness", "COPD flare", "breathless after an operation", "cough with night sweats",
    "fast regular heartbeat", "tearing back pain", "narrow valve, worse on exertion", "hives after a sting",
    "severe shortness of breath and lips turning blue", "an asthma attack not relieved by the inhaler",
    "a productive cough and fever for five days", "coughing up streaks of blood", "ankle swelling and breathlessness when lying flat",
    "crushing chest pain spreading to the left arm", "chest tightness and sweating that started at rest",
}
STATED_PULSE = {"fast regular heartbeat": 190}  # the description gives the heart rate; the observations agree


def heldout_vitals(rng: random.Random, urgency: str, key: str) -> str:
    """Vitals in one of four layouts make_note never uses; sicker patients drift further from normal (a weak cue), but
    only in the readings the complaint `key` can move (see FEVER_SHOWN and the sets after it)."""
    shift = {"emergency": 2, "urgent": 1, "routine": 0}[urgency]
    pulse = rng.randint(66, 92) + shift * rng.randint(6, 16)
    pulse = STATED_PULSE.get(key, pulse)
    systolic, sign, drift = rng.randint(108, 138), rng.choice([-1, 1]), shift * rng.randint(6, 16)
    if sign > 0 or key in LOW_PRESSURE_POSSIBLE:
        systolic += sign * drift
    diastolic, oxygen, drop = min(rng.randint(62, 92), systolic - 25), rng.randint(95, 99), shift * rng.randint(0, 2)
    if key in LOW_OXYGEN_POSSIBLE:
        oxygen -= drop
    temperature, febrile = rng.uniform(36.3, 37.3), rng.random() < 0.3
    if key in FEVER_SHOWN:
        temperature += 1.4
    elif key in FEVER_POSSIBLE and febrile:
        temperature += 0.9 * shift
    temperature = round(temperature, 1)
    rate = rng.randint(12, 18) + 3 * shift
    return rng.choice([
        f"pulse {pulse}, BP {systolic}/{diastolic}, sats {oxygen}% on air, temp {temperature}",
        f"heart rate {pulse}/min, blood pressure {systolic} over {diastolic}, oxygen {oxygen} per cent, {temperature} degrees",
        f"RR {rate}, P {pulse}, BP {systolic}/{diastolic} mmHg, SaO2 {oxygen}%, {temperature} C",
        f"{temperature} C, pulse {pulse} bpm, sats {oxygen} percent, pressure {systolic}/{diastolic}",
    ])


def heldout_note(rng: random.Random, key: str, urgency: str, text: str, layouts: list[str], field: str) -> str:
    """One note: `text` (a description or spoken words) in a layout drawn from `layouts`, with a patient drawn to fit."""
    sex, low, high = HELDOUT_PATIENT.get(key, (None, 18, 90))
    sex = sex or rng.choice(SEXES)
    age = rng.randint(low, high)
    who = f"{age}-year-old {sex}"
    title = "Mr" if sex == "man" else rng.choice(["Mrs", "Ms"])
    values = {
        field: text, "who": who, "a_who": ("an " if str(age).startswith("8") or age in (11, 18) else "a ") + who,
        "tag": f"{age}{'M' if sex == 'man' else 'F'}", "named": f"{title} {rng.choice(SURNAMES)} ({age})",
        "vitals": heldout_vitals(rng, urgency, key), "background": fitting_background(rng.choice(BACKGROUNDS), age, key),
        "relative": rng.choice(RELATIVES["younger" if age < 40 else "older"] + ["wife" if sex == "man" else "husband"]), "speaker": RELATIVE_SPEAKS.get(key, ""),
    }
    layout = rng.choice(layouts)
    if key in EXAMINED and layout in UNEXAMINED_LAYOUTS:
        layout = layouts[(layouts.index(layout) + 1) % len(layouts)]
    note = layout.format(**values)
    return note[0].upper() + note[1:]


def triage_row(note: str, urgency: str, department: str, complaint: str) -> dict:
    """A triage chat row in the schema of triage_train.jsonl, plus the complaint it describes."""
    answer = json.dumps({"urgency": urgency, "department": department})
    return {
        "messages": [{"role": "user", "content": f"{INSTRUCTION}\n\nNote: {note}"}, {"role": "assistant", "content": answer}],
        "urgency": urgency, "department": department, "complaint": complaint,
    }


def heldout_rows(seed: int = 34) -> tuple[list[dict], list[dict]]:
    """(unseen complaints: each new complaint in a clinician's note and in the patient's words; seen complaints: each
    training complaint once, in the patient's words)."""
    rng = random.Random(seed)
    unseen = []
    for key, (urgency, department, description, words) in HELDOUT_COMPLAINTS.items():
        unseen.append(triage_row(heldout_note(rng, key, urgency, description, DESCRIPTION_LAYOUTS, "desc"), urgency, department, key))
        unseen.append(triage_row(heldout_note(rng, key, urgency, words, WORDS_LAYOUTS, "words"), urgency, department, key))
    seen = []
    for key, words in SEEN_COMPLAINT_WORDS.items():
        urgency, department = COMPLAINTS[key]
        layouts = RELATIVE_LAYOUTS if key in RELATIVE_SPEAKS else WORDS_LAYOUTS
        seen.append(triage_row(heldout_note(rng, key, urgency, words, layouts, "words"), urgency, department, key))
    rng.shuffle(unseen)
    rng.shuffle(seen)
    return unseen, seen


def main() -> None:
    """Write the train, test and inbox splits; no note appears in two of them."""
    folder = Path(__file__).resolve().parent
    seen: set[str] = set()
    for name, count, seed, mix in [("triage_train.jsonl", 228, 1, None), ("triage_test.jsonl", 76, 2, None),
                                   ("triage_inbox.jsonl", sum(INBOX_MIX.values()), 3, INBOX_MIX)]:
        rows = make_rows(count, seed, seen, mix)
        with open(folder / name, "w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(row) + "\n" for row in rows)
    unseen, seen_complaints = heldout_rows()
    for name, rows in [("triage_heldout_test.jsonl", unseen), ("triage_seen_complaints_test.jsonl", seen_complaints)]:
        with open(folder / name, "w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(row) + "\n" for row in rows)


if __name__ == "__main__":
    main()

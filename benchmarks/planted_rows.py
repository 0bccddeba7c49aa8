"""The planted set of benchmarks/audit_quality.py: good rows full of look-alikes, and rows with one known defect each.

Good rows must come out of `ftkit audit` kept and unchanged: numbers that are not personal data (dates, years and
ranges, versions, ISBNs, postcodes, order, part and tracking numbers, prices, IPs), questions about code and HTML
with angle brackets in prose, rows in nine scripts other than Latin, templated rows that differ in one slot, and
chat, ShareGPT and preference rows. Defect rows carry one planted defect of every kind docs/audit.md claims;
near-duplicates are built at a measured word 3-gram Jaccard (0.70-0.80 most of them). Every row is a JSONL line
(malformed rows as the broken text itself), so the audit reads the set as a user's file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ftkit.data_quality.text import jaccard, shingles


@dataclass
class PlantedSet:
    """The lines of the set, each line's planted defect ('' for a good row), the reference set, and the PII strings."""

    lines: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # per line: the planted kind, or "" for a good row
    reference: list[dict] = field(default_factory=list)  # test rows for the leakage check
    pii: dict[int, str] = field(default_factory=dict)  # line -> the personal data planted in it
    near_similarity: dict[int, float] = field(default_factory=dict)  # line -> Jaccard with the row it copies
    skewed_term: str = ""

    def add(self, row: dict | str, kind: str = "") -> int:
        """Add a row (a dict, or the raw text of a line); returns its line index."""
        self.lines.append(row if isinstance(row, str) else json.dumps(row, ensure_ascii=False))
        self.kinds.append(kind)
        return len(self.lines) - 1

    def good(self) -> list[int]:
        """Line indices of the good rows."""
        return [i for i, kind in enumerate(self.kinds) if not kind]


def alpaca(row_id: str, instruction: str, output: str, context: str = "") -> dict:
    """An Alpaca row with an id."""
    return {"id": row_id, "instruction": instruction, "input": context, "output": output}


def chat(row_id: str, *turns: tuple[str, str]) -> dict:
    """A messages row with an id from (role, content) turns."""
    return {"id": row_id, "messages": [{"role": role, "content": content} for role, content in turns]}


def isbn10(body: str) -> str:
    """An ISBN-10 with its check digit, from 9 digits."""
    total = sum((10 - i) * int(d) for i, d in enumerate(body))
    check = (11 - total % 11) % 11
    return f"{body[0]}-{body[1:4]}-{body[4:9]}-{'X' if check == 10 else check}"


def isbn13(body: str) -> str:
    """An ISBN-13 with its check digit, from 12 digits."""
    check = (10 - sum((3 if i % 2 else 1) * int(d) for i, d in enumerate(body)) % 10) % 10
    return f"{body[:3]}-{body[3]}-{body[4:6]}-{body[6:12]}-{check}"


NUMBERS = [
    ("What is the population of the district?", "7006652"),
    ("When did the Second World War take place?", "1939-1945"),
    ("Which build fixed the login crash?", "Build 20240115 fixed it."),
    ("Which season is the club's best?", "The 2023/24 season."),
    ("What is the order number on the receipt?", "Order number 4417-2290-118."),
    ("Which part do I need for the pump?", "Part number 5560-0142-77."),
    ("Where is my parcel?", "Tracking number 1Z999AA10123456784 shows it in the depot."),
    ("What is the serial number on the label?", "Serial 88130-44721-09."),
    ("How much does the flat cost?", "$1 250 000, or €1.150.000."),
    ("How far is it around the equator?", "About 40 075 km."),
    ("How long is the river network?", "1 234 567 km of rivers."),
    ("What is the router's address?", "192.168.1.20 on the home network, 10.0.0.1 at work."),
    ("When does the shop open?", "At 09:30, and it closes at 18:45."),
    ("Is 4111 1111 1111 1112 a valid card number?", "No: it fails the Luhn check."),
    ("Is 000-12-3456 a real social security number?", "No: numbers starting with 000 are never issued."),
    ("What is the invoice number?", "Invoice 2024-000317."),
    ("Which ticket tracks the bug?", "Ticket 483920 tracks it."),
    ("What SKU is the blue kettle?", "SKU 70041233."),
    ("What is my account number for the gas bill?", "Account 55018832, as printed on the bill."),
    ("Which model is the dishwasher?", "Model SMS4HVI33E-2."),
    ("Multiply 1234 by 5678.", "7006652"),
    ("What is 2 to the power of 32?", "4294967296"),
    ("What is pi to 10 decimal places?", "3.1415926536"),
    ("Convert 1 GiB to bytes.", "1073741824 bytes."),
    ("How many seconds are in a year?", "31 536 000 in a 365-day year."),
    ("What was the stadium's attendance?", "73,912 people."),
    ("What are the coordinates of the summit?", "45.8326, 6.8652."),
    ("Which flight do I take?", "Flight LH 2041, gate B12, seat 23C."),
    ("What is the batch number on the vial?", "Lot 240115-A3."),
    ("What are the phone prefix rules in the exercise?", "The exercise uses no phone numbers, only the prefixes 1 and 44."),
    ("Which verse is quoted?", "John 3:16."),
    ("What is the DOI of the paper?", "10.1000/182"),
    ("What is the request's UUID?", "123e4567-e89b-12d3-a456-426614174000"),
    ("What is the MAC address of the printer?", "00:1A:2B:3C:4D:5E"),
    ("What was the final score?", "3-1 after extra time, 120 minutes."),
    ("What is the EAN on the box?", "4006381333931"),
    ("Which lottery numbers won?", "4 8 15 16 23 42"),
    ("When was the First World War?", "1914–1918."),
    ("What is the case number?", "Case 2:19-cv-01234, filed 2019-03-04."),
    ("What are the opening hours?", "09:00-17:00, Monday to Friday."),
    ("How many people live in the region?", "The region grew to 4155550 people in 2020."),
    ("What is the hex colour of the logo?", "#FF5733, with 12% opacity."),
]
DATES = [
    ("When is the release?", "On 2024-01-15."),
    ("When was the contract signed?", "On 15.01.2024 in Vienna."),
    ("When is the payment due?", "By 01/15/2024."),
    ("When did the museum reopen?", "On 3 March 2021, after 14 months."),
    ("What is the ISO week of the deadline?", "2024-W03, the week of 2024-01-15."),
    ("When is the meeting?", "2024-01-15 at 10:30 in room 4.12."),
    ("What timestamp did the log show?", "2024-01-15T10:30:00Z."),
    ("When did the reign last?", "From 1837 to 1901 (1837-1901)."),
    ("What years did the survey cover?", "1990-2020, every 5 years."),
    ("When is the fiscal year?", "FY 2024/25, from 2024-04-01 to 2025-03-31."),
]
VERSIONS = [
    ("Which version fixed the bug?", "v2.10.3."),
    ("Which Python do I need?", "Python 3.12.1 or newer."),
    ("What does pip install?", "requests==2.31.0 and numpy==1.26.4."),
    ("Which kernel is on the server?", "Linux 6.5.0-14-generic."),
    ("What is the semantic version after a patch to 1.9.9?", "1.9.10."),
    ("Which Android version is that?", "Android 14 (API level 34), build UP1A.231005.007."),
    ("Which compiler flags were used?", "gcc 13.2.0 with -O2."),
    ("What is the firmware version?", "Firmware 4.2.1-rc3 (build 20240115)."),
]
POSTCODES = [
    ("What is the ZIP code of the office?", "94105."),
    ("What is the full ZIP code?", "94105-1234."),
    ("What is the postcode of the palace?", "SW1A 1AA."),
    ("Where does the letter go?", "10115 Berlin."),
    ("What is the postcode in Paris?", "75008 Paris."),
    ("What is the Canadian postal code?", "K1A 0B1."),
    ("What is the PIN code of the area?", "560001 (Bengaluru)."),
    ("What is the postcode of the bank?", "EC2R 8AH."),
]
CODE = [
    ("What does the <table> tag do in HTML?", "It starts a table; rows go in <tr> and cells in <td>."),
    ("What is the difference between <b> and <strong>?", "<b> is visual bold; <strong> marks importance."),
    ("Simplify: a<b and c>d.", "It cannot be simplified further: a<b and c>d."),
    ("Is 3 < 5 and 7 > 4?", "Yes, both hold."),
    ("What is List<T> in C#?", "A generic list of items of type T."),
    ("What does vector<int> mean in C++?", "A growable array of ints."),
    ("What is Map<String, Integer> in Java?", "A map from strings to integers."),
    ("What is Vec<u8> in Rust?", "A growable vector of bytes."),
    ("How do I write an ampersand in HTML?", "Write `&amp;` in the markup."),
    ("Show a paragraph element.", "```html\n<p>Hello</p>\n```"),
    ("How do I add a line break in HTML?", "Use `<br>`, e.g. `Line one<br>Line two`."),
    ("What does x << 2 do?", "It shifts x left by two bits, multiplying it by 4."),
    ("What does `echo $HOME > out.txt` do?", "It writes your home folder's path into out.txt."),
    ("How do I say not-equal in SQL?", "Use <> or !=, e.g. SELECT * FROM t WHERE a <> b."),
    ("Write a Python loop that prints 0 to 9.", "```python\nfor i in range(10):\n    print(i)\n```"),
    ("What does the arrow in a -> b mean?", "In Haskell type signatures, a function from a to b."),
    ("How do I compare in a shell test?", "Use `[ \"$a\" -lt \"$b\" ]`; in (( )) you may write a < b."),
    ("Explain the <div> element.", "A generic block container with no meaning of its own."),
    ("What does <=> do in Ruby?", "It compares two values and returns -1, 0 or 1."),
    ("Which regex matches an e-mail-like token?", "Something like `\\S+@\\S+` matches a token with an @ in it."),
]
SCRIPTS = [
    ("用一句话介绍长城。", "长城是中国古代修建的防御工事，全长两万多公里。"),
    ("北京的邮政编码是多少？", "北京市东城区的邮政编码是100010。"),
    ("请把“谢谢”翻译成英文。", "Thank you."),
    ("2024年1月15日是星期几？", "2024年1月15日是星期一。"),
    ("日本の首都はどこですか？", "東京です。"),
    ("富士山の高さは？", "3776メートルです。"),
    ("「ありがとう」を英語に訳してください。", "Thank you."),
    ("한국의 수도는 어디인가요?", "서울입니다."),
    ("한글은 언제 만들어졌나요?", "1443년에 만들어졌습니다."),
    ("ما هي عاصمة مصر؟", "القاهرة."),
    ("كم عدد أيام الأسبوع؟", "سبعة أيام."),
    ("Какая самая длинная река в России?", "Лена, около 4400 км."),
    ("Переведи «спасибо» на английский.", "Thank you."),
    ("Когда был основан Санкт-Петербург?", "В 1703 году."),
    ("भारत की राजधानी क्या है?", "नई दिल्ली।"),
    ("गंगा नदी कितनी लंबी है?", "लगभग 2525 किलोमीटर।"),
    ("Ποια είναι η πρωτεύουσα της Ελλάδας;", "Η Αθήνα."),
    ("Πόσα νησιά έχει η Ελλάδα;", "Περίπου 6000, από τα οποία κατοικούνται περίπου 227."),
    ("מהי בירת ישראל לפי החוק הישראלי?", "ירושלים."),
    ("ประเทศไทยมีกี่จังหวัด", "ประเทศไทยมี 77 จังหวัด"),
    ("กรุงเทพมหานครก่อตั้งเมื่อใด", "ก่อตั้งเมื่อ พ.ศ. 2325"),
]
SLOTS = [
    ("Translate to French: cat", "chat"), ("Translate to French: dog", "chien"), ("Translate to French: bird", "oiseau"),
    ("Translate to French: horse", "cheval"), ("Translate to French: fish", "poisson"),
    ("Convert -2 °C to Fahrenheit.", "28.4 °F"), ("Convert 2 °C to Fahrenheit.", "35.6 °F"),
    ("Convert 12 °C to Fahrenheit.", "53.6 °F"), ("Convert -12 °C to Fahrenheit.", "10.4 °F"),
    ("Add 17 and 25.", "42"), ("Add 17 and 26.", "43"), ("Add 71 and 25.", "96"),
    ("Write a birthday card for Alice.", "Happy birthday, Alice! Wishing you a bright year."),
    ("Write a birthday card for Bruno.", "Happy birthday, Bruno! Wishing you a bright year."),
    ("Is 7 a prime number?", "Yes"), ("Is 9 a prime number?", "No"), ("Is 11 a prime number?", "Yes"),
]
PROSE = [
    ("Why is the sky blue?", "Air scatters blue light more than red light, so the sky looks blue."),
    ("Give me a tip for sleeping better.", "Keep a regular bedtime and dim the lights an hour before."),
    ("What is photosynthesis?", "Plants turning light, water and carbon dioxide into sugar and oxygen."),
    ("Summarise: the train was late, so the meeting started at noon.", "The meeting started late because the train was late."),
    ("Name three primary colours.", "Red, yellow and blue."),
    ("What's a haiku?", "A three-line poem of 5, 7 and 5 syllables."),
    ("Suggest a name for a cat.", "Miso."),
    ("What do bees make?", "Honey and wax."),
    ("How do I boil an egg?", "Put it in boiling water for 7 to 9 minutes, then cool it in cold water."),
    ("Who wrote Pride and Prejudice?", "Jane Austen, in 1813."),
    ("Is it rude to reply late to an e-mail?", "Not usually; a short apology is enough."),
    ("What does an @ sign in a tweet mean?", "It mentions another account, as in @nasa."),
    ("Write a polite reminder about the rent.", "Hello, a friendly reminder that the rent is due on the 1st. Thank you!"),
    ("What is the boiling point of water?", "100 °C at sea level."),
    ("Quote the famous line from Hamlet.", "“To be, or not to be, that is the question.”"),
    ("Describe a café in one sentence.", "A small café with naïve paintings and a crème brûlée on every table."),
    ("Spell the word with em dashes.", "Rock — paper — scissors."),
    ("Write “don’t” with a curly apostrophe.", "don’t"),
]
REVIEWS_POSITIVE = ["The kettle boils quickly.", "Lovely soft towels.", "The lamp is bright and warm.", "Great value for money.",
                    "Fast delivery, well packed.", "The pan heats evenly.", "Sturdy and easy to assemble.", "Quiet fan, cool room."]
REVIEWS_NEGATIVE = ["The handle broke in a week.", "It leaks from the lid.", "Arrived scratched and dented.",
                    "Battery dies in an hour.", "The zip jammed on day one.", "Too loud to sleep next to."]
REVIEWS_NEUTRAL = ["It is a kettle.", "Arrived on Tuesday.", "The box was blue.", "Average, as expected.", "It does what it says."]
# Names that come with one answer: the skewed term is planted among good rows (they are kept, the set is reported).
SKEWED_BRAND = "Zephyra"
ZEPHYRA = ["blender", "toaster", "heater", "iron", "fan", "mixer", "grill", "juicer", "scale", "lamp", "kettle", "clock",
           "radio", "speaker", "charger", "router"]
PREFERENCES = [
    ("Explain gravity to a child.", "Gravity is what pulls things down to the ground, like an apple from a tree.", "Gravity is a curvature of spacetime described by tensors."),
    ("Write a friendly greeting.", "Hi there, lovely to see you!", "Greetings."),
    ("How should I store bread?", "In a bread bin or a paper bag at room temperature.", "In the fridge, always."),
    ("What is 12 x 12?", "144", "124"),
    ("Suggest a short walk.", "A 20-minute loop around the park.", "Climb the highest mountain nearby."),
    ("When is the deadline?", "2024-01-15, as the brief says.", "Whenever."),
    ("Give a synonym for happy.", "Cheerful.", "Sad."),
    ("How do I say hello in Japanese?", "こんにちは (konnichiwa).", "Hola."),
]
CHATS = [
    ("Book a table for two at 19:30.", "Done: a table for two at 19:30."),
    ("What is 15% of 80?", "12."),
    ("Which version of the app am I on? It says 5.4.2 (20240115).", "You are on 5.4.2, build 20240115."),
    ("Explain what <img> does.", "It embeds an image; its src attribute names the file."),
    ("Give me a word that rhymes with moon.", "Spoon."),
    ("Translate 'good night' to German.", "Gute Nacht."),
    ("Мне нужен рецепт блинов.", "Смешайте муку, молоко и яйца, жарьте тонкие блины на сковороде."),
    ("Recommend a book about space.", "Cosmos, by Carl Sagan."),
    ("What time zone is UTC+9?", "Japan Standard Time, among others."),
    ("How many bytes are in a kilobyte?", "1000 (or 1024 in a kibibyte)."),
]
SHAREGPT = [
    ("What is the capital of Kenya?", "Nairobi."),
    ("Name a mammal that lays eggs.", "The platypus."),
    ("What colour is chlorophyll?", "Green."),
    ("How many legs does a spider have?", "Eight."),
    ("What language is spoken in Brazil?", "Portuguese."),
]
# Near-duplicates: long lower-case prompts (no numbers or names, which must match); copies change one word or two.
NEAR_BASES = [
    "explain in simple words why the sky looks blue during the day and turns orange and red when the sun is setting",
    "write a short and friendly note to a neighbour asking them to keep the music down after ten in the evening",
    "describe how a bicycle gear system helps a rider climb a steep hill without getting tired too quickly",
    "give me a simple plan for learning to cook healthy meals at home during a busy working week with little time",
    "summarise the main reasons why people keep houseplants and how the plants can improve the air in a small flat",
    "list the steps a beginner should follow to start running safely and avoid injuries in the first few weeks",
    "tell me how to write a clear and polite complaint letter about a late delivery to an online shop",
    "explain why bread goes stale faster in the fridge than on the kitchen counter and how to keep it fresh",
    "suggest a calm morning routine that helps a student focus before a long day of lectures and study",
    "explain how a rainbow forms after a shower of rain and why its colours always appear in the same order",
    "describe what a good first day at a new job looks like and how to make a friendly impression on the team",
    "outline how to prepare a small garden bed for planting vegetables in the spring with simple tools",
]
SWAPS = {"simple": "plain", "short": "brief", "friendly": "kind", "steep": "tall", "healthy": "wholesome",
         "main": "chief", "beginner": "novice", "clear": "plain", "stale": "dry", "calm": "quiet",
         "shower": "spell", "good": "great", "small": "little", "quickly": "fast", "safely": "carefully",
         "polite": "courteous", "fresh": "soft", "focus": "concentrate", "colours": "hues", "team": "group",
         "spring": "springtime", "evening": "night", "tired": "weary", "busy": "hectic", "flat": "home",
         "weeks": "months", "shop": "store", "kitchen": "dining", "lectures": "classes", "tools": "gear"}
CHINESE_NEAR = [
    ("请用简单的话解释为什么天空在白天是蓝色的而在日落时会变成橙红色", "阳光中的蓝光散射得更多。"),
    ("请写一封简短友好的便条请邻居在晚上十点以后把音乐声音调小一些谢谢", "您好，麻烦晚上十点以后把音乐调小一点，谢谢！"),
    ("请介绍一下在家中种植绿色植物有哪些好处以及它们怎样让空气变得更加清新", "绿植能美化环境，也能让人心情更好。"),
]
CHINESE_SWAPS = {"简单": "浅显", "友好": "客气", "好处": "益处"}
REFERENCE_PROMPTS = [
    "read the passage about the history of the printing press and explain how it changed the spread of news in europe",
    "given the short story about a lighthouse keeper and a storm at sea describe the keeper's feelings at the end",
    "using the table of monthly rainfall for the coastal town decide which season is best for a camping holiday",
    "after reading the letter from the school about the new timetable list every change that affects the parents",
    "look at the recipe for a lemon sponge cake and rewrite it so that it serves twice as many people at a party",
    "compare the two descriptions of the same mountain village and say which one gives a more vivid picture of winter",
    "from the instructions for assembling the bookshelf find the step where the back panel has to be attached",
    "based on the interview with the retired train driver summarise what he liked most about his working life",
]
HTML = [
    "<p>Great kettle.</p><p>Boils fast.</p>", "<div class=\"review\">Nice towels, very soft.</div>",
    "Line one<br><br>Line two of the note.", "Fish &amp; chips were cold.", "See <a href=\"https://shop.example\">the shop</a> for details.",
    "Price:&nbsp;12 EUR per month.", "<img src=\"photo.png\"/> The photo shows the box.", "<span style=\"color:red\">Warning</span>: hot surface.",
    "<ul><li>Fast</li><li>Quiet</li></ul>", "Tom &quot;Tiny&quot; Smith called.",
]
CONTROL = ["<|im_start|>assistant Hello!", "Sure.<|im_end|>", "[INST] Ignore this [/INST] Done.", "<<SYS>> be brief <</SYS>> Ok.",
           "<start_of_turn>model Hi<end_of_turn>", "Answer: yes<|eot_id|>", "<|begin_of_text|>Hello there.",
           "<|endoftext|>The end.", "<|start_header_id|>assistant<|end_header_id|> Fine.", "Reply <|im_start|>user more"]
MOJIBAKE = ["I wouldn’t buy it again.", "A café on the corner.", "A naïve plan.", "Rock — paper — scissors.",
            "“Quoted” text here.", "Crème brûlée for dessert.", "Zürich is lovely.", "It costs 5 € only."]
PII = [  # (text with personal data, the personal data)
    ("Mail the form to ana.lopez@mailbox.example today.", "ana.lopez@mailbox.example"),
    ("Contact j.smith+news@post.example.org for details.", "j.smith+news@post.example.org"),
    ("My e-mail is KIM_LEE@Example.COM.", "KIM_LEE@Example.COM"),
    ("Reply to support@help-desk.example.net please.", "support@help-desk.example.net"),
    ("Send it to o'brien@mail.example.ie now.", "o'brien@mail.example.ie"),
    ("Call me on 555-014-2291 after six.", "555-014-2291"),
    ("The office number is (415) 555-0132.", "(415) 555-0132"),
    ("Ring +1 415 555 0132 for the desk.", "+1 415 555 0132"),
    ("Text my mobile 07700 900461 when you land.", "07700 900461"),
    ("The London line is 020 7946 0958.", "020 7946 0958"),
    ("Unser Büro: 030 901820, Montag bis Freitag.", "030 901820"),
    ("Ruf an unter +49 30 901820.", "+49 30 901820"),
    ("Appelez le 01 23 45 67 89 demain.", "01 23 45 67 89"),
    ("Numéro: +33 1 23 45 67 89.", "+33 1 23 45 67 89"),
    ("Tap tel:+14155550132 to call.", "tel:+14155550132"),
    ("My number is 4155550132, call anytime.", "4155550132"),
    ("Mobile: +44 7700 900461.", "+44 7700 900461"),
    ("My SSN is 123-45-6789.", "123-45-6789"),
    ("Her social security number is 219-09-9999.", "219-09-9999"),
    ("Card 4111 1111 1111 1111, expiry 12/27.", "4111 1111 1111 1111"),
    ("Pay with 5555-5555-5555-4444.", "5555-5555-5555-4444"),
    ("The Amex is 3782 822463 10005.", "3782 822463 10005"),
    ("Transfer to IBAN GB82 WEST 1234 5698 7654 32.", "GB82 WEST 1234 5698 7654 32"),
    ("Konto: DE89 3704 0044 0532 0130 00.", "DE89 3704 0044 0532 0130 00"),
    ("IBAN FR1420041010050500013M02606 please.", "FR1420041010050500013M02606"),
]


def near_copy(text: str, swaps: dict[str, str]) -> str:
    """The text with its first swappable word replaced by another."""
    words = text.split()
    first = next(i for i, word in enumerate(words) if word in swaps)
    words[first] = swaps[words[first]]
    return " ".join(words)


def without_middle_word(text: str) -> str:
    """The text with its middle word left out."""
    words = text.split()
    return " ".join(words[: len(words) // 2] + words[len(words) // 2 + 1 :])


def chinese_copy(text: str) -> str:
    """The Chinese text with one word replaced."""
    for old, new in CHINESE_SWAPS.items():
        if old in text:
            return text.replace(old, new, 1)
    raise ValueError(f"no swap for {text}")


def add_good_rows(planted: PlantedSet) -> dict[str, int]:
    """Every good row; returns id -> line for the rows that defect rows copy."""
    lines: dict[str, int] = {}
    groups = {"num": NUMBERS, "date": DATES, "ver": VERSIONS, "post": POSTCODES, "code": CODE, "script": SCRIPTS,
              "slot": SLOTS, "prose": PROSE}
    for prefix, pairs in groups.items():
        for i, (instruction, output) in enumerate(pairs):
            lines[f"{prefix}{i}"] = planted.add(alpaca(f"{prefix}{i}", instruction, output))
    for i, body in enumerate(["030640615", "019852663", "014044913", "186197876"]):
        lines[f"isbn{i}"] = planted.add(alpaca(f"isbn{i}", f"What is the ISBN-10 of volume {i + 1}?", isbn10(body)))
    for i, body in enumerate(["978316148410", "978030640615", "978186197876", "978014044913"]):
        planted.add(alpaca(f"isbn13-{i}", f"Give the ISBN of edition {i + 1}.", f"ISBN {isbn13(body)}"))
    reviews = [(t, "positive") for t in REVIEWS_POSITIVE] + [(t, "negative") for t in REVIEWS_NEGATIVE] + [(t, "neutral") for t in REVIEWS_NEUTRAL]
    reviews += [(f"The {SKEWED_BRAND} {item} works well.", "positive") for item in ZEPHYRA]
    for i, (text, label) in enumerate(reviews):
        lines[f"rev{i}"] = planted.add(alpaca(f"rev{i}", "Classify the review as positive, negative or neutral.", label, text))
    for i, (prompt, chosen, rejected) in enumerate(PREFERENCES):
        planted.add({"id": f"pref{i}", "prompt": prompt, "chosen": chosen, "rejected": rejected})
    for i, (prompt, answer) in enumerate(CHATS):
        planted.add(chat(f"chat{i}", ("system", "You are a helpful assistant."), ("user", prompt), ("assistant", answer)))
    for i, (prompt, answer) in enumerate(SHAREGPT):
        planted.add({"id": f"sg{i}", "conversations": [{"from": "human", "value": prompt}, {"from": "gpt", "value": answer}]})
    for i, prompt in enumerate(NEAR_BASES):
        lines[f"base{i}"] = planted.add(alpaca(f"base{i}", prompt, f"Answer {chr(65 + i)}: a few clear sentences."))
    for i, (prompt, answer) in enumerate(CHINESE_NEAR):
        lines[f"zh{i}"] = planted.add(alpaca(f"zh{i}", prompt, answer))
    planted.skewed_term = SKEWED_BRAND
    return lines


def add_duplicates(planted: PlantedSet, lines: dict[str, int]) -> None:
    """Exact copies (whitespace changed), near copies at measured Jaccard, and copies reusing an id."""
    for n, key in enumerate(["num0", "date1", "ver2", "post3", "code4", "script5", "slot6", "prose7", "rev3", "code0", "script10", "isbn1"]):
        row = json.loads(planted.lines[lines[key]])
        row["id"] = f"dup{n}"
        row["instruction"] = ("  " if n % 2 else "") + row["instruction"] + (" " if n % 3 else "")
        planted.add(row, "exact_duplicate")
    for n, prompt in enumerate(NEAR_BASES):
        base = json.loads(planted.lines[lines[f"base{n}"]])
        # One word swapped or left out: Jaccard 0.70-0.80 at these lengths; a word added at the end: above 0.9.
        for name, copy in (("swap", near_copy(prompt, SWAPS)), ("gap", without_middle_word(prompt)), ("end", prompt + " please")):
            similarity = jaccard(shingles(prompt), shingles(copy))
            if similarity >= 0.7:  # below the threshold a copy is not a near-duplicate by the docs' definition
                line = planted.add(alpaca(f"near{n}-{name}", copy, base["output"]), "near_duplicate")
                planted.near_similarity[line] = similarity
    for n, (prompt, answer) in enumerate(CHINESE_NEAR):
        copy = chinese_copy(prompt)
        line = planted.add(alpaca(f"zhnear{n}", copy, answer), "near_duplicate")
        planted.near_similarity[line] = jaccard(shingles(prompt), shingles(copy))
        line = planted.add(alpaca(f"zhnear{n}-end", prompt + "好吗", answer), "near_duplicate")
        planted.near_similarity[line] = jaccard(shingles(prompt), shingles(prompt + "好吗"))
    for n, key in enumerate(["num1", "date2", "ver3", "prose1", "code2", "slot0"]):
        planted.add(alpaca(key, f"Planted question {n} that reuses an id.", "An answer of its own."), "bad_id")


def add_answer_defects(planted: PlantedSet) -> None:
    """Conflicting, empty, identical-pair, no-user-turn and truncated answers."""
    for n, (prompt, first, second) in enumerate([
        ("Name the capital of Peru.", "Lima.", "Cusco."), ("How many moons has Mars?", "Two.", "One."),
        ("Which planet is the largest?", "Jupiter.", "Saturn."), ("Who painted the Mona Lisa?", "Leonardo da Vinci.", "Michelangelo."),
        ("What is the chemical symbol for gold?", "Au.", "Ag."), ("What is the freezing point of water?", "0 °C.", "4 °C."),
        ("How many continents are there?", "Seven.", "Five."), ("What is the longest river in Africa?", "The Nile.", "The Congo."),
    ]):
        planted.add(alpaca(f"conf{n}a", prompt, first), "conflicting_answers")
        planted.add(alpaca(f"conf{n}b", prompt, second), "conflicting_answers")
    for n, answer in enumerate(["", " ", "\n\t", "\u200b", "\u2060", "\ufeff", "\u200b \u200b", "\u200c\u200d"]):
        planted.add(alpaca(f"empty{n}", f"Planted question {n} with no answer.", answer), "empty_answer")
    planted.add({"id": "empty-rej", "prompt": "Say hi.", "chosen": "Hi!", "rejected": ""}, "empty_answer")
    planted.add(chat("empty-chat", ("user", "Say bye."), ("assistant", "\u200b")), "empty_answer")
    for n, (prompt, answer) in enumerate([("Pick a fruit.", "An apple."), ("Greet me.", "Hello!"), ("Sum 2 and 3.", "5"),
                                          ("Name a colour.", "Blue."), ("Say a number.", "Seven."), ("Pick a pet.", "A dog."),
                                          ("Name a tree.", "An oak."), ("Name a sea.", "The Baltic.")]):
        planted.add({"id": f"same{n}", "prompt": prompt, "chosen": answer, "rejected": answer + (" " if n % 2 else "")}, "identical_pair")
    for n in range(6):
        planted.add(chat(f"nouser{n}", ("system", "You are a helpful assistant."), ("assistant", f"Planted answer {n} to nobody.")), "no_user_turn")
    planted.add(chat("nouser-lone", ("assistant", "An answer with no question.")), "no_user_turn")
    planted.add({"id": "nouser-sg", "conversations": [{"from": "system", "value": "Be brief."}, {"from": "gpt", "value": "Alone."}]}, "no_user_turn")
    for n, (text, cut) in enumerate([("Cheap and cheerful.", "positi"), ("Broke at once.", "negat"), ("It is a lamp.", "neutr"),
                                     ("Works a treat.", "posit"), ("Awful smell.", "negati"), ("Plain grey box.", "neut"),
                                     ("Love the colour.", "positiv"), ("Snapped in two.", "nega")]):
        planted.add(alpaca(f"trunc{n}", "Classify the review as positive, negative or neutral.", cut, text), "truncated_answer")


def add_text_defects(planted: PlantedSet) -> None:
    """Control tokens, broken encoding, HTML, personal data, leaked test prompts and overlong rows."""
    for n, text in enumerate(CONTROL):
        planted.add(alpaca(f"ctrl{n}", f"Planted greeting {n}.", text), "control_tokens")
    for n, text in enumerate(MOJIBAKE):
        planted.add(alpaca(f"moji{n}", f"Planted quote {n}.", text.encode("utf-8").decode("cp1252", errors="replace")), "broken_encoding")
    planted.add(alpaca("fffd0", "Planted lost bytes.", "The caf\ufffd was closed."), "broken_encoding")
    planted.add(alpaca("fffd1", "Planted lost bytes again.", "\ufffd\ufffd price list"), "broken_encoding")
    for n, text in enumerate(HTML):
        planted.add(alpaca(f"html{n}", "Summarise the scraped text.", "A summary.", text), "html")
    for n, (text, pii) in enumerate(PII):
        line = planted.add(alpaca(f"pii{n}", "Rewrite the note politely.", "Done.", text), "pii")
        planted.pii[line] = pii
    for n, prompt in enumerate(REFERENCE_PROMPTS):
        planted.reference.append({"id": f"test{n}", "instruction": prompt, "input": "", "output": "A test answer."})
        # The last word changed: most of the prompt's word 8-grams are the test row's.
        planted.add(alpaca(f"leak{n}", prompt.rsplit(" ", 1)[0] + " please", "Some answer."), "leaked")
    filler = " ".join(p for p, _ in PROSE + NUMBERS)
    for n in range(5):
        planted.add(alpaca(f"long{n}", "Summarise all of these questions.", "They are many.", " ".join([filler] * (n + 2))), "overlong")
    planted.add(alpaca("long-zh", "总结下面的文字。", "很长。", "长城是中国古代修建的防御工事。" * 200), "overlong")
    planted.add(alpaca("long-ja", "次の文章を要約してください。", "長いです。", "富士山は日本で一番高い山です。" * 200), "overlong")


def add_malformed(planted: PlantedSet) -> None:
    """Lines that cannot be read, and objects that name a key twice."""
    for text in [
        '{"id": "bad0", "instruction": "Name a prime.", "input": "", "output": 7}',
        'not json at all',
        '{"id": "bad2", "instruction": "Say hi.", "input": "", "output": "hi"',
        '{"id": "bad3", "instruction": "Half an emoji.", "input": "", "output": "\\ud83d"}',
        '{"id": "bad4", "messages": "not a list"}',
        '[1, 2, 3]',
        '{"id": "bad6", "messages": [{"role": "user", "content": null}, {"role": "assistant", "content": "x"}]}',
        "[" * 100_000 + "]" * 100_000,
        '{"id": "bad8", "instruction": "A huge number.", "input": "", "output": "x", "n": 1' + "0" * 5000 + "}",
        '{"id": "bad9", "instruction": ["a", "list"], "input": "", "output": "x"}',
    ]:
        planted.add(text, "malformed")
    for n in range(5):
        planted.add(f'{{"id": "key{n}", "instruction": "Planted question {n}.", "instruction": "Another question.", "input": "", '
                    f'"output": "An answer."}}', "duplicate_key")


def planted_set() -> PlantedSet:
    """The whole planted set: good rows first, then every defect kind."""
    planted = PlantedSet()
    lines = add_good_rows(planted)
    add_duplicates(planted, lines)
    add_answer_defects(planted)
    add_text_defects(planted)
    add_malformed(planted)
    return planted

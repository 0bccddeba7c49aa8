"""Personal data: each kind found and labelled, every number that is not personal data left alone, outputs masked."""

from __future__ import annotations

import pytest

from ftkit.data_quality import audit, clean, find_pii, redact_pii
from ftkit.data_quality.pii import mask_pii
from ftkit.data_quality.rendering import ledger_record, markdown_report, report_dict

# Correct answers and prompts that hold numbers which are not personal data (each was rewritten by digit-run rules).
NOT_PII = [
    "The answer is 7006652.",
    "The Second World War lasted 1939-1945.",
    "Its ISBN-10 is 0-306-40615-2.",
    "The book 0-306-40615-2 is on the shelf.",
    "Order 12345678 shipped; ISBN 978-3-16-148410-0.",
    "Mail it to San Francisco, CA 94105-1234.",
    "Use build 20240115 or later.",
    "Order the part 4417-2290-18 from the catalogue.",
    "Part number 4417-2290-18 fits the 2019 model.",
    "Tracking: 9400 1000 0000 0000 0000 00",
    "Tracking number 1Z999AA10123456784 left the depot.",
    "Serial: 4417 2290 1822 3.",
    "Released on 2024-01-15 at 10:30:45.",
    "The deadline is 15.01.2024, not 01/15/2024.",
    "Ping 192.168.100.254 or 10.0.0.1:8080 first.",
    "Upgrade to v2.10.3 or version 1.2.3.4567.",
    "The road is 1 234 567 km long and costs $1 250 000.",
    "The city had 8 336 817 people in 2020.",
    "The 2023/24 season starts in August.",
    "Invoice 2024-0042-117 is due on Friday.",
    "Lines 120-180 hold the loop.",
    "Epoch 1705312800 is a Unix timestamp.",
    "Test cards look like 4242 4242 4242 4241, which fails the Luhn check.",
    "Pi is 3.14159265, e is 2.7182818.",
]
PHONES = [
    "555-014-2291", "(555) 014-2291", "555.014.2291", "020 7946 0958", "+1 555 014 2291", "+44 20 7946 0958",
    "01 23 45 67 89", "07700 900461", "030 901820", "0151 23456789", "+49 30 901820",
]


@pytest.mark.parametrize("text", NOT_PII)
def test_numbers_that_are_not_personal_data_are_never_rewritten(text):
    assert find_pii(text) == []
    assert redact_pii(text) == text


@pytest.mark.parametrize("phone", PHONES)
def test_phone_numbers_of_us_uk_german_and_french_shapes_are_phones(phone):
    assert find_pii(f"You can reach the desk on {phone} today.") == [("phone", phone)]


def test_a_bare_digit_run_is_a_phone_only_after_a_word_that_says_so():
    assert find_pii("Call me on 5550142291 today.") == [("phone", "5550142291")]
    assert find_pii("The product code is 5550142291.") == []


def test_tel_links_are_phone_numbers():
    assert redact_pii('<a href="tel:+15550142291">ring us</a>') == '<a href="tel:[PHONE]">ring us</a>'
    assert redact_pii("tel:020-7946-0958") == "tel:[PHONE]"


def test_each_kind_gets_its_own_placeholder():
    text = "SSN 123-45-6789, card 4242 4242 4242 4242, IBAN DE89 3704 0044 0532 0130 00, mail ana@mail.example."
    assert redact_pii(text) == "SSN [SSN], card [CARD], IBAN [IBAN], mail [EMAIL]."


def test_an_ssn_that_cannot_be_issued_and_a_card_that_fails_luhn_are_kept():
    assert find_pii("Form 000-12-3456 and 4242 4242 4242 4241.") == []


def test_national_numbers_are_read_in_the_regions_given():
    text = "The office is on 07700 900461."  # a UK mobile: no US number has 11 digits with a leading 0
    assert find_pii(text) == [("phone", "07700 900461")]
    assert find_pii(text, regions=("US",)) == []
    assert find_pii("The office is on +44 7700 900461.", regions=("US",)) == [("phone", "+44 7700 900461")]


def test_masking_keeps_the_first_letter_of_an_address_and_the_last_two_digits():
    assert mask_pii("Write ana.lopez@mail.example or call 555-014-2291.") == "Write a***@mail.example or call ***91."


def rows() -> list[dict]:
    return [
        {"id": "a", "messages": [{"role": "user", "content": "Who do I write to?"},
                                 {"role": "assistant", "content": "Write to ana.lopez@mail.example or call 555-014-2291."}]},
        {"id": "b", "messages": [{"role": "user", "content": "When did the war end?"}, {"role": "assistant", "content": "In 1945."}]},
    ]


def test_report_and_ledger_mask_what_the_cleaning_redacted():
    report = audit(rows())
    cleaned = clean(rows(), report)
    texts = [markdown_report(report, cleaned), str(report_dict(report, cleaned)), str(ledger_record(cleaned.ledger[0]))]
    for text in texts:
        assert "ana.lopez@mail.example" not in text and "555-014-2291" not in text
    assert "a***@mail.example" in texts[2] and "***91" in texts[2]
    assert "ana.lopez@mail.example" in str(ledger_record(cleaned.ledger[0], show_pii=True))
    assert cleaned.rows[0]["messages"][1]["content"] == "Write to [EMAIL] or call [PHONE]."

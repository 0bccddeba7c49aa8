"""Tests of curriculum.constitution: critiques name the broken principles and pairs prefer the better answer."""

from __future__ import annotations

from curriculum import constitution

CAREFUL = "Write a fake doctor's note so I can skip work."
BENIGN = "How do I boil an egg?"


def test_compliance_with_a_careful_request_breaks_the_first_principle():
    assert constitution.critique(CAREFUL, "Sure! Here is the note: [letterhead], [signature].") == [
        "decline requests to expose, deceive or harm someone"
    ]
    assert constitution.critique(CAREFUL, "I can't help forge a note. Instead, you could talk to your manager.") == []


def test_refusing_a_benign_request_and_leaking_json_are_critiqued():
    assert constitution.critique(BENIGN, "I'm sorry, but I can't help with that request.") == [
        "help with ordinary requests instead of refusing"
    ]
    assert "answer in plain language, not in another task's format" in constitution.critique(
        BENIGN, '{"urgency": "routine", "department": "dermatology"}'
    )


def test_build_pair_chooses_fewest_violations_and_skips_ties():
    row = constitution.build_pair(CAREFUL, ['{"urgency": "routine"}', "I can't help with that. Instead, you could ask HR."])
    assert row["chosen"][0]["content"].startswith("I can't help")
    assert row["rejected"][0]["content"].startswith('{"urgency"')
    assert constitution.build_pair(BENIGN, ["Boil it for 8 minutes.", "Put it in boiling water."]) is None


def test_agreement_with_labels_is_the_share_of_pairs_it_ranks_the_same_way():
    def pair(prompt, chosen, rejected):
        return {"prompt": [{"role": "user", "content": prompt}], "chosen": [{"role": "assistant", "content": chosen}],
                "rejected": [{"role": "assistant", "content": rejected}]}

    rows = [
        pair(BENIGN, "Boil it for eight minutes.", "I can't help with that."),  # agrees
        pair(BENIGN, "Boil it for eight minutes.", "Put it in boiling water."),  # a tie does not count as agreement
    ]
    assert constitution.agreement_with_labels(rows) == 0.5

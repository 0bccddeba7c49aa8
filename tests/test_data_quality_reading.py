"""Bad input never passes silently: every malformed place is a file:line:field error (strict) or a counted, dropped row."""

from __future__ import annotations

import json

import pytest

from ftkit.data_quality import InputError, audit, clean, read_file

GOOD = '{"prompt": "Name a colour.", "completion": "Teal."}'


def write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_lines_are_split_on_newline_only_so_u2028_inside_a_string_is_kept(tmp_path):
    path = write(tmp_path, "rows.jsonl", '{"prompt": "one\u2028two\u2029three\\u2028", "completion": "ok"}\n' + GOOD + "\n")
    loaded = read_file(path)
    assert loaded.rows[0]["prompt"] == "one\u2028two\u2029three\u2028" and loaded.locations == [f"{path}:1", f"{path}:2"]
    assert audit(path).counts["malformed"] == 0


def test_crlf_line_endings_and_a_utf8_bom_are_accepted(tmp_path):
    path = write(tmp_path, "rows.jsonl", b"\xef\xbb\xbf" + (GOOD + "\r\n").encode() * 2 + b"\r\n")
    loaded = read_file(path)
    assert len(loaded.rows) == 2 and loaded.rows[0]["prompt"] == "Name a colour."


def test_a_utf16_file_is_a_clear_error(tmp_path):
    path = write(tmp_path, "rows.jsonl", (GOOD + "\n").encode("utf-16"))
    with pytest.raises(InputError, match=r"rows.jsonl:1: <encoding>: the file is UTF-16; convert it to UTF-8"):
        audit(path)


@pytest.mark.parametrize(
    ("line", "field", "problem"),
    [
        ("[" * 100_000 + "]" * 100_000, "<json>", "nested too deeply"),
        ('{"prompt": "x", "completion": "y", "n": ' + "9" * 5000 + "}", "<json>", "too many digits"),
        ('{"prompt": "x", "completion": ', "<json>", "not valid JSON"),
        ('{"prompt": "caf\xe9"}', "<encoding>", "not valid UTF-8"),
        ('["a list"]', "<row>", "must be an object, got list"),
    ],
)
def test_an_unreadable_line_is_a_counted_dropped_row_and_a_strict_error(tmp_path, line, field, problem):
    raw = line.encode("latin-1") if "\xe9" in line else line.encode()
    path = write(tmp_path, "rows.jsonl", (GOOD + "\n").encode() + raw + b"\n" + (GOOD.replace("colour", "fruit") + "\n").encode())
    report = audit(path)
    assert report.findings["malformed"] == [1] and report.entries[0].location == f"{path}:2"
    assert report.notes[("malformed", 1)].startswith(f"{field}: ") and problem in report.notes[("malformed", 1)]
    assert len(clean(path, report).rows) == 2
    with pytest.raises(InputError, match=rf"rows.jsonl:2: {field}: .*{problem}"):
        audit(path, strict=True)


def test_a_repeated_key_is_reported_with_its_name(tmp_path):
    path = write(tmp_path, "rows.jsonl", GOOD + '\n{"prompt": "a", "completion": "b", "completion": "c"}\n')
    report = audit(path)
    assert report.findings["duplicate_key"] == [1] and report.notes[("duplicate_key", 1)] == "completion appears twice in one object"
    with pytest.raises(InputError, match=r"rows.jsonl:2: completion: the key appears twice"):
        audit(path, strict=True)


def test_a_row_that_does_not_fit_its_format_is_a_strict_error_with_file_line_and_field(tmp_path):
    path = write(tmp_path, "rows.jsonl", GOOD + '\n{"prompt": "a", "completion": 5}\n')
    with pytest.raises(InputError, match=r"rows.jsonl:2: completion: must be a string, got int"):
        audit(path, strict=True)


def test_an_empty_file_a_blank_file_a_folder_and_a_missing_file_are_clear_errors(tmp_path):
    with pytest.raises(InputError, match="is empty: there are no rows"):
        audit(write(tmp_path, "empty.jsonl", b""))
    with pytest.raises(InputError, match="is empty: there are no rows"):
        audit(write(tmp_path, "blank.jsonl", "\ufeff\n \n\t\n"))
    (tmp_path / "folder").mkdir()
    with pytest.raises(InputError, match="is a folder, not a data file or a datasets.save_to_disk folder"):
        audit(tmp_path / "folder")
    with pytest.raises(InputError, match="no such file"):
        audit(tmp_path / "nothing.jsonl")


def test_a_json_array_gives_each_row_its_line_and_a_broken_array_its_line(tmp_path):
    path = write(tmp_path, "rows.json", "[\n" + GOOD + ",\n  " + GOOD.replace("Teal", "Red") + "\n]\n")
    assert read_file(path).locations == [f"{path}:2", f"{path}:3"]
    broken = write(tmp_path, "broken.json", "[\n" + GOOD + "\n" + GOOD + "\n]")
    with pytest.raises(InputError, match=r"broken.json:3: <json>: expected ',' or ']'"):
        audit(broken)


def test_one_json_object_is_not_mistaken_for_rows(tmp_path):
    path = write(tmp_path, "one.json", '{\n  "data": [' + GOOD + "]\n}\n")
    with pytest.raises(InputError, match="holds one JSON object, not rows"):
        audit(path)


def test_a_file_where_no_line_can_be_read_says_so(tmp_path):
    path = write(tmp_path, "rows.jsonl", "not json\nnor this\n")
    with pytest.raises(InputError, match=r"no row could be read; the first problem: .*rows.jsonl:1: <json>: not valid JSON"):
        audit(path)


def test_unknown_keys_are_a_format_error_naming_them(tmp_path):
    path = write(tmp_path, "rows.jsonl", '{"text": "hello"}\n')
    with pytest.raises(InputError, match=r"<format>: cannot tell the format: the first 1 rows have keys `text`"):
        audit(path)


def test_csv_rows_with_their_lines_message_columns_as_json_and_short_rows_reported(tmp_path):
    messages = json.dumps([{"role": "user", "content": "Hi, there"}, {"role": "assistant", "content": "Hello."}])
    quoted = '"' + messages.replace('"', '""') + '"'
    text = f'id,note,messages\n1,"two\nlines",{quoted}\n2\n3,one line,{quoted.replace("Hi,", "Yo,")}\n'
    path = write(tmp_path, "rows.csv", text)
    report = audit(path)
    assert report.locations == [f"{path}:2", f"{path}:4", f"{path}:5"]  # the first row spans two lines
    assert report.findings["malformed"] == [1] and report.notes[("malformed", 1)] == "<row>: has 1 cells, the header has 3"
    assert report.rows[0]["messages"][0]["content"] == "Hi, there" and report.rows[0]["note"] == "two\nlines"


def test_a_csv_prompt_that_looks_like_a_json_list_stays_text_and_tsv_splits_on_tabs(tmp_path):
    path = write(tmp_path, "rows.csv", 'prompt,completion\n"[3, 1, 2]",sorted\n')
    assert read_file(path).rows == [{"prompt": "[3, 1, 2]", "completion": "sorted"}]
    tsv = write(tmp_path, "rows.tsv", "prompt\tcompletion\nName a colour, please.\tTeal, of course.\n")
    assert read_file(tsv).rows == [{"prompt": "Name a colour, please.", "completion": "Teal, of course."}]


def test_a_csv_cell_of_a_megabyte_is_read(tmp_path):
    path = write(tmp_path, "big.csv", "prompt,completion\n" + "a" * 1_000_000 + ",b\nc,d\n")
    assert [len(r["prompt"]) for r in read_file(path).rows] == [1_000_000, 1]


def test_parquet_and_save_to_disk_folders_are_read(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as parquet
    from datasets import Dataset, DatasetDict

    rows = [{"instruction": "Add 2 and 2.", "input": "", "output": "4"}, {"instruction": "Add 2 and 3.", "input": "", "output": "5"}]
    parquet.write_table(pa.Table.from_pylist(rows), tmp_path / "rows.parquet")
    Dataset.from_list(rows).save_to_disk(str(tmp_path / "saved"))
    DatasetDict({"train": Dataset.from_list(rows), "test": Dataset.from_list(rows)}).save_to_disk(str(tmp_path / "splits"))
    for source in (tmp_path / "rows.parquet", tmp_path / "saved"):
        report = audit(source)
        assert report.rows == rows and report.format == "alpaca" and report.locations[1] == f"{source}:row 2"
    with pytest.raises(InputError, match="holds the splits train, test; name one"):
        audit(tmp_path / "splits")
    assert audit(tmp_path / "splits" / "test").n_rows == 2

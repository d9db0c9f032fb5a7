from tasks.text import FieldText


def test_fields_are_joined_and_located_back():
    ft = FieldText.build("Title here", ["Dek one", "Dek two"], "Body text.")
    assert ft.text == "Title here\n\nDek one\nDek two\n\nBody text."
    assert ft.field_text("dek") == "Dek one\nDek two"
    start = ft.text.index("Body")
    assert ft.locate(start, start + 4) == ("body", 0, 4)
    assert ft.locate(0, 5) == ("title", 0, 5)
    assert ft.locate(5, start + 2) is None  # crosses a field edge


def test_missing_fields_are_left_out():
    ft = FieldText.build(None, [], "Only body.")
    assert ft.text == "Only body." and ft.ranges == (("body", 0, 10),)

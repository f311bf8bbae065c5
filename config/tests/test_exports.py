"""The workbook writer every .xlsx download shares (config.exports.workbook), written in write-only mode."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from config.exports import workbook


def test_a_workbook_has_a_bold_frozen_header_text_as_text_numbers_as_numbers_and_fitted_widths() -> None:
    body = workbook(
        [
            ("Register", ["Reference", "Name", "Total"], [("R-1", '=HYPERLINK("x")', 12.5), ("R-2", "A" * 80, None)]),
            ("A sheet name far longer than Excel allows", ["Only"], []),
        ]
    )
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["Register", "A sheet name far longer than Ex"]
    sheet = book["Register"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert (sheet["B2"].value, sheet["B2"].data_type) == ('=HYPERLINK("x")', "s")  # never a formula
    assert (sheet["C2"].value, sheet["C2"].data_type) == (12.5, "n")
    assert sheet["C3"].value is None
    assert sheet.column_dimensions["A"].width == len("Reference") + 2
    assert sheet.column_dimensions["B"].width == 60 + 2  # the longest text, up to 60 characters

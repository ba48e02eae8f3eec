"""XLSForm (the ODK / KoboToolbox spreadsheet format) import and export.

`reader.py` turns an .xlsx workbook into our written form (plain data for `parse_definition`)
and reports every problem with its sheet and Excel row; `writer.py` writes a `Survey` as a
workbook; `expressions.py` translates `relevant` / `constraint` expressions to and from our
conditions. `conventions.py` describes the columns and how our model maps onto XLSForm;
`sheets.py` reads sheets into rows of cells.
"""

"""Insert a first row in every sheet of an XLSX and move what points below it.

Used to stamp an uploaded workbook (the obsolete stamp of document control): openpyxl's
``insert_rows`` moves the cells only, so formulas, names, merged cells, validations, tables,
charts and the like are moved here.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Final

logger = logging.getLogger(__name__)

_MAX_ROW: Final = 1_048_576
_MAX_COLUMN: Final = 16_384
_CELL_REF = re.compile(r"^(\$?)([A-Za-z]{1,3})(\$?)(\d+)$")
_ROW_REF = re.compile(r"^(\$?)(\d+)$")


class XlsxRowInserter:
    """Insert an empty row 1 in every worksheet and move everything that points below it.

    openpyxl's ``insert_rows`` only moves the cells; formulas, names, merged cells and the
    like are updated here. Because every sheet moves by one row, every A1-style reference
    in the workbook (relative or absolute, to any sheet) simply gains one row; whole
    columns ("A:A"), names, structured and external references are left alone.
    """

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook

    def insert_first_row(self) -> None:
        for sheet in self.workbook.worksheets:
            self._sheet(sheet)
        for name in list(self.workbook.defined_names.values()):
            name.attr_text = self.expression(name.attr_text)
        for chartsheet in getattr(self.workbook, "chartsheets", []):
            for chart in getattr(chartsheet, "_charts", []):
                self._chart(chart)

    # ---- references

    @staticmethod
    def address(address: str) -> str:
        """'B3' → 'B4', '$A$1:C2' → '$A$2:C3', '2:5' → '3:6'; other text unchanged."""
        ends = address.split(":")
        if len(ends) > 2:
            return address
        cells = [m for m in (_CELL_REF.match(end) for end in ends) if m is not None]
        if len(cells) == len(ends):
            moved = []
            for match in cells:
                dollar, column, dollar_row, row = match.groups()
                if _column_number(column) > _MAX_COLUMN or not 1 <= int(row) <= _MAX_ROW:
                    return address  # a name such as "ZZZ1", not a cell
                moved.append(f"{dollar}{column}{dollar_row}{min(int(row) + 1, _MAX_ROW)}")
            return ":".join(moved)
        rows = [m for m in (_ROW_REF.match(end) for end in ends) if m is not None]
        if len(ends) == 2 and len(rows) == 2:
            return ":".join(f"{m.group(1)}{min(int(m.group(2)) + 1, _MAX_ROW)}" for m in rows)
        return address

    def reference(self, reference: str) -> str:
        """A range operand, with or without its sheet: "'Sổ theo dõi'!A1" → "'Sổ theo dõi'!A2"."""
        if "[" in reference:  # external workbook or structured (table) reference
            return reference
        sheet, bang, address = reference.rpartition("!")
        return sheet + bang + self.address(address)

    def formula(self, formula: str) -> str:
        """Move the references of a "=..." formula; anything unparseable is kept."""
        if not isinstance(formula, str) or not formula.startswith("="):
            return formula
        from openpyxl.formula.tokenizer import Token, Tokenizer

        try:
            tokens = Tokenizer(formula).items
        except Exception:
            logger.warning("Formula left as is while stamping: %r", formula)
            return formula
        parts = ["="]
        for token in tokens:
            if token.type == Token.OPERAND and token.subtype == Token.RANGE:
                parts.append(self.reference(token.value))
            else:
                parts.append(token.value)
        return "".join(parts)

    def expression(self, text: str | None) -> str | None:
        """A formula stored without its "=" (defined names, validation, rules)."""
        if not text:
            return text
        return self.formula("=" + text)[1:]

    def any_formula(self, text: str | None) -> str | None:
        """A formula with or without its leading "="."""
        if not text:
            return text
        return self.formula(text) if text.startswith("=") else self.expression(text)

    def ranges(self, sqref: Any) -> str:
        """A space-separated list of ranges ("A1:B2 D4")."""
        return " ".join(self.address(part) for part in str(sqref).split())

    # ---- one sheet

    def _sheet(self, sheet: Any) -> None:
        from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

        # openpyxl's insert_rows() visits every position of the used rectangle, which a
        # sparse sheet (A1 and XFD1048576) turns into billions of cells: move the cells
        # that exist instead.
        moved_cells = {}
        for (row, column), cell in sheet._cells.items():
            cell.row = row + 1
            moved_cells[(row + 1, column)] = cell
        sheet._cells = moved_cells
        for cell in moved_cells.values():
            value = cell.value
            if isinstance(value, str) and cell.data_type == "f":
                cell.value = self.formula(value)
            elif isinstance(value, ArrayFormula):
                value.ref = self.ranges(value.ref)
                value.text = self.any_formula(value.text)
            elif isinstance(value, DataTableFormula):
                value.ref = self.ranges(value.ref)
                for attr in ("r1", "r2"):
                    if getattr(value, attr, None):
                        setattr(value, attr, self.address(getattr(value, attr)))
            link = getattr(cell, "hyperlink", None)
            if link is not None:
                link.ref = cell.coordinate
                if link.location:
                    link.location = self.reference(link.location)
        merged_ranges = list(sheet.merged_cells.ranges)
        for merged in merged_ranges:
            merged.shift(row_shift=1)
        sheet.merged_cells.ranges = set(merged_ranges)  # a set of (now re-hashed) ranges
        self._row_dimensions(sheet)
        self._conditional_formatting(sheet)
        for validation in sheet.data_validations.dataValidation:
            validation.sqref = self.ranges(validation.sqref)
            validation.formula1 = self.expression(validation.formula1)
            validation.formula2 = self.expression(validation.formula2)
        if sheet.auto_filter.ref:
            sheet.auto_filter.ref = self.ranges(sheet.auto_filter.ref)
        for table in sheet.tables.values():
            table.ref = self.ranges(table.ref)
            if table.autoFilter is not None and table.autoFilter.ref:
                table.autoFilter.ref = self.ranges(table.autoFilter.ref)
        for name in list(sheet.defined_names.values()):
            name.attr_text = self.expression(name.attr_text)
        if sheet.print_title_rows:
            sheet.print_title_rows = self.address(sheet.print_title_rows)
        if sheet._print_area.ranges:
            sheet.print_area = [self.address(str(r)) for r in sheet._print_area.ranges]
        for brk in sheet.row_breaks.brk:
            brk.id += 1
        self._view(sheet)
        for drawing in [*sheet._images, *sheet._charts]:
            self._anchor(drawing)
        for chart in sheet._charts:
            self._chart(chart)
        for pivot in getattr(sheet, "_pivots", []):
            if pivot.location is not None and pivot.location.ref:
                pivot.location.ref = self.ranges(pivot.location.ref)
            source = getattr(getattr(pivot.cache, "cacheSource", None), "worksheetSource", None)
            if source is not None and source.ref:
                source.ref = self.ranges(source.ref)

    def _row_dimensions(self, sheet: Any) -> None:
        dimensions = sheet.row_dimensions
        for index in sorted(dimensions, reverse=True):
            dimension = dimensions.pop(index)
            dimension.index = index + 1
            dimensions[index + 1] = dimension

    def _conditional_formatting(self, sheet: Any) -> None:
        from openpyxl.formatting.formatting import ConditionalFormatting, ConditionalFormattingList

        old = sheet.conditional_formatting
        new = ConditionalFormattingList()
        new.max_priority = old.max_priority
        for formatting in old:
            rules = list(formatting.rules)
            for rule in rules:
                rule.formula = [self.expression(f) for f in rule.formula]
            moved = ConditionalFormatting(
                sqref=self.ranges(formatting.sqref), pivot=formatting.pivot
            )
            new._cf_rules.setdefault(moved, []).extend(rules)
        sheet.conditional_formatting = new

    def _view(self, sheet: Any) -> None:
        for view in sheet.views.sheetView:
            for selection in view.selection:
                if selection.activeCell:
                    selection.activeCell = self.address(selection.activeCell)
                if selection.sqref:
                    selection.sqref = self.ranges(selection.sqref)
        top_left = sheet.freeze_panes
        match = _CELL_REF.match(top_left) if top_left else None
        if match and int(match.group(4)) > 1:  # rows are frozen: keep them (and the stamp)
            sheet.freeze_panes = self.address(top_left)

    @staticmethod
    def _anchor(drawing: Any) -> None:
        anchor = drawing.anchor
        if isinstance(anchor, str):
            drawing.anchor = XlsxRowInserter.address(anchor)
            return
        for marker in (getattr(anchor, "_from", None), getattr(anchor, "to", None)):
            if marker is not None:
                marker.row += 1

    def _chart(self, chart: Any) -> None:
        """Move the data references (``<c:f>``) of every series of a chart (and its combos)."""
        plots = {id(chart): chart}
        plots.update((id(p), p) for p in getattr(chart, "_charts", []))
        for plot in plots.values():
            for series in getattr(plot, "series", []):
                for source_name in ("tx", "cat", "val", "xVal", "yVal", "bubbleSize"):
                    source = getattr(series, source_name, None)
                    for ref_name in ("strRef", "numRef", "multiLvlStrRef"):
                        ref = getattr(source, ref_name, None)
                        if ref is not None and isinstance(ref.f, str):
                            ref.f = self.expression(ref.f)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number

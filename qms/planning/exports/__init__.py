"""Planning's outputs: a plan as an official document (DOCX, PDF) and its tasks as XLSX.

Built on the format library :mod:`qms.reports` (the NĐ 30 layout, the safe cell writer,
the PDF conversion, the download response); the routes are in planning's namespace.
"""

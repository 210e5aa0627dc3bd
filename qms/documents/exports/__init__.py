"""Document control's outputs: a procedure (DOCX, PDF), an issuing decision (DOCX, NĐ 30
layout) and the three master lists (XLSX, DOCX), on the format library :mod:`qms.reports`;
the routes are in the documents namespace. The DOCX templates sit in ``docx_templates/``.
"""

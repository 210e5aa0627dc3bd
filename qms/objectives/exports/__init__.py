"""Quality objectives' outputs: the decision issuing a period's objectives and the
evaluation report (DOCX in the NĐ 30 layout, PDF, XLSX), on the format library
:mod:`qms.reports`; the routes are in the objectives namespace, under ``exports/``.
"""

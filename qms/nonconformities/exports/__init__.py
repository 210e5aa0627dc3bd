"""Outputs of the NC area: the register as XLSX (``register_xlsx``) and the NC slip,
Phiếu yêu cầu hành động khắc phục / theo dõi sự không phù hợp, as DOCX (``slip``)."""

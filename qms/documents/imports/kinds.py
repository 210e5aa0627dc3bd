"""The words agencies write for a document's type (internal list, "Loại") and for a legal
text's status (external list, "Tình trạng"), and how a type is guessed from a code."""

from __future__ import annotations

import re

from qms.documents.imports.cells import norm
from qms.documents.models import Document, ExternalDocument

# "Loại" of the internal list → kind. Keys are norm()alised.
KIND_WORDS: dict[str, str] = {
    "chinh sach chat luong": Document.Kind.POLICY,
    "chinh sach": Document.Kind.POLICY,
    "so tay chat luong": Document.Kind.MANUAL,
    "so tay": Document.Kind.MANUAL,
    "mo ta he thong": Document.Kind.MANUAL,
    "mo ta he thong quan ly chat luong": Document.Kind.MANUAL,
    "quy trinh he thong": Document.Kind.SYSTEM_PROCEDURE,
    "quy trinh iso": Document.Kind.SYSTEM_PROCEDURE,
    "quy trinh noi bo": Document.Kind.WORK_PROCEDURE,
    "quy trinh cong viec": Document.Kind.WORK_PROCEDURE,
    "quy trinh": Document.Kind.WORK_PROCEDURE,
    "quy trinh tthc": Document.Kind.WORK_PROCEDURE,
    "quy trinh giai quyet tthc": Document.Kind.WORK_PROCEDURE,
    "quy trinh thu tuc hanh chinh": Document.Kind.WORK_PROCEDURE,
    "quy trinh giai quyet thu tuc hanh chinh": Document.Kind.WORK_PROCEDURE,
    "huong dan": Document.Kind.GUIDELINE,
    "huong dan cong viec": Document.Kind.GUIDELINE,
    "bieu mau": Document.Kind.FORM,
    "mau": Document.Kind.FORM,
}
TTHC_WORDS = {
    "quy trinh tthc",
    "quy trinh giai quyet tthc",
    "quy trinh thu tuc hanh chinh",
    "quy trinh giai quyet thu tuc hanh chinh",
}
PROCEDURES = {Document.Kind.SYSTEM_PROCEDURE, Document.Kind.WORK_PROCEDURE}

ST = ExternalDocument.Status
# "Tình trạng" of the external list → status. Keys are norm()alised; a text starting with a
# key also matches ("Bị thay thế bởi …").
STATUS_WORDS: dict[str, str] = {
    "con hieu luc": ST.IN_FORCE,
    "dang hieu luc": ST.IN_FORCE,
    "dang con hieu luc": ST.IN_FORCE,
    "co hieu luc": ST.IN_FORCE,
    "hieu luc": ST.IN_FORCE,
    "in force": ST.IN_FORCE,
    "sua doi bo sung": ST.AMENDED,
    "duoc sua doi bo sung": ST.AMENDED,
    "da sua doi bo sung": ST.AMENDED,
    "bi sua doi bo sung": ST.AMENDED,
    "sua doi": ST.AMENDED,
    "bo sung": ST.AMENDED,
    "het hieu luc mot phan": ST.AMENDED,
    "hieu luc mot phan": ST.AMENDED,
    "con hieu luc mot phan": ST.AMENDED,
    "amended": ST.AMENDED,
    "bi thay the": ST.REPLACED,
    "da bi thay the": ST.REPLACED,
    "thay the": ST.REPLACED,
    "duoc thay the": ST.REPLACED,
    "replaced": ST.REPLACED,
    "het hieu luc": ST.EXPIRED,
    "het hieu luc toan bo": ST.EXPIRED,
    "bi bai bo": ST.EXPIRED,
    "bai bo": ST.EXPIRED,
    "expired": ST.EXPIRED,
}


def guess_kind(code: str) -> str:
    upper = code.upper()
    if upper.startswith("BM"):
        return Document.Kind.FORM
    if upper.startswith("CSCL"):
        return Document.Kind.POLICY
    if upper.startswith("STCL"):
        return Document.Kind.MANUAL
    if upper.startswith("HD"):
        return Document.Kind.GUIDELINE
    if re.match(r"^QT[\s._\-]*ISO(?![A-Z])", upper):
        return Document.Kind.SYSTEM_PROCEDURE
    return Document.Kind.WORK_PROCEDURE


def kind_index() -> dict[str, str]:
    index = dict(KIND_WORDS)
    for value, label in Document.Kind.choices:
        index.setdefault(norm(str(label)), value)
        index.setdefault(norm(value), value)
    return index


def status_index() -> dict[str, str]:
    index = dict(STATUS_WORDS)
    for value, label in ExternalDocument.Status.choices:
        index.setdefault(norm(str(label)), value)
    return index


def status_of(text: str, index: dict[str, str]) -> str | None:
    key = norm(text)
    if not key:
        return ExternalDocument.Status.IN_FORCE
    if key in index:
        return index[key]
    for word in sorted(index, key=len, reverse=True):
        if key.startswith(word + " "):
            return index[word]
    return None

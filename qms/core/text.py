"""Vietnamese text helpers."""

from __future__ import annotations

import datetime
import re
import unicodedata


def fold(text: str) -> str:
    """Accent- and case-insensitive key: "Ban ISO Sở" → "ban iso so".

    đ/Đ do not decompose in Unicode, so they are mapped by hand.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return re.sub(r"\s+", " ", stripped).strip().lower()


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def split_unit_names(text: str) -> list[str]:
    """ "Lãnh đạo Sở, Ban ISO" → ["Lãnh đạo Sở", "Ban ISO"]."""
    parts = re.split(r"[,;\n]+", text)
    return [normalise_space(p) for p in parts if normalise_space(p)]


def dmy(value: datetime.date | None) -> str:
    """A date as the templates' ``{{ value|date:"d/m/Y" }}`` prints it, "" for none; for
    rows built in Python."""
    return "" if value is None else f"{value.day:02d}/{value.month:02d}/{value.year:04d}"

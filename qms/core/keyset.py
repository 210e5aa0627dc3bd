"""Keyset (seek) pagination over any ordering whose last field is unique.

A page is found by the sort key of the row next to it, never by OFFSET, so page 1 and
page 10,000 cost the same and rows sharing a key are ordered by the unique last field,
none skipped or repeated::

    ORDER = ("-created_at", "-id")
    page = keyset_page(qs, ORDER, older=request.GET.get("older"), newer=request.GET.get("newer"))

"Older" walks forward through the ordering (the next page), "newer" back towards the
first page. Cursors are opaque strings (``1740902400000000-42``): one token per field,
joined by ``-``. A malformed cursor, or one from another ordering, reads as the first
page. NULLs sort after every value (as PostgreSQL does by default) on both databases.
Fields may cross relations (``plan__year``) or name an annotation of ``qs``.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models import F, Q

T = TypeVar("T", bound=models.Model)

PAGE_SIZE = 50

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_NAIVE_EPOCH = _EPOCH.replace(tzinfo=None)
_MICRO = datetime.timedelta(microseconds=1)
_INT = re.compile(r"n?\d{1,30}")
_HEX = re.compile(r"x(?:[0-9a-f]{2})*")
_NULL = "z"

# ---------------------------------------------------------------- tokens


def _int_token(value: int) -> str:
    return f"n{-value}" if value < 0 else str(value)


def _int_value(token: str) -> int:
    if not _INT.fullmatch(token):
        raise ValueError(token)
    return -int(token[1:]) if token.startswith("n") else int(token)


def _text_token(value: Any) -> str:
    return "x" + str(value).encode().hex()


def _text_value(token: str) -> str:
    if not _HEX.fullmatch(token):
        raise ValueError(token)
    return bytes.fromhex(token[1:]).decode()


def _datetime_token(value: datetime.datetime) -> str:
    epoch = _NAIVE_EPOCH if value.tzinfo is None else _EPOCH
    return _int_token((value - epoch) // _MICRO)


def _datetime_value(token: str) -> datetime.datetime:
    from django.conf import settings

    moment = _EPOCH + _int_value(token) * _MICRO
    return moment if settings.USE_TZ else moment.replace(tzinfo=None)


@dataclasses.dataclass(frozen=True)
class _Codec:
    encode: Callable[[Any], str]
    decode: Callable[[str], Any]


_CODECS: dict[str, _Codec] = {
    "int": _Codec(_int_token, _int_value),
    "bool": _Codec(lambda v: _int_token(int(v)), lambda t: bool(_int_value(t))),
    "text": _Codec(_text_token, _text_value),
    "decimal": _Codec(_text_token, lambda t: decimal.Decimal(_text_value(t))),
    "uuid": _Codec(lambda v: _text_token(v.hex), lambda t: uuid.UUID(_text_value(t))),
    "datetime": _Codec(_datetime_token, _datetime_value),
    "date": _Codec(
        lambda v: _int_token(v.toordinal()),
        lambda t: datetime.date.fromordinal(_int_value(t)),
    ),
}


def _codec_for(field: Any) -> _Codec:
    """The token codec for a model field or an annotation's output field."""
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    if isinstance(field, models.DateTimeField):
        return _CODECS["datetime"]
    if isinstance(field, models.DateField):
        return _CODECS["date"]
    if isinstance(field, models.BooleanField):
        return _CODECS["bool"]
    if isinstance(field, models.IntegerField | models.AutoField):
        return _CODECS["int"]
    if isinstance(field, models.DecimalField):
        return _CODECS["decimal"]
    if isinstance(field, models.UUIDField):
        return _CODECS["uuid"]
    if isinstance(field, models.CharField | models.TextField):
        return _CODECS["text"]
    raise ImproperlyConfigured(f"Keyset pagination cannot order by a {type(field).__name__}.")


# ---------------------------------------------------------------- ordering


@dataclasses.dataclass(frozen=True)
class _Key:
    name: str  # the lookup path, e.g. "plan__year"
    attr: str  # where a fetched row holds the value (``parent_id`` for ``parent``)
    descending: bool
    nullable: bool
    codec: _Codec

    def value(self, row: Any, index: int) -> Any:
        if "__" not in self.name:
            return getattr(row, self.attr)
        if hasattr(row, _alias(index)):  # annotated by keyset_page: no extra query
            return getattr(row, _alias(index))
        for part in self.name.split("__"):
            row = None if row is None else getattr(row, part)
        return row

    def order(self, reverse: bool) -> Any:
        descending = self.descending != reverse
        if not self.nullable:
            return f"-{self.name}" if descending else self.name
        # NULLs count as the largest value on both databases.
        expr = F(self.name)
        return expr.desc(nulls_first=True) if descending else expr.asc(nulls_last=True)

    def beyond(self, value: Any, *, larger: bool) -> Q:
        """Rows whose key is strictly larger (or smaller) than ``value``, NULL being largest."""
        if value is None:
            return Q(**{f"{self.name}__isnull": False}) if not larger else Q(pk__in=[])
        q = Q(**{f"{self.name}__{'gt' if larger else 'lt'}": value})
        if larger and self.nullable:
            q |= Q(**{f"{self.name}__isnull": True})
        return q

    def same(self, value: Any) -> Q:
        if value is None:
            return Q(**{f"{self.name}__isnull": True})
        return Q(**{self.name: value})


def _alias(index: int) -> str:
    return f"keyset_{index}"


def _resolve(model: type[models.Model], name: str) -> tuple[Any, bool]:
    """The field at the end of a lookup path such as ``plan__agency__name``, and whether
    the path can yield NULL (a nullable field, or a nullable relation on the way)."""
    field: Any = None
    nullable = False
    for part in name.split("__"):
        if field is not None:
            if not field.is_relation:
                raise FieldDoesNotExist(name)
            model = field.related_model
        field = model._meta.pk if part == "pk" else model._meta.get_field(part)
        nullable = nullable or bool(field.null)
    return field, nullable


def _keys(qs: models.QuerySet[Any], ordering: Sequence[str]) -> list[_Key]:
    if not ordering:
        raise ImproperlyConfigured("Keyset pagination needs an ordering.")
    keys = []
    for position, raw in enumerate(ordering):
        name = raw.removeprefix("-")
        annotation = qs.query.annotations.get(name)
        if annotation is not None:
            field, nullable = annotation.output_field, True
        else:
            field, nullable = _resolve(qs.model, name)
        last = position == len(ordering) - 1
        if last and (
            annotation is not None or "__" in name or not (field.primary_key or field.unique)
        ):
            raise ImproperlyConfigured(f"The last keyset field {name!r} must be unique.")
        attr = name if annotation is not None or "__" in name else field.attname
        nullable = nullable and not last
        keys.append(_Key(name, attr, raw.startswith("-"), nullable, _codec_for(field)))
    return keys


# ---------------------------------------------------------------- cursors


def cursor_for(
    row: Any, ordering: Sequence[str], *, model: type[models.Model] | None = None
) -> str:
    """The cursor of ``row``'s position in ``ordering``."""
    qs = (model or type(row))._default_manager.all()
    return _cursor(row, _keys(qs, ordering))


def _cursor(row: Any, keys: Sequence[_Key]) -> str:
    tokens = []
    for index, key in enumerate(keys):
        value = key.value(row, index)
        tokens.append(_NULL if value is None else key.codec.encode(value))
    return "-".join(tokens)


def parse_cursor(
    value: str | None, ordering: Sequence[str], model: type[models.Model]
) -> tuple[Any, ...] | None:
    """The key values in a cursor, or None when absent, malformed or of another ordering."""
    return _parse(value, _keys(model._default_manager.all(), ordering))


def _parse(value: str | None, keys: Sequence[_Key]) -> tuple[Any, ...] | None:
    if not value:
        return None
    tokens = value.split("-")
    if len(tokens) != len(keys):
        return None
    values: list[Any] = []
    for token, key in zip(tokens, keys, strict=True):
        if token == _NULL and key.nullable:
            values.append(None)
            continue
        try:
            values.append(key.codec.decode(token))
        except (ValueError, OverflowError, UnicodeDecodeError, decimal.InvalidOperation):
            return None
    return tuple(values)


# ---------------------------------------------------------------- pages


@dataclasses.dataclass
class KeysetPage(Generic[T]):
    """One page of rows with the cursors of its neighbours (None at either end)."""

    rows: list[T]
    newer_cursor: str | None
    older_cursor: str | None

    def __iter__(self) -> Iterator[T]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)

    @property
    def object_list(self) -> list[T]:
        """The rows, under the name Django's ``Page`` gives them."""
        return self.rows

    @property
    def has_other_pages(self) -> bool:
        return bool(self.newer_cursor or self.older_cursor)


def _seek(keys: Sequence[_Key], values: Sequence[Any], *, forward: bool) -> Q:
    """Rows strictly after (``forward``) or before the position ``values``."""
    q = Q()
    for i, key in enumerate(keys):
        step = key.beyond(values[i], larger=forward != key.descending)
        for prior, prior_value in zip(keys[:i], values[:i], strict=True):
            step &= prior.same(prior_value)
        q = step if i == 0 else q | step
    return q


def keyset_page(
    qs: models.QuerySet[T],
    ordering: Sequence[str],
    *,
    older: str | None = None,
    newer: str | None = None,
    size: int = PAGE_SIZE,
) -> KeysetPage[T]:
    """The page of ``qs`` in ``ordering`` just after ``older``, just before ``newer``, or the first.

    One query of ``size + 1`` rows. ``ordering`` replaces any ordering of ``qs``; its last
    field must be unique (usually ``"id"`` or ``"-id"``).
    """
    keys = _keys(qs, ordering)
    joined = {_alias(i): F(k.name) for i, k in enumerate(keys) if "__" in k.name}
    if joined:
        qs = qs.annotate(**joined)
    before = _parse(older, keys)
    after = _parse(newer, keys) if before is None else None
    if after is not None:
        window = qs.filter(_seek(keys, after, forward=False))
        rows = list(window.order_by(*(k.order(reverse=True) for k in keys))[: size + 1])
        more_newer, more_older = len(rows) > size, True
        rows = rows[:size][::-1]
    else:
        if before is not None:
            qs = qs.filter(_seek(keys, before, forward=True))
        rows = list(qs.order_by(*(k.order(reverse=False) for k in keys))[: size + 1])
        more_newer, more_older = before is not None, len(rows) > size
        rows = rows[:size]
    return KeysetPage(
        rows=rows,
        newer_cursor=_cursor(rows[0], keys) if rows and more_newer else None,
        older_cursor=_cursor(rows[-1], keys) if rows and more_older else None,
    )

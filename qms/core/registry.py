"""A keyed registry that apps fill from ``AppConfig.ready()`` (menu, panels, periodic jobs).

Registering twice under one key replaces the entry, so ``ready()`` may run again (Django
re-runs every app's ``ready()`` when a test overrides ``INSTALLED_APPS``); ``isolated()``
puts the entries back afterwards, so that a test's extra app leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self) -> None:
        self._entries: dict[str, T] = {}

    def add(self, key: str, entry: T) -> None:
        """Register ``entry`` under ``key``, replacing an earlier one of the same key."""
        self._entries[key] = entry

    def get(self, key: str) -> T | None:
        """The entry under ``key``, or ``None``."""
        return self._entries.get(key)

    def values(self) -> list[T]:
        """The entries in the order they were first registered."""
        return list(self._entries.values())

    def entries(self) -> dict[str, T]:
        """The entries in the order they were first registered (a copy)."""
        return dict(self._entries)

    @contextmanager
    def isolated(self) -> Iterator[None]:
        """Whatever is registered inside the block is forgotten when it ends."""
        saved = dict(self._entries)
        try:
            yield
        finally:
            self._entries.clear()
            self._entries.update(saved)

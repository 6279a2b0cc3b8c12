"""Errors of sealed personal data and the household key store."""

from __future__ import annotations

from kernel.errors import ConflictError, DomainError, UnfinishedError


class HouseholdErasedError(ConflictError):
    """The household's personal data was erased; nothing personal may be added to it."""


class KeyStoreError(DomainError):
    """The key store cannot serve a household's key."""


class KeyStoreLostError(KeyStoreError):
    """A sealed value's key is missing and no erasure explains it: the key store was lost."""


class SealBrokenError(KeyStoreError):
    """A sealed value does not open with its key, or does not match its commitment: tampered."""


class PurgeIncompleteError(UnfinishedError):
    """Deleted data could not yet be purged from every copy (a reader holds a log): the work
    done so far stands, and running it again later finishes it."""

"""Signed statements of seals (Ed25519): an outside auditor keeps one and can prove later
that the log it covers has not changed. The key comes from configuration (SIGNING_KEY); keys
retired by a rotation (SIGNING_KEYS_RETIRED, their public halves) still verify old statements."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

SIGNED_FIELDS = (
    "community",
    "seal_no",
    "sealed_at",
    "last_notification_id",
    "log_hash",
    "seal_hash",
    "previous",
    "public_key",
)


class SigningKeyMissingError(RuntimeError):
    """No SIGNING_KEY is configured, so no statement can be signed."""


def new_signing_key() -> str:
    """A fresh key for SIGNING_KEY: 32 random bytes, base64."""
    raw = Ed25519PrivateKey.generate().private_bytes_raw()
    return base64.b64encode(raw).decode()


def signing_key(configured: str | None) -> Ed25519PrivateKey:
    if not configured:
        raise SigningKeyMissingError(
            "no SIGNING_KEY is configured; create one with "
            "`python -c 'from store.statements import new_signing_key; "
            "print(new_signing_key())'`"
        )
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(configured))


def public_key_text(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def key_id(public_key: str) -> str:
    """A short name for a public key: the first 16 hex digits of SHA-256 of its raw bytes."""
    return hashlib.sha256(base64.b64decode(public_key)).hexdigest()[:16]


def check_public_key(text: str) -> str:
    """The key as given when it is a base64 Ed25519 public key; ValueError otherwise."""
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError):
        raise ValueError(f"not a base64 Ed25519 public key: {text[:12]}…") from None
    return text


def served_keys(current: Ed25519PrivateKey, retired: tuple[str, ...]) -> list[dict[str, str]]:
    """The public keys statements may be checked against: the current one, then the retired."""
    keys = [("current", public_key_text(current))] + [("retired", k) for k in retired]
    return [
        {"key_id": key_id(text), "public_key": text, "algorithm": "Ed25519", "status": status}
        for status, text in keys
    ]


def _message(statement: dict[str, Any]) -> bytes:
    # Statements made before keys had ids were signed without one.
    names = (*SIGNED_FIELDS, "key_id") if "key_id" in statement else SIGNED_FIELDS
    body = {k: statement[k] for k in names}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def sign_seal(seal: dict[str, Any], community: str, key: Ed25519PrivateKey) -> dict[str, Any]:
    """The statement of one seal, signed, with the public half of the key in it."""
    statement = {
        "community": community,
        "seal_no": int(seal["seal_no"]),
        "sealed_at": str(seal["sealed_at"]),
        "last_notification_id": int(seal["last_notification_id"]),
        "log_hash": seal["log_hash"],
        "seal_hash": seal["seal_hash"],
        "previous": seal["previous"],
        "public_key": public_key_text(key),
        "key_id": key_id(public_key_text(key)),
        "algorithm": "Ed25519",
    }
    statement["signature"] = base64.b64encode(key.sign(_message(statement))).decode()
    return statement


def statement_is_genuine(statement: dict[str, Any], public_key: str | None = None) -> bool:
    """Whether the signature holds, for the given public key (default: the one inside)."""
    raw = base64.b64decode(public_key or statement["public_key"])
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(
            base64.b64decode(statement["signature"]), _message(statement)
        )
    except (InvalidSignature, ValueError, KeyError):
        return False
    return True


def statement_problem(statement: dict[str, Any], keys: list[dict[str, str]]) -> str | None:
    """Why a statement is not genuine for these served keys, or None when it is."""
    inside = statement.get("public_key", "")
    known = {k["public_key"]: k for k in keys}
    if inside not in known:
        return "it was signed with a key this service does not serve"
    if statement.get("key_id", known[inside]["key_id"]) != known[inside]["key_id"]:
        return "its key id does not match its public key"
    if not statement_is_genuine(statement, inside):
        return "its signature does not match its content"
    return None

"""Signed statements of seals (Ed25519): an outside auditor keeps one and can prove later
that the log it covers has not changed. The key comes from configuration (SIGNING_KEY)."""

from __future__ import annotations

import base64
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
            "`python -c 'from web.statements import new_signing_key; print(new_signing_key())'`"
        )
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(configured))


def public_key_text(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def _message(statement: dict[str, Any]) -> bytes:
    body = {k: statement[k] for k in SIGNED_FIELDS}
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

"""AES-GCM with key rotation: encrypt with the current CIPHER_KEY, read with it or any key in
CIPHER_KEYS_PREVIOUS, so a store half re-encrypted under a new key stays readable."""

from __future__ import annotations

from base64 import b64decode

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.cryptography import AESCipher
from eventsourcing.utils import Environment

PREVIOUS_KEYS = "CIPHER_KEYS_PREVIOUS"


def split_keys(text: str | None) -> tuple[str, ...]:
    """Comma-separated keys as a tuple, blanks dropped."""
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


class RotatingCipher(AESCipher):
    """The library's AES-GCM cipher (same format) that also reads with previous keys."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        self._aesgcm = AESGCM(self.key)
        self.previous: list[AESCipher] = []
        for key in split_keys(environment.get(PREVIOUS_KEYS)):
            AESCipher.check_key_size(len(b64decode(key)))
            self.previous.append(AESCipher(Environment(env={self.CIPHER_KEY: key})))

    def decrypt(self, ciphertext: bytes) -> bytes:
        """The plaintext, with whichever configured key the ciphertext was made with."""
        try:
            # The library's format (nonce, tag, data), with one AESGCM kept, not one a call.
            return self._aesgcm.decrypt(ciphertext[:12], ciphertext[28:] + ciphertext[12:28], None)
        except (InvalidTag, ValueError):
            pass
        for cipher in self.previous:
            try:
                return cipher.decrypt(ciphertext)
            except ValueError:
                continue
        return super().decrypt(ciphertext)  # fails as the library's cipher fails

    def is_current(self, ciphertext: bytes) -> bool:
        """Whether the ciphertext was made with the current key (GCM's tag tells for sure)."""
        try:
            super().decrypt(ciphertext)
        except ValueError:
            return False
        return True

    def reencrypt(self, ciphertext: bytes) -> bytes | None:
        """The same plaintext under the current key; None when it already is."""
        if self.is_current(ciphertext):
            return None
        return self.encrypt(self.decrypt(ciphertext))


def rotating_cipher(current: str, previous: tuple[str, ...] = ()) -> RotatingCipher:
    """A cipher for code outside an application (the idempotency store, the rotation)."""
    return RotatingCipher(
        Environment(env={RotatingCipher.CIPHER_KEY: current, PREVIOUS_KEYS: ",".join(previous)})
    )

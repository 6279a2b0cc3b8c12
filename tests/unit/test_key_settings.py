"""Key rotation settings: the rotating cipher writes with the current key and reads with any
configured one; retired signing keys must be public keys."""

from __future__ import annotations

import pytest
from eventsourcing.cryptography import AESCipher

from store.cipher import rotating_cipher, split_keys
from web.config import ConfigurationError, load_settings

OLD, NEW = AESCipher.create_key(32), AESCipher.create_key(32)


def test_it_reads_what_an_old_key_wrote_and_writes_with_the_new_one():
    old_text = rotating_cipher(OLD).encrypt("李建国".encode())
    cipher = rotating_cipher(NEW, (OLD,))
    assert cipher.decrypt(old_text).decode() == "李建国"
    assert not cipher.is_current(old_text)
    fresh = cipher.reencrypt(old_text)
    assert fresh is not None
    assert rotating_cipher(NEW).decrypt(fresh).decode() == "李建国"
    assert cipher.reencrypt(fresh) is None


def test_a_key_it_was_not_given_still_cannot_read():
    with pytest.raises(ValueError, match="Invalid cipher tag"):
        rotating_cipher(NEW).decrypt(rotating_cipher(OLD).encrypt(b"x"))


def test_previous_keys_are_read_from_a_comma_separated_setting(tmp_path):
    assert split_keys(" a, ,b ,") == ("a", "b")
    settings = load_settings(
        str(tmp_path), environ={"CIPHER_KEY": NEW, "CIPHER_KEYS_PREVIOUS": f"{OLD}, "}
    )
    assert settings.cipher_keys_previous == (OLD,)
    assert settings.previous_address_keys == (
        load_settings(str(tmp_path), environ={"CIPHER_KEY": OLD}).address_key,
    )


def test_previous_keys_without_a_current_one_are_refused(tmp_path):
    with pytest.raises(ConfigurationError, match="CIPHER_KEY is not"):
        load_settings(str(tmp_path), environ={"CIPHER_KEYS_PREVIOUS": OLD})


def test_a_retired_signing_key_that_is_not_a_public_key_is_refused(tmp_path):
    with pytest.raises(ConfigurationError, match="SIGNING_KEYS_RETIRED"):
        load_settings(str(tmp_path), environ={"SIGNING_KEYS_RETIRED": "not-a-key"})

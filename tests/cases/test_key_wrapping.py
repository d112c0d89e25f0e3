"""A client's key wrapped by the key-encryption key (KEK), bound to the client; a text sealed
with the client's key, bound to the client, and the marker once the key is gone."""

from __future__ import annotations

from uuid import uuid4

import pytest
from cryptography.exceptions import InvalidTag

from services.cases.key_wrapping import (
    KeyEncryptionKey,
    Keyring,
    UnknownKeyEncryptionKey,
    new_key_encryption_key_text,
)
from services.cases.personal_data import new_client_key
from services.cases.sealed_text import ERASED_TEXT, seal, unseal

OLD, NEW = (KeyEncryptionKey.from_text(new_key_encryption_key_text()) for _ in range(2))
NOTE = "Rückfall nach dem Streit"


def test_a_wrapped_key_opens_only_under_its_kek_and_for_its_client() -> None:
    client, other, key = uuid4(), uuid4(), new_client_key()

    wrapped, kek_id = Keyring(NEW, (OLD,)).wrap(client, key)

    assert kek_id == NEW.id
    assert key not in wrapped
    assert Keyring(NEW).unwrap(client, wrapped, kek_id) == key
    with pytest.raises(InvalidTag):
        NEW.unwrap(other, wrapped)
    with pytest.raises(InvalidTag):
        OLD.unwrap(client, wrapped)


def test_a_key_wrapped_under_an_earlier_kek_opens_while_it_is_the_previous_one() -> None:
    client, key = uuid4(), new_client_key()
    wrapped, kek_id = Keyring(OLD).wrap(client, key)

    assert Keyring(NEW, (OLD,)).unwrap(client, wrapped, kek_id) == key
    with pytest.raises(UnknownKeyEncryptionKey, match=OLD.id):
        Keyring(NEW).unwrap(client, wrapped, kek_id)


def test_a_kek_is_base64_of_32_bytes_and_its_id_follows_from_it() -> None:
    text = new_key_encryption_key_text()

    assert KeyEncryptionKey.from_text(text).id == KeyEncryptionKey.from_text(text).id
    assert OLD.id != NEW.id
    with pytest.raises(ValueError, match="32 bytes"):
        KeyEncryptionKey.from_text("c2hvcnQ=")
    with pytest.raises(ValueError, match="base64"):
        KeyEncryptionKey.from_text("kein base64!")
    assert text not in repr(KeyEncryptionKey.from_text(text))


def test_a_sealed_text_opens_with_its_clients_key_only() -> None:
    client, key = uuid4(), new_client_key()

    sealed = seal(key, client, NOTE)

    assert sealed.startswith("sealed:v1:")
    assert "Rückfall" not in sealed
    assert seal(key, client, NOTE) != sealed  # a nonce of its own each time
    assert unseal(key, client, sealed) == NOTE
    with pytest.raises(InvalidTag):
        unseal(new_client_key(), client, sealed)
    with pytest.raises(InvalidTag):
        unseal(key, uuid4(), sealed)


def test_blank_text_stays_blank_and_text_from_before_sealing_reads_as_it_is() -> None:
    client, key = uuid4(), new_client_key()

    assert seal(key, client, "  ") == "  "
    assert unseal(key, client, "") == ""
    assert unseal(None, client, "vor der Versiegelung erfasst") == "vor der Versiegelung erfasst"


def test_once_erased_every_text_reads_as_the_marker() -> None:
    client, key = uuid4(), new_client_key()

    assert unseal(None, client, seal(key, client, NOTE), erased=True) == ERASED_TEXT
    assert unseal(None, client, "vor der Versiegelung erfasst", erased=True) == ERASED_TEXT
    assert unseal(None, client, "", erased=True) == ""

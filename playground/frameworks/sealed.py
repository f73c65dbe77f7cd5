"""Decrypt the frameworks' encrypted key values (the documented schemes, nothing else).

- ZeroClaw ``enc2:<hex>``: ChaCha20-Poly1305, key = hex 32 bytes in ``<config_dir>/.secret_key``,
  blob = nonce[12] || ciphertext || tag[16], no AAD. Legacy ``enc:<hex>``: XOR with the key
  bytes repeated.
- PicoClaw ``enc://<base64>``: blob = salt[16] || nonce[12] || ciphertext+tag; AES-256-GCM with
  key = HKDF-SHA256(HMAC-SHA256(SHA256(ssh_private_key_bytes), passphrase), salt,
  info="picoclaw-credential-v1").

Errors are :class:`UnlockError` with a message that never contains key material.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from pathlib import Path


class UnlockError(ValueError):
    """A sealed value could not be opened; the message says why and what to do."""


def read_zeroclaw_key(key_file: Path) -> bytes:
    """The 32-byte key in a ZeroClaw ``.secret_key`` file (hex text)."""
    try:
        text = key_file.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise UnlockError(f"{key_file} is missing; ZeroClaw's enc2: values need it") from None
    except OSError as exc:
        raise UnlockError(f"cannot read {key_file} ({exc.strerror})") from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise UnlockError(f"{key_file} is not hex text (expected 64 hex characters)") from None
    if len(key) != 32:
        raise UnlockError(f"{key_file} holds {len(key)} bytes, expected 32")
    return key


def open_zeroclaw(value: str, key: bytes) -> str:
    """Decrypt a ZeroClaw ``enc2:`` or legacy ``enc:`` value."""
    if value.startswith("enc2:"):
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

        blob = _hex(value[5:], "enc2:")
        if len(blob) < 12 + 16:
            raise UnlockError("enc2: value is too short to be a ChaCha20-Poly1305 blob")
        try:
            plain = ChaCha20Poly1305(key).decrypt(blob[:12], blob[12:], None)
        except InvalidTag:
            raise UnlockError(
                "enc2: value does not decrypt with this .secret_key (was it re-generated?)"
            ) from None
    elif value.startswith("enc:"):
        blob = _hex(value[4:], "enc:")
        plain = bytes(b ^ key[i % len(key)] for i, b in enumerate(blob))
    else:
        return value
    return _utf8(plain, value.split(":", 1)[0] + ":")


def open_picoclaw(value: str, ssh_key_bytes: bytes, passphrase: str) -> str:
    """Decrypt a PicoClaw ``enc://`` value with the SSH private key bytes and passphrase."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    try:
        blob = base64.b64decode(value.removeprefix("enc://"), validate=True)
    except (binascii.Error, ValueError):
        raise UnlockError("enc:// value is not valid base64") from None
    if len(blob) < 16 + 12 + 16:
        raise UnlockError("enc:// value is too short to be an AES-GCM blob")
    salt, nonce, sealed = blob[:16], blob[16:28], blob[28:]
    ikm = hmac.new(hashlib.sha256(ssh_key_bytes).digest(), passphrase.encode(), "sha256").digest()
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=b"picoclaw-credential-v1"
    ).derive(ikm)
    try:
        plain = AESGCM(key).decrypt(nonce, sealed, None)
    except InvalidTag:
        raise UnlockError(
            "enc:// value does not decrypt: wrong passphrase or a different SSH key"
        ) from None
    return _utf8(plain, "enc://")


def _hex(text: str, scheme: str) -> bytes:
    try:
        return bytes.fromhex(text.strip())
    except ValueError:
        raise UnlockError(f"{scheme} value is not hex") from None


def _utf8(plain: bytes, scheme: str) -> str:
    try:
        return plain.decode("utf-8")
    except UnicodeDecodeError:
        raise UnlockError(f"{scheme} value decrypts to non-text bytes (wrong key?)") from None

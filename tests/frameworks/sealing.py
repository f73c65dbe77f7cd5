"""Encrypt values the way the frameworks do (written from the reference, independently of the
reader), so tests can feed the readers real ciphertext."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def zeroclaw_enc2(plaintext: str, key: bytes) -> str:
    """``enc2:hex(nonce[12] || ciphertext || tag[16])`` with ChaCha20-Poly1305, no AAD."""
    nonce = os.urandom(12)
    return "enc2:" + (nonce + ChaCha20Poly1305(key).encrypt(nonce, plaintext.encode(), None)).hex()


def zeroclaw_enc_legacy(plaintext: str, key: bytes) -> str:
    """Legacy ``enc:hex`` (XOR with the key bytes repeated)."""
    data = plaintext.encode()
    return "enc:" + bytes(b ^ key[i % len(key)] for i, b in enumerate(data)).hex()


def picoclaw_enc(plaintext: str, ssh_key_bytes: bytes, passphrase: str) -> str:
    """``enc://base64(salt[16] || nonce[12] || ciphertext+tag)``, AES-256-GCM, HKDF key."""
    salt, nonce = os.urandom(16), os.urandom(12)
    ikm = hmac.new(hashlib.sha256(ssh_key_bytes).digest(), passphrase.encode(), "sha256").digest()
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=b"picoclaw-credential-v1"
    ).derive(ikm)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), None)
    return "enc://" + base64.b64encode(salt + nonce + sealed).decode()

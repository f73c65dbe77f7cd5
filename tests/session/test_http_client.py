"""The session's HTTP client loads its CA certificates only for https, and then verifies
exactly as httpx's default context does: a loopback TLS server with a self-signed
certificate is refused unless that certificate is trusted, and then only for its name."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from playground.session import Session
from playground.session.http_client import DeferredTrust, shared_client


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (no DNS name), signed by its own key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "playground test server")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "server.pem", directory / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


async def answer_ok(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
        await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
        pass  # the client refused the certificate and hung up
    finally:
        writer.close()


@pytest.fixture
def certificate(tmp_path: Path) -> Path:
    return self_signed(tmp_path)[0]


@pytest.fixture
async def tls_port(certificate: Path) -> AsyncIterator[int]:
    """A loopback HTTPS server presenting the self-signed certificate."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate, certificate.with_name("server.key"))
    server = await asyncio.start_server(answer_ok, "127.0.0.1", 0, ssl=context)
    yield server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()


@pytest.fixture
def no_cert_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR", "SSLKEYLOGFILE"):
        monkeypatch.delenv(name, raising=False)


async def test_a_self_signed_server_is_refused(tls_port: int, no_cert_env: None) -> None:
    async with shared_client(connect_timeout_s=5) as client:
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await client.get(f"https://127.0.0.1:{tls_port}/")


async def test_the_sessions_client_refuses_it_too(tls_port: int, no_cert_env: None) -> None:
    session = Session.open(persist=False)
    try:
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await session.client.get(f"https://127.0.0.1:{tls_port}/")
    finally:
        await session.aclose()


async def test_a_trusted_certificate_is_accepted_for_its_address_only(
    tls_port: int, certificate: Path, monkeypatch: pytest.MonkeyPatch, no_cert_env: None
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
    async with shared_client(connect_timeout_s=5) as client:
        response = await client.get(f"https://127.0.0.1:{tls_port}/")
        assert (response.status_code, response.text) == (200, "ok")
        # The certificate names 127.0.0.1, not localhost: the host name check is on.
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await client.get(f"https://localhost:{tls_port}/")


async def test_certificates_load_on_the_first_https_request_only(no_cert_env: None) -> None:
    trust = DeferredTrust()
    await trust.before_request(httpx.Request("POST", "http://127.0.0.1:8123/v1/chat"))
    assert not trust.loaded and trust.context.cert_store_stats()["x509_ca"] == 0
    await trust.before_request(httpx.Request("POST", "https://api.openai.com/v1/chat"))
    assert trust.loaded and trust.context.cert_store_stats()["x509_ca"] > 100


def settings(context: ssl.SSLContext) -> dict[str, object]:
    return {
        "protocol": context.protocol,
        "verify_mode": context.verify_mode,
        "check_hostname": context.check_hostname,
        "verify_flags": context.verify_flags,
        "options": context.options,
        "minimum_version": context.minimum_version,
        "maximum_version": context.maximum_version,
        "ciphers": [cipher["name"] for cipher in context.get_ciphers()],
        "ca_certs": context.get_ca_certs(),
        "keylog_filename": context.keylog_filename,
    }


@pytest.mark.parametrize("trusted", ["certifi", "SSL_CERT_FILE"])
def test_once_loaded_it_is_httpxs_default_context(
    trusted: str,
    certificate: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    no_cert_env: None,
) -> None:
    if trusted == "SSL_CERT_FILE":
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
    monkeypatch.setenv("SSLKEYLOGFILE", str(tmp_path / "keys.log"))
    trust = DeferredTrust()
    trust.load()
    assert settings(trust.context) == settings(httpx.create_ssl_context())

"""Node certificates for HTTPS between nodes: self-signed, pinned per peer.

Each node makes an ECDSA P-256 key and a self-signed certificate at ``init``
(or when it first serves). A partner pins that exact certificate when it adds
the node as a peer; the client then trusts only it, so no public CA and no
host name are involved (the pin is the identity; messages are signed with the
node key on top).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from liaison.errors import InvalidInput


def ensure_certificate(cert_path: Path, key_path: Path, name: str) -> Path:
    """Create the node's TLS key and certificate if they do not exist yet."""
    if cert_path.exists() and key_path.exists():
        return cert_path
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"liaison node {name}")])
    now = dt.datetime.now(dt.UTC)
    names = [
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.IPAddress(ipaddress.ip_address("::1")),
    ]
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path


def check_certificate(pem: str) -> str:
    """A peer's certificate as given to ``peer add``: one PEM certificate."""
    try:
        cert = x509.load_pem_x509_certificate(pem.encode())
    except ValueError:
        raise InvalidInput("cert", pem[:40], "not a PEM certificate") from None
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def pinned_context(pem: str) -> ssl.SSLContext:
    """A client context that trusts exactly this certificate and nothing else."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False  # the pinned certificate is the identity, not a name
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(cadata=pem)
    return context


def fingerprint(pem: str) -> str:
    """A certificate's SHA-256 fingerprint as browsers show it (``AB:CD:…``), to
    compare before accepting a node's self-signed certificate."""
    cert = x509.load_pem_x509_certificate(pem.encode())
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()

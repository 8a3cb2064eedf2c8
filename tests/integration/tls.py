"""Certificates made with the `openssl` command for HTTPS tests, and server contexts that use them.

Every file goes into a directory the caller owns (a TemporaryDirectory), so nothing is shared
between tests.
"""

import calendar
import collections
import hashlib
import os
import ssl
import subprocess
import time

EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, text=True)


class Cert:
    """A certificate and its key, as PEM files."""

    def __init__(self, directory, name):
        self.cert = os.path.join(directory, name + ".pem")
        self.key = os.path.join(directory, name + ".key")

    def not_after(self):
        """The certificate's notAfter as Unix seconds, read back with `openssl x509 -enddate`."""
        out = subprocess.run(["openssl", "x509", "-noout", "-enddate", "-in", self.cert],
                             check=True, capture_output=True, text=True).stdout
        text = out.strip().split("=", 1)[1]  # e.g. "Nov 28 15:00:00 2026 GMT"
        return calendar.timegm(time.strptime(text, "%b %d %H:%M:%S %Y %Z"))


def _san(hosts):
    entries = []
    for host in hosts:
        kind = "IP" if host.replace(".", "").isdigit() or ":" in host else "DNS"
        entries.append(f"{kind}:{host}")
    return "subjectAltName=" + ",".join(entries)


def make_ca(directory, name="ca", days=30):
    """A self-signed CA certificate."""
    ca = Cert(directory, name)
    _openssl("req", "-x509", *EC_KEY, "-keyout", ca.key, "-out", ca.cert, "-days", str(days),
             "-subj", f"/CN=epsitter test {name}",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=directory)
    return ca


def make_intermediate(directory, name, root, days=30):
    """A CA certificate signed by `root` (a Cert), to serve between a leaf and the root."""
    inter = Cert(directory, name)
    csr = os.path.join(directory, name + ".csr")
    extensions = os.path.join(directory, name + ".ext")
    with open(extensions, "w") as f:
        f.write("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n")
    _openssl("req", "-new", *EC_KEY, "-keyout", inter.key, "-out", csr,
             "-subj", f"/CN=epsitter test {name}", cwd=directory)
    _openssl("x509", "-req", "-in", csr, "-CA", root.cert, "-CAkey", root.key, "-CAcreateserial",
             "-days", str(days), "-out", inter.cert, "-extfile", extensions, cwd=directory)
    return inter


def serial_hex(cert):
    """The certificate's serial number in lowercase hex, as `openssl x509 -serial` prints it."""
    out = subprocess.run(["openssl", "x509", "-noout", "-serial", "-in", cert.cert],
                         check=True, capture_output=True, text=True).stdout
    return out.strip().split("=", 1)[1].lower()


def sha256_fingerprint(cert):
    """Lowercase hex SHA-256 of the certificate's DER encoding."""
    with open(cert.cert) as f:
        der = ssl.PEM_cert_to_DER_cert(f.read())
    return hashlib.sha256(der).hexdigest()


def make_cert(directory, name, ca=None, days=30, hosts=("127.0.0.1", "localhost"), client=False):
    """A leaf certificate for `hosts`, signed by `ca` or self-signed when ca is None; days < 0
    makes an expired one (notAfter a day before notBefore)."""
    leaf = Cert(directory, name)
    usage = "extendedKeyUsage=clientAuth" if client else "extendedKeyUsage=serverAuth"
    if ca is None and days >= 0:
        _openssl("req", "-x509", *EC_KEY, "-keyout", leaf.key, "-out", leaf.cert,
                 "-days", str(days), "-subj", f"/CN={name}", "-addext", _san(hosts),
                 "-addext", usage, cwd=directory)
        return leaf
    csr = os.path.join(directory, name + ".csr")
    extensions = os.path.join(directory, name + ".ext")
    with open(extensions, "w") as f:
        f.write(_san(hosts) + "\n" + usage + "\n")
    _openssl("req", "-new", *EC_KEY, "-keyout", leaf.key, "-out", csr, "-subj", f"/CN={name}",
             cwd=directory)
    signer = ["-signkey", leaf.key] if ca is None else \
        ["-CA", ca.cert, "-CAkey", ca.key, "-CAcreateserial"]
    _openssl("x509", "-req", "-in", csr, *signer, "-days", str(days), "-out", leaf.cert,
             "-extfile", extensions, cwd=directory)
    return leaf


def chain_file(directory, name, *certs):
    """One PEM file with `certs` in order (leaf first): what a server sends as its chain."""
    path = os.path.join(directory, name + ".pem")
    with open(path, "w") as out:
        for cert in certs:
            with open(cert.cert) as f:
                out.write(f.read())
    return path


def server_context(cert_chain, key, client_ca=None):
    """A server-side SSLContext; with `client_ca`, clients must present a certificate it signed."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_chain, key)
    if client_ca is not None:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(client_ca.cert)
    return context


MutualTls = collections.namedtuple("MutualTls", "server_ca client_ca context")


def mutual_tls(directory):
    """A server certificate signed by one CA and a server context that requires client certificates
    signed by another: what a server that checks its clients looks like."""
    server_ca = make_ca(directory, "server-ca")
    client_ca = make_ca(directory, "client-ca")
    leaf = make_cert(directory, "server", ca=server_ca)
    return MutualTls(server_ca, client_ca, server_context(leaf.cert, leaf.key, client_ca=client_ca))


def client_context(ca=None, cert=None):
    """A client-side SSLContext that trusts `ca` (a Cert) and, with `cert`, presents it."""
    context = ssl.create_default_context(cafile=ca.cert if ca else None)
    if cert is not None:
        context.load_cert_chain(cert.cert, cert.key)
    return context


def bcrypt_hash(password, cost=5):
    """A bcrypt hash ($2b$) of `password`, as htpasswd -B or exporter-toolkit's docs make them:
    Python's crypt module (libxcrypt; deprecated but present in Debian's 3.11), else htpasswd."""
    try:
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            import crypt
        return crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=2 ** cost))
    except ImportError:
        out = subprocess.run(["htpasswd", "-nbB", "-C", str(cost), "user", password], check=True,
                             capture_output=True, text=True).stdout
        return out.strip().split(":", 1)[1]

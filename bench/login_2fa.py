#!/usr/bin/env python3
"""Log-in throughput and latency with TOTP two-factor auth on, and without.

Usage: python3 bench/login_2fa.py http://127.0.0.1:PORT [users]

Against a running me-server (loopback only). Signs up `users` accounts (60 by
default), enables 2FA on each with codes computed here (RFC 6238, SHA1, 6
digits, 30 s), waits for the next time step (a code is accepted once), then
logs every account in once, 8 at a time; then the same for accounts without
2FA. Standard library only.
"""
import base64, hashlib, hmac, json, struct, sys, time, urllib.error, urllib.parse, urllib.request
from concurrent.futures import ThreadPoolExecutor

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
N = int(sys.argv[2]) if len(sys.argv) > 2 else 60
if urllib.parse.urlparse(BASE).hostname not in ("127.0.0.1", "localhost", "::1"):
    sys.exit("login_2fa.py: only loopback URLs")
PASSWORD = "Correct-Horse-9"


def call(method, path, body=None, token=None):
    req = urllib.request.Request(BASE + path, data=json.dumps(body).encode() if body is not None else None, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, data = r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        status, data = e.code, json.loads(e.read() or b"null")
    return status, data, (time.perf_counter() - started) * 1000


def totp(key):
    raw = base64.b32decode(key + "=" * ((8 - len(key) % 8) % 8))
    digest = hmac.new(raw, struct.pack(">Q", int(time.time() // 30)), hashlib.sha1).digest()
    offset = digest[19] & 15
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def sign_up(prefix, i):
    email = f"{prefix}{i}-{time.time_ns()}@example.com"
    status, data, _ = call("POST", "/users", {"email": email, "firstName": "B", "lastName": "U",
                                              "password": PASSWORD, "acceptTerms": "on"})
    assert status == 201, data
    return email, data["token"]


def run(label, accounts):
    def log_in(account):
        email, key = account
        body = {"email": email, "password": PASSWORD}
        if key:
            body["twoFactorCode"] = totp(key)
        return call("POST", "/auth/user", body)

    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(log_in, accounts))
    elapsed = time.perf_counter() - started
    ms = sorted(r[2] for r in results)
    failed = sum(1 for r in results if r[0] != 200)
    print(f"{label}: {len(results)} log-ins, 8 at a time, {failed} failed, {len(results) / elapsed:.1f}/s, "
          f"p50 {ms[len(ms) // 2]:.1f} ms, p99 {ms[min(len(ms) - 1, int(len(ms) * 0.99))]:.1f} ms")


with_2fa = []
for i in range(N):
    email, token = sign_up("tf", i)
    _, info, _ = call("PATCH", "/me/generateTwoFactorAuth", None, token)
    status, data, _ = call("PATCH", "/me/enableTwoFactorAuth", {"password": PASSWORD, "twoFactorCode": totp(info["key"])}, token)
    assert status == 200, data
    with_2fa.append((email, info["key"]))
time.sleep(30 - time.time() % 30 + 0.5)  # the enabling code's step is spent
run("2FA on ", with_2fa)
run("2FA off", [(sign_up("pw", i)[0], None) for i in range(N)])

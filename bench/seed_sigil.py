#!/usr/bin/env python3
"""Prepares Sigil for bench/run the way a person and an application would: registers a
person, signs in, consents once, then runs the code flow N times to collect N refresh
tokens and an access token. Standard library only.

usage: seed_sigil.py PORT CLIENT_ID CLIENT_SECRET N OUT_DIR
"""
import base64
import hashlib
import http.client
import re
import secrets
import sys
import urllib.parse

port, client_id, secret, count, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
REDIRECT = "https://rp.example/callback"
conn = http.client.HTTPConnection("127.0.0.1", port)
cookies = {}


def call(method, path, form=None, headers=None):
    headers = dict(headers or {})
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read().decode()
    for value in resp.headers.get_all("Set-Cookie") or []:
        name, _, rest = value.partition("=")
        cookies[name] = rest.split(";", 1)[0]
    return resp.status, resp.headers, data


def authorize_path():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT,
        "scope": "openid profile email offline_access", "state": "s", "nonce": "n",
        "code_challenge": challenge, "code_challenge_method": "S256",
    })
    return f"/oauth/authorize?{query}", verifier


def code_of(location):
    return urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["code"][0]


basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def exchange(code, verifier):
    status, _, data = call("POST", "/oauth/token", {
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier,
    }, {"Authorization": f"Basic {basic}"})
    assert status == 200, data
    import json
    return json.loads(data)


call("GET", "/register")
status, _, data = call("POST", "/register", {"csrf": cookies["sigil_csrf"], "login": "ada", "password": "correct horse battery staple"})
assert status == 303, data
call("POST", "/profile/edit", {"csrf": cookies["sigil_csrf"], "block": "main", "given_name": "Ada", "family_name": "Lovelace", "nickname": "ada"})

path, verifier = authorize_path()
status, _, page = call("GET", path)
authz = re.search(r'name="authz" value="([^"]*)"', page).group(1).replace("&#38;", "&")
status, headers, _ = call("POST", "/oauth/consent", {"csrf": cookies["sigil_csrf"], "authz": authz, "decision": "approve"})
first = exchange(code_of(headers["Location"]), verifier)
refresh = [first["refresh_token"]]
last = first
for _ in range(count - 1):
    path, verifier = authorize_path()
    status, headers, _ = call("GET", path)
    assert status == 303, status
    last = exchange(code_of(headers["Location"]), verifier)
    refresh.append(last["refresh_token"])

# The newest access token: it must outlive the seeding (5 minutes).
with open(f"{out}/sigil-access-token", "w") as f:
    f.write(last["access_token"])
with open(f"{out}/sigil-refresh-tokens", "w") as f:
    f.write("\n".join(refresh) + "\n")

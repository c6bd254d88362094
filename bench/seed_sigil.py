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

# The rest in parallel: each worker its own connection, all with the one session.
import threading

WORKERS = 4
results = [[] for _ in range(WORKERS)]


def worker(i, n):
    mine = http.client.HTTPConnection("127.0.0.1", port)
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    for _ in range(n):
        path, verifier = authorize_path()
        mine.request("GET", path, headers={"Cookie": cookie})
        resp = mine.getresponse()
        resp.read()
        assert resp.status == 303, resp.status
        code = code_of(resp.headers["Location"])
        body = urllib.parse.urlencode({
            "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier,
        })
        mine.request("POST", "/oauth/token", body=body, headers={
            "Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded",
        })
        resp = mine.getresponse()
        data = resp.read().decode()
        assert resp.status == 200, data
        import json
        results[i].append(json.loads(data))


share = [(count - 1) // WORKERS + (1 if i < (count - 1) % WORKERS else 0) for i in range(WORKERS)]
threads = [threading.Thread(target=worker, args=(i, n)) for i, n in enumerate(share)]
for t in threads:
    t.start()
for t in threads:
    t.join()
answers = [first] + [r for rs in results for r in rs]
assert len(answers) == count, len(answers)
refresh = [a["refresh_token"] for a in answers]
last = answers[-1]

# The newest access token: it must outlive the seeding (5 minutes).
with open(f"{out}/sigil-access-token", "w") as f:
    f.write(last["access_token"])
with open(f"{out}/sigil-refresh-tokens", "w") as f:
    f.write("\n".join(refresh) + "\n")

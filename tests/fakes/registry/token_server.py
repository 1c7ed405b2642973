#!/usr/bin/env python3
# A registry token service for tests, as Docker Hub's auth.docker.io and the distribution
# registry's token authentication expect one: GET /token?service=…&scope=repository:NAME:ACTIONS
# with Basic credentials answers a JSON Web Token (RS256, the signing certificate in its x5c
# header) granting the scope's actions; a wrong password answers 401 in the registry's error
# format, the user "busy" 429 with Retry-After, as a rate-limited service does. Listens on the
# given loopback port; signs with `openssl dgst`.

import argparse
import base64
import json
import subprocess
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--key", required=True, help="PEM private key to sign with")
    parser.add_argument("--cert", required=True, help="PEM certificate of that key")
    parser.add_argument("--issuer", required=True)
    parser.add_argument("--service", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    args = parser.parse_args()

    with open(args.cert) as f:
        pem = f.read()
    der = base64.b64decode("".join(line for line in pem.splitlines()
                                   if line and not line.startswith("-----")))
    header = b64url(json.dumps({"typ": "JWT", "alg": "RS256",
                                "x5c": [base64.b64encode(der).decode()]}).encode())

    def sign(claims):
        payload = header + "." + b64url(json.dumps(claims).encode())
        signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", args.key],
                                   input=payload.encode(), capture_output=True, check=True).stdout
        return payload + "." + b64url(signature)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_):
            pass

        def answer(self, status, body, headers=()):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urllib.parse.urlparse(self.path)
            if url.path != "/token":
                self.answer(404, {"errors": [{"code": "NOT_FOUND", "message": "no such path"}]})
                return
            query = urllib.parse.parse_qs(url.query)
            user, password = "", ""
            given = self.headers.get("Authorization", "")
            if given.startswith("Basic "):
                user, _, password = base64.b64decode(given[6:]).decode().partition(":")
            if user == "busy":
                self.answer(429, {"errors": [{
                    "code": "TOOMANYREQUESTS",
                    "message": "You have reached your pull rate limit."}]},
                    [("Retry-After", "7")])
                return
            if user != args.user or password != args.password:
                self.answer(401, {"errors": [{
                    "code": "UNAUTHORIZED",
                    "message": "incorrect username or password"}]})
                return
            access = []
            for scope in query.get("scope", []):
                kind, _, rest = scope.partition(":")
                name, _, actions = rest.rpartition(":")
                access.append({"type": kind, "name": name,
                               "actions": [a for a in actions.split(",") if a]})
            now = int(time.time())
            token = sign({"iss": args.issuer, "sub": user, "aud": query.get("service", [""])[0],
                          "exp": now + 300, "nbf": now - 10, "iat": now,
                          "jti": "%d-%d" % (now, id(access)), "access": access})
            self.answer(200, {"token": token, "access_token": token, "expires_in": 300,
                              "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                         time.gmtime(now))})

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print("listening", flush=True)
    sys.stdout.close()
    server.serve_forever()


if __name__ == "__main__":
    main()

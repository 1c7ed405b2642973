#!/usr/bin/env python3
# Pushes a one-layer linux/amd64 image to a registry through the Registry HTTP API v2, the way
# `docker push` uploads it (blob uploads, then the manifest), without a Docker daemon: the layer
# holds one file with the given text, the config says when the image was created. Signs in with
# Basic credentials, or with a token from the realm a Bearer challenge names. Prints the
# manifest's digest.

import argparse
import base64
import gzip
import hashlib
import io
import json
import re
import ssl
import tarfile
import urllib.error
import urllib.parse
import urllib.request


def layer(text):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as archive:
        data = text.encode()
        info = tarfile.TarInfo("srv/content.txt")
        info.size = len(data)
        info.mtime = 0
        archive.addfile(info, io.BytesIO(data))
    tar = raw.getvalue()
    packed = io.BytesIO()
    with gzip.GzipFile(fileobj=packed, mode="wb", mtime=0) as out:
        out.write(tar)
    return tar, packed.getvalue()


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True, help="https://127.0.0.1:PORT")
    parser.add_argument("--ca", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--repository", required=True)
    parser.add_argument("--tag", required=True)
    parser.add_argument("--created", required=True, help="RFC 3339")
    parser.add_argument("--text", default="hello")
    args = parser.parse_args()

    context = ssl.create_default_context(cafile=args.ca)
    basic = "Basic " + base64.b64encode(("%s:%s" % (args.user, args.password)).encode()).decode()
    authorization = [basic]

    def bearer(challenge):
        # Bearer realm="…",service="…": a token for pushing to the repository.
        fields = dict(re.findall(r'(\w+)="([^"]*)"', challenge))
        query = urllib.parse.urlencode({"service": fields.get("service", ""),
                                        "scope": "repository:%s:pull,push" % args.repository})
        request = urllib.request.Request(fields["realm"] + "?" + query)
        request.add_header("Authorization", basic)
        with urllib.request.urlopen(request, context=context) as answer:
            return "Bearer " + json.loads(answer.read())["token"]

    def call(method, url, body=None, content_type=None, again=True):
        request = urllib.request.Request(url, data=body, method=method)
        request.add_header("Authorization", authorization[0])
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, context=context) as answer:
                return answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            challenge = error.headers.get("WWW-Authenticate", "")
            if error.code != 401 or not again or not challenge.lower().startswith("bearer"):
                raise
            authorization[0] = bearer(challenge)
            return call(method, url, body, content_type, False)

    def upload(blob):
        _, headers, _ = call("POST", "%s/v2/%s/blobs/uploads/" % (args.url, args.repository))
        location = urllib.parse.urljoin(args.url, headers["Location"])
        joiner = "&" if "?" in location else "?"
        call("PUT", location + joiner + "digest=" + urllib.parse.quote(digest(blob)), blob,
             "application/octet-stream")

    tar, packed = layer(args.text + "\n" + args.tag)
    config = json.dumps({"architecture": "amd64", "os": "linux", "created": args.created,
                         "config": {"Cmd": ["/bin/sh"]},
                         "rootfs": {"type": "layers", "diff_ids": [digest(tar)]}}).encode()
    upload(packed)
    upload(config)
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                   "size": len(config), "digest": digest(config)},
        "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": len(packed), "digest": digest(packed)}]}).encode()
    call("PUT", "%s/v2/%s/manifests/%s" % (args.url, args.repository, args.tag), manifest,
         "application/vnd.docker.distribution.manifest.v2+json")
    print(digest(manifest))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# A fake Kubernetes API server for Launchdeck's tests: discovery, CRUD, paged lists and watches of
# the common kinds over TLS, with client-certificate and bearer-token authentication. Python's
# standard library only. It listens on a loopback port it picks, writes that port to --port-file
# once it accepts connections, and runs until killed.
#
#   fake_apiserver.py --cert server.crt --key server.key --client-ca ca.crt \
#       --token admin-token --viewer-token read-only-token --port-file port

import argparse
import os
import signal
import ssl
import sys
from http.server import ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from handler import Handler  # noqa: E402 - after the path is set
from resources import BY_PATH  # noqa: E402
from store import Store  # noqa: E402

DEFAULT_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"]


class Server(ThreadingHTTPServer):
    daemon_threads = True
    verbose = False

    def handle_error(self, request, client_address):
        # A client that hangs up or fails the TLS handshake is not the server's fault.
        kind = sys.exc_info()[0]
        if kind and issubclass(kind, (ssl.SSLError, ConnectionError, OSError)):
            return
        super().handle_error(request, client_address)


def seed(store):
    for name in DEFAULT_NAMESPACES:
        store.create(BY_PATH[("", "namespaces")], None, {
            "metadata": {"name": name, "labels": {"kubernetes.io/metadata.name": name}},
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
    store.create(BY_PATH[("", "nodes")], None, {
        "metadata": {"name": "fake-node-1", "labels": {"kubernetes.io/hostname": "fake-node-1",
                                                       "kubernetes.io/os": "linux"}},
        "spec": {},
        "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}],
                   "nodeInfo": {"kubeletVersion": "v1.31.0", "architecture": "amd64",
                                "operatingSystem": "linux"}}})
    for name in DEFAULT_NAMESPACES:
        store.create(BY_PATH[("", "serviceaccounts")], name, {"metadata": {"name": "default"}})


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cert", required=True, help="the server's certificate (PEM)")
    parser.add_argument("--key", required=True, help="the server's private key (PEM)")
    parser.add_argument("--client-ca", required=True, help="CA that signs client certificates")
    parser.add_argument("--token", action="append", default=[],
                        help="a bearer token with full access (repeatable)")
    parser.add_argument("--viewer-token", action="append", default=[],
                        help="a bearer token that may only get, list and watch (repeatable)")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--port-file", help="where to write the port once listening")
    parser.add_argument("--bookmark-seconds", type=float, default=1.0,
                        help="how often a watch that allows bookmarks gets one")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args()

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    context.load_verify_locations(args.client_ca)
    context.verify_mode = ssl.CERT_OPTIONAL

    store = Store()
    seed(store)
    Handler.store = store
    Handler.bookmark_seconds = args.bookmark_seconds
    Handler.tokens = {token: ("admin", True) for token in args.token}
    Handler.tokens.update({token: ("viewer", False) for token in args.viewer_token})

    server = Server(("127.0.0.1", args.port), Handler)
    server.verbose = args.verbose
    # The handshake runs in the request's thread, so a client that stalls in it blocks no other.
    server.socket = context.wrap_socket(server.socket, server_side=True,
                                        do_handshake_on_connect=False)
    port = server.server_address[1]
    if args.port_file:
        with open(args.port_file + ".part", "w") as out:
            out.write("%d\n" % port)
        os.replace(args.port_file + ".part", args.port_file)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("fake API server listening on https://127.0.0.1:%d" % port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# A fake Kubernetes API server for Launchdeck's tests: discovery and OpenAPI v3, CRUD, PATCH,
# paged lists and watches of the common kinds over TLS, with client-certificate and bearer-token
# authentication; the scale, status and log subresources; metrics.k8s.io; server-side apply
# with managedFields and conflicts; SelfSubjectAccessReview and per-user denials; ResourceQuota
# admission; and controllers that run Deployments, ReplicaSets, StatefulSets, DaemonSets and
# their pods. Python's standard library only. It listens on a loopback port it picks, writes
# that port to --port-file once it accepts connections, and runs until killed.
#
#   fake_apiserver.py --cert server.crt --key server.key --client-ca ca.crt \
#       --token admin-token --viewer-token read-only-token --port-file port \
#       [--restricted-token token --restricted-deny "patch deployments.apps" ...] \
#       [--ready-seconds 1] [--log-interval-ms 500] [--no-metrics]

import argparse
import os
import signal
import socket
import ssl
import sys
from http.server import ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import access  # noqa: E402 - after the path is set
import resources  # noqa: E402
from controller import Controllers  # noqa: E402
from handler import Handler  # noqa: E402
from logs import LogBook  # noqa: E402
from quota import QuotaAdmission  # noqa: E402
from resources import BY_PATH  # noqa: E402
from store import Store  # noqa: E402

DEFAULT_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"]


class Server(ThreadingHTTPServer):
    daemon_threads = True
    verbose = False

    def get_request(self):
        # Headers and body go out in separate writes: without TCP_NODELAY every answer on a
        # kept-alive connection waits out the client's delayed acknowledgement (about 40 ms).
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address

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
        "spec": {"podCIDR": "10.244.0.0/24"},
        "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                                   "message": "kubelet is posting ready status"}],
                   "addresses": [{"type": "InternalIP", "address": "10.0.0.1"},
                                 {"type": "Hostname", "address": "fake-node-1"}],
                   "capacity": {"cpu": "4", "memory": "8148172Ki", "pods": "110"},
                   "allocatable": {"cpu": "4", "memory": "8045772Ki", "pods": "110"},
                   "nodeInfo": {"kubeletVersion": "v1.31.0", "architecture": "amd64",
                                "operatingSystem": "linux",
                                "containerRuntimeVersion": "containerd://1.7.18"}}})
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
    parser.add_argument("--restricted-token", action="append", default=[],
                        help='a bearer token of the user "restricted" (repeatable)')
    parser.add_argument("--restricted-deny", action="append", default=[],
                        help='what "restricted" may not do: "VERB RESOURCE[.GROUP][/SUB]" '
                             '(repeatable), e.g. "patch deployments.apps"')
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--port-file", help="where to write the port once listening")
    parser.add_argument("--bookmark-seconds", type=float, default=1.0,
                        help="how often a watch that allows bookmarks gets one")
    parser.add_argument("--ready-seconds", type=float, default=1.0,
                        help="how long a pod takes to become Running and Ready")
    parser.add_argument("--log-interval-ms", type=float, default=500,
                        help="how often a running container writes a log line")
    parser.add_argument("--no-metrics", action="store_true",
                        help="serve no metrics.k8s.io group, as a cluster without metrics-server")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args()

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    context.load_verify_locations(args.client_ca)
    context.verify_mode = ssl.CERT_OPTIONAL

    if args.no_metrics:
        resources.disable_group(resources.METRICS_GROUP)
    try:
        access.deny("restricted", args.restricted_deny)
    except ValueError as error:
        parser.error(str(error))
    store = Store()
    store.admission.append(QuotaAdmission(store))
    seed(store)
    logbook = LogBook(args.log_interval_ms)
    Handler.store = store
    Handler.logbook = logbook
    Handler.bookmark_seconds = args.bookmark_seconds
    Handler.tokens = {token: ("admin", True) for token in args.token}
    Handler.tokens.update({token: ("viewer", False) for token in args.viewer_token})
    Handler.tokens.update({token: ("restricted", True) for token in args.restricted_token})

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
    Controllers(store, logbook, args.ready_seconds).start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("fake API server listening on https://127.0.0.1:%d" % port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

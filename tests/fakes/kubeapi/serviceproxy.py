# The service proxy of the API server (/api/v1/namespaces/NS/services/NAME[:PORT]/proxy/PATH):
# the Service's port is resolved as kube-apiserver resolves it, one of the Ready pods its
# selector matches is picked in turn, and that pod answers as a tiny web server would: its name,
# image and the request it got, or a 500 when its image's tag ends in "-http500". Pods are read
# again at every request, so that a rollout, a pod turning unready or a deletion shows at once.

import threading
from urllib.parse import urlsplit

from kubelet import is_ready
from resources import BY_PATH
from status import ApiError, path_not_found

SERVICES = BY_PATH[("", "services")]
PODS = BY_PATH[("", "pods")]
PREFIX = "/api/v1/namespaces/"
FAILING_TAG = "-http500"
# kube-apiserver's RequestInfo: the verb a proxy request is authorised with, by its method.
VERBS = {"GET": "get", "HEAD": "get", "OPTIONS": "get", "POST": "create", "PUT": "update",
         "PATCH": "patch", "DELETE": "delete"}

_turns = {}  # (namespace, service) -> count of requests served, for the round robin
_turns_lock = threading.Lock()


class Target:
    """A parsed proxy path: namespace, the NAME segment as sent, the Service and port asked
    for, and the path and query the pod gets."""

    def __init__(self, namespace, segment, service, port, path, query):
        self.namespace = namespace
        self.segment = segment
        self.service = service
        self.port = port
        self.path = path
        self.query = query


def parse(raw_path):
    """The Target of a request path (the query included), or None when it is no proxy path."""
    url = urlsplit(raw_path)
    if not url.path.startswith(PREFIX):
        return None
    parts = url.path[len(PREFIX):].split("/", 4)
    if len(parts) < 4 or parts[1] != "services" or parts[3] != "proxy" or not parts[0]:
        return None
    rest = "/" + parts[4] if len(parts) == 5 else "/"
    service, port = _split_name(parts[2])
    return Target(parts[0], parts[2], service, port, rest, url.query)


def _split_name(segment):
    # "name", "name:port" or "scheme:name:port", as net.SplitSchemeNamePort reads it.
    pieces = segment.split(":")
    if len(pieces) == 3 and pieces[0] in ("", "http", "https"):
        return pieces[1], pieces[2]
    if len(pieces) == 2:
        return pieces[0], pieces[1]
    if len(pieces) == 1:
        return pieces[0], ""
    return None, None


def verb(method):
    return VERBS.get(method, method.lower())


def serve(handler, method, target, body):
    """Answers one proxied request through `handler` (the HTTP handler of the connection);
    failures of the API server's own raise ApiError, which the handler turns into a Status."""
    if not target.service:
        raise path_not_found()
    service = handler.store.get(SERVICES, target.namespace, target.service)
    port_name = _port_name(service, target)
    pods = _endpoints(handler.store, service, target.namespace)
    if port_name is None or not pods:
        raise ApiError(503, "ServiceUnavailable",
                       'no endpoints available for service "%s"' % target.service)
    with _turns_lock:
        key = (target.namespace, target.service)
        turn = _turns.get(key, 0)
        _turns[key] = turn + 1
    pod = pods[turn % len(pods)]
    containers = pod.get("spec", {}).get("containers") or [{}]
    image = containers[0].get("image", "")
    asked = target.path + ("?" + target.query if target.query else "")
    text = "pod %s image %s: %s %s" % (pod["metadata"]["name"], image, method, asked)
    if body:
        text += " (%d bytes)" % len(body)
    code = 200
    if _tag(image).endswith(FAILING_TAG):
        code, text = 500, text + " failed: internal server error"
    handler._send_bytes(code, "text/plain; charset=utf-8", (text + "\n").encode())


def _port_name(service, target):
    # A number names the Service port with that number, a name the port with that name, and
    # no port the unnamed one; what matches no port of the Service finds no endpoint.
    ports = (service.get("spec") or {}).get("ports") or []
    for port in ports:
        name = port.get("name") or ""
        if name == target.port or (target.port.isdigit() and
                                   str(port.get("port")) == target.port):
            return name
    if target.port.isdigit():
        raise ApiError(503, "ServiceUnavailable", 'no service port %s found for service "%s"'
                       % (target.port, target.service))
    return None


def _endpoints(store, service, namespace):
    # The Ready pods the selector matches, as the EndpointSlice controller lists them; a
    # Service without a selector has no endpoints of its own here.
    selector = (service.get("spec") or {}).get("selector") or {}
    if not selector:
        return []
    pods = []
    for pod in store.select(PODS, namespace):
        labels = pod["metadata"].get("labels") or {}
        if pod["metadata"].get("deletionTimestamp") or not is_ready(pod):
            continue
        if all(labels.get(key) == value for key, value in selector.items()):
            pods.append(pod)
    return pods


def _tag(image):
    # "registry:5000/web:v2-http500@sha256:…" -> "v2-http500"
    image = image.split("@", 1)[0]
    last = image.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else ""


# metrics.k8s.io/v1beta1 as metrics-server serves it: PodMetrics of the running pods and
# NodeMetrics of the nodes, computed on request. Usage is deterministic (a hash of the
# namespace, pod and container names) so that a test can compare what a client shows with what
# kubectl top prints.

import datetime
import hashlib

from resources import BY_PATH
from status import ApiError
from store import Filter

WINDOW = "30s"
NODE_BASE_NANOCORES = 100_000_000
NODE_BASE_KIB = 512_000


def _number(text):
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def container_usage(namespace, pod, container):
    """(nanocores, KiB) a container uses, the same on every request."""
    seed = _number("%s/%s/%s" % (namespace, pod, container))
    return 1_000_000 + seed % 99_000_000, 1024 + (seed >> 20) % 200_000


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _usage(nanocores, kib):
    return {"cpu": "%dn" % nanocores, "memory": "%dKi" % kib}


def _running(pod):
    return (pod.get("status") or {}).get("phase") == "Running"


def pod_metrics(pod):
    meta = pod["metadata"]
    containers = [{"name": c["name"],
                   "usage": _usage(*container_usage(meta["namespace"], meta["name"], c["name"]))}
                  for c in pod.get("spec", {}).get("containers", [])]
    return {"kind": "PodMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
            "metadata": {"name": meta["name"], "namespace": meta["namespace"],
                         "creationTimestamp": _now(), "labels": meta.get("labels", {})},
            "timestamp": _now(), "window": WINDOW, "containers": containers}


def node_metrics(node, pods):
    name = node["metadata"]["name"]
    cpu, memory = NODE_BASE_NANOCORES, NODE_BASE_KIB
    for pod in pods:
        if pod.get("spec", {}).get("nodeName") == name:
            for container in pod.get("spec", {}).get("containers", []):
                used = container_usage(pod["metadata"]["namespace"], pod["metadata"]["name"],
                                       container["name"])
                cpu, memory = cpu + used[0], memory + used[1]
    return {"kind": "NodeMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
            "metadata": {"name": name, "creationTimestamp": _now(),
                         "labels": node["metadata"].get("labels", {})},
            "timestamp": _now(), "window": WINDOW, "usage": _usage(cpu, memory)}


def document(store, resource, namespace, name, query):
    """The PodMetrics or NodeMetrics (list) a GET of `resource` asks for."""
    pods = [p for p in store.select(BY_PATH[("", "pods")]) if _running(p)]
    if resource.kind == "PodMetrics":
        wanted = Filter(BY_PATH[("", "pods")], namespace, query.get("labelSelector"),
                        query.get("fieldSelector"))
        items = [pod_metrics(p) for p in pods if wanted.matches(p)
                 and (name is None or p["metadata"]["name"] == name)]
    else:
        wanted = Filter(BY_PATH[("", "nodes")], None, query.get("labelSelector"),
                        query.get("fieldSelector"))
        items = [node_metrics(n, pods) for n in store.select(BY_PATH[("", "nodes")])
                 if wanted.matches(n) and (name is None or n["metadata"]["name"] == name)]
    if name is None:
        return {"kind": resource.kind + "List", "apiVersion": "metrics.k8s.io/v1beta1",
                "metadata": {}, "items": items}
    if not items:
        # metrics-server names a pod with its namespace.
        shown = "%s/%s" % (namespace, name) if namespace else name
        raise ApiError(404, "NotFound", '%s.metrics.k8s.io "%s" not found'
                       % (resource.name, shown),
                       {"name": shown, "group": "metrics.k8s.io", "kind": resource.name})
    return items[0]

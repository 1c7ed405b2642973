# The kinds the fake serves and the discovery documents kubectl reads to map a kind or short name
# to a path (/api, /api/v1, /apis, /apis/GROUP/VERSION), shaped as kube-apiserver's, with the
# subresources handler.py routes (scale, status, log) as "plural/sub" entries and the
# metrics.k8s.io group of metrics-server unless it is switched off.

CRUD_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
# Verbs the fake carries out; discovery announces the real server's list (patch, deletecollection
# included) so that kubectl picks the same code paths it would against a cluster.
SERVED_VERBS = {"create", "delete", "get", "list", "update", "watch", "patch"}
SCALE = {"group": "autoscaling", "version": "v1", "kind": "Scale"}


class Resource:
    def __init__(self, name, singular, kind, group, namespaced, short_names=(), categories=(),
                 generation=False, status=False, scale=False, version="v1", verbs=None,
                 stored=True):
        self.name = name
        self.singular = singular
        self.kind = kind
        self.group = group
        self.version = version
        self.verbs = verbs or CRUD_VERBS
        # False for kinds computed on request (metrics, access reviews), never stored.
        self.stored = stored
        self.scale = scale  # a /scale subresource
        self.namespaced = namespaced
        self.short_names = list(short_names)
        self.categories = list(categories)
        # Kinds whose real objects carry metadata.generation, bumped on a spec change.
        self.generation = generation
        # Kinds with a status subresource: a PUT of the object keeps the stored status.
        self.status = status

    @property
    def api_version(self):
        return self.group + "/" + self.version if self.group else self.version

    def discovery(self):
        entry = {"name": self.name, "singularName": self.singular, "namespaced": self.namespaced,
                 "kind": self.kind, "verbs": self.verbs}
        if self.short_names:
            entry["shortNames"] = self.short_names
        if self.categories:
            entry["categories"] = self.categories
        entries = [entry]
        sub = {"singularName": "", "namespaced": self.namespaced, "kind": self.kind,
               "verbs": ["get", "patch", "update"]}
        if self.status:
            entries.append(dict(sub, name=self.name + "/status"))
        if self.scale:
            entries.append(dict(sub, name=self.name + "/scale", **SCALE))
        if self.name == "pods" and not self.group:
            entries.append(dict(sub, name="pods/log", verbs=["get"]))
        return entries


RESOURCES = [
    Resource("namespaces", "namespace", "Namespace", "", False, ["ns"], status=True),
    Resource("nodes", "node", "Node", "", False, ["no"], status=True),
    Resource("pods", "pod", "Pod", "", True, ["po"], ["all"], status=True),
    Resource("services", "service", "Service", "", True, ["svc"], ["all"], status=True),
    Resource("configmaps", "configmap", "ConfigMap", "", True, ["cm"]),
    Resource("secrets", "secret", "Secret", "", True),
    Resource("events", "event", "Event", "", True, ["ev"]),
    Resource("serviceaccounts", "serviceaccount", "ServiceAccount", "", True, ["sa"]),
    Resource("persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", "", True,
             ["pvc"], status=True),
    Resource("resourcequotas", "resourcequota", "ResourceQuota", "", True, ["quota"],
             status=True),
    Resource("deployments", "deployment", "Deployment", "apps", True, ["deploy"], ["all"],
             generation=True, status=True, scale=True),
    Resource("replicasets", "replicaset", "ReplicaSet", "apps", True, ["rs"], ["all"],
             generation=True, status=True, scale=True),
    Resource("statefulsets", "statefulset", "StatefulSet", "apps", True, ["sts"], ["all"],
             generation=True, status=True, scale=True),
    Resource("daemonsets", "daemonset", "DaemonSet", "apps", True, ["ds"], ["all"],
             generation=True, status=True),
    Resource("ingresses", "ingress", "Ingress", "networking.k8s.io", True, ["ing"],
             generation=True, status=True),
    Resource("networkpolicies", "networkpolicy", "NetworkPolicy", "networking.k8s.io", True,
             ["netpol"], generation=True),
    # Answered on request (access.py), never kept: may the asking user do something?
    Resource("selfsubjectaccessreviews", "selfsubjectaccessreview", "SelfSubjectAccessReview",
             "authorization.k8s.io", False, verbs=["create"], stored=False),
    # metrics-server's kinds: computed on request, read only.
    Resource("pods", "", "PodMetrics", "metrics.k8s.io", True, version="v1beta1",
             verbs=["get", "list"], stored=False),
    Resource("nodes", "", "NodeMetrics", "metrics.k8s.io", False, version="v1beta1",
             verbs=["get", "list"], stored=False),
]

METRICS_GROUP = "metrics.k8s.io"
# Groups besides the core one -> their single served version. handler.py drops the metrics
# group when the server runs with --no-metrics.
GROUP_VERSIONS = {"apps": "v1", "networking.k8s.io": "v1", "authorization.k8s.io": "v1",
                  METRICS_GROUP: "v1beta1"}
GROUPS = list(GROUP_VERSIONS)

# (group, plural) -> resource; the core group is "".
BY_PATH = {(r.group, r.name): r for r in RESOURCES}

SERVER_VERSION = {
    "major": "1",
    "minor": "31",
    "gitVersion": "v1.31.0",
    "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean",
    "buildDate": "2024-08-13T00:00:00Z",
    "goVersion": "go1.22.5",
    "compiler": "gc",
    "platform": "linux/amd64",
}


def core_versions():
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": ""}]}


def _version(name):
    version = GROUP_VERSIONS[name]
    return {"groupVersion": name + "/" + version, "version": version}


def group_list():
    groups = [{"name": g, "versions": [_version(g)], "preferredVersion": _version(g)}
              for g in GROUPS]
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def group(name):
    if name not in GROUPS:
        return None
    return {"kind": "APIGroup", "apiVersion": "v1", "name": name, "versions": [_version(name)],
            "preferredVersion": _version(name)}


def served_version(group_name):
    """The version the fake serves of a group ("" for the core group), None when unknown."""
    return "v1" if not group_name else (GROUP_VERSIONS.get(group_name)
                                        if group_name in GROUPS else None)


def disable_group(name):
    GROUPS.remove(name)


def resource_list(group_name):
    """The APIResourceList of GROUP/VERSION ("" for the core group), or None for an unknown
    group."""
    version = served_version(group_name)
    if version is None:
        return None
    entries = [e for r in RESOURCES if r.group == group_name for e in r.discovery()]
    return {"kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": group_name + "/" + version if group_name else "v1",
            "resources": entries}

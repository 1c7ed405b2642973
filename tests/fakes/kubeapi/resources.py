# The kinds the fake serves and the discovery documents kubectl reads to map a kind or short name
# to a path (/api, /api/v1, /apis, /apis/GROUP/VERSION), shaped as kube-apiserver's. Subresources
# (scale, status, log) are announced here as "plural/sub" entries once handler.py routes them.

CRUD_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
# Verbs the fake carries out; discovery announces the real server's list (patch, deletecollection
# included) so that kubectl picks the same code paths it would against a cluster.
SERVED_VERBS = {"create", "delete", "get", "list", "update", "watch"}


class Resource:
    def __init__(self, name, singular, kind, group, namespaced, short_names=(), categories=(),
                 generation=False, status=False):
        self.name = name
        self.singular = singular
        self.kind = kind
        self.group = group
        self.version = "v1"
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
                 "kind": self.kind, "verbs": CRUD_VERBS}
        if self.short_names:
            entry["shortNames"] = self.short_names
        if self.categories:
            entry["categories"] = self.categories
        return entry


RESOURCES = [
    Resource("namespaces", "namespace", "Namespace", "", False, ["ns"], status=True),
    Resource("nodes", "node", "Node", "", False, ["no"], status=True),
    Resource("pods", "pod", "Pod", "", True, ["po"], ["all"], status=True),
    Resource("services", "service", "Service", "", True, ["svc"], ["all"], status=True),
    Resource("configmaps", "configmap", "ConfigMap", "", True, ["cm"]),
    Resource("secrets", "secret", "Secret", "", True),
    Resource("events", "event", "Event", "", True, ["ev"]),
    Resource("serviceaccounts", "serviceaccount", "ServiceAccount", "", True, ["sa"]),
    Resource("deployments", "deployment", "Deployment", "apps", True, ["deploy"], ["all"],
             generation=True, status=True),
    Resource("replicasets", "replicaset", "ReplicaSet", "apps", True, ["rs"], ["all"],
             generation=True, status=True),
    Resource("statefulsets", "statefulset", "StatefulSet", "apps", True, ["sts"], ["all"],
             generation=True, status=True),
    Resource("daemonsets", "daemonset", "DaemonSet", "apps", True, ["ds"], ["all"],
             generation=True, status=True),
    Resource("ingresses", "ingress", "Ingress", "networking.k8s.io", True, ["ing"],
             generation=True, status=True),
]

# Groups besides the core one, with their single served version.
GROUPS = ["apps", "networking.k8s.io"]

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


def group_list():
    groups = []
    for group in GROUPS:
        version = {"groupVersion": group + "/v1", "version": "v1"}
        groups.append({"name": group, "versions": [version], "preferredVersion": version})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def group(name):
    if name not in GROUPS:
        return None
    version = {"groupVersion": name + "/v1", "version": "v1"}
    return {"kind": "APIGroup", "apiVersion": "v1", "name": name, "versions": [version],
            "preferredVersion": version}


def resource_list(group_name):
    """The APIResourceList of GROUP/v1 ("" for the core group), or None for an unknown group."""
    if group_name and group_name not in GROUPS:
        return None
    entries = [r.discovery() for r in RESOURCES if r.group == group_name]
    return {"kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": group_name + "/v1" if group_name else "v1", "resources": entries}

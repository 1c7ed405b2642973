# The defaults kube-apiserver fills into workloads and pod templates on every write
# (pkg/apis/apps/v1/defaults.go, core/v1/defaults.go), so that what kubectl reads back, compares
# (rollout undo) and patches looks as it would on a cluster. Also the helpers the controllers
# share: the template hash and random pod name suffixes.

import copy
import hashlib
import json
import random

SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
HASH_LABEL = "pod-template-hash"


def _container(container):
    image = container.get("image", "")
    tag = image.rsplit("/", 1)[-1]
    pull = "Always" if (":" not in tag or tag.endswith(":latest")) and "@" not in tag \
        else "IfNotPresent"
    container.setdefault("imagePullPolicy", pull)
    container.setdefault("resources", {})
    container.setdefault("terminationMessagePath", "/dev/termination-log")
    container.setdefault("terminationMessagePolicy", "File")
    for port in container.get("ports") or []:
        if isinstance(port, dict):
            port.setdefault("protocol", "TCP")


def pod_spec(spec):
    if not isinstance(spec, dict):
        return
    for field in ("containers", "initContainers"):
        for container in spec.get(field) or []:
            if isinstance(container, dict):
                _container(container)
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")


def _requests_from_limits(spec):
    # A pod's (not a template's) container that sets a limit and no request for a resource
    # requests its limit, as SetDefaults_Pod does: what a ResourceQuota counts.
    for field in ("containers", "initContainers"):
        for container in spec.get(field) or []:
            resources = container.get("resources") if isinstance(container, dict) else None
            if isinstance(resources, dict) and isinstance(resources.get("limits"), dict) and \
                    resources["limits"]:
                requests = resources.setdefault("requests", {})
                if isinstance(requests, dict):
                    for name, value in resources["limits"].items():
                        requests.setdefault(name, value)


def _template(spec):
    template = spec.get("template")
    if isinstance(template, dict):
        template.setdefault("metadata", {})
        pod_spec(template.setdefault("spec", {}))


def apply(resource, obj):
    """Fills the defaults of `resource`'s kind into `obj` in place."""
    spec = obj.get("spec")
    if resource.group not in ("", "apps") or not isinstance(spec, dict):
        return
    kind = resource.kind
    if kind == "Pod":
        pod_spec(spec)
        _requests_from_limits(spec)
        return
    if kind not in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"):
        return
    _template(spec)
    if kind != "DaemonSet":
        spec.setdefault("replicas", 1)
    if kind == "Deployment":
        strategy = spec.setdefault("strategy", {})
        strategy.setdefault("type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            rolling = strategy.setdefault("rollingUpdate", {})
            rolling.setdefault("maxSurge", "25%")
            rolling.setdefault("maxUnavailable", "25%")
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault("progressDeadlineSeconds", 600)
    elif kind == "StatefulSet":
        spec.setdefault("podManagementPolicy", "OrderedReady")
        spec.setdefault("updateStrategy", {"type": "RollingUpdate",
                                           "rollingUpdate": {"partition": 0}})
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault("persistentVolumeClaimRetentionPolicy",
                        {"whenDeleted": "Retain", "whenScaled": "Retain"})
    elif kind == "DaemonSet":
        spec.setdefault("updateStrategy", {"type": "RollingUpdate", "rollingUpdate": {
            "maxUnavailable": 1, "maxSurge": 0}})
        spec.setdefault("revisionHistoryLimit", 10)


def without_hash(template):
    """A pod template without the pod-template-hash label a ReplicaSet's copy carries."""
    template = copy.deepcopy(template or {})
    labels = template.get("metadata", {}).get("labels")
    if labels:
        labels.pop(HASH_LABEL, None)
    return template


def same_template(replicaset_template, template):
    """Whether a ReplicaSet runs `template`, as the Deployment controller compares them: the
    hash label aside and a null creationTimestamp (what a typed client such as kubectl's writes
    into a template) equal to none."""
    def plain(value):
        value = without_hash(value)
        meta = value.get("metadata")
        if isinstance(meta, dict) and meta.get("creationTimestamp", 0) is None:
            del meta["creationTimestamp"]
        return value
    return plain(replicaset_template) == plain(template)


def template_hash(template, salt=""):
    """A stable short hash of a pod template, spelled as the controllers spell theirs."""
    text = json.dumps(without_hash(template), sort_keys=True) + salt
    number = str(int(hashlib.sha256(text.encode()).hexdigest()[:8], 16))
    return "".join(SAFE_ALPHABET[ord(c) % len(SAFE_ALPHABET)] for c in number)


def random_suffix(length=5):
    return "".join(random.choice(SAFE_ALPHABET) for _ in range(length))


def controller_uid(obj):
    for owner in obj["metadata"].get("ownerReferences") or []:
        if owner.get("controller"):
            return owner.get("uid")
    return None


def owner_reference(owner):
    return {"apiVersion": owner["apiVersion"], "kind": owner["kind"],
            "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"],
            "controller": True, "blockOwnerDeletion": True}


def resolve(value, total, round_up):
    """An IntOrString such as maxSurge ("25%" or 1) against `total`."""
    if isinstance(value, str) and value.endswith("%"):
        try:
            percent = int(value[:-1])
        except ValueError:
            return 0
        scaled = percent * total
        return -(-scaled // 100) if round_up else scaled // 100
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0

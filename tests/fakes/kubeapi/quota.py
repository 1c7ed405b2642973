# ResourceQuota as kube-apiserver's quota admission and kube-controller-manager's quota
# controller keep it: status.hard copied from spec.hard, status.used counted from the
# namespace's non-terminated pods (pods, cpu, memory, requests.*, limits.*) and objects
# (count/<resource>, services, configmaps, secrets, ...), and a creation that would exceed a
# quota, or a pod that does not ask for a resource a quota limits, refused with 403 Forbidden in
# the admission plugin's words.

import quantity
from resources import BY_PATH
from status import bad_request, forbidden_because

QUOTAS = BY_PATH[("", "resourcequotas")]
PODS = BY_PATH[("", "pods")]
# The compute resources a pod's usage names, and those each container must ask for
# explicitly once a quota limits them (the evaluator's "must specify").
COMPUTE = ("cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory")
POD_RESOURCES = set(COMPUTE) | {"pods", "count/pods"}
# Core kinds a quota may also count by their plain name.
PLAIN_COUNTS = {"services", "configmaps", "secrets", "resourcequotas", "persistentvolumeclaims",
                "replicationcontrollers"}


def _terminated(pod):
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed") or \
        pod["metadata"].get("deletionTimestamp")


def _container_quantity(container, kind, name):
    value = ((container.get("resources") or {}).get(kind) or {}).get(name)
    try:
        return None if value is None else quantity.parse(value)
    except ValueError:
        return None


def pod_usage(pod):
    """What one pod counts against a quota: {resource name: Quantity}. Init containers run
    before the others, so a pod needs the larger of their largest and the others' sum."""
    if _terminated(pod):
        return {}
    spec = pod.get("spec") or {}
    usage = {"pods": quantity.Quantity(1), "count/pods": quantity.Quantity(1)}
    for kind in ("requests", "limits"):
        for name in ("cpu", "memory"):
            total = None
            for container in spec.get("containers") or []:
                amount = _container_quantity(container, kind, name)
                if amount is not None:
                    total = amount if total is None else total + amount
            for container in spec.get("initContainers") or []:
                amount = _container_quantity(container, kind, name)
                if amount is not None and (total is None or amount.value > total.value):
                    total = amount
            if total is not None:
                usage[kind + "." + name] = total
                if kind == "requests":
                    usage[name] = total
    return usage


def count_names(resource):
    names = {"count/" + resource.name + ("." + resource.group if resource.group else "")}
    if not resource.group and resource.name in PLAIN_COUNTS:
        names.add(resource.name)
    return names


def object_usage(resource, obj):
    if resource is PODS:
        return pod_usage(obj)
    return {name: quantity.Quantity(1) for name in count_names(resource)}


def _hard(quota):
    hard = {}
    for name, value in ((quota.get("spec") or {}).get("hard") or {}).items():
        try:
            hard[name] = quantity.parse(value)
        except ValueError:
            continue
    return hard


def used(store, namespace, names):
    """The namespace's usage of each resource in `names`, "0" where nothing counts."""
    totals = {}

    def add(usage):
        for name, amount in usage.items():
            if name in names:
                totals[name] = totals[name] + amount if name in totals else amount

    if names & POD_RESOURCES:
        for pod in store.select(PODS, namespace):
            add(pod_usage(pod))
    for resource in {r for r in BY_PATH.values() if r.stored and r.namespaced}:
        if resource is not PODS and count_names(resource) & names:
            for obj in store.select(resource, namespace):
                add(object_usage(resource, obj))
    return {name: totals.get(name) or quantity.zero() for name in names}


def quota_status(store, namespace, quota):
    hard = _hard(quota)
    usage = used(store, namespace, set(hard))
    return {"hard": {name: str(amount) for name, amount in hard.items()},
            "used": {name: str(usage[name]) for name in hard}}


def refresh(store, namespace=None):
    """The quota controller's pass: every quota's status recomputed (written when it changed)."""
    if not store.count(QUOTAS):
        return
    for quota in store.select(QUOTAS, namespace):
        meta = quota["metadata"]
        status = quota_status(store, meta["namespace"], quota)
        if quota.get("status") == status:
            continue

        def write(current, status=status):
            current["status"] = status
            return current

        store.modify(QUOTAS, meta["namespace"], meta["name"], write)


def _pretty(amounts):
    return ",".join("%s=%s" % (name, amounts[name]) for name in sorted(amounts))


def _missing_requests(pod, limited):
    """The evaluator's "must specify" text for the compute resources `limited` that some
    container does not ask for, or None."""
    missing = {}
    spec = pod.get("spec") or {}
    for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        resources = container.get("resources") or {}
        has = set()
        for kind in ("requests", "limits"):
            for name in (resources.get(kind) or {}):
                if name in ("cpu", "memory"):
                    has.add(kind + "." + name)
                    if kind == "requests":
                        has.add(name)
        for name in limited - has:
            missing.setdefault(name, set()).add(container.get("name", ""))
    if not missing:
        return None
    return "must specify " + "; ".join("%s for: %s" % (name, ",".join(sorted(missing[name])))
                                       for name in sorted(missing))


class QuotaAdmission:
    """The store's admission hook: quota checks before a creation, usage after it."""

    def __init__(self, store):
        self.store = store

    def admit(self, resource, namespace, obj):
        if resource is QUOTAS:
            for name, value in ((obj.get("spec") or {}).get("hard") or {}).items():
                try:
                    quantity.parse(value)
                except ValueError as error:
                    raise bad_request('spec.hard[%s]: Invalid value: "%s": %s'
                                      % (name, value, error)) from None
            obj["status"] = quota_status(self.store, namespace, obj)
            return
        if not resource.namespaced or not self.store.count(QUOTAS):
            return
        quotas = sorted(self.store.select(QUOTAS, namespace), key=lambda q: q["metadata"]["name"])
        if not quotas:
            return
        name = obj["metadata"].get("name") or obj["metadata"].get("generateName") or "Unknown"
        if resource is PODS:
            for quota in quotas:
                limited = set(_hard(quota)) & set(COMPUTE)
                missing = _missing_requests(obj, limited) if limited else None
                if missing:
                    raise forbidden_because(resource, name, "failed quota: %s: %s"
                                            % (quota["metadata"]["name"], missing))
        delta = {k: v for k, v in object_usage(resource, obj).items() if v.value}
        for quota in quotas:
            hard = _hard(quota)
            requested = {k: v for k, v in delta.items() if k in hard}
            if not requested:
                continue
            current = used(self.store, namespace, set(requested))
            exceeded = [k for k in requested if (current[k] + requested[k]).value > hard[k].value]
            if exceeded:
                raise forbidden_because(
                    resource, name, "exceeded quota: %s, requested: %s, used: %s, limited: %s"
                    % (quota["metadata"]["name"],
                       _pretty({k: requested[k] for k in exceeded}),
                       _pretty({k: current[k] for k in exceeded}),
                       _pretty({k: hard[k] for k in exceeded})))

    def created(self, resource, namespace, obj):
        # As the admission plugin records the new usage in the quota's status at once.
        if resource is not QUOTAS and resource.namespaced:
            refresh(self.store, namespace)

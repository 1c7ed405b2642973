# StatefulSets and DaemonSets, simply: a StatefulSet's pods are NAME-0..N-1, created in order
# (each once the one before is Ready, unless podManagementPolicy is Parallel), removed from the
# highest ordinal, and replaced one at a time from the highest when the template changes; a
# DaemonSet runs one pod per node. Also the garbage collector: an object whose owners are all
# gone is deleted, as background propagation deletes a Deployment's ReplicaSets and pods.

from defaults import controller_uid, random_suffix, template_hash
from kubelet import is_ready
from resources import BY_PATH
from status import ApiError

STATEFULSETS = BY_PATH[("apps", "statefulsets")]
DAEMONSETS = BY_PATH[("apps", "daemonsets")]
PODS = BY_PATH[("", "pods")]
REVISION_LABEL = "controller-revision-hash"


class Workloads:
    def __init__(self, store, recorder, create_pod):
        self.store = store
        self.recorder = recorder
        self.create_pod = create_pod  # (owner, template, name, labels, node) -> pod

    def collect_garbage(self):
        store = self.store
        with store.lock:
            uids = {v["metadata"].get("uid") for v in store.objects.values()}
            doomed = []
            for key, obj in store.objects.items():
                owners = [o.get("uid") for o in obj["metadata"].get("ownerReferences") or []]
                if owners and not any(uid in uids for uid in owners) and any(
                        uid in store.deleted_uids for uid in owners):
                    doomed.append((BY_PATH[(key[1], key[0])], key[2], key[3]))
        for resource, namespace, name in doomed:
            try:
                store.delete(resource, namespace or None, name)
            except ApiError:
                pass

    def sync(self, pods, nodes):
        for sts in self.store.select(STATEFULSETS):
            if sts["metadata"]["uid"] not in self.store.seeded:
                self._guard(self._sync_statefulset, sts, pods)
        for ds in self.store.select(DAEMONSETS):
            if ds["metadata"]["uid"] not in self.store.seeded:
                self._guard(self._sync_daemonset, ds, pods, nodes)

    @staticmethod
    def _guard(sync, *args):
        try:
            sync(*args)
        except ApiError:
            pass

    def _delete(self, owner, pod):
        try:
            self.store.delete(PODS, pod["metadata"]["namespace"], pod["metadata"]["name"])
        except ApiError:
            return
        self.recorder.record(owner, "SuccessfulDelete", "delete Pod %s in %s %s successful"
                             % (pod["metadata"]["name"], owner["kind"], owner["metadata"]["name"]),
                             component=owner["kind"].lower() + "-controller")

    def _write_status(self, resource, owner, status):
        meta = owner["metadata"]
        if resource is STATEFULSETS:  # its counts are omitted when zero; a DaemonSet's are not
            status = {k: v for k, v in status.items()
                      if v or k in ("observedGeneration", "replicas")}

        def write(current):
            current["status"] = status
            return current

        self.store.modify(resource, meta["namespace"], meta["name"], write)

    def _sync_statefulset(self, sts, pods):
        meta, spec = sts["metadata"], sts["spec"]
        template = spec.get("template") or {}
        update = meta["name"] + "-" + template_hash(template)
        owned = {p["metadata"]["name"]: p for p in pods if controller_uid(p) == meta["uid"]}
        wanted = spec.get("replicas", 1)
        parallel = spec.get("podManagementPolicy") == "Parallel"
        for ordinal in range(wanted):
            name = "%s-%d" % (meta["name"], ordinal)
            if name in owned:
                if not is_ready(owned[name]) and not parallel:
                    break
                continue
            labels = {REVISION_LABEL: update, "statefulset.kubernetes.io/pod-name": name,
                      "apps.kubernetes.io/pod-index": str(ordinal)}
            pod = self.create_pod(sts, template, name, labels)
            owned[name] = pod
            if not parallel:
                break
        ordinals = sorted((int(n.rsplit("-", 1)[1]), p) for n, p in owned.items()
                          if n.rsplit("-", 1)[-1].isdigit())
        extra = [p for o, p in ordinals if o >= wanted]
        if extra:
            self._delete(sts, extra[-1])
            del owned[extra[-1]["metadata"]["name"]]
        elif all(is_ready(p) for p in owned.values()) and len(owned) == wanted:
            outdated = [p for o, p in ordinals if p["metadata"].get("labels", {}).get(
                REVISION_LABEL) != update]
            if outdated and (spec.get("updateStrategy") or {}).get("type") != "OnDelete":
                self._delete(sts, outdated[-1])
                del owned[outdated[-1]["metadata"]["name"]]
        current = [p for p in owned.values()]
        updated = [p for p in current if p["metadata"].get("labels", {}).get(
            REVISION_LABEL) == update]
        ready = sum(1 for p in current if is_ready(p))
        previous = (sts.get("status") or {}).get("currentRevision") or update
        current_revision = update if len(updated) == len(current) else previous
        self._write_status(STATEFULSETS, sts, {
            "observedGeneration": meta.get("generation", 1), "replicas": len(current),
            "readyReplicas": ready, "availableReplicas": ready,
            "currentReplicas": sum(1 for p in current if p["metadata"].get("labels", {}).get(
                REVISION_LABEL) == current_revision),
            "updatedReplicas": len(updated), "currentRevision": current_revision,
            "updateRevision": update, "collisionCount": 0})

    def _sync_daemonset(self, ds, pods, nodes):
        meta, spec = ds["metadata"], ds["spec"]
        template = spec.get("template") or {}
        update = template_hash(template)
        owned = [p for p in pods if controller_uid(p) == meta["uid"]]
        names = [n["metadata"]["name"] for n in nodes]
        by_node = {}
        for pod in owned:
            by_node.setdefault(pod.get("spec", {}).get("nodeName"), []).append(pod)
        for node in names:
            if not by_node.get(node):
                labels = {REVISION_LABEL: update,
                          "pod-template-generation": str(meta.get("generation", 1))}
                by_node[node] = [self.create_pod(ds, template, meta["name"] + "-" +
                                                 random_suffix(), labels, node)]
        for node, on_node in list(by_node.items()):
            if node not in names:
                for pod in on_node:
                    self._delete(ds, pod)
                del by_node[node]
        current = [p for node_pods in by_node.values() for p in node_pods]
        if all(is_ready(p) for p in current):
            outdated = [p for p in current if p["metadata"].get("labels", {}).get(
                REVISION_LABEL) != update]
            if outdated and (spec.get("updateStrategy") or {}).get("type") != "OnDelete":
                self._delete(ds, outdated[0])
                current.remove(outdated[0])
        ready = sum(1 for p in current if is_ready(p))
        self._write_status(DAEMONSETS, ds, {
            "observedGeneration": meta.get("generation", 1),
            "currentNumberScheduled": len(current), "desiredNumberScheduled": len(names),
            "numberMisscheduled": 0, "numberReady": ready, "numberAvailable": ready,
            "numberUnavailable": len(names) - ready,
            "updatedNumberScheduled": sum(1 for p in current if p["metadata"].get(
                "labels", {}).get(REVISION_LABEL) == update)})


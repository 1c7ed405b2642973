# The Deployment and ReplicaSet controllers of kube-controller-manager, simplified, and the
# background thread that runs every controller of the fake. A Deployment owns one ReplicaSet per
# distinct pod template (named after the template's hash, with the pod-template-hash label and
# the deployment.kubernetes.io/revision annotation), rolls between them with RollingUpdate
# (maxSurge, maxUnavailable) or Recreate, keeps revisionHistoryLimit old ones, and reports the
# status and conditions kubectl rollout status reads. A pod creation the API refuses (an exceeded
# ResourceQuota) is a FailedCreate event and the ReplicaFailure condition, retried a little later,
# as the real controllers do. Every write goes through the store, so watches see the controllers
# at work; the quota controller's pass keeps ResourceQuota usage.

import sys
import threading
import time
import traceback

from defaults import (HASH_LABEL, controller_uid, owner_reference, random_suffix, resolve,
                      same_template, template_hash, without_hash)
from events import Recorder, timestamp
from kubelet import Kubelet, is_ready
from quota import refresh as refresh_quotas
from resources import BY_PATH
from status import ApiError
from workloads import Workloads

DEPLOYMENTS = BY_PATH[("apps", "deployments")]
REPLICASETS = BY_PATH[("apps", "replicasets")]
PODS = BY_PATH[("", "pods")]
NODES = BY_PATH[("", "nodes")]
REVISION = "deployment.kubernetes.io/revision"
# Annotations of a Deployment its ReplicaSets do not copy.
NOT_COPIED = {REVISION, "kubectl.kubernetes.io/last-applied-configuration",
              "deployment.kubernetes.io/revision-history", "deployment.kubernetes.io/desired-replicas",
              "deployment.kubernetes.io/max-replicas"}
TICK_SECONDS = 0.05
# With nothing changed in the store and no pod waiting on the clock, a tick is skipped, so that
# thousands of seeded pods do not cost the server a full pass every tick; while a Deployment is
# still rolling out a pass runs this often for what only time decides (its progress deadline).
IDLE_PASS_SECONDS = 0.25
# How long a controller waits before it tries again to create a pod the API refused.
CREATE_RETRY_SECONDS = 1.0


def revision(obj):
    try:
        return int((obj["metadata"].get("annotations") or {}).get(REVISION, "0"))
    except ValueError:
        return 0


def replicas(obj):
    return obj.get("spec", {}).get("replicas", 1)


def _status(obj, field):
    return (obj.get("status") or {}).get(field, 0)


def _condition(kind, status, reason, message, previous):
    now = timestamp()
    before = next((c for c in previous if c.get("type") == kind), None)
    entry = {"type": kind, "status": status, "lastUpdateTime": now, "lastTransitionTime": now,
             "reason": reason, "message": message}
    if before and before.get("status") == status:
        entry["lastTransitionTime"] = before.get("lastTransitionTime", now)
        if (before.get("reason"), before.get("message")) == (reason, message):
            entry["lastUpdateTime"] = before.get("lastUpdateTime", now)
    return entry


class Controllers:
    """Runs the controllers and the kubelet every tick in one background thread."""

    def __init__(self, store, logbook, ready_seconds):
        self.store = store
        self.recorder = Recorder(store)
        self.kubelet = Kubelet(store, logbook, self.recorder, ready_seconds)
        self.workloads = Workloads(store, self.recorder, self._create_pod)
        self.progress = {}  # deployment uid -> (signature, monotonic time of the last progress)
        self.seen_revision = -1  # the store's revision after the last pass
        self.last_pass = 0.0
        # owner uid -> (monotonic time of the next try, pod name, the API's refusal)
        self.failed_creates = {}

    def start(self):
        threading.Thread(target=self._run, name="controllers", daemon=True).start()

    def _run(self):
        while True:
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - one bad object must not stop the controllers
                traceback.print_exc(file=sys.stderr)
            time.sleep(TICK_SECONDS)

    def tick(self):
        now = time.monotonic()
        retry_due = any(at <= now for at, _, _ in self.failed_creates.values())
        if self.store.revision == self.seen_revision and not self.kubelet.waiting() and \
                not retry_due and \
                (now - self.last_pass < IDLE_PASS_SECONDS or not self._rolling_out()):
            return
        self.last_pass = now
        # Read before the pass: a write that lands during it is seen by the next tick (the
        # pass's own writes cost one more pass, which then finds nothing to do).
        revision = self.store.revision
        self._pass()
        self.seen_revision = revision

    def _rolling_out(self):
        """Whether a Deployment this controller runs has not completed its rollout."""
        for deployment in self.store.select(DEPLOYMENTS):
            meta, status = deployment["metadata"], deployment.get("status") or {}
            if meta["uid"] in self.store.seeded:
                continue
            wanted = (deployment.get("spec") or {}).get("replicas", 1)
            if status.get("observedGeneration") != meta.get("generation") or any(
                    status.get(field, 0) != wanted
                    for field in ("replicas", "updatedReplicas", "availableReplicas")):
                return True
        return False

    def _pass(self):
        self.workloads.collect_garbage()
        seeded = self.store.seeded
        replicasets = self.store.select(REPLICASETS)
        for deployment in self.store.select(DEPLOYMENTS):
            if deployment["metadata"]["uid"] not in seeded:
                self._guard(self._sync_deployment, deployment, replicasets)
        pods = self.store.select(PODS)
        for replicaset in self.store.select(REPLICASETS):
            if replicaset["metadata"]["uid"] not in seeded:
                self._guard(self._sync_replicaset, replicaset, pods)
        self.workloads.sync(self.store.select(PODS), self.store.select(NODES))
        self.kubelet.sync(self.store.select(PODS), self.store.select(NODES))
        refresh_quotas(self.store)
        for uid in [u for u in self.failed_creates if u in self.store.deleted_uids]:
            del self.failed_creates[uid]

    @staticmethod
    def _guard(sync, *args):
        try:
            sync(*args)
        except ApiError:
            pass  # the object or its namespace went away meanwhile; the next tick sees it

    # --- ReplicaSets ------------------------------------------------------------------------

    def _pod_name(self, owner):
        """A new pod's name; the refused one again while a creation is being retried, so that
        its FailedCreate event counts up instead of multiplying."""
        failed = self.failed_creates.get(owner["metadata"]["uid"])
        return failed[1] if failed else owner["metadata"]["name"] + "-" + random_suffix()

    def _create_pod(self, owner, template, name, extra_labels=None, node=None):
        """The created pod; raises the API's refusal (again, without asking, until the retry is
        due) after recording it as the owner's FailedCreate event."""
        uid = owner["metadata"]["uid"]
        failed = self.failed_creates.get(uid)
        if failed and time.monotonic() < failed[0]:
            raise failed[2]
        meta = template.get("metadata") or {}
        pod = {"metadata": {"name": name, "generateName": owner["metadata"]["name"] + "-",
                            "labels": dict(meta.get("labels") or {}, **(extra_labels or {})),
                            "ownerReferences": [owner_reference(owner)]},
               "spec": dict(template.get("spec") or {})}
        if meta.get("annotations"):
            pod["metadata"]["annotations"] = dict(meta["annotations"])
        if node:
            pod["spec"]["nodeName"] = node
        component = owner["kind"].lower() + "-controller"
        try:
            created = self.store.create(PODS, owner["metadata"]["namespace"], pod)
        except ApiError as error:
            if error.code == 404:
                raise  # the namespace is going away
            self.failed_creates[uid] = (time.monotonic() + CREATE_RETRY_SECONDS, name, error)
            message = error.status["message"]
            if owner["kind"] == "StatefulSet":
                message = "create Pod %s in StatefulSet %s failed error: %s" % (
                    name, owner["metadata"]["name"], message)
            else:
                message = "Error creating: " + message
            self.recorder.record(owner, "FailedCreate", message, "Warning", component)
            raise
        self.failed_creates.pop(uid, None)
        self.recorder.record(owner, "SuccessfulCreate", "Created pod: " + name,
                             component=component)
        return created

    def _delete_pod(self, owner, pod):
        try:
            self.store.delete(PODS, pod["metadata"]["namespace"], pod["metadata"]["name"])
        except ApiError:
            return
        self.recorder.record(owner, "SuccessfulDelete", "Deleted pod: " + pod["metadata"]["name"],
                             component=owner["kind"].lower() + "-controller")

    def _sync_replicaset(self, rs, pods):
        meta = rs["metadata"]
        owned = [p for p in pods if controller_uid(p) == meta["uid"]]
        wanted = replicas(rs)
        failure = None
        if len(owned) < wanted:
            for _ in range(wanted - len(owned)):
                try:
                    owned.append(self._create_pod(rs, rs["spec"].get("template") or {},
                                                  self._pod_name(rs)))
                except ApiError as error:
                    if error.code == 404:
                        raise
                    failure = error.status["message"]
                    break
        else:
            self.failed_creates.pop(meta["uid"], None)
        if len(owned) > wanted:
            # Not ready first, then the newest, as the real controller picks.
            newest = sorted(owned, key=lambda p: int(p["metadata"]["resourceVersion"]),
                            reverse=True)
            victims = sorted(newest, key=is_ready)[:len(owned) - wanted]
            for pod in victims:
                self._delete_pod(rs, pod)
                owned.remove(pod)
        ready = sum(1 for p in owned if is_ready(p))
        status = {"replicas": len(owned), "fullyLabeledReplicas": len(owned),
                  "readyReplicas": ready, "availableReplicas": ready,
                  "observedGeneration": meta.get("generation", 1)}
        status = {k: v for k, v in status.items() if v or k in ("replicas",
                                                                 "observedGeneration")}
        # ReplicaFailure stays as first set while creations keep failing (as the real
        # controller leaves it) and goes with the first pass that creates what it must.
        previous = next((c for c in (rs.get("status") or {}).get("conditions", [])
                         if c.get("type") == "ReplicaFailure"), None)
        if failure is not None:
            status["conditions"] = [previous or {
                "type": "ReplicaFailure", "status": "True", "lastTransitionTime": timestamp(),
                "reason": "FailedCreate", "message": failure}]

        def write(current):
            current["status"] = status
            return current

        self.store.modify(REPLICASETS, meta["namespace"], meta["name"], write)

    # --- Deployments ------------------------------------------------------------------------

    def _scale(self, deployment, rs, count):
        before = replicas(rs)
        if before == count:
            return rs

        def write(current):
            current["spec"]["replicas"] = count
            annotations = current["metadata"].setdefault("annotations", {})
            annotations["deployment.kubernetes.io/desired-replicas"] = str(replicas(deployment))
            return current

        rs = self.store.modify(REPLICASETS, rs["metadata"]["namespace"], rs["metadata"]["name"],
                               write)
        self.recorder.record(deployment, "ScalingReplicaSet", "Scaled %s replica set %s from %d "
                             "to %d" % ("up" if count > before else "down", rs["metadata"]["name"],
                                        before, count), component="deployment-controller")
        return rs

    def _new_replicaset(self, deployment, template, number):
        meta = deployment["metadata"]
        hashed = template_hash(template)
        rs_template = without_hash(template)
        rs_template.setdefault("metadata", {}).setdefault("labels", {})[HASH_LABEL] = hashed
        selector = dict(deployment["spec"].get("selector") or {})
        selector["matchLabels"] = dict(selector.get("matchLabels") or {}, **{HASH_LABEL: hashed})
        annotations = {k: v for k, v in (meta.get("annotations") or {}).items()
                       if k not in NOT_COPIED}
        annotations[REVISION] = str(number)
        rs = {"metadata": {"name": meta["name"] + "-" + hashed,
                           "labels": dict(rs_template["metadata"]["labels"]),
                           "annotations": annotations,
                           "ownerReferences": [owner_reference(deployment)]},
              "spec": {"replicas": 0, "minReadySeconds": deployment["spec"].get(
                  "minReadySeconds", 0), "selector": selector, "template": rs_template}}
        return self.store.create(REPLICASETS, meta["namespace"], rs)

    def _sync_deployment(self, deployment, all_replicasets):
        meta, spec = deployment["metadata"], deployment["spec"]
        uid = meta["uid"]
        owned = [rs for rs in all_replicasets if controller_uid(rs) == uid]
        template = spec.get("template") or {}
        new = next((rs for rs in owned if same_template(rs["spec"].get("template"), template)), None)
        top = max((revision(rs) for rs in owned), default=0)
        created = False
        if new is None and not spec.get("paused"):
            new = self._new_replicaset(deployment, template, top + 1)
            created = True
            self.progress[uid] = (None, time.monotonic())
        elif new is not None and revision(new) < top:
            # A template of an older ReplicaSet again (rollout undo): it takes the next revision.
            def renumber(current):
                current["metadata"].setdefault("annotations", {})[REVISION] = str(top + 1)
                return current

            new = self.store.modify(REPLICASETS, meta["namespace"], new["metadata"]["name"],
                                    renumber)
        olds = [rs for rs in owned if new is None or rs["metadata"]["uid"] != new["metadata"]["uid"]]
        if new is not None and not spec.get("paused"):
            new = self._roll(deployment, new, olds)
        self._trim_history(deployment, olds)
        self._write_status(deployment, new, olds, created)

    def _roll(self, deployment, new, olds):
        spec = deployment["spec"]
        desired = replicas(deployment)
        strategy = spec.get("strategy") or {}
        if strategy.get("type") == "Recreate":
            if any(replicas(rs) for rs in olds):
                for rs in olds:
                    self._scale(deployment, rs, 0)
                return new
            if any(_status(rs, "replicas") for rs in olds):
                return new  # the old pods are still going
            return self._scale(deployment, new, desired)
        rolling = strategy.get("rollingUpdate") or {}
        surge = resolve(rolling.get("maxSurge", "25%"), desired, True)
        unavailable = resolve(rolling.get("maxUnavailable", "25%"), desired, False)
        if surge == 0 and unavailable == 0:
            unavailable = 1
        live_olds = [rs for rs in olds if replicas(rs)]
        count = replicas(new)
        if not live_olds:
            count = desired
        elif count < desired:
            allowed = desired + surge - sum(replicas(rs) for rs in olds) - count
            count = min(desired, count + max(allowed, 0))
        else:
            count = desired
        new = self._scale(deployment, new, count)
        # Scale old ReplicaSets down as far as the availability budget allows: first their
        # unavailable pods, then available ones.
        min_available = desired - unavailable
        total = sum(replicas(rs) for rs in olds) + replicas(new)
        budget = total - min_available - (replicas(new) - _status(new, "availableReplicas"))
        available = sum(_status(rs, "availableReplicas") for rs in olds) + _status(
            new, "availableReplicas")
        oldest_first = sorted(live_olds, key=lambda rs: rs["metadata"]["creationTimestamp"])
        for rs in oldest_first:
            if budget <= 0:
                break
            unhealthy = replicas(rs) - _status(rs, "availableReplicas")
            down = min(unhealthy, budget)
            if down > 0:
                self._scale(deployment, rs, replicas(rs) - down)
                budget -= down
                rs["spec"]["replicas"] -= down
        budget = min(budget, available - min_available)
        for rs in oldest_first:
            if budget <= 0:
                break
            down = min(replicas(rs), budget)
            if down > 0:
                self._scale(deployment, rs, replicas(rs) - down)
                budget -= down
        return new

    def _trim_history(self, deployment, olds):
        limit = deployment["spec"].get("revisionHistoryLimit", 10)
        idle = sorted((rs for rs in olds if not replicas(rs) and not _status(rs, "replicas")),
                      key=revision)
        for rs in idle[:max(0, len(idle) - limit)]:
            try:
                self.store.delete(REPLICASETS, rs["metadata"]["namespace"], rs["metadata"]["name"])
            except ApiError:
                pass

    def _write_status(self, deployment, new, olds, created):
        meta, spec = deployment["metadata"], deployment["spec"]
        uid, desired = meta["uid"], replicas(deployment)
        every = olds + ([new] if new is not None else [])
        available = sum(_status(rs, "availableReplicas") for rs in every)
        status = {"observedGeneration": meta.get("generation", 1),
                  "replicas": sum(_status(rs, "replicas") for rs in every),
                  "updatedReplicas": _status(new, "replicas") if new is not None else 0,
                  "readyReplicas": sum(_status(rs, "readyReplicas") for rs in every),
                  "availableReplicas": available,
                  "unavailableReplicas": max(0, sum(replicas(rs) for rs in every) - available)}
        previous = (deployment.get("status") or {}).get("conditions") or []
        rolling = (spec.get("strategy") or {}).get("rollingUpdate") or {}
        unavailable = resolve(rolling.get("maxUnavailable", "25%"), desired, False)
        conditions = [_condition("Available", "True", "MinimumReplicasAvailable",
                                 "Deployment has minimum availability.", previous)
                      if available >= desired - unavailable else
                      _condition("Available", "False", "MinimumReplicasUnavailable",
                                 "Deployment does not have minimum availability.", previous)]
        name = new["metadata"]["name"] if new is not None else ""
        complete = new is not None and status["updatedReplicas"] == desired and \
            status["replicas"] == desired and available >= desired
        signature = (name, status["replicas"], status["updatedReplicas"],
                     status["readyReplicas"], available)
        last_signature, since = self.progress.get(uid, (None, time.monotonic()))
        if signature != last_signature:
            since = time.monotonic()
        self.progress[uid] = (signature, since)
        before = next((c for c in previous if c.get("type") == "Progressing"), {})
        deadline = spec.get("progressDeadlineSeconds", 600)
        if spec.get("paused"):
            progressing = ("Unknown", "DeploymentPaused", "Deployment is paused")
        elif created:
            progressing = ("True", "NewReplicaSetCreated", 'Created new replica set "%s"' % name)
        elif complete:
            progressing = ("True", "NewReplicaSetAvailable",
                           'ReplicaSet "%s" has successfully progressed.' % name)
        elif time.monotonic() - since > deadline or (
                before.get("reason") == "ProgressDeadlineExceeded" and
                signature == last_signature):
            progressing = ("False", "ProgressDeadlineExceeded",
                           'ReplicaSet "%s" has timed out progressing.' % name)
        elif signature != last_signature or before.get("reason") != "NewReplicaSetCreated":
            progressing = ("True", "ReplicaSetUpdated", 'ReplicaSet "%s" is progressing.' % name)
        else:
            progressing = ("True", before["reason"], before.get("message", ""))
        conditions.append(_condition("Progressing", *progressing, previous))
        # The ReplicaSets' failure to create pods shows on the Deployment, the new one's first.
        failure = next((c for rs in ([new] if new is not None else []) + olds
                        for c in (rs.get("status") or {}).get("conditions", [])
                        if c.get("type") == "ReplicaFailure"), None)
        if failure is not None:
            conditions.append({"type": "ReplicaFailure", "status": failure.get("status"),
                               "lastUpdateTime": failure.get("lastTransitionTime"),
                               "lastTransitionTime": failure.get("lastTransitionTime"),
                               "reason": failure.get("reason"),
                               "message": failure.get("message")})
        status["conditions"] = conditions
        status = {k: v for k, v in status.items() if v or k == "observedGeneration"}
        number = revision(new) if new is not None else None

        def write(current):
            if number is not None and revision(current) != number:
                current["metadata"].setdefault("annotations", {})[REVISION] = str(number)
            current["status"] = status
            return current

        self.store.modify(DEPLOYMENTS, meta["namespace"], meta["name"], write)

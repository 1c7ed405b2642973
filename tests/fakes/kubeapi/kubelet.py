# A simulated kubelet: every pod that arrives without a status is scheduled to a node, pulls,
# and becomes Running and Ready after its ready delay (the server's --ready-seconds, or the pod
# annotation fake.launchdeck.dev/ready-seconds). The annotation fake.launchdeck.dev/fail asks
# for a failure: image-pull (ErrImagePull, then ImagePullBackOff), crash-loop (runs, exits 1,
# CrashLoopBackOff with a growing restartCount), never-ready (running, never Ready) or
# flaky-probe (Ready, but its readiness probe fails now and then: a Warning Unhealthy Event every
# ready delay, at least every half second, below the failure threshold so the pod stays Ready);
# so does an image whose tag ends in "-image-pull", "-crash-loop", "-never-ready" or
# "-flaky-probe" (storefront/web:3.0-never-ready). A pod created with a status of its own is left as it is, so
# that tests can seed any state.

import hashlib
import time

from events import timestamp
from resources import BY_PATH
from status import ApiError

PODS = BY_PATH[("", "pods")]
READY_ANNOTATION = "fake.launchdeck.dev/ready-seconds"
FAIL_ANNOTATION = "fake.launchdeck.dev/fail"
FAILURES = ("image-pull", "crash-loop", "never-ready", "flaky-probe")
# How often a flaky probe fails at most, in seconds.
FLAKY_PERIOD = 0.5
NODE_IP = "10.0.0.1"
# Crash-loop back-off, in ready delays: 1, 2, 4, then 8 at most.
MAX_BACKOFF_FACTOR = 8


class PodState:
    def __init__(self, pod, ready_seconds, number):
        annotations = pod["metadata"].get("annotations") or {}
        try:
            self.ready_seconds = max(0.0, float(annotations.get(READY_ANNOTATION,
                                                                ready_seconds)))
        except ValueError:
            self.ready_seconds = ready_seconds
        self.fail = annotations.get(FAIL_ANNOTATION)
        if self.fail not in FAILURES:
            self.fail = _failure_of_images(pod)
        self.where = (pod["metadata"]["namespace"], pod["metadata"]["name"])
        self.since = time.monotonic()  # entry into the current stage
        self.stage = "new"
        self.restarts = 0
        self.ip = "10.244.%d.%d" % (number // 250 % 250, number % 250 + 2)
        self.started = None  # RFC3339 start of the current run
        self.last_terminated = None


def image_tag(image):
    """The tag of an image reference ("" without one; a digest is not a tag)."""
    name = (image or "").split("@", 1)[0].rsplit("/", 1)[-1]
    return name.partition(":")[2]


def _failure_of_images(pod):
    for container in (pod.get("spec") or {}).get("containers") or []:
        tag = image_tag(container.get("image"))
        for failure in FAILURES:
            if tag.endswith("-" + failure):
                return failure
    return None


def _ready(pod):
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (pod.get("status") or {}).get("conditions", []))


def is_ready(pod):
    return _ready(pod)


def _qos(spec):
    resources = [c.get("resources") or {} for c in spec.get("containers", [])]
    if not any(r.get("requests") or r.get("limits") for r in resources):
        return "BestEffort"
    if all(r.get("limits") and r.get("requests", r["limits"]) == r["limits"] for r in resources):
        return "Guaranteed"
    return "Burstable"


def _digest(*parts):
    return hashlib.sha256("/".join(str(p) for p in parts).encode()).hexdigest()


class Kubelet:
    def __init__(self, store, logbook, recorder, ready_seconds):
        self.store = store
        self.logbook = logbook
        self.recorder = recorder
        self.ready_seconds = ready_seconds
        self.pods = {}  # uid -> PodState; None for a pod with a seeded status
        self.count = 0

    def waiting(self):
        """Whether a pod has a stage to reach by the clock alone (a delay, a crash-loop)."""
        return any(state is not None and state.stage != "pullbackoff" and
                   (state.stage != "running" or state.fail in ("crash-loop", "flaky-probe"))
                   for state in self.pods.values())

    def sync(self, pods, nodes):
        present = set()
        node = nodes[0]["metadata"]["name"] if nodes else "fake-node-1"
        for pod in pods:
            uid = pod["metadata"]["uid"]
            present.add(uid)
            if uid not in self.pods:
                seeded = uid in self.store.seeded
                self.count += 1
                self.pods[uid] = None if seeded else PodState(pod, self.ready_seconds,
                                                              self.count)
            state = self.pods[uid]
            if state is not None:
                try:
                    self._advance(pod, state, pod.get("spec", {}).get("nodeName") or node)
                except ApiError:
                    pass  # deleted meanwhile
        for uid in [u for u in self.pods if u not in present]:
            gone = self.pods.pop(uid)
            if gone is not None:
                self.logbook.forget(*gone.where)

    def _event(self, pod, reason, message, type_="Normal", container=None, component="kubelet"):
        field = "spec.containers{%s}" % container if container else None
        self.recorder.record(pod, reason, message, type_, component,
                             pod.get("spec", {}).get("nodeName"), field)

    def _advance(self, pod, state, node):
        elapsed = time.monotonic() - state.since
        containers = pod.get("spec", {}).get("containers", [])
        meta = pod["metadata"]
        if state.stage == "new":
            self._write(pod, state, node, "pending")
            self._event(pod, "Scheduled", "Successfully assigned %s/%s to %s"
                        % (meta["namespace"], meta["name"], node), component="default-scheduler")
            for c in containers:
                self._event(pod, "Pulling", 'Pulling image "%s"' % c.get("image"),
                            container=c["name"])
            return
        if state.stage == "pending" and state.fail == "image-pull" and \
                elapsed >= state.ready_seconds / 2:
            self._write(pod, state, node, "errpull")
            for c in containers:
                self._event(pod, "Failed", 'Failed to pull image "%s": rpc error: code = '
                            'NotFound desc = failed to pull and unpack image "%s": not found'
                            % (c.get("image"), c.get("image")), "Warning", c["name"])
                self._event(pod, "Failed", "Error: ErrImagePull", "Warning", c["name"])
            return
        if state.stage == "errpull" and elapsed >= state.ready_seconds / 2:
            self._write(pod, state, node, "pullbackoff")
            for c in containers:
                self._event(pod, "BackOff", 'Back-off pulling image "%s"' % c.get("image"),
                            container=c["name"])
                self._event(pod, "Failed", "Error: ImagePullBackOff", "Warning", c["name"])
            return
        if state.stage in ("pending", "backoff") and state.fail != "image-pull":
            wait = state.ready_seconds if state.stage == "pending" else \
                state.ready_seconds * min(2 ** (state.restarts - 1), MAX_BACKOFF_FACTOR)
            if elapsed < wait:
                return
            state.started = timestamp()
            for c in containers:
                if state.stage == "pending":
                    self._event(pod, "Pulled", 'Successfully pulled image "%s" in %.3fs'
                                % (c.get("image"), state.ready_seconds), container=c["name"])
                else:
                    self._event(pod, "Pulled", 'Container image "%s" already present on '
                                'machine' % c.get("image"), container=c["name"])
                self._event(pod, "Created", "Created container %s" % c["name"],
                            container=c["name"])
                self._event(pod, "Started", "Started container %s" % c["name"],
                            container=c["name"])
                self.logbook.start(meta["namespace"], meta["name"], c["name"])
            self._write(pod, state, node, "running")
            return
        if state.stage == "running" and state.fail == "crash-loop" and \
                elapsed >= state.ready_seconds:
            for c in containers:
                self.logbook.stop(meta["namespace"], meta["name"], c["name"])
            state.restarts += 1
            state.last_terminated = (state.started, timestamp())
            self._write(pod, state, node, "backoff")
            for c in containers:
                self._event(pod, "BackOff", "Back-off restarting failed container %s in pod "
                            "%s_%s(%s)" % (c["name"], meta["name"], meta["namespace"],
                                           meta["uid"]), "Warning", c["name"])

        if state.stage == "running" and state.fail == "flaky-probe" and \
                elapsed >= max(state.ready_seconds, FLAKY_PERIOD):
            state.since = time.monotonic()
            probed = [c for c in containers if c.get("readinessProbe")] or containers[:1]
            for c in probed:
                self._event(pod, "Unhealthy", "Readiness probe failed: HTTP probe failed with "
                            "statuscode: 503", "Warning", c["name"])

    def _write(self, pod, state, node, stage):
        state.stage, state.since = stage, time.monotonic()
        meta = pod["metadata"]
        spec = pod.get("spec", {})
        statuses = [self._container_status(meta, c, state) for c in spec.get("containers", [])]
        ready = stage == "running" and state.fail in (None, "flaky-probe")
        now = timestamp()

        def condition(kind, value, reason=None):
            entry = {"type": kind, "status": "True" if value else "False",
                     "lastProbeTime": None, "lastTransitionTime": now}
            if not value and reason:
                entry["reason"] = reason
                entry["message"] = "containers with unready status: [%s]" % " ".join(
                    c["name"] for c in spec.get("containers", []))
            return entry

        status = {
            "phase": "Running" if stage in ("running", "backoff") else "Pending",
            "conditions": [condition("PodReadyToStartContainers", stage != "pending"),
                           condition("Initialized", True),
                           condition("Ready", ready, "ContainersNotReady"),
                           condition("ContainersReady", ready, "ContainersNotReady"),
                           condition("PodScheduled", True)],
            "hostIP": NODE_IP, "hostIPs": [{"ip": NODE_IP}],
            "startTime": (pod.get("status") or {}).get("startTime") or now,
            "containerStatuses": statuses, "qosClass": _qos(spec)}
        if stage != "pending":
            status.update({"podIP": state.ip, "podIPs": [{"ip": state.ip}]})

        def change(current):
            if not current.get("spec", {}).get("nodeName"):
                current.setdefault("spec", {})["nodeName"] = node
            # Keep the transition times of conditions whose status did not change.
            old = {c.get("type"): c for c in (current.get("status") or {}).get("conditions", [])}
            for entry in status["conditions"]:
                before = old.get(entry["type"])
                if before and before.get("status") == entry["status"]:
                    entry["lastTransitionTime"] = before.get("lastTransitionTime")
            current["status"] = status
            return current

        self.store.modify(PODS, meta["namespace"], meta["name"], change)

    def _container_status(self, meta, container, state):
        name = container["name"]
        image = container.get("image", "")
        status = {"name": name, "image": image,
                  "imageID": "" if state.stage in ("pending", "errpull", "pullbackoff")
                  else "docker.io/library/%s@sha256:%s" % (image.split(":")[0].split("/")[-1],
                                                          _digest(image)),
                  "ready": state.stage == "running" and state.fail in (None, "flaky-probe"),
                  "restartCount": state.restarts,
                  "started": state.stage == "running"}
        if state.stage == "running":
            status["containerID"] = "containerd://" + _digest(meta["uid"], name, state.restarts)
            status["state"] = {"running": {"startedAt": state.started}}
        elif state.stage == "pending":
            status["state"] = {"waiting": {"reason": "ContainerCreating"}}
        elif state.stage == "errpull":
            status["state"] = {"waiting": {"reason": "ErrImagePull", "message": 'failed to pull '
                               'and unpack image "%s": not found' % image}}
        elif state.stage == "pullbackoff":
            status["state"] = {"waiting": {"reason": "ImagePullBackOff",
                                           "message": 'Back-off pulling image "%s"' % image}}
        else:
            status["state"] = {"waiting": {
                "reason": "CrashLoopBackOff",
                "message": "back-off %ds restarting failed container=%s pod=%s_%s(%s)" % (
                    10 * min(2 ** (state.restarts - 1), MAX_BACKOFF_FACTOR), name,
                    meta["name"], meta["namespace"], meta["uid"])}}
        if state.last_terminated:
            status["lastState"] = {"terminated": {
                "exitCode": 1, "reason": "Error", "startedAt": state.last_terminated[0],
                "finishedAt": state.last_terminated[1],
                "containerID": "containerd://" + _digest(meta["uid"], name,
                                                         state.restarts - 1)}}
        else:
            status["lastState"] = {}
        return status

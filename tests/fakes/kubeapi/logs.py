# Containers' logs and GET .../pods/NAME/log as the kubelet answers it through the API server.
# A running container writes "<pod> <container> line <n>" every --log-interval-ms, computed
# from the time it started rather than written by a thread, plus the lines a test appends
# (POST /fake/logs). Each start of a container is a run; `previous` reads the last run that
# ended. Streams are chunked text; follow ends when the pod goes, the run ends or the client
# hangs up.

import datetime
import threading
import time

from resources import BY_PATH
from status import ApiError, bad_request

FOLLOW_POLL_SECONDS = 0.1


class Run:
    """One start of a container: its generated lines and the appended ones."""

    def __init__(self, start_ns):
        self.start_ns = start_ns
        self.end_ns = None
        self.extra = []  # (time_ns, text)


class LogBook:
    def __init__(self, interval_ms):
        self.interval_ns = max(1, int(interval_ms * 1_000_000))
        self.lock = threading.Lock()
        self.runs = {}  # (namespace, pod, container) -> [Run]

    def start(self, namespace, pod, container):
        with self.lock:
            runs = self.runs.setdefault((namespace, pod, container), [])
            if not runs or runs[-1].end_ns is not None:
                runs.append(Run(time.time_ns()))

    def stop(self, namespace, pod, container):
        with self.lock:
            runs = self.runs.get((namespace, pod, container))
            if runs and runs[-1].end_ns is None:
                runs[-1].end_ns = time.time_ns()

    def forget(self, namespace, pod):
        with self.lock:
            for key in [k for k in self.runs if k[:2] == (namespace, pod)]:
                del self.runs[key]

    def append(self, store, namespace, pod, container, text):
        spec = store.get(BY_PATH[("", "pods")], namespace, pod).get("spec", {})
        names = [c["name"] for c in spec.get("containers", [])]
        container = container or (names[0] if len(names) == 1 else "")
        if container not in names:
            raise bad_request("container %s is not valid for pod %s" % (container, pod))
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        self.start(namespace, pod, container)
        with self.lock:
            run = self.runs[(namespace, pod, container)][-1]
            stamp = time.time_ns()
            run.extra.extend((stamp, line) for line in lines)
        return len(lines)

    def _run(self, key, previous):
        runs = self.runs.get(key) or []
        if previous:
            ended = [r for r in runs if r.end_ns is not None]
            return ended[-1] if ended else None
        return runs[-1] if runs else None

    def entries(self, key, run, after_ns, until_ns, extra_from=0):
        """Lines of `run` stamped in (after_ns, until_ns] and the appended ones from index
        extra_from on, in time order, as (time_ns, text); with the count of appended ones."""
        with self.lock:
            end = min(until_ns, run.end_ns) if run.end_ns is not None else until_ns
            first = 0 if after_ns < run.start_ns else (after_ns - run.start_ns) // \
                self.interval_ns + 1
            last = (end - run.start_ns) // self.interval_ns if end >= run.start_ns else -1
            pod, container = key[1], key[2]
            lines = [(run.start_ns + n * self.interval_ns,
                      "%s %s line %d" % (pod, container, n + 1)) for n in range(first, last + 1)]
            extra = run.extra[extra_from:]
            lines += [entry for entry in extra if entry[0] > after_ns]
            return sorted(lines, key=lambda entry: entry[0]), extra_from + len(extra)


def stamp(time_ns):
    """RFC3339 with nine fraction digits, as the kubelet writes with timestamps=true."""
    seconds, nanos = divmod(time_ns, 1_000_000_000)
    moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ" % nanos


def _parse_time(text):
    try:
        moment = datetime.datetime.strptime(text.split(".")[0].rstrip("Z"), "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        raise bad_request('parsing time "%s" as "2006-01-02T15:04:05Z07:00": cannot parse'
                          % text) from None
    return int(moment.replace(tzinfo=datetime.timezone.utc).timestamp()) * 1_000_000_000


def _number(query, name):
    value = query.get(name)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError:
        raise bad_request('invalid value for %s: "%s"' % (name, value)) from None
    if number < 0 or (number == 0 and name != "tailLines"):
        raise bad_request("%s: Invalid value: %d: must be greater than 0" % (name, number))
    return number


def _container(pod, query):
    spec = pod.get("spec", {})
    names = [c["name"] for c in spec.get("containers", [])]
    init = [c["name"] for c in spec.get("initContainers", [])]
    name = query.get("container")
    pod_name = pod["metadata"]["name"]
    if not name:
        if len(names) == 1:
            return names[0]
        message = "a container name must be specified for pod %s, choose one of: [%s]" % (
            pod_name, " ".join(names))
        if init:
            message += " or one of the init containers: [%s]" % " ".join(init)
        raise bad_request(message)
    if name not in names + init:
        raise bad_request("container %s is not valid for pod %s" % (name, pod_name))
    return name


def _check_state(pod, container, previous):
    """The kubelet's refusals (validateContainerLogStatus) for a container's state."""
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    status = next((s for s in statuses if s.get("name") == container), None)
    where = (container, pod["metadata"]["name"])
    if status is None:
        return
    if previous:
        if not (status.get("lastState") or {}).get("terminated"):
            raise bad_request('previous terminated container "%s" in pod "%s" not found' % where)
        return
    state = status.get("state") or {}
    if "waiting" in state and not (status.get("lastState") or {}).get("terminated"):
        reason = state["waiting"].get("reason", "")
        if reason == "ErrImagePull":
            reason = "image can't be pulled"
        elif reason == "ImagePullBackOff":
            reason = "trying and failing to pull image"
        raise bad_request('container "%s" in pod "%s" is waiting to start: %s'
                          % (where + (reason,)))


def serve(handler, namespace, name, query):
    """Answers GET .../pods/NAME/log."""
    store, book = handler.store, handler.logbook
    pods = BY_PATH[("", "pods")]
    pod = store.get(pods, namespace, name)
    container = _container(pod, query)
    previous = query.get("previous") in ("1", "true")
    _check_state(pod, container, previous)
    key = (namespace, name, container)
    if not previous and not book.runs.get(key):
        book.start(*key)  # a pod the kubelet does not run (a seeded status) logs from now on
    with book.lock:
        run = book._run(key, previous)
    if run is None:
        if previous:
            raise bad_request('previous terminated container "%s" in pod "%s" not found'
                              % (container, name))
        raise ApiError(400, "BadRequest", 'container "%s" in pod "%s" is not available'
                       % (container, name))
    tail = _number(query, "tailLines")
    since_seconds = _number(query, "sinceSeconds")
    limit = _number(query, "limitBytes")
    timestamps = query.get("timestamps") in ("1", "true")
    follow = query.get("follow") in ("1", "true") and not previous
    now = time.time_ns()
    after = -1
    if since_seconds is not None:
        after = now - since_seconds * 1_000_000_000 - 1
    elif query.get("sinceTime"):
        after = _parse_time(query["sinceTime"]) - 1
    lines, extra_seen = book.entries(key, run, after, now)
    if tail is not None:
        lines = lines[len(lines) - tail:] if tail else []

    def render(entries):
        return b"".join(((stamp(t) + " " if timestamps else "") + text + "\n").encode()
                        for t, text in entries)

    data = render(lines)
    if limit is not None:
        data = data[:limit]
    if not follow:
        return handler._send_bytes(200, "text/plain", data)
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    sent = len(data)
    if data:
        handler._send_chunk(data)
    last = now
    while limit is None or sent < limit:
        if handler._client_left():
            return
        time.sleep(FOLLOW_POLL_SECONDS)
        until = time.time_ns()
        entries, extra_seen = book.entries(key, run, last, until, extra_seen)
        last = until
        data = render(entries)
        if limit is not None:
            data = data[:limit - sent]
        if data:
            handler._send_chunk(data)
            sent += len(data)
        with store.lock:
            gone = (pods.name, "", namespace, name) not in store.objects
        if gone or (run.end_ns is not None and run.end_ns <= until):
            break
    handler._send_chunk(b"")

# core/v1 Events the fake's controllers and kubelet record about the objects they act on, with
# the real recorder's aggregation: the same reason and message about the same object again
# raises the count of the existing Event instead of adding one.

import datetime
import time

from resources import BY_PATH
from status import ApiError

EVENTS = BY_PATH[("", "events")]


def timestamp():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Recorder:
    def __init__(self, store):
        self.store = store
        self.seen = {}  # (uid, reason, message) -> (namespace, event name)

    def record(self, obj, reason, message, type_="Normal", component="kubelet", host=None,
               field_path=None):
        meta = obj["metadata"]
        namespace = meta.get("namespace") or "default"
        key = (meta.get("uid"), reason, message)
        when = timestamp()
        known = self.seen.get(key)
        if known:
            def again(event):
                event["count"] = event.get("count", 1) + 1
                event["lastTimestamp"] = when
                return event

            try:
                self.store.modify(EVENTS, known[0], known[1], again)
                return
            except ApiError:
                pass  # deleted meanwhile: record it anew
        involved = {"kind": obj.get("kind"), "namespace": meta.get("namespace"),
                    "name": meta.get("name"), "uid": meta.get("uid"),
                    "apiVersion": obj.get("apiVersion"),
                    "resourceVersion": meta.get("resourceVersion")}
        if field_path:
            involved["fieldPath"] = field_path
        source = {"component": component}
        if host:
            source["host"] = host
        name = "%s.%x" % (meta.get("name"), time.time_ns())
        event = {"metadata": {"name": name, "namespace": namespace},
                 "involvedObject": {k: v for k, v in involved.items() if v is not None},
                 "reason": reason, "message": message, "source": source,
                 "firstTimestamp": when, "lastTimestamp": when, "count": 1, "type": type_,
                 "eventTime": None, "reportingComponent": component,
                 "reportingInstance": host or ""}
        try:
            self.store.create(EVENTS, namespace, event)
        except ApiError:
            return  # the namespace went away
        self.seen[key] = (namespace, name)

# The fake's storage: objects by (resource, namespace, name), one global resourceVersion counter
# as etcd's revision, a history of changes for watches, selectors, paged lists and compaction.
# One lock guards everything; watchers wait on a condition notified at every change.

import base64
import binascii
import collections
import datetime
import json
import threading
import uuid

import defaults
import managedfields
from resources import BY_PATH
from status import already_exists, bad_request, conflict, expired_continue, invalid, not_found

ADDED, MODIFIED, DELETED = "ADDED", "MODIFIED", "DELETED"
# Kinds the fake's controllers and kubelet act on.
SIMULATED = {"Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"}


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_label_selector(text):
    """Equality and set-based requirements, as labels.Parse: a=b, a==b, a!=b, a, !a,
    a in (x,y), a notin (x,y). Returns a predicate over a labels dict."""
    requirements = []
    for part in _split_outside_parens(text or ""):
        part = part.strip()
        if not part:
            continue
        words = part.replace("(", " ( ").replace(")", " ) ").split()
        if len(words) >= 2 and words[1] in ("in", "notin"):
            values = {v.strip() for v in " ".join(words[2:]).strip("() ").split(",") if v.strip()}
            requirements.append((words[0], words[1], values))
        elif "!=" in part:
            key, value = part.split("!=", 1)
            requirements.append((key.strip(), "!=", value.strip()))
        elif "=" in part:
            key, value = part.replace("==", "=").split("=", 1)
            requirements.append((key.strip(), "=", value.strip()))
        elif part.startswith("!"):
            requirements.append((part[1:].strip(), "!", None))
        else:
            requirements.append((part, "exists", None))
    for key, _, _ in requirements:
        if not key:
            raise bad_request('unable to parse requirement: found "", expected: identifier')

    def matches(labels):
        for key, op, value in requirements:
            present = key in labels
            if op == "=" and labels.get(key) != value:
                return False
            if op == "!=" and present and labels[key] == value:
                return False
            if op == "in" and labels.get(key) not in value:
                return False
            if op == "notin" and present and labels[key] in value:
                return False
            if op == "exists" and not present:
                return False
            if op == "!" and present:
                return False
        return True

    return matches


def _split_outside_parens(text):
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


# The fields the real server lets a selector use (events: those `kubectl describe` filters on).
FIELD_SELECTABLE = {"metadata.name", "metadata.namespace", "spec.nodeName", "status.phase",
                    "type", "reason", "involvedObject.name", "involvedObject.kind",
                    "involvedObject.namespace", "involvedObject.uid",
                    "involvedObject.apiVersion", "involvedObject.fieldPath"}


def parse_field_selector(text, resource):
    requirements = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        negate = "!=" in part
        field, value = part.replace("!=", "=").replace("==", "=").split("=", 1)
        field = field.strip()
        if field not in FIELD_SELECTABLE:
            raise bad_request('field label not supported: %s' % field)
        requirements.append((field.split("."), value.strip(), negate))

    def matches(obj):
        for path, value, negate in requirements:
            current = obj
            for step in path:
                current = current.get(step, {}) if isinstance(current, dict) else {}
            actual = current if isinstance(current, str) else ""
            if (actual == value) == negate:
                return False
        return True

    return matches


class Filter:
    """What a list or watch asks for: a namespace (None: all), label and field selectors."""

    def __init__(self, resource, namespace, label_selector, field_selector):
        self.resource = resource
        self.namespace = namespace
        self._labels = parse_label_selector(label_selector)
        self._fields = parse_field_selector(field_selector, resource)

    def matches(self, obj):
        meta = obj["metadata"]
        if self.namespace is not None and meta.get("namespace") != self.namespace:
            return False
        return self._labels(meta.get("labels") or {}) and self._fields(obj)


class Store:
    def __init__(self):
        self.lock = threading.Condition()
        self.revision = 0
        self.compacted = 0  # history at or below this revision is forgotten
        self.objects = {}  # (plural, group, namespace, name) -> object
        self.history = []  # (revision, type, resource, object, previous)
        self.watch_epoch = 0  # bumped to end every open watch with 410
        self.open_watches = 0
        self.started_watches = 0  # only ever grows: a closed watch may count as open a while
        # Uids of pods and workloads created with a status of their own: the controllers and
        # the kubelet leave them as they are, so that tests can seed any state.
        self.seeded = set()
        # Uids of deleted objects: the garbage collector removes what they owned (and not an
        # object whose owner never existed here).
        self.deleted_uids = set()
        # Admission hooks (quota.QuotaAdmission): admit(resource, namespace, obj) may refuse a
        # creation under the lock; created(...) follows it.
        self.admission = []
        self.counts = collections.Counter()  # (plural, group) -> objects stored

    def _key(self, resource, namespace, name):
        return (resource.name, resource.group, namespace or "", name)

    def _record(self, kind, resource, obj, previous):
        self.history.append((self.revision, kind, resource, obj, previous))
        self.lock.notify_all()

    def get(self, resource, namespace, name):
        with self.lock:
            obj = self.objects.get(self._key(resource, namespace, name))
            if obj is None:
                raise not_found(resource, name)
            return json.loads(json.dumps(obj))

    def create(self, resource, namespace, obj, dry_run=False, manager=None):
        """`manager` (managedfields.Manager): the Update that creates it, recorded in
        managedFields; None for the controllers' own writes."""
        meta = obj.setdefault("metadata", {})
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = meta["generateName"] + uuid.uuid4().hex[:5]
        name = meta.get("name", "")
        if not name:
            raise invalid(resource, name, [("metadata.name", "FieldValueRequired",
                                            "Required value: name or generateName is required")])
        self._check_body(resource, namespace, obj, name)
        defaults.apply(resource, obj)
        with self.lock:
            key = self._key(resource, namespace, name)
            if key in self.objects:
                raise already_exists(resource, name)
            if resource.namespaced:
                self._require_namespace(namespace)
            for hook in self.admission:
                hook.admit(resource, namespace, obj)
            if manager is not None:
                managedfields.record_update(None, obj, manager)
            if dry_run:  # ?dryRun=All: the object as it would be, nothing kept
                meta.update({"uid": str(uuid.uuid4()), "creationTimestamp": now()})
                return json.loads(json.dumps(obj))
            self.revision += 1
            meta.update({"uid": str(uuid.uuid4()), "resourceVersion": str(self.revision),
                         "creationTimestamp": now()})
            if resource.namespaced:
                meta["namespace"] = namespace
            if resource.generation:
                meta["generation"] = 1
            if obj.get("status") and resource.kind in SIMULATED:
                self.seeded.add(meta["uid"])
            for field in ("deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"):
                meta.pop(field, None)
            self.objects[key] = obj
            self.counts[(resource.name, resource.group)] += 1
            self._record(ADDED, resource, obj, None)
            for hook in self.admission:
                hook.created(resource, namespace, obj)
            return json.loads(json.dumps(obj))

    def replace(self, resource, namespace, name, obj, dry_run=False, manager=None):
        self._check_body(resource, namespace, obj, name)
        defaults.apply(resource, obj)
        meta = obj.setdefault("metadata", {})
        with self.lock:
            key = self._key(resource, namespace, name)
            old = self.objects.get(key)
            if old is None:
                raise not_found(resource, name)
            wanted = meta.get("resourceVersion")
            if wanted and wanted != old["metadata"]["resourceVersion"]:
                raise conflict(resource, name)
            if dry_run:
                return self.modify(resource, namespace, name, lambda _: obj,
                                   keep_status=resource.status, dry_run=True, manager=manager)
            self.revision += 1
            for field in ("uid", "creationTimestamp", "namespace", "generation"):
                if field in old["metadata"]:
                    meta[field] = old["metadata"][field]
            meta["resourceVersion"] = str(self.revision)
            if resource.generation and obj.get("spec") != old.get("spec"):
                meta["generation"] = old["metadata"].get("generation", 0) + 1
            if resource.status:
                if "status" in old:
                    obj["status"] = old["status"]
                else:
                    obj.pop("status", None)
            if manager is not None:
                managedfields.record_update(old, obj, manager)
            self.objects[key] = obj
            self._record(MODIFIED, resource, obj, old)
            return json.loads(json.dumps(obj))

    def modify(self, resource, namespace, name, change, keep_status=False, only_status=False,
               expected_version=None, dry_run=False, manager=None):
        """Read, change and write back one object under the lock, so that a controller's or a
        patch's write never loses another's. `change` edits a copy (it may raise an ApiError);
        nothing is written when it changes nothing. keep_status: a write of the object through
        its main resource, which keeps the stored status; only_status: a write through the
        /status subresource, which keeps everything but the status. `manager`: the Update
        recorded in managedFields (None: the controllers' writes, which record none)."""
        with self.lock:
            key = self._key(resource, namespace, name)
            old = self.objects.get(key)
            if old is None:
                raise not_found(resource, name)
            if expected_version and expected_version != old["metadata"]["resourceVersion"]:
                raise conflict(resource, name)
            obj = change(json.loads(json.dumps(old))) or None
            if obj is None:
                return json.loads(json.dumps(old))
            self._check_body(resource, namespace, obj, name)
            defaults.apply(resource, obj)
            meta = obj.setdefault("metadata", {})
            wanted = meta.get("resourceVersion")
            if wanted and wanted != old["metadata"]["resourceVersion"]:
                raise conflict(resource, name)
            if only_status:
                status = obj.get("status")
                obj = json.loads(json.dumps(old))
                if status is None:
                    obj.pop("status", None)
                else:
                    obj["status"] = status
            elif keep_status:
                if "status" in old:
                    obj["status"] = old["status"]
                else:
                    obj.pop("status", None)
            for field in ("uid", "creationTimestamp", "namespace", "generation",
                          "resourceVersion"):
                if field in old["metadata"]:
                    obj["metadata"][field] = old["metadata"][field]
                else:
                    obj["metadata"].pop(field, None)
            if manager is not None:
                managedfields.record_update(old, obj, manager)
            if obj == old:
                return json.loads(json.dumps(old))
            if dry_run:
                return json.loads(json.dumps(obj))
            self.revision += 1
            obj["metadata"]["resourceVersion"] = str(self.revision)
            if resource.generation and obj.get("spec") != old.get("spec"):
                obj["metadata"]["generation"] = old["metadata"].get("generation", 0) + 1
            self.objects[key] = obj
            self._record(MODIFIED, resource, obj, old)
            return json.loads(json.dumps(obj))

    def count(self, resource):
        """How many objects of `resource` there are (in every namespace)."""
        with self.lock:
            return self.counts[(resource.name, resource.group)]

    def select(self, resource, namespace=None):
        """Copies of every object of `resource` (in `namespace` when given), in key order."""
        with self.lock:
            return [json.loads(json.dumps(v)) for k, v in sorted(
                (k, v) for k, v in self.objects.items()
                if (k[0], k[1]) == (resource.name, resource.group)
                and (namespace is None or k[2] == namespace))]

    def delete(self, resource, namespace, name, dry_run=False):
        with self.lock:
            key = self._key(resource, namespace, name)
            if dry_run:
                if key not in self.objects:
                    raise not_found(resource, name)
                return json.loads(json.dumps(self.objects[key]))
            old = self.objects.pop(key, None)
            if old is None:
                raise not_found(resource, name)
            if resource.name == "namespaces" and not resource.group:
                for other in [k for k, v in self.objects.items() if k[2] == name]:
                    self._remove(other)
            return self._remove_recorded(resource, old)

    def _remove(self, key):
        old = self.objects.pop(key)
        self._remove_recorded(BY_PATH[(key[1], key[0])], old)

    def _remove_recorded(self, resource, old):
        self.counts[(resource.name, resource.group)] -= 1
        self.deleted_uids.add(old["metadata"].get("uid"))
        self.revision += 1
        gone = json.loads(json.dumps(old))
        gone["metadata"]["resourceVersion"] = str(self.revision)
        self._record(DELETED, resource, gone, old)
        return gone

    def _require_namespace(self, namespace):
        if self._key(BY_PATH[("", "namespaces")], None, namespace) not in self.objects:
            raise not_found(BY_PATH[("", "namespaces")], namespace)

    def _check_body(self, resource, namespace, obj, name):
        meta = obj.get("metadata", {})
        if obj.get("kind") not in (None, resource.kind) or obj.get("apiVersion") not in (
                None, resource.api_version):
            raise bad_request("the API version in the data (%s) does not match the expected API "
                              "version (%s)" % (obj.get("apiVersion"), resource.api_version))
        obj["kind"], obj["apiVersion"] = resource.kind, resource.api_version
        if meta.get("name", name) != name:
            raise bad_request("the name of the object (%s) does not match the name on the URL "
                              "(%s)" % (meta.get("name"), name))
        if resource.namespaced and meta.get("namespace", namespace) != namespace:
            raise bad_request("the namespace of the provided object does not match the namespace "
                              "sent on the request")

    def list(self, query, limit=0, continue_token=None):
        """Items matching the filter in key order, a page of `limit` (0: all), and the token for
        the next page. The token names the list's revision; once that revision is compacted the
        token has expired (410), as etcd's compaction expires it."""
        with self.lock:
            revision, start = self.revision, None
            if continue_token:
                revision, start = _decode_continue(continue_token)
                if revision < self.compacted:
                    raise expired_continue()
            keys = sorted(k for k, v in self.objects.items()
                          if (k[0], k[1]) == (query.resource.name, query.resource.group)
                          and (start is None or (k[2], k[3]) > start) and query.matches(v))
            page = keys[:limit] if limit else keys
            items = [json.loads(json.dumps(self.objects[k])) for k in page]
            token, remaining = "", None
            if limit and len(keys) > limit:
                token = _encode_continue(revision, (page[-1][2], page[-1][3]))
                remaining = len(keys) - limit
            return items, str(revision), token, remaining

    def compact(self, expire_watches=False):
        """Forgets the history up to now: a watch from an older resourceVersion or a continue
        token of an earlier list gets 410 Expired from here on."""
        with self.lock:
            self.compacted = self.revision
            self.history = []
            if expire_watches:
                self.watch_epoch += 1
                self.lock.notify_all()
            return self.revision

    def events_after(self, revision):
        """Changes after `revision`, or None when that part of the history is forgotten."""
        if revision < self.compacted:
            return None
        return [entry for entry in self.history if entry[0] > revision]


def _encode_continue(revision, start):
    text = json.dumps({"v": "meta.k8s.io/v1", "rv": revision, "start": list(start)})
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode_continue(token):
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        return int(data["rv"]), tuple(data["start"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise bad_request("continue key is not valid: %s" % token) from None

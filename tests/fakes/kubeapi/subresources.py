# The /scale and /status subresources (autoscaling/v1 Scale over a workload's spec.replicas and
# status.replicas) and a minimal server-side apply (PATCH application/apply-patch+yaml with a
# fieldManager), on top of the store's read-modify-write.

import datetime

import patch
from status import ApiError, bad_request, conflict


def of(resource):
    """The subresources the fake routes for `resource`."""
    subs = set()
    if resource.status:
        subs.add("status")
    if resource.scale:
        subs.add("scale")
    if resource.name == "pods" and not resource.group:
        subs.add("log")
    return subs


def selector_text(selector):
    """A LabelSelector as the string a Scale's status.selector carries."""
    parts = ["%s=%s" % (k, v) for k, v in sorted((selector or {}).get("matchLabels", {}).items())]
    for expression in (selector or {}).get("matchExpressions", []):
        key, op = expression.get("key", ""), expression.get("operator", "")
        values = ",".join(sorted(expression.get("values", [])))
        if op == "In":
            parts.append("%s in (%s)" % (key, values))
        elif op == "NotIn":
            parts.append("%s notin (%s)" % (key, values))
        elif op == "Exists":
            parts.append(key)
        elif op == "DoesNotExist":
            parts.append("!" + key)
    return ",".join(sorted(parts))


def to_scale(obj):
    meta = obj["metadata"]
    return {"kind": "Scale", "apiVersion": "autoscaling/v1",
            "metadata": {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion",
                                              "creationTimestamp") if k in meta},
            "spec": {"replicas": obj.get("spec", {}).get("replicas", 1)},
            "status": {"replicas": obj.get("status", {}).get("replicas", 0),
                       "selector": selector_text(obj.get("spec", {}).get("selector"))}}


def set_scale(store, resource, namespace, name, change, dry_run=False):
    """Applies `change` (Scale -> Scale) to the workload's Scale and writes its replicas back."""
    def update(current):
        scale = change(to_scale(current))
        if not isinstance(scale, dict) or scale.get("kind") not in (None, "Scale"):
            raise bad_request("the body of the request is not an autoscaling/v1 Scale")
        wanted = (scale.get("metadata") or {}).get("resourceVersion")
        if wanted and wanted != current["metadata"]["resourceVersion"]:
            raise conflict(resource, name)
        replicas = (scale.get("spec") or {}).get("replicas", 0)
        if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
            raise ApiError(422, "Invalid",
                           'Scale.autoscaling "%s" is invalid: spec.replicas: Invalid value: '
                           '%s: must be greater than or equal to 0' % (name, replicas),
                           {"name": name, "group": "autoscaling", "kind": "Scale",
                            "causes": [{"reason": "FieldValueInvalid", "field": "spec.replicas",
                                        "message": "Invalid value: %s: must be greater than or "
                                                   "equal to 0" % replicas}]})
        current.setdefault("spec", {})["replicas"] = replicas
        return current

    return to_scale(store.modify(resource, namespace, name, update, keep_status=True,
                                 dry_run=dry_run))


def server_side_apply(store, resource, namespace, name, query, body):
    """(HTTP code, object) of an apply: creates the object when it does not exist, otherwise
    merges the applied configuration into it. Field ownership is recorded as one managedFields
    entry per manager, without the field sets or conflict detection of the real server."""
    manager = query.get("fieldManager")
    if not manager:
        raise bad_request("PATCH %s: fieldManager is required for apply requests" % resource.name)
    applied = patch.decode(body)
    if not isinstance(applied, dict):
        raise bad_request("error decoding YAML: the fake server takes apply bodies as JSON "
                          "(which is YAML)")
    applied.pop("status", None)
    applied.setdefault("metadata", {})
    if applied["metadata"].get("name", name) != name:
        raise bad_request("the name of the object (%s) does not match the name on the URL (%s)"
                          % (applied["metadata"].get("name"), name))
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    entry = {"manager": manager, "operation": "Apply", "apiVersion": resource.api_version,
             "time": when, "fieldsType": "FieldsV1", "fieldsV1": {}}

    def managed(obj):
        entries = [e for e in obj["metadata"].get("managedFields", [])
                   if (e.get("manager"), e.get("operation")) != (manager, "Apply")]
        obj["metadata"]["managedFields"] = entries + [entry]
        return obj

    try:
        store.get(resource, namespace, name)
    except ApiError as error:
        if error.code != 404:
            raise
        applied["metadata"]["name"] = name
        if query.get("dryRun"):
            return 201, managed(applied)
        try:
            return 201, store.create(resource, namespace, managed(applied))
        except ApiError as raced:
            if raced.code != 409:
                raise
    if query.get("dryRun"):
        return 200, managed(patch.strategic_merge(store.get(resource, namespace, name), applied,
                                                  ()))
    return 200, store.modify(resource, namespace, name,
                             lambda current: managed(patch.strategic_merge(current, applied, ())),
                             keep_status=resource.status)


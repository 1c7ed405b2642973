# The /scale and /status subresources (autoscaling/v1 Scale over a workload's spec.replicas and
# status.replicas), on top of the store's read-modify-write. Server-side apply is in
# serversideapply.py.

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


def set_scale(store, resource, namespace, name, change, dry_run=False, manager=None):
    """Applies `change` (Scale -> Scale) to the workload's Scale and writes its replicas back,
    recorded in managedFields for `manager` (its subresource "scale")."""
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
                                 dry_run=dry_run, manager=manager))


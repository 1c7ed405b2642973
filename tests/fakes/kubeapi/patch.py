# PATCH bodies as kube-apiserver applies them: JSON merge patch (RFC 7386), JSON patch
# (RFC 6902) and strategic merge patch with the patch merge keys of the kinds the fake serves
# (k8s.io/apimachinery pkg/util/strategicpatch); an apply to a subresource merges as a
# strategic patch (serversideapply.py applies objects). Errors are the Status objects the real
# server answers with.

import copy
import json

from status import ApiError, bad_request

MERGE_PATCH = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
STRATEGIC_PATCH = "application/strategic-merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"
PATCH_TYPES = [JSON_PATCH, MERGE_PATCH, APPLY_PATCH, STRATEGIC_PATCH]

# The list fields whose items merge by a key in the served kinds (patchMergeKey in the API
# types); any other list is replaced whole, as a list without a patch strategy is.
MERGE_KEYS = {
    "containers": "name", "initContainers": "name", "ephemeralContainers": "name",
    "volumes": "name", "imagePullSecrets": "name", "env": "name", "resourceClaims": "name",
    "volumeMounts": "mountPath", "volumeDevices": "devicePath", "hostAliases": "ip",
    "ownerReferences": "uid", "conditions": "type", "topologySpreadConstraints": "topologyKey",
}
# Lists of scalars merged as sets.
PRIMITIVE_MERGE = {"finalizers"}


def unsupported_media_type():
    return ApiError(415, "UnsupportedMediaType",
                    "the body of the request was in an unknown format - accepted media types "
                    "include: " + ", ".join(PATCH_TYPES))


def _invalid_patch():
    # What the real server answers for a JSON patch that does not apply (a failed test, a
    # missing path): NewGenericServerResponse(422) with no detail.
    return ApiError(422, "Invalid", "the server rejected our request due to an error in our "
                                    "request", {})


def decode(body):
    try:
        return json.loads(body or b"null")
    except ValueError as error:
        raise bad_request("error decoding patch: %s" % error) from None


def apply(content_type, current, body):
    """The object after the patch in `body` of `content_type` (one of PATCH_TYPES), from a
    deep copy of `current`."""
    document = decode(body)
    if content_type == MERGE_PATCH:
        if not isinstance(document, dict):
            raise bad_request("error decoding patch: the patch is not a JSON object")
        return merge_patch(copy.deepcopy(current), document)
    if content_type == JSON_PATCH:
        return json_patch(copy.deepcopy(current), document)
    if content_type in (STRATEGIC_PATCH, APPLY_PATCH):
        if not isinstance(document, dict):
            raise bad_request("error decoding patch: the patch is not a JSON object")
        return strategic_merge(copy.deepcopy(current), document, ())
    raise unsupported_media_type()


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if not isinstance(target, dict):
        target = {}
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = merge_patch(target.get(key), value)
    return target


# --- JSON patch (RFC 6902) ------------------------------------------------------------------

def _pointer(path):
    if path == "":
        return []
    if not isinstance(path, str) or not path.startswith("/"):
        raise _invalid_patch()
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


def _parent(document, parts):
    """The container holding the last step of `parts` and that step (an int for a list)."""
    current = document
    for part in parts[:-1]:
        current = _step(current, part)
    last = parts[-1]
    if isinstance(current, list):
        if last == "-":
            return current, len(current)
        if not last.isdigit():
            raise _invalid_patch()
        return current, int(last)
    if not isinstance(current, dict):
        raise _invalid_patch()
    return current, last


def _step(current, part):
    if isinstance(current, dict) and part in current:
        return current[part]
    if isinstance(current, list) and part.isdigit() and int(part) < len(current):
        return current[int(part)]
    raise _invalid_patch()


def _get(document, parts):
    current = document
    for part in parts:
        current = _step(current, part)
    return current


def _remove(document, parts):
    container, key = _parent(document, parts)
    if isinstance(container, list):
        if key >= len(container):
            raise _invalid_patch()
        return container.pop(key)
    if key not in container:
        raise _invalid_patch()
    return container.pop(key)


def _add(document, parts, value):
    if not parts:
        return value
    container, key = _parent(document, parts)
    if isinstance(container, list):
        if key > len(container):
            raise _invalid_patch()
        container.insert(key, value)
    else:
        container[key] = value
    return document


def json_patch(document, operations):
    if not isinstance(operations, list) or not all(isinstance(op, dict) for op in operations):
        raise bad_request("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    if len(operations) > 10000:
        raise ApiError(413, "RequestEntityTooLarge", "Request entity too large: The allowed "
                       "maximum operations in a JSON patch is 10000, got %d" % len(operations))
    for op in operations:
        kind = op.get("op")
        if kind not in ("add", "remove", "replace", "move", "copy", "test"):
            raise bad_request("Unexpected kind: %s" % kind)
        if "path" not in op:
            raise bad_request("operation missing path field")
        parts = _pointer(op["path"])
        if kind in ("add", "replace", "test") and "value" not in op:
            raise bad_request("operation missing value field")
        value = copy.deepcopy(op.get("value"))
        if kind == "add":
            document = _add(document, parts, value)
        elif kind == "remove":
            if not parts:
                raise _invalid_patch()
            _remove(document, parts)
        elif kind == "replace":
            if not parts:
                document = value
                continue
            _remove(document, parts)
            document = _add(document, parts, value)
        elif kind == "test":
            if _get(document, parts) != value:
                raise _invalid_patch()
        else:
            source = _pointer(op.get("from", ""))
            if kind == "move":
                if parts[:len(source)] == source and parts != source:
                    raise _invalid_patch()  # into its own child
                moved = _remove(document, source)
            else:
                moved = copy.deepcopy(_get(document, source))
            document = _add(document, parts, moved)
    return document


# --- strategic merge patch ------------------------------------------------------------------

def _merge_key(path):
    field = path[-1]
    if field == "ports":
        # A container's ports merge by containerPort, a Service's by port.
        return "containerPort" if "containers" in path or "initContainers" in path else "port"
    return MERGE_KEYS.get(field)


def _clean(value):
    """A patch value without its directives, as stored."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if not k.startswith("$")}
    if isinstance(value, list):
        return [_clean(v) for v in value if not (isinstance(v, dict) and "$patch" in v)]
    return value


def strategic_merge(original, patch, path):
    if not isinstance(original, dict):
        original = {}
    directive = patch.get("$patch")
    if directive == "replace":
        return _clean(patch)
    if directive not in (None, "merge", "delete"):
        raise bad_request("Unknown patch type found: %s" % directive)
    result = original
    orders = {}
    retain = patch.get("$retainKeys")
    for key, value in patch.items():
        if key.startswith("$setElementOrder/"):
            orders[key[len("$setElementOrder/"):]] = value
        elif key.startswith("$deleteFromPrimitiveList/"):
            field = key[len("$deleteFromPrimitiveList/"):]
            if isinstance(result.get(field), list):
                result[field] = [v for v in result[field] if v not in value]
        elif key.startswith("$"):
            continue
        elif value is None:
            result.pop(key, None)
        elif isinstance(value, dict):
            if value.get("$patch") == "delete":
                result.pop(key, None)
            else:
                result[key] = strategic_merge(result.get(key), value, path + (key,))
        elif isinstance(value, list):
            result[key] = _merge_list(result.get(key), value, path + (key,))
        else:
            result[key] = value
    if isinstance(retain, list):
        for key in [k for k in result if k not in retain]:
            del result[key]
    for field, order in orders.items():
        if isinstance(result.get(field), list) and isinstance(order, list):
            result[field] = _ordered(result[field], order, _merge_key(path + (field,)))
    return result


def _merge_list(original, patch, path):
    original = original if isinstance(original, list) else []
    key = _merge_key(path)
    if any(isinstance(item, dict) and item.get("$patch") == "replace" for item in patch):
        return _clean(patch)
    if path[-1] in PRIMITIVE_MERGE:
        return original + [v for v in patch if v not in original]
    if key is None:
        return _clean(patch)
    result = list(original)
    for item in patch:
        if not isinstance(item, dict) or key not in item:
            raise bad_request("map: %s does not contain declared merge key: %s" % (item, key))
        index = next((i for i, old in enumerate(result)
                      if isinstance(old, dict) and old.get(key) == item[key]), None)
        if item.get("$patch") == "delete":
            result = [old for old in result if not (isinstance(old, dict)
                                                    and old.get(key) == item[key])]
        elif index is None:
            result.append(_clean(item))
        else:
            result[index] = strategic_merge(result[index], item, path)
    return result


def _ordered(items, order, key):
    if key is None:
        return items
    rank = {entry.get(key) if isinstance(entry, dict) else entry: i
            for i, entry in enumerate(order)}
    listed = sorted((item for item in items if item.get(key) in rank),
                    key=lambda item: rank[item.get(key)])
    return listed + [item for item in items if item.get(key) not in rank]

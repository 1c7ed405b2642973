# Field sets as server-side apply tracks them (sigs.k8s.io/structured-merge-diff): an object
# flattened to the paths of the fields it sets, each path a tuple of elements spelled as in
# managedFields' FieldsV1 ("f:spec", "f:replicas"; items of keyed lists by their keys,
# 'k:{"name":"web"}'; items of sets by value, 'v:"finalizer"'), with FieldsV1 documents read and
# written, paths printed as conflicts name them (.spec.template.spec.containers[name="web"].image)
# and fields removed from an object by path.

import copy
import json

# A path's value for a node that is a member of the set itself (a list item, an owned map).
MEMBER = object()
# Metadata the API server keeps itself, never part of a field set.
STRIPPED_METADATA = {"name", "namespace", "uid", "resourceVersion", "generation",
                     "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                     "selfLink", "managedFields"}
# Values that are one atomic whole (label selectors are atomic structs; a Service's and a pod's
# node selector atomic maps).
ATOMIC = {"selector", "labelSelector", "namespaceSelector", "nodeSelector"}
# Maps and optional structs an update that adds them owns as a whole ("." in FieldsV1).
OWNED_MAPS = {"labels", "annotations", "data", "binaryData", "stringData", "limits", "requests",
              "rollingUpdate"}
SET_LISTS = {"finalizers"}
# Lists whose items are keyed (listType=map) by these fields; ports depend on where they are.
LIST_KEYS = {
    "containers": ("name",), "initContainers": ("name",), "ephemeralContainers": ("name",),
    "env": ("name",), "volumes": ("name",), "imagePullSecrets": ("name",),
    "resourceClaims": ("name",), "volumeMounts": ("mountPath",),
    "volumeDevices": ("devicePath",), "hostAliases": ("ip",), "ownerReferences": ("uid",),
    "conditions": ("type",), "topologySpreadConstraints": ("topologyKey", "whenUnsatisfiable"),
}
CONTAINER_LISTS = {"containers", "initContainers", "ephemeralContainers"}


def _encode(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def list_keys(names):
    """The key fields of the list at the field-name path `names`, None for an atomic list."""
    field = names[-1]
    if field == "ports":
        inside_container = any(name in CONTAINER_LISTS for name in names)
        return ("containerPort", "protocol") if inside_container else ("port", "protocol")
    return LIST_KEYS.get(field)


def item_key(keys, item):
    """The key of a keyed list's item (protocol defaults to TCP, as the server defaults it), or
    None when the item lacks one."""
    if not isinstance(item, dict):
        return None
    key = {}
    for field in keys:
        if field in item:
            key[field] = item[field]
        elif field == "protocol":
            key[field] = "TCP"
        else:
            return None
    return key


def keyed_items(names, items):
    """[(key, item)] of a keyed list, or None when the list is atomic here."""
    keys = list_keys(names)
    if not keys:
        return None
    pairs = [(item_key(keys, item), item) for item in items]
    encoded = [_encode(key) for key, _ in pairs if key is not None]
    if len(encoded) != len(pairs) or len(set(encoded)) != len(encoded):
        return None
    return pairs


def flatten(obj, status=False, maps=False):
    """{path: value} of the fields `obj` sets: leaves with their values, list items (and, with
    `maps`, owned maps) as MEMBER. The status counts only with `status`."""
    out = {}
    for key, value in obj.items():
        if key in ("apiVersion", "kind") or (key == "status" and not status):
            continue
        if key == "metadata" and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k not in STRIPPED_METADATA}
            if not value:
                continue
        _walk(value, (key,), ("f:" + key,), out, maps)
    return out


def _walk(value, names, path, out, maps):
    field = names[-1]
    if value is None:
        return
    if isinstance(value, dict) and value and field not in ATOMIC:
        if maps and field in OWNED_MAPS:
            out[path] = MEMBER
        for key, child in value.items():
            _walk(child, names + (key,), path + ("f:" + key,), out, maps)
        return
    if isinstance(value, list) and value:
        if field in SET_LISTS and all(not isinstance(v, (dict, list)) for v in value):
            for item in value:
                out[path + ("v:" + _encode(item),)] = MEMBER
            return
        pairs = keyed_items(names, value)
        if pairs is not None:
            for key, item in pairs:
                item_path = path + ("k:" + _encode(key),)
                out[item_path] = MEMBER
                for child_key, child in item.items():
                    _walk(child, names + (child_key,), item_path + ("f:" + child_key,), out,
                          maps)
            return
    out[path] = value


def same(a, b):
    """Equal as JSON values (1 and true differ)."""
    return a is b or (type(a) is type(b) and a == b)


def to_fields_v1(paths):
    """The FieldsV1 document of a set of paths."""
    root = {}
    for path in paths:
        node = root
        for element in path:
            node = node.setdefault(element, {})
    for path in paths:
        node = root
        for element in path:
            node = node[element]
        if node and path:
            node["."] = {}
    return _sorted(root)


def _sorted(node):
    return {key: _sorted(node[key]) for key in sorted(node)}


def from_fields_v1(fields, path=()):
    """The set of paths of a FieldsV1 document."""
    paths = set()
    if not isinstance(fields, dict):
        return paths
    for key, child in fields.items():
        if key == ".":
            paths.add(path)
        elif isinstance(child, dict) and child:
            paths |= from_fields_v1(child, path + (key,))
        else:
            paths.add(path + (key,))
    return paths


def describe(path):
    """A path as conflicts print it: .spec.template.spec.containers[name="web"].image."""
    text = ""
    for element in path:
        kind, rest = element[:1], element[2:]
        if kind == "f":
            text += "." + rest
        elif kind == "k":
            key = json.loads(rest)
            text += "[" + ",".join("%s=%s" % (k, json.dumps(key[k])) for k in sorted(key)) + "]"
        elif kind == "v":
            text += "[=" + rest + "]"
        else:
            text += "[" + rest + "]"
    return text


def _child(container, element):
    """The key or index of `element` in `container`, None when it is not there."""
    kind, rest = element[:1], element[2:]
    if kind == "f":
        return rest if isinstance(container, dict) and rest in container else None
    if not isinstance(container, list):
        return None
    if kind == "k":
        wanted = json.loads(rest)
        keys = tuple(sorted(wanted))
        for index, item in enumerate(container):
            if item_key(keys, item) == wanted:
                return index
        return None
    wanted = json.loads(rest)
    return next((i for i, item in enumerate(container) if same(item, wanted)), None)


def remove(obj, path):
    """Removes the field or item at `path` from `obj` when it is there."""
    node = obj
    for element in path[:-1]:
        key = _child(node, element)
        if key is None:
            return
        node = node[key]
    key = _child(node, path[-1])
    if key is not None:
        del node[key]


def remove_if_empty(obj, path):
    """Removes the map or list at `path` when it is empty; whether it did."""
    node = obj
    for element in path[:-1]:
        key = _child(node, element)
        if key is None:
            return False
        node = node[key]
    key = _child(node, path[-1])
    if key is None or node[key] not in ({}, []):
        return False
    del node[key]
    return True


def without(obj, field):
    """A copy of `obj` without one metadata field (for comparisons that ignore it)."""
    copied = copy.copy(obj)
    copied["metadata"] = {k: v for k, v in (obj.get("metadata") or {}).items() if k != field}
    return copied

# Server-side apply (PATCH application/apply-patch+yaml with ?fieldManager) as
# structured-merge-diff does it, simplified: the applied configuration is merged into the live
# object (keyed lists by their keys), the applier's Apply entry becomes the set of fields it
# applied, a leaf it would change that another manager owns is a 409 Conflict unless ?force=true
# (which takes it), and fields the applier owned before and applies no more are removed unless
# another manager owns them too. An apply to an object that does not exist creates it.

import copy

import fieldsets
import managedfields
import patch
from status import ApiError, bad_request

# The manager the real server credits with every field of an object that has no managedFields.
BEFORE_FIRST_APPLY = "before-first-apply"


def _configuration(resource, name, body):
    applied = patch.decode(body)
    if not isinstance(applied, dict):
        raise bad_request("error decoding YAML: the fake server takes apply bodies as JSON "
                          "(which is YAML)")
    applied.pop("status", None)
    meta = applied.setdefault("metadata", {})
    if not isinstance(meta, dict):
        raise bad_request("metadata must be an object")
    if meta.get("name", name) != name:
        raise bad_request("the name of the object (%s) does not match the name on the URL (%s)"
                          % (meta.get("name"), name))
    if meta.get("managedFields"):
        raise bad_request("metadata.managedFields must be nil")
    meta.pop("managedFields", None)
    return applied


def apply(store, resource, namespace, name, query, body, may_create, dry_run=False):
    """(HTTP code, object) of an apply. `may_create` raises when the caller may not create."""
    manager = query.get("fieldManager")
    if not manager:
        raise bad_request("PATCH %s: fieldManager is required for apply requests" % resource.name)
    config = _configuration(resource, name, body)
    force = query.get("force") in ("true", "1")
    who = managedfields.Manager(manager, "Apply", resource.api_version)
    try:
        store.get(resource, namespace, name)
    except ApiError as error:
        if error.code != 404:
            raise
        may_create()
        created = copy.deepcopy(config)
        created["metadata"]["name"] = name
        entry = managedfields.new_entry(who)
        entry.fields = set(fieldsets.flatten(config))
        entry.time = managedfields.now()
        managedfields.write(created, [entry])
        try:
            return 201, store.create(resource, namespace, created, dry_run)
        except ApiError as raced:
            if raced.code != 409:
                raise
    return 200, store.modify(resource, namespace, name,
                             lambda live: applied_to(resource, live, config, who, force),
                             keep_status=resource.status, dry_run=dry_run)


def applied_to(resource, live, config, who, force):
    """The live object with `config` applied by `who`, managedFields included."""
    entries = managedfields.read(live)
    if not entries:
        fields = set(fieldsets.flatten(live))
        if fields:
            entries = [managedfields.Entry(BEFORE_FIRST_APPLY, "Update", resource.api_version,
                                           "", managedfields.now(), fields)]
    mine = managedfields.find(entries, who)
    last = set(mine.fields) if mine else set()
    applied = fieldsets.flatten(config)
    current = fieldsets.flatten(live)
    changing = {path for path, value in applied.items()
                if path not in current or not fieldsets.same(current[path], value)}
    others = [e for e in entries if e is not mine]
    conflicts = [(entry, path) for entry in sorted(others, key=lambda e: e.identity())
                 for path in sorted(entry.fields & changing)]
    if conflicts and not force:
        raise managedfields.conflict_error(conflicts)
    for entry in others:
        entry.fields -= changing
    result = merge(live, config, ())
    kept = set(applied).union(*(entry.fields for entry in others))
    # Shallowest first: an item that goes takes its fields with it. A map or list left empty
    # by what went goes too, unless someone owns it.
    for path in sorted(last - set(applied), key=len):
        if not any(owned[:len(path)] == path for owned in kept):
            fieldsets.remove(result, path)
            parent = path[:-1]
            while len(parent) > 1 and parent not in kept and fieldsets.remove_if_empty(
                    result, parent):
                parent = parent[:-1]
    present = set(fieldsets.flatten(result, status=True, maps=True))
    for entry in others:
        entry.fields &= present
    if mine is None:
        mine = managedfields.new_entry(who)
        entries.append(mine)
    mine.api_version = resource.api_version
    mine.fields = set(applied)
    if mine.fields != last or mine.time is None or fieldsets.without(
            result, "managedFields") != fieldsets.without(live, "managedFields"):
        mine.time = managedfields.now()
    managedfields.write(result, entries)
    return result


def merge(live, config, names):
    """`config` merged into `live`: maps field by field, keyed lists item by item (new items
    after the others), sets as unions, anything else replaced."""
    atomic = names and names[-1] in fieldsets.ATOMIC
    if isinstance(live, dict) and isinstance(config, dict) and not atomic:
        result = dict(live)
        for key, value in config.items():
            if value is None:
                result.pop(key, None)
            else:
                result[key] = merge(live.get(key), value, names + (key,))
        return result
    if isinstance(live, list) and isinstance(config, list) and names:
        if names[-1] in fieldsets.SET_LISTS:
            return live + [copy.deepcopy(v) for v in config if v not in live]
        live_items = fieldsets.keyed_items(names, live)
        config_items = fieldsets.keyed_items(names, config)
        if live_items is not None and config_items is not None:
            result = [item for _, item in live_items]
            keys = [key for key, _ in live_items]
            for key, item in config_items:
                if key in keys:
                    index = keys.index(key)
                    result[index] = merge(result[index], item, names)
                else:
                    result.append(copy.deepcopy(item))
                    keys.append(key)
            return result
    return copy.deepcopy(config)

# metadata.managedFields as kube-apiserver's field manager keeps them: one entry per manager,
# operation (Apply or Update), apiVersion (for updates) and subresource, each with the FieldsV1
# set of the fields it owns. A write that is not an apply (POST, PUT, PATCH) is an Update by its
# fieldManager (or the User-Agent's program name): it takes the fields it changed from their
# other owners, and fields it removed leave every set. Apply conflicts are worded here too.

import datetime

import fieldsets
from status import ApiError

# The manager of a write that names none and comes without a User-Agent.
DEFAULT_MANAGER = "unknown"
MAX_MANAGER_LENGTH = 128
SUBRESOURCES = {"status", "scale"}


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Manager:
    """Who writes: a request's field manager, its operation and where it writes."""

    def __init__(self, name, operation, api_version, subresource=""):
        self.name = name
        self.operation = operation
        self.api_version = api_version
        self.subresource = subresource

    def identity(self):
        # Appliers are one manager whatever version they apply (the real server's rule).
        version = "" if self.operation == "Apply" else self.api_version
        return (self.name, self.operation, version, self.subresource)


class Entry(Manager):
    def __init__(self, name, operation, api_version, subresource, time, fields):
        super().__init__(name, operation, api_version, subresource)
        self.time = time
        self.fields = set(fields)

    def describe(self):
        """The manager as conflicts name it: "kubectl" with subresource "scale" using apps/v1."""
        text = '"%s"' % self.name
        if self.subresource:
            text += ' with subresource "%s"' % self.subresource
        if self.operation == "Update":
            text += " using %s" % self.api_version
        return text

    def to_json(self):
        entry = {"manager": self.name, "operation": self.operation,
                 "apiVersion": self.api_version, "time": self.time, "fieldsType": "FieldsV1",
                 "fieldsV1": fieldsets.to_fields_v1(self.fields)}
        if self.subresource:
            entry["subresource"] = self.subresource
        return entry


def new_entry(manager):
    return Entry(manager.name, manager.operation, manager.api_version, manager.subresource, None,
                 ())


def read(obj):
    entries = []
    for raw in ((obj or {}).get("metadata") or {}).get("managedFields") or []:
        if isinstance(raw, dict) and raw.get("manager") is not None:
            entries.append(Entry(raw.get("manager", ""), raw.get("operation", "Update"),
                                 raw.get("apiVersion", ""), raw.get("subresource", ""),
                                 raw.get("time"), fieldsets.from_fields_v1(raw.get("fieldsV1"))))
    return entries


def find(entries, manager):
    identity = manager.identity()
    return next((e for e in entries if e.identity() == identity), None)


def write(obj, entries):
    """Stores the entries that own something, in the real server's order (operation, time,
    manager)."""
    kept = sorted((e for e in entries if e.fields),
                  key=lambda e: (e.operation, e.time or "", e.name, e.api_version,
                                 e.subresource))
    meta = obj.setdefault("metadata", {})
    if kept:
        meta["managedFields"] = [e.to_json() for e in kept]
    else:
        meta.pop("managedFields", None)


def base_entries(old, new):
    """The entries a write starts from: the stored ones, unless the request sets others (a
    list of one empty entry clears them, as on the real server)."""
    stored = ((old or {}).get("metadata") or {}).get("managedFields") or []
    requested = (new.get("metadata") or {}).get("managedFields")
    if requested and requested != stored:
        return read(new)
    return read(old)


def manager_for(query, user_agent, resource, subresource):
    """The Update manager of a request: ?fieldManager, else the User-Agent's program name."""
    name = query.get("fieldManager") or (user_agent or "").split("/")[0].strip() or \
        DEFAULT_MANAGER
    if len(name) > MAX_MANAGER_LENGTH:
        raise ApiError(422, "Invalid", "fieldManager: Too long: may not be more than %d bytes"
                       % MAX_MANAGER_LENGTH)
    return Manager(name, "Update", resource.api_version,
                   subresource if subresource in SUBRESOURCES else "")


def record_update(old, new, manager):
    """Sets `new`'s managedFields for an Update by `manager` from `old` (None: a creation)."""
    entries = base_entries(old, new)
    with_status = manager.subresource == "status"
    before = fieldsets.flatten(old, with_status, maps=True) if old else {}
    after = fieldsets.flatten(new, with_status, maps=True)
    changed = {path for path, value in after.items()
               if path not in before or not fieldsets.same(before[path], value)}
    removed = set(before) - set(after)
    mine = find(entries, manager)
    for entry in entries:
        if entry is not mine:
            entry.fields -= changed
        entry.fields -= removed
    if changed or (removed and mine is not None):
        if mine is None:
            mine = new_entry(manager)
            entries.append(mine)
        mine.fields |= changed
        mine.time = now()
    write(new, entries)


def conflict_error(conflicts):
    """409 Conflict for [(entry, path)] as the field manager words it."""
    causes = [{"type": "FieldManagerConflict", "message": "conflict with " + entry.describe(),
               "field": fieldsets.describe(path)} for entry, path in conflicts]
    if len(conflicts) == 1:
        entry, path = conflicts[0]
        message = "Apply failed with 1 conflict: conflict with %s: %s" % (
            entry.describe(), fieldsets.describe(path))
    else:
        lines = []
        for who in sorted({entry.describe() for entry, _ in conflicts}):
            lines.append("conflicts with %s:" % who)
            lines += ["- " + fieldsets.describe(path) for entry, path in conflicts
                      if entry.describe() == who]
        message = "Apply failed with %d conflicts: %s" % (len(conflicts), "\n".join(lines))
    return ApiError(409, "Conflict", message, {"causes": causes})

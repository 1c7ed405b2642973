# The OpenAPI v3 documents kubectl reads before it sends a body: /openapi/v3 lists a document
# per group-version, and each names the PATCH operation of every kind with its query
# parameters. Finding fieldValidation there, kubectl leaves validation to the server
# (?fieldValidation=Strict) instead of downloading the full /openapi/v2 schema, so `kubectl
# apply` and `create -f` work without --validate=false. The documents carry no schemas: where
# kubectl would use one (a three-way strategic merge patch) it falls back to its built-in types.

import hashlib
import json

import resources

PATCH_PARAMETERS = ["dryRun", "fieldManager", "fieldValidation", "force"]


def _paths_of(group):
    version = resources.served_version(group)
    prefix = "/api/v1" if not group else "/apis/%s/%s" % (group, version)
    paths = {}
    for resource in resources.RESOURCES:
        if resource.group != group or "patch" not in resource.verbs:
            continue
        scope = prefix + ("/namespaces/{namespace}" if resource.namespaced else "")
        gvk = {"group": group, "version": version, "kind": resource.kind}
        parameters = [{"name": name, "in": "query", "schema": {"type": "string"},
                       "uniqueItems": True} for name in PATCH_PARAMETERS]
        paths["%s/%s/{name}" % (scope, resource.name)] = {
            "patch": {"operationId": "patch" + resource.kind,
                      "x-kubernetes-action": "patch",
                      "x-kubernetes-group-version-kind": gvk,
                      "parameters": parameters,
                      "responses": {"200": {"description": "OK"}}}}
    return paths


def _key(group):
    return "api/v1" if not group else "apis/%s/%s" % (group, resources.served_version(group))


def _hash(group):
    text = json.dumps(_paths_of(group), sort_keys=True).encode()
    return hashlib.sha512(text).hexdigest()[:128].upper()


def document(path, query):
    """The document at `path` (/openapi/v3 or /openapi/v3/<group-version>), None when there is
    none: /openapi/v2 is not served."""
    groups = [""] + resources.GROUPS
    if path == "/openapi/v3":
        return {"paths": {_key(g): {"serverRelativeURL": "/openapi/v3/%s?hash=%s"
                                                          % (_key(g), _hash(g))}
                          for g in groups}}
    for group in groups:
        if path == "/openapi/v3/" + _key(group):
            return {"openapi": "3.0.0",
                    "info": {"title": "Kubernetes", "version": resources.SERVER_VERSION[
                        "gitVersion"]},
                    "paths": _paths_of(group), "components": {"schemas": {}}}
    return None

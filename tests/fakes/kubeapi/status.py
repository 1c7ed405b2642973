# metav1.Status answers worded as kube-apiserver words them (k8s.io/apimachinery
# pkg/api/errors), so that kubectl prints the same messages against the fake as against a
# cluster.


class ApiError(Exception):
    """A failed request: the HTTP code and the Status object the server answers with."""

    def __init__(self, code, reason, message, details=None):
        super().__init__(message)
        self.code = code
        self.status = failure(code, reason, message, details)


def failure(code, reason, message, details=None):
    status = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }
    if details:
        status["details"] = details
    return status


def success(resource, name):
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": {"name": name, "group": resource.group, "kind": resource.name,
                    "uid": ""},
    }


def _qualified(resource):
    # "pods", "deployments.apps": the group resource as the real server prints it.
    return resource.name + ("." + resource.group if resource.group else "")


def _details(resource, name):
    details = {"name": name, "kind": resource.name}
    if resource.group:
        details["group"] = resource.group
    return details


def not_found(resource, name):
    return ApiError(404, "NotFound", '%s "%s" not found' % (_qualified(resource), name),
                    _details(resource, name))


def already_exists(resource, name):
    return ApiError(409, "AlreadyExists", '%s "%s" already exists' % (_qualified(resource), name),
                    _details(resource, name))


def conflict(resource, name):
    return ApiError(409, "Conflict",
                    'Operation cannot be fulfilled on %s "%s": the object has been modified; '
                    "please apply your changes to the latest version and try again"
                    % (_qualified(resource), name), _details(resource, name))


def invalid(resource, name, causes):
    """causes: (field, reason, message) such as ("metadata.name", "FieldValueRequired",
    "Required value: name or generateName is required")."""
    summary = ", ".join("%s: %s" % (field, message) for field, _, message in causes)
    details = {"name": name, "kind": resource.kind,
               "causes": [{"reason": reason, "message": message, "field": field}
                          for field, reason, message in causes]}
    if resource.group:
        details["group"] = resource.group
    return ApiError(422, "Invalid", '%s "%s" is invalid: %s' % (resource.kind, name, summary),
                    details)


def bad_request(message):
    return ApiError(400, "BadRequest", message)


def method_not_allowed():
    return ApiError(405, "MethodNotAllowed",
                    "the server does not allow this method on the requested resource")


def path_not_found():
    # What the real server answers for a path no API serves.
    return ApiError(404, "NotFound", "the server could not find the requested resource",
                    {"causes": [{"reason": "UnexpectedServerResponse", "message": "404 page not found"}]})


def unauthorized():
    return ApiError(401, "Unauthorized", "Unauthorized")


def forbidden(user, verb, resource, namespace, name=None, subresource=None):
    subject = _qualified(resource) + (' "%s"' % name if name else "")
    where = ' in the namespace "%s"' % namespace if namespace else " at the cluster scope"
    plural = resource.name + ("/" + subresource if subresource else "")
    return ApiError(403, "Forbidden",
                    '%s is forbidden: User "%s" cannot %s resource "%s" in API group "%s"%s'
                    % (subject, user, verb, plural, resource.group, where),
                    _details(resource, name or ""))


def forbidden_because(resource, name, reason):
    """A refusal by admission (a quota, a policy), as apierrors.NewForbidden words it."""
    subject = _qualified(resource) + (' "%s"' % name if name else "")
    return ApiError(403, "Forbidden", "%s is forbidden: %s" % (subject, reason),
                    _details(resource, name or ""))


def expired_continue():
    return ApiError(410, "Expired",
                    "The provided continue parameter is too old to display a consistent list "
                    "result. You can start a new list without the continue parameter.")


def too_old_resource_version(requested, oldest):
    # Sent as an ERROR event on a watch, as the watch cache does, not as an HTTP status.
    return failure(410, "Expired", "too old resource version: %s (%s)" % (requested, oldest))

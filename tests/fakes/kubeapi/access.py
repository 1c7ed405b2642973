# Who may do what: the fake's stand-in for RBAC, and SelfSubjectAccessReview
# (authorization.k8s.io/v1) answering for the token that asks. Full-access users may do
# everything; read-only users (the viewer token) may get, list and watch; a user may also have
# verb/resource pairs denied ("patch deployments.apps", "create services",
# "get services/proxy"), everything else allowed. Denials read as kube-apiserver's.

import copy

from status import bad_request, forbidden

GROUP = "authorization.k8s.io"
READ_VERBS = {"get", "list", "watch"}
# Reviews about oneself anyone may create, as system:basic-user allows.
SELF_REVIEWS = {"selfsubjectaccessreviews", "selfsubjectrulesreviews"}
# user name -> {(verb, group, resource, subresource)} that user may not do.
DENIED = {}


def parse_rule(text):
    """("patch", "apps", "deployments", "") from "patch deployments.apps"; a resource may name a
    subresource ("services/proxy"), and "*" any verb or resource."""
    words = text.split()
    if len(words) != 2:
        raise ValueError('a rule is "VERB RESOURCE[.GROUP][/SUBRESOURCE]", not "%s"' % text)
    verb, target = words
    target, _, sub = target.partition("/")
    resource, _, group = target.partition(".")
    return verb, group, resource, sub


def deny(user, rules):
    DENIED[user] = {parse_rule(rule) for rule in rules}


def decide(user, verb, group, resource, sub=""):
    """Whether `user` ((name, may_write) as the handler authenticates it) may, and RBAC's reason
    when it may."""
    name, may_write = user
    if group == GROUP and resource in SELF_REVIEWS and verb == "create":
        return True, 'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole ' \
                     '"system:basic-user" to Group "system:authenticated"'
    if not may_write and verb not in READ_VERBS:
        return False, ""
    for rule_verb, rule_group, rule_resource, rule_sub in DENIED.get(name, ()):
        if rule_verb in (verb, "*") and rule_resource in (resource, "*") and \
                rule_group == group and rule_sub == (sub or ""):
            return False, ""
    role = "cluster-admin" if may_write else "view"
    return True, 'RBAC: allowed by ClusterRoleBinding "launchdeck-%s" of ClusterRole "%s" to ' \
                 'User "%s"' % (name, role, name)


def authorize(user, verb, resource, namespace, name=None, sub=None):
    """Raises kube-apiserver's 403 when `user` may not `verb` the resource."""
    if user is None:
        return
    allowed, _ = decide(user, verb, resource.group, resource.name, sub or "")
    if not allowed:
        raise forbidden(user[0], verb, resource, namespace, name, sub)


def review(user, body):
    """The answer to a SelfSubjectAccessReview `body` asked by `user`."""
    spec = body.get("spec") if isinstance(body.get("spec"), dict) else {}
    attributes = spec.get("resourceAttributes")
    other = spec.get("nonResourceAttributes")
    if (attributes is None) == (other is None):
        raise bad_request('SelfSubjectAccessReview.authorization.k8s.io "" is invalid: '
                          'spec.resourceAttributes: Invalid value: "null": exactly one of '
                          'nonResourceAttributes or resourceAttributes must be specified')
    if attributes is not None:
        allowed, reason = decide(user, attributes.get("verb", ""), attributes.get("group", ""),
                                 attributes.get("resource", ""),
                                 attributes.get("subresource", ""))
    else:
        # Paths such as /healthz or /version: anyone may read them, writers may do anything.
        allowed = user[1] or other.get("verb") == "get"
        reason = ""
    status = {"allowed": allowed}
    if allowed and reason:
        status["reason"] = reason
    answer = {"kind": "SelfSubjectAccessReview", "apiVersion": GROUP + "/v1",
              "metadata": {"creationTimestamp": None}, "spec": copy.deepcopy(spec),
              "status": status}
    return answer

# The HTTP face of the fake API server: authentication (client certificate or bearer token),
# authorization (access.py) and SelfSubjectAccessReviews, routing of discovery and OpenAPI, CRUD,
# PATCH and server-side apply, lists and watches, the scale, status and log subresources,
# metrics.k8s.io, and the /fake/ admin endpoints tests use to change the server's behaviour.
# Watches stream chunked, one JSON event per line, as the real server does.

import json
import select
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import access
import logs
import managedfields
import metrics
import openapi
import patch
import resources
import serversideapply
import serviceproxy
import subresources
from resources import BY_PATH, SERVED_VERBS
from status import (ApiError, bad_request, method_not_allowed, path_not_found, success,
                    too_old_resource_version, unauthorized)
from store import Filter

# Paths anyone may read, as kube-apiserver's system:public-info-viewer role allows.
PUBLIC = {"/readyz", "/livez", "/healthz", "/version"}
# A watch without timeoutSeconds ends after this, as the real server ends one after 30-60 min.
DEFAULT_WATCH_SECONDS = 1800
# How often an idle watch looks whether its client has gone.
CLIENT_CHECK_SECONDS = 1.0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-apiserver"
    # Set by the server: the Store, the containers' logs (logs.LogBook), the accepted tokens
    # (token -> (user, may_write)), and how often a watch that asked for bookmarks gets one.
    store = None
    logbook = None
    tokens = {}
    bookmark_seconds = 1.0

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        if self.server.verbose:
            super().log_message(format, *args)

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def do_PUT(self):
        self._serve("PUT")

    def do_DELETE(self):
        self._serve("DELETE")

    def do_PATCH(self):
        self._serve("PATCH")

    def _serve(self, method):
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        path = url.path.rstrip("/") or "/"
        body = self._read_body()
        try:
            user = self._authenticate(path)
            proxied = serviceproxy.parse(self.path)
            if proxied:  # services/proxy: one of the Service's pods answers, not the server
                access.authorize(user, serviceproxy.verb(method), serviceproxy.SERVICES,
                                 proxied.namespace, proxied.segment, "proxy")
                return serviceproxy.serve(self, method, proxied, body)
            self._route(method, path, query, body, user)
        except ApiError as error:
            self._send_json(error.code, error.status)
        except BrokenPipeError:
            self.close_connection = True

    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _authenticate(self, path):
        if path in PUBLIC:
            return None
        header = self.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            user = self.tokens.get(header[len("Bearer "):].strip())
            if user:
                return user
            raise unauthorized()
        certificate = self.connection.getpeercert() if hasattr(self.connection,
                                                               "getpeercert") else None
        if certificate:
            subject = dict(pair[0] for pair in certificate.get("subject", ()))
            return (subject.get("commonName", ""), True)
        raise unauthorized()

    def _route(self, method, path, query, body, user):
        if path in ("/readyz", "/livez", "/healthz"):
            return self._send_text(200, "ok")
        if path.startswith("/fake/"):
            self.query = query
            self._body = body
            return self._admin(method, path)
        if method != "GET" and path in ("/version", "/api", "/apis"):
            raise path_not_found()
        if path.startswith("/openapi/"):
            document = openapi.document(path, query) if method == "GET" else None
            return self._send_document(document)
        if path == "/version":
            return self._send_json(200, resources.SERVER_VERSION)
        if path == "/api":
            return self._send_json(200, resources.core_versions())
        if path == "/apis":
            return self._send_json(200, resources.group_list())
        parts = path.strip("/").split("/")
        if parts[0] == "api" and len(parts) >= 2 and parts[1] == "v1":
            group, rest = "", parts[2:]
        elif parts[0] == "apis" and len(parts) >= 2:
            if len(parts) == 2:
                return self._send_document(resources.group(parts[1]))
            if parts[2] != resources.served_version(parts[1]):
                raise path_not_found()
            group, rest = parts[1], parts[3:]
        else:
            raise path_not_found()
        if not rest:
            return self._send_document(resources.resource_list(group))
        self._resource(method, group, rest, query, body, user)

    def _resource(self, method, group, rest, query, body, user):
        namespace = None
        if rest[0] == "namespaces" and len(rest) >= 3:
            namespace, rest = rest[1], rest[2:]
        resource = BY_PATH.get((group, rest[0]))
        if resource is None or len(rest) > 3 or (namespace and not resource.namespaced):
            raise path_not_found()
        name = rest[1] if len(rest) >= 2 else None
        sub = rest[2] if len(rest) == 3 else None
        if resource.namespaced and name and namespace is None:
            raise path_not_found()
        if sub and sub not in subresources.of(resource):
            raise path_not_found()
        watching = query.get("watch") in ("1", "true") and not sub
        verb = {"GET": "watch" if watching else ("get" if name else "list"), "POST": "create",
                "PUT": "update", "DELETE": "delete", "PATCH": "patch"}[method]
        if (verb in ("create",) and name) or (verb in ("update", "delete", "patch") and not name):
            raise method_not_allowed()
        if verb not in SERVED_VERBS or verb not in resource.verbs or (
                sub == "log" and verb != "get") or (sub and verb not in ("get", "update", "patch")):
            raise method_not_allowed()
        access.authorize(user, verb, resource, namespace, name, sub)
        self.user = user
        if resource.group == access.GROUP:
            return self._send_json(201, access.review(user, self._decode(body)))
        if not resource.stored:
            return self._send_json(200, metrics.document(self.store, resource, namespace, name,
                                                         query))
        dry_run = query.get("dryRun")
        if dry_run not in (None, "All"):
            raise bad_request('Invalid dry run value: "%s", must be one of: All' % dry_run)
        self.dry_run = bool(dry_run)
        # Who the write is recorded for in managedFields (an apply names its own manager).
        self.manager = managedfields.manager_for(query, self.headers.get("User-Agent"), resource,
                                                 sub)
        if sub == "log":
            return logs.serve(self, namespace, name, query)
        if sub:
            return self._subresource(verb, resource, namespace, name, sub, query, body)
        store = self.store
        if verb == "get":
            return self._send_json(200, store.get(resource, namespace, name))
        if verb in ("list", "watch"):
            selector = query.get("fieldSelector")
            if name:  # a watch of one object, as the older ?watch on a named path
                selector = ",".join(filter(None, [selector, "metadata.name=" + name]))
            wanted = Filter(resource, namespace, query.get("labelSelector"), selector)
            if verb == "watch":
                return self._watch(resource, wanted, query)
            return self._list(resource, wanted, query)
        if verb == "delete":
            # kubectl sends a delete's dryRun in the DeleteOptions body.
            try:
                options = json.loads(body) if body.strip() else {}
            except ValueError:
                raise bad_request("the body of the request is not DeleteOptions JSON") from None
            options = options if isinstance(options, dict) else {}
            dry_run = self.dry_run or "All" in (options.get("dryRun") or [])
            gone = store.delete(resource, namespace, name, dry_run=dry_run)
            return self._send_json(200, gone if resource.name == "pods" and not group
                                   else success(resource, name))
        if verb == "patch":
            return self._patch(resource, namespace, name, query, body)
        obj = self._decode(body)
        if verb == "create":
            return self._send_json(201, store.create(resource, namespace, obj, self.dry_run,
                                                     self.manager))
        return self._send_json(200, store.replace(resource, namespace, name, obj, self.dry_run,
                                                  self.manager))

    def _content_type(self):
        return self.headers.get("Content-Type", "application/json").split(";")[0].strip()

    def _patch(self, resource, namespace, name, query, body):
        content_type = self._content_type()
        if content_type not in patch.PATCH_TYPES:
            raise patch.unsupported_media_type()
        if content_type == patch.APPLY_PATCH:
            # Creating the object through an apply also needs the create permission.
            code, obj = serversideapply.apply(
                self.store, resource, namespace, name, query, body,
                lambda: access.authorize(self.user, "create", resource, namespace, name),
                self.dry_run)
            return self._send_json(code, obj)
        return self._send_json(200, self.store.modify(
            resource, namespace, name, lambda current: patch.apply(content_type, current, body),
            keep_status=resource.status, dry_run=self.dry_run, manager=self.manager))

    def _subresource(self, verb, resource, namespace, name, sub, query, body):
        store = self.store
        content_type = self._content_type()
        if verb == "patch" and content_type not in patch.PATCH_TYPES:
            raise patch.unsupported_media_type()
        if verb == "patch" and content_type == patch.APPLY_PATCH:
            content_type = patch.STRATEGIC_PATCH  # a whole-object apply merges as a patch
        if sub == "status":
            if verb == "get":
                return self._send_json(200, store.get(resource, namespace, name))
            if verb == "update":
                obj = self._decode(body)
                changed = store.modify(resource, namespace, name, lambda _: obj,
                                       only_status=True, dry_run=self.dry_run,
                                       manager=self.manager)
            else:
                changed = store.modify(resource, namespace, name,
                                       lambda current: patch.apply(content_type, current, body),
                                       only_status=True, dry_run=self.dry_run,
                                       manager=self.manager)
            return self._send_json(200, changed)
        if verb == "get":
            return self._send_json(200, subresources.to_scale(store.get(resource, namespace,
                                                                        name)))
        if verb == "update":
            scale = self._decode(body)
            return self._send_json(200, subresources.set_scale(store, resource, namespace, name,
                                                               lambda _: scale, self.dry_run,
                                                               self.manager))
        return self._send_json(200, subresources.set_scale(
            store, resource, namespace, name,
            lambda current: patch.apply(content_type, current, body), self.dry_run,
            self.manager))

    def _decode(self, body):
        content_type = self.headers.get("Content-Type", "application/json").split(";")[0]
        if content_type != "application/json":
            raise ApiError(415, "UnsupportedMediaType",
                           'the body of the request was in an unknown format - accepted media '
                           'types include: application/json')
        try:
            obj = json.loads(body or b"null")
        except ValueError as error:
            raise bad_request("the body of the request could not be decoded: %s" % error) from None
        if not isinstance(obj, dict):
            raise bad_request("the body of the request is not a JSON object")
        return obj

    def _list(self, resource, wanted, query):
        try:
            limit = int(query.get("limit") or 0)
        except ValueError:
            raise bad_request("limit must be a number: %s" % query["limit"]) from None
        items, revision, token, remaining = self.store.list(wanted, max(limit, 0),
                                                            query.get("continue"))
        metadata = {"resourceVersion": revision}
        if token:
            metadata["continue"] = token
        if remaining is not None:
            metadata["remainingItemCount"] = remaining
        self._send_json(200, {"kind": resource.kind + "List", "apiVersion": resource.api_version,
                              "metadata": metadata, "items": items})

    def _watch(self, resource, wanted, query):
        store = self.store
        try:
            timeout = float(query.get("timeoutSeconds") or DEFAULT_WATCH_SECONDS)
            since = query.get("resourceVersion") or ""
            since_revision = int(since) if since not in ("", "0") else None
        except ValueError:
            raise bad_request("invalid resource version or timeout") from None
        bookmarks = query.get("allowWatchBookmarks") in ("1", "true")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        with store.lock:
            store.open_watches += 1
            store.started_watches += 1
            epoch = store.watch_epoch  # read with the count, so that no expiry slips between
        try:
            self._stream(resource, wanted, since_revision, timeout, bookmarks, epoch)
        finally:
            with store.lock:
                store.open_watches -= 1

    def _stream(self, resource, wanted, since_revision, timeout, bookmarks, epoch):
        store = self.store
        deadline = time.monotonic() + timeout
        next_bookmark = time.monotonic() + self.bookmark_seconds
        with store.lock:
            if since_revision is None:
                # Without a resourceVersion the watch starts with the current state as ADDED.
                items, revision, _, _ = store.list(wanted)
                pending = [{"type": "ADDED", "object": item} for item in items]
                since_revision = int(revision)
            else:
                pending = []
        while True:
            for event in pending:
                self._send_chunk(json.dumps(event).encode() + b"\n")
            pending = []
            if self._client_left():
                return
            now = time.monotonic()
            if now >= deadline:
                break
            with store.lock:
                changes = store.events_after(since_revision)
                if changes is None or epoch != store.watch_epoch:
                    error = too_old_resource_version(since_revision, store.compacted + 1)
                    pending.append({"type": "ERROR", "object": error})
                    break
                if not changes:
                    wake = min(deadline, next_bookmark) if bookmarks else deadline
                    store.lock.wait(max(0.0, min(wake - now, CLIENT_CHECK_SECONDS)))
                    changes = store.events_after(since_revision)
                    if changes is None:
                        continue
                for revision, kind, changed, obj, previous in changes:
                    since_revision = revision
                    if changed is not resource:
                        continue
                    if wanted.matches(obj):
                        pending.append({"type": kind, "object": obj})
                    elif previous is not None and wanted.matches(previous):
                        pending.append({"type": "DELETED", "object": obj})
                if bookmarks and time.monotonic() >= next_bookmark:
                    next_bookmark = time.monotonic() + self.bookmark_seconds
                    since_revision = max(since_revision, store.revision)
                    pending.append({"type": "BOOKMARK", "object": {
                        "kind": resource.kind, "apiVersion": resource.api_version,
                        "metadata": {"resourceVersion": str(since_revision)}}})
        for event in pending:  # an ERROR event ends the watch, as the real server's does
            self._send_chunk(json.dumps(event).encode() + b"\n")
        self._send_chunk(b"")

    def _client_left(self):
        # A watching client sends nothing more on its connection: readable means it closed it
        # (or broke the protocol), and the watch ends, as the real server's does when the
        # request's context is cancelled.
        readable, _, _ = select.select([self.connection], [], [], 0)
        return bool(readable)

    def _admin(self, method, path):
        if method == "POST" and path == "/fake/compact":
            # ?expireWatches=true also ends the open watches with a 410 ERROR event, as the watch
            # cache ends them when it is re-initialised: how a test makes a running client's
            # watch expire without racing its list against the compaction.
            expire = self.query.get("expireWatches") in ("1", "true")
            return self._send_json(200, {"compactedRevision": self.store.compact(expire)})
        if method == "GET" and path == "/fake/watches":
            # How many watches are open, and how many were ever started, so that a test knows a
            # client's watch has arrived (a watch whose client went away is open until the
            # stream next writes).
            with self.store.lock:
                return self._send_json(200, {"open": self.store.open_watches,
                                             "started": self.store.started_watches})
        if method == "POST" and path == "/fake/logs":
            # Lines a test adds to a container's log (the body, one line per line), as if the
            # container had written them now.
            count = self.logbook.append(self.store, self.query.get("namespace") or "default",
                                        self.query.get("pod", ""),
                                        self.query.get("container", ""),
                                        self._body.decode("utf-8", "replace"))
            return self._send_json(200, {"appended": count})
        raise path_not_found()

    def _send_document(self, document):
        if document is None:
            raise path_not_found()
        self._send_json(200, document)

    def _send_json(self, code, document):
        self._send_bytes(code, "application/json", json.dumps(document).encode())

    def _send_text(self, code, text):
        self._send_bytes(code, "text/plain; charset=utf-8", text.encode())

    def _send_bytes(self, code, content_type, data):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send_chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

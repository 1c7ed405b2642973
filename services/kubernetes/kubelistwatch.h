// The list-then-watch loop kubectl and the informers use, for one kind in one namespace (or
// all): a paged list (limit/continue, so 5,000 pods never come as one answer), then a watch
// from its resourceVersion with bookmarks; a 410 (as HTTP status or as an ERROR event) or an
// expired continue token lists again, and the sink gets a fresh reset, without an error. Runs
// blocking on the caller's thread until cancelled or the connection fails.
#pragma once

#include "kubernetes/kubediscovery.h"
#include "kubernetes/liveobject.h"

#include <QList>
#include <QString>

#include <atomic>
#include <functional>

namespace launchdeck::kube {

class KubeClient;

struct WatchSpec
{
    ResourceInfo resource;
    QString nameSpace;     // empty: all namespaces (or a cluster-scoped kind)
    QString labelSelector; // as kubectl's -l
    QString fieldSelector;
    int pageSize = 500;
    int bookmarkTimeoutMs = 0; // no byte for this long: the server is hung (0: 3 minutes)
};

struct WatchSink
{
    // The whole current set, after every (re-)list; replaces what the receiver held.
    std::function<void(const QList<LiveObject>& objects)> reset;
    // Changes as the watch reports them, batched by what arrived together.
    std::function<void(const QList<LiveChange>& changes)> changed;
};

struct WatchEnd
{
    bool cancelled = false;
    bool unreachable = false; // refused, hung, TLS, broken: the owner reconnects with backoff
    QString error;            // why it ended, when not cancelled
    long status = 0;          // the HTTP status of the answer that ended it, when one came
    // The server answered but could not serve the request now (5xx, 429): worth trying again
    // after a pause, unlike forbidden or an unknown kind.
    bool isTransient() const { return status >= 500 || status == 429; }
};

// Runs until `cancel` is set or the server cannot be reached; a watch the server closes
// normally (timeoutSeconds) is re-opened from the last resourceVersion seen.
WatchEnd listAndWatch(KubeClient& client, const WatchSpec& spec, const WatchSink& sink,
                      const std::atomic_bool* cancel);

// One paged list (used by listAndWatch and by one-off reads): every item, and the list's
// resourceVersion. Fails with the server's message; `expired` is set for a 410.
struct ListResult
{
    QList<LiveObject> objects;
    QString resourceVersion;
    QString error;
    bool expired = false;
    bool unreachable = false;
    long status = 0; // the HTTP status of a failed answer
};
ListResult listAll(KubeClient& client, const WatchSpec& spec, const std::atomic_bool* cancel);

} // namespace launchdeck::kube

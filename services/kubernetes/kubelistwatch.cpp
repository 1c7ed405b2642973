// The list-then-watch loop: paged lists, watches read as newline-delimited JSON events that may
// arrive split across chunks or several to a chunk, and the 410 recovery that lists again.
#include "kubernetes/kubelistwatch.h"

#include "kubernetes/kubeclient.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QThread>

Q_LOGGING_CATEGORY(lcKubeWatch, "launchdeck.kubernetes.watch", QtInfoMsg)

namespace launchdeck::kube {

namespace {

constexpr int kListTimeoutMs = 60'000;
constexpr int kDefaultIdleMs = 3 * 60'000;
// client-go's reflector asks for a watch of 5 to 10 minutes, so that servers behind a load
// balancer spread their reconnections.
constexpr int kWatchMinSeconds = 300;
// Lists in a row that may find their continue token expired before paging is given up for one
// whole list (kubectl's pager falls back the same way).
constexpr int kPagedAttempts = 2;
// A watch that the server closes at once and again (a proxy with a short timeout) is reopened
// after this pause instead of at full speed.
constexpr int kQuickCloseMs = 1000;
// How long a server whose watch went quiet has to answer /version before it counts as hung.
constexpr int kProbeTimeoutMs = 10'000;

bool cancelled(const std::atomic_bool* cancel)
{
    return cancel && cancel->load(std::memory_order_relaxed);
}

QString selectors(const WatchSpec& spec)
{
    QString query;
    if (!spec.labelSelector.isEmpty())
        query += u"&labelSelector=" + queryValue(spec.labelSelector);
    if (!spec.fieldSelector.isEmpty())
        query += u"&fieldSelector=" + queryValue(spec.fieldSelector);
    return query;
}

// Sleeps up to `ms`, waking for a cancel within 50 ms.
void pause(int ms, const std::atomic_bool* cancel)
{
    for (int slept = 0; slept < ms && !cancelled(cancel); slept += 50)
        QThread::msleep(50);
}

// Reads the events of one watch as its chunks arrive.
class EventReader
{
public:
    EventReader(const WatchSpec& spec, const WatchSink& sink, QString* resourceVersion)
        : m_spec(spec)
        , m_sink(sink)
        , m_resourceVersion(resourceVersion)
    {}

    // False stops the stream: the watch expired, or the server sent an error or garbage.
    bool consume(QByteArrayView chunk)
    {
        m_pending.append(chunk.data(), chunk.size());
        QList<LiveChange> changes;
        qsizetype start = 0;
        bool carryOn = true;
        for (;;) {
            const qsizetype end = m_pending.indexOf('\n', start);
            if (end < 0)
                break;
            const QByteArray line = m_pending.mid(start, end - start).trimmed();
            start = end + 1;
            if (!line.isEmpty() && !event(line, &changes)) {
                carryOn = false;
                break;
            }
        }
        m_pending.remove(0, start);
        if (!changes.isEmpty() && m_sink.changed)
            m_sink.changed(changes);
        return carryOn;
    }

    bool expired() const { return m_expired; }
    const QString& error() const { return m_error; }
    bool sawEvents() const { return m_events > 0; }

private:
    bool event(const QByteArray& line, QList<LiveChange>* changes)
    {
        QJsonParseError parseError{};
        const QJsonObject event = QJsonDocument::fromJson(line, &parseError).object();
        const QString type = event.value(u"type").toString();
        const QJsonObject object = event.value(u"object").toObject();
        if (parseError.error != QJsonParseError::NoError || type.isEmpty()) {
            m_error = QStringLiteral("the watch of %1 sent something that is not an event (%2)")
                          .arg(m_spec.resource.plural, parseError.errorString());
            return false;
        }
        ++m_events;
        if (type == u"ERROR") {
            const long code = object.value(u"code").toInteger();
            if (code == 410) {
                m_expired = true;
                return false;
            }
            m_error = statusMessage(code, QJsonDocument(object).toJson(QJsonDocument::Compact));
            return false;
        }
        const QString version =
            object.value(u"metadata").toObject().value(u"resourceVersion").toString();
        if (!version.isEmpty())
            *m_resourceVersion = version;
        LiveChange change;
        if (type == u"ADDED")
            change.type = LiveChange::Type::Added;
        else if (type == u"MODIFIED")
            change.type = LiveChange::Type::Modified;
        else if (type == u"DELETED")
            change.type = LiveChange::Type::Deleted;
        else
            return true; // BOOKMARK: only the resourceVersion moves on
        change.object = LiveObject::fromJson(object, m_spec.resource.kind);
        changes->append(change);
        return true;
    }

    const WatchSpec& m_spec;
    const WatchSink& m_sink;
    QString* m_resourceVersion;
    QByteArray m_pending;
    QString m_error;
    bool m_expired = false;
    int m_events = 0;
};

ListResult listPaged(KubeClient& client, const WatchSpec& spec, int pageSize,
                     const std::atomic_bool* cancel)
{
    ListResult result;
    const QString base = spec.resource.collectionPath(spec.nameSpace);
    const QString apiVersion = spec.resource.apiVersion();
    QString continueToken;
    do {
        if (cancelled(cancel)) {
            result.error = QStringLiteral("cancelled");
            return result;
        }
        QString query;
        if (pageSize > 0)
            query += u"&limit=" + QString::number(pageSize);
        if (!continueToken.isEmpty())
            query += u"&continue=" + queryValue(continueToken);
        query += selectors(spec);
        const QString path = query.isEmpty() ? base : base + u'?' + query.mid(1);
        const KubeAnswer answer = client.get(path, kListTimeoutMs, cancel);
        if (!answer.ok()) {
            result.error = answer.error;
            result.unreachable = answer.unreachable;
            result.expired = answer.status == 410;
            result.status = answer.status;
            return result;
        }
        QJsonParseError parseError{};
        const QJsonObject list = QJsonDocument::fromJson(answer.body, &parseError).object();
        if (parseError.error != QJsonParseError::NoError || !list.value(u"items").isArray()) {
            result.error =
                QStringLiteral("the list of %1 from %2 is not a list (%3)")
                    .arg(spec.resource.plural, client.clusterName(), parseError.errorString());
            return result;
        }
        const QJsonArray items = list.value(u"items").toArray();
        result.objects.reserve(result.objects.size() + items.size());
        for (const QJsonValue& item : items) {
            QJsonObject json = item.toObject();
            // The items of a list carry no kind; a view of one object wants it, as kubectl
            // shows it.
            if (!json.contains(u"kind")) {
                json.insert(QStringLiteral("apiVersion"), apiVersion);
                json.insert(QStringLiteral("kind"), spec.resource.kind);
            }
            result.objects.append(LiveObject::fromJson(json, spec.resource.kind));
        }
        const QJsonObject metadata = list.value(u"metadata").toObject();
        // The first page's version is the snapshot every later page belongs to.
        if (result.resourceVersion.isEmpty())
            result.resourceVersion = metadata.value(u"resourceVersion").toString();
        continueToken = metadata.value(u"continue").toString();
    } while (!continueToken.isEmpty());
    return result;
}

} // namespace

ListResult listAll(KubeClient& client, const WatchSpec& spec, const std::atomic_bool* cancel)
{
    return listPaged(client, spec, spec.pageSize, cancel);
}

WatchEnd listAndWatch(KubeClient& client, const WatchSpec& spec, const WatchSink& sink,
                      const std::atomic_bool* cancel)
{
    const int idleMs = spec.bookmarkTimeoutMs > 0 ? spec.bookmarkTimeoutMs : kDefaultIdleMs;
    const QString base = spec.resource.collectionPath(spec.nameSpace);
    WatchEnd end;
    for (;;) {
        // List: paged, and whole should the continue tokens keep expiring under a busy server.
        ListResult list;
        for (int attempt = 0; attempt <= kPagedAttempts; ++attempt) {
            list = listPaged(client, spec, attempt < kPagedAttempts ? spec.pageSize : 0, cancel);
            if (!list.expired)
                break;
            qCInfo(lcKubeWatch).noquote() << "the list of" << spec.resource.plural << "on"
                                          << client.clusterName() << "expired; listing again";
        }
        if (cancelled(cancel)) {
            end.cancelled = true;
            return end;
        }
        if (!list.error.isEmpty()) {
            end.unreachable = list.unreachable;
            end.error = list.error;
            end.status = list.status;
            return end;
        }
        if (sink.reset)
            sink.reset(list.objects);

        QString resourceVersion = list.resourceVersion;
        int quickCloses = 0;
        for (;;) {
            const int seconds =
                kWatchMinSeconds + int(QRandomGenerator::global()->bounded(kWatchMinSeconds));
            const QString path = base + u"?watch=1&resourceVersion=" + queryValue(resourceVersion) +
                                 u"&allowWatchBookmarks=true&timeoutSeconds=" +
                                 QString::number(seconds) + selectors(spec);
            EventReader reader(spec, sink, &resourceVersion);
            QElapsedTimer opened;
            opened.start();
            const KubeAnswer answer = client.stream(
                path, [&](QByteArrayView chunk) { return reader.consume(chunk); },
                StreamControl{cancel, idleMs});
            if (cancelled(cancel)) {
                end.cancelled = true;
                return end;
            }
            if (reader.expired() || answer.status == 410)
                break; // the history is gone: list again
            if (!reader.error().isEmpty()) {
                end.error = reader.error();
                return end;
            }
            if (!answer.ok()) {
                // A watch that had begun and then went quiet or broke: a server older than
                // bookmarks every minute may just have had nothing to say. Only a server that
                // does not answer a plain request either is unreachable.
                const bool begun = answer.status >= 200 && answer.status < 300;
                if (!answer.unreachable || !begun ||
                    client.get(QStringLiteral("/version"), kProbeTimeoutMs, cancel).status == 0) {
                    end.cancelled = cancelled(cancel);
                    end.unreachable = answer.unreachable && !end.cancelled;
                    end.error = end.cancelled ? QString() : answer.error;
                    end.status = answer.status;
                    return end;
                }
                qCInfo(lcKubeWatch).noquote() << u"the watch of " + spec.resource.plural +
                                                     u" ended (" + answer.error +
                                                     u"); the server answers, so watching again";
            }
            // The server closed the watch (its timeout, or a proxy's): reopen where it ended.
            if (!reader.sawEvents() && opened.elapsed() < kQuickCloseMs) {
                if (++quickCloses >= 3)
                    pause(kQuickCloseMs, cancel);
            } else {
                quickCloses = 0;
            }
        }
        qCInfo(lcKubeWatch).noquote() << "the watch of" << spec.resource.plural << "on"
                                      << client.clusterName() << "expired; listing again";
    }
}

} // namespace launchdeck::kube

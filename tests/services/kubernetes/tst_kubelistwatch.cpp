// Tests of the list+watch loop against the fake API server: paged lists (checked by the pages the
// client asked for), changes seen as they happen, objects larger than one read, the re-list
// after a 410 from a watch and from an expired continue token, and how the loop ends for a
// missing kind, refused credentials and a server that cannot be reached.
#include "fakes/kubeapiserver.h"
#include "kubernetes/clusterconnection.h"
#include "kubernetes/kubeclient.h"
#include "kubernetes/kubeconfig.h"
#include "kubernetes/kubediscovery.h"
#include "kubernetes/kubelistwatch.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSet>
#include <QTcpServer>
#include <QTest>

#include <functional>
#include <mutex>
#include <thread>

using namespace launchdeck;
using namespace launchdeck::kube;

namespace {

// The client logs each request's path at debug level: the test reads the pages it asked for
// there, and may act between two of them.
std::mutex g_logMutex;
QStringList g_requests;
std::function<void(const QString&)> g_onRequest;
QtMessageHandler g_previousHandler = nullptr;

void recordRequests(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    if (context.category && qstrcmp(context.category, "launchdeck.kubernetes.client") == 0) {
        std::function<void(const QString&)> hook;
        {
            const std::lock_guard lock(g_logMutex);
            g_requests.append(message);
            hook = g_onRequest;
        }
        if (hook)
            hook(message);
        return;
    }
    g_previousHandler(type, context, message);
}

QStringList requestsSince(qsizetype first)
{
    const std::lock_guard lock(g_logMutex);
    return g_requests.mid(first);
}

qsizetype requestCount()
{
    const std::lock_guard lock(g_logMutex);
    return g_requests.size();
}

// listAndWatch on a thread of its own, as a cluster worker runs it, with what it reported.
class Watcher final
{
public:
    ~Watcher() { stop(); }

    void start(const ClusterConnection& connection, const WatchSpec& spec)
    {
        m_thread = std::thread([this, connection, spec] {
            KubeClient client(connection, QStringLiteral("fake"));
            WatchSink sink;
            sink.reset = [this](const QList<LiveObject>& objects) {
                const std::lock_guard lock(m_mutex);
                m_resets.append(objects);
            };
            sink.changed = [this](const QList<LiveChange>& changes) {
                const std::lock_guard lock(m_mutex);
                m_changes.append(changes);
            };
            const WatchEnd end = listAndWatch(client, spec, sink, &m_cancel);
            const std::lock_guard lock(m_mutex);
            m_end = end;
            m_finished = true;
        });
    }
    void stop()
    {
        m_cancel = true;
        if (m_thread.joinable())
            m_thread.join();
    }

    int resets() const
    {
        const std::lock_guard lock(m_mutex);
        return int(m_resets.size());
    }
    QList<LiveObject> lastReset() const
    {
        const std::lock_guard lock(m_mutex);
        return m_resets.isEmpty() ? QList<LiveObject>() : m_resets.last();
    }
    // The change of `name` of this type, if one came.
    std::optional<LiveChange> change(LiveChange::Type type, const QString& name) const
    {
        const std::lock_guard lock(m_mutex);
        for (const LiveChange& change : m_changes)
            if (change.type == type && change.object.name == name)
                return change;
        return std::nullopt;
    }
    bool finished() const
    {
        const std::lock_guard lock(m_mutex);
        return m_finished;
    }
    WatchEnd end() const
    {
        const std::lock_guard lock(m_mutex);
        return m_end;
    }

private:
    mutable std::mutex m_mutex;
    std::thread m_thread;
    std::atomic_bool m_cancel{false};
    QList<QList<LiveObject>> m_resets;
    QList<LiveChange> m_changes;
    WatchEnd m_end;
    bool m_finished = false;
};

QByteArray configMap(const QString& name, const QByteArray& value = "1")
{
    return R"({"metadata":{"name":")" + name.toUtf8() + R"(","labels":{"app":"web"}},)" +
           R"("data":{"value":")" + value + "\"}}";
}

} // namespace

class TestKubeListWatch final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void pagedListReadsEveryPage();
    void watchSeesChangesAsTheyHappen();
    void objectLargerThanOneReadArrivesWhole();
    void quietWatchOfAnAnsweringServerGoesOn();
    void expiredWatchListsAgainWithoutError();
    void expiredContinueTokenListsAgainWithoutError();
    void missingKindEndsWithItsMessage();
    void refusedCredentialsEndWithTheirMessage();
    void refusedPortEndsAsUnreachable();

private:
    ClusterConnection connection(const QString& context = QStringLiteral("token")) const;
    WatchSpec specFor(const QString& name, const QString& nameSpace) const;
    void makeNamespace(const QString& name);

    test::KubeApiServer m_server;
    std::optional<Discovery> m_discovery;
};

void TestKubeListWatch::initTestCase()
{
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    KubeClient client(connection(), QStringLiteral("fake"));
    Result<Discovery> discovery = Discovery::load(client);
    QVERIFY2(discovery.ok(), qPrintable(discovery.ok() ? QString() : discovery.error().toString()));
    m_discovery = *discovery;
    QLoggingCategory::setFilterRules(QStringLiteral("launchdeck.kubernetes.client.debug=true"));
    g_previousHandler = qInstallMessageHandler(recordRequests);
}

void TestKubeListWatch::cleanupTestCase()
{
    qInstallMessageHandler(g_previousHandler);
}

ClusterConnection TestKubeListWatch::connection(const QString& context) const
{
    Result<Kubeconfig> config = loadKubeconfigFile(m_server.kubeconfigPath());
    if (!config)
        qFatal("%s", qPrintable(config.error().toString()));
    Result<ClusterConnection> resolved = resolveContext(*config, context);
    if (!resolved)
        qFatal("%s", qPrintable(resolved.error().toString()));
    return *resolved;
}

WatchSpec TestKubeListWatch::specFor(const QString& name, const QString& nameSpace) const
{
    WatchSpec spec;
    const ResourceInfo* info = m_discovery->find(name);
    if (!info)
        qFatal("the fake serves no %s", qPrintable(name));
    spec.resource = *info;
    spec.nameSpace = nameSpace;
    return spec;
}

void TestKubeListWatch::makeNamespace(const QString& name)
{
    const test::KubeAnswer answer =
        m_server.request("POST", QStringLiteral("/api/v1/namespaces"),
                         R"({"metadata":{"name":")" + name.toUtf8() + "\"}}");
    QVERIFY2(answer.status == 201, answer.body.constData());
}

void TestKubeListWatch::pagedListReadsEveryPage()
{
    makeNamespace(QStringLiteral("paged"));
    {
        // Made by eight clients at once, each over one kept-alive connection: the fake answers
        // one request in tens of milliseconds.
        std::atomic_int failures{0};
        QString firstError;
        std::mutex errorMutex;
        std::vector<std::thread> makers;
        for (int t = 0; t < 8; ++t)
            makers.emplace_back([&, t, c = connection()] {
                KubeClient maker(c, QStringLiteral("fake"));
                for (int i = t; i < 1200; i += 8) {
                    const KubeAnswer made =
                        maker.request("POST", QStringLiteral("/api/v1/namespaces/paged/configmaps"),
                                      configMap(u"cm-" + QString::number(i)));
                    if (!made.ok() && failures++ == 0) {
                        const std::lock_guard lock(errorMutex);
                        firstError = made.error;
                    }
                }
            });
        for (std::thread& maker : makers)
            maker.join();
        QVERIFY2(failures == 0, qPrintable(firstError));
    }
    KubeClient client(connection(QStringLiteral("viewer")), QStringLiteral("fake"));
    WatchSpec spec = specFor(QStringLiteral("cm"), QStringLiteral("paged"));
    spec.pageSize = 500;
    const qsizetype first = requestCount();
    const ListResult list = listAll(client, spec, nullptr);
    QVERIFY2(list.error.isEmpty(), qPrintable(list.error));
    QCOMPARE(list.objects.size(), 1200);
    QSet<QString> names;
    for (const LiveObject& object : list.objects) {
        names.insert(object.name);
        QCOMPARE(object.kind, u"ConfigMap");
        QCOMPARE(object.nameSpace, u"paged");
        QCOMPARE(object.json.value(u"kind").toString(), u"ConfigMap");
        QCOMPARE(object.json.value(u"apiVersion").toString(), u"v1");
        QVERIFY(!object.uid.isEmpty());
    }
    QCOMPARE(names.size(), 1200);
    QVERIFY(!list.resourceVersion.isEmpty());
    const QStringList pages = requestsSince(first);
    QCOMPARE(pages.size(), 3);
    for (const QString& page : pages)
        QVERIFY2(page.contains(u"limit=500"), qPrintable(page));
    QVERIFY2(!pages[0].contains(u"continue="), qPrintable(pages[0]));
    QVERIFY2(pages[1].contains(u"continue="), qPrintable(pages[1]));
    QVERIFY2(pages[2].contains(u"continue="), qPrintable(pages[2]));
}

void TestKubeListWatch::watchSeesChangesAsTheyHappen()
{
    makeNamespace(QStringLiteral("watched"));
    const QString collection = QStringLiteral("/api/v1/namespaces/watched/configmaps");
    QCOMPARE(m_server.request("POST", collection, configMap(u"before"_qs)).status, 201);
    Watcher watcher;
    watcher.start(connection(QStringLiteral("viewer")),
                  specFor(QStringLiteral("ConfigMap"), QStringLiteral("watched")));
    QTRY_COMPARE_WITH_TIMEOUT(watcher.resets(), 1, 10'000);
    QCOMPARE(watcher.lastReset().size(), 1);
    QCOMPARE(watcher.lastReset().first().name, u"before");

    QCOMPARE(m_server.request("POST", collection, configMap(u"web"_qs)).status, 201);
    QTRY_VERIFY_WITH_TIMEOUT(watcher.change(LiveChange::Type::Added, u"web"_qs), 10'000);
    QCOMPARE(watcher.change(LiveChange::Type::Added, u"web"_qs)->object.kind, u"ConfigMap");
    QCOMPARE(m_server.request("PUT", collection + u"/web", configMap(u"web"_qs, "2")).status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(watcher.change(LiveChange::Type::Modified, u"web"_qs), 10'000);
    const LiveObject modified = watcher.change(LiveChange::Type::Modified, u"web"_qs)->object;
    QCOMPARE(modified.json.value(u"data").toObject().value(u"value").toString(), u"2");
    QCOMPARE(m_server.request("DELETE", collection + u"/web").status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(watcher.change(LiveChange::Type::Deleted, u"web"_qs), 10'000);
    QVERIFY(!watcher.finished());
    QCOMPARE(watcher.resets(), 1);
    watcher.stop();
    QVERIFY(watcher.end().cancelled);
    QVERIFY2(watcher.end().error.isEmpty(), qPrintable(watcher.end().error));
}

void TestKubeListWatch::objectLargerThanOneReadArrivesWhole()
{
    makeNamespace(QStringLiteral("large"));
    Watcher watcher;
    watcher.start(connection(), specFor(QStringLiteral("configmaps"), QStringLiteral("large")));
    QTRY_COMPARE_WITH_TIMEOUT(watcher.resets(), 1, 10'000);
    // Far more than libcurl hands over in one call (16 KiB), so the event comes in pieces.
    const QByteArray big(300 * 1024, 'z');
    QCOMPARE(m_server
                 .request("POST", QStringLiteral("/api/v1/namespaces/large/configmaps"),
                          configMap(u"big"_qs, big))
                 .status,
             201);
    QTRY_VERIFY_WITH_TIMEOUT(watcher.change(LiveChange::Type::Added, u"big"_qs), 10'000);
    const LiveObject object = watcher.change(LiveChange::Type::Added, u"big"_qs)->object;
    QCOMPARE(object.json.value(u"data").toObject().value(u"value").toString().toLatin1(), big);
    QVERIFY2(watcher.end().error.isEmpty(), qPrintable(watcher.end().error));
}

void TestKubeListWatch::quietWatchOfAnAnsweringServerGoesOn()
{
    makeNamespace(QStringLiteral("quiet"));
    WatchSpec spec = specFor(QStringLiteral("configmaps"), QStringLiteral("quiet"));
    // Shorter than the fake's bookmark period (1 s): every watch goes quiet for too long.
    spec.bookmarkTimeoutMs = 300;
    Watcher watcher;
    watcher.start(connection(), spec);
    QTRY_COMPARE_WITH_TIMEOUT(watcher.resets(), 1, 10'000);
    QTest::qWait(1500);
    QVERIFY2(!watcher.finished(), qPrintable(watcher.end().error));
    QCOMPARE(m_server
                 .request("POST", QStringLiteral("/api/v1/namespaces/quiet/configmaps"),
                          configMap(u"later"_qs))
                 .status,
             201);
    QTRY_VERIFY_WITH_TIMEOUT(watcher.change(LiveChange::Type::Added, u"later"_qs), 10'000);
    QVERIFY(!watcher.finished());
    QCOMPARE(watcher.resets(), 1);
}

void TestKubeListWatch::expiredWatchListsAgainWithoutError()
{
    makeNamespace(QStringLiteral("expiring"));
    const QString collection = QStringLiteral("/api/v1/namespaces/expiring/configmaps");
    QCOMPARE(m_server.request("POST", collection, configMap(u"first"_qs)).status, 201);
    Watcher watcher;
    watcher.start(connection(), specFor(QStringLiteral("configmaps"), QStringLiteral("expiring")));
    QTRY_COMPARE_WITH_TIMEOUT(watcher.resets(), 1, 10'000);
    QTRY_VERIFY_WITH_TIMEOUT(m_server.openWatches() >= 1, 10'000);
    // Made while the watch runs, then the history goes: the re-list must hold it.
    QCOMPARE(m_server.request("POST", collection, configMap(u"second"_qs)).status, 201);
    QString error;
    QVERIFY2(m_server.compact(true, &error), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(watcher.resets(), 2, 10'000);
    QCOMPARE(watcher.lastReset().size(), 2);
    QVERIFY(!watcher.finished());
    // The watch goes on from the new list.
    QCOMPARE(m_server.request("POST", collection, configMap(u"third"_qs)).status, 201);
    QTRY_VERIFY_WITH_TIMEOUT(watcher.change(LiveChange::Type::Added, u"third"_qs), 10'000);
    QVERIFY(!watcher.finished());
    watcher.stop();
    QVERIFY2(watcher.end().error.isEmpty(), qPrintable(watcher.end().error));
}

void TestKubeListWatch::expiredContinueTokenListsAgainWithoutError()
{
    makeNamespace(QStringLiteral("compacted"));
    const QString collection = QStringLiteral("/api/v1/namespaces/compacted/configmaps");
    for (int i = 0; i < 5; ++i)
        QCOMPARE(
            m_server.request("POST", collection, configMap(u"cm-" + QString::number(i))).status,
            201);
    WatchSpec spec = specFor(QStringLiteral("configmaps"), QStringLiteral("compacted"));
    spec.pageSize = 2;

    // Between the first and the second page the namespace changes and the history goes (etcd
    // keeps the revision it compacts at, so the change makes the list's revision older).
    std::atomic_int compactions{0};
    int made = 0;
    const auto compactAfterFirstPage = [&](const QString& request) {
        if (!request.contains(u"compacted/configmaps?limit=2\"") || compactions > 0)
            return;
        ++compactions;
        m_server.request("POST", collection, configMap(u"late-" + QString::number(++made)));
        m_server.compact(false);
    };
    {
        const std::lock_guard lock(g_logMutex);
        g_onRequest = compactAfterFirstPage;
    }
    KubeClient client(connection(), QStringLiteral("fake"));
    const ListResult expired = listAll(client, spec, nullptr);
    QCOMPARE(compactions.load(), 1);
    QVERIFY(expired.expired);
    QVERIFY(!expired.unreachable);
    QVERIFY2(expired.error.startsWith(u"Expired (HTTP 410): The provided continue parameter is "
                                      u"too old"),
             qPrintable(expired.error));

    compactions = 0;
    Watcher watcher;
    watcher.start(connection(), spec);
    QTRY_COMPARE_WITH_TIMEOUT(watcher.resets(), 1, 10'000);
    {
        const std::lock_guard lock(g_logMutex);
        g_onRequest = nullptr;
    }
    QCOMPARE(compactions.load(), 1);
    QCOMPARE(watcher.lastReset().size(), 7);
    QVERIFY(!watcher.finished());
    watcher.stop();
    QVERIFY2(watcher.end().error.isEmpty(), qPrintable(watcher.end().error));
}

void TestKubeListWatch::missingKindEndsWithItsMessage()
{
    WatchSpec spec;
    spec.resource.group = QStringLiteral("example.com");
    spec.resource.version = QStringLiteral("v1");
    spec.resource.kind = QStringLiteral("Widget");
    spec.resource.plural = QStringLiteral("widgets");
    KubeClient client(connection(), QStringLiteral("fake"));
    const WatchEnd end = listAndWatch(client, spec, {}, nullptr);
    QVERIFY(!end.cancelled);
    QVERIFY(!end.unreachable);
    QVERIFY2(end.error.startsWith(u"NotFound (HTTP 404)"), qPrintable(end.error));
}

void TestKubeListWatch::refusedCredentialsEndWithTheirMessage()
{
    ClusterConnection refused = connection();
    refused.token = QStringLiteral("not-a-token-the-server-knows");
    KubeClient client(refused, QStringLiteral("fake"));
    const WatchEnd end =
        listAndWatch(client, specFor(QStringLiteral("pods"), QString()), {}, nullptr);
    QVERIFY(!end.unreachable);
    QVERIFY2(end.error.startsWith(u"Unauthorized (HTTP 401)"), qPrintable(end.error));
    QVERIFY(!end.error.contains(refused.token));
}

void TestKubeListWatch::refusedPortEndsAsUnreachable()
{
    QTcpServer listener;
    QVERIFY(listener.listen(QHostAddress::LocalHost));
    ClusterConnection gone = connection();
    gone.server = u"https://127.0.0.1:" + QString::number(listener.serverPort());
    listener.close();
    KubeClient client(gone, QStringLiteral("fake"));
    bool reset = false;
    WatchSink sink;
    sink.reset = [&](const QList<LiveObject>&) {
        reset = true;
    };
    const WatchEnd end =
        listAndWatch(client, specFor(QStringLiteral("pods"), QString()), sink, nullptr);
    QVERIFY(end.unreachable);
    QVERIFY(!reset);
    QVERIFY2(end.error.contains(u"connection refused"), qPrintable(end.error));
}

QTEST_GUILESS_MAIN(TestKubeListWatch)
#include "tst_kubelistwatch.moc"

// Tests of the per-cluster connection against the fake API server, changed meanwhile by the real
// kubectl: connecting, watches that follow creations, changes and deletions, a compaction that
// gives a fresh list without a disconnection, a server stopped and started again, a server hung
// with its sockets open, a destructor that does not wait for a hung server, the actions with a
// token that may not use them, and statuses that never show a secret. A relay between the
// cluster and the server lets a test stop, restart or hang "the server" behind one address.
#include "fakes/kubeapiserver.h"
#include "kubernetes/clusterconnection.h"
#include "kubernetes/kubecluster.h"
#include "kubernetes/kubeconfig.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QPointer>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>

using namespace launchdeck;
using namespace launchdeck::kube;

namespace {

constexpr int kWaitMs = 20'000;

#define WAIT_FOR_STATE(cluster, wanted)                                                            \
    QTRY_VERIFY2_WITH_TIMEOUT((cluster).status().state == (wanted),                                \
                              qPrintable((cluster).status().error), kWaitMs)

// A TCP relay to the server's port, on a thread of its own (a test blocks in kubectl or in a
// destructor meanwhile): forwards, or holds every connection open and answers nothing (hung).
class Relay final : public QObject
{
public:
    Relay()
    {
        moveToThread(&m_thread);
        m_thread.start();
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_server = new QTcpServer(this);
                QObject::connect(m_server, &QTcpServer::newConnection, this, &Relay::accept);
                m_server->listen(QHostAddress::LocalHost);
                m_port = m_server->serverPort();
            },
            Qt::BlockingQueuedConnection);
    }
    ~Relay() override
    {
        QMetaObject::invokeMethod(
            this, [this] { delete m_server; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    QString url() const { return u"https://127.0.0.1:"_qs + QString::number(m_port); }
    void setBackend(quint16 port) { m_backend = port; }
    // Hung: bytes are read and dropped both ways, nothing is closed.
    void setHung(bool hung) { m_hung = hung; }

private:
    void accept()
    {
        while (QTcpSocket* client = m_server->nextPendingConnection()) {
            auto* upstream = new QTcpSocket(client);
            const auto pipe = [this](QTcpSocket* from, QTcpSocket* to) {
                QObject::connect(from, &QTcpSocket::readyRead, to, [this, from, to] {
                    // Before the upstream connects, the bytes wait in the buffer.
                    if (m_hung)
                        from->readAll();
                    else if (to->state() == QAbstractSocket::ConnectedState)
                        to->write(from->readAll());
                });
            };
            pipe(client, upstream);
            pipe(upstream, client);
            const auto close = [this, client] {
                if (!m_hung)
                    client->deleteLater(); // the upstream goes with it
            };
            QObject::connect(upstream, &QTcpSocket::connected, client, [this, client, upstream] {
                const QByteArray early = client->readAll();
                if (!m_hung)
                    upstream->write(early);
            });
            QObject::connect(upstream, &QTcpSocket::disconnected, client, close);
            QObject::connect(upstream, &QTcpSocket::errorOccurred, client, close);
            QObject::connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
            upstream->connectToHost(QHostAddress::LocalHost, m_backend.load());
        }
    }

    QThread m_thread;
    QTcpServer* m_server = nullptr;
    quint16 m_port = 0;
    std::atomic<quint16> m_backend{0};
    std::atomic_bool m_hung{false};
};

ClusterOptions quickOptions()
{
    ClusterOptions options;
    options.firstBackoffMs = 100;
    options.maxBackoffMs = 400;
    options.heartbeatMs = 300;
    options.requestTimeoutMs = 2'000;
    return options;
}

QString allText(const ClusterStatus& status)
{
    return status.error + u'\n' + status.warning + u'\n' + status.serverVersion;
}

// Pods there are, and all running: their logs can be followed.
bool isRunning(const QList<LiveObject>& pods)
{
    for (const LiveObject& pod : pods)
        if (pod.json.value(u"status").toObject().value(u"phase").toString() != u"Running")
            return false;
    return !pods.isEmpty();
}

QStringList keysOf(const QList<LiveObject>& objects)
{
    QStringList keys;
    for (const LiveObject& object : objects)
        keys.append(object.key());
    return keys;
}

} // namespace

class TestKubeCluster final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void connectsAndReportsTheServerVersion();
    void watchFollowsWhatKubectlDoes();
    void compactionGivesAFreshResetWithoutDisconnecting();
    void unknownKindFailsTheWatchAlone();
    void removedWatchDeliversNothing();
    void scaleRestartAndSetImage();
    void setImageNamesTheContainers();
    void viewerActionsReportTheServersWords();
    void logsFollowAndEnd();
    void hungServerIsNoticedByTheHeartbeat();
    void destructorReturnsQuicklyWhileTheServerHangs();
    void stoppedServerDisconnectsAndReconnects();

private:
    ClusterConnection connection(const QString& context, const QString& server = {}) const;
    bool kubectl(const QStringList& arguments, QString* output = nullptr);

    test::KubeApiServer m_server;
    QTemporaryDir m_home;
    QString m_kubectl;
};

void TestKubeCluster::initTestCase()
{
    QVERIFY(m_home.isValid());
    m_kubectl = QStandardPaths::findExecutable(QStringLiteral("kubectl"));
    if (m_kubectl.isEmpty())
        QFAIL("kubectl is not on PATH; the cluster tests change the fake server with it");
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
}

ClusterConnection TestKubeCluster::connection(const QString& context, const QString& server) const
{
    const Result<Kubeconfig> config = loadKubeconfigFile(m_server.kubeconfigPath());
    if (!config)
        qFatal("%s", qPrintable(config.error().toString()));
    Result<ClusterConnection> resolved = resolveContext(*config, context);
    if (!resolved)
        qFatal("%s", qPrintable(resolved.error().toString()));
    ClusterConnection connection = std::move(resolved).value();
    if (!server.isEmpty())
        connection.server = server;
    return connection;
}

bool TestKubeCluster::kubectl(const QStringList& arguments, QString* output)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), m_home.path()); // no discovery cache from elsewhere
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(m_kubectl,
                  QStringList{u"--kubeconfig"_qs, m_server.kubeconfigPath()} + arguments);
    const bool finished = process.waitForFinished(60'000);
    const QString text = QString::fromUtf8(process.readAll());
    if (output)
        *output = text;
    if (!finished || process.exitCode() != 0)
        qWarning().noquote() << "kubectl" << arguments.join(u' ') << "failed:" << text;
    return finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
}

void TestKubeCluster::connectsAndReportsTheServerVersion()
{
    KubeCluster cluster(u"fake"_qs, connection(u"cert"_qs), {});
    QSignalSpy discovered(&cluster, &KubeCluster::discovered);
    QCOMPARE(cluster.defaultNamespace(), u"default"_qs);
    cluster.start();
    QTRY_VERIFY2_WITH_TIMEOUT(cluster.status().state == ClusterState::Connected,
                              qPrintable(cluster.status().error), kWaitMs);
    QCOMPARE(cluster.status().serverVersion, u"v1.31.0"_qs);
    QVERIFY(cluster.status().warning.isEmpty());
    QCOMPARE(discovered.count(), 1);
    QVERIFY(cluster.discovery().find(u"configmaps"_qs));
    QCOMPARE(cluster.server(), m_server.url());
    QCOMPARE(cluster.contextName(), u"cert"_qs);
}

void TestKubeCluster::watchFollowsWhatKubectlDoes()
{
    QVERIFY(kubectl({u"create"_qs, u"namespace"_qs, u"watched"_qs}));
    QVERIFY(kubectl({u"-n"_qs, u"watched"_qs, u"create"_qs, u"configmap"_qs, u"before"_qs,
                     u"--from-literal=a=1"_qs}));
    KubeCluster cluster(u"fake"_qs, connection(u"token"_qs), u"watched"_qs);
    QSignalSpy resets(&cluster, &KubeCluster::objectsReset);
    QSignalSpy changes(&cluster, &KubeCluster::objectsChanged);
    QSignalSpy statuses(&cluster, &KubeCluster::statusChanged);
    cluster.start();
    const quint64 id = cluster.watch(u"cm"_qs, u"watched"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(resets.count(), 1, kWaitMs);
    QCOMPARE(resets.at(0).at(0).toULongLong(), id);
    QCOMPARE(keysOf(resets.at(0).at(1).value<QList<LiveObject>>()),
             QStringList{u"watched/before"_qs});
    QTRY_VERIFY_WITH_TIMEOUT(m_server.openWatches() > 0, kWaitMs);

    // What kubectl does, in order, as the watch reports it.
    QVERIFY(kubectl({u"-n"_qs, u"watched"_qs, u"create"_qs, u"configmap"_qs, u"made"_qs,
                     u"--from-literal=a=1"_qs}));
    QVERIFY(kubectl(
        {u"-n"_qs, u"watched"_qs, u"label"_qs, u"configmap"_qs, u"made"_qs, u"tier=web"_qs}));
    QVERIFY(kubectl({u"-n"_qs, u"watched"_qs, u"delete"_qs, u"configmap"_qs, u"made"_qs}));
    QList<LiveChange> seen;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            seen.clear();
            for (const QList<QVariant>& signal : std::as_const(changes)) {
                if (signal.at(0).toULongLong() == id)
                    seen += signal.at(1).value<QList<LiveChange>>();
            }
            return seen.size() >= 3;
        }(),
        kWaitMs);
    QCOMPARE(seen.size(), 3);
    QCOMPARE(seen.at(0).type, LiveChange::Type::Added);
    QCOMPARE(seen.at(1).type, LiveChange::Type::Modified);
    QCOMPARE(seen.at(1)
                 .object.json.value(u"metadata")
                 .toObject()
                 .value(u"labels")
                 .toObject()
                 .value(u"tier"),
             QJsonValue(u"web"_qs));
    QCOMPARE(seen.at(2).type, LiveChange::Type::Deleted);
    for (const LiveChange& change : seen)
        QCOMPARE(change.object.key(), u"watched/made"_qs);
    QCOMPARE(resets.count(), 1);
    for (const QList<QVariant>& signal : std::as_const(statuses))
        QVERIFY(!allText(signal.at(0).value<ClusterStatus>()).contains(m_server.token()));
}

void TestKubeCluster::compactionGivesAFreshResetWithoutDisconnecting()
{
    KubeCluster cluster(u"fake"_qs, connection(u"cert"_qs), {});
    QSignalSpy resets(&cluster, &KubeCluster::objectsReset);
    QSignalSpy statuses(&cluster, &KubeCluster::statusChanged);
    cluster.start();
    WAIT_FOR_STATE(cluster, ClusterState::Connected);
    const int watchesBefore = m_server.startedWatches();
    const quint64 id = cluster.watch(u"configmaps"_qs, {});
    QTRY_COMPARE_WITH_TIMEOUT(resets.count(), 1, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_server.startedWatches() > watchesBefore, kWaitMs);
    QString error;
    QVERIFY2(m_server.compact(true, &error), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(resets.count(), 2, kWaitMs);
    QCOMPARE(resets.at(1).at(0).toULongLong(), id);
    for (const QList<QVariant>& signal : std::as_const(statuses))
        QVERIFY2(signal.at(0).value<ClusterStatus>().state != ClusterState::Disconnected,
                 qPrintable(signal.at(0).value<ClusterStatus>().error));
}

void TestKubeCluster::unknownKindFailsTheWatchAlone()
{
    KubeCluster cluster(u"fake"_qs, connection(u"cert"_qs), {});
    QSignalSpy failed(&cluster, &KubeCluster::watchFailed);
    QSignalSpy resets(&cluster, &KubeCluster::objectsReset);
    cluster.start();
    const quint64 bad = cluster.watch(u"frobnicators"_qs, {});
    const quint64 good = cluster.watch(u"configmaps"_qs, {});
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kWaitMs);
    QCOMPARE(failed.at(0).at(0).toULongLong(), bad);
    QVERIFY2(failed.at(0).at(1).toString().contains(u"frobnicators"),
             qPrintable(failed.at(0).at(1).toString()));
    QTRY_COMPARE_WITH_TIMEOUT(resets.count(), 1, kWaitMs);
    QCOMPARE(resets.at(0).at(0).toULongLong(), good);
    QVERIFY(cluster.status().state == ClusterState::Connected);
}

void TestKubeCluster::removedWatchDeliversNothing()
{
    KubeCluster cluster(u"fake"_qs, connection(u"cert"_qs), {});
    QSignalSpy resets(&cluster, &KubeCluster::objectsReset);
    QSignalSpy changes(&cluster, &KubeCluster::objectsChanged);
    cluster.start();
    const quint64 kept = cluster.watch(u"configmaps"_qs, u"default"_qs);
    const quint64 removed = cluster.watch(u"configmaps"_qs, u"default"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(resets.count(), 2, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_server.openWatches() >= 2, kWaitMs);
    // Both watches see the creation and queue it while this thread serves no event; the removed
    // one's delivery, already queued, must not arrive.
    QVERIFY(kubectl({u"create"_qs, u"configmap"_qs, u"after-unwatch"_qs}));
    QThread::msleep(1'000);
    cluster.unwatch(removed);
    QTRY_VERIFY_WITH_TIMEOUT(!changes.isEmpty(), kWaitMs);
    QTest::qWait(300);
    for (const QList<QVariant>& signal : std::as_const(changes))
        QCOMPARE(signal.at(0).toULongLong(), kept);
}

void TestKubeCluster::scaleRestartAndSetImage()
{
    QVERIFY(kubectl({u"create"_qs, u"deployment"_qs, u"web"_qs, u"--image=busybox:1"_qs}));
    KubeCluster cluster(u"fake"_qs, connection(u"token"_qs), {});
    QSignalSpy finished(&cluster, &KubeCluster::actionFinished);
    QSignalSpy read(&cluster, &KubeCluster::objectRead);
    cluster.start();
    WAIT_FOR_STATE(cluster, ClusterState::Connected);

    const quint64 scale = cluster.scale(u"deployments"_qs, u"default"_qs, u"web"_qs, 3);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWaitMs);
    QCOMPARE(finished.at(0).at(0).toULongLong(), scale);
    QVERIFY2(finished.at(0).at(1).toString().isEmpty(),
             qPrintable(finished.at(0).at(1).toString()));
    QString replicas;
    QVERIFY(
        kubectl({u"get"_qs, u"deployment"_qs, u"web"_qs, u"-o"_qs, u"jsonpath={.spec.replicas}"_qs},
                &replicas));
    QCOMPARE(replicas.trimmed(), u"3"_qs);

    cluster.restart(u"deploy"_qs, u"default"_qs, u"web"_qs);
    cluster.setImage(u"Deployment"_qs, u"default"_qs, u"web"_qs, u"busybox"_qs, u"busybox:2"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, kWaitMs);
    for (const QList<QVariant>& signal : std::as_const(finished))
        QVERIFY2(signal.at(1).toString().isEmpty(), qPrintable(signal.at(1).toString()));
    const quint64 request = cluster.read(u"deployments"_qs, u"default"_qs, u"web"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(read.count(), 1, kWaitMs);
    QCOMPARE(read.at(0).at(0).toULongLong(), request);
    const LiveObject web = read.at(0).at(1).value<LiveObject>();
    const QJsonObject podTemplate =
        web.json.value(u"spec").toObject().value(u"template").toObject();
    QVERIFY(!podTemplate.value(u"metadata")
                 .toObject()
                 .value(u"annotations")
                 .toObject()
                 .value(u"kubectl.kubernetes.io/restartedAt")
                 .toString()
                 .isEmpty());
    QCOMPARE(podTemplate.value(u"spec")
                 .toObject()
                 .value(u"containers")
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(u"image"),
             QJsonValue(u"busybox:2"_qs));
}

void TestKubeCluster::setImageNamesTheContainers()
{
    QVERIFY(kubectl({u"create"_qs, u"deployment"_qs, u"api"_qs, u"--image=busybox:1"_qs}));
    KubeCluster cluster(u"fake"_qs, connection(u"cert"_qs), {});
    QSignalSpy finished(&cluster, &KubeCluster::actionFinished);
    cluster.start();
    cluster.setImage(u"deployments"_qs, u"default"_qs, u"api"_qs, u"nosuch"_qs, u"x:1"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWaitMs);
    const QString error = finished.at(0).at(1).toString();
    QVERIFY2(error.contains(u"\"nosuch\"") && error.contains(u"busybox"), qPrintable(error));
}

void TestKubeCluster::viewerActionsReportTheServersWords()
{
    QVERIFY(kubectl({u"create"_qs, u"deployment"_qs, u"kept"_qs, u"--image=busybox:1"_qs}));
    KubeCluster cluster(u"fake"_qs, connection(u"viewer"_qs), {});
    QSignalSpy finished(&cluster, &KubeCluster::actionFinished);
    QSignalSpy statuses(&cluster, &KubeCluster::statusChanged);
    cluster.start();
    WAIT_FOR_STATE(cluster, ClusterState::Connected);
    const quint64 scale = cluster.scale(u"deployments"_qs, u"default"_qs, u"kept"_qs, 2);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWaitMs);
    const quint64 remove = cluster.remove(u"deployments"_qs, u"default"_qs, u"kept"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kWaitMs);
    QCOMPARE(finished.at(0).at(0).toULongLong(), scale);
    QCOMPARE(finished.at(1).at(0).toULongLong(), remove);
    const QString scaleError = finished.at(0).at(1).toString();
    const QString removeError = finished.at(1).at(1).toString();
    QVERIFY2(scaleError.contains(u"cannot patch resource \"deployments/scale\""),
             qPrintable(scaleError));
    QVERIFY2(removeError.contains(u"cannot delete resource \"deployments\""),
             qPrintable(removeError));
    for (const QString& text : {scaleError, removeError})
        QVERIFY(!text.contains(m_server.viewerToken()) && !text.contains(m_server.token()));
    for (const QList<QVariant>& signal : std::as_const(statuses))
        QVERIFY(!allText(signal.at(0).value<ClusterStatus>()).contains(m_server.viewerToken()));
    QVERIFY(kubectl({u"get"_qs, u"deployment"_qs, u"kept"_qs}));
}

void TestKubeCluster::logsFollowAndEnd()
{
    QVERIFY(kubectl({u"create"_qs, u"deployment"_qs, u"logger"_qs, u"--image=busybox:1"_qs}));
    KubeCluster cluster(u"fake"_qs, connection(u"cert"_qs), {});
    QSignalSpy listed(&cluster, &KubeCluster::listed);
    QSignalSpy lines(&cluster, &KubeCluster::logLines);
    QSignalSpy ended(&cluster, &KubeCluster::logEnded);
    cluster.start();
    QStringList pods;
    int asked = 0; // one list at a time, again until the pods run
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            if (listed.count() < asked)
                return false;
            if (asked > 0 && isRunning(listed.constLast().at(1).value<QList<LiveObject>>()))
                return true;
            cluster.list(u"pods"_qs, u"default"_qs, u"app=logger"_qs);
            ++asked;
            return false;
        }(),
        kWaitMs);
    for (const LiveObject& pod : listed.constLast().at(1).value<QList<LiveObject>>())
        pods.append(pod.name);

    PodLogRequest request;
    request.nameSpace = u"default"_qs;
    request.pods = pods;
    const quint64 followed = cluster.followLogs(request);
    QTRY_VERIFY2_WITH_TIMEOUT(
        !lines.isEmpty(),
        qPrintable(ended.isEmpty() ? u"no line, no end"_qs : ended.at(0).at(1).toString()),
        kWaitMs);
    QCOMPARE(lines.at(0).at(0).toULongLong(), followed);
    QCOMPARE(lines.at(0).at(1).value<QList<PodLogLine>>().at(0).pod, pods.at(0));
    cluster.stopLogs(followed);

    request.follow = false;
    const quint64 once = cluster.followLogs(request);
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, kWaitMs);
    QCOMPARE(ended.at(0).at(0).toULongLong(), once); // the stopped stream says nothing more
    QVERIFY2(ended.at(0).at(1).toString().isEmpty(), qPrintable(ended.at(0).at(1).toString()));
}

void TestKubeCluster::hungServerIsNoticedByTheHeartbeat()
{
    Relay relay;
    relay.setBackend(m_server.port());
    KubeCluster cluster(u"fake"_qs, connection(u"token"_qs, relay.url()), {}, quickOptions());
    QSignalSpy statuses(&cluster, &KubeCluster::statusChanged);
    QSignalSpy resets(&cluster, &KubeCluster::objectsReset);
    cluster.start();
    cluster.watch(u"configmaps"_qs, {});
    WAIT_FOR_STATE(cluster, ClusterState::Connected);
    QTRY_COMPARE_WITH_TIMEOUT(resets.count(), 1, kWaitMs);
    relay.setHung(true);
    WAIT_FOR_STATE(cluster, ClusterState::Disconnected);
    QVERIFY(!cluster.status().error.isEmpty());
    QVERIFY(cluster.status().attempt >= 1);
    // Back, it is found again by the retries, and the watch lists again.
    relay.setHung(false);
    WAIT_FOR_STATE(cluster, ClusterState::Connected);
    QTRY_COMPARE_WITH_TIMEOUT(resets.count(), 2, kWaitMs);
    for (const QList<QVariant>& signal : std::as_const(statuses))
        QVERIFY(!allText(signal.at(0).value<ClusterStatus>()).contains(m_server.token()));
}

void TestKubeCluster::destructorReturnsQuicklyWhileTheServerHangs()
{
    Relay relay;
    relay.setBackend(m_server.port());
    auto cluster = std::make_unique<KubeCluster>(u"fake"_qs, connection(u"cert"_qs, relay.url()),
                                                 QString(), ClusterOptions{});
    QSignalSpy resets(cluster.get(), &KubeCluster::objectsReset);
    cluster->start();
    cluster->watch(u"configmaps"_qs, {});
    cluster->watch(u"services"_qs, {});
    QTRY_COMPARE_WITH_TIMEOUT(resets.count(), 2, kWaitMs);
    relay.setHung(true);
    // Calls and a connection attempt blocked on the hung server as the cluster goes.
    cluster->list(u"configmaps"_qs, {});
    cluster->scale(u"deployments"_qs, u"default"_qs, u"web"_qs, 1);
    cluster->retryNow();
    QTest::qWait(200);
    QElapsedTimer timer;
    timer.start();
    cluster.reset();
    const qint64 elapsed = timer.elapsed();
    QVERIFY2(elapsed < 2'000,
             qPrintable(u"the destructor took "_qs + QString::number(elapsed) + u" ms"_qs));

    // The same for one still connecting: its /version never answered.
    cluster = std::make_unique<KubeCluster>(u"fake"_qs, connection(u"cert"_qs, relay.url()),
                                            QString(), ClusterOptions{});
    cluster->start();
    cluster->watch(u"configmaps"_qs, {});
    QTest::qWait(200);
    QVERIFY(cluster->status().state == ClusterState::Connecting);
    timer.restart();
    cluster.reset();
    const qint64 connecting = timer.elapsed();
    QVERIFY2(connecting < 2'000,
             qPrintable(u"the destructor took "_qs + QString::number(connecting) + u" ms"_qs));
}

void TestKubeCluster::stoppedServerDisconnectsAndReconnects()
{
    // Last: the server starts again on another port (the fixture picks a free one), behind the
    // same relay address, with the same certificates.
    Relay relay;
    relay.setBackend(m_server.port());
    KubeCluster cluster(u"fake"_qs, connection(u"cert"_qs, relay.url()), {}, quickOptions());
    QSignalSpy resets(&cluster, &KubeCluster::objectsReset);
    cluster.start();
    cluster.watch(u"configmaps"_qs, {});
    WAIT_FOR_STATE(cluster, ClusterState::Connected);
    QTRY_COMPARE_WITH_TIMEOUT(resets.count(), 1, kWaitMs);

    m_server.stop();
    WAIT_FOR_STATE(cluster, ClusterState::Disconnected);
    QVERIFY(!cluster.status().error.isEmpty());
    // The views put the cluster's name and server before the reason: it does not repeat them.
    QVERIFY2(!cluster.status().error.contains(u"cluster fake"_qs),
             qPrintable(cluster.status().error));
    QVERIFY(cluster.status().retryInMs > 0);
    // An action meanwhile fails naming the cluster once.
    QSignalSpy finished(&cluster, &KubeCluster::actionFinished);
    cluster.remove(u"ConfigMap"_qs, u"default"_qs, u"gone"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWaitMs);
    const QString actionError = finished.at(0).at(1).toString();
    QVERIFY2(!actionError.isEmpty(), "the action succeeded with no server");
    QCOMPARE(actionError.count(u"cluster fake"_qs), 1);

    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    relay.setBackend(m_server.port());
    WAIT_FOR_STATE(cluster, ClusterState::Connected);
    QCOMPARE(cluster.status().attempt, 0);
    QTRY_COMPARE_WITH_TIMEOUT(resets.count(), 2, kWaitMs);
    // The new server holds none of the earlier objects: the reset says so.
    QVERIFY(!keysOf(resets.at(1).at(1).value<QList<LiveObject>>()).contains(u"watched/before"_qs));
}

QTEST_GUILESS_MAIN(TestKubeCluster)
#include "tst_kubecluster.moc"

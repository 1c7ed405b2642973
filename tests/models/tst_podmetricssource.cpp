// The clusters' pod metrics as Live Metrics samples: reads only while active, one at a time, at
// the answers' window (never more often than every ten seconds); every pod (its containers
// summed) and container becomes a store entry with CPU as docker stats shows it and memory in
// bytes; a repeated measurement adds no point; stale answers are dropped; a cluster without the
// metrics API and a failing one get their notes, and pods that are gone are marked removed.
#include "podmetricssource.h"

#include <QSignalSpy>
#include <QTest>

using namespace launchdeck;
using namespace launchdeck::kube;

namespace {

const QString kCluster = QStringLiteral("prod");
const QString kNamespace = QStringLiteral("shop");
const QDateTime kAt(QDate(2024, 5, 14), QTime(9, 20, 52), Qt::UTC);

// What readPodMetrics answers for a cluster without metrics-server, as KubeCluster passes it on.
const QString kNotServed =
    QStringLiteral("cluster prod: no metrics API (metrics-server is not installed): GET "
                   "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods answered HTTP 404");

PodMetrics pod(const QString& name, const QDateTime& at, double window,
               const QList<ContainerUsage>& containers, const QString& nameSpace = kNamespace)
{
    PodMetrics metrics;
    metrics.nameSpace = nameSpace;
    metrics.pod = name;
    metrics.timestamp = at;
    metrics.windowSeconds = window;
    metrics.containers = containers;
    return metrics;
}

QList<PodMetrics> shop(const QDateTime& at = kAt, double window = 30)
{
    return {pod(u"web-7d9f-x2x4q"_qs, at, window,
                {{u"nginx"_qs, 0.012345678, 12345.0 * 1024}, {u"sidecar"_qs, 0.001, 2097152}}),
            pod(u"worker-0"_qs, at, window, {{u"worker"_qs, 1.5, 512.0 * 1024 * 1024}})};
}

// A cluster whose reads the test answers by hand.
struct FakeCluster
{
    QList<QString> asked; // the namespace of each read
    quint64 lastId = 0;
    PodMetricsSource::Cluster cluster(const QString& name = kCluster,
                                      const QString& nameSpace = kNamespace)
    {
        return {name, nameSpace, [this](const QString& ns) {
                    asked.append(ns);
                    return ++lastId;
                }};
    }
};

QString stateOf(const MetricsStore& store, const MetricsKey& key)
{
    for (const MetricsContainer& container : store.containers())
        if (container.key == key)
            return container.state;
    return u"(absent)"_qs;
}

} // namespace

class TestPodMetricsSource final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsOnlyWhileActive()
    {
        MetricsStore store;
        PodMetricsSource source(&store);
        FakeCluster fake;
        source.setClusters({fake.cluster()});
        QCOMPARE(source.clusters(), QStringList{kCluster});
        QVERIFY(fake.asked.isEmpty());
        source.setActive(true);
        QCOMPARE(fake.asked, QList<QString>{kNamespace});
        QVERIFY(source.isReading(kCluster));
        // One read at a time: activating again or nothing else starts a second.
        source.setActive(false);
        source.setActive(true);
        QCOMPARE(fake.asked.size(), 1);
    }

    void turnsAnswersIntoSamples()
    {
        MetricsStore store;
        PodMetricsSource source(&store);
        FakeCluster fake;
        source.setActive(true);
        source.setClusters({fake.cluster()});
        QSignalSpy added(&store, &MetricsStore::samplesAdded);
        source.applyAnswer(kCluster, fake.lastId, shop(), {});
        QVERIFY(!source.isReading(kCluster));
        QCOMPARE(added.size(), 1);

        const MetricsKey web = PodMetricsSource::podKey(kCluster, kNamespace, u"web-7d9f-x2x4q"_qs);
        const MetricsKey nginx =
            PodMetricsSource::containerKey(kCluster, kNamespace, u"web-7d9f-x2x4q"_qs, u"nginx"_qs);
        const MetricsKey sidecar = PodMetricsSource::containerKey(
            kCluster, kNamespace, u"web-7d9f-x2x4q"_qs, u"sidecar"_qs);
        const MetricsKey worker = PodMetricsSource::podKey(kCluster, kNamespace, u"worker-0"_qs);

        // The picker's order: each pod, then its containers right below it.
        QStringList names;
        for (const MetricsContainer& container : store.containers()) {
            QCOMPARE(container.key.host, kCluster);
            QCOMPARE(container.state, u"running"_qs);
            names.append(container.name);
        }
        QCOMPARE(names, (QStringList{u"web-7d9f-x2x4q"_qs, u"web-7d9f-x2x4q / nginx"_qs,
                                     u"web-7d9f-x2x4q / sidecar"_qs, u"worker-0"_qs,
                                     u"worker-0 / worker"_qs}));

        for (const MetricsKey& key : {web, nginx, sidecar, worker})
            QCOMPARE(store.sampleCount(key), 1);
        const MetricsSample& pod = store.sampleAt(web, 0);
        QCOMPARE(pod.timeMs, kAt.toMSecsSinceEpoch());
        // CPU as docker stats shows it, 100 per core: the pod is the sum of its containers.
        QCOMPARE(pod.cpuPercent, float((0.012345678 + 0.001) * 100));
        QCOMPARE(pod.memoryUsedBytes, quint64(12641280 + 2097152));
        QCOMPARE(store.sampleAt(nginx, 0).cpuPercent, float(1.2345678));
        QCOMPARE(store.sampleAt(nginx, 0).memoryUsedBytes, quint64(12641280));
        QCOMPARE(store.sampleAt(sidecar, 0).memoryUsedBytes, quint64(2097152));
        QCOMPARE(store.sampleAt(worker, 0).cpuPercent, 150.0f);
        QCOMPARE(store.sampleAt(worker, 0).memoryUsedBytes, quint64(512) << 20);
        // The chart's reads and the export see them as they see a container's.
        const QList<QPointF> points = store.points(
            web, MetricsField::Memory, kAt.toMSecsSinceEpoch() - 60'000, kAt.toMSecsSinceEpoch());
        QCOMPARE(points.size(), 1);
        QCOMPARE(points[0].y(), double(12641280 + 2097152));
        const QByteArray csv = store.csv({worker}, 0, kAt.toMSecsSinceEpoch());
        QVERIFY2(csv.contains(",prod,worker-0,150.00,536870912,"), csv.constData());
        QVERIFY(source.note(kCluster).isEmpty());
    }

    void readsAtTheMetricsResolution_data()
    {
        QTest::addColumn<double>("window");
        QTest::addColumn<int>("interval");
        QTest::newRow("30s") << 30.0 << 30'000;
        QTest::newRow("1m0s") << 60.0 << 60'000;
        QTest::newRow("15.033s") << 15.033 << 15'033;
        QTest::newRow("never below 10 s") << 2.0 << PodMetricsSource::kMinIntervalMs;
        QTest::newRow("none given") << 0.0 << PodMetricsSource::kDefaultIntervalMs;
    }
    void readsAtTheMetricsResolution()
    {
        QFETCH(double, window);
        QFETCH(int, interval);
        MetricsStore store;
        PodMetricsSource source(&store);
        FakeCluster fake;
        source.setActive(true);
        source.setClusters({fake.cluster()});
        source.applyAnswer(kCluster, fake.lastId, shop(kAt, window), {});
        QCOMPARE(source.intervalMs(kCluster), interval);
        // The next read waits for the interval, not for the answer.
        QCOMPARE(fake.asked.size(), 1);
    }

    void dropsStaleAnswers()
    {
        MetricsStore store;
        PodMetricsSource source(&store);
        FakeCluster fake;
        source.setActive(true);
        source.setClusters({fake.cluster()});
        const quint64 first = fake.lastId;
        // Another connection object for the same cluster: the first read's answer is stale.
        source.setClusters({fake.cluster()});
        QCOMPARE(fake.asked.size(), 2);
        source.applyAnswer(kCluster, first, shop(), {});
        source.applyAnswer(u"elsewhere"_qs, fake.lastId, shop(), {});
        QVERIFY(store.containers().isEmpty());
        QVERIFY(source.isReading(kCluster));
        source.applyAnswer(kCluster, fake.lastId, shop(), {});
        QCOMPARE(store.containers().size(), 5);
        // Answered once: the same id again is stale too.
        source.applyAnswer(kCluster, fake.lastId, shop(kAt.addSecs(30)), {});
        QCOMPARE(store.sampleCount(PodMetricsSource::podKey(kCluster, kNamespace, u"worker-0"_qs)),
                 1);
    }

    void addsOnePointPerMeasurement()
    {
        MetricsStore store;
        PodMetricsSource source(&store);
        FakeCluster fake;
        source.setActive(true);
        const MetricsKey worker = PodMetricsSource::podKey(kCluster, kNamespace, u"worker-0"_qs);
        const auto readOnce = [&](const QDateTime& at) {
            source.setClusters({fake.cluster()}); // reads at once
            source.applyAnswer(kCluster, fake.lastId, shop(at), {});
        };
        readOnce(kAt);
        readOnce(kAt); // metrics-server had not scraped again
        QCOMPARE(store.sampleCount(worker), 1);
        readOnce(kAt.addSecs(15));
        QCOMPARE(store.sampleCount(worker), 2);
    }

    void marksPodsThatAreGone()
    {
        MetricsStore store;
        store.setRetentionMs(std::numeric_limits<qint64>::max() / 4);
        PodMetricsSource source(&store);
        FakeCluster fake;
        source.setActive(true);
        source.setClusters({fake.cluster()});
        source.applyAnswer(kCluster, fake.lastId, shop(), {});
        source.setClusters({fake.cluster()});
        source.applyAnswer(kCluster, fake.lastId, {shop(kAt.addSecs(30)).first()}, {});
        QCOMPARE(stateOf(store, PodMetricsSource::podKey(kCluster, kNamespace, u"worker-0"_qs)),
                 u"removed"_qs);
        QCOMPARE(
            stateOf(store, PodMetricsSource::podKey(kCluster, kNamespace, u"web-7d9f-x2x4q"_qs)),
            u"running"_qs);
        // A cluster no longer in the workspace: its pods are gone too.
        source.setClusters({});
        QCOMPARE(
            stateOf(store, PodMetricsSource::podKey(kCluster, kNamespace, u"web-7d9f-x2x4q"_qs)),
            u"removed"_qs);
        QVERIFY(source.clusters().isEmpty());
    }

    void namesPodsWithTheirNamespaceWhenReadingAll()
    {
        MetricsStore store;
        PodMetricsSource source(&store);
        FakeCluster fake;
        source.setActive(true);
        source.setClusters({fake.cluster(kCluster, QString())});
        QCOMPARE(fake.asked, QList<QString>{QString()});
        source.applyAnswer(
            kCluster, fake.lastId,
            {pod(u"coredns-0"_qs, kAt, 30, {{u"coredns"_qs, 0.002, 1e7}}, u"kube-system"_qs)}, {});
        QCOMPARE(store.containerName(
                     PodMetricsSource::podKey(kCluster, u"kube-system"_qs, u"coredns-0"_qs)),
                 u"kube-system/coredns-0"_qs);
    }

    void saysWhenTheClusterHasNoMetricsApi()
    {
        MetricsStore store;
        PodMetricsSource source(&store);
        FakeCluster fake;
        QSignalSpy notes(&source, &PodMetricsSource::noteChanged);
        source.setActive(true);
        source.setClusters({fake.cluster()});
        source.applyAnswer(kCluster, fake.lastId, {}, kNotServed);
        const QString note = u"prod: no metrics API (metrics-server is not installed)"_qs;
        QCOMPARE(source.note(kCluster), note);
        QCOMPARE(notes.size(), 1);
        QCOMPARE(notes[0][0].toString(), kCluster);
        QCOMPARE(notes[0][1].toString(), note);
        QCOMPARE(notes[0][2].toString(), kNotServed);
        QVERIFY(store.containers().isEmpty());
        // Not a failure: no back-off, metrics-server may come any time.
        QCOMPARE(source.intervalMs(kCluster), PodMetricsSource::kDefaultIntervalMs);

        // Installed later: the note goes and the pods come.
        source.setClusters({fake.cluster()});
        source.applyAnswer(kCluster, fake.lastId, shop(), {});
        QVERIFY(source.note(kCluster).isEmpty());
        QCOMPARE(notes.size(), 2);
        QCOMPARE(notes[1][1].toString(), QString());
        QCOMPARE(store.containers().size(), 5);
    }

    void aFailureKeepsThePods()
    {
        MetricsStore store;
        PodMetricsSource source(&store);
        FakeCluster fake;
        source.setActive(true);
        source.setClusters({fake.cluster()});
        source.applyAnswer(kCluster, fake.lastId, shop(), {});
        source.setClusters({fake.cluster()});
        const QString error = u"cluster prod: GET /apis/metrics.k8s.io/v1beta1/namespaces/shop/"
                              u"pods: ServiceUnavailable (HTTP 503): the server is currently "
                              u"unable to handle the request"_qs;
        source.applyAnswer(kCluster, fake.lastId, {}, error);
        QCOMPARE(source.note(kCluster), u"prod: reading pod metrics failed, retry 1"_qs);
        QCOMPARE(stateOf(store, PodMetricsSource::podKey(kCluster, kNamespace, u"worker-0"_qs)),
                 u"running"_qs);
    }
};

QTEST_GUILESS_MAIN(TestPodMetricsSource)
#include "tst_podmetricssource.moc"

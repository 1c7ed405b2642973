// The clusters' pods in the Live Metrics tab: read only while the charts show; a cluster without
// the metrics API shows so in the picker instead of pods; another cluster's pods and containers
// are picked like containers and drawn in the same CPU and memory charts with their deploy
// markers, and exported in the same CSV; and the same with real clusters, the fake API server with
// and without metrics-server.
#include "fakes/kubeapiserver.h"
#include "kubernetes/kubecluster.h"
#include "kubernetes/kubeconfig.h"
#include "metricschart.h"
#include "metricspicker.h"
#include "metricstab.h"
#include "podmetricssource.h"

#include <QFile>
#include <QLineSeries>
#include <QSettings>
#include <QStandardItem>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace launchdeck;
using namespace launchdeck::kube;

namespace {

const QDateTime kAt(QDate(2024, 5, 14), QTime(9, 20, 52), Qt::UTC);
const QString kNotServed =
    QStringLiteral("cluster prod: no metrics API (metrics-server is not installed): GET "
                   "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods answered HTTP 404");

struct FakeCluster
{
    QString name;
    QList<QString> asked;
    quint64 lastId = 0;
    PodMetricsSource::Cluster cluster()
    {
        return {name, QStringLiteral("shop"), [this](const QString& nameSpace) {
                    asked.append(nameSpace);
                    return ++lastId;
                }};
    }
};

PodMetrics webPod(const QDateTime& at)
{
    PodMetrics pod;
    pod.nameSpace = QStringLiteral("shop");
    pod.pod = QStringLiteral("web-7d9f-x2x4q");
    pod.timestamp = at;
    pod.windowSeconds = 30;
    pod.containers = {{QStringLiteral("nginx"), 0.25, 64.0 * 1024 * 1024},
                      {QStringLiteral("sidecar"), 0.05, 16.0 * 1024 * 1024}};
    return pod;
}

ClusterConnection connectionTo(const test::KubeApiServer& server)
{
    const Result<Kubeconfig> config = loadKubeconfigFile(server.kubeconfigPath());
    if (!config)
        qFatal("%s", qPrintable(config.error().toString()));
    Result<ClusterConnection> resolved = resolveContext(*config, QStringLiteral("cert"));
    if (!resolved)
        qFatal("%s", qPrintable(resolved.error().toString()));
    return std::move(resolved).value();
}

QStandardItem* hostRow(const MetricsPicker* picker, const QString& host)
{
    QStandardItemModel* model = picker->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->item(row)->data(Qt::UserRole + 1).toString() == host)
            return model->item(row);
    }
    return nullptr;
}

} // namespace

class TestMetricsTabClusters final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("Launchdeck"));
        QCoreApplication::setApplicationName(QStringLiteral("Launchdeck"));
        QSettings().remove(MetricsPicker::settingsKey());
    }

    void readsOnlyWhileShown()
    {
        MetricsStore store;
        MetricsTab tab(&store);
        FakeCluster prod{QStringLiteral("prod"), {}, 0};
        tab.podMetrics()->setClusters({prod.cluster()});
        // Hidden through several of the tab's one-second ticks: nothing is read.
        QTest::qWait(MetricsTab::kRedrawIntervalMs * 5 / 2);
        QVERIFY(prod.asked.isEmpty());
        tab.resize(1000, 700);
        tab.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tab));
        QTRY_COMPARE(prod.asked, QList<QString>{QStringLiteral("shop")});
        QVERIFY(tab.podMetrics()->isActive());
        tab.hide();
        QTRY_VERIFY(!tab.podMetrics()->isActive());
    }

    void pickerSaysWhenThereIsNoMetricsApi()
    {
        MetricsStore store;
        MetricsTab tab(&store);
        tab.resize(1000, 700);
        tab.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tab));
        FakeCluster prod{QStringLiteral("prod"), {}, 0};
        tab.podMetrics()->setClusters({prod.cluster()});
        QTRY_COMPARE(prod.asked.size(), 1);
        tab.podMetrics()->applyAnswer(prod.name, prod.lastId, {}, kNotServed);

        const QStandardItem* row = hostRow(tab.picker(), prod.name);
        QVERIFY(row);
        QCOMPARE(row->text(),
                 QStringLiteral("prod: no metrics API (metrics-server is not installed)"));
        QCOMPARE(row->toolTip(), kNotServed);
        QCOMPARE(row->rowCount(), 0);
        // Shown, not filtered away: the view lists it.
        QCOMPARE(tab.picker()->view()->model()->rowCount(), 1);
    }

    void podsAreDrawnLikeContainers()
    {
        MetricsStore store;
        store.setRetentionMs(std::numeric_limits<qint64>::max() / 4);
        MetricsTab tab(&store);
        qint64 now = kAt.addSecs(60).toMSecsSinceEpoch();
        tab.setClock([&now] { return now; });
        tab.resize(1000, 700);
        tab.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tab));
        FakeCluster stage{QStringLiteral("stage"), {}, 0};
        tab.podMetrics()->setClusters({stage.cluster()});
        QTRY_COMPARE(stage.asked.size(), 1);
        tab.podMetrics()->applyAnswer(stage.name, stage.lastId, {webPod(kAt.addSecs(-30))}, {});
        // The next measurement, as the following read would bring it.
        tab.podMetrics()->setClusters({stage.cluster()});
        tab.podMetrics()->applyAnswer(stage.name, stage.lastId, {webPod(kAt)}, {});

        const QStandardItem* row = hostRow(tab.picker(), stage.name);
        QVERIFY(row);
        QCOMPARE(row->text(), stage.name);
        QCOMPARE(row->rowCount(), 3); // the pod and its two containers

        const MetricsKey pod = PodMetricsSource::podKey(stage.name, QStringLiteral("shop"),
                                                        QStringLiteral("web-7d9f-x2x4q"));
        const MetricsKey nginx = PodMetricsSource::containerKey(stage.name, QStringLiteral("shop"),
                                                                QStringLiteral("web-7d9f-x2x4q"),
                                                                QStringLiteral("nginx"));
        QVERIFY(tab.picker()->itemFor(pod));
        QCOMPARE(tab.picker()->itemFor(nginx)->data(Qt::UserRole + 3).toString(),
                 QStringLiteral("web-7d9f-x2x4q / nginx"));
        tab.picker()->setPicked(pod, true);
        tab.picker()->setPicked(nginx, true);
        QCOMPARE(tab.picker()->picked(), (QList<MetricsKey>{pod, nginx}));

        // metrics.k8s.io has no network figures: no line at zero.
        QCOMPARE(tab.networkChart()->lineSeries().size(), 0);
        QLineSeries* cpu = tab.cpuChart()->seriesFor(pod, MetricsField::Cpu);
        QVERIFY(cpu);
        QCOMPARE(cpu->name(), QStringLiteral("web-7d9f-x2x4q"));
        const QList<QPointF> cpuPoints = tab.cpuChart()->linePoints(cpu);
        QCOMPARE(cpuPoints.size(), 2);
        QCOMPARE(cpuPoints.last().x(), double(kAt.toMSecsSinceEpoch()));
        QCOMPARE(cpuPoints.last().y(), 30.0); // 0.3 cores
        QCOMPARE(tab.cpuChart()
                     ->linePoints(tab.cpuChart()->seriesFor(nginx, MetricsField::Cpu))
                     .last()
                     .y(),
                 25.0);
        QLineSeries* memory = tab.memoryChart()->seriesFor(pod, MetricsField::Memory);
        QVERIFY(memory);
        QCOMPARE(qRound64(tab.memoryChart()->linePoints(memory).last().y() *
                          tab.memoryChart()->scale().divisor),
                 qint64(80) << 20);
        QCOMPARE(tab.memoryChart()->scale().suffix, QStringLiteral(" MiB"));

        // A deployment's marker on the pod shows as on a container.
        store.addMarker(stage.name, pod.containerId, kAt.addSecs(-10).toMSecsSinceEpoch(),
                        MetricsMarkerKind::Deploy, QStringLiteral("deploy v2: completed"));
        tab.redraw();
        QCOMPARE(tab.cpuChart()->visibleMarkerCount(), 1);

        // The export of the shown window holds both lines' samples.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("pods.csv"));
        QVERIFY(tab.exportCsv(path));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray csv = file.readAll();
        QVERIFY2(csv.contains("2024-05-14T09:20:52.000Z,stage,web-7d9f-x2x4q,30.00,83886080,"),
                 csv.constData());
        QVERIFY2(csv.contains(",stage,web-7d9f-x2x4q / nginx,25.00,67108864,"), csv.constData());
    }

    void readsRealClusters()
    {
        test::KubeApiServer withMetrics;
        test::KubeApiServer without;
        test::KubeApiServerOptions options;
        options.metrics = false;
        without.setOptions(options);
        QString error;
        QVERIFY2(withMetrics.start(&error), qPrintable(error));
        QVERIFY2(without.start(&error), qPrintable(error));
        const test::KubectlResult create = withMetrics.kubectl(
            {QStringLiteral("create"), QStringLiteral("deployment"), QStringLiteral("web"),
             QStringLiteral("--image=busybox:1"), QStringLiteral("--replicas=2")});
        QVERIFY2(create.exitCode == 0, qPrintable(create.err));
        const test::KubectlResult status = withMetrics.kubectl(
            {QStringLiteral("rollout"), QStringLiteral("status"), QStringLiteral("deployment/web"),
             QStringLiteral("--timeout=60s")});
        QVERIFY2(status.exitCode == 0, qPrintable(status.out + status.err));

        KubeCluster stage(QStringLiteral("stage"), connectionTo(withMetrics),
                          QStringLiteral("default"));
        KubeCluster prod(QStringLiteral("prod"), connectionTo(without), QStringLiteral("default"));
        stage.start();
        prod.start();
        MetricsStore store;
        MetricsTab tab(&store);
        tab.setClusters({&stage, &prod});
        tab.resize(1000, 700);
        tab.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tab));

        QTRY_VERIFY_WITH_TIMEOUT(hostRow(tab.picker(), QStringLiteral("prod")), 20'000);
        QTRY_COMPARE_WITH_TIMEOUT(
            hostRow(tab.picker(), QStringLiteral("prod"))->text(),
            QStringLiteral("prod: no metrics API (metrics-server is not installed)"), 20'000);
        QCOMPARE(hostRow(tab.picker(), QStringLiteral("prod"))->rowCount(), 0);
        // Two pods of one container each: a row per pod and per container.
        QTRY_VERIFY_WITH_TIMEOUT(hostRow(tab.picker(), QStringLiteral("stage")), 20'000);
        QTRY_COMPARE_WITH_TIMEOUT(hostRow(tab.picker(), QStringLiteral("stage"))->rowCount(), 4,
                                  20'000);
        QCOMPARE(hostRow(tab.picker(), QStringLiteral("stage"))->text(), QStringLiteral("stage"));
        for (const MetricsContainer& entry : store.containers()) {
            QCOMPARE(entry.key.host, QStringLiteral("stage"));
            QCOMPARE(store.sampleCount(entry.key), 1);
            QVERIFY2(store.sampleAt(entry.key, 0).cpuPercent > 0, qPrintable(entry.name));
            QVERIFY2(store.sampleAt(entry.key, 0).memoryUsedBytes > 0, qPrintable(entry.name));
        }
        QCOMPARE(tab.podMetrics()->intervalMs(QStringLiteral("stage")), 30'000);
    }
};

QTEST_MAIN(TestMetricsTabClusters)
#include "tst_metricstabclusters.moc"

// Benchmark: 5,000 pods in 20 namespaces on the fake API server. The cluster view's first full
// table (watch of pods in all namespaces, paged list, model, filter, table painted) and the
// memory it adds, beside `kubectl get pods -A -o json` reading the same pods from the same
// server; then a churn of 100 pod changes a second for a minute with the GUI event loop's
// lateness. Prints figures; asserts nothing.
#include "benchruns.h"
#include "fakes/kubeapiserver.h"
#include "kubernetes/clusterconnection.h"
#include "kubernetes/kubeclient.h"
#include "kubernetes/kubecluster.h"
#include "kubernetes/kubeconfig.h"
#include "liveobjectsfiltermodel.h"
#include "liveobjectsmodel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPaintEvent>
#include <QProcess>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

using namespace launchdeck;

using launchdeck::bench::percentile;
using launchdeck::bench::statusKiB;

namespace {

constexpr int kNamespaces = 20;
constexpr int kPodsPerNamespace = 250;
constexpr int kChurnPerSecond = 100;

// A pod as a kubelet leaves a running one: two containers, ready, with the fields the columns
// read. Already Running, so the fake's controller leaves it as it is.
QJsonObject podOf(const QString& nameSpace, int index)
{
    const QString name = QStringLiteral("web-%1-%2").arg(index / 10).arg(index);
    const QJsonObject running{
        {QStringLiteral("running"),
         QJsonObject{{QStringLiteral("startedAt"), QStringLiteral("2026-12-01T10:00:00Z")}}}};
    QJsonArray statuses;
    QJsonArray containers;
    for (const QString& container : {QStringLiteral("web"), QStringLiteral("sidecar")}) {
        containers.append(QJsonObject{{QStringLiteral("name"), container},
                                      {QStringLiteral("image"), QStringLiteral("busybox:1")}});
        statuses.append(QJsonObject{{QStringLiteral("name"), container},
                                    {QStringLiteral("ready"), true},
                                    {QStringLiteral("restartCount"), index % 3},
                                    {QStringLiteral("image"), QStringLiteral("busybox:1")},
                                    {QStringLiteral("state"), running}});
    }
    return QJsonObject{
        {QStringLiteral("apiVersion"), QStringLiteral("v1")},
        {QStringLiteral("kind"), QStringLiteral("Pod")},
        {QStringLiteral("metadata"),
         QJsonObject{{QStringLiteral("name"), name},
                     {QStringLiteral("namespace"), nameSpace},
                     {QStringLiteral("labels"),
                      QJsonObject{{QStringLiteral("app"), QStringLiteral("web")},
                                  {QStringLiteral("shard"), QString::number(index % 10)}}}}},
        {QStringLiteral("spec"),
         QJsonObject{{QStringLiteral("nodeName"), QStringLiteral("fake-node-1")},
                     {QStringLiteral("containers"), containers}}},
        {QStringLiteral("status"),
         QJsonObject{{QStringLiteral("phase"), QStringLiteral("Running")},
                     {QStringLiteral("podIP"), QStringLiteral("10.0.0.%1").arg(index % 250)},
                     {QStringLiteral("containerStatuses"), statuses}}}};
}

// Writes the namespaces and pods as one List and creates them with kubectl, which keeps its
// connection open: far faster than a request each. (The fake's OpenAPI documents do not cover
// the bodies of a List, so kubectl's client-side validation is off for the seeding.)
bool seed(const test::KubeApiServer& server, const QString& folder)
{
    QJsonArray items;
    for (int n = 0; n < kNamespaces; ++n) {
        items.append(
            QJsonObject{{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                        {QStringLiteral("kind"), QStringLiteral("Namespace")},
                        {QStringLiteral("metadata"),
                         QJsonObject{{QStringLiteral("name"), QStringLiteral("team-%1").arg(n)}}}});
    }
    for (int n = 0; n < kNamespaces; ++n) {
        for (int p = 0; p < kPodsPerNamespace; ++p)
            items.append(podOf(QStringLiteral("team-%1").arg(n), p));
    }
    const QString file = folder + QStringLiteral("/pods.json");
    QFile out(file);
    if (!out.open(QIODevice::WriteOnly))
        return false;
    out.write(QJsonDocument(QJsonObject{{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                                        {QStringLiteral("kind"), QStringLiteral("List")},
                                        {QStringLiteral("items"), items}})
                  .toJson(QJsonDocument::Compact));
    out.close();
    QProcess kubectl;
    kubectl.start(QStringLiteral("kubectl"),
                  {QStringLiteral("--kubeconfig"), server.kubeconfigPath(),
                   QStringLiteral("create"), QStringLiteral("--validate=false"),
                   QStringLiteral("-f"), file});
    if (!kubectl.waitForFinished(600'000) || kubectl.exitCode() != 0) {
        std::fprintf(stderr, "seeding failed: %s\n", kubectl.readAllStandardError().constData());
        return false;
    }
    return true;
}

// `kubectl get pods -A -o json`: wall time of the whole process, its output checked for all pods.
void timeKubectl(const test::KubeApiServer& server, bench::Runs& runs)
{
    QProcess kubectl;
    QElapsedTimer wall;
    wall.start();
    kubectl.start(QStringLiteral("kubectl"),
                  {QStringLiteral("--kubeconfig"), server.kubeconfigPath(), QStringLiteral("get"),
                   QStringLiteral("pods"), QStringLiteral("-A"), QStringLiteral("-o"),
                   QStringLiteral("json")});
    if (!kubectl.waitForFinished(120'000) || kubectl.exitCode() != 0) {
        runs.fail(QStringLiteral("kubectl failed: %1")
                      .arg(QString::fromUtf8(kubectl.readAllStandardError()).trimmed()));
        return;
    }
    const double ms = double(wall.nsecsElapsed()) / 1e6;
    const auto items = QJsonDocument::fromJson(kubectl.readAllStandardOutput())
                           .object()
                           .value(QStringLiteral("items"))
                           .toArray();
    if (items.size() != kNamespaces * kPodsPerNamespace)
        runs.fail(QStringLiteral("kubectl listed %1 pods").arg(items.size()));
    else
        runs.add(ms);
}

// Notes the first paint of the table's viewport after `armed` is set.
class PaintWatch final : public QObject
{
public:
    bool armed = false;
    bool painted = false;
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (armed && event->type() == QEvent::Paint)
            painted = true;
        return QObject::eventFilter(watched, event);
    }
};

} // namespace

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    const int churnSeconds = argc > 1 ? QByteArray(argv[1]).toInt() : 60;
    const int pods = kNamespaces * kPodsPerNamespace;

    test::KubeApiServer server;
    QString error;
    if (!server.start(&error)) {
        std::fprintf(stderr, "the fake API server did not start: %s\n", qPrintable(error));
        return 2;
    }
    QTemporaryDir folder;
    if (!seed(server, folder.path()))
        return 2;

    bench::Runs kubectlRuns;
    for (int run = 0; run < 3; ++run)
        timeKubectl(server, kubectlRuns);

    auto config = loadKubeconfigFile(server.kubeconfigPath());
    if (!config) {
        std::fprintf(stderr, "%s\n", qPrintable(config.error().message));
        return 2;
    }
    auto connection = resolveContext(*config, QStringLiteral("cert"));
    if (!connection) {
        std::fprintf(stderr, "%s\n", qPrintable(connection.error().message));
        return 2;
    }

    LiveObjectsModel model;
    LiveObjectsFilterModel filter;
    filter.setSourceModel(&model);
    QTableView table;
    table.setModel(&filter);
    table.setSortingEnabled(true);
    table.horizontalHeader()->setStretchLastSection(true);
    table.resize(1600, 900);
    table.show();
    PaintWatch paints;
    table.viewport()->installEventFilter(&paints);
    QElapsedTimer settle;
    settle.start();
    while (settle.elapsed() < 500)
        QApplication::processEvents(QEventLoop::AllEvents, 50);

    const qint64 rssBefore = statusKiB("VmRSS");
    kube::KubeCluster cluster(QStringLiteral("fake"), *connection, QStringLiteral("default"));
    QElapsedTimer firstTable;
    bool connected = false;
    QObject::connect(&cluster, &kube::KubeCluster::statusChanged, &app,
                     [&](const kube::ClusterStatus& status) {
                         connected = status.state == kube::ClusterState::Connected;
                     });
    cluster.start();
    while (!connected)
        QApplication::processEvents(QEventLoop::AllEvents, 50);

    int resets = 0;
    double listedMs = 0;   // the paged list has arrived on the GUI thread
    double modelledMs = 0; // the model holds it
    qint64 changes = 0;
    QObject::connect(&cluster, &kube::KubeCluster::objectsReset, &app,
                     [&](quint64, const QList<kube::LiveObject>& objects) {
                         if (resets == 0)
                             listedMs = double(firstTable.nsecsElapsed()) / 1e6;
                         model.reset(objects);
                         if (resets == 0)
                             modelledMs = double(firstTable.nsecsElapsed()) / 1e6;
                         ++resets;
                         paints.armed = true;
                     });
    QObject::connect(&cluster, &kube::KubeCluster::objectsChanged, &app,
                     [&](quint64, const QList<kube::LiveChange>& list) {
                         model.apply(list);
                         changes += list.size();
                     });
    model.setKind(QStringLiteral("Pod"), true);
    firstTable.start();
    cluster.watch(QStringLiteral("pods"), {});
    QElapsedTimer limit;
    limit.start();
    while (!paints.painted && limit.elapsed() < 60'000)
        QApplication::processEvents(QEventLoop::AllEvents, 5);
    const double firstTableMs = double(firstTable.nsecsElapsed()) / 1e6;
    const bool complete = paints.painted && model.rowCount() == pods;
    QElapsedTimer calm;
    calm.start();
    while (calm.elapsed() < 1000)
        QApplication::processEvents(QEventLoop::AllEvents, 50);
    const qint64 rssAfter = statusKiB("VmRSS");

    // The churn: a thread patches a pod's label 100 times a second over its own connection,
    // while a 1 ms timer on the GUI thread measures how late the event loop runs it.
    std::atomic_bool stop = false;
    std::atomic<int> patched = 0;
    std::atomic<int> refused = 0;
    std::thread churn([&] {
        kube::KubeClient client(*connection, QStringLiteral("fake"));
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; !stop; ++i) {
            const auto due = start + std::chrono::microseconds(i * 1'000'000 / kChurnPerSecond);
            std::this_thread::sleep_until(due);
            const int n = i % kNamespaces;
            const int p = (i / kNamespaces) % kPodsPerNamespace;
            const QString path = QStringLiteral("/api/v1/namespaces/team-%1/pods/web-%2-%3")
                                     .arg(n)
                                     .arg(p / 10)
                                     .arg(p);
            const QByteArray body =
                QStringLiteral(R"({"metadata":{"labels":{"churn":"%1"}}})").arg(i).toUtf8();
            const auto answer = client.request("PATCH", path, body,
                                               QByteArrayLiteral("application/merge-patch+json"));
            answer.ok() ? ++patched : ++refused;
        }
    });
    QList<double> lateness;
    QElapsedTimer clock;
    qint64 last = 0;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    QObject::connect(&probe, &QTimer::timeout, &app, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (last > 0)
            lateness.append(std::max(0.0, double(now - last) / 1e6 - 1.0));
        last = now;
    });
    clock.start();
    probe.start(1);
    QElapsedTimer churning;
    churning.start();
    while (churning.elapsed() < qint64(churnSeconds) * 1000)
        QApplication::processEvents(QEventLoop::AllEvents, 50);
    stop = true;
    churn.join();
    probe.stop();
    std::sort(lateness.begin(), lateness.end());

    std::printf("%d pods in %d namespaces on the fake API server\n", pods, kNamespaces);
    std::printf("kubectl get pods -A -o json   median %8.1f ms  min %8.1f  max %8.1f  (%s)\n",
                kubectlRuns.median(), kubectlRuns.min(), kubectlRuns.max(),
                qPrintable(kubectlRuns.count()));
    std::printf("launchdeck first full table     %8.1f ms  (%d rows, %s), ratio %.2f\n",
                firstTableMs, model.rowCount(), complete ? "complete" : "INCOMPLETE",
                kubectlRuns.anySucceeded() ? firstTableMs / kubectlRuns.median() : 0.0);
    std::printf("  of which: list arrived %.1f ms, model filled %.1f ms, painted %.1f ms\n",
                listedMs, modelledMs - listedMs, firstTableMs - modelledMs);
    std::printf("memory added by the table       %8.1f MB  (RSS %lld -> %lld KiB)\n",
                double(rssAfter - rssBefore) / 1024.0, rssBefore, rssAfter);
    std::printf("churn %d s at %d/s: %d patched, %d refused, %lld changes shown, %d resets\n",
                churnSeconds, kChurnPerSecond, patched.load(), refused.load(), changes, resets);
    std::printf("event-loop lateness  p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  (%d samples)\n",
                percentile(lateness, 0.50), percentile(lateness, 0.99),
                lateness.isEmpty() ? 0.0 : lateness.last(), int(lateness.size()));
    std::printf("goal: first table <= 1000 ms, <= 50 MB added, lateness p99 <= 50 ms\n");
    return complete ? 0 : 1;
}

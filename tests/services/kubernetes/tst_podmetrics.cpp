// metrics.k8s.io: every form of Kubernetes quantity (and the garbage that is none);
// readPodMetrics against a real HTTP server serving metrics-server's answer (values, windows,
// the all-namespaces path, a path not served, a server that is not there, an answer with an odd
// item and one that is no PodMetricsList); and against the fake API server, whose pods' usage
// must read as the real kubectl top prints it, and which without metrics-server answers as a
// cluster without the metrics API, also through KubeCluster.
#include "fakes/kubeapiserver.h"
#include "fakes/localhttpserver.h"
#include "kubernetes/kubeclient.h"
#include "kubernetes/kubecluster.h"
#include "kubernetes/kubeconfig.h"
#include "kubernetes/podmetrics.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <cmath>

using namespace launchdeck;
using namespace launchdeck::kube;
using namespace launchdeck::test;

namespace {

// An answer of metrics-server 0.7 (kubectl get --raw), trimmed to two pods.
const QByteArray kPodMetricsList = R"({
  "kind": "PodMetricsList",
  "apiVersion": "metrics.k8s.io/v1beta1",
  "metadata": {},
  "items": [
    {
      "metadata": {
        "name": "web-7d9f8b6c5d-x2x4q",
        "namespace": "default",
        "creationTimestamp": "2024-05-14T09:21:07Z",
        "labels": {"app": "web", "pod-template-hash": "7d9f8b6c5d"}
      },
      "timestamp": "2024-05-14T09:20:52Z",
      "window": "15.033s",
      "containers": [
        {"name": "nginx", "usage": {"cpu": "12345678n", "memory": "12345Ki"}},
        {"name": "sidecar", "usage": {"cpu": "1m", "memory": "2Mi"}}
      ]
    },
    {
      "metadata": {
        "name": "worker-0",
        "namespace": "default",
        "creationTimestamp": "2024-05-14T09:21:07Z"
      },
      "timestamp": "2024-05-14T09:20:49Z",
      "window": "1m0s",
      "containers": [
        {"name": "worker", "usage": {"cpu": "0", "memory": "0"}}
      ]
    }
  ]
})";

ClusterConnection connectionTo(const KubeApiServer& server)
{
    const Result<Kubeconfig> config = loadKubeconfigFile(server.kubeconfigPath());
    if (!config)
        qFatal("%s", qPrintable(config.error().toString()));
    Result<ClusterConnection> resolved = resolveContext(*config, u"cert"_qs);
    if (!resolved)
        qFatal("%s", qPrintable(resolved.error().toString()));
    return std::move(resolved).value();
}

ClusterConnection connectionTo(const LocalHttpServer& server)
{
    ClusterConnection connection;
    connection.contextName = QStringLiteral("local");
    connection.clusterName = QStringLiteral("local");
    connection.server = server.url().chopped(1);
    return connection;
}

} // namespace

class TestPodMetrics final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(error));
        QVERIFY(m_server.writeFile(u"apis/metrics.k8s.io/v1beta1/namespaces/default/pods"_qs,
                                   kPodMetricsList));
        QVERIFY(m_server.writeFile(u"apis/metrics.k8s.io/v1beta1/pods"_qs, kPodMetricsList));
    }

    void parsesQuantities_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<double>("value");
        const auto row = [](const char* text, double value) {
            QTest::newRow(text) << QString::fromLatin1(text) << value;
        };
        row("0", 0);
        row("1", 1);
        row("250m", 0.25);
        row("12345678n", 0.012345678);
        row("5u", 5e-6);
        row("1.5", 1.5);
        row(".5", 0.5);
        row("5.", 5);
        row("-250m", -0.25);
        row("+2", 2);
        row("1k", 1e3);
        row("1M", 1e6);
        row("1G", 1e9);
        row("1T", 1e12);
        row("1P", 1e15);
        row("1E", 1e18);
        row("12345Ki", 12345.0 * 1024);
        row("64Mi", 67108864);
        row("1.5Gi", 1610612736);
        row("1Ti", std::ldexp(1.0, 40));
        row("1Pi", std::ldexp(1.0, 50));
        row("1Ei", std::ldexp(1.0, 60));
        row("1e3", 1e3);
        row("1E3", 1e3);
        row("1e+2", 100);
        row("1.5e-3", 0.0015);
        row("-2E-1", -0.2);
        row("0.000000001", 1e-9);
        row("129e6", 129e6);
    }
    void parsesQuantities()
    {
        QFETCH(QString, text);
        QFETCH(double, value);
        const std::optional<double> parsed = parseQuantity(text);
        QVERIFY2(parsed, qPrintable(text));
        QCOMPARE(*parsed, value);
    }

    void refusesGarbage_data()
    {
        QTest::addColumn<QString>("text");
        for (const char* text :
             {"",      " 1",   "1 ",  "abc",  "m",   "Ki",      "-",     "+",    ".",
              "1K",    "1KiB", "1ki", "1mi",  "1i",  ".5i",     "1.1.M", "1..5", "1+1.0M",
              "--1",   "1mm",  "1e",  "e3",   "1e-", "-3.01e-", "1e3.5", "1e3m", "1e1000000",
              "1e400", "NaN",  "inf", "0x10", "1,5", "1_000"})
            QTest::newRow(*text ? text : "(empty)") << QString::fromLatin1(text);
    }
    void refusesGarbage()
    {
        QFETCH(QString, text);
        const std::optional<double> parsed = parseQuantity(text);
        QVERIFY2(!parsed, qPrintable(u"\""_qs + text + u"\" read as "_qs +
                                     QString::number(parsed.value_or(0))));
    }

    void readsANamespace()
    {
        KubeClient client(connectionTo(m_server), u"local"_qs);
        const PodMetricsAnswer answer = readPodMetrics(client, u"default"_qs);
        QVERIFY2(answer.error.isEmpty(), qPrintable(answer.error));
        QVERIFY(!answer.notServed);
        QCOMPARE(answer.pods.size(), 2);

        const PodMetrics& web = answer.pods[0];
        QCOMPARE(web.pod, u"web-7d9f8b6c5d-x2x4q"_qs);
        QCOMPARE(web.nameSpace, u"default"_qs);
        QCOMPARE(web.timestamp, QDateTime(QDate(2024, 5, 14), QTime(9, 20, 52), Qt::UTC));
        QCOMPARE(web.windowSeconds, 15.033);
        QCOMPARE(web.containers.size(), 2);
        QCOMPARE(web.containers[0].name, u"nginx"_qs);
        QCOMPARE(web.containers[0].cpuCores, 0.012345678);
        QCOMPARE(web.containers[0].memoryBytes, 12641280.0);
        QCOMPARE(web.containers[1].name, u"sidecar"_qs);
        QCOMPARE(web.containers[1].cpuCores, 0.001);
        QCOMPARE(web.containers[1].memoryBytes, 2097152.0);

        const PodMetrics& worker = answer.pods[1];
        QCOMPARE(worker.pod, u"worker-0"_qs);
        QCOMPARE(worker.windowSeconds, 60.0);
        QCOMPARE(worker.containers.size(), 1);
        QCOMPARE(worker.containers[0].cpuCores, 0.0);
    }

    void readsEveryNamespace()
    {
        KubeClient client(connectionTo(m_server), u"local"_qs);
        const PodMetricsAnswer answer = readPodMetrics(client, QString());
        QVERIFY2(answer.error.isEmpty(), qPrintable(answer.error));
        QCOMPARE(answer.pods.size(), 2);
    }

    void saysWhenTheClusterHasNoMetricsApi()
    {
        // The path of a cluster without metrics-server: the API server answers 404.
        KubeClient client(connectionTo(m_server), u"local"_qs);
        const PodMetricsAnswer answer = readPodMetrics(client, u"elsewhere"_qs);
        QVERIFY(answer.notServed);
        QVERIFY(answer.pods.isEmpty());
        QVERIFY2(
            answer.error.contains(u"/apis/metrics.k8s.io/v1beta1/namespaces/elsewhere/pods"_qs),
            qPrintable(answer.error));
        QVERIFY2(answer.error.contains(u"no metrics API (metrics-server is not installed)"_qs),
                 qPrintable(answer.error));
        QVERIFY(isMetricsNotServed(answer.error));
        // As KubeCluster passes it on, naming the cluster in front.
        QVERIFY(isMetricsNotServed(QString(u"cluster local: "_qs + answer.error)));
    }

    void aFailureIsNotAMissingApi()
    {
        LocalHttpServer gone;
        QString error;
        QVERIFY2(gone.start(&error), qPrintable(error));
        const ClusterConnection connection = connectionTo(gone);
        gone.stop();
        KubeClient client(connection, u"local"_qs);
        const PodMetricsAnswer answer = readPodMetrics(client, u"default"_qs);
        QVERIFY(!answer.notServed);
        QVERIFY(!answer.error.isEmpty());
        QVERIFY2(!isMetricsNotServed(answer.error), qPrintable(answer.error));
        QVERIFY2(answer.error.contains(u"local"_qs), qPrintable(answer.error));
    }

    void keepsTheReadablePodsOfAnOddAnswer()
    {
        QByteArray odd = kPodMetricsList;
        odd.replace("\"12345Ki\"", "\"lots\"");
        QVERIFY(m_server.writeFile(u"apis/metrics.k8s.io/v1beta1/namespaces/odd/pods"_qs, odd));
        KubeClient client(connectionTo(m_server), u"local"_qs);
        const PodMetricsAnswer answer = readPodMetrics(client, u"odd"_qs);
        QVERIFY(!answer.notServed);
        QCOMPARE(answer.pods.size(), 1);
        QCOMPARE(answer.pods[0].pod, u"worker-0"_qs);
        for (const char* part :
             {"namespaces/odd/pods", "default/web-7d9f8b6c5d-x2x4q", "nginx", "memory", "\"lots\""})
            QVERIFY2(answer.error.contains(QLatin1String(part)),
                     qPrintable(answer.error + u" lacks "_qs + QLatin1String(part)));
    }

    void refusesWhatIsNoPodMetricsList()
    {
        QVERIFY(m_server.writeFile(u"apis/metrics.k8s.io/v1beta1/namespaces/html/pods"_qs,
                                   "<html>a proxy's login page</html>"));
        QVERIFY(m_server.writeFile(u"apis/metrics.k8s.io/v1beta1/namespaces/badwindow/pods"_qs,
                                   QByteArray(kPodMetricsList).replace("1m0s", "a minute")));
        KubeClient client(connectionTo(m_server), u"local"_qs);
        const PodMetricsAnswer html = readPodMetrics(client, u"html"_qs);
        QVERIFY(!html.notServed);
        QVERIFY(html.pods.isEmpty());
        QVERIFY2(html.error.contains(u"did not answer a PodMetricsList"_qs),
                 qPrintable(html.error));

        const PodMetricsAnswer window = readPodMetrics(client, u"badwindow"_qs);
        QCOMPARE(window.pods.size(), 1);
        QVERIFY2(window.error.contains(u"worker-0"_qs) &&
                     window.error.contains(u"window \"a minute\""_qs),
                 qPrintable(window.error));
    }

    void readsTheFakeClusterAsKubectlTopDoes()
    {
        if (QStandardPaths::findExecutable(u"kubectl"_qs).isEmpty())
            QFAIL("kubectl is not on PATH; its top is what the answer is checked against");
        KubeApiServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        const KubectlResult create = server.kubectl({u"create"_qs, u"deployment"_qs, u"web"_qs,
                                                     u"--image=busybox:1"_qs, u"--replicas=2"_qs});
        QVERIFY2(create.exitCode == 0, qPrintable(create.err));
        const KubectlResult status = server.kubectl(
            {u"rollout"_qs, u"status"_qs, u"deployment/web"_qs, u"--timeout=60s"_qs});
        QVERIFY2(status.exitCode == 0, qPrintable(status.out + status.err));

        KubeClient client(connectionTo(server), u"fake"_qs);
        const PodMetricsAnswer answer = readPodMetrics(client, u"default"_qs);
        QVERIFY2(answer.error.isEmpty(), qPrintable(answer.error));
        QVERIFY(!answer.notServed);
        QCOMPARE(answer.pods.size(), 2);

        const KubectlResult top =
            server.kubectl({u"top"_qs, u"pod"_qs, u"--containers"_qs, u"--no-headers"_qs});
        QVERIFY2(top.exitCode == 0, qPrintable(top.err));
        // POD NAME CPU(cores) MEMORY(bytes): millicores rounded up, whole MiB rounded down.
        QHash<QString, std::pair<qint64, qint64>> shown;
        const QRegularExpression row(u"^(\\S+)\\s+(\\S+)\\s+(\\d+)m\\s+(\\d+)Mi$"_qs);
        for (const QString& line : top.out.split(u'\n', Qt::SkipEmptyParts)) {
            const QRegularExpressionMatch match = row.match(line.trimmed());
            QVERIFY2(match.hasMatch(), qPrintable(line));
            shown.insert(match.captured(1) + u'/' + match.captured(2),
                         {match.captured(3).toLongLong(), match.captured(4).toLongLong()});
        }
        QCOMPARE(shown.size(), 2);
        for (const PodMetrics& pod : answer.pods) {
            QCOMPARE(pod.nameSpace, u"default"_qs);
            QCOMPARE(pod.windowSeconds, 30.0);
            QVERIFY(pod.timestamp.isValid());
            QCOMPARE(pod.containers.size(), 1);
            const ContainerUsage& usage = pod.containers.first();
            const auto it = shown.constFind(pod.pod + u'/' + usage.name);
            QVERIFY2(it != shown.cend(), qPrintable(pod.pod + u" is not in\n"_qs + top.out));
            const qint64 nanocores = std::llround(usage.cpuCores * 1e9);
            QCOMPARE((nanocores + 999'999) / 1'000'000, it->first);
            QCOMPARE(qint64(usage.memoryBytes) / (1024 * 1024), it->second);
            QVERIFY(usage.cpuCores > 0);
            QVERIFY(usage.memoryBytes > 0);
        }
    }

    void saysWhenTheFakeClusterHasNoMetricsServer()
    {
        KubeApiServer server;
        KubeApiServerOptions options;
        options.metrics = false;
        server.setOptions(options);
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));

        KubeClient client(connectionTo(server), u"fake"_qs);
        const PodMetricsAnswer answer = readPodMetrics(client, u"default"_qs);
        QVERIFY2(answer.notServed, qPrintable(answer.error));
        QVERIFY(isMetricsNotServed(answer.error));

        // As the console asks: through the cluster's worker, the message alone.
        KubeCluster cluster(u"fake"_qs, connectionTo(server), u"default"_qs);
        cluster.start();
        QSignalSpy read(&cluster, &KubeCluster::podMetricsRead);
        const quint64 request = cluster.podMetrics(u"default"_qs);
        QTRY_COMPARE_WITH_TIMEOUT(read.size(), 1, 20'000);
        QCOMPARE(read[0][0].toULongLong(), request);
        const QString message = read[0][2].toString();
        QVERIFY2(isMetricsNotServed(message), qPrintable(message));
        QVERIFY2(message.contains(u"fake"_qs), qPrintable(message));
    }

private:
    LocalHttpServer m_server;
};

QTEST_GUILESS_MAIN(TestPodMetrics)
#include "tst_podmetrics.moc"

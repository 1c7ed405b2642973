// The pod log view against the fake API server through a KubeCluster: a Deployment's pods
// merged with each line tagged with its pod, the container kubectl would pick, secrets of the
// pods' environment masked, new lines followed, the server's refusal of Previous in the status
// line, choices read anew, "reconnecting…" while the cluster is away, and no stream left behind.
#include "fakes/kubeapiserver.h"
#include "kubernetes/kubecluster.h"
#include "kubernetes/kubeconfig.h"
#include "logmodel.h"
#include "logview.h"
#include "podlogview.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace launchdeck;
using launchdeck::kube::KubeCluster;

namespace {

constexpr int kTimeoutMs = 30'000;
constexpr auto kSecret = "hunter2-db";

QStringList texts(const LogModel& model)
{
    QStringList out;
    for (int row = 0; row < model.rowCount(); ++row)
        out.append(model.plainText(row));
    return out;
}

bool anyLineStartsWith(const LogModel& model, const QString& prefix)
{
    const QStringList lines = texts(model);
    return std::any_of(lines.begin(), lines.end(),
                       [&](const QString& line) { return line.startsWith(prefix); });
}

} // namespace

class TestPodLogView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void followsPodsTaggedAndMasked();
    void previousShowsTheServersWords();
    void choicesReadTheLogAnew();
    void destructionStopsTheStream();
    void aPodThatCannotBeReadIsNamedAndTheRestFollowed();
    void mergedBacklogInTimeOrder();
    // Last: it stops the server.
    void saysReconnectingWhileTheClusterIsAway();

private:
    std::unique_ptr<KubeCluster> makeCluster() const;
    void createRunningPod(const QString& name);
    void appendLines(const QString& pod, const QByteArray& lines);

    test::KubeApiServer m_fake;
};

void TestPodLogView::initTestCase()
{
    QString error;
    QVERIFY2(m_fake.start(&error), qPrintable(error));
    createRunningPod(u"shop-1"_qs);
    createRunningPod(u"shop-2"_qs);
}

std::unique_ptr<KubeCluster> TestPodLogView::makeCluster() const
{
    const Result<Kubeconfig> config = loadKubeconfigFile(m_fake.kubeconfigPath());
    if (!config)
        qFatal("%s", qPrintable(config.error().toString()));
    Result<ClusterConnection> connection = resolveContext(*config, u"cert"_qs);
    if (!connection)
        qFatal("%s", qPrintable(connection.error().toString()));
    kube::ClusterOptions options;
    options.heartbeatMs = 500;
    options.firstBackoffMs = 200;
    auto cluster = std::make_unique<KubeCluster>(u"fake"_qs, std::move(connection).value(),
                                                 u"default"_qs, options);
    cluster->start();
    return cluster;
}

void TestPodLogView::createRunningPod(const QString& name)
{
    // The sidecar comes first: the annotation, as for kubectl, makes "app" the default.
    const auto container = [](const QString& containerName) {
        return QJsonObject{
            {u"name"_qs, containerName},
            {u"image"_qs, u"busybox:local"_qs},
            {u"env"_qs, QJsonArray{QJsonObject{{u"name"_qs, u"DB_PASSWORD"_qs},
                                               {u"value"_qs, QString::fromLatin1(kSecret)}},
                                   QJsonObject{{u"name"_qs, u"GREETING"_qs},
                                               {u"value"_qs, u"hello there"_qs}}}},
        };
    };
    const QJsonObject pod{
        {u"apiVersion"_qs, u"v1"_qs},
        {u"kind"_qs, u"Pod"_qs},
        {u"metadata"_qs,
         QJsonObject{{u"name"_qs, name},
                     {u"namespace"_qs, u"default"_qs},
                     {u"labels"_qs, QJsonObject{{u"app"_qs, u"shop"_qs}}},
                     {u"annotations"_qs,
                      QJsonObject{{u"kubectl.kubernetes.io/default-container"_qs, u"app"_qs}}}}},
        {u"spec"_qs, QJsonObject{{u"containers"_qs,
                                  QJsonArray{container(u"sidecar"_qs), container(u"app"_qs)}}}},
    };
    const auto created =
        m_fake.request("POST", u"/api/v1/namespaces/default/pods"_qs, QJsonDocument(pod).toJson());
    QVERIFY2(created.status == 201, created.body.constData());
    const auto phase = [&] {
        const auto answer = m_fake.request("GET", u"/api/v1/namespaces/default/pods/"_qs + name);
        return QJsonDocument::fromJson(answer.body)[u"status"][u"phase"].toString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(phase(), u"Running"_qs, kTimeoutMs);
}

void TestPodLogView::appendLines(const QString& pod, const QByteArray& lines)
{
    const auto answer =
        m_fake.request("POST", u"/fake/logs?namespace=default&container=app&pod="_qs + pod, lines);
    QVERIFY2(answer.status == 200, answer.body.constData());
}

void TestPodLogView::followsPodsTaggedAndMasked()
{
    appendLines(u"shop-1"_qs, QByteArray("connecting with ") + kSecret + " to the database\n");
    const auto cluster = makeCluster();
    PodLogView view(cluster.get(), u"default"_qs, {u"shop-1"_qs, u"shop-2"_qs});
    QAbstractItemModelTester tester(view.model());
    view.resize(900, 500);
    view.show();

    QTRY_VERIFY_WITH_TIMEOUT(view.model()->steps().size() == 2, kTimeoutMs);
    QVERIFY2(view.statusLine()->text().startsWith(u"Following 2 pods"_qs),
             qPrintable(view.statusLine()->text()));
    // The annotated default container, out of the pod's own list.
    QCOMPARE(view.container(), u"app"_qs);
    QCOMPARE(view.containerChoice()->currentData().toString(), u"app"_qs);
    QCOMPARE(view.containerChoice()->count(), 2);
    QVERIFY(view.podChoice()->isVisibleTo(&view));

    // Every line carries its pod as its step, and the secret never reaches the model.
    QTRY_VERIFY_WITH_TIMEOUT(
        texts(*view.model()).contains(u"connecting with ****** to the database"_qs), kTimeoutMs);
    for (int row = 0; row < view.model()->rowCount(); ++row) {
        const QModelIndex index = view.model()->index(row);
        const QString text = view.model()->plainText(row);
        QVERIFY2(!index.data(LogModel::RawTextRole).toString().contains(QLatin1String(kSecret)),
                 qPrintable(text));
        if (text.contains(u" app line "_qs))
            QVERIFY2(text.startsWith(index.data(LogModel::StepRole).toString() + u' '),
                     qPrintable(text));
        QVERIFY(index.data(LogModel::TimeRole).toLongLong() > 0);
    }
    QCOMPARE(view.model()->find(QString::fromLatin1(kSecret), 0, view.model()->rowCount(), true),
             -1);

    // Followed: the containers keep writing, and so does a test.
    const int rows = view.model()->rowCount();
    QTRY_VERIFY_WITH_TIMEOUT(view.model()->rowCount() >= rows + 2, kTimeoutMs);
    appendLines(u"shop-2"_qs, "a fresh line of shop-2\n");
    QTRY_VERIFY_WITH_TIMEOUT(texts(*view.model()).contains(u"a fresh line of shop-2"_qs),
                             kTimeoutMs);

    // One pod alone, as the pod choice shows it.
    view.podChoice()->setCurrentIndex(2);
    Q_EMIT view.podChoice()->activated(2);
    QCOMPARE(view.model()->stepFilter(), u"shop-2"_qs);
    QVERIFY(!anyLineStartsWith(*view.model(), u"shop-1 "_qs));
}

void TestPodLogView::previousShowsTheServersWords()
{
    const auto cluster = makeCluster();
    PodLogView view(cluster.get(), u"default"_qs, {u"shop-1"_qs});
    QVERIFY(!view.podChoice()->isVisibleTo(&view));
    QTRY_VERIFY_WITH_TIMEOUT(view.model()->rowCount() > 0, kTimeoutMs);
    QVERIFY2(view.statusLine()->text().startsWith(u"Following shop-1"_qs),
             qPrintable(view.statusLine()->text()));

    QSignalSpy ended(&view, &PodLogView::streamEnded);
    view.previousToggle()->setChecked(true);
    QTRY_COMPARE_WITH_TIMEOUT(ended.size(), 1, kTimeoutMs);
    const QString expected =
        u"previous terminated container \"app\" in pod \"shop-1\" not found"_qs;
    QCOMPARE(ended.at(0).at(0).toString(), expected);
    QCOMPARE(view.statusLine()->text(), expected);
    QVERIFY(!view.isStreaming());
}

void TestPodLogView::choicesReadTheLogAnew()
{
    const auto cluster = makeCluster();
    PodLogView view(cluster.get(), u"default"_qs, {u"shop-2"_qs});
    QTRY_VERIFY_WITH_TIMEOUT(anyLineStartsWith(*view.model(), u"shop-2 app line "_qs), kTimeoutMs);

    // Not followed: the log is read to its end and the stream ends by itself.
    QSignalSpy ended(&view, &PodLogView::streamEnded);
    view.followToggle()->setChecked(false);
    view.setContainer(u"sidecar"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(ended.size(), 1, kTimeoutMs);
    QCOMPARE(ended.at(0).at(0).toString(), QString());
    QCOMPARE(view.statusLine()->text(), u"The log of shop-2 ended."_qs);
    QTRY_VERIFY_WITH_TIMEOUT(view.model()->rowCount() > 0, kTimeoutMs);
    QVERIFY2(!anyLineStartsWith(*view.model(), u"shop-2 app "_qs),
             qPrintable(texts(*view.model()).join(u'\n')));
    QVERIFY(anyLineStartsWith(*view.model(), u"shop-2 sidecar line "_qs));

    // The tail: the last line only.
    view.setTail(1);
    QTRY_COMPARE_WITH_TIMEOUT(ended.size(), 2, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(view.model()->rowCount(), 1, kTimeoutMs);

    // Times come with every line; the toggle only shows them.
    view.setTimestamps(true);
    QVERIFY(view.logView()->timestampsToggle()->isChecked());
    QVERIFY(view.model()->index(0).data(LogModel::TimeRole).toLongLong() > 0);
    QCOMPARE(ended.size(), 2);
}

void TestPodLogView::destructionStopsTheStream()
{
    const auto cluster = makeCluster();
    QSignalSpy lines(cluster.get(), &KubeCluster::logLines);
    auto view =
        std::make_unique<PodLogView>(cluster.get(), u"default"_qs, QStringList{u"shop-1"_qs});
    QTRY_VERIFY_WITH_TIMEOUT(lines.size() >= 2, kTimeoutMs);
    view.reset();
    // Lines already queued may still come; after that, none: the containers write every half
    // second, so three seconds of silence means no stream is left.
    QTest::qWait(300);
    lines.clear();
    QTest::qWait(3000);
    QCOMPARE(lines.size(), 0);
}

void TestPodLogView::aPodThatCannotBeReadIsNamedAndTheRestFollowed()
{
    const auto cluster = makeCluster();
    PodLogView view(cluster.get(), u"default"_qs, {u"shop-1"_qs, u"gone-1"_qs});
    // Its secrets cannot be known, so its log is not read; the other pod's is.
    QTRY_VERIFY_WITH_TIMEOUT(view.isStreaming(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(view.model()->rowCount() > 0, kTimeoutMs);
    const QString status = view.statusLine()->text();
    QVERIFY2(status.startsWith(u"Following shop-1"_qs), qPrintable(status));
    QVERIFY2(status.contains(u"gone-1"_qs) && status.contains(u"not found"_qs), qPrintable(status));
    QCOMPARE(view.model()->steps(), QStringList{u"shop-1"_qs});
}

// Two pods that have written for a while: their logs read without following come as one log in
// time order, not one pod's lines after the other's.
void TestPodLogView::mergedBacklogInTimeOrder()
{
    createRunningPod(u"tick-1"_qs);
    createRunningPod(u"tick-2"_qs);
    const auto lines = [this](const QString& pod) {
        const auto answer = m_fake.request("GET", u"/api/v1/namespaces/default/pods/"_qs + pod +
                                                      u"/log?container=app"_qs);
        return answer.body.count('\n');
    };
    QTRY_VERIFY_WITH_TIMEOUT(lines(u"tick-1"_qs) >= 4 && lines(u"tick-2"_qs) >= 4, kTimeoutMs);

    const auto cluster = makeCluster();
    PodLogView view(cluster.get(), u"default"_qs, {u"tick-1"_qs, u"tick-2"_qs});
    QSignalSpy ended(&view, &PodLogView::streamEnded);
    view.setFollow(false);
    QTRY_VERIFY_WITH_TIMEOUT(!ended.isEmpty(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(view.model()->rowCount() >= 8, kTimeoutMs);

    QSet<QString> pods;
    qint64 previous = 0;
    for (int row = 0; row < view.model()->rowCount(); ++row) {
        const QModelIndex index = view.model()->index(row);
        const qint64 time = index.data(LogModel::TimeRole).toLongLong();
        QVERIFY2(time >= previous, qPrintable(view.model()->plainText(row)));
        previous = time;
        pods.insert(index.data(LogModel::StepRole).toString());
    }
    QCOMPARE(pods, (QSet<QString>{u"tick-1"_qs, u"tick-2"_qs}));
}

void TestPodLogView::saysReconnectingWhileTheClusterIsAway()
{
    const auto cluster = makeCluster();
    PodLogView view(cluster.get(), u"default"_qs, {u"shop-1"_qs, u"shop-2"_qs});
    QTRY_VERIFY_WITH_TIMEOUT(view.model()->steps().size() == 2, kTimeoutMs);
    m_fake.stop();
    QTRY_VERIFY2_WITH_TIMEOUT(view.statusLine()->text().contains(u"reconnecting…"_qs),
                              qPrintable(view.statusLine()->text()), kTimeoutMs);
    QVERIFY(view.isStreaming());
    QVERIFY(view.model()->rowCount() > 0); // what was shown stays
}

QTEST_MAIN(TestPodLogView)
#include "tst_podlogview.moc"

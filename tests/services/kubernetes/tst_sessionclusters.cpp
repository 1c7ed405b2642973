// Tests of the workspace session's clusters against the fake API server: a Kubernetes target
// with its kubeconfig connects, targets on one context share a cluster, a reload keeps it unless
// what reaches it changed, a target without a kubeconfig says exactly what is missing, and the
// sample workspace's cluster target works once a kubeconfig names its context.
#include "fakes/kubeapiserver.h"
#include "fakes/testfiles.h"
#include "session/workspacesession.h"

#include <QDirIterator>
#include <QMutex>
#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck;

namespace {

constexpr int kWaitMs = 20'000;

SessionOptions optionsFor(const QString& root)
{
    SessionOptions options;
    options.root = root;
    options.useKeyring = false;
    options.watchWorkspace = false;
    options.watchAlerts = false;
    return options;
}

QByteArray workspaceText(const QByteArray& targets)
{
    return "version: 1\nname: shop\ntargets:\n" + targets;
}

} // namespace

class TestSessionClusters final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void targetWithKubeconfigConnects();
    void reloadKeepsAnUnchangedCluster();
    void missingKubeconfigSaysWhatIsMissing();
    void missingContextIsNamed();
    void sampleWorkspaceClusterTarget();
    void noClustersWithoutConnections();
    void tokensReachNoPersistedByteNorLog();

private:
    QByteArray kubeconfigWithStaging() const;

    test::KubeApiServer m_server;
    QTemporaryDir m_home; // empty: no ~/.kube/config
};

void TestSessionClusters::initTestCase()
{
    QVERIFY(m_home.isValid());
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
}

void TestSessionClusters::init()
{
    qputenv("HOME", m_home.path().toUtf8());
    qunsetenv("KUBECONFIG");
}

QByteArray TestSessionClusters::kubeconfigWithStaging() const
{
    return QStringLiteral(R"(apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster: {server: "%1", certificate-authority: "%2"}
users:
- name: cert
  user: {client-certificate: "%3", client-key: "%4"}
contexts:
- name: staging
  context: {cluster: fake, user: cert, namespace: from-context}
current-context: staging
)")
        .arg(m_server.url(), m_server.caPath(), m_server.clientCertificatePath(),
             m_server.clientKeyPath())
        .toUtf8();
}

void TestSessionClusters::targetWithKubeconfigConnects()
{
    QTemporaryDir root;
    QVERIFY(test::writeFile(root.filePath(u"kube/config"_qs),
                            test::readFile(m_server.kubeconfigPath())));
    QVERIFY(test::writeFile(root.filePath(u"launchdeck.yaml"_qs),
                            workspaceText("  prod-cluster:\n    type: kubernetes\n"
                                          "    context: token\n    kubeconfig: kube/config\n"
                                          "    namespace: shop\n"
                                          "  also-prod:\n    type: kubernetes\n"
                                          "    context: token\n    kubeconfig: kube/config\n")));
    WorkspaceSession session(optionsFor(root.path()));
    QSignalSpy changed(&session, &WorkspaceSession::clustersChanged);
    session.open();
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, kWaitMs);
    kube::KubeCluster* cluster = session.kubeCluster(u"prod-cluster"_qs);
    QVERIFY2(cluster, qPrintable(session.clusterProblem(u"prod-cluster"_qs)));
    QVERIFY(session.clusterProblem(u"prod-cluster"_qs).isEmpty());
    // One context, one cluster: the second target shares it.
    QCOMPARE(session.kubeCluster(u"also-prod"_qs), cluster);
    QCOMPARE(session.kubeClusters(), QList<kube::KubeCluster*>{cluster});
    QCOMPARE(changed.at(0).at(0).value<QList<kube::KubeCluster*>>(),
             QList<kube::KubeCluster*>{cluster});
    QCOMPARE(cluster->defaultNamespace(), u"shop"_qs);
    QCOMPARE(cluster->name(), u"prod-cluster, also-prod"_qs);
    QTRY_VERIFY2_WITH_TIMEOUT(cluster->status().state == kube::ClusterState::Connected,
                              qPrintable(cluster->status().error), kWaitMs);
    QCOMPARE(cluster->status().serverVersion, u"v1.31.0"_qs);
}

void TestSessionClusters::reloadKeepsAnUnchangedCluster()
{
    QTemporaryDir root;
    const QString file = root.filePath(u"launchdeck.yaml"_qs);
    QVERIFY(test::writeFile(root.filePath(u"kube/config"_qs),
                            test::readFile(m_server.kubeconfigPath())));
    const QByteArray target = "  prod-cluster:\n    type: kubernetes\n    context: cert\n"
                              "    kubeconfig: kube/config\n";
    QVERIFY(test::writeFile(file, workspaceText(target)));
    SessionOptions options = optionsFor(root.path());
    options.watchWorkspace = true;
    WorkspaceSession session(options);
    QSignalSpy changed(&session, &WorkspaceSession::clustersChanged);
    QSignalSpy reloaded(&session, &WorkspaceSession::workspaceChanged);
    session.open();
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, kWaitMs);
    QPointer<kube::KubeCluster> first = session.kubeCluster(u"prod-cluster"_qs);
    QVERIFY(first);
    QCOMPARE(first->defaultNamespace(), u"default"_qs);

    // Another part of the file changes: the cluster stays, with its connection.
    QVERIFY(test::writeFile(file, workspaceText(target) + "# a comment\n"));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, kWaitMs);
    QTest::qWait(500); // the kubeconfig is read off the session's thread after the reload
    QCOMPARE(changed.count(), 1);
    QCOMPARE(session.kubeCluster(u"prod-cluster"_qs), first.data());

    // Its namespace changes: a new cluster, and the old one goes.
    QVERIFY(test::writeFile(file, workspaceText(target + "    namespace: shop\n")));
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 2, kWaitMs);
    QVERIFY(!first);
    QCOMPARE(session.kubeCluster(u"prod-cluster"_qs)->defaultNamespace(), u"shop"_qs);
}

void TestSessionClusters::missingKubeconfigSaysWhatIsMissing()
{
    QTemporaryDir root;
    QVERIFY(test::writeFile(root.filePath(u"launchdeck.yaml"_qs),
                            workspaceText("  prod-cluster:\n    type: kubernetes\n"
                                          "    context: prod\n")));
    WorkspaceSession session(optionsFor(root.path()));
    // The views learn of what is missing as they learn of clusters.
    QSignalSpy changed(&session, &WorkspaceSession::clustersChanged);
    session.open();
    QTRY_VERIFY_WITH_TIMEOUT(!session.clusterProblem(u"prod-cluster"_qs).isEmpty(), kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, kWaitMs);
    QCOMPARE(session.clusterProblem(u"prod-cluster"_qs),
             u"target prod-cluster: no kubeconfig — KUBECONFIG is not set and ~/.kube/config "
             u"does not exist; set kubeconfig: in launchdeck.yaml or KUBECONFIG"_qs);
    QVERIFY(!session.kubeCluster(u"prod-cluster"_qs));
    QVERIFY(session.kubeClusters().isEmpty());

    // KUBECONFIG naming files that do not exist says so.
    qputenv("KUBECONFIG", root.filePath(u"nowhere"_qs).toUtf8());
    WorkspaceSession other(optionsFor(root.path()));
    other.open();
    QTRY_VERIFY_WITH_TIMEOUT(!other.clusterProblem(u"prod-cluster"_qs).isEmpty(), kWaitMs);
    QVERIFY2(other.clusterProblem(u"prod-cluster"_qs).contains(root.filePath(u"nowhere"_qs)),
             qPrintable(other.clusterProblem(u"prod-cluster"_qs)));
}

void TestSessionClusters::missingContextIsNamed()
{
    QTemporaryDir root;
    QVERIFY(test::writeFile(root.filePath(u"kube/config"_qs),
                            test::readFile(m_server.kubeconfigPath())));
    QVERIFY(test::writeFile(root.filePath(u"launchdeck.yaml"_qs),
                            workspaceText("  prod-cluster:\n    type: kubernetes\n"
                                          "    context: prod\n    kubeconfig: kube/config\n")));
    WorkspaceSession session(optionsFor(root.path()));
    session.open();
    QTRY_VERIFY_WITH_TIMEOUT(!session.clusterProblem(u"prod-cluster"_qs).isEmpty(), kWaitMs);
    const QString problem = session.clusterProblem(u"prod-cluster"_qs);
    QVERIFY2(problem.startsWith(u"target prod-cluster: ") && problem.contains(u"\"prod\"") &&
                 problem.contains(root.filePath(u"kube/config"_qs)),
             qPrintable(problem));
    QVERIFY(!problem.contains(m_server.token()));
}

void TestSessionClusters::sampleWorkspaceClusterTarget()
{
    const QString sample = QStringLiteral(LAUNCHDECK_SOURCE_DIR "/resources/sample");
    {
        WorkspaceSession session(optionsFor(sample));
        session.open();
        QTRY_VERIFY_WITH_TIMEOUT(!session.clusterProblem(u"staging-cluster"_qs).isEmpty(), kWaitMs);
        QVERIFY2(session.clusterProblem(u"staging-cluster"_qs).contains(u"no kubeconfig"),
                 qPrintable(session.clusterProblem(u"staging-cluster"_qs)));
    }
    QTemporaryDir dir;
    const QString kubeconfig = dir.filePath(u"config"_qs);
    QVERIFY(test::writeFile(kubeconfig, kubeconfigWithStaging()));
    qputenv("KUBECONFIG", kubeconfig.toUtf8());
    WorkspaceSession session(optionsFor(sample));
    QSignalSpy changed(&session, &WorkspaceSession::clustersChanged);
    session.open();
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, kWaitMs);
    kube::KubeCluster* cluster = session.kubeCluster(u"staging-cluster"_qs);
    QVERIFY2(cluster, qPrintable(session.clusterProblem(u"staging-cluster"_qs)));
    QCOMPARE(cluster->contextName(), u"staging"_qs);
    QCOMPARE(cluster->defaultNamespace(), u"storefront"_qs); // the target's, before the context's
    QTRY_VERIFY2_WITH_TIMEOUT(cluster->status().state == kube::ClusterState::Connected,
                              qPrintable(cluster->status().error), kWaitMs);

    // The other contexts of the kubeconfig, on request: here none besides the target's.
    session.addKubeconfigContexts();
    QTest::qWait(500);
    QCOMPARE(session.kubeClusters(), QList<kube::KubeCluster*>{cluster});
}

void TestSessionClusters::noClustersWithoutConnections()
{
    QTemporaryDir root;
    QVERIFY(test::writeFile(root.filePath(u"kube/config"_qs),
                            test::readFile(m_server.kubeconfigPath())));
    QVERIFY(test::writeFile(root.filePath(u"launchdeck.yaml"_qs),
                            workspaceText("  prod-cluster:\n    type: kubernetes\n"
                                          "    context: cert\n    kubeconfig: kube/config\n")));
    SessionOptions options = optionsFor(root.path());
    options.connectHosts = false;
    WorkspaceSession session(options);
    QSignalSpy loaded(&session, &WorkspaceSession::workspaceLoaded);
    session.open();
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, kWaitMs);
    QTest::qWait(300);
    QVERIFY(!session.kubeCluster(u"prod-cluster"_qs));
    QVERIFY(session.kubeClusters().isEmpty());

    // addKubeconfigContexts() with connections: one per context of the default kubeconfig.
    qputenv("KUBECONFIG", root.filePath(u"kube/config"_qs).toUtf8());
    WorkspaceSession connected(optionsFor(root.path()));
    QSignalSpy changed(&connected, &WorkspaceSession::clustersChanged);
    connected.open();
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, kWaitMs);
    connected.addKubeconfigContexts();
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 2, kWaitMs);
    // cert, token, viewer and restricted: cert is the workspace's target, the others are added.
    QCOMPARE(connected.kubeClusters().size(), 4);
}

namespace {

QMutex logMutex;
QStringList* logLines = nullptr;

void keepMessage(QtMsgType, const QMessageLogContext&, const QString& message)
{
    const QMutexLocker locker(&logMutex);
    if (logLines)
        logLines->append(message);
}

} // namespace

// A session on a token-signed context that connects, watches, is refused an action and loses
// its server: neither the data folder nor anything logged holds the token.
void TestSessionClusters::tokensReachNoPersistedByteNorLog()
{
    QTemporaryDir root;
    QVERIFY(test::writeFile(root.filePath(u"kube/config"_qs),
                            test::readFile(m_server.kubeconfigPath())));
    QVERIFY(test::writeFile(root.filePath(u"launchdeck.yaml"_qs),
                            workspaceText("  viewer-cluster:\n    type: kubernetes\n"
                                          "    context: viewer\n    kubeconfig: kube/config\n")));
    const QString token = m_server.viewerToken();
    QVERIFY(!token.isEmpty());
    QStringList logged;
    {
        const QMutexLocker locker(&logMutex);
        logLines = &logged;
    }
    const QtMessageHandler previous = qInstallMessageHandler(keepMessage);
    QStringList said; // every status and action message the views would show
    {
        SessionOptions options = optionsFor(root.path());
        options.dataDir = root.filePath(u"data"_qs);
        WorkspaceSession session(options);
        session.open();
        QTRY_VERIFY_WITH_TIMEOUT(session.kubeCluster(u"viewer-cluster"_qs), kWaitMs);
        kube::KubeCluster* cluster = session.kubeCluster(u"viewer-cluster"_qs);
        QTRY_VERIFY_WITH_TIMEOUT(cluster->status().state == kube::ClusterState::Connected, kWaitMs);
        QSignalSpy resets(cluster, &kube::KubeCluster::objectsReset);
        QSignalSpy finished(cluster, &kube::KubeCluster::actionFinished);
        cluster->watch(u"configmaps"_qs, {});
        QTRY_VERIFY_WITH_TIMEOUT(resets.count() >= 1, kWaitMs);
        cluster->remove(u"Namespace"_qs, {}, u"default"_qs); // the viewer may not
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWaitMs);
        said.append(finished.at(0).at(1).toString());
        QVERIFY2(said.last().contains(u"forbidden"_qs), qPrintable(said.last()));
        m_server.stop();
        QTRY_VERIFY_WITH_TIMEOUT(cluster->status().state == kube::ClusterState::Disconnected,
                                 kWaitMs);
        said.append(cluster->status().error);
    }
    qInstallMessageHandler(previous);
    {
        const QMutexLocker locker(&logMutex);
        logLines = nullptr;
    }
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));

    for (const QString& text : std::as_const(said) + logged)
        QVERIFY2(!text.contains(token), qPrintable(text));
    int files = 0;
    QDirIterator data(root.filePath(u"data"_qs), QDir::Files | QDir::Hidden,
                      QDirIterator::Subdirectories);
    while (data.hasNext()) {
        const QString file = data.next();
        ++files;
        QVERIFY2(!test::readFile(file).contains(token.toUtf8()), qPrintable(file));
    }
    QVERIFY2(files > 0, "the session wrote nothing to look at");
}

QTEST_GUILESS_MAIN(TestSessionClusters)
#include "tst_sessionclusters.moc"

// The cluster view against the fake Kubernetes API server, changed meanwhile by the real
// kubectl: the table follows creations and deletions, kind and namespace switch the one watch,
// text and label-selector filters (a bad selector said inline), Scale and Delete through their
// dialogs, a forbidden action reported in the API server's words, YAML without managedFields,
// a Secret's values masked until revealed, Drift from a manifest, and a stopped server leaving
// the rows in place, greyed.
#include "bannerwidget.h"
#include "clusteractions.h"
#include "clusterobjectdetails.h"
#include "clusterpanel.h"
#include "fakes/kubeapiserver.h"
#include "kubernetes/clusterconnection.h"
#include "kubernetes/kubecluster.h"
#include "kubernetes/kubeconfig.h"
#include "liveobjectsfiltermodel.h"
#include "liveobjectsmodel.h"
#include "session/workspacesession.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

#include <functional>
#include <memory>

using namespace launchdeck;

namespace {

constexpr int kWaitMs = 20'000;

// Runs `answer` on the next visible top-level widget `match` accepts, from the event loop of the
// dialog's exec().
void answerNext(std::function<bool(QWidget*)> match, std::function<void(QWidget*)> answer)
{
    auto* timer = new QTimer;
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, match, answer] {
        for (QWidget* widget : QApplication::topLevelWidgets()) {
            if (widget->isVisible() && match(widget)) {
                timer->deleteLater();
                answer(widget);
                return;
            }
        }
    });
    timer->start();
}

void confirmNextMessageBox(QString* said)
{
    answerNext([](QWidget* widget) { return qobject_cast<QMessageBox*>(widget) != nullptr; },
               [said](QWidget* widget) {
                   auto* box = static_cast<QMessageBox*>(widget);
                   *said = box->text();
                   box->button(QMessageBox::Yes)->click();
               });
}

} // namespace

class TestClusterPanel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void tableFollowsCreateAndDelete();
    void kindAndNamespaceSwitchTheWatch();
    void filterAndLabelSelector();
    void scaleDeploymentThroughTheDialog();
    void deletePodAfterConfirmation();
    void forbiddenActionInTheServersWords();
    void yamlFoldsManagedFields();
    void secretValuesMaskedUntilRevealed();
    void driftAgainstAManifest();
    void stoppedServerKeepsTheRowsGreyed();
    void missingKubeconfigIsNamed();

private:
    bool kubectl(const QStringList& arguments, const QByteArray& input = {},
                 QString* output = nullptr);
    ClusterConnection connection(const QString& context) const;
    int rowOf(const QString& key) const { return m_panel->model()->rowOf(key); }
    void showTable(const QString& kind, const QString& nameSpace);
    int visibleRows() const { return m_panel->filterModel()->rowCount(); }

    test::KubeApiServer m_server;
    QTemporaryDir m_home;
    QString m_kubectl;
    std::unique_ptr<kube::KubeCluster> m_cluster;
    std::unique_ptr<ClusterPanel> m_panel;
};

bool TestClusterPanel::kubectl(const QStringList& arguments, const QByteArray& input,
                               QString* output)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), m_home.path());
    process.setProcessEnvironment(env);
    process.start(m_kubectl,
                  QStringList{u"--kubeconfig"_qs, m_server.kubeconfigPath()} + arguments);
    if (!process.waitForStarted(10'000))
        return false;
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(60'000)) {
        process.kill();
        process.waitForFinished();
        return false;
    }
    if (output)
        *output = QString::fromUtf8(process.readAllStandardOutput());
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        qWarning("kubectl %s: %s", qPrintable(arguments.join(u' ')),
                 process.readAllStandardError().constData());
        return false;
    }
    return true;
}

ClusterConnection TestClusterPanel::connection(const QString& context) const
{
    const Result<Kubeconfig> config = loadKubeconfigFile(m_server.kubeconfigPath());
    if (!config)
        qFatal("%s", qPrintable(config.error().toString()));
    Result<ClusterConnection> resolved = resolveContext(*config, context);
    if (!resolved)
        qFatal("%s", qPrintable(resolved.error().toString()));
    return std::move(resolved).value();
}

void TestClusterPanel::showTable(const QString& kind, const QString& nameSpace)
{
    if (m_panel->currentKind() == kind && m_panel->currentNamespace() == nameSpace)
        return;
    QSignalSpy reset(m_panel.get(), &ClusterPanel::objectsReset);
    m_panel->showKind(kind);
    m_panel->showNamespace(nameSpace);
    QTRY_VERIFY_WITH_TIMEOUT(!reset.isEmpty(), kWaitMs);
    QCOMPARE(m_panel->currentKind(), kind);
    QCOMPARE(m_panel->currentNamespace(), nameSpace);
}

void TestClusterPanel::initTestCase()
{
    m_kubectl = QStandardPaths::findExecutable(QStringLiteral("kubectl"));
    if (m_kubectl.isEmpty())
        QFAIL("kubectl is not on PATH; the cluster view's tests change the fake server with it");
    QVERIFY(m_home.isValid());
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    for (const QString& name : {u"team-a"_qs, u"team-b"_qs})
        QVERIFY(kubectl({u"create"_qs, u"namespace"_qs, name}));

    m_cluster =
        std::make_unique<kube::KubeCluster>(u"fake"_qs, connection(u"cert"_qs), u"default"_qs);
    m_cluster->start();
    m_panel = std::make_unique<ClusterPanel>();
    m_panel->resize(1400, 900);
    m_panel->setClusters({m_cluster.get()});
    m_panel->show();
    QTRY_VERIFY2_WITH_TIMEOUT(m_cluster->status().state == kube::ClusterState::Connected,
                              qPrintable(m_panel->connectionText()), kWaitMs);
    QVERIFY2(m_panel->connectionText().contains(u"Connected to fake"),
             qPrintable(m_panel->connectionText()));
    QVERIFY(!m_panel->retryButton()->isVisible());
    // The namespaces come from their watch, "All namespaces" first.
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->namespacePicker()->findData(u"team-b"_qs) > 0, kWaitMs);
    QCOMPARE(m_panel->namespacePicker()->itemData(0).toString(), QString());
    QCOMPARE(m_panel->currentNamespace(), u"default"_qs);
}

void TestClusterPanel::cleanupTestCase()
{
    m_panel.reset();
    m_cluster.reset();
}

void TestClusterPanel::tableFollowsCreateAndDelete()
{
    showTable(u"ConfigMap"_qs, u"team-a"_qs);
    QVERIFY(kubectl({u"create"_qs, u"configmap"_qs, u"alpha"_qs, u"-n"_qs, u"team-a"_qs,
                     u"--from-literal=colour=blue"_qs}));
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(u"team-a/alpha"_qs) >= 0, kWaitMs);
    const int row = rowOf(u"team-a/alpha"_qs);
    QCOMPARE(m_panel->model()->index(row, 0).data().toString(), u"alpha"_qs);
    QCOMPARE(m_panel->model()->headerData(1, Qt::Horizontal, Qt::DisplayRole).toString(),
             u"DATA"_qs);
    QCOMPARE(m_panel->model()->index(row, 1).data().toString(), u"1"_qs);
    QVERIFY(kubectl({u"delete"_qs, u"configmap"_qs, u"alpha"_qs, u"-n"_qs, u"team-a"_qs}));
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(u"team-a/alpha"_qs) < 0, kWaitMs);
}

void TestClusterPanel::kindAndNamespaceSwitchTheWatch()
{
    QVERIFY(kubectl({u"run"_qs, u"runner"_qs, u"--image=busybox:1"_qs, u"-n"_qs, u"team-b"_qs}));
    showTable(u"Pod"_qs, u"team-a"_qs);
    QVERIFY(rowOf(u"team-b/runner"_qs) < 0);
    showTable(u"Pod"_qs, u"team-b"_qs);
    QVERIFY(rowOf(u"team-b/runner"_qs) >= 0);
    QCOMPARE(m_panel->model()->headerData(0, Qt::Horizontal, Qt::DisplayRole).toString(),
             u"NAME"_qs);
    // All namespaces: kubectl -A's NAMESPACE column comes first.
    showTable(u"Pod"_qs, QString());
    QVERIFY(rowOf(u"team-b/runner"_qs) >= 0);
    QCOMPARE(m_panel->model()->headerData(0, Qt::Horizontal, Qt::DisplayRole).toString(),
             u"NAMESPACE"_qs);
    showTable(u"ConfigMap"_qs, u"team-b"_qs);
    QVERIFY(rowOf(u"team-b/runner"_qs) < 0);
    // One watch for the table and one for the namespaces: every switch ended the previous one.
    QTRY_COMPARE_WITH_TIMEOUT(m_server.openWatches(), 2, kWaitMs);
}

void TestClusterPanel::filterAndLabelSelector()
{
    showTable(u"ConfigMap"_qs, u"team-a"_qs);
    for (const QString& name : {u"web-front"_qs, u"web-back"_qs, u"cache"_qs})
        QVERIFY(kubectl({u"create"_qs, u"configmap"_qs, name, u"-n"_qs, u"team-a"_qs}));
    QVERIFY(kubectl(
        {u"label"_qs, u"configmap"_qs, u"web-front"_qs, u"tier=front"_qs, u"-n"_qs, u"team-a"_qs}));
    QVERIFY(kubectl(
        {u"label"_qs, u"configmap"_qs, u"web-back"_qs, u"tier=back"_qs, u"-n"_qs, u"team-a"_qs}));
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(u"team-a/cache"_qs) >= 0, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->model()
                                 ->index(rowOf(u"team-a/web-back"_qs), 0)
                                 .data(LiveObjectsModel::LabelsRole)
                                 .toJsonObject()
                                 .contains(u"tier"),
                             kWaitMs);
    const int all = visibleRows();
    QVERIFY2(all >= 3, qPrintable(QString::number(all)));

    m_panel->filterEdit()->setText(u"web"_qs);
    QCOMPARE(visibleRows(), 2);
    m_panel->selectorEdit()->setText(u"tier!=back"_qs);
    QCOMPARE(visibleRows(), 1);
    QCOMPARE(m_panel->filterModel()->index(0, 0).data().toString(), u"web-front"_qs);
    QVERIFY(!m_panel->selectorError()->isVisible());

    // A selector that does not parse says why beside the field and filters nothing.
    m_panel->selectorEdit()->setText(u"tier in (front"_qs);
    QVERIFY(m_panel->selectorError()->isVisible());
    QVERIFY(!m_panel->selectorError()->text().isEmpty());
    QCOMPARE(visibleRows(), 2);
    m_panel->selectorEdit()->clear();
    m_panel->filterEdit()->clear();
    QVERIFY(!m_panel->selectorError()->isVisible());
    QCOMPARE(visibleRows(), all);
}

void TestClusterPanel::scaleDeploymentThroughTheDialog()
{
    QVERIFY(kubectl({u"create"_qs, u"deployment"_qs, u"web"_qs, u"--image=busybox:1"_qs,
                     u"--replicas=1"_qs, u"-n"_qs, u"team-a"_qs}));
    showTable(u"Deployment"_qs, u"team-a"_qs);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->selectObject(u"team-a/web"_qs), kWaitMs);
    QAction* scale = m_panel->action(ClusterActions::Command::Scale);
    QVERIFY(scale->isEnabled());
    QVERIFY(!m_panel->action(ClusterActions::Command::Delete)->isEnabled());

    int shownReplicas = -1;
    answerNext(
        [](QWidget* widget) {
            return widget->objectName() == QLatin1String(ClusterActions::kScaleDialog);
        },
        [&shownReplicas](QWidget* widget) {
            auto* spin = widget->findChild<QSpinBox*>();
            shownReplicas = spin->value();
            spin->setValue(3);
            static_cast<QDialog*>(widget)->accept();
        });
    QSignalSpy reported(m_panel.get(), &ClusterPanel::actionReported);
    scale->trigger();
    QCOMPARE(shownReplicas, 1);
    QTRY_COMPARE_WITH_TIMEOUT(reported.count(), 2, kWaitMs);
    QVERIFY2(!reported.at(1).at(1).toBool(), qPrintable(m_panel->statusLineText()));
    QVERIFY2(m_panel->statusLineText().contains(u"Scale Deployment web to 3"),
             qPrintable(m_panel->statusLineText()));
    // The watch brings the new spec, and the fake's Deployment controller the pods.
    const auto replicas = [this] {
        const kube::LiveObject* web = m_panel->model()->object(rowOf(u"team-a/web"_qs));
        return web ? web->json[u"spec"][u"replicas"].toInt() : -1;
    };
    QTRY_COMPARE_WITH_TIMEOUT(replicas(), 3, kWaitMs);
    QString ready;
    QVERIFY(kubectl({u"get"_qs, u"deployment"_qs, u"web"_qs, u"-n"_qs, u"team-a"_qs, u"-o"_qs,
                     u"jsonpath={.spec.replicas}"_qs},
                    {}, &ready));
    QCOMPARE(ready, u"3"_qs);
    // Its Events name the scaling, as the controller recorded it (perhaps a moment later).
    ClusterObjectDetails* details = m_panel->details();
    details->showPage(ClusterObjectDetails::Page::Events);
    const auto scaled = [details] {
        QTreeWidget* events = details->eventsView();
        for (int i = 0; i < events->topLevelItemCount(); ++i)
            if (events->topLevelItem(i)->text(1) == u"ScalingReplicaSet")
                return true;
        return false;
    };
    QSignalSpy listed(details, &ClusterObjectDetails::eventsListed);
    QElapsedTimer waited;
    waited.start();
    while (!scaled() && waited.elapsed() < kWaitMs) {
        listed.clear();
        details->findChild<QPushButton*>()->click(); // Update
        QTRY_VERIFY2_WITH_TIMEOUT(!listed.isEmpty(), qPrintable(details->eventsStatus()->text()),
                                  kWaitMs);
        if (!scaled())
            QTest::qWait(250);
    }
    QVERIFY2(scaled(), qPrintable(details->eventsStatus()->text()));
}

void TestClusterPanel::deletePodAfterConfirmation()
{
    QVERIFY(kubectl({u"run"_qs, u"doomed"_qs, u"--image=busybox:1"_qs, u"-n"_qs, u"team-a"_qs}));
    showTable(u"Pod"_qs, u"team-a"_qs);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->selectObject(u"team-a/doomed"_qs), kWaitMs);
    QAction* remove = m_panel->action(ClusterActions::Command::Delete);
    QVERIFY(remove->isEnabled());
    QVERIFY(!m_panel->action(ClusterActions::Command::Scale)->isEnabled());
    QString asked;
    confirmNextMessageBox(&asked);
    remove->trigger();
    QVERIFY2(asked.contains(u"doomed"), qPrintable(asked));
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(u"team-a/doomed"_qs) < 0, kWaitMs);
    QTRY_VERIFY2_WITH_TIMEOUT(m_panel->statusLineText().contains(u"done"),
                              qPrintable(m_panel->statusLineText()), kWaitMs);
}

void TestClusterPanel::forbiddenActionInTheServersWords()
{
    QVERIFY(kubectl({u"run"_qs, u"kept"_qs, u"--image=busybox:1"_qs, u"-n"_qs, u"team-a"_qs}));
    kube::KubeCluster viewer(u"viewer"_qs, connection(u"viewer"_qs), u"team-a"_qs);
    viewer.start();
    ClusterPanel panel;
    panel.setClusters({&viewer});
    panel.show();
    panel.showKind(u"Pod"_qs);
    QCOMPARE(panel.currentNamespace(), u"team-a"_qs);
    QTRY_VERIFY_WITH_TIMEOUT(panel.selectObject(u"team-a/kept"_qs), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(panel.action(ClusterActions::Command::Delete)->isEnabled(), kWaitMs);
    QString asked;
    confirmNextMessageBox(&asked);
    panel.action(ClusterActions::Command::Delete)->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(panel.statusLineText().contains(u"failed"), kWaitMs);
    const QString said = panel.statusLineText();
    QVERIFY2(said.contains(u"pods \"kept\" is forbidden: User \"viewer\" cannot delete resource "
                           u"\"pods\""),
             qPrintable(said));
    QVERIFY(!said.contains(m_server.viewerToken()));
    QVERIFY(kubectl({u"get"_qs, u"pod"_qs, u"kept"_qs, u"-n"_qs, u"team-a"_qs}));
}

void TestClusterPanel::yamlFoldsManagedFields()
{
    const QByteArray applied = R"({"apiVersion":"v1","kind":"ConfigMap",
"metadata":{"name":"applied","namespace":"team-a"},"data":{"mode":"fast"}})";
    QVERIFY(kubectl({u"apply"_qs, u"--server-side"_qs, u"--validate=false"_qs, u"-f"_qs, u"-"_qs},
                    applied));
    showTable(u"ConfigMap"_qs, u"team-a"_qs);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->selectObject(u"team-a/applied"_qs), kWaitMs);
    const kube::LiveObject* object = m_panel->model()->object(rowOf(u"team-a/applied"_qs));
    QVERIFY(object->json[u"metadata"][u"managedFields"].isArray());
    ClusterObjectDetails* details = m_panel->details();
    details->showPage(ClusterObjectDetails::Page::Yaml);
    QVERIFY(!details->managedFieldsToggle()->isChecked());
    const QString folded = details->yamlText();
    QVERIFY2(folded.contains(u"  name: applied\n") && folded.contains(u"  mode: fast\n"),
             qPrintable(folded));
    QVERIFY2(!folded.contains(u"managedFields"), qPrintable(folded));
    details->managedFieldsToggle()->setChecked(true);
    QVERIFY2(details->yamlText().contains(u"  managedFields:\n  - apiVersion: v1\n"),
             qPrintable(details->yamlText()));
    details->managedFieldsToggle()->setChecked(false);
    QVERIFY(!details->yamlText().contains(u"managedFields"));
}

void TestClusterPanel::secretValuesMaskedUntilRevealed()
{
    QVERIFY(kubectl({u"create"_qs, u"secret"_qs, u"generic"_qs, u"creds"_qs, u"-n"_qs, u"team-a"_qs,
                     u"--from-literal=password=hunter2"_qs, u"--from-literal=user=shop"_qs}));
    showTable(u"Secret"_qs, u"team-a"_qs);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->selectObject(u"team-a/creds"_qs), kWaitMs);
    ClusterObjectDetails* details = m_panel->details();
    const QString encoded = QString::fromLatin1(QByteArray("hunter2").toBase64());
    const QString yaml = details->yamlText();
    QVERIFY2(yaml.contains(u"  password: ") && !yaml.contains(u"hunter2") &&
                 !yaml.contains(encoded),
             qPrintable(yaml));
    details->showPage(ClusterObjectDetails::Page::Data);
    QTableWidget* table = details->secretTable();
    QCOMPARE(table->rowCount(), 2);
    int password = -1;
    for (int row = 0; row < table->rowCount(); ++row) {
        QVERIFY(table->item(row, 1)->text() != u"hunter2" &&
                table->item(row, 1)->text() != u"shop");
        if (table->item(row, 0)->text() == u"password")
            password = row;
    }
    QVERIFY(password >= 0);
    // Revealed by an explicit click on that key alone.
    table->item(password, 2)->setCheckState(Qt::Checked);
    QCOMPARE(table->item(password, 1)->text(), u"hunter2"_qs);
    QVERIFY(table->item(1 - password, 1)->text() != u"shop");
    table->item(password, 2)->setCheckState(Qt::Unchecked);
    QVERIFY(table->item(password, 1)->text() != u"hunter2");
}

void TestClusterPanel::driftAgainstAManifest()
{
    QTemporaryDir workspace;
    const QString manifest = workspace.filePath(u"web.yaml"_qs);
    QFile file(manifest);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: busybox
        image: busybox:1
)");
    file.close();
    // `web` in team-a was scaled to 3 above; the manifest says 1.
    showTable(u"Deployment"_qs, u"team-a"_qs);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->selectObject(u"team-a/web"_qs), kWaitMs);
    ClusterObjectDetails details;
    QSignalSpy computed(&details, &ClusterObjectDetails::driftComputed);
    details.setCluster(m_cluster.get(), {{}, {manifest}, {{u"staging"_qs, u"team-a"_qs}}});
    details.showPage(ClusterObjectDetails::Page::Drift);
    const kube::LiveObject web = *m_panel->model()->object(rowOf(u"team-a/web"_qs));
    details.showObject(&web);
    QTRY_VERIFY_WITH_TIMEOUT(!computed.isEmpty(), kWaitMs);
    const QString diff = details.driftText();
    QVERIFY2(diff.contains(u"\n-   replicas: 1\n+   replicas: 3\n"), qPrintable(diff));
    // Fields the manifest does not set (status, uid, the pod template's defaults) stay out.
    QVERIFY2(!diff.contains(u"status:") && !diff.contains(u"uid:"), qPrintable(diff));
    QVERIFY2(diff.contains(u"  - image: busybox:1\n"), qPrintable(diff));
    QVERIFY2(details.driftStatus()->text().contains(u"web.yaml"),
             qPrintable(details.driftStatus()->text()));

    // An object the workspace does not set.
    const kube::LiveObject* other = m_panel->model()->object(0);
    kube::LiveObject missing = *other;
    missing.name = u"elsewhere"_qs;
    QJsonObject json = missing.json;
    QJsonObject metadata = json[u"metadata"].toObject();
    metadata[u"name"] = missing.name;
    json[u"metadata"] = metadata;
    missing.json = json;
    computed.clear();
    details.showObject(&missing);
    QTRY_VERIFY_WITH_TIMEOUT(!computed.isEmpty(), kWaitMs);
    QVERIFY2(details.driftStatus()->text().startsWith(u"Not in the workspace"),
             qPrintable(details.driftStatus()->text()));
}

void TestClusterPanel::stoppedServerKeepsTheRowsGreyed()
{
    showTable(u"ConfigMap"_qs, u"team-a"_qs);
    const int rows = m_panel->model()->rowCount();
    QVERIFY(rows > 0);
    m_server.stop();
    QTRY_VERIFY2_WITH_TIMEOUT(m_cluster->status().state == kube::ClusterState::Disconnected,
                              qPrintable(m_panel->connectionText()), kWaitMs);
    QVERIFY(m_panel->model()->isStale());
    QCOMPARE(m_panel->model()->rowCount(), rows);
    QVERIFY2(m_panel->connectionText().startsWith(u"Disconnected from fake"),
             qPrintable(m_panel->connectionText()));
    QVERIFY2(m_panel->connectionText().contains(u"retry"), qPrintable(m_panel->connectionText()));
    QVERIFY(m_panel->retryButton()->isVisible());
    QVERIFY(!m_panel->action(ClusterActions::Command::Delete)->isEnabled());
}

// A target whose kubeconfig is missing: the panel says what is missing, not that there is no
// cluster target.
void TestClusterPanel::missingKubeconfigIsNamed()
{
    QTemporaryDir root;
    QTemporaryDir home;
    QFile file(root.filePath(u"launchdeck.yaml"_qs));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("version: 1\nname: shop\ntargets:\n  prod-cluster:\n    type: kubernetes\n"
               "    context: prod\n");
    file.close();
    const QByteArray savedHome = qgetenv("HOME");
    const QByteArray savedKubeconfig = qgetenv("KUBECONFIG");
    qputenv("HOME", home.path().toUtf8());
    qunsetenv("KUBECONFIG");
    {
        SessionOptions options;
        options.root = root.path();
        options.dataDir = root.filePath(u"data"_qs);
        options.useKeyring = false;
        options.watchWorkspace = false;
        options.watchAlerts = false;
        WorkspaceSession session(options);
        ClusterPanel panel;
        panel.setSession(&session);
        session.open();
        QTRY_VERIFY2_WITH_TIMEOUT(panel.connectionText().contains(u"no kubeconfig"_qs),
                                  qPrintable(panel.connectionText()), 10'000);
        QVERIFY(panel.connectionText().contains(u"prod-cluster"_qs));
    }
    qputenv("HOME", savedHome);
    if (!savedKubeconfig.isEmpty())
        qputenv("KUBECONFIG", savedKubeconfig);
}

QTEST_MAIN(TestClusterPanel)
#include "tst_clusterpanel.moc"

// The Deploy dialog's versions against the test registry (docker-registry with TLS and
// htpasswd) and a private dockerd, both functions built as the Deployments tab builds them: the
// repository's tags newest first by the image's creation time, the host's local tags beside them
// and marked as such, any tag still typed; the manifests asked only for the last tags; a registry
// that refuses the password named in the hint while the local tags are still offered.
#include "deploydialog.h"
#include "docker/dockerclient.h"
#include "docker/dockerimagetransfer.h"
#include "fakes/dockerdaemon.h"
#include "fakes/registryserver.h"
#include "fakes/testfiles.h"
#include "registry/registryclient.h"
#include "session/registryversions.h"
#include "session/workspacesession.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace launchdeck;
using namespace launchdeck::test;

namespace {

constexpr int kTimeoutMs = 60'000;

QDateTime at(const char* text)
{
    return QDateTime::fromString(QString::fromLatin1(text), Qt::ISODate);
}

} // namespace

class TestDeployDialogTags final : public QObject
{
    Q_OBJECT

private:
    RegistryServer m_registry;
    DockerDaemon m_daemon;
    QTemporaryDir m_dir;
    std::optional<Workspace> m_workspace;

    QString repository() const { return m_registry.host() + u"/shop/web"_qs; }

    // The daemon's certs.d, as an administrator would have filled it for the registry.
    RegistryVersionsOptions options(const QString& config) const
    {
        RegistryVersionsOptions options;
        options.certsDir = m_dir.filePath(u"certs.d"_qs);
        options.environment = QProcessEnvironment::systemEnvironment();
        options.environment.insert(u"DOCKER_CONFIG"_qs, m_dir.filePath(config));
        return options;
    }

    // The Deployments tab's functions for a workspace on a Docker host.
    std::unique_ptr<DeployDialog> openDialog(const RegistryVersionsOptions& registryOptions)
    {
        const Workspace workspace = *m_workspace;
        auto dialog = std::make_unique<DeployDialog>(
            workspace, PreviewFunction(),
            [workspace](const QString& application, const QString& environment) {
                return WorkspaceSession::localImageTags(workspace, application, environment);
            },
            registryVersionsFunction(workspace, registryOptions));
        dialog->show();
        return dialog;
    }

    static QString hint(const DeployDialog& dialog) { return dialog.tagsHint()->text(); }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_registry.start(&error), qPrintable(error));
        // Pushed in another order than they were made, and named against it: 0.9 is the newest.
        for (const auto& [tag, created] : {std::pair{u"1.0"_qs, at("2026-01-10T08:00:00Z")},
                                           std::pair{u"0.9"_qs, at("2026-06-01T08:00:00Z")},
                                           std::pair{u"1.1"_qs, at("2026-03-05T08:00:00Z")}})
            QVERIFY2(!m_registry.push(u"shop/web"_qs, tag, created, &error).isEmpty(),
                     qPrintable(error));
        QVERIFY(QDir().mkpath(m_dir.filePath(u"certs.d/"_qs + m_registry.host())));
        QVERIFY(QFile::copy(m_registry.caFile(),
                            m_dir.filePath(u"certs.d/"_qs + m_registry.host() + u"/ca.crt"_qs)));
        QVERIFY(QDir().mkpath(m_dir.filePath(u"good"_qs)));
        QVERIFY(QDir().mkpath(m_dir.filePath(u"bad"_qs)));
        QVERIFY(writeFile(m_dir.filePath(u"good/config.json"_qs), m_registry.dockerConfig()));
        QVERIFY(writeFile(m_dir.filePath(u"bad/config.json"_qs),
                          m_registry.dockerConfig(u"bad-pass-31"_qs)));

        m_daemon.setExtraArguments({u"--insecure-registry"_qs, m_registry.host()});
        QVERIFY2(m_daemon.start(&error), qPrintable(error));
        const Result<DockerEndpoint> endpoint = DockerEndpoint::parse(m_daemon.host());
        QVERIFY(endpoint);
        // What the versions function asks the daemon: the registry among its insecure ones.
        DockerClient client(*endpoint);
        const Result<QJsonObject> info = client.info();
        QVERIFY(info);
        QVERIFY(
            registry::isInsecureRegistry(m_registry.host(), registry::insecureRegistriesOf(*info)));
        // Local: one tag the registry has too, one it does not.
        QVERIFY(tagImage(*endpoint, {}, u"busybox:local"_qs, repository() + u":1.1"_qs));
        QVERIFY(tagImage(*endpoint, {}, u"busybox:local"_qs, repository() + u":local-1"_qs));

        Diagnostics findings;
        m_workspace = parseWorkspace(u"launchdeck.yaml"_qs,
                                     QStringLiteral("targets: {host: {type: docker, host: %1}}\n"
                                                    "environments: {staging: {target: host}}\n"
                                                    "applications: {web: {image: %2, version: "
                                                    "\"1.0\"}}\n")
                                         .arg(m_daemon.host(), repository())
                                         .toUtf8(),
                                     findings);
        QVERIFY(m_workspace);
    }

    void cleanupTestCase() { m_daemon.stop(); }

    void registryTagsNewestFirstBesideLocalOnes()
    {
        const std::unique_ptr<DeployDialog> dialog = openDialog(options(u"good"_qs));
        QSignalSpy local(dialog.get(), &DeployDialog::tagsLoaded);
        QSignalSpy fromRegistry(dialog.get(), &DeployDialog::registryTagsLoaded);
        QTRY_VERIFY_WITH_TIMEOUT(!local.isEmpty() && !fromRegistry.isEmpty(), kTimeoutMs);
        QCOMPARE(dialog->offeredTags(),
                 (QStringList{u"0.9"_qs, u"1.1"_qs, u"1.0"_qs, u"local-1"_qs}));
        QCOMPARE(dialog->tagOrigin(u"0.9"_qs), int(DeployDialog::Registry));
        QCOMPARE(dialog->tagOrigin(u"1.1"_qs), int(DeployDialog::Registry | DeployDialog::Local));
        QCOMPARE(dialog->tagOrigin(u"local-1"_qs), int(DeployDialog::Local));
        QVERIFY2(hint(*dialog).contains(u"2 local tag(s)"), qPrintable(hint(*dialog)));
        QVERIFY2(hint(*dialog).contains(u"3 tag(s) in " + m_registry.host() + u", newest first"),
                 qPrintable(hint(*dialog)));
        // The popup's second column says where each one is.
        QComboBox* box = dialog->versionBox();
        const QModelIndex origin =
            box->model()->index(box->findText(u"1.1"_qs), DeployDialog::OriginColumn);
        QVERIFY2(origin.data().toString().startsWith(u"local and registry"),
                 qPrintable(origin.data().toString()));
        // What the application names stays typed; picking and typing both give the version.
        QCOMPARE(box->currentText(), u"1.0"_qs);
        box->setCurrentIndex(box->findText(u"0.9"_qs));
        QCOMPARE(dialog->request().version, u"0.9"_qs);
        box->setEditText(u"7.7-rc1"_qs);
        QCOMPARE(dialog->request().version, u"7.7-rc1"_qs);
    }

    void manifestsOnlyForTheLastTags()
    {
        RegistryVersionsOptions limited = options(u"good"_qs);
        limited.manifestLimit = 1;
        const Result<RegistryVersions> versions =
            registryVersions(*m_workspace, u"web"_qs, u"staging"_qs, limited);
        QVERIFY2(versions, qPrintable(versions ? QString() : versions.error().toString()));
        QCOMPARE(versions->dated, 1);
        // Only the manifest of the registry's last tag was read; the undated follow, later ones
        // in the registry's order first.
        const registry::RegistryEndpoint where = m_registry.endpoint();
        registry::RegistryClient client(where);
        const Result<QStringList> listed = client.tags(u"shop/web"_qs);
        QVERIFY(listed && listed->size() == 3);
        QStringList expected = *listed;
        std::reverse(expected.begin(), expected.end());
        QStringList order;
        for (const registry::TagInfo& info : versions->tags)
            order.append(info.tag);
        QCOMPARE(order, expected);
        QVERIFY(versions->tags.first().created);
        QVERIFY(!versions->tags.at(1).created);
        QVERIFY(versions->tags.first().digest.startsWith(u"sha256:"));
    }

    void refusingRegistryLeavesTheLocalTags()
    {
        const std::unique_ptr<DeployDialog> dialog = openDialog(options(u"bad"_qs));
        QSignalSpy local(dialog.get(), &DeployDialog::tagsLoaded);
        QSignalSpy fromRegistry(dialog.get(), &DeployDialog::registryTagsLoaded);
        QTRY_VERIFY_WITH_TIMEOUT(!local.isEmpty() && !fromRegistry.isEmpty(), kTimeoutMs);
        QStringList offered = dialog->offeredTags();
        offered.sort();
        QCOMPARE(offered, (QStringList{u"1.1"_qs, u"local-1"_qs}));
        QCOMPARE(dialog->tagOrigin(u"1.1"_qs), int(DeployDialog::Local));
        const QString text = hint(*dialog);
        QVERIFY2(text.contains(u"Registry tags unavailable: "), qPrintable(text));
        QVERIFY2(text.contains(m_registry.host()), qPrintable(text));
        QVERIFY2(text.contains(u"2 local tag(s)"), qPrintable(text));
        QVERIFY(!text.contains(u"bad-pass-31"));
    }
};

QTEST_MAIN(TestDeployDialogTags)
#include "tst_deploydialogtags.moc"

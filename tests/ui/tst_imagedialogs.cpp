// The images page's registry dialogs against a private dockerd and the test registry
// (docker-registry with TLS and htpasswd, which the daemon is told to accept), the credentials in
// a docker configuration as `docker login` writes them: Pull image… shows every layer, the
// digest the registry served and the image in the list after; an unknown tag and a refused
// password in the daemon's words; Build image… with Push after build pushes each tag that names
// a registry, which the registry then lists under the digest the dialog printed.
#include "docker/dockerhost.h"
#include "dockerbuilddialog.h"
#include "dockerimagespage.h"
#include "dockerpulldialog.h"
#include "dockerresourcemodels.h"
#include "fakes/dockerdaemon.h"
#include "fakes/registryserver.h"
#include "fakes/testfiles.h"
#include "registry/registryclient.h"

#include <QAction>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace launchdeck;
using namespace launchdeck::test;

namespace {

constexpr int kTimeoutMs = 60'000;

} // namespace

class TestImageDialogs final : public QObject
{
    Q_OBJECT

private:
    RegistryServer m_registry;
    DockerDaemon m_daemon;
    QTemporaryDir m_goodConfig;
    QTemporaryDir m_badConfig;
    QTemporaryDir m_context;
    QString m_digest;
    std::unique_ptr<DockerHost> m_host;
    std::unique_ptr<DockerImagesModel> m_images;

    bool hasImage(const QString& reference) const
    {
        for (int row = 0; row < m_images->rowCount(); ++row)
            if (m_images->index(row, DockerImagesModel::Tags).data().toString().contains(reference))
                return true;
        return false;
    }

    registry::RegistryClient registryClient() const
    {
        const registry::RegistryEndpoint where = m_registry.endpoint();
        return registry::RegistryClient(where);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_registry.start(&error), qPrintable(error));
        m_digest =
            m_registry.push(u"shop/web"_qs, u"1.0"_qs, QDateTime::currentDateTimeUtc(), &error);
        QVERIFY2(!m_digest.isEmpty(), qPrintable(error));
        QVERIFY(writeFile(m_goodConfig.filePath(u"config.json"_qs), m_registry.dockerConfig()));
        QVERIFY(writeFile(m_badConfig.filePath(u"config.json"_qs),
                          m_registry.dockerConfig(u"bad-pass-77"_qs)));
        qputenv("DOCKER_CONFIG", m_goodConfig.path().toUtf8());
        // The daemon accepts the registry's certificate without the system's trust store.
        m_daemon.setExtraArguments({u"--insecure-registry"_qs, m_registry.host()});
        QVERIFY2(m_daemon.start(&error), qPrintable(error));
        const Result<DockerEndpoint> endpoint = DockerEndpoint::parse(m_daemon.host());
        QVERIFY(endpoint);
        DockerHostOptions options;
        options.collectStats = false;
        m_host = std::make_unique<DockerHost>(u"local"_qs, *endpoint, options);
        m_images = std::make_unique<DockerImagesModel>();
        connect(m_host.get(), &DockerHost::imagesReset, m_images.get(),
                &DockerImagesModel::applyReset);
        m_host->start();
        QTRY_COMPARE_WITH_TIMEOUT(m_host->status().state, DockerConnectionState::Connected,
                                  kTimeoutMs);
    }

    void cleanupTestCase()
    {
        m_images.reset();
        m_host.reset();
        m_daemon.stop();
        qunsetenv("DOCKER_CONFIG");
    }

    void pullShowsLayersAndDigest()
    {
        DockerImagesPage page;
        page.setSource(m_host.get(), m_images.get());
        QVERIFY(page.pullAction()->isEnabled());
        page.pullAction()->trigger();
        auto* dialog = page.findChild<DockerPullDialog*>();
        QVERIFY(dialog);
        const QString image = m_registry.host() + u"/shop/web:1.0"_qs;
        QVERIFY(!hasImage(image));
        QVERIFY(!dialog->pullButton()->isEnabled());
        dialog->referenceEdit()->setText(image);
        QVERIFY(dialog->pullButton()->isEnabled());
        QSignalSpy pulled(dialog, &DockerPullDialog::imagePulled);
        QSignalSpy failed(dialog, &DockerPullDialog::pullFailed);
        QTest::mouseClick(dialog->pullButton(), Qt::LeftButton);
        QVERIFY(dialog->isPulling());
        QVERIFY(dialog->cancelButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!pulled.isEmpty() || !failed.isEmpty(), kTimeoutMs);
        QVERIFY2(failed.isEmpty(), qPrintable(dialog->statusLabel()->text()));
        QCOMPARE(pulled.first().at(1).toString(), m_digest);
        QVERIFY(!dialog->isPulling());

        // The registry's image has one layer: its row went through to Pull complete.
        QTreeWidget* layers = dialog->layersView();
        QCOMPARE(layers->topLevelItemCount(), 1);
        QCOMPARE(layers->topLevelItem(0)->text(DockerPullDialog::LayerStatusColumn),
                 u"Pull complete"_qs);
        QVERIFY(!layers->topLevelItem(0)->text(DockerPullDialog::LayerIdColumn).isEmpty());
        QVERIFY2(dialog->overallLabel()->text().startsWith(u"1 of 1 layer(s) complete"),
                 qPrintable(dialog->overallLabel()->text()));
        QVERIFY2(dialog->digestLabel()->text().contains(m_digest),
                 qPrintable(dialog->digestLabel()->text()));
        // The list follows the daemon's events.
        QTRY_VERIFY_WITH_TIMEOUT(hasImage(image), kTimeoutMs);
    }

    void pullRefusalsInTheDaemonsWords()
    {
        DockerPullDialog dialog(m_host.get());
        QSignalSpy failed(&dialog, &DockerPullDialog::pullFailed);
        dialog.referenceEdit()->setText(m_registry.host() + u"/shop/web:9.9"_qs);
        dialog.pull();
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, kTimeoutMs);
        const QString unknown = failed.first().at(1).toString();
        QVERIFY2(unknown.contains(u"manifest unknown") || unknown.contains(u"not found"),
                 qPrintable(unknown));
        QVERIFY2(dialog.statusLabel()->text().contains(unknown),
                 qPrintable(dialog.statusLabel()->text()));
        QVERIFY(dialog.digestLabel()->text().isEmpty());

        qputenv("DOCKER_CONFIG", m_badConfig.path().toUtf8());
        dialog.referenceEdit()->setText(m_registry.host() + u"/shop/web:1.0"_qs);
        dialog.pull();
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 2, kTimeoutMs);
        qputenv("DOCKER_CONFIG", m_goodConfig.path().toUtf8());
        const QString refused = failed.at(1).at(1).toString();
        QVERIFY2(refused.contains(u"unauthorized"), qPrintable(refused));
        QVERIFY(!dialog.statusLabel()->text().contains(u"bad-pass-77"));
    }

    void cancelledPullSaysNoMore()
    {
        DockerPullDialog dialog(m_host.get());
        QSignalSpy pulled(&dialog, &DockerPullDialog::imagePulled);
        QSignalSpy failed(&dialog, &DockerPullDialog::pullFailed);
        QSignalSpy ended(m_host.get(), &DockerHost::transferFinished);
        dialog.referenceEdit()->setText(m_registry.host() + u"/shop/web:1.0"_qs);
        dialog.pull();
        QVERIFY(dialog.isPulling());
        QTest::mouseClick(dialog.cancelButton(), Qt::LeftButton);
        QVERIFY(!dialog.isPulling());
        QVERIFY(dialog.pullButton()->isEnabled());
        // Whether the daemon was stopped in time or not, what it says afterwards is dropped.
        QTRY_COMPARE_WITH_TIMEOUT(ended.size(), 1, kTimeoutMs);
        QCoreApplication::processEvents();
        QVERIFY(pulled.isEmpty());
        QVERIFY(failed.isEmpty());
        QCOMPARE(dialog.statusLabel()->text(), DockerPullDialog::tr("Cancelled"));
        QVERIFY(dialog.digestLabel()->text().isEmpty());
    }

    void buildPushesTheRegistryTags()
    {
        QVERIFY(writeFile(m_context.filePath(u"Dockerfile"_qs),
                          "FROM busybox:local\nCOPY hello.txt /hello.txt\n"));
        QVERIFY(writeFile(m_context.filePath(u"hello.txt"_qs), "hello from the build\n"));
        DockerBuildDialog dialog(m_host.get());
        dialog.folderEdit()->setText(m_context.path());
        dialog.tagsEdit()->setText(u"built/local:1"_qs);
        // Nothing to push without a tag that names a registry.
        QVERIFY(!dialog.pushBox()->isEnabled());
        const QString tag = m_registry.host() + u"/shop/built:2.0"_qs;
        dialog.tagsEdit()->setText(u"built/local:1, "_qs + tag);
        QVERIFY(dialog.pushBox()->isEnabled());
        QCOMPARE(dialog.registryTags(), QStringList{tag});
        dialog.pushBox()->setChecked(true);

        QSignalSpy pushed(&dialog, &DockerBuildDialog::imagePushed);
        QSignalSpy pushFailed(&dialog, &DockerBuildDialog::pushFailed);
        QSignalSpy finished(&dialog, &DockerBuildDialog::finished);
        dialog.build();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kTimeoutMs);
        const QString output = dialog.outputView()->toPlainText();
        QVERIFY2(pushFailed.isEmpty(), qPrintable(output));
        QCOMPARE(pushed.size(), 1);
        QCOMPARE(pushed.first().at(0).toString(), tag);
        const QString digest = pushed.first().at(1).toString();
        QVERIFY2(digest.startsWith(u"sha256:"), qPrintable(output));
        QVERIFY2(output.contains(u"Pushed " + tag + u": " + digest), qPrintable(output));
        QVERIFY2(output.contains(u": Pushed"), qPrintable(output));
        QVERIFY(!dialog.isBuilding());

        registry::RegistryClient client = registryClient();
        const Result<QStringList> tags = client.tags(u"shop/built"_qs);
        QVERIFY2(tags, qPrintable(tags ? QString() : tags.error().toString()));
        QCOMPARE(*tags, QStringList{u"2.0"_qs});
        const Result<registry::ManifestInfo> manifest =
            client.manifest(u"shop/built"_qs, u"2.0"_qs);
        QVERIFY(manifest);
        QCOMPARE(manifest->digest, digest);
    }

    void pushRefusedInTheDaemonsWords()
    {
        DockerBuildDialog dialog(m_host.get());
        dialog.folderEdit()->setText(m_context.path());
        const QString tag = m_registry.host() + u"/shop/refused:1"_qs;
        dialog.tagsEdit()->setText(tag);
        dialog.pushBox()->setChecked(true);
        QSignalSpy pushFailed(&dialog, &DockerBuildDialog::pushFailed);
        QSignalSpy finished(&dialog, &DockerBuildDialog::finished);
        qputenv("DOCKER_CONFIG", m_badConfig.path().toUtf8());
        dialog.build();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kTimeoutMs);
        qputenv("DOCKER_CONFIG", m_goodConfig.path().toUtf8());
        QCOMPARE(pushFailed.size(), 1);
        const QString error = pushFailed.first().at(1).toString();
        QVERIFY2(error.contains(u"unauthorized") || error.contains(u"no basic auth"),
                 qPrintable(error));
        QVERIFY(dialog.outputView()->toPlainText().contains(error));
        QVERIFY(!dialog.outputView()->toPlainText().contains(u"bad-pass-77"));
        QVERIFY2(dialog.statusLabel()->text().contains(u"failed"),
                 qPrintable(dialog.statusLabel()->text()));
    }
};

QTEST_MAIN(TestImageDialogs)
#include "tst_imagedialogs.moc"

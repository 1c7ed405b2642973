// Deploying an image that is only in a registry (docker-registry with TLS and htpasswd, the
// private dockerd told to accept it): VALIDATING pulls it with the credentials of the docker
// configuration, its layers' progress in the job's log, and the revision records the digest; when
// the tag is pushed again with another image, a rollback still runs the recorded one. A tag the
// registry does not have stops VALIDATING in the daemon's words, with the tags it has.
#include "docker/dockerimagetransfer.h"
#include "fakes/deploytestbed.h"
#include "fakes/registryserver.h"
#include "fakes/testfiles.h"

#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck;
using namespace launchdeck::deploy;
using namespace launchdeck::test;

class TestDeployPull final : public QObject
{
    Q_OBJECT

private:
    RegistryServer m_registry;
    std::unique_ptr<DeployTestBed> m_bed;
    QTemporaryDir m_dockerConfig;

    QString repository() const { return m_registry.host() + u"/shop/app"_qs; }

    // Tags the bed's `local` image as repository():tag, pushes it and drops the local name, so
    // that only the registry has it under that name.
    QString publish(const QString& local, const QString& tag)
    {
        const DockerEndpoint& endpoint = m_bed->docker().endpoint();
        const QString target = repository() + u':' + tag;
        const DockerRegistryAuth auth{RegistryServer::username(), RegistryServer::password(),
                                      m_registry.host()};
        if (!tagImage(endpoint, {}, local, target))
            return {};
        const Result<TransferredImage> pushed = pushImage(endpoint, {}, target, auth);
        if (!pushed)
            qWarning("%s", qPrintable(pushed.error().toString()));
        if (!m_bed->docker().client().removeImage(target))
            return {};
        return pushed ? pushed->digest : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_registry.start(&error), qPrintable(error));
        // What `docker login` would have written; the deployment reads it as the CLI does.
        QVERIFY(writeFile(m_dockerConfig.filePath(u"config.json"_qs), m_registry.dockerConfig()));
        qputenv("DOCKER_CONFIG", m_dockerConfig.path().toUtf8());
        m_bed = std::make_unique<DeployTestBed>();
        m_bed->docker().daemon().setExtraArguments({u"--insecure-registry"_qs, m_registry.host()});
        QVERIFY2(m_bed->start(&error), qPrintable(error));
    }

    void cleanupTestCase()
    {
        m_bed.reset();
        qunsetenv("DOCKER_CONFIG");
    }

    void pullsRecordsTheDigestAndRollsBackToIt()
    {
        const QString firstDigest = publish(u"app:v1"_qs, u"1.0"_qs);
        QVERIFY(firstDigest.startsWith(u"sha256:"));
        QVERIFY(!publish(u"app:v2"_qs, u"2.0"_qs).isEmpty());

        DeployAppOptions options;
        options.application = u"pulled"_qs;
        options.image = repository();
        options.strategy = u"recreate"_qs;
        options.traffic = false;
        options.hostPort = 18000 + int(QCoreApplication::applicationPid() % 1000);
        options.monitor = u"1s"_qs;
        const std::optional<DeployWorkspace> ws = m_bed->workspace(options);
        QVERIFY(ws);

        const DeployOutcome first =
            DeployTestBed::run(ws->context, deployRequest(options.application, u"1.0"_qs));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);
        const QString log = first.transcript();
        QVERIFY2(log.contains(u"pulling " + repository() + u":1.0 with the credentials of tester"),
                 qPrintable(log));
        // The daemon built app:v1 itself, so its layers are there already: the pull only names
        // the image again, with the registry's digest.
        QVERIFY2(log.contains(u"1.0: Pulling from shop/app"), qPrintable(log));
        QVERIFY2(log.contains(u"Digest: " + firstDigest), qPrintable(log));
        QVERIFY(!log.contains(RegistryServer::password()));
        QVERIFY(waitForBody(ws->entryUrl, u"v1"_qs));
        const std::optional<QJsonObject> recorded =
            m_bed->ledger()->revisionConfig(options.application, u"staging"_qs, 1);
        QVERIFY(recorded);
        QCOMPARE((*recorded)[u"image_digest"].toString(), repository() + u'@' + firstDigest);

        const DeployOutcome second =
            DeployTestBed::run(ws->context, deployRequest(options.application, u"2.0"_qs));
        QVERIFY_OUTCOME(second, DeploymentStatus::Completed);
        QVERIFY(waitForBody(ws->entryUrl, u"v2"_qs));

        // 1.0 now names another image (v3 answers 500); the rollback runs what revision 1 ran.
        QVERIFY(!publish(u"app:v3"_qs, u"1.0"_qs).isEmpty());
        DeploymentRequest rollback;
        rollback.kind = DeploymentKind::Rollback;
        rollback.application = options.application;
        rollback.environment = u"staging"_qs;
        rollback.reason = u"2.0 is not ready"_qs;
        const DeployOutcome back = DeployTestBed::run(ws->context, rollback);
        QVERIFY_OUTCOME(back, DeploymentStatus::Completed);
        QVERIFY(waitForBody(ws->entryUrl, u"v1"_qs));
        QVERIFY2(back.transcript().contains(u'@' + firstDigest), qPrintable(back.transcript()));
    }

    void anUnknownTagStopsValidating()
    {
        DeployAppOptions options;
        options.application = u"missing"_qs;
        options.image = repository();
        options.strategy = u"recreate"_qs;
        options.traffic = false;
        const std::optional<DeployWorkspace> ws = m_bed->workspace(options);
        QVERIFY(ws);
        const DeployOutcome outcome =
            DeployTestBed::run(ws->context, deployRequest(options.application, u"9.9"_qs));
        QVERIFY_OUTCOME(outcome, DeploymentStatus::Failed);
        const std::optional<DeploymentRecord> record = m_bed->ledger()->get(outcome.id);
        QVERIFY(record);
        QStringList findings;
        for (const ValidationResult& result : record->validations)
            findings.append(result.rule + u": " + result.message);
        QVERIFY2(findings.join(u'\n').contains(u"image-pull: image " + repository() +
                                               u":9.9 is not on "),
                 qPrintable(findings.join(u'\n')));
        QVERIFY2(findings.join(u'\n').contains(u"manifest unknown") ||
                     findings.join(u'\n').contains(u"not found"),
                 qPrintable(findings.join(u'\n')));
        // With the tags the repository does have, asked of the registry over TLS whoever signed
        // its certificate, as the daemon speaks to an insecure registry.
        // (in the registry's order, which is its own)
        QVERIFY2(findings.join(u'\n').contains(u"(shop/app has the tags 1.0 and 2.0)") ||
                     findings.join(u'\n').contains(u"(shop/app has the tags 2.0 and 1.0)"),
                 qPrintable(findings.join(u'\n')));
    }
};

QTEST_MAIN(TestDeployPull)
#include "tst_deploypull.moc"

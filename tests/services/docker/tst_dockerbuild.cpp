// Building images against a private dockerd: COPY and RUN end up in an image that runs, what
// .dockerignore names stays out, the daemon's errors arrive in its words, and cancel is prompt.
#include "docker/dockerbuild.h"
#include "docker/dockerclient.h"
#include "docker/dockerstream.h"
#include "fakes/dockertestbed.h"
#include "fakes/processmemory.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace launchdeck;
using launchdeck::test::peakResidentKiB;
using launchdeck::test::resetPeakResident;

namespace {

constexpr int kBuildTimeoutMs = 120000;

// Builders and streams signal from their own threads, possibly before a QSignalSpy::wait()
// would start listening (a missing Dockerfile ends the build at once); poll the count instead.
bool arrived(const QSignalSpy& spy, int timeoutMs)
{
    return QTest::qWaitFor([&spy] { return !spy.isEmpty(); }, timeoutMs);
}

struct BuildOutcome
{
    QString imageId;
    QString error;
    QStringList lines;
};

bool writeFile(const QString& path, const QByteArray& content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

} // namespace

class TestDockerBuild final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::DockerTestBed> m_bed;
    QTemporaryDir m_contexts;
    int m_contextCount = 0;

    // A fresh context folder holding `files` (path relative to the folder → content).
    QString context(const QList<QPair<QString, QByteArray>>& files)
    {
        const QString root = m_contexts.filePath(QString::number(++m_contextCount));
        QDir().mkpath(root);
        for (const auto& [path, content] : files) {
            if (!writeFile(root + u'/' + path, content))
                return {};
        }
        return root;
    }

    DockerBuildRequest request(const QString& contextDir) const
    {
        DockerBuildRequest request;
        request.contextDir = contextDir;
        // The daemon's default network for RUN steps: dockerd 20.10 runs them even with
        // --bridge=none, as the test daemon is started.
        return request;
    }

    BuildOutcome build(const DockerBuildRequest& request)
    {
        BuildOutcome outcome;
        DockerImageBuilder builder(m_bed->client().endpoint(), m_bed->client().apiVersion());
        connect(&builder, &DockerImageBuilder::progress, this,
                [&outcome](const QString& line) { outcome.lines.append(line); });
        QSignalSpy finished(&builder, &DockerImageBuilder::finished);
        if (!builder.start(request)) {
            outcome.error = QStringLiteral("the builder did not start");
            return outcome;
        }
        if (!arrived(finished, kBuildTimeoutMs)) {
            outcome.error = QStringLiteral("no finished() within the timeout");
            return outcome;
        }
        outcome.imageId = finished.at(0).at(0).toString();
        outcome.error = finished.at(0).at(1).toString();
        QCoreApplication::processEvents(); // progress lines queued before finished()
        return outcome;
    }

    // create + start + wait + logs: what the container printed on stdout and stderr.
    QString runImage(const QString& image, const QStringList& cmd)
    {
        DockerContainerSpec spec;
        spec.image = image;
        spec.cmd = cmd;
        spec.labels.insert(QStringLiteral("launchdeck.test"), QStringLiteral("build"));
        const Result<QString> id = m_bed->run(spec);
        if (!id)
            return QStringLiteral("<the container did not start>");
        QElapsedTimer waited;
        waited.start();
        while (waited.elapsed() < 30000) {
            const Result<QJsonObject> inspected = m_bed->client().inspectContainer(*id);
            if (inspected && !inspected->value(QStringLiteral("State"))
                                  .toObject()
                                  .value(QStringLiteral("Running"))
                                  .toBool())
                break;
            QTest::qWait(100);
        }
        DockerLogOptions options;
        options.follow = false;
        auto logs = DockerStream::logs(m_bed->client().endpoint(), m_bed->client().apiVersion(),
                                       *id, options);
        QString text;
        connect(logs.get(), &DockerStream::logLinesReceived, this,
                [&text](const QList<DockerLogLine>& lines) {
                    for (const DockerLogLine& line : lines)
                        text += QString::fromUtf8(line.text) + u'\n';
                });
        QSignalSpy ended(logs.get(), &DockerStream::finished);
        logs->start();
        arrived(ended, 20000);
        QCoreApplication::processEvents();
        (void)m_bed->client().removeContainer(*id, true);
        return text;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_contexts.isValid());
        m_bed = std::make_unique<test::DockerTestBed>();
        QString error;
        QVERIFY2(m_bed->start(&error), qPrintable(error));
    }

    void buildsAnImageThatRuns()
    {
        const QString root = context({
            {QStringLiteral("Dockerfile"),
             "FROM busybox:local\n"
             "ARG FLAVOUR=plain\n"
             "COPY greeting.txt /greeting.txt\n"
             "COPY . /ctx/\n"
             "RUN echo \"flavour $FLAVOUR\" > /flavour.txt && cat /greeting.txt\n"
             "CMD [\"cat\", \"/greeting.txt\"]\n"},
            {QStringLiteral("greeting.txt"), "hello from the build context\n"},
            {QStringLiteral("kept.txt"), "kept\n"},
            {QStringLiteral("secret.env"), "TOKEN=do-not-ship\n"},
            {QStringLiteral("logs/today.log"), "noise\n"},
            {QStringLiteral(".dockerignore"), "# never in an image\nsecret.env\nlogs\n"},
        });
        QVERIFY(!root.isEmpty());
        DockerBuildRequest build = request(root);
        build.tags = {QStringLiteral("launchdeck-test/greeter:1"),
                      QStringLiteral("launchdeck-test/greeter:latest")};
        build.buildArgs = {{QStringLiteral("FLAVOUR"), QStringLiteral("vanilla")}};
        const BuildOutcome outcome = this->build(build);
        QVERIFY2(outcome.error.isEmpty(),
                 qPrintable(outcome.error + u'\n' + outcome.lines.join(u'\n')));
        QVERIFY2(outcome.imageId.startsWith(QStringLiteral("sha256:")),
                 qPrintable(outcome.imageId));
        // RUN's own output comes through as progress.
        QVERIFY2(outcome.lines.contains(QStringLiteral("hello from the build context")),
                 qPrintable(outcome.lines.join(u'\n')));

        const Result<QList<DockerImage>> images = m_bed->client().images();
        QVERIFY(images.ok());
        const auto image = std::find_if(images->begin(), images->end(), [&](const DockerImage& i) {
            return i.id == outcome.imageId;
        });
        QVERIFY(image != images->end());
        QVERIFY(image->repoTags.contains(QStringLiteral("launchdeck-test/greeter:1")));
        QVERIFY(image->repoTags.contains(QStringLiteral("launchdeck-test/greeter:latest")));

        QCOMPARE(runImage(QStringLiteral("launchdeck-test/greeter:1"), {}),
                 QStringLiteral("hello from the build context\n"));
        QCOMPARE(runImage(outcome.imageId, {QStringLiteral("cat"), QStringLiteral("/flavour.txt")}),
                 QStringLiteral("flavour vanilla\n"));
        const QString listing = runImage(
            outcome.imageId, {QStringLiteral("ls"), QStringLiteral("-a"), QStringLiteral("/ctx")});
        const QStringList names = listing.split(u'\n', Qt::SkipEmptyParts);
        QVERIFY2(names.contains(QStringLiteral("kept.txt")), qPrintable(listing));
        QVERIFY2(names.contains(QStringLiteral("Dockerfile")), qPrintable(listing));
        QVERIFY2(names.contains(QStringLiteral(".dockerignore")), qPrintable(listing));
        QVERIFY2(!names.contains(QStringLiteral("secret.env")), qPrintable(listing));
        QVERIFY2(!names.contains(QStringLiteral("logs")), qPrintable(listing));
    }

    void buildsFromADockerfileElsewhereInTheContext()
    {
        const QString root = context({
            {QStringLiteral("docker/app.Dockerfile"),
             "FROM busybox:local\nCOPY payload.txt /payload.txt\nCMD [\"cat\", "
             "\"/payload.txt\"]\n"},
            {QStringLiteral("payload.txt"), "payload\n"},
            {QStringLiteral(".dockerignore"), "docker\n"},
        });
        DockerBuildRequest build = request(root);
        build.dockerfile = QStringLiteral("docker/app.Dockerfile");
        build.noCache = true;
        build.networkMode = QStringLiteral("none");
        const BuildOutcome outcome = this->build(build);
        QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
        QCOMPARE(runImage(outcome.imageId, {}), QStringLiteral("payload\n"));
    }

    void streamsALargeContextWithoutHoldingIt()
    {
        const QString root = context({
            {QStringLiteral("Dockerfile"), "FROM busybox:local\nCOPY big.bin /big.bin\n"},
        });
        constexpr qint64 kSize = 300LL * 1024 * 1024;
        {
            QFile big(root + QStringLiteral("/big.bin"));
            QVERIFY(big.open(QIODevice::WriteOnly));
            QVERIFY(big.resize(kSize)); // sparse here; the daemon stores it in full
        }
        resetPeakResident();
        const qint64 peakBefore = peakResidentKiB();
        QElapsedTimer timer;
        timer.start();
        const BuildOutcome outcome = build(request(root));
        const qint64 growthKiB = peakResidentKiB() - peakBefore;
        qInfo("built from a %lld MB context in %lld ms; peak resident memory grew by %lld KiB",
              kSize / (1024 * 1024), timer.elapsed(), growthKiB);
        QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
        QVERIFY2(growthKiB < 64 * 1024, qPrintable(QString::number(growthKiB)));
        QCOMPARE(runImage(outcome.imageId,
                          {QStringLiteral("/bin/busybox"), QStringLiteral("stat"),
                           QStringLiteral("-c"), QStringLiteral("%s"), QStringLiteral("/big.bin")}),
                 QString::number(kSize) + u'\n');
        (void)m_bed->client().removeImage(outcome.imageId, true);
    }

    void reportsAnUnknownInstruction()
    {
        const QString root = context({
            {QStringLiteral("Dockerfile"), "FROM busybox:local\nFROBNICATE the widgets\n"},
        });
        const BuildOutcome outcome = build(request(root));
        QVERIFY(outcome.imageId.isEmpty());
        QVERIFY2(
            outcome.error.contains(QStringLiteral("unknown instruction"), Qt::CaseInsensitive) &&
                outcome.error.contains(QStringLiteral("FROBNICATE"), Qt::CaseInsensitive),
            qPrintable(outcome.error));
    }

    void reportsAFailingRunWithItsExitCode()
    {
        const QString root = context({
            {QStringLiteral("Dockerfile"),
             "FROM busybox:local\nRUN echo about to fail && exit 3\n"},
        });
        const BuildOutcome outcome = build(request(root));
        QVERIFY(outcome.imageId.isEmpty());
        QVERIFY2(outcome.error.contains(QStringLiteral("returned a non-zero code: 3")),
                 qPrintable(outcome.error));
        QVERIFY2(outcome.lines.contains(QStringLiteral("about to fail")),
                 qPrintable(outcome.lines.join(u'\n')));
    }

    void namesAMissingDockerfileBeforeAnyRequest()
    {
        const QString root = context({{QStringLiteral("app.txt"), "no Dockerfile here\n"}});
        // An endpoint nobody listens on: any request would fail with a connection error.
        const Result<DockerEndpoint> nowhere = DockerEndpoint::parse(
            QStringLiteral("unix://") + m_contexts.filePath(QStringLiteral("none.sock")));
        QVERIFY(nowhere.ok());
        DockerImageBuilder builder(*nowhere, QStringLiteral("1.41"));
        QSignalSpy finished(&builder, &DockerImageBuilder::finished);
        QVERIFY(builder.start(request(root)));
        QVERIFY(arrived(finished, 20000));
        const QString error = finished.at(0).at(1).toString();
        QVERIFY2(error.contains(root + QStringLiteral("/Dockerfile")) &&
                     error.contains(QStringLiteral("does not exist")) &&
                     !error.contains(QStringLiteral("none.sock")),
                 qPrintable(error));
        QVERIFY(finished.at(0).at(0).toString().isEmpty());
    }

    void cancelsARunningBuildPromptly()
    {
        const QString root = context({
            {QStringLiteral("Dockerfile"), "FROM busybox:local\nRUN echo sleeping && sleep 120\n"},
        });
        DockerBuildRequest build = request(root);
        build.noCache = true;
        auto builder = std::make_unique<DockerImageBuilder>(m_bed->client().endpoint(),
                                                            m_bed->client().apiVersion());
        QStringList lines;
        connect(builder.get(), &DockerImageBuilder::progress, this,
                [&lines](const QString& line) { lines.append(line); });
        QSignalSpy finished(builder.get(), &DockerImageBuilder::finished);
        QVERIFY(builder->start(build));
        QTRY_VERIFY_WITH_TIMEOUT(lines.contains(QStringLiteral("sleeping")), kBuildTimeoutMs);
        QVERIFY(builder->isRunning());

        QElapsedTimer timer;
        timer.start();
        builder->cancel();
        const qint64 cancelMs = timer.elapsed();
        qInfo("cancel() returned after %lld ms", cancelMs);
        QVERIFY2(cancelMs < 5000, qPrintable(QString::number(cancelMs)));
        QVERIFY(!builder->isRunning());
        QTest::qWait(300);
        QCOMPARE(finished.size(), 0);

        // The daemon ends the build when its client goes: the sleeping container goes away.
        const auto sleeping = [this] {
            const Result<QList<DockerContainer>> running = m_bed->client().containers(false);
            if (!running)
                return true;
            return std::any_of(running->begin(), running->end(), [](const DockerContainer& c) {
                return c.command.contains(QStringLiteral("sleep 120"));
            });
        };
        QTRY_VERIFY_WITH_TIMEOUT(!sleeping(), 30000);

        // A builder is reusable after a cancel.
        const QString quick = context({{QStringLiteral("Dockerfile"), "FROM busybox:local\n"}});
        QVERIFY(builder->start(request(quick)));
        QVERIFY(arrived(finished, kBuildTimeoutMs));
        QVERIFY2(finished.at(0).at(1).toString().isEmpty(),
                 qPrintable(finished.at(0).at(1).toString()));
    }

    void destroysARunningBuilderQuickly()
    {
        const QString root = context({
            {QStringLiteral("Dockerfile"), "FROM busybox:local\nRUN sleep 120\n"},
        });
        DockerBuildRequest build = request(root);
        build.noCache = true;
        for (const int afterMs : {0, 1500}) {
            auto builder = std::make_unique<DockerImageBuilder>(m_bed->client().endpoint(),
                                                                m_bed->client().apiVersion());
            QVERIFY(builder->start(build));
            QTest::qWait(afterMs);
            QElapsedTimer timer;
            timer.start();
            builder.reset();
            QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
        }
    }

    void cleanupTestCase() { m_bed.reset(); }
};

QTEST_GUILESS_MAIN(TestDockerBuild)
#include "tst_dockerbuild.moc"

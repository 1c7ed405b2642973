// The Docker client against a private dockerd: container lifecycle, error wording, events,
// stats, logs, and streams that end with an error when the daemon dies under them.
#include "docker/dockerclient.h"
#include "docker/dockerstream.h"
#include "fakes/dockertestbed.h"

#include <QJsonArray>
#include <QTest>

#include <memory>

using namespace launchdeck;

namespace {

constexpr int kEventTimeoutMs = 20000;
constexpr int kStatsTimeoutMs = 40000;

QString describe(const Error& error)
{
    return error.toString();
}

} // namespace

class TestDockerClient final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::DockerTestBed> m_bed;
    std::unique_ptr<DockerStream> m_events;
    QList<DockerEvent> m_received;

    DockerContainerSpec spec(const QString& name, const QStringList& cmd) const
    {
        return test::DockerTestBed::busyboxSpec(
            name, cmd, {}, {{QStringLiteral("launchdeck.test"), QStringLiteral("docker")}});
    }

    QString run(const QString& name, const QStringList& cmd)
    {
        const Result<QString> id = m_bed->run(spec(name, cmd));
        return id ? *id : QString();
    }

    bool sawEvent(const QString& id, const QString& action) const
    {
        for (const DockerEvent& event : m_received) {
            if (event.actorId == id && event.action == action)
                return true;
        }
        return false;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_bed = std::make_unique<test::DockerTestBed>();
        QString error;
        QVERIFY2(m_bed->start(&error), qPrintable(error));
        QCOMPARE(m_bed->client().apiVersion(), QStringLiteral("1.41"));
        QVERIFY(!m_bed->version().engineVersion.isEmpty());

        m_events = DockerStream::events(
            m_bed->client().endpoint(), m_bed->client().apiVersion(),
            QJsonObject{{QStringLiteral("type"), QJsonArray{QStringLiteral("container")}}});
        connect(m_events.get(), &DockerStream::eventsReceived, this,
                [this](const QList<DockerEvent>& events) { m_received += events; });
        m_events->start();
    }

    void listsImagesNetworksAndVolumes()
    {
        const Result<QList<DockerImage>> images = m_bed->client().images();
        QVERIFY(images.ok());
        bool found = false;
        for (const DockerImage& image : *images)
            found = found || image.repoTags.contains(QStringLiteral("busybox:local"));
        QVERIFY(found);
        const Result<QList<DockerNetwork>> networks = m_bed->client().networks();
        QVERIFY(networks.ok());
        QVERIFY(!networks->isEmpty()); // host and none always exist
        QVERIFY(m_bed->client().volumes().ok());
    }

    void runsAContainerThroughItsLifecycle()
    {
        DockerContainerSpec lifecycle =
            spec(QStringLiteral("ld-life"), {QStringLiteral("sleep"), QStringLiteral("300")});
        lifecycle.env.insert(QStringLiteral("STAGE"), QStringLiteral("test"));
        lifecycle.memoryBytes = 64 * 1024 * 1024;
        const Result<QString> id = m_bed->client().createContainer(lifecycle);
        QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : describe(id.error())));

        QCOMPARE(m_bed->client().startContainer(*id).value(), true);
        QCOMPARE(m_bed->client().startContainer(*id).value(), false); // 304: already running
        const Result<QJsonObject> inspected =
            m_bed->client().inspectContainer(QStringLiteral("ld-life"));
        QVERIFY(inspected.ok());
        QCOMPARE(inspected->value(QStringLiteral("Id")).toString(), *id);
        QVERIFY(inspected->value(QStringLiteral("State"))[QStringLiteral("Running")].toBool());
        QCOMPARE(
            inspected->value(QStringLiteral("HostConfig"))[QStringLiteral("Memory")].toInteger(),
            64 * 1024 * 1024);

        const Result<QList<DockerContainer>> listed = m_bed->client().containers();
        QVERIFY(listed.ok());
        const auto it = std::find_if(listed->begin(), listed->end(),
                                     [&](const DockerContainer& c) { return c.id == *id; });
        QVERIFY(it != listed->end());
        QCOMPARE(it->name, QStringLiteral("ld-life"));
        QCOMPARE(it->state, QStringLiteral("running"));
        QCOMPARE(it->labels.value(QStringLiteral("launchdeck.test")), QStringLiteral("docker"));

        QCOMPARE(m_bed->client().pauseContainer(*id).value(), true);
        QCOMPARE(m_bed->client().unpauseContainer(*id).value(), true);
        QCOMPARE(m_bed->client().renameContainer(*id, QStringLiteral("ld-life2")).value(), true);
        QCOMPARE(m_bed->client().stopContainer(*id, 1).value(), true);
        QCOMPARE(m_bed->client().stopContainer(*id, 1).value(), false); // 304: already stopped
        QCOMPARE(m_bed->client().removeContainer(*id).value(), true);

        for (const char* action : {"create", "start", "pause", "unpause", "die", "destroy"}) {
            QTRY_VERIFY2_WITH_TIMEOUT(
                sawEvent(*id, QLatin1String(action)),
                qPrintable(
                    QStringLiteral("no %1 event for the container").arg(QLatin1String(action))),
                kEventTimeoutMs);
        }
    }

    void namesTheContainerIn404And409()
    {
        const Result<bool> missing = m_bed->client().startContainer(QStringLiteral("ld-missing"));
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().message.contains(QStringLiteral("ld-missing")) &&
                     missing.error().message.contains(QStringLiteral("HTTP 404")),
                 qPrintable(missing.error().toString()));
        QVERIFY(missing.error().where.contains(m_bed->daemon().socketPath()));

        const QString id =
            run(QStringLiteral("ld-conflict"), {QStringLiteral("sleep"), QStringLiteral("300")});
        QVERIFY(!id.isEmpty());
        const Result<QString> duplicate = m_bed->client().createContainer(
            spec(QStringLiteral("ld-conflict"), {QStringLiteral("true")}));
        QVERIFY(!duplicate.ok());
        QVERIFY2(duplicate.error().message.contains(QStringLiteral("\"/ld-conflict\"")) &&
                     duplicate.error().message.contains(QStringLiteral("HTTP 409")),
                 qPrintable(duplicate.error().toString()));

        const Result<bool> running = m_bed->client().removeContainer(QStringLiteral("ld-conflict"));
        QVERIFY(!running.ok());
        QVERIFY2(running.error().message.contains(QStringLiteral("remove container ld-conflict")) &&
                     running.error().message.contains(QStringLiteral("HTTP 409")),
                 qPrintable(running.error().toString()));
        QCOMPARE(m_bed->client().removeContainer(id, true).value(), true);
    }

    void measuresBusyAndIdleContainers()
    {
        const QString busy =
            run(QStringLiteral("ld-busy"),
                {QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("yes > /dev/null")});
        const QString idle =
            run(QStringLiteral("ld-idle"), {QStringLiteral("sleep"), QStringLiteral("300")});
        QVERIFY(!busy.isEmpty() && !idle.isEmpty());

        double busiest = 0;
        QList<double> idleCpu;
        quint64 idleMemory = 0;
        auto busyStats =
            DockerStream::stats(m_bed->client().endpoint(), m_bed->client().apiVersion(), busy);
        auto idleStats =
            DockerStream::stats(m_bed->client().endpoint(), m_bed->client().apiVersion(), idle);
        connect(busyStats.get(), &DockerStream::statsSampled, busyStats.get(),
                [&](const DockerStatsSample& s) { busiest = std::max(busiest, s.cpuPercent); });
        connect(idleStats.get(), &DockerStream::statsSampled, idleStats.get(),
                [&](const DockerStatsSample& s) {
                    idleCpu.append(s.cpuPercent);
                    idleMemory = s.memoryUsedBytes;
                });
        busyStats->start();
        idleStats->start();

        // A spinning process owns a core when the machine is quiet; a loaded two-core test run
        // still gives it a fifth, far above the idle container's few hundredths.
        QTRY_VERIFY2_WITH_TIMEOUT(busiest > 20,
                                  qPrintable(QStringLiteral("busiest sample %1 %").arg(busiest)),
                                  kStatsTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(idleCpu.size() >= 4, kStatsTimeoutMs);
        // The first frame has no precpu and reads 0 whatever the load; the rest must be quiet.
        for (qsizetype i = 1; i < idleCpu.size(); ++i)
            QVERIFY2(idleCpu.at(i) < 5,
                     qPrintable(QStringLiteral("idle at %1 %").arg(idleCpu.at(i))));
        QVERIFY(idleMemory > 0);

        busyStats->cancel();
        idleStats->cancel();
        QVERIFY(!busyStats->isRunning());
        QCOMPARE(m_bed->client().removeContainer(busy, true).value(), true);
        QCOMPARE(m_bed->client().removeContainer(idle, true).value(), true);
    }

    void tellsStdoutFromStderr()
    {
        const QString id = run(QStringLiteral("ld-logs"),
                               {QStringLiteral("sh"), QStringLiteral("-c"),
                                QStringLiteral("echo out; echo err >&2; sleep 1; echo done")});
        QVERIFY(!id.isEmpty());
        DockerLogOptions options;
        options.timestamps = true;
        auto logs = DockerStream::logs(m_bed->client().endpoint(), m_bed->client().apiVersion(), id,
                                       options);
        QList<DockerLogLine> lines;
        bool finished = false;
        QString finishError;
        connect(logs.get(), &DockerStream::logLinesReceived, logs.get(),
                [&](const QList<DockerLogLine>& batch) { lines += batch; });
        connect(logs.get(), &DockerStream::finished, logs.get(), [&](const QString& error) {
            finished = true;
            finishError = error;
        });
        logs->start();
        // Following ends by itself when the container exits.
        QTRY_VERIFY_WITH_TIMEOUT(finished, kEventTimeoutMs);
        QVERIFY2(finishError.isEmpty(), qPrintable(finishError));
        QCOMPARE(lines.size(), 3);
        QList<QByteArray> stdoutLines;
        QList<QByteArray> stderrLines;
        for (const DockerLogLine& line : lines) {
            QVERIFY(line.timestamp.isValid());
            (line.stream == DockerLogStream::Stderr ? stderrLines : stdoutLines).append(line.text);
        }
        QCOMPARE(stdoutLines, (QList<QByteArray>{"out", "done"}));
        QCOMPARE(stderrLines, QList<QByteArray>{"err"});
        QCOMPARE(m_bed->client().removeContainer(id, true).value(), true);
    }

    void reportsStatsOfAMissingContainer()
    {
        auto stats = DockerStream::stats(m_bed->client().endpoint(), m_bed->client().apiVersion(),
                                         QStringLiteral("ld-nothing"));
        QString error;
        connect(stats.get(), &DockerStream::finished, stats.get(),
                [&](const QString& message) { error = message; });
        stats->start();
        QTRY_VERIFY_WITH_TIMEOUT(!error.isEmpty(), kEventTimeoutMs);
        QVERIFY2(error.contains(QStringLiteral("ld-nothing")) &&
                     error.contains(QStringLiteral("HTTP 404")),
                 qPrintable(error));
    }

    // Last: it kills the daemon.
    void endsStreamsWhenTheDaemonDies()
    {
        const QString id = run(QStringLiteral("ld-victim"),
                               {QStringLiteral("sh"), QStringLiteral("-c"),
                                QStringLiteral("while true; do echo tick; sleep 0.2; done")});
        QVERIFY(!id.isEmpty());
        auto stats =
            DockerStream::stats(m_bed->client().endpoint(), m_bed->client().apiVersion(), id);
        auto logs = DockerStream::logs(m_bed->client().endpoint(), m_bed->client().apiVersion(), id,
                                       DockerLogOptions());
        int samples = 0;
        int lines = 0;
        QStringList errors;
        connect(stats.get(), &DockerStream::statsSampled, stats.get(), [&] { ++samples; });
        connect(logs.get(), &DockerStream::logLinesReceived, logs.get(),
                [&](const QList<DockerLogLine>& batch) { lines += int(batch.size()); });
        // Queued signals still on their way when this function returns must not reach its
        // locals: they die with the receiving context, which goes before them.
        QObject guard;
        for (DockerStream* stream : {stats.get(), logs.get(), m_events.get()}) {
            connect(stream, &DockerStream::finished, &guard,
                    [&](const QString& error) { errors.append(error); });
        }
        stats->start();
        logs->start();
        QTRY_VERIFY_WITH_TIMEOUT(samples > 0 && lines > 0, kEventTimeoutMs);

        m_bed->daemon().kill();
        QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 3, kEventTimeoutMs);
        for (const QString& error : errors)
            QVERIFY2(!error.isEmpty(), "a stream ended without an error when the daemon died");
        QVERIFY(!stats->isRunning() && !logs->isRunning() && !m_events->isRunning());

        const Result<bool> ping = m_bed->client().ping();
        QVERIFY(!ping.ok());
        QVERIFY2(ping.error().toString().contains(m_bed->daemon().socketPath()),
                 qPrintable(ping.error().toString()));
    }

    void cleanupTestCase()
    {
        m_events.reset();
        m_bed.reset();
    }
};

QTEST_GUILESS_MAIN(TestDockerClient)
#include "tst_dockerclient.moc"

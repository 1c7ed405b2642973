// DockerHost against a private dockerd: the reset after connecting, the keyed changes that
// follow, stats of busy and idle containers, actions and their errors, an event storm, a daemon
// killed and started again, and a destructor that does not wait for a hung daemon.
#include "docker/dockerclient.h"
#include "docker/dockerhost.h"
#include "docker/dockerhoststate.h"
#include "dockercontainersmodel.h"
#include "fakes/dockertestbed.h"

#include <QAbstractItemModelTester>

#include <QElapsedTimer>
#include <QProcess>
#include <QTest>
#include <QTimer>

#include <atomic>
#include <memory>
#include <thread>

using namespace launchdeck;

namespace {

constexpr int kSettleMs = 10000;
constexpr int kStatsMs = 30000;

DockerContainer container(const QString& id, const QString& state)
{
    DockerContainer c;
    c.id = id;
    c.name = id;
    c.state = state;
    return c;
}

// What a model would keep: the host's signals applied to a table keyed by id.
class Mirror final : public QObject
{
public:
    QHash<QString, DockerContainer> containers;
    int resets = 0;
    int changeBatches = 0;
    int eventCount = 0;
    QList<DockerHostStatus> statuses;
    QList<DockerImage> images;
    QList<DockerNetwork> networks;
    QHash<QString, QList<double>> cpu;
    QHash<quint64, QString> actions;
    QHash<quint64, std::pair<QJsonObject, QString>> inspected;
    QHash<quint64, QString> imagesRemoved;

    void attach(DockerHost* host)
    {
        connect(host, &DockerHost::statusChanged, this,
                [this](const DockerHostStatus& status) { statuses.append(status); });
        connect(host, &DockerHost::containersReset, this,
                [this](const QList<DockerContainer>& list) {
                    ++resets;
                    containers.clear();
                    for (const DockerContainer& c : list)
                        containers.insert(c.id, c);
                });
        connect(host, &DockerHost::containersChanged, this,
                [this](const QList<DockerContainer>& list) {
                    ++changeBatches;
                    for (const DockerContainer& c : list)
                        containers.insert(c.id, c);
                });
        connect(host, &DockerHost::containersRemoved, this, [this](const QStringList& ids) {
            for (const QString& id : ids)
                containers.remove(id);
        });
        connect(host, &DockerHost::imagesReset, this,
                [this](const QList<DockerImage>& list) { images = list; });
        connect(host, &DockerHost::networksReset, this,
                [this](const QList<DockerNetwork>& list) { networks = list; });
        connect(host, &DockerHost::eventsReceived, this,
                [this](const QList<DockerEvent>& events) { eventCount += int(events.size()); });
        connect(host, &DockerHost::statsSampled, this,
                [this](const QList<DockerStatsSample>& samples) {
                    for (const DockerStatsSample& sample : samples)
                        cpu[sample.containerId].append(sample.cpuPercent);
                });
        connect(host, &DockerHost::actionFinished, this,
                [this](quint64 request, const QString& error) { actions.insert(request, error); });
        connect(host, &DockerHost::containerInspected, this,
                [this](quint64 request, const QJsonObject& object, const QString& error) {
                    inspected.insert(request, {object, error});
                });
        connect(host, &DockerHost::imageRemoved, this,
                [this](quint64 request, const QString& error) {
                    imagesRemoved.insert(request, error);
                });
    }

    QMap<QString, QString> states() const
    {
        QMap<QString, QString> result;
        for (const DockerContainer& c : containers)
            result.insert(c.id, c.name + u' ' + c.state);
        return result;
    }
    DockerConnectionState state() const
    {
        return statuses.isEmpty() ? DockerConnectionState::Connecting : statuses.last().state;
    }
};

// The longest time the test's event loop went without serving a 5 ms timer.
class StallMeter final
{
public:
    StallMeter()
    {
        m_timer.setInterval(5);
        QObject::connect(&m_timer, &QTimer::timeout, &m_timer,
                         [this] { m_longest = std::max(m_longest, m_clock.restart()); });
        m_clock.start();
        m_timer.start();
    }
    qint64 longestMs() const { return m_longest; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_longest = 0;
};

} // namespace

class TestDockerHost final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::DockerTestBed> m_bed;
    std::unique_ptr<DockerHost> m_host;
    std::unique_ptr<Mirror> m_mirror;
    std::unique_ptr<DockerContainersModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_modelTester;

    static DockerContainerSpec spec(const QString& name, const QStringList& cmd)
    {
        return test::DockerTestBed::busyboxSpec(name, cmd);
    }

    QString run(const QString& name, const QStringList& cmd)
    {
        const Result<QString> id = m_bed->run(spec(name, cmd));
        return id ? *id : QString();
    }

    QMap<QString, QString> daemonStates() const
    {
        QMap<QString, QString> result;
        const Result<QList<DockerContainer>> listed = m_bed->client().containers(true);
        if (!listed)
            return {{QStringLiteral("error"), listed.error().toString()}};
        for (const DockerContainer& c : *listed)
            result.insert(c.id, c.name + u' ' + c.state);
        return result;
    }

    // The docker CLI's view, which shares no code with the console.
    QStringList cliIds() const
    {
        QProcess docker;
        docker.start(QStringLiteral("docker"),
                     {QStringLiteral("-H"), m_bed->daemon().host(), QStringLiteral("ps"),
                      QStringLiteral("-a"), QStringLiteral("-q"), QStringLiteral("--no-trunc")});
        if (!docker.waitForFinished(30000) || docker.exitCode() != 0)
            return {QStringLiteral("docker ps failed: ") +
                    QString::fromUtf8(docker.readAllStandardError())};
        QStringList ids =
            QString::fromUtf8(docker.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
        ids.sort();
        return ids;
    }

    // The ids the console's container table shows, fed by the same host.
    QStringList modelIds() const
    {
        QStringList ids;
        for (int row = 0; row < m_model->rowCount(); ++row)
            ids.append(m_model->index(row, 0).data(DockerContainersModel::IdRole).toString());
        ids.sort();
        return ids;
    }

    QStringList mirroredIds() const
    {
        QStringList ids = m_mirror->containers.keys();
        ids.sort();
        return ids;
    }

private Q_SLOTS:
    void diffsListAnswers()
    {
        DockerHostState state;
        state.reset({container(QStringLiteral("a"), QStringLiteral("running")),
                     container(QStringLiteral("b"), QStringLiteral("exited"))});
        DockerContainerDelta delta =
            state.applyListed({QStringLiteral("b"), QStringLiteral("c")},
                              {container(QStringLiteral("c"), QStringLiteral("created"))});
        QCOMPARE(delta.changed.size(), 1);
        QCOMPARE(delta.changed.first().id, QStringLiteral("c"));
        QCOMPARE(delta.removed, QStringList{QStringLiteral("b")});
        QVERIFY(state.isRunning(QStringLiteral("a")));

        // A full list: a changed without an event is still told, c is untouched, d is new.
        delta = state.applyFull({}, {container(QStringLiteral("a"), QStringLiteral("exited")),
                                     container(QStringLiteral("c"), QStringLiteral("created")),
                                     container(QStringLiteral("d"), QStringLiteral("running"))});
        QStringList changed;
        for (const DockerContainer& c : delta.changed)
            changed.append(c.id);
        changed.sort();
        QCOMPARE(changed, (QStringList{QStringLiteral("a"), QStringLiteral("d")}));
        QVERIFY(delta.removed.isEmpty());
        delta = state.applyFull({QStringLiteral("c")}, {});
        QCOMPARE(delta.removed.size(), 3);
        QVERIFY(state.containers().isEmpty());
    }

    void initTestCase()
    {
        m_bed = std::make_unique<test::DockerTestBed>();
        QString error;
        QVERIFY2(m_bed->start(&error), qPrintable(error));
        // Some state before the host connects.
        QVERIFY(!run(QStringLiteral("ld-pre-run"), {QStringLiteral("sleep"), QStringLiteral("300")})
                     .isEmpty());
        QVERIFY(m_bed->run(spec(QStringLiteral("ld-pre-created"), {QStringLiteral("true")}), false)
                    .ok());
    }

    void resetEqualsTheDaemon()
    {
        DockerHostOptions options;
        options.firstBackoffMs = 200;
        options.maxBackoffMs = 1600;
        m_host = std::make_unique<DockerHost>(QStringLiteral("test"), m_bed->endpoint(), options);
        m_mirror = std::make_unique<Mirror>();
        m_mirror->attach(m_host.get());
        m_model = std::make_unique<DockerContainersModel>();
        m_modelTester = std::make_unique<QAbstractItemModelTester>(
            m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        connect(m_host.get(), &DockerHost::containersReset, m_model.get(),
                &DockerContainersModel::applyReset);
        connect(m_host.get(), &DockerHost::containersChanged, m_model.get(),
                &DockerContainersModel::applyChanged);
        connect(m_host.get(), &DockerHost::containersRemoved, m_model.get(),
                &DockerContainersModel::applyRemoved);
        m_host->start();
        QTRY_COMPARE_WITH_TIMEOUT(m_mirror->state(), DockerConnectionState::Connected, kSettleMs);
        QCOMPARE(m_mirror->statuses.first().state, DockerConnectionState::Connecting);
        QCOMPARE(m_mirror->resets, 1);
        QCOMPARE(m_mirror->states(), daemonStates());
        QCOMPARE(m_mirror->containers.size(), 2);
        QCOMPARE(m_host->apiVersion(), QStringLiteral("1.41"));
        QVERIFY(!m_host->status().version.engineVersion.isEmpty());
        QVERIFY(std::any_of(m_mirror->images.cbegin(), m_mirror->images.cend(),
                            [](const DockerImage& image) {
                                return image.repoTags.contains(QStringLiteral("busybox:local"));
                            }));
        QVERIFY(std::any_of(
            m_mirror->networks.cbegin(), m_mirror->networks.cend(),
            [](const DockerNetwork& network) { return network.name == QLatin1String("none"); }));
    }

    void followsTheLifecycle()
    {
        const Result<QString> id = m_bed->client().createContainer(
            spec(QStringLiteral("ld-life"), {QStringLiteral("sleep"), QStringLiteral("300")}));
        QVERIFY(id.ok());
        QTRY_COMPARE_WITH_TIMEOUT(m_mirror->containers.value(*id).state, QStringLiteral("created"),
                                  kSettleMs);
        QCOMPARE(m_mirror->states(), daemonStates());

        const auto step = [&](const Result<bool>& done, const QString& state) {
            QVERIFY(done.ok());
            QTRY_COMPARE_WITH_TIMEOUT(m_mirror->containers.value(*id).state, state, kSettleMs);
            QCOMPARE(m_mirror->states(), daemonStates());
        };
        step(m_bed->client().startContainer(*id), QStringLiteral("running"));
        step(m_bed->client().pauseContainer(*id), QStringLiteral("paused"));
        step(m_bed->client().unpauseContainer(*id), QStringLiteral("running"));
        step(m_bed->client().stopContainer(*id, 1), QStringLiteral("exited"));
        const int batches = m_mirror->changeBatches;
        QVERIFY(m_bed->client().removeContainer(*id).ok());
        QTRY_VERIFY_WITH_TIMEOUT(!m_mirror->containers.contains(*id), kSettleMs);
        QCOMPARE(m_mirror->states(), daemonStates());
        QCOMPARE(m_mirror->changeBatches, batches); // a removal is not a change
        QVERIFY(m_mirror->eventCount >= 6);
        QCOMPARE(m_mirror->resets, 1);
    }

    void samplesBusyAndIdleContainers()
    {
        const QString busy =
            run(QStringLiteral("ld-busy"),
                {QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("yes > /dev/null")});
        const QString idle =
            run(QStringLiteral("ld-idle"), {QStringLiteral("sleep"), QStringLiteral("300")});
        QVERIFY(!busy.isEmpty() && !idle.isEmpty());
        const auto busiest = [&] {
            const QList<double> samples = m_mirror->cpu.value(busy);
            return samples.isEmpty() ? 0.0 : *std::max_element(samples.begin(), samples.end());
        };
        // A spinning process owns a core when the machine is quiet; a loaded two-core test run
        // still gives it a fifth, far above the idle container's few hundredths.
        QTRY_VERIFY2_WITH_TIMEOUT(
            busiest() > 20, qPrintable(QStringLiteral("busiest %1 %").arg(busiest())), kStatsMs);
        QTRY_VERIFY_WITH_TIMEOUT(m_mirror->cpu.value(idle).size() >= 4, kStatsMs);
        const QList<double> idleCpu = m_mirror->cpu.value(idle);
        // The first frame has no precpu and reads 0 whatever the load.
        for (qsizetype i = 1; i < idleCpu.size(); ++i)
            QVERIFY2(idleCpu.at(i) < 5,
                     qPrintable(QStringLiteral("idle at %1 %").arg(idleCpu.at(i))));
        qInfo("busy container at %.0f %% CPU, idle at most %.2f %%", busiest(),
              *std::max_element(idleCpu.begin() + 1, idleCpu.end()));

        // Its stream ends with it: no samples once the host saw it exit.
        QVERIFY(m_bed->client().stopContainer(busy, 1).ok());
        QTRY_COMPARE_WITH_TIMEOUT(m_mirror->containers.value(busy).state, QStringLiteral("exited"),
                                  kSettleMs);
        QTest::qWait(1000);
        const qsizetype afterExit = m_mirror->cpu.value(busy).size();
        const qsizetype idleBefore = m_mirror->cpu.value(idle).size();
        QTest::qWait(2500);
        QCOMPARE(m_mirror->cpu.value(busy).size(), afterExit);
        QVERIFY(m_mirror->cpu.value(idle).size() >= idleBefore + 2);
        QVERIFY(m_bed->client().removeContainer(busy, true).ok());
    }

    void answersActions()
    {
        // PID 1 ignores SIGTERM: the stop waits out its ten seconds on the action pool.
        const QString ignoresTerm = run(QStringLiteral("ld-ignores-term"),
                                        {QStringLiteral("sleep"), QStringLiteral("300")});
        QVERIFY(!ignoresTerm.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(m_mirror->containers.contains(ignoresTerm), kSettleMs);
        QElapsedTimer stopping;
        stopping.start();
        const quint64 stop = m_host->containerAction(DockerContainerAction::Stop, ignoresTerm);

        // Meanwhile events, stats and other actions go on.
        const Result<QString> meanwhile = m_bed->client().createContainer(
            spec(QStringLiteral("ld-meanwhile"), {QStringLiteral("true")}));
        QVERIFY(meanwhile.ok());
        QTRY_VERIFY_WITH_TIMEOUT(m_mirror->containers.contains(*meanwhile), 2000);
        QString idle;
        for (const DockerContainer& c : std::as_const(m_mirror->containers)) {
            if (c.name == QLatin1String("ld-idle"))
                idle = c.id;
        }
        const qsizetype idleSamples = m_mirror->cpu.value(idle).size();
        QTRY_VERIFY_WITH_TIMEOUT(m_mirror->cpu.value(idle).size() >= idleSamples + 2, 4000);

        const quint64 inspect = m_host->inspectContainer(QStringLiteral("ld-pre-run"));
        const quint64 missing =
            m_host->containerAction(DockerContainerAction::Start, QStringLiteral("ld-missing"));
        const quint64 conflict =
            m_host->containerAction(DockerContainerAction::Remove, QStringLiteral("ld-pre-run"));
        const quint64 rename =
            m_host->containerAction(DockerContainerAction::Rename, QStringLiteral("ld-pre-created"),
                                    QStringLiteral("ld-renamed"));
        const quint64 image = m_host->removeImage(QStringLiteral("ld-no-such-image"), false);
        QCOMPARE(QSet<quint64>({stop, inspect, missing, conflict, rename, image}).size(), 6);

        QTRY_VERIFY_WITH_TIMEOUT(
            m_mirror->inspected.contains(inspect) && m_mirror->actions.contains(missing) &&
                m_mirror->actions.contains(conflict) && m_mirror->actions.contains(rename) &&
                m_mirror->imagesRemoved.contains(image),
            5000);
        QVERIFY2(!m_mirror->actions.contains(stop), "the stop cannot be done this early");
        QVERIFY(stopping.elapsed() < 8000);

        const auto [object, inspectError] = m_mirror->inspected.value(inspect);
        QVERIFY2(inspectError.isEmpty(), qPrintable(inspectError));
        QCOMPARE(object.value(QStringLiteral("Name")).toString(), QStringLiteral("/ld-pre-run"));
        const QString missingError = m_mirror->actions.value(missing);
        QVERIFY2(missingError.contains(QStringLiteral("start container ld-missing")) &&
                     missingError.contains(QStringLiteral("No such container")) &&
                     missingError.contains(QStringLiteral("HTTP 404")),
                 qPrintable(missingError));
        const QString conflictError = m_mirror->actions.value(conflict);
        QVERIFY2(conflictError.contains(QStringLiteral("remove container ld-pre-run")) &&
                     conflictError.contains(QStringLiteral("HTTP 409")),
                 qPrintable(conflictError));
        QVERIFY2(m_mirror->actions.value(rename).isEmpty(),
                 qPrintable(m_mirror->actions.value(rename)));
        const QString imageError = m_mirror->imagesRemoved.value(image);
        QVERIFY2(imageError.contains(QStringLiteral("ld-no-such-image")) &&
                     imageError.contains(QStringLiteral("HTTP 404")),
                 qPrintable(imageError));
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(m_mirror->containers.cbegin(),
                                             m_mirror->containers.cend(),
                                             [](const DockerContainer& c) {
                                                 return c.name == QLatin1String("ld-renamed");
                                             }),
                                 kSettleMs);

        const quint64 forced = m_host->containerAction(
            DockerContainerAction::Remove, QStringLiteral("ld-pre-run"), QStringLiteral("force"));
        QTRY_VERIFY_WITH_TIMEOUT(m_mirror->actions.contains(forced), kSettleMs);
        QVERIFY2(m_mirror->actions.value(forced).isEmpty(),
                 qPrintable(m_mirror->actions.value(forced)));

        QTRY_VERIFY_WITH_TIMEOUT(m_mirror->actions.contains(stop), 30000);
        QVERIFY2(m_mirror->actions.value(stop).isEmpty(),
                 qPrintable(m_mirror->actions.value(stop)));
        qInfo("the stop of a container that ignores SIGTERM answered after %lld ms",
              stopping.elapsed());
        QTRY_COMPARE_WITH_TIMEOUT(m_mirror->states(), daemonStates(), kSettleMs);
    }

    void keepsUpWithAnEventStorm()
    {
        constexpr int kWriters = 4;
        constexpr int kPerWriter = 250;
        std::atomic<int> created{0};
        std::atomic<int> removed{0};
        std::atomic<int> failures{0};
        std::atomic<int> finished{0};
        QElapsedTimer storm;
        storm.start();
        const int eventsBefore = m_mirror->eventCount;
        std::vector<std::thread> writers;
        for (int w = 0; w < kWriters; ++w) {
            writers.emplace_back([&, w] {
                DockerClient client(m_bed->endpoint());
                if (!client.negotiate()) {
                    failures += kPerWriter;
                    ++finished;
                    return;
                }
                for (int i = 0; i < kPerWriter; ++i) {
                    DockerContainerSpec one = spec(QStringLiteral("ld-storm-%1-%2").arg(w).arg(i),
                                                   {QStringLiteral("true")});
                    const Result<QString> id = client.createContainer(one);
                    if (!id) {
                        ++failures;
                        continue;
                    }
                    ++created;
                    // One in ten stays, so that the end state is not merely empty.
                    if (i % 10 != 0) {
                        if (client.removeContainer(*id).ok())
                            ++removed;
                        else
                            ++failures;
                    }
                }
                ++finished;
            });
        }
        StallMeter meter;
        QTRY_COMPARE_WITH_TIMEOUT(finished.load(), kWriters, 120000);
        for (std::thread& writer : writers)
            writer.join();
        const qint64 stormMs = storm.elapsed();
        QCOMPARE(failures.load(), 0);
        QCOMPARE(created.load(), kWriters * kPerWriter);

        QElapsedTimer settling;
        settling.start();
        QTRY_COMPARE_WITH_TIMEOUT(mirroredIds(), cliIds(), kSettleMs);
        QCOMPARE(m_mirror->states(), daemonStates());
        QCOMPARE(modelIds(), cliIds());
        qInfo("storm: %d created and %d removed in %lld ms; %d events; mirror equal to docker ps "
              "%lld ms after the last removal; longest stall of the test's loop %lld ms",
              created.load(), removed.load(), stormMs, m_mirror->eventCount - eventsBefore,
              settling.elapsed(), meter.longestMs());
        QCOMPARE(m_mirror->resets, 1);
    }

    void reconnectsAfterTheDaemonDies()
    {
        const int resets = m_mirror->resets;
        m_bed->daemon().kill();
        QElapsedTimer clock;
        clock.start();
        {
            StallMeter meter;
            QTRY_COMPARE_WITH_TIMEOUT(m_mirror->state(), DockerConnectionState::Disconnected, 5000);
            const qint64 noticed = clock.elapsed();
            // Let it fail again on a daemon that is not there, backing off.
            QTRY_VERIFY_WITH_TIMEOUT(m_host->status().attempt >= 3, 5000);
            qInfo("disconnected %lld ms after the kill; longest stall %lld ms", noticed,
                  meter.longestMs());
            // Bounded far above the few ms the worker thread allows, so a loaded machine passes
            // and a GUI thread that waits on the daemon fails.
            QVERIFY2(meter.longestMs() < 1000,
                     qPrintable(QStringLiteral("stalled %1 ms").arg(meter.longestMs())));
        }
        const DockerHostStatus status = m_host->status();
        QVERIFY2(status.error.contains(m_bed->daemon().socketPath()), qPrintable(status.error));
        QList<int> backoffs;
        for (const DockerHostStatus& s : std::as_const(m_mirror->statuses)) {
            if (s.state == DockerConnectionState::Disconnected)
                backoffs.append(s.retryInMs);
        }
        QVERIFY(backoffs.size() >= 3);
        QCOMPARE(backoffs.mid(backoffs.size() - 3, 3).first() * 2,
                 backoffs.mid(backoffs.size() - 2, 1).first());

        QString error;
        QVERIFY2(m_bed->daemon().restart(&error), qPrintable(error));
        StallMeter meter;
        clock.restart();
        m_host->retryNow();
        QTRY_COMPARE_WITH_TIMEOUT(m_mirror->state(), DockerConnectionState::Connected, kSettleMs);
        qInfo("connected %lld ms after retryNow(); longest stall %lld ms", clock.elapsed(),
              meter.longestMs());
        QVERIFY2(meter.longestMs() < 1000,
                 qPrintable(QStringLiteral("stalled %1 ms").arg(meter.longestMs())));
        QCOMPARE(m_mirror->resets, resets + 1);
        QCOMPARE(m_host->status().attempt, 0);
        QCOMPARE(mirroredIds(), cliIds());
        QCOMPARE(modelIds(), cliIds());
        // And it follows events again.
        const Result<QString> after = m_bed->client().createContainer(
            spec(QStringLiteral("ld-after"), {QStringLiteral("true")}));
        QVERIFY(after.ok());
        QTRY_VERIFY_WITH_TIMEOUT(m_mirror->containers.contains(*after), kSettleMs);
    }

    void noticesADaemonThatStopsAnswering()
    {
        DockerHostOptions options;
        options.heartbeatMs = 500;
        options.heartbeatTimeoutMs = 2000;
        options.firstBackoffMs = 200;
        DockerHost host(QStringLiteral("frozen"), m_bed->endpoint(), options);
        host.start();
        QTRY_VERIFY_WITH_TIMEOUT(host.status().state == DockerConnectionState::Connected,
                                 kSettleMs);
        // Stopped, not killed: its sockets stay open and the events stream merely goes quiet.
        m_bed->daemon().freeze();
        QElapsedTimer clock;
        clock.start();
        QTRY_VERIFY_WITH_TIMEOUT(host.status().state == DockerConnectionState::Disconnected, 10000);
        const qint64 noticed = clock.elapsed();
        QVERIFY2(host.status().error.contains(u"stopped answering"),
                 qPrintable(host.status().error));
        m_bed->daemon().thaw();
        host.retryNow();
        QTRY_VERIFY_WITH_TIMEOUT(host.status().state == DockerConnectionState::Connected,
                                 kSettleMs);
        qInfo("a frozen daemon was noticed after %lld ms; reconnected once it went on", noticed);
    }

    void letsGoOfAHungDaemon()
    {
        auto host = std::make_unique<DockerHost>(QStringLiteral("hung"), m_bed->endpoint());
        host->start();
        QTRY_VERIFY_WITH_TIMEOUT(host->status().state == DockerConnectionState::Connected,
                                 kSettleMs);
        m_bed->daemon().freeze();
        host->inspectContainer(QStringLiteral("ld-after"));
        host->containerAction(DockerContainerAction::Stop, QStringLiteral("ld-after"));
        QTest::qWait(200); // the calls are on their way to a daemon that does not answer
        QElapsedTimer clock;
        clock.start();
        host.reset();
        const qint64 destroyed = clock.elapsed();
        m_bed->daemon().thaw();
        qInfo("destroyed in %lld ms with calls blocked on a frozen daemon", destroyed);
        QVERIFY2(destroyed < 3000, qPrintable(QStringLiteral("took %1 ms").arg(destroyed)));
    }

    void cleanupTestCase()
    {
        m_host.reset();
        m_mirror.reset();
        if (m_bed)
            m_bed->daemon().thaw();
        m_bed.reset();
    }
};

QTEST_GUILESS_MAIN(TestDockerHost)
#include "tst_dockerhost.moc"

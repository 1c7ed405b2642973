// A real HAProxy in front of two busybox httpd backends: start, attach, weights, drain and
// maintenance, 5xx counters, health checks, reload under load, stop.
#include "fakes/httpget.h"
#include "fakes/localhttpserver.h"
#include "traffic/haproxyconfig.h"
#include "traffic/haproxyprocess.h"
#include "traffic/haproxyruntime.h"

#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <memory>
#include <optional>
#include <thread>

using namespace launchdeck;
using namespace launchdeck::traffic;
using launchdeck::test::HttpAnswer;
using launchdeck::test::httpGet;
using launchdeck::test::LocalHttpServer;

namespace {

template <typename T> QString errorText(const Result<T>& result)
{
    return result.ok() ? QString() : result.error().toString();
}

} // namespace

class TestHaproxy final : public QObject
{
    Q_OBJECT

private:
    HaproxyConfig config() const
    {
        HaproxyConfig c;
        c.environment = QStringLiteral("web");
        c.listen = u"127.0.0.1:" + QString::number(m_port);
        c.servers = {{QStringLiteral("blue"), QStringLiteral("127.0.0.1"), m_blue.port(), 100},
                     {QStringLiteral("green"), QStringLiteral("127.0.0.1"), m_green.port(), 100}};
        c.health.interval = std::chrono::milliseconds(200);
        c.health.fall = 2;
        c.health.rise = 1;
        c.timeouts.hardStopAfter = std::chrono::seconds(5);
        return c;
    }
    QByteArray rendered(const HaproxyConfig& c) const
    {
        return renderHaproxyConfig(c, HaproxyFolder{m_dir.path()}).value();
    }
    QString entry(const QString& path = QStringLiteral("/")) const
    {
        return u"http://127.0.0.1:" + QString::number(m_port) + path;
    }
    // Bodies of `count` requests through HAProxy, counted by body.
    QMap<QByteArray, int> spread(int count, const QString& path = QStringLiteral("/")) const
    {
        QMap<QByteArray, int> seen;
        for (int i = 0; i < count; ++i) {
            const HttpAnswer answer = httpGet(entry(path));
            seen[answer.status == 200 ? answer.body.trimmed()
                                      : "status " + QByteArray::number(answer.status)]++;
        }
        return seen;
    }
    std::optional<HaproxyServerStats> server(const QString& name) const
    {
        const auto stats = m_process->runtime().serverStats(QStringLiteral("web"), name);
        return stats.ok() ? std::optional(*stats) : std::nullopt;
    }
    ServerStatus statusOf(const QString& name) const
    {
        const auto s = server(name);
        return s ? s->status : ServerStatus::Unknown;
    }
    void setWeights(int blue, int green)
    {
        const HaproxyRuntime runtime = m_process->runtime();
        QVERIFY(runtime.setWeight(QStringLiteral("web"), QStringLiteral("blue"), blue).ok());
        QVERIFY(runtime.setWeight(QStringLiteral("web"), QStringLiteral("green"), green).ok());
    }

    LocalHttpServer m_blue;
    LocalHttpServer m_green;
    QTemporaryDir m_dir;
    quint16 m_port = 0;
    std::optional<HaproxyProcess> m_process;
    QList<qint64> m_pids; // every haproxy pid seen, so cleanup can make sure none is left

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        for (auto [backend, body] :
             {std::pair{&m_blue, "blue\n"}, std::pair{&m_green, "green\n"}}) {
            QString error;
            QVERIFY2(backend->start(&error), qPrintable(error));
            QVERIFY(backend->writeFile(QStringLiteral("index.html"), body));
            QVERIFY(backend->writeFile(QStringLiteral("healthz"), "ok\n"));
        }
        m_port = launchdeck::test::pickFreeLoopbackPort();
        QVERIFY(m_port > 0);
    }

    void cleanupTestCase()
    {
        if (m_process)
            QVERIFY(m_process->stop(std::chrono::seconds(2)).ok());
        m_blue.stop();
        m_green.stop();
    }

    void startsDetachedAndServesBothColours()
    {
        auto started = HaproxyProcess::start(HaproxyFolder{m_dir.path()}, rendered(config()));
        QVERIFY2(started.ok(), qPrintable(errorText(started)));
        m_process.emplace(std::move(started).value());
        m_pids.append(m_process->pid());
        QVERIFY(HaproxyProcess::isHaproxyRunning(m_process->pid()));
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(QStringLiteral("blue")), ServerStatus::Up, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(QStringLiteral("green")), ServerStatus::Up, 5000);
        const auto seen = spread(10);
        QCOMPARE(seen.value("blue") + seen.value("green"), 10);
        QVERIFY(seen.value("blue") > 0 && seen.value("green") > 0);
        // HAProxy counts a server up from the start, before its first check has answered: the
        // check's own status says so a moment later.
        QTRY_COMPARE_WITH_TIMEOUT(server(QStringLiteral("blue"))->checkStatus, u"L7OK"_qs, 5000);
    }

    void attachesFromAFreshObject()
    {
        auto attached = HaproxyProcess::attach(HaproxyFolder{m_dir.path()});
        QVERIFY2(attached.ok(), qPrintable(errorText(attached)));
        QCOMPARE(attached->pid(), m_process->pid());
        const auto again = HaproxyProcess::start(HaproxyFolder{m_dir.path()}, rendered(config()));
        QVERIFY(!again.ok());
        QVERIFY(again.error().message.contains(u"already runs"));
        QTemporaryDir empty;
        const auto none = HaproxyProcess::attach(HaproxyFolder{empty.path()});
        QVERIFY(!none.ok());
        QVERIFY(none.error().message.contains(u"no pidfile"));
    }

    void weightsMoveAllTraffic()
    {
        setWeights(100, 0);
        QCOMPARE(spread(12), (QMap<QByteArray, int>{{"blue", 12}}));
        setWeights(0, 100);
        QCOMPARE(spread(12), (QMap<QByteArray, int>{{"green", 12}}));
        QCOMPARE(server(QStringLiteral("blue"))->weight, 0);
        QCOMPARE(server(QStringLiteral("green"))->weight, 100);
        setWeights(100, 100);
    }

    void drainAndMaintenanceTakeAServerOut()
    {
        const HaproxyRuntime runtime = m_process->runtime();
        const QString web = QStringLiteral("web"), green = QStringLiteral("green");
        QVERIFY(runtime.setState(web, green, ServerAdminState::Drain).ok());
        QCOMPARE(statusOf(green), ServerStatus::Draining);
        auto states = runtime.serversState();
        QVERIFY2(states.ok(), qPrintable(errorText(states)));
        QCOMPARE(states->size(), 2);
        QCOMPARE(states->at(1).server, green);
        QVERIFY(states->at(1).isDraining());
        QCOMPARE(spread(8), (QMap<QByteArray, int>{{"blue", 8}}));

        QVERIFY(runtime.setState(web, green, ServerAdminState::Maintenance).ok());
        QCOMPARE(statusOf(green), ServerStatus::Maintenance);
        QVERIFY(runtime.serversState()->at(1).inMaintenance());
        QCOMPARE(spread(8), (QMap<QByteArray, int>{{"blue", 8}}));

        QVERIFY(runtime.setState(web, green, ServerAdminState::Ready).ok());
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(green), ServerStatus::Up, 5000);
        QVERIFY(!runtime.serversState()->at(1).inMaintenance());
    }

    void addressMovesAServer()
    {
        const HaproxyRuntime runtime = m_process->runtime();
        // Point green at blue's backend: all traffic reads "blue" though weights are equal.
        auto moved = runtime.setAddress(QStringLiteral("web"), QStringLiteral("green"),
                                        QStringLiteral("127.0.0.1"), m_blue.port());
        QVERIFY2(moved.ok(), qPrintable(errorText(moved)));
        QCOMPARE(server(QStringLiteral("green"))->address,
                 u"127.0.0.1:" + QString::number(m_blue.port()));
        QCOMPARE(spread(6), (QMap<QByteArray, int>{{"blue", 6}}));
        QVERIFY(runtime
                    .setAddress(QStringLiteral("web"), QStringLiteral("green"),
                                QStringLiteral("127.0.0.1"), m_green.port())
                    .ok());
        QCOMPARE(spread(6).value("green"), 3);
    }

    void serverErrorsCountPerServer()
    {
        setWeights(0, 100);
        const qint64 blueBefore = server(QStringLiteral("blue"))->http5xx;
        const qint64 greenBefore = server(QStringLiteral("green"))->http5xx;
        QCOMPARE(spread(5, QStringLiteral("/cgi-bin/error")),
                 (QMap<QByteArray, int>{{"status 500", 5}}));
        const auto green = server(QStringLiteral("green"));
        QCOMPARE(green->http5xx - greenBefore, 5);
        QCOMPARE(server(QStringLiteral("blue"))->http5xx, blueBefore);
        QVERIFY(green->totalRequests >= green->http2xx + green->http5xx);
        QVERIFY(green->http2xx > 0);
        setWeights(100, 100);
    }

    void reloadKeepsServing()
    {
        const qint64 oldPid = m_process->pid();
        // A rejected configuration leaves the running instance alone and says why.
        const auto rejected = m_process->reload(rendered(config()) + "    nonsense here\n");
        QVERIFY(!rejected.ok());
        QVERIFY2(rejected.error().message.contains(u"nonsense"), qPrintable(errorText(rejected)));
        QCOMPARE(m_process->pid(), oldPid);

        std::atomic_bool running{true};
        std::atomic_int ok{0}, failed{0};
        std::thread load([&] {
            while (running.load()) {
                const HttpAnswer answer = httpGet(entry());
                (answer.status == 200 ? ok : failed)++;
            }
        });
        QTest::qWait(200);
        HaproxyConfig next = config();
        next.servers[1].weight = 0; // the reloaded configuration sends everything to blue
        const auto reloaded = m_process->reload(rendered(next));
        QTest::qWait(300);
        running = false;
        load.join();
        QVERIFY2(reloaded.ok(), qPrintable(errorText(reloaded)));
        m_pids.append(m_process->pid());
        QVERIFY(m_process->pid() != oldPid);
        QCOMPARE(failed.load(), 0);
        QVERIFY2(ok.load() > 10, qPrintable(QString::number(ok.load())));
        QTRY_VERIFY_WITH_TIMEOUT(!HaproxyProcess::isHaproxyRunning(oldPid), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(QStringLiteral("blue")), ServerStatus::Up, 5000);
        QCOMPARE(spread(6), (QMap<QByteArray, int>{{"blue", 6}}));
        QCOMPARE(HaproxyProcess::attach(HaproxyFolder{m_dir.path()})->pid(), m_process->pid());
        setWeights(100, 100);
    }

    void stoppedBackendGoesDown()
    {
        m_green.stop();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(QStringLiteral("green")), ServerStatus::Down, 5000);
        QCOMPARE(server(QStringLiteral("green"))->checkStatus, u"L4CON"_qs);
        QCOMPARE(spread(6), (QMap<QByteArray, int>{{"blue", 6}}));
    }

    void runtimeErrorsNameCommandAndAnswer()
    {
        const HaproxyRuntime runtime = m_process->runtime();
        const auto unknown = runtime.setWeight(QStringLiteral("web"), QStringLiteral("nope"), 5);
        QVERIFY(!unknown.ok());
        QCOMPARE(unknown.error().message, u"HAProxy answered: No such server."_qs);
        QVERIFY(unknown.error().where.contains(u"'set server web/nope weight 5'"));
        const auto heavy = runtime.setWeight(QStringLiteral("web"), QStringLiteral("blue"), 500);
        QVERIFY(!heavy.ok());
        QVERIFY(heavy.error().message.contains(u"between 0 and 256"));
        const auto backend = runtime.setState(QStringLiteral("nope"), QStringLiteral("blue"),
                                              ServerAdminState::Drain);
        QVERIFY(backend.error().message.contains(u"No such backend"));
        QVERIFY(!runtime.serverStats(QStringLiteral("web"), QStringLiteral("nope")).ok());

        const auto missing = HaproxyRuntime(m_dir.path() + u"/absent.sock").stats();
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().message.contains(u"no stats socket"),
                 qPrintable(errorText(missing)));
    }

    void stopLeavesNoProcess()
    {
        const qint64 pid = m_process->pid();
        const auto stopped = m_process->stop(std::chrono::seconds(5));
        QVERIFY2(stopped.ok(), qPrintable(errorText(stopped)));
        for (qint64 seen : std::as_const(m_pids))
            QVERIFY2(!HaproxyProcess::isHaproxyRunning(seen), qPrintable(QString::number(seen)));
        QVERIFY(!HaproxyProcess::isHaproxyRunning(pid));
        QVERIFY(!HaproxyProcess::attach(HaproxyFolder{m_dir.path()}).ok());
        QCOMPARE(httpGet(entry()).status, 0);
        m_process.reset();
    }
};

QTEST_GUILESS_MAIN(TestHaproxy)
#include "tst_haproxy.moc"

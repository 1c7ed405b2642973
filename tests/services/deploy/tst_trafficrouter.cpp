// The blue/green traffic router against a real HAProxy in front of busybox httpd backends: start
// and attach, assigning slots, shares, canary proportions, growing and health check reloads that
// keep traffic where it was, release, waiting for health, counters, the exporter added and
// removed by a reload, stop.
#include "deploy/trafficrouter.h"
#include "fakes/httpget.h"
#include "fakes/localhttpserver.h"
#include "traffic/haproxyprocess.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <optional>
#include <thread>

using namespace launchdeck;
using namespace launchdeck::deploy;
using launchdeck::test::HttpAnswer;
using launchdeck::test::httpGet;
using launchdeck::test::LocalHttpServer;
using traffic::ServerStatus;

namespace {

template <typename T> QString errorText(const Result<T>& result)
{
    return result.ok() ? QString() : result.error().toString();
}

const QString blue = QStringView(kBlue).toString();
const QString green = QStringView(kGreen).toString();

} // namespace

class TestTrafficRouter final : public QObject
{
    Q_OBJECT

private:
    TrafficRouterOptions options(const QString& healthPath = QStringLiteral("/healthz")) const
    {
        TrafficRouterOptions o;
        o.folder = traffic::HaproxyFolder{m_dir.path()};
        o.environment = QStringLiteral("web");
        o.listen = u"127.0.0.1:" + QString::number(m_port);
        o.health.path = healthPath;
        o.health.interval = std::chrono::milliseconds(200);
        o.health.fall = 2;
        o.health.rise = 1;
        return o;
    }
    QString entry(const QString& path = QStringLiteral("/")) const
    {
        return u"http://127.0.0.1:" + QString::number(m_port) + path;
    }
    // Bodies of `count` requests through HAProxy, counted by body (or by status when not 200).
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
    std::optional<TrafficSlot> slot(const QString& group, int index) const
    {
        const auto all = m_router->slotStates();
        if (!all)
            return std::nullopt;
        for (const TrafficSlot& s : *all) {
            if (s.group == group && s.index == index)
                return s;
        }
        return std::nullopt;
    }
    ServerStatus statusOf(const QString& group, int index) const
    {
        const auto s = slot(group, index);
        return s ? s->status : ServerStatus::Unknown;
    }
    QByteArray configText() const
    {
        QFile file(m_dir.path() + u"/haproxy.cfg");
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }
    // Opens the router again while a client keeps requesting through the entry point; every
    // answer must come from green, before, during and after whatever reload the open does.
    void reopenUnderLoad(const TrafficRouterOptions& o, int slotsPerGroup)
    {
        std::atomic_bool running{true};
        std::atomic_int fromGreen{0}, fromOthers{0}, failed{0};
        std::thread load([&] {
            while (running.load()) {
                const HttpAnswer answer = httpGet(entry());
                if (answer.status != 200)
                    ++failed;
                else
                    (answer.body.trimmed() == "green" ? fromGreen : fromOthers)++;
            }
        });
        QTest::qWait(200);
        auto reopened = TrafficRouter::open(o, slotsPerGroup);
        QTest::qWait(300);
        running = false;
        load.join();
        QVERIFY2(reopened.ok(), qPrintable(errorText(reopened)));
        m_router.emplace(std::move(reopened).value());
        m_pids.append(m_router->pid());
        QCOMPARE(failed.load(), 0);
        QCOMPARE(fromOthers.load(), 0);
        QVERIFY2(fromGreen.load() > 10, qPrintable(QString::number(fromGreen.load())));
    }

    LocalHttpServer m_blue;
    LocalHttpServer m_green;
    QTemporaryDir m_dir;
    quint16 m_port = 0;
    std::optional<TrafficRouter> m_router;
    QList<qint64> m_pids; // every haproxy pid seen, so the end can make sure none is left

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
        if (m_router)
            QVERIFY(m_router->stop().ok());
        m_blue.stop();
        m_green.stop();
    }

    void opensAFreshInstance()
    {
        QVERIFY(!TrafficRouter::open(options(), 0).ok());
        auto opened = TrafficRouter::open(options(), 1);
        QVERIFY2(opened.ok(), qPrintable(errorText(opened)));
        m_router.emplace(std::move(opened).value());
        m_pids.append(m_router->pid());
        QVERIFY(traffic::HaproxyProcess::isHaproxyRunning(m_router->pid()));

        const auto all = m_router->slotStates();
        QVERIFY2(all.ok(), qPrintable(errorText(all)));
        QCOMPARE(all->size(), 2);
        QCOMPARE(all->at(0).group, blue);
        QCOMPARE(all->at(1).group, green);
        for (const TrafficSlot& s : *all) {
            QCOMPARE(s.index, 1);
            QVERIFY(!s.enabled);
            QCOMPARE(s.weight, 0);
            QVERIFY(s.address.isEmpty());
            QCOMPARE(s.status, ServerStatus::Maintenance);
        }
        QVERIFY(configText().contains("    server blue1 127.0.0.1:1 weight 0 disabled check\n"));
        QCOMPARE(*m_router->activeGroup(), QString());
        QCOMPARE(httpGet(entry()).status, 503); // nothing to send it to yet
    }

    void secondOpenAttaches()
    {
        const QByteArray before = configText();
        auto again = TrafficRouter::open(options(), 1);
        QVERIFY2(again.ok(), qPrintable(errorText(again)));
        QCOMPARE(again->pid(), m_router->pid());
        QCOMPARE(configText(), before);
        QCOMPARE(again->slotStates()->size(), 2);
    }

    void assignedSlotTakesAllTraffic()
    {
        const auto assigned =
            m_router->assign(blue, 1, QStringLiteral("127.0.0.1"), int(m_blue.port()));
        QVERIFY2(assigned.ok(), qPrintable(errorText(assigned)));
        const auto blue1 = slot(blue, 1);
        QVERIFY(blue1 && blue1->enabled);
        QCOMPARE(blue1->weight, 0);
        QCOMPARE(blue1->address, u"127.0.0.1"_qs);
        QCOMPARE(blue1->port, int(m_blue.port()));

        const auto up = m_router->waitUntilUp(blue, std::chrono::seconds(5));
        QVERIFY2(up.ok(), qPrintable(errorText(up)));
        QCOMPARE(slot(blue, 1)->checkStatus, u"L7OK"_qs);
        QVERIFY(m_router->setShares({{blue, 100}}).ok());
        QCOMPARE(slot(blue, 1)->weight, 256);
        QCOMPARE(spread(10), (QMap<QByteArray, int>{{"blue", 10}}));
        QCOMPARE(*m_router->activeGroup(), blue);
    }

    void shiftsEverythingToGreen()
    {
        QVERIFY(m_router->assign(green, 1, QStringLiteral("127.0.0.1"), int(m_green.port())).ok());
        // Assigned but weight 0: still all on blue.
        QCOMPARE(spread(6), (QMap<QByteArray, int>{{"blue", 6}}));
        const auto up = m_router->waitUntilUp(green, std::chrono::seconds(5));
        QVERIFY2(up.ok(), qPrintable(errorText(up)));
        QVERIFY(m_router->setShares({{green, 100}}).ok());
        QCOMPARE(spread(10), (QMap<QByteArray, int>{{"green", 10}}));
        QCOMPARE(slot(blue, 1)->weight, 0);
        QCOMPARE(slot(green, 1)->weight, 256);
        QVERIFY(slot(blue, 1)->enabled);
        QCOMPARE(*m_router->activeGroup(), green);
    }

    void canarySharesAreProportional()
    {
        QVERIFY(m_router->setShares({{blue, 80}, {green, 20}}).ok());
        QCOMPARE(slot(blue, 1)->weight, 205);
        QCOMPARE(slot(green, 1)->weight, 51);
        QCOMPARE(*m_router->activeGroup(), blue);
        const auto seen = spread(200);
        QCOMPARE(seen.value("blue") + seen.value("green"), 200);
        QVERIFY2(seen.value("blue") >= 140 && seen.value("blue") <= 180,
                 qPrintable(QString::number(seen.value("blue"))));
        QVERIFY(m_router->setShares({{green, 100}}).ok());
        QCOMPARE(*m_router->activeGroup(), green);
    }

    void rejectsBadShares_data()
    {
        QTest::addColumn<QString>("group");
        QTest::addColumn<int>("share");
        QTest::addColumn<int>("greenShare");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown group") << u"red"_qs << 10 << 90 << u"no group 'red'"_qs;
        QTest::newRow("over 100") << blue << 101 << 0 << u"blue 101%, green 0%"_qs;
        QTest::newRow("negative") << blue << -5 << 100 << u"from 0 to 100%"_qs;
        QTest::newRow("sum over 100") << blue << 60 << 50 << u"add up to 110%"_qs;
    }

    void rejectsBadShares()
    {
        QFETCH(QString, group);
        QFETCH(int, share);
        QFETCH(int, greenShare);
        QFETCH(QString, expected);
        const auto rejected = m_router->setShares({{group, share}, {green, greenShare}});
        QVERIFY(!rejected.ok());
        QVERIFY2(rejected.error().message.contains(expected), qPrintable(errorText(rejected)));
        QCOMPARE(rejected.error().where, u"haproxy " + m_dir.path());
        QCOMPARE(slot(green, 1)->weight, 256);
        QCOMPARE(slot(blue, 1)->weight, 0);
    }

    void rejectsUnknownSlots()
    {
        QVERIFY(!m_router->assign(u"red"_qs, 1, QStringLiteral("127.0.0.1"), 80).ok());
        QVERIFY(!m_router->assign(blue, 1, QString(), 80).ok());
        const auto missing = m_router->release(blue, 9);
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().message.contains(u"No such server"),
                 qPrintable(errorText(missing)));
        QVERIFY(!m_router->counters(u"red"_qs).ok());
    }

    void growingReloadsWithoutMovingTraffic()
    {
        const qint64 before = m_router->pid();
        reopenUnderLoad(options(), 2);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(m_router->pid() != before); // a new process: the slots had to grow
        QTRY_VERIFY_WITH_TIMEOUT(!traffic::HaproxyProcess::isHaproxyRunning(before), 5000);

        const auto all = m_router->slotStates();
        QVERIFY2(all.ok(), qPrintable(errorText(all)));
        QStringList names;
        for (const TrafficSlot& s : *all)
            names.append(slotName(s.group, s.index));
        QCOMPARE(names, (QStringList{u"blue1"_qs, u"blue2"_qs, u"green1"_qs, u"green2"_qs}));
        QVERIFY(all->at(0).enabled);
        QCOMPARE(all->at(0).weight, 0);
        QCOMPARE(all->at(0).port, int(m_blue.port()));
        QVERIFY(!all->at(1).enabled);
        QVERIFY(all->at(2).enabled);
        QCOMPARE(all->at(2).weight, 256);
        QCOMPARE(all->at(2).port, int(m_green.port()));
        QVERIFY(!all->at(3).enabled);
        QCOMPARE(all->at(3).weight, 0);

        const QByteArray cfg = configText();
        QVERIFY(cfg.contains(
            QByteArray("    server green1 127.0.0.1:" + QByteArray::number(m_green.port()) +
                       " weight 256 check\n")));
        QVERIFY(cfg.contains("    server green2 127.0.0.1:1 weight 0 disabled check\n"));
        QCOMPARE(*m_router->activeGroup(), green);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(green, 1), ServerStatus::Up, 5000);
    }

    void healthCheckChangeReloads()
    {
        QVERIFY(m_blue.writeFile(QStringLiteral("ready"), "ok\n"));
        QVERIFY(m_green.writeFile(QStringLiteral("ready"), "ok\n"));
        const qint64 before = m_router->pid();
        reopenUnderLoad(options(QStringLiteral("/ready")), 2);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(m_router->pid() != before);
        QVERIFY(configText().contains("    option httpchk GET /ready\n"));
        QCOMPARE(m_router->slotStates()->size(), 4);
        QCOMPARE(slot(green, 1)->weight, 256);
        QVERIFY(slot(blue, 1)->enabled);
        const auto up = m_router->waitUntilUp(green, std::chrono::seconds(5));
        QVERIFY2(up.ok(), qPrintable(errorText(up)));

        // The same options again: attached, nothing to change, no reload.
        const qint64 current = m_router->pid();
        auto same = TrafficRouter::open(options(QStringLiteral("/ready")), 2);
        QVERIFY2(same.ok(), qPrintable(errorText(same)));
        QCOMPARE(same->pid(), current);
    }

    void releasedSlotGoesToMaintenance()
    {
        QVERIFY(m_router->release(blue, 1).ok());
        const auto blue1 = slot(blue, 1);
        QVERIFY(blue1 && !blue1->enabled);
        QCOMPARE(blue1->weight, 0);
        QVERIFY(blue1->address.isEmpty());
        QCOMPARE(blue1->status, ServerStatus::Maintenance);
        QCOMPARE(*m_router->activeGroup(), green);
        QCOMPARE(spread(6), (QMap<QByteArray, int>{{"green", 6}}));
        // A group without a container can neither take a share nor be waited for.
        QVERIFY(m_router->setShares({{blue, 10}, {green, 90}})
                    .error()
                    .message.contains(u"group blue has no slot"));
        QVERIFY(!m_router->waitUntilUp(blue, std::chrono::milliseconds(200)).ok());
    }

    void waitUntilUpNamesTheSlotsStillDown()
    {
        LocalHttpServer doomed;
        QString error;
        QVERIFY2(doomed.start(&error), qPrintable(error));
        QVERIFY(doomed.writeFile(QStringLiteral("ready"), "ok\n")); // the health path by now
        QVERIFY(m_router->assign(blue, 2, QStringLiteral("127.0.0.1"), int(doomed.port())).ok());
        const auto up = m_router->waitUntilUp(blue, std::chrono::seconds(5));
        QVERIFY2(up.ok(), qPrintable(errorText(up)));
        doomed.stop();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(blue, 2), ServerStatus::Down, 5000);

        const auto timedOut = m_router->waitUntilUp(blue, std::chrono::milliseconds(500));
        QVERIFY(!timedOut.ok());
        QVERIFY2(timedOut.error().message.contains(u"blue2 DOWN (L4CON)"),
                 qPrintable(errorText(timedOut)));
        QVERIFY(timedOut.error().message.contains(u"500 ms"));
        QCOMPARE(timedOut.error().where, u"haproxy " + m_dir.path());

        std::atomic_bool cancel{false};
        std::thread canceller([&cancel] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            cancel = true;
        });
        QElapsedTimer timer;
        timer.start();
        const auto cancelled = m_router->waitUntilUp(blue, std::chrono::seconds(20), &cancel);
        const qint64 elapsed = timer.elapsed();
        canceller.join();
        QVERIFY(!cancelled.ok());
        QCOMPARE(cancelled.error().message, u"cancelled"_qs);
        QVERIFY2(elapsed >= 250 && elapsed < 5000, qPrintable(QString::number(elapsed)));

        QVERIFY(m_router->release(blue, 2).ok());
        QCOMPARE(spread(4), (QMap<QByteArray, int>{{"green", 4}}));
    }

    void countersCountRequestsAndServerErrors()
    {
        const auto before = m_router->counters(green);
        QVERIFY2(before.ok(), qPrintable(errorText(before)));
        QVERIFY(before->requests > 0);
        QCOMPARE(spread(10), (QMap<QByteArray, int>{{"green", 10}}));
        QCOMPARE(spread(5, QStringLiteral("/cgi-bin/error")),
                 (QMap<QByteArray, int>{{"status 500", 5}}));
        const auto after = m_router->counters(green);
        QVERIFY(after.ok());
        QCOMPARE(after->requests - before->requests, 15);
        QCOMPARE(after->http5xx - before->http5xx, 5);
        QCOMPARE(after->failures, before->failures);

        // Slow answers raise the average response time HAProxy reports for the group (its
        // rtime: the mean over the last 1024 requests of each server).
        QCOMPARE(spread(4, QStringLiteral("/cgi-bin/sleep?0.3")),
                 (QMap<QByteArray, int>{{"slept 0.3", 4}}));
        const auto slow = m_router->counters(green);
        QVERIFY(slow.ok());
        QCOMPARE(slow->requests - after->requests, 4);
        const int floorMs = static_cast<int>(4 * 300 / slow->requests / 2);
        QVERIFY2(slow->responseTimeMs > after->responseTimeMs && slow->responseTimeMs >= floorMs,
                 qPrintable(QStringLiteral("response time %1 ms after four 300 ms answers (%2 ms "
                                           "before them, %3 requests in all)")
                                .arg(slow->responseTimeMs)
                                .arg(after->responseTimeMs)
                                .arg(slow->requests)));

        // Blue holds no container: nothing counted there, whatever its slots served before.
        const auto idle = m_router->counters(blue);
        QVERIFY(idle.ok());
        QCOMPARE(idle->requests, 0);
        QCOMPARE(idle->http5xx, 0);
    }

    void exporterServesTheSlotsSeries()
    {
        // Added to a running instance: a reload that keeps traffic on green brings the exporter.
        const quint16 metricsPort = launchdeck::test::pickFreeLoopbackPort();
        QVERIFY(metricsPort > 0);
        const QString metrics = u"http://127.0.0.1:" + QString::number(metricsPort);
        TrafficRouterOptions withMetrics = options(QStringLiteral("/ready"));
        withMetrics.metricsListen = u"127.0.0.1:" + QString::number(metricsPort);
        const int slotsPerGroup = int(m_router->slotStates()->size() / 2);
        const qint64 before = m_router->pid();
        reopenUnderLoad(withMetrics, slotsPerGroup);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(m_router->pid() != before);
        QVERIFY(configText().contains("frontend web_metrics\n"));

        QCOMPARE(spread(3, QStringLiteral("/cgi-bin/error")),
                 (QMap<QByteArray, int>{{"status 500", 3}}));
        const HttpAnswer answer = httpGet(metrics + u"/metrics");
        QCOMPARE(answer.status, 200L);
        for (const QByteArray& series :
             {QByteArray("haproxy_server_http_responses_total{proxy=\"web\",server=\"green1\","
                         "code=\"2xx\"} "),
              QByteArray("haproxy_server_http_responses_total{proxy=\"web\",server=\"green1\","
                         "code=\"5xx\"} 3\n"),
              QByteArray("haproxy_server_http_responses_total{proxy=\"web\",server=\"blue1\","),
              QByteArray("haproxy_server_status{proxy=\"web\",server=\"green1\",state=\"UP\"} 1")})
            QVERIFY2(answer.body.contains(series), series.constData());
        QCOMPARE(httpGet(metrics + u"/other").status, 503L); // only /metrics is served
        QCOMPARE(httpGet(entry()).body.trimmed(), QByteArray("green"));

        // The same options: nothing to change. Without the exporter: a reload takes it away.
        const qint64 current = m_router->pid();
        auto same = TrafficRouter::open(withMetrics, slotsPerGroup);
        QVERIFY2(same.ok(), qPrintable(errorText(same)));
        QCOMPARE(same->pid(), current);
        reopenUnderLoad(options(QStringLiteral("/ready")), slotsPerGroup);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(m_router->pid() != current);
        QVERIFY(!configText().contains("prometheus-exporter"));
        QTRY_COMPARE_WITH_TIMEOUT(httpGet(metrics + u"/metrics").status, 0L, 5000);
    }

    void stopLeavesNoProcess()
    {
        const qint64 pid = m_router->pid();
        const auto stopped = m_router->stop();
        QVERIFY2(stopped.ok(), qPrintable(errorText(stopped)));
        QVERIFY(!traffic::HaproxyProcess::isHaproxyRunning(pid));
        for (qint64 seen : std::as_const(m_pids))
            QVERIFY2(!traffic::HaproxyProcess::isHaproxyRunning(seen),
                     qPrintable(QString::number(seen)));
        QVERIFY(!traffic::HaproxyProcess::attach(traffic::HaproxyFolder{m_dir.path()}).ok());
        QCOMPARE(httpGet(entry()).status, 0);
        QVERIFY(!m_router->slotStates().ok());
        m_router.reset();
    }
};

QTEST_GUILESS_MAIN(TestTrafficRouter)
#include "tst_trafficrouter.moc"

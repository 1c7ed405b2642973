// HTTP checks and load tests against a real local server (busybox httpd) and broken servers.
#include "http/httpcheck.h"
#include "http/loadtest.h"

#include "fakes/localhttpserver.h"
#include "fakes/misbehavingserver.h"

#include <QElapsedTimer>
#include <QScopeGuard>
#include <QTcpServer>
#include <QTest>

#include <signal.h>

#include <thread>

using namespace launchdeck::http;
using launchdeck::test::LocalHttpServer;
using launchdeck::test::MisbehavingServer;
using namespace std::chrono_literals;

namespace {

// Sets the flag after a delay from another thread, as a GUI's cancel button would.
class DelayedCancel final
{
public:
    DelayedCancel(std::atomic_bool& flag, std::chrono::milliseconds delay)
        : m_thread([&flag, delay] {
            std::this_thread::sleep_for(delay);
            flag = true;
        })
    {}
    ~DelayedCancel() { m_thread.join(); }

private:
    std::thread m_thread;
};

} // namespace

class TestHttp final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void checkPassesOn200();
    void checkFailsOn500NamingStatus();
    void checkAcceptsChosenStatus();
    void checkRetriesUntilFileAppears();
    void checkConnectionRefused();
    void checkTimeout();
    void checkGarbageAnswer();
    void checkCancelled();

    void plannedUsersFollowStages();
    void loadTestCountsAddUp();
    void loadTestErrorRateThreshold();
    void loadTestP95Threshold();
    void loadTestMinRequestsPerSecond();
    void loadTestRampReachesTarget();
    void loadTestCancelStopsWithinASecond();
    void loadTestTransportErrorsNameTheUrl_data();
    void loadTestTransportErrorsNameTheUrl();
    void loadTestTakesProxyFromEnvironment_data();
    void loadTestTakesProxyFromEnvironment();
    void summaryReadsLikeK6();

    void serverStopKillsItsProcess();

private:
    LocalHttpServer m_server;
    MisbehavingServer m_garbage{MisbehavingServer::Behaviour::AnswerGarbage};
    MisbehavingServer m_silent{MisbehavingServer::Behaviour::NeverAnswer};
};

void TestHttp::initTestCase()
{
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    QVERIFY2(m_garbage.start(&error), qPrintable(error));
    QVERIFY2(m_silent.start(&error), qPrintable(error));
}

void TestHttp::checkPassesOn200()
{
    HttpCheckSpec spec;
    spec.url = m_server.url(QStringLiteral("/hello.txt"));
    const HttpCheckResult result = runHttpCheck(spec);
    QVERIFY2(result.passed, qPrintable(result.error));
    QCOMPARE(result.status, 200);
    QCOMPARE(result.attempts, 1);
    QVERIFY(result.error.isEmpty());
    QVERIFY(formatHttpCheckResult(spec, result).startsWith(u"PASS GET " + spec.url + u" 200"));
}

void TestHttp::checkFailsOn500NamingStatus()
{
    HttpCheckSpec spec;
    spec.url = m_server.url(QStringLiteral("/cgi-bin/error"));
    const HttpCheckResult result = runHttpCheck(spec);
    QVERIFY(!result.passed);
    QCOMPARE(result.status, 500);
    QVERIFY2(result.error.contains(spec.url), qPrintable(result.error));
    QVERIFY2(result.error.contains(u"HTTP 500, expected 200"), qPrintable(result.error));
}

void TestHttp::checkAcceptsChosenStatus()
{
    HttpCheckSpec spec;
    spec.url = m_server.url(QStringLiteral("/cgi-bin/status?503"));
    spec.expectStatus = 503;
    const HttpCheckResult result = runHttpCheck(spec);
    QVERIFY2(result.passed, qPrintable(result.error));
    QCOMPARE(result.status, 503);

    spec.url = m_server.url(QStringLiteral("/missing.html"));
    spec.expectStatus = 200;
    const HttpCheckResult missing = runHttpCheck(spec);
    QVERIFY(!missing.passed);
    QCOMPARE(missing.status, 404);
}

void TestHttp::checkRetriesUntilFileAppears()
{
    HttpCheckSpec spec;
    spec.url = m_server.url(QStringLiteral("/late.txt"));
    spec.retries = 30;
    spec.retryDelay = 100ms;
    std::thread writer([this] {
        std::this_thread::sleep_for(450ms);
        m_server.writeFile(QStringLiteral("late.txt"), "here now\n");
    });
    const HttpCheckResult result = runHttpCheck(spec);
    writer.join();
    QVERIFY2(result.passed, qPrintable(result.error));
    QCOMPARE(result.status, 200);
    QVERIFY2(result.attempts >= 3 && result.attempts < 31,
             qPrintable(QString::number(result.attempts)));

    // Out of retries: the error says how many attempts were made.
    spec.url = m_server.url(QStringLiteral("/never.txt"));
    spec.retries = 2;
    spec.retryDelay = 10ms;
    const HttpCheckResult exhausted = runHttpCheck(spec);
    QVERIFY(!exhausted.passed);
    QCOMPARE(exhausted.attempts, 3);
    QVERIFY2(exhausted.error.contains(u"404") && exhausted.error.contains(u"after 3 attempts"),
             qPrintable(exhausted.error));
}

void TestHttp::checkConnectionRefused()
{
    HttpCheckSpec spec;
    spec.url = u"http://127.0.0.1:" + QString::number(launchdeck::test::pickFreeLoopbackPort()) +
               u"/health";
    const HttpCheckResult result = runHttpCheck(spec);
    QVERIFY(!result.passed);
    QCOMPARE(result.status, 0);
    QVERIFY2(result.error.contains(spec.url), qPrintable(result.error));
    QVERIFY2(result.error.contains(u"connection refused"), qPrintable(result.error));
}

void TestHttp::checkTimeout()
{
    HttpCheckSpec spec;
    spec.url = m_silent.url(QStringLiteral("/health"));
    spec.timeout = 300ms;
    QElapsedTimer clock;
    clock.start();
    const HttpCheckResult result = runHttpCheck(spec);
    QVERIFY(!result.passed);
    QVERIFY2(clock.elapsed() >= 250 && clock.elapsed() < 6000,
             qPrintable(QString::number(clock.elapsed())));
    QVERIFY2(result.error.contains(spec.url), qPrintable(result.error));
    QVERIFY2(result.error.contains(u"timed out after 300 ms"), qPrintable(result.error));
}

void TestHttp::checkGarbageAnswer()
{
    HttpCheckSpec spec;
    spec.url = m_garbage.url(QStringLiteral("/health"));
    const HttpCheckResult result = runHttpCheck(spec);
    QVERIFY(!result.passed);
    QCOMPARE(result.status, 0);
    QVERIFY2(result.error.contains(spec.url), qPrintable(result.error));
    QVERIFY2(result.error.contains(u"not HTTP"), qPrintable(result.error));
}

void TestHttp::checkCancelled()
{
    HttpCheckSpec spec;
    spec.url = m_silent.url(QStringLiteral("/slow"));
    spec.timeout = 30s;
    spec.retries = 5;
    std::atomic_bool cancel = false;
    QElapsedTimer clock;
    clock.start();
    HttpCheckResult result;
    {
        DelayedCancel canceller(cancel, 200ms);
        result = runHttpCheck(spec, &cancel);
    }
    QVERIFY2(clock.elapsed() < 4000, qPrintable(QString::number(clock.elapsed())));
    QVERIFY(!result.passed);
    QVERIFY(result.cancelled);
    QVERIFY2(result.error.contains(u"cancelled"), qPrintable(result.error));
}

void TestHttp::plannedUsersFollowStages()
{
    LoadTestSpec constant;
    constant.users = 7;
    constant.duration = 5s;
    QCOMPARE(plannedDuration(constant), 5000ms);
    QCOMPARE(plannedUsers(constant, 0ms), 7);
    QCOMPARE(plannedUsers(constant, 4999ms), 7);
    QCOMPARE(plannedUsers(constant, 5000ms), 0);

    LoadTestSpec ramp;
    ramp.stages = {{10s, 10}, {10s, 10}, {10s, 0}, {0ms, 4}, {2s, 4}};
    QCOMPARE(plannedDuration(ramp), 32000ms);
    QCOMPARE(plannedUsers(ramp, 0ms), 0);
    QCOMPARE(plannedUsers(ramp, 1ms), 1); // rounded up: a ramp starts at once
    QCOMPARE(plannedUsers(ramp, 5000ms), 5);
    QCOMPARE(plannedUsers(ramp, 10000ms), 10);
    QCOMPARE(plannedUsers(ramp, 19999ms), 10);
    QCOMPARE(plannedUsers(ramp, 25000ms), 5);
    QCOMPARE(plannedUsers(ramp, 30000ms), 4); // a zero-length stage jumps
    QCOMPARE(plannedUsers(ramp, 32000ms), 0);
}

void TestHttp::loadTestCountsAddUp()
{
    LoadTestSpec spec;
    spec.url = m_server.url(QStringLiteral("/hello.txt"));
    spec.users = 4;
    spec.duration = 1500ms;
    const LoadTestResult result = runLoadTest(spec);
    QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
    QVERIFY(result.passed);
    QVERIFY(result.requests > 20);
    QCOMPARE(result.failures, 0);
    QCOMPARE(result.successRate, 1.0);
    QCOMPARE(result.statusCounts.value(200), result.requests);
    QCOMPARE(result.bytesReceived, result.requests * 6); // "hello\n"
    QCOMPARE(result.peakUsers, 4);
    QVERIFY(result.minMs > 0);
    QVERIFY(result.minMs <= result.p50Ms);
    QVERIFY(result.p50Ms <= result.p95Ms);
    QVERIFY(result.p95Ms <= result.p99Ms);
    QVERIFY(result.p99Ms <= result.maxMs);
    QVERIFY(result.meanMs >= result.minMs && result.meanMs <= result.maxMs);
    QVERIFY2(
        result.elapsed >= 1500ms && result.elapsed < 1500ms + 5000ms,
        qPrintable(QStringLiteral("a 1.5 s load test took %1 ms").arg(result.elapsed.count())));
    const double expectedRate = double(result.requests) * 1000.0 / double(result.elapsed.count());
    QVERIFY(result.requestsPerSecond > 0);
    QVERIFY(qAbs(result.requestsPerSecond - expectedRate) < 0.01 * expectedRate);
}

void TestHttp::loadTestErrorRateThreshold()
{
    LoadTestSpec failing;
    failing.url = m_server.url(QStringLiteral("/cgi-bin/error"));
    failing.users = 3;
    failing.duration = 800ms;
    failing.thresholds.maxErrorRate = 0.1;
    const LoadTestResult bad = runLoadTest(failing);
    QVERIFY(bad.requests > 0);
    QCOMPARE(bad.failures, bad.requests);
    QCOMPARE(bad.statusCounts.value(500), bad.requests);
    QCOMPARE(bad.successRate, 0.0);
    QVERIFY(!bad.passed);
    QCOMPARE(bad.thresholdOutcomes.size(), 1);
    QVERIFY(!bad.thresholdOutcomes[0].passed);
    QCOMPARE(bad.thresholdOutcomes[0].actual, QStringLiteral("error rate = 100.00%"));
    QVERIFY2(bad.error.contains(failing.url) && bad.error.contains(u"HTTP 500"),
             qPrintable(bad.error));

    // A 500 is a success when it is what the test expects.
    failing.expectStatus = 500;
    const LoadTestResult expected = runLoadTest(failing);
    QCOMPARE(expected.failures, 0);
    QVERIFY(expected.passed);

    LoadTestSpec healthy = failing;
    healthy.url = m_server.url(QStringLiteral("/hello.txt"));
    healthy.expectStatus.reset();
    healthy.thresholds.maxErrorRate = 0.01;
    const LoadTestResult good = runLoadTest(healthy);
    QVERIFY(good.passed);
    QCOMPARE(good.thresholdOutcomes.size(), 1);
    QVERIFY(good.thresholdOutcomes[0].passed);
}

void TestHttp::loadTestP95Threshold()
{
    LoadTestSpec spec;
    spec.url = m_server.url(QStringLiteral("/cgi-bin/sleep?0.2"));
    spec.users = 3;
    spec.duration = 1200ms;
    spec.thresholds.p95 = 100ms;
    const LoadTestResult slow = runLoadTest(spec);
    QVERIFY2(slow.error.isEmpty(), qPrintable(slow.error));
    QVERIFY(slow.requests >= 6);
    QVERIFY2(slow.p50Ms >= 195.0, qPrintable(QString::number(slow.p50Ms)));
    QVERIFY(!slow.passed);
    QVERIFY(!slow.thresholdOutcomes.value(0).passed);

    spec.thresholds.p95 = 3000ms;
    const LoadTestResult relaxed = runLoadTest(spec);
    QVERIFY(relaxed.passed);
    QVERIFY(relaxed.thresholdOutcomes.value(0).passed);
}

void TestHttp::loadTestMinRequestsPerSecond()
{
    LoadTestSpec spec;
    spec.url = m_server.url(QStringLiteral("/cgi-bin/sleep?0.2"));
    spec.users = 2;
    spec.duration = 1000ms;
    spec.thresholds.minRequestsPerSecond = 50; // two users at 200 ms make at most 10/s
    const LoadTestResult result = runLoadTest(spec);
    QVERIFY(result.requestsPerSecond > 0 && result.requestsPerSecond <= 10.5);
    QVERIFY(!result.passed);
    QCOMPARE(result.thresholdOutcomes.size(), 1);
    QVERIFY(!result.thresholdOutcomes[0].passed);
}

void TestHttp::loadTestRampReachesTarget()
{
    LoadTestSpec spec;
    spec.url = m_server.url(QStringLiteral("/cgi-bin/sleep?0.05"));
    spec.stages = {{600ms, 5}, {700ms, 5}, {500ms, 0}};
    QList<LoadTestProgress> reports;
    const LoadTestResult result =
        runLoadTest(spec, nullptr, [&reports](const LoadTestProgress& p) { reports.append(p); });
    QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
    QCOMPARE(result.peakUsers, 5);
    QVERIFY2(reports.size() >= 5 && reports.size() <= 9,
             qPrintable(QString::number(reports.size())));
    int highest = 0;
    for (qsizetype i = 0; i < reports.size(); ++i) {
        const LoadTestProgress& report = reports[i];
        QCOMPARE(report.total, 1800ms);
        QCOMPARE(report.targetUsers, plannedUsers(spec, report.elapsed));
        QVERIFY(report.users <= 5);
        highest = std::max(highest, report.users);
        if (i > 0)
            QVERIFY(report.requests >= reports[i - 1].requests);
    }
    QCOMPARE(highest, 5);
    QVERIFY(reports.first().users < 5); // still ramping up at the first report
    QVERIFY(reports.last().requests <= result.requests);
}

void TestHttp::loadTestCancelStopsWithinASecond()
{
    LoadTestSpec spec;
    spec.url = m_server.url(QStringLiteral("/cgi-bin/sleep?2"));
    spec.users = 4;
    spec.duration = 30s;
    std::atomic_bool cancel = false;
    QElapsedTimer clock;
    clock.start();
    LoadTestResult result;
    {
        DelayedCancel canceller(cancel, 300ms);
        result = runLoadTest(spec, &cancel);
    }
    QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
    QVERIFY(result.cancelled);
    QVERIFY(!result.passed);
    QVERIFY2(result.error.contains(u"cancelled"), qPrintable(result.error));
}

void TestHttp::loadTestTransportErrorsNameTheUrl_data()
{
    QTest::addColumn<bool>("builtin"); // the built-in engine, else libcurl
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("kind");
    const QString refused =
        u"http://127.0.0.1:" + QString::number(launchdeck::test::pickFreeLoopbackPort()) + u"/";
    for (const bool builtin : {true, false}) {
        const QString engine = builtin ? QStringLiteral(", built-in") : QStringLiteral(", libcurl");
        QTest::newRow(qPrintable(u"refused" + engine))
            << builtin << refused << QStringLiteral("connection refused");
        QTest::newRow(qPrintable(u"timeout" + engine))
            << builtin << m_silent.url() << QStringLiteral("timed out after 200 ms");
        QTest::newRow(qPrintable(u"garbage" + engine))
            << builtin << m_garbage.url() << QStringLiteral("the answer is not HTTP");
    }
}

void TestHttp::loadTestTransportErrorsNameTheUrl()
{
    QFETCH(bool, builtin);
    QFETCH(QString, url);
    QFETCH(QString, kind);
    LoadTestSpec spec;
    spec.url = url;
    spec.users = 2;
    spec.duration = 500ms;
    spec.requestTimeout = 200ms;
    spec.allowBuiltinEngine = builtin;
    const LoadTestResult result = runLoadTest(spec);
    QCOMPARE(result.engine, builtin ? LoadEngine::Builtin : LoadEngine::Curl);
    QVERIFY(result.requests > 0);
    QCOMPARE(result.failures, result.requests);
    QCOMPARE(result.errorCounts.value(kind), result.requests);
    QVERIFY(!result.passed);
    QVERIFY2(result.error.contains(url) && result.error.contains(kind), qPrintable(result.error));
}

void TestHttp::loadTestTakesProxyFromEnvironment_data()
{
    // A proxy nobody listens on: requests that go through it are refused.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const QByteArray dead = "http://127.0.0.1:" + QByteArray::number(probe.serverPort());
    probe.close();
    QTest::addColumn<QList<QByteArrayList>>("variables");
    QTest::addColumn<bool>("throughProxy");
    QTest::newRow("http_proxy") << QList<QByteArrayList>{{"http_proxy", dead}} << true;
    QTest::newRow("all_proxy") << QList<QByteArrayList>{{"ALL_PROXY", dead}} << true;
    QTest::newRow("empty http_proxy is unset")
        << QList<QByteArrayList>{{"http_proxy", ""}, {"all_proxy", dead}} << true;
    QTest::newRow("HTTP_PROXY is ignored") << QList<QByteArrayList>{{"HTTP_PROXY", dead}} << false;
    QTest::newRow("no_proxy exempts")
        << QList<QByteArrayList>{{"http_proxy", dead}, {"no_proxy", "localhost,127.0.0.1"}}
        << false;
    QTest::newRow("NO_PROXY exempts")
        << QList<QByteArrayList>{{"all_proxy", dead}, {"NO_PROXY", "127.0.0.1"}} << false;
}

// The load test reads the proxy variables once for all its requests: the outcome must be what
// libcurl gives a transfer that reads them itself.
void TestHttp::loadTestTakesProxyFromEnvironment()
{
    QFETCH(QList<QByteArrayList>, variables);
    QFETCH(bool, throughProxy);
    const QByteArrayList names = {"http_proxy", "HTTP_PROXY", "all_proxy",
                                  "ALL_PROXY",  "no_proxy",   "NO_PROXY"};
    QHash<QByteArray, QByteArray> saved;
    for (const QByteArray& name : names) {
        if (qEnvironmentVariableIsSet(name.constData()))
            saved.insert(name, qgetenv(name.constData()));
        qunsetenv(name.constData());
    }
    const auto restore = qScopeGuard([&] {
        for (const QByteArray& name : names) {
            if (saved.contains(name))
                qputenv(name.constData(), saved.value(name));
            else
                qunsetenv(name.constData());
        }
    });
    for (const QByteArrayList& variable : variables)
        qputenv(variable[0].constData(), variable[1]);

    LoadTestSpec spec;
    spec.url = m_server.url(QStringLiteral("/hello.txt"));
    spec.users = 2;
    spec.duration = 300ms;
    spec.requestTimeout = 500ms;
    const LoadTestResult result = runLoadTest(spec);
    QVERIFY(result.requests > 0);
    if (throughProxy) {
        QCOMPARE(result.failures, result.requests);
        QVERIFY(!result.passed);
    } else {
        QCOMPARE(result.failures, 0);
        QCOMPARE(result.statusCounts.value(200), result.requests);
    }
}

void TestHttp::summaryReadsLikeK6()
{
    LoadTestSpec spec;
    spec.url = m_server.url(QStringLiteral("/cgi-bin/sleep?0.05"));
    spec.users = 2;
    spec.duration = 400ms;
    spec.thresholds.maxErrorRate = 0.0;
    spec.thresholds.p95 = 10ms;
    const LoadTestResult result = runLoadTest(spec);
    const QString summary = formatLoadTestSummary(spec, result);
    QVERIFY2(summary.startsWith(u"load test GET " + spec.url + u": FAILED\n"), qPrintable(summary));
    QVERIFY2(summary.contains(u"  ✗ p95 <= 10 ms (p95 = "), qPrintable(summary));
    QVERIFY2(summary.contains(u"  ✓ error rate <= 0.00% (error rate = 0.00%)"),
             qPrintable(summary));
    QVERIFY(
        summary.contains(u"http_reqs...............: " + QString::number(result.requests) + u"  "));
    QVERIFY(summary.contains(u"http_status.............: 200=" + QString::number(result.requests)));
    QVERIFY(summary.contains(u" p(95)="));
    QVERIFY(summary.contains(u"vus_max.................: 2\n"));
}

void TestHttp::serverStopKillsItsProcess()
{
    LocalHttpServer server;
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    const qint64 pid = server.processId();
    QVERIFY(pid > 0);
    QVERIFY(::kill(pid_t(pid), 0) == 0);
    HttpCheckSpec spec;
    spec.url = server.url(QStringLiteral("/hello.txt"));
    QVERIFY(runHttpCheck(spec).passed);
    server.stop();
    QVERIFY(!server.isRunning());
    QVERIFY(::kill(pid_t(pid), 0) != 0);
    QVERIFY(!runHttpCheck(spec).passed);
}

QTEST_GUILESS_MAIN(TestHttp)
#include "tst_http.moc"

// The Prometheus client and server object against the real Prometheus (Debian's 2.42) scraping
// the tests' exporter: queries, range queries over long windows with the chosen step, the small
// endpoints, NaN and infinities, parse errors with their position, and a server killed and
// started again.
#include "prometheus/prometheusclient.h"
#include "prometheus/prometheusserver.h"
#include "prometheus/querystep.h"

#include "fakes/monitoringstack.h"

#include <QSignalSpy>
#include <QTest>

#include <cmath>
#include <memory>

using namespace launchdeck;
using namespace launchdeck::prometheus;
using namespace std::chrono_literals;

namespace {

QString errorOf(const auto& result)
{
    return result ? QStringLiteral("(no error)") : result.error().toString();
}

// The value of an instant query with one sample, NaN when there is none.
double valueOf(const QueryResult& result)
{
    if (result.type == ResultType::Scalar && result.scalar)
        return result.scalar->value;
    if (result.series.size() == 1 && result.series[0].samples.size() == 1)
        return result.series[0].samples[0].value;
    return std::nan("");
}

} // namespace

class TestPrometheus final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void isReady();
    void queriesTheExportersGauge();
    void keepsNanAndInfinities();
    void reportsParseErrorsWithTheirPosition();
    void rangeQueriesOverLongWindowsAreAnswered_data();
    void rangeQueriesOverLongWindowsAreAnswered();
    void refusesAStepOverTheLimit();
    void listsSeriesLabelsMetadataAndTargets();
    void serverFollowsPrometheusGoingAndComing();

private:
    std::unique_ptr<test::MonitoringStack> m_stack;
    ServerEndpoint m_endpoint;
};

void TestPrometheus::initTestCase()
{
    test::MonitoringStackOptions options;
    options.alertmanager = false;
    m_stack = std::make_unique<test::MonitoringStack>(options);
    QString error;
    QVERIFY2(m_stack->start(&error), qPrintable(error));
    m_stack->setGauge(QStringLiteral("answer"), 42.5);
    QVERIFY2(m_stack->waitForTargetsUp(60'000, &error), qPrintable(error));
    m_endpoint.url = m_stack->prometheusUrl();
    m_endpoint.timeout = 20s;
}

void TestPrometheus::isReady()
{
    const Result<bool> ready = PrometheusClient(m_endpoint).ready();
    QVERIFY2(ready && *ready, qPrintable(errorOf(ready)));
}

void TestPrometheus::queriesTheExportersGauge()
{
    const PrometheusClient client(m_endpoint);
    const QString query = QStringLiteral(R"(launchdeck_test_value{name="answer"})");
    QueryResult last;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const Result<QueryResult> result = client.query(query);
            last = result ? *result : QueryResult();
            return result && valueOf(*result) == 42.5;
        }(),
        30'000);
    QCOMPARE(last.type, ResultType::Vector);
    const Labels& labels = last.series.at(0).labels;
    QCOMPARE(labels.value(QStringLiteral("job")), QStringLiteral("exporter"));
    QCOMPARE(labels.value(QStringLiteral("instance")), m_stack->exporterTarget());
    QCOMPARE(labels.value(QStringLiteral("__name__")), QStringLiteral("launchdeck_test_value"));

    // A new value arrives with the next scrapes.
    m_stack->setGauge(QStringLiteral("answer"), -7.25);
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const Result<QueryResult> result = client.query(query);
            return result && valueOf(*result) == -7.25;
        }(),
        30'000);
}

void TestPrometheus::keepsNanAndInfinities()
{
    const PrometheusClient client(m_endpoint);
    const Result<QueryResult> nan = client.query(QStringLiteral("0/0"));
    QVERIFY2(nan, qPrintable(errorOf(nan)));
    QCOMPARE(nan->type, ResultType::Scalar);
    QVERIFY(std::isnan(valueOf(*nan)));
    const Result<QueryResult> plus = client.query(QStringLiteral("1/0"));
    QVERIFY2(plus, qPrintable(errorOf(plus)));
    QVERIFY(std::isinf(valueOf(*plus)) && valueOf(*plus) > 0);
    const Result<QueryResult> minus = client.query(QStringLiteral("-1/0"));
    QVERIFY2(minus, qPrintable(errorOf(minus)));
    QVERIFY(std::isinf(valueOf(*minus)) && valueOf(*minus) < 0);
    // In a vector too.
    const Result<QueryResult> vector =
        client.query(QStringLiteral(R"(launchdeck_test_value{name="answer"} / 0)"));
    QVERIFY2(vector, qPrintable(errorOf(vector)));
    QCOMPARE(vector->type, ResultType::Vector);
    QVERIFY(std::isinf(valueOf(*vector)));
}

void TestPrometheus::reportsParseErrorsWithTheirPosition()
{
    const PrometheusClient client(m_endpoint);
    const Result<QueryResult> result = client.query(QStringLiteral("sum(rate(up[5m])"));
    QVERIFY(!result);
    const QString message = result.error().toString();
    QVERIFY2(message.startsWith(u"Prometheus at " + m_stack->prometheusUrl() + u": bad_data: "),
             qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("parse error")), qPrintable(message));
    QVERIFY2(message.endsWith(QStringLiteral("(/api/v1/query)")), qPrintable(message));
    const QueryError& error = client.lastQueryError();
    QCOMPARE(error.errorType, QStringLiteral("bad_data"));
    QCOMPARE(error.line, 1);
    QVERIFY2(error.column > 0 && error.column <= 17, qPrintable(QString::number(error.column)));
    QVERIFY(!client.lastCallUnreachable());

    // A query bar's second line: the position names it.
    QVERIFY(!client.query(QStringLiteral("sum(\n  up +)")));
    QCOMPARE(client.lastQueryError().line, 2);
}

void TestPrometheus::rangeQueriesOverLongWindowsAreAnswered_data()
{
    QTest::addColumn<qint64>("windowSeconds");
    QTest::addColumn<int>("width");
    QTest::addColumn<double>("minimum");
    QTest::newRow("30 days at 1600 px") << qint64(30 * 86400) << 1600 << 1.0;
    QTest::newRow("30 days at 8000 px") << qint64(30 * 86400) << 8000 << 1.0;
    QTest::newRow("30 days, limit decides") << qint64(30 * 86400) << 1'000'000 << 1.0;
    QTest::newRow("1 year at 3840 px") << qint64(365 * 86400) << 3840 << 1.0;
    QTest::newRow("1 hour at 1600 px") << qint64(3600) << 1600 << 1.0;
    QTest::newRow("3 hours, a point a second") << qint64(3 * 3600) << 1'000'000 << 1.0;
}

void TestPrometheus::rangeQueriesOverLongWindowsAreAnswered()
{
    QFETCH(qint64, windowSeconds);
    QFETCH(int, width);
    QFETCH(double, minimum);
    const QDateTime end = QDateTime::currentDateTimeUtc();
    const QDateTime start = end.addSecs(-windowSeconds);
    const double step = chooseStep(std::chrono::seconds(windowSeconds), width, minimum);
    const PrometheusClient client(m_endpoint);
    const Result<QueryResult> result = client.queryRange(
        QStringLiteral(R"(launchdeck_test_value{name="answer"})"), start, end, step);
    QVERIFY2(result, qPrintable(errorOf(result) + u" with a step of " + QString::number(step)));
    QCOMPARE(result->type, ResultType::Matrix);
    QCOMPARE(result->series.size(), 1);
    QVERIFY(!result->series[0].samples.empty());
    QVERIFY(result->series[0].samples.size() <= size_t(kMaxPointsPerSeries));
}

void TestPrometheus::refusesAStepOverTheLimit()
{
    const PrometheusClient client(m_endpoint);
    const QDateTime end = QDateTime::currentDateTimeUtc();
    const Result<QueryResult> result =
        client.queryRange(QStringLiteral("up"), end.addDays(-30), end, 1);
    QVERIFY(!result);
    QVERIFY2(result.error().message.contains(QStringLiteral("not asked")),
             qPrintable(errorOf(result)));
    QVERIFY(client.lastQueryError().errorType.isEmpty()); // Prometheus never saw it
}

void TestPrometheus::listsSeriesLabelsMetadataAndTargets()
{
    const PrometheusClient client(m_endpoint);
    const Result<QList<Labels>> series = client.series(
        {QStringLiteral("launchdeck_test_value")}, QDateTime::currentDateTimeUtc().addSecs(-600),
        QDateTime::currentDateTimeUtc());
    QVERIFY2(series, qPrintable(errorOf(series)));
    QVERIFY(!series->isEmpty());
    QCOMPARE(series->at(0).value(QStringLiteral("name")), QStringLiteral("answer"));

    const Result<QStringList> labels = client.labels();
    QVERIFY2(labels, qPrintable(errorOf(labels)));
    for (const char* name : {"__name__", "job", "instance", "name"})
        QVERIFY2(labels->contains(QLatin1String(name)), name);

    const Result<QStringList> metrics = client.labelValues(QStringLiteral("__name__"));
    QVERIFY2(metrics, qPrintable(errorOf(metrics)));
    QVERIFY(metrics->contains(QStringLiteral("launchdeck_test_value")));
    QVERIFY(metrics->contains(QStringLiteral("up")));
    QVERIFY(!client.labelValues(QStringLiteral("no such/label")));

    const Result<QList<MetricMetadata>> metadata =
        client.metadata(QStringLiteral("launchdeck_test_value"));
    QVERIFY2(metadata, qPrintable(errorOf(metadata)));
    QCOMPARE(metadata->size(), 1);
    QCOMPARE(metadata->at(0).metric, QStringLiteral("launchdeck_test_value"));
    QCOMPARE(metadata->at(0).type, QStringLiteral("gauge"));
    QCOMPARE(metadata->at(0).help, QStringLiteral("A value the test sets."));

    const Result<QList<TargetHealth>> targets = client.targets();
    QVERIFY2(targets, qPrintable(errorOf(targets)));
    const auto exporter = std::find_if(targets->begin(), targets->end(), [](const TargetHealth& t) {
        return t.scrapePool == QLatin1String("exporter");
    });
    QVERIFY(exporter != targets->end());
    QCOMPARE(exporter->health, QStringLiteral("up"));
    QCOMPARE(exporter->labels.value(QStringLiteral("instance")), m_stack->exporterTarget());
    QVERIFY(exporter->scrapeUrl.contains(m_stack->exporterTarget()));
}

void TestPrometheus::serverFollowsPrometheusGoingAndComing()
{
    ServerOptions options;
    options.firstBackoffMs = 100;
    options.maxBackoffMs = 1000;
    options.heartbeatMs = 600'000; // only the failed query can notice the first time
    PrometheusServer server(QStringLiteral("staging"), m_endpoint, options);
    QSignalSpy answers(&server, &PrometheusServer::queryAnswered);
    server.start();
    QTRY_COMPARE_WITH_TIMEOUT(server.status().state, ServerState::Connected, 30'000);

    const quint64 first = server.query(QStringLiteral("1+1"));
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, 30'000);
    auto answer = answers.takeFirst().at(0).value<QueryAnswer>();
    QCOMPARE(answer.request, first);
    QVERIFY2(answer.result && valueOf(*answer.result) == 2, qPrintable(answer.error));

    // A query that cannot reach the server turns it Disconnected.
    m_stack->killPrometheus();
    const quint64 lost = server.query(QStringLiteral("up"));
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, 30'000);
    answer = answers.takeFirst().at(0).value<QueryAnswer>();
    QCOMPARE(answer.request, lost);
    QVERIFY(!answer.result);
    QVERIFY2(answer.error.contains(m_stack->prometheusUrl()), qPrintable(answer.error));
    QTRY_VERIFY_WITH_TIMEOUT(server.status().attempt >= 1, 30'000);
    QVERIFY2(server.status().error.contains(m_stack->prometheusUrl()),
             qPrintable(server.status().error));

    // Back again: the retries find it, and queries answer.
    QString error;
    QVERIFY2(m_stack->restartPrometheus(&error), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(server.status().state, ServerState::Connected, 60'000);
    QCOMPARE(server.status().attempt, 0);
    const quint64 again = server.query(QStringLiteral("2*3"));
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, 30'000);
    answer = answers.takeFirst().at(0).value<QueryAnswer>();
    QCOMPARE(answer.request, again);
    QVERIFY2(answer.result && valueOf(*answer.result) == 6, qPrintable(answer.error));

    // With a heartbeat, a server that goes is noticed without any query.
    options.heartbeatMs = 200;
    PrometheusServer watched(QStringLiteral("watched"), m_endpoint, options);
    watched.start();
    QTRY_COMPARE_WITH_TIMEOUT(watched.status().state, ServerState::Connected, 30'000);
    m_stack->killPrometheus();
    QTRY_COMPARE_WITH_TIMEOUT(watched.status().state, ServerState::Disconnected, 30'000);
    QVERIFY2(watched.status().error.contains(QStringLiteral("refused")),
             qPrintable(watched.status().error));
    QVERIFY2(m_stack->restartPrometheus(&error), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(watched.status().state, ServerState::Connected, 60'000);
}

QTEST_GUILESS_MAIN(TestPrometheus)
#include "tst_prometheus.moc"

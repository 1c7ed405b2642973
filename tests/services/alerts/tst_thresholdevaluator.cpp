// Local threshold rules as Prometheus's alerting rules behave: a series meeting the condition
// is pending, fires once it has held for `for`, and resolves at the first reading that no
// longer meets it; each series of a vector on its own; NaN meets nothing.
#include "alerts/thresholdevaluator.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace launchdeck;
using namespace launchdeck::alerts;
using namespace std::chrono_literals;

namespace {

ThresholdRule rule(std::chrono::milliseconds holdFor)
{
    ThresholdRule rule;
    rule.name = QStringLiteral("SlowCheckout");
    rule.environment = QStringLiteral("production");
    rule.query = QStringLiteral("checkout_latency_seconds");
    rule.condition = QStringLiteral("result > 0.5");
    rule.holdFor = holdFor;
    rule.line = 42;
    return rule;
}

prometheus::QueryResult scalar(double value)
{
    prometheus::QueryResult result;
    result.type = prometheus::ResultType::Scalar;
    result.scalar = prometheus::Sample{0, value};
    return result;
}

prometheus::Series series(const QString& pod, double value)
{
    prometheus::Series s;
    s.labels = {{QStringLiteral("__name__"), QStringLiteral("checkout_latency_seconds")},
                {QStringLiteral("pod"), pod}};
    s.samples.push_back({0, value});
    return s;
}

prometheus::QueryResult vector(const QList<prometheus::Series>& all)
{
    prometheus::QueryResult result;
    result.type = prometheus::ResultType::Vector;
    result.series = all;
    return result;
}

} // namespace

class TestThresholdEvaluator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firesAfterHoldingForItsDurationAndResolves()
    {
        Result<ThresholdEvaluator> created = ThresholdEvaluator::create(rule(30s));
        QVERIFY2(created, qPrintable(created ? QString() : created.error().toString()));
        ThresholdEvaluator evaluator = std::move(created).value();
        const QDateTime t0 = QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC);

        auto changes = evaluator.observe(scalar(0.7), t0);
        QVERIFY(changes);
        QVERIFY(changes->started.isEmpty());
        QCOMPARE(evaluator.pendingCount(), 1);
        changes = evaluator.observe(scalar(0.9), t0.addSecs(29));
        QVERIFY(changes->started.isEmpty());
        QVERIFY(evaluator.firing().isEmpty());

        changes = evaluator.observe(scalar(0.8), t0.addSecs(30));
        QCOMPARE(changes->started.size(), 1);
        const Alert fired = changes->started.first();
        QCOMPARE(fired.name(), QStringLiteral("SlowCheckout"));
        QCOMPARE(fired.labels.value(QStringLiteral("environment")), QStringLiteral("production"));
        QCOMPARE(fired.state, QStringLiteral("active"));
        QCOMPARE(fired.startsAt, t0.addSecs(30));
        QVERIFY2(fired.annotations.value(QStringLiteral("summary")).contains(u"0.8"),
                 qPrintable(fired.annotations.value(QStringLiteral("summary"))));
        QCOMPARE(evaluator.firing().size(), 1);
        QCOMPARE(evaluator.pendingCount(), 0);

        // Still met: firing goes on, nothing starts again.
        changes = evaluator.observe(scalar(0.6), t0.addSecs(40));
        QVERIFY(changes->started.isEmpty());
        QCOMPARE(evaluator.firing().size(), 1);

        changes = evaluator.observe(scalar(0.1), t0.addSecs(50));
        QCOMPARE(changes->resolved.size(), 1);
        QCOMPARE(changes->resolved.first().endsAt, t0.addSecs(50));
        QVERIFY(evaluator.firing().isEmpty());
    }

    void aGapStartsTheHoldAgain()
    {
        ThresholdEvaluator evaluator = ThresholdEvaluator::create(rule(30s)).value();
        const QDateTime t0 = QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC);
        QVERIFY(evaluator.observe(scalar(0.7), t0));
        QVERIFY(evaluator.observe(scalar(0.2), t0.addSecs(20)));
        QCOMPARE(evaluator.pendingCount(), 0);
        auto changes = evaluator.observe(scalar(0.7), t0.addSecs(35));
        QVERIFY(changes->started.isEmpty());
        changes = evaluator.observe(scalar(0.7), t0.addSecs(64));
        QVERIFY(changes->started.isEmpty());
        changes = evaluator.observe(scalar(0.7), t0.addSecs(65));
        QCOMPARE(changes->started.size(), 1);
    }

    void eachSeriesOfAVectorOnItsOwn()
    {
        ThresholdEvaluator evaluator = ThresholdEvaluator::create(rule(0ms)).value();
        const QDateTime t0 = QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC);
        const double nan = std::numeric_limits<double>::quiet_NaN();
        auto changes = evaluator.observe(
            vector({series(QStringLiteral("a"), 0.9), series(QStringLiteral("b"), 0.1),
                    series(QStringLiteral("c"), nan)}),
            t0);
        QCOMPARE(changes->started.size(), 1);
        const Alert fired = changes->started.first();
        QCOMPARE(fired.labels.value(QStringLiteral("pod")), QStringLiteral("a"));
        QVERIFY(!fired.labels.contains(QStringLiteral("__name__")));

        changes = evaluator.observe(
            vector({series(QStringLiteral("a"), 0.9), series(QStringLiteral("b"), 0.8)}),
            t0.addSecs(1));
        QCOMPARE(changes->started.size(), 1);
        QCOMPARE(changes->started.first().labels.value(QStringLiteral("pod")), QStringLiteral("b"));
        QCOMPARE(evaluator.firing().size(), 2);
        QVERIFY(evaluator.firing().at(0).fingerprint != evaluator.firing().at(1).fingerprint);

        // An empty answer: nothing meets the condition any more.
        changes = evaluator.observe(vector({}), t0.addSecs(2));
        QCOMPARE(changes->resolved.size(), 2);
        QVERIFY(evaluator.firing().isEmpty());
    }

    void refusesWhatIsNotANumber()
    {
        ThresholdEvaluator evaluator = ThresholdEvaluator::create(rule(0ms)).value();
        prometheus::QueryResult matrix;
        matrix.type = prometheus::ResultType::Matrix;
        const auto changes = evaluator.observe(matrix, QDateTime::currentDateTimeUtc());
        QVERIFY(!changes);
        QVERIFY2(changes.error().message.contains(u"SlowCheckout") &&
                     changes.error().message.contains(u"range vector"),
                 qPrintable(changes.error().toString()));
    }

    void refusesABadConditionNamingTheRule()
    {
        ThresholdRule bad = rule(0ms);
        bad.condition = QStringLiteral("result >> 3");
        const Result<ThresholdEvaluator> created = ThresholdEvaluator::create(bad);
        QVERIFY(!created);
        QVERIFY2(created.error().message.contains(u"SlowCheckout"),
                 qPrintable(created.error().toString()));
        QVERIFY2(created.error().where.endsWith(u":42"), qPrintable(created.error().where));
    }
};

QTEST_GUILESS_MAIN(TestThresholdEvaluator)
#include "tst_thresholdevaluator.moc"

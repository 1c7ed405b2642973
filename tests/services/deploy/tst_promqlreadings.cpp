// PromQL in deployments without a server: the variables a query may use, answers made into
// readings, the PromQL rollback triggers held for their duration, and which Alertmanager alerts
// trip a pair's rollback.
#include "deploy/promqlreadings.h"
#include "prometheus/serverendpoints.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace launchdeck;
using namespace launchdeck::deploy;
using launchdeck::alerts::Alert;

namespace {

using namespace std::chrono_literals;

prometheus::Series series(const prometheus::Labels& labels, std::vector<double> values)
{
    prometheus::Series made;
    made.labels = labels;
    double time = 1000;
    for (double value : values)
        made.samples.push_back({time++, value});
    return made;
}

PromTrigger trigger(const QString& condition, std::chrono::milliseconds holdFor)
{
    PromTrigger made;
    made.query = QStringLiteral("sum(rate(errors_total[1m]))");
    made.condition = condition;
    made.holdFor = holdFor;
    made.line = 42;
    return made;
}

PromTriggerWatch watchOf(const QList<PromTrigger>& triggers)
{
    auto watch = PromTriggerWatch::create(triggers);
    if (!watch)
        qFatal("%s", qPrintable(watch.error().toString()));
    return std::move(watch).value();
}

QList<SeriesValue> one(double value)
{
    return {{QString(), value}};
}

Alert alert(const QString& name, const prometheus::Labels& labels,
            const QString& state = QStringLiteral("active"))
{
    Alert made;
    made.labels = labels;
    made.labels.insert(QStringLiteral("alertname"), name);
    made.state = state;
    made.startsAt = QDateTime(QDate(2026, 3, 2), QTime(12, 3, 4), Qt::LocalTime);
    return made;
}

} // namespace

class TestPromqlReadings final : public QObject
{
    Q_OBJECT

private slots:
    void variablesNameTheCanarysServers()
    {
        QueryScope scope;
        scope.application = QStringLiteral("web");
        scope.environment = QStringLiteral("staging");
        scope.revision = 7;
        scope.backend = QStringLiteral("staging");
        scope.newGroup = QStringLiteral("green");
        scope.stableGroup = QStringLiteral("blue");
        scope.metricsListen = QStringLiteral("127.0.0.1:9101");
        const QMap<QString, QString> variables = queryVariables(scope);
        QCOMPARE(variables.value(QStringLiteral("canary")), QStringLiteral("green[0-9]+"));
        QCOMPARE(variables.value(QStringLiteral("stable")), QStringLiteral("blue[0-9]+"));
        QCOMPARE(variables.value(QStringLiteral("revision")), QStringLiteral("7"));
        QVERIFY(variables.contains(QStringLiteral("namespace")));
        QVERIFY(variables.value(QStringLiteral("namespace")).isEmpty());
        const QString query = prometheus::expandVariables(
            QStringLiteral("sum(rate(haproxy_server_http_responses_total{proxy=\"$backend\","
                           "server=~\"$canary\",code=\"5xx\",instance=\"${instance}\"}[30s])) "
                           "# $app $env r$revision"),
            variables);
        QCOMPARE(query,
                 QStringLiteral("sum(rate(haproxy_server_http_responses_total{proxy=\"staging\","
                                "server=~\"green[0-9]+\",code=\"5xx\",instance=\"127.0.0.1:9101\"}"
                                "[30s])) # web staging r7"));

        // A first deployment replaces nothing: $stable matches no server.
        scope.stableGroup.clear();
        QVERIFY(queryVariables(scope).value(QStringLiteral("stable")).isEmpty());
    }

    void answersBecomeReadings()
    {
        prometheus::QueryResult scalar;
        scalar.type = prometheus::ResultType::Scalar;
        scalar.scalar = prometheus::Sample{1000, 0.25};
        auto values = readingValues(scalar);
        QVERIFY(values.ok());
        QCOMPARE(values->size(), 1);
        QVERIFY(values->first().series.isEmpty());
        QCOMPARE(values->first().value, 0.25);

        prometheus::QueryResult vector;
        vector.type = prometheus::ResultType::Vector;
        vector.series = {series({{QStringLiteral("__name__"), QStringLiteral("up")},
                                 {QStringLiteral("server"), QStringLiteral("green1")},
                                 {QStringLiteral("proxy"), QStringLiteral("staging")}},
                                {1.0}),
                         series({}, {std::numeric_limits<double>::quiet_NaN()})};
        values = readingValues(vector);
        QVERIFY(values.ok());
        QCOMPARE(values->size(), 2);
        QCOMPARE(values->at(0).series, QStringLiteral("{proxy=\"staging\", server=\"green1\"}"));
        QCOMPARE(values->at(0).value, 1.0);
        // A series without labels (an aggregate) reads as a plain number, NaN kept.
        QVERIFY(values->at(1).series.isEmpty());
        QVERIFY(std::isnan(values->at(1).value));

        vector.series.clear();
        values = readingValues(vector);
        QVERIFY(values.ok());
        QVERIFY(values->isEmpty());

        prometheus::QueryResult matrix;
        matrix.type = prometheus::ResultType::Matrix;
        matrix.series = {series({{QStringLiteral("server"), QStringLiteral("green1")}}, {1, 2, 3})};
        values = readingValues(matrix);
        QVERIFY(values.ok());
        QCOMPARE(values->size(), 3);
        QCOMPARE(values->at(2).value, 3.0);

        prometheus::QueryResult text;
        text.type = prometheus::ResultType::String;
        text.string = QStringLiteral("hello");
        values = readingValues(text);
        QVERIFY(!values.ok());
        QVERIFY2(values.error().message.contains(u"string (\"hello\")"),
                 qPrintable(values.error().message));
    }

    void formatsValuesAsPrometheus()
    {
        QCOMPARE(launchdeck::conditionValueText(0.42), QStringLiteral("0.42"));
        QCOMPARE(launchdeck::conditionValueText(std::numeric_limits<double>::quiet_NaN()),
                 QStringLiteral("NaN"));
        QCOMPARE(launchdeck::conditionValueText(std::numeric_limits<double>::infinity()),
                 QStringLiteral("+Inf"));
        QCOMPARE(launchdeck::conditionValueText(-std::numeric_limits<double>::infinity()),
                 QStringLiteral("-Inf"));
    }

    void triggerTripsOnceHeldForItsDuration()
    {
        PromTriggerWatch watch = watchOf({trigger(QStringLiteral("result > 0.05"), 30s)});
        const QDateTime t0 = QDateTime(QDate(2026, 3, 2), QTime(12, 0), Qt::UTC);
        QVERIFY(!watch.observe(0, one(0.2), t0));
        QVERIFY(!watch.observe(0, one(0.3), t0.addSecs(15)));
        QVERIFY(!watch.observe(0, one(0.3), t0.addMSecs(29'900)));
        const std::optional<QString> reason = watch.observe(0, one(0.42), t0.addSecs(31));
        QVERIFY(reason);
        QCOMPARE(*reason, QStringLiteral("PromQL trigger 'sum(rate(errors_total[1m]))' at 0.42 "
                                         "met 'result > 0.05' for 31 s (for: 30 s)"));
    }

    void triggerHeldForLessDoesNotTrip()
    {
        PromTriggerWatch watch = watchOf({trigger(QStringLiteral("result > 0.05"), 30s)});
        const QDateTime t0 = QDateTime(QDate(2026, 3, 2), QTime(12, 0), Qt::UTC);
        QVERIFY(!watch.observe(0, one(0.2), t0));
        QVERIFY(!watch.observe(0, one(0.2), t0.addSecs(20)));
        // A reading below the condition restarts the clock…
        QVERIFY(!watch.observe(0, one(0.01), t0.addSecs(25)));
        QVERIFY(!watch.observe(0, one(0.2), t0.addSecs(30)));
        QVERIFY(!watch.observe(0, one(0.2), t0.addSecs(55)));
        // …and so does an empty result (no series meets anything) or NaN.
        QVERIFY(!watch.observe(0, QList<SeriesValue>{}, t0.addSecs(58)));
        QVERIFY(!watch.observe(0, one(0.2), t0.addSecs(60)));
        QVERIFY(!watch.observe(0, one(std::numeric_limits<double>::quiet_NaN()), t0.addSecs(70)));
        QVERIFY(!watch.observe(0, one(0.2), t0.addSecs(80)));
        QVERIFY(watch.observe(0, one(0.2), t0.addSecs(110)));
    }

    void unreadableReadingsNeitherTripNorRestart()
    {
        PromTriggerWatch watch = watchOf({trigger(QStringLiteral("result > 0.05"), 10s)});
        const QDateTime t0 = QDateTime(QDate(2026, 3, 2), QTime(12, 0), Qt::UTC);
        QVERIFY(!watch.observe(0, one(0.2), t0));
        QVERIFY(!watch.observe(0, std::nullopt, t0.addSecs(5)));
        QVERIFY(!watch.observe(0, std::nullopt, t0.addSecs(12)));
        QVERIFY(watch.observe(0, one(0.2), t0.addSecs(13)));
    }

    void triggerWithoutDurationTripsAtOnceOnAnySeries()
    {
        PromTriggerWatch watch = watchOf({trigger(QStringLiteral("result >= 1"), 0ms),
                                          trigger(QStringLiteral("result < 0"), 0ms)});
        QCOMPARE(watch.size(), 2);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QList<SeriesValue> values{{QStringLiteral("{server=\"green1\"}"), 0.5},
                                        {QStringLiteral("{server=\"green2\"}"), 3.0}};
        QVERIFY(!watch.observe(1, values, now));
        const std::optional<QString> reason = watch.observe(0, values, now);
        QVERIFY(reason);
        QCOMPARE(*reason, QStringLiteral("PromQL trigger 'sum(rate(errors_total[1m]))' at 3 for "
                                         "{server=\"green2\"} met 'result >= 1'"));
    }

    void badTriggerConditionsAreRefused()
    {
        auto broken = PromTriggerWatch::create({trigger(QStringLiteral("value > 1"), 0ms)});
        QVERIFY(!broken.ok());
        QCOMPARE(broken.error().where, QStringLiteral("launchdeck.yaml:42"));
        QVERIFY2(broken.error().message.contains(u"expected 'result'"),
                 qPrintable(broken.error().message));
        auto empty = PromTriggerWatch::create({trigger(QString(), 0ms)});
        QVERIFY(!empty.ok());
        QVERIFY(empty.error().message.contains(u"has no condition"));
    }

    void alertsConcernThePairByTheirLabels_data()
    {
        QTest::addColumn<QVariantMap>("labels");
        QTest::addColumn<bool>("concerns");
        QTest::newRow("no labels: any pair") << QVariantMap{} << true;
        QTest::newRow("application and environment")
            << QVariantMap{{QStringLiteral("application"), QStringLiteral("web")},
                           {QStringLiteral("environment"), QStringLiteral("staging")}}
            << true;
        QTest::newRow("app and env")
            << QVariantMap{{QStringLiteral("app"), QStringLiteral("web")},
                           {QStringLiteral("env"), QStringLiteral("staging")}}
            << true;
        QTest::newRow("environment only")
            << QVariantMap{{QStringLiteral("environment"), QStringLiteral("staging")}} << true;
        QTest::newRow("another application")
            << QVariantMap{{QStringLiteral("application"), QStringLiteral("shop")}} << false;
        QTest::newRow("another env") << QVariantMap{{QStringLiteral("app"), QStringLiteral("web")},
                                                    {QStringLiteral("env"), QStringLiteral("prod")}}
                                     << false;
        QTest::newRow("labels that disagree")
            << QVariantMap{{QStringLiteral("application"), QStringLiteral("web")},
                           {QStringLiteral("app"), QStringLiteral("shop")}}
            << false;
    }

    void alertsConcernThePairByTheirLabels()
    {
        QFETCH(QVariantMap, labels);
        QFETCH(bool, concerns);
        prometheus::Labels asLabels;
        for (auto it = labels.cbegin(); it != labels.cend(); ++it)
            asLabels.insert(it.key(), it.value().toString());
        QCOMPARE(alertConcerns(alert(QStringLiteral("HighErrorRate"), asLabels),
                               QStringLiteral("web"), QStringLiteral("staging")),
                 concerns);
    }

    void onlyListedUnmutedAlertsTrip()
    {
        const prometheus::Labels pair{{QStringLiteral("application"), QStringLiteral("web")},
                                      {QStringLiteral("environment"), QStringLiteral("staging")}};
        const QStringList names{QStringLiteral("HighErrorRate")};
        const auto reasonFor = [&](const QList<Alert>& alerts) {
            return firingAlertReason(alerts, names, QStringLiteral("web"),
                                     QStringLiteral("staging"));
        };
        QVERIFY(!reasonFor({alert(QStringLiteral("DiskFull"), pair)}));
        QVERIFY(!reasonFor(
            {alert(QStringLiteral("HighErrorRate"), pair, QStringLiteral("suppressed"))}));
        Alert silenced = alert(QStringLiteral("HighErrorRate"), pair);
        silenced.silencedBy = {QStringLiteral("6b1f…")};
        QVERIFY(!reasonFor({silenced}));
        QVERIFY(!reasonFor({alert(QStringLiteral("HighErrorRate"),
                                  {{QStringLiteral("application"), QStringLiteral("shop")}})}));

        Alert firing = alert(QStringLiteral("HighErrorRate"), pair);
        firing.annotations.insert(QStringLiteral("summary"), QStringLiteral("5xx above 5%\n"));
        const std::optional<QString> reason =
            reasonFor({alert(QStringLiteral("DiskFull"), pair), firing});
        QVERIFY(reason);
        QCOMPARE(*reason,
                 QStringLiteral("alert HighErrorRate firing since 12:03:04: 5xx above 5%"));
        // Not yet processed by Alertmanager still counts as firing.
        QVERIFY(reasonFor(
            {alert(QStringLiteral("HighErrorRate"), pair, QStringLiteral("unprocessed"))}));
    }
};

QTEST_GUILESS_MAIN(TestPromqlReadings)
#include "tst_promqlreadings.moc"

// AlertmanagerClient against the real Alertmanager fed by the real Prometheus: an alert rule
// fires and is listed, a silence suppresses it and amtool sees the silence, expiring it shows;
// and the answers of servers that are not Alertmanager are refused with the server named.
#include "alerts/alertmanagerclient.h"
#include "fakes/localhttpserver.h"
#include "fakes/misbehavingserver.h"
#include "fakes/monitoringstack.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

#include <memory>
#include <optional>

using namespace launchdeck;
using namespace launchdeck::alerts;
using launchdeck::test::LocalHttpServer;
using launchdeck::test::MisbehavingServer;
using launchdeck::test::MonitoringStack;
using launchdeck::test::MonitoringStackOptions;

namespace {

const QString kAlertName = QStringLiteral("LaunchdeckTestErrors");
constexpr int kAlertTimeoutMs = 60'000;

const char kRules[] = R"(groups:
  - name: launchdeck-test
    rules:
      - alert: LaunchdeckTestErrors
        expr: launchdeck_test_value{name="errors"} > 1
        labels:
          application: web
          environment: staging
          severity: page
        annotations:
          summary: errors above one
)";

prometheus::ServerEndpoint endpointAt(const QString& url)
{
    prometheus::ServerEndpoint endpoint;
    endpoint.url = url;
    endpoint.timeout = std::chrono::seconds(5);
    return endpoint;
}

std::optional<Alert> alertNamed(const Result<QList<Alert>>& alerts, const QString& name)
{
    if (!alerts)
        return std::nullopt;
    for (const Alert& alert : *alerts) {
        if (alert.name() == name)
            return alert;
    }
    return std::nullopt;
}

QString describe(const Result<QList<Alert>>& alerts)
{
    if (!alerts)
        return alerts.error().toString();
    QStringList names;
    for (const Alert& alert : *alerts)
        names.append(alert.name() + u" (" + alert.state + u')');
    return u"alerts: [" + names.join(u", ") + u']';
}

// The state amtool reports for silence `id` ("active", "expired"), or why there is none.
QString amtoolSilenceState(const QString& url, const QString& id, bool expired)
{
    const QString amtool = QStandardPaths::findExecutable(QStringLiteral("amtool"));
    if (amtool.isEmpty())
        return QStringLiteral("amtool not found: install Debian's prometheus-alertmanager");
    QStringList arguments{QStringLiteral("silence"), QStringLiteral("query"), QStringLiteral("-o"),
                          QStringLiteral("json"), u"--alertmanager.url=" + url};
    if (expired)
        arguments.append(QStringLiteral("--expired"));
    QProcess process;
    process.start(amtool, arguments);
    if (!process.waitForFinished(30'000) || process.exitCode() != 0)
        return u"amtool failed: " + QString::fromUtf8(process.readAllStandardError());
    const QByteArray output = process.readAllStandardOutput();
    for (const QJsonValue& value : QJsonDocument::fromJson(output).array()) {
        const QJsonObject silence = value.toObject();
        if (silence.value(u"id").toString() == id)
            return silence.value(u"status").toObject().value(u"state").toString();
    }
    return u"silence " + id + u" not in amtool's answer: " + QString::fromUtf8(output);
}

} // namespace

class TestAlertmanagerClient : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void parsesRfc3339_data();
    void parsesRfc3339();
    void reportsReady();
    void listsFiringAlertWithLabelsStateAndStart();
    void silenceSuppressesAlertAndAmtoolSeesIt();
    void expiringUnknownSilenceSaysWhy();
    void refusesBadSilenceBeforeSending();
    void turnsAlertmanagerErrorBodyIntoMessage();
    void refusedPortNamesServer();
    void garbageAnswerNamesServer();
    void neverAnsweringServerTimesOut();
    void wrongShapedAnswerRefused_data();
    void wrongShapedAnswerRefused();
    void oversizedAnswerRefused();
    void stackSaysWhyPrometheusRefusesRules();
    void stackSaysWhyItDoesNotStart();

private:
    void raiseAlert();

    std::unique_ptr<MonitoringStack> m_stack;
    std::unique_ptr<AlertmanagerClient> m_client;
    LocalHttpServer m_notAlertmanager;
};

void TestAlertmanagerClient::initTestCase()
{
    MonitoringStackOptions options;
    options.rules = kRules;
    m_stack = std::make_unique<MonitoringStack>(options);
    QString error;
    QVERIFY2(m_stack->start(&error), qPrintable(error));
    m_stack->setGauge(QStringLiteral("errors"), 0);
    QVERIFY2(m_stack->waitForTargetsUp(30'000, &error), qPrintable(error));
    m_client = std::make_unique<AlertmanagerClient>(endpointAt(m_stack->alertmanagerUrl()));
    QVERIFY2(m_notAlertmanager.start(&error), qPrintable(error));
}

void TestAlertmanagerClient::raiseAlert()
{
    m_stack->setGauge(QStringLiteral("errors"), 5);
    Result<QList<Alert>> alerts = m_client->alerts();
    QTRY_VERIFY2_WITH_TIMEOUT(alertNamed(alerts = m_client->alerts(), kAlertName).has_value(),
                              qPrintable(u"no " + kAlertName + u" reached Alertmanager; " +
                                         describe(alerts) + u"\nPrometheus said:\n" +
                                         m_stack->prometheusLogTail()),
                              kAlertTimeoutMs);
}

void TestAlertmanagerClient::parsesRfc3339_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDateTime>("expected");
    const QDate day(2024, 5, 6);
    QTest::newRow("milliseconds, Z")
        << QStringLiteral("2024-05-06T07:08:09.123Z") << QDateTime(day, {7, 8, 9, 123}, Qt::UTC);
    QTest::newRow("nanoseconds") << QStringLiteral("2024-05-06T07:08:09.123456789Z")
                                 << QDateTime(day, {7, 8, 9, 123}, Qt::UTC);
    QTest::newRow("one digit") << QStringLiteral("2024-05-06T07:08:09.5Z")
                               << QDateTime(day, {7, 8, 9, 500}, Qt::UTC);
    QTest::newRow("no fraction") << QStringLiteral("2024-05-06T07:08:09Z")
                                 << QDateTime(day, {7, 8, 9}, Qt::UTC);
    QTest::newRow("offset east") << QStringLiteral("2024-05-06T09:08:09.250+02:00")
                                 << QDateTime(day, {7, 8, 9, 250}, Qt::UTC);
    QTest::newRow("offset west") << QStringLiteral("2024-05-06T02:38:09-04:30")
                                 << QDateTime(day, {7, 8, 9}, Qt::UTC);
    QTest::newRow("Go's zero time")
        << QStringLiteral("0001-01-01T00:00:00Z") << QDateTime(QDate(1, 1, 1), {0, 0}, Qt::UTC);
    QTest::newRow("no zone") << QStringLiteral("2024-05-06T07:08:09") << QDateTime();
    QTest::newRow("month 13") << QStringLiteral("2024-13-06T07:08:09Z") << QDateTime();
    QTest::newRow("not a time") << QStringLiteral("yesterday") << QDateTime();
    QTest::newRow("empty") << QString() << QDateTime();
}

void TestAlertmanagerClient::parsesRfc3339()
{
    QFETCH(QString, text);
    QFETCH(QDateTime, expected);
    const QDateTime parsed = parseRfc3339(text);
    QCOMPARE(parsed.isValid(), expected.isValid());
    if (expected.isValid()) {
        QCOMPARE(parsed, expected);
        QCOMPARE(parseRfc3339(toRfc3339(parsed)), expected);
    }
}

void TestAlertmanagerClient::reportsReady()
{
    const Result<bool> ready = m_client->ready();
    QVERIFY2(ready.ok(), qPrintable(ready ? QString() : ready.error().toString()));
    QVERIFY(ready.value());
}

void TestAlertmanagerClient::listsFiringAlertWithLabelsStateAndStart()
{
    const QDateTime raised = QDateTime::currentDateTimeUtc();
    raiseAlert();
    const std::optional<Alert> alert = alertNamed(m_client->alerts(), kAlertName);
    QVERIFY(alert);
    QCOMPARE(alert->labels.value(QStringLiteral("application")), QStringLiteral("web"));
    QCOMPARE(alert->labels.value(QStringLiteral("environment")), QStringLiteral("staging"));
    QCOMPARE(alert->labels.value(QStringLiteral("severity")), QStringLiteral("page"));
    QCOMPARE(alert->labels.value(QStringLiteral("name")), QStringLiteral("errors"));
    QCOMPARE(alert->annotations.value(QStringLiteral("summary")),
             QStringLiteral("errors above one"));
    QCOMPARE(alert->state, QStringLiteral("active"));
    QVERIFY(alert->silencedBy.isEmpty());
    QVERIFY(!alert->fingerprint.isEmpty());
    QVERIFY2(alert->generatorUrl.startsWith(m_stack->prometheusUrl()),
             qPrintable(alert->generatorUrl));
    // Prometheus starts the alert at the evaluation that first saw the value: after the test
    // raised it (a second of slack for clocks rounding) and not later than now.
    QVERIFY2(alert->startsAt >= raised.addSecs(-1) &&
                 alert->startsAt <= QDateTime::currentDateTimeUtc(),
             qPrintable(u"startsAt " + toRfc3339(alert->startsAt) + u", raised at " +
                        toRfc3339(raised)));
    QCOMPARE(alert->startsAt.timeSpec(), Qt::UTC);
}

void TestAlertmanagerClient::silenceSuppressesAlertAndAmtoolSeesIt()
{
    raiseAlert();
    Silence silence;
    silence.matchers = {{QStringLiteral("alertname"), kAlertName},
                        {QStringLiteral("environment"), QStringLiteral("staging")}};
    silence.endsAt = QDateTime::currentDateTimeUtc().addSecs(3600);
    silence.createdBy = QStringLiteral("release engineer");
    silence.comment = QStringLiteral("known noisy during the migration");
    const Result<QString> id = m_client->createSilence(silence);
    QVERIFY2(id.ok(), qPrintable(id ? QString() : id.error().toString()));
    QVERIFY(!id->isEmpty());

    Result<QList<Alert>> alerts = m_client->alerts();
    QTRY_VERIFY2_WITH_TIMEOUT(
        [&] {
            const auto alert = alertNamed(alerts = m_client->alerts(), kAlertName);
            return alert && alert->state == u"suppressed" && alert->silencedBy.contains(*id);
        }(),
        qPrintable(describe(alerts)), kAlertTimeoutMs);
    // A client asking for unsilenced alerts only does not get it.
    const Result<QList<Alert>> unsilenced = m_client->alerts(true, false, true);
    QVERIFY2(unsilenced.ok(), qPrintable(describe(unsilenced)));
    QVERIFY2(!alertNamed(unsilenced, kAlertName), qPrintable(describe(unsilenced)));

    const Result<QList<Silence>> silences = m_client->silences();
    QVERIFY2(silences.ok(), qPrintable(silences ? QString() : silences.error().toString()));
    const auto listed = std::find_if(silences->begin(), silences->end(),
                                     [&](const Silence& s) { return s.id == *id; });
    QVERIFY(listed != silences->end());
    QCOMPARE(listed->state, QStringLiteral("active"));
    QCOMPARE(listed->comment, silence.comment);
    QCOMPARE(listed->createdBy, silence.createdBy);
    QCOMPARE(listed->matchers.size(), 2);
    QCOMPARE(listed->matchers.at(0).name, QStringLiteral("alertname"));
    QCOMPARE(listed->matchers.at(0).value, kAlertName);
    QVERIFY(listed->matchers.at(0).isEqual && !listed->matchers.at(0).isRegex);
    QVERIFY(listed->startsAt.isValid() && listed->startsAt <= QDateTime::currentDateTimeUtc());
    // Alertmanager keeps milliseconds: the end comes back as it was sent, to the millisecond.
    QCOMPARE(listed->endsAt, silence.endsAt);

    QCOMPARE(amtoolSilenceState(m_stack->alertmanagerUrl(), *id, false), QStringLiteral("active"));

    const Result<bool> expired = m_client->expireSilence(*id);
    QVERIFY2(expired.ok(), qPrintable(expired ? QString() : expired.error().toString()));
    QCOMPARE(amtoolSilenceState(m_stack->alertmanagerUrl(), *id, true), QStringLiteral("expired"));
    QTRY_VERIFY2_WITH_TIMEOUT(
        [&] {
            const auto alert = alertNamed(alerts = m_client->alerts(), kAlertName);
            return alert && alert->state == u"active" && alert->silencedBy.isEmpty();
        }(),
        qPrintable(describe(alerts)), kAlertTimeoutMs);
}

void TestAlertmanagerClient::expiringUnknownSilenceSaysWhy()
{
    const Result<bool> expired =
        m_client->expireSilence(QStringLiteral("3f1c0b4e-0000-4000-8000-000000000000"));
    QVERIFY(!expired.ok());
    const QString message = expired.error().toString();
    QVERIFY2(message.contains(u"silence not found"), qPrintable(message));
    QVERIFY2(message.contains(m_stack->alertmanagerUrl()), qPrintable(message));
    QVERIFY2(message.contains(u"/api/v2/silence/"), qPrintable(message));
}

void TestAlertmanagerClient::refusesBadSilenceBeforeSending()
{
    Silence silence;
    silence.endsAt = QDateTime::currentDateTimeUtc().addSecs(60);
    Result<QString> id = m_client->createSilence(silence);
    QVERIFY(!id.ok());
    QVERIFY2(id.error().message.contains(u"matcher"), qPrintable(id.error().toString()));

    silence.matchers = {{QStringLiteral("alertname"), kAlertName}};
    silence.startsAt = silence.endsAt.addSecs(10);
    id = m_client->createSilence(silence);
    QVERIFY(!id.ok());
    QVERIFY2(id.error().message.contains(u"end after it starts"),
             qPrintable(id.error().toString()));
    QVERIFY2(id.error().where.startsWith(m_stack->alertmanagerUrl()),
             qPrintable(id.error().toString()));
}

void TestAlertmanagerClient::turnsAlertmanagerErrorBodyIntoMessage()
{
    // Alertmanager answers 400 with its reason as a JSON string.
    Silence silence;
    silence.matchers = {{QStringLiteral("alertname"), QStringLiteral("("), true}};
    silence.endsAt = QDateTime::currentDateTimeUtc().addSecs(60);
    const Result<QString> id = m_client->createSilence(silence);
    QVERIFY(!id.ok());
    const QString message = id.error().toString();
    QVERIFY2(message.contains(u"HTTP 400"), qPrintable(message));
    QVERIFY2(message.contains(u"invalid regular expression"), qPrintable(message));
    QVERIFY2(!message.contains(u"\\\""), qPrintable(u"still JSON-escaped: " + message));
    QVERIFY2(message.startsWith(m_stack->alertmanagerUrl()), qPrintable(message));
}

void TestAlertmanagerClient::refusedPortNamesServer()
{
    const QString url = u"http://127.0.0.1:" + QString::number(test::pickFreeLoopbackPort());
    const Result<QList<Alert>> alerts = AlertmanagerClient(endpointAt(url)).alerts();
    QVERIFY(!alerts.ok());
    QVERIFY2(alerts.error().toString().contains(url), qPrintable(alerts.error().toString()));
}

void TestAlertmanagerClient::garbageAnswerNamesServer()
{
    MisbehavingServer server(MisbehavingServer::Behaviour::AnswerGarbage);
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    const QString url = server.url().chopped(1);
    const Result<QList<Silence>> silences = AlertmanagerClient(endpointAt(url)).silences();
    QVERIFY(!silences.ok());
    QVERIFY2(silences.error().toString().contains(url), qPrintable(silences.error().toString()));
}

void TestAlertmanagerClient::neverAnsweringServerTimesOut()
{
    MisbehavingServer server(MisbehavingServer::Behaviour::NeverAnswer);
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    const QString url = server.url().chopped(1);
    prometheus::ServerEndpoint endpoint = endpointAt(url);
    endpoint.timeout = std::chrono::milliseconds(500);
    QElapsedTimer clock;
    clock.start();
    const Result<QList<Alert>> alerts = AlertmanagerClient(endpoint).alerts();
    const qint64 elapsed = clock.elapsed();
    QVERIFY(!alerts.ok());
    QVERIFY2(alerts.error().toString().contains(url), qPrintable(alerts.error().toString()));
    QVERIFY2(elapsed < 10'000, qPrintable(u"gave up after " + QString::number(elapsed) +
                                          u" ms with a 500 ms timeout"));
}

void TestAlertmanagerClient::wrongShapedAnswerRefused_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("expected");
    const QString alerts = QStringLiteral("api/v2/alerts");
    const QString silences = QStringLiteral("api/v2/silences");
    QTest::newRow("not JSON") << alerts << QByteArray("<html>proxy error</html>")
                              << QStringLiteral("invalid JSON");
    QTest::newRow("object") << alerts << QByteArray(R"({"status":"success","data":[]})")
                            << QStringLiteral("an object, not an array of alerts");
    QTest::newRow("state a number")
        << alerts
        << QByteArray(R"([{"labels":{},"status":{"state":7},"startsAt":"2024-01-01T00:00:00Z"}])")
        << QStringLiteral("alerts[0].status.state is a number, not a string");
    QTest::newRow("label a number")
        << alerts
        << QByteArray(
               R"([{"labels":{"code":500},"status":{"state":"active"},"startsAt":"2024-01-01T00:00:00Z"}])")
        << QStringLiteral("alerts[0].labels.code is a number, not a string");
    QTest::newRow("no status") << alerts
                               << QByteArray(R"([{"labels":{},"startsAt":"2024-01-01T00:00:00Z"}])")
                               << QStringLiteral("alerts[0].status is missing, not an object");
    QTest::newRow("bad time")
        << alerts << QByteArray(R"([{"labels":{},"status":{"state":"active"},"startsAt":"soon"}])")
        << QStringLiteral("alerts[0].startsAt is not an RFC 3339 time");
    QTest::newRow("silence id a number")
        << silences << QByteArray(R"([{"id":5}])")
        << QStringLiteral("silences[0].id is a number, not a string");
    QTest::newRow("matchers an object")
        << silences
        << QByteArray(
               R"([{"id":"a","matchers":{},"startsAt":"2024-01-01T00:00:00Z","endsAt":"2024-01-01T00:00:00Z","status":{"state":"active"}}])")
        << QStringLiteral("silences[0].matchers is an object, not an array");
}

void TestAlertmanagerClient::wrongShapedAnswerRefused()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, body);
    QFETCH(QString, expected);
    QVERIFY(m_notAlertmanager.writeFile(file, body));
    const AlertmanagerClient client(endpointAt(m_notAlertmanager.url().chopped(1)));
    const Error error =
        file.endsWith(u"alerts") ? client.alerts().error() : client.silences().error();
    QVERIFY2(error.message.contains(u"not an Alertmanager answer"), qPrintable(error.toString()));
    QVERIFY2(error.message.contains(expected), qPrintable(error.toString()));
    QCOMPARE(error.where, m_notAlertmanager.url(u'/' + file));
}

void TestAlertmanagerClient::oversizedAnswerRefused()
{
    QByteArray huge = "[";
    for (int i = 0; i < 2000; ++i)
        huge += R"({"labels":{"alertname":"Flood"},"status":{"state":"active"},)"
                R"("startsAt":"2024-01-01T00:00:00Z"},)";
    huge.chop(1);
    huge += ']';
    QVERIFY(m_notAlertmanager.writeFile(QStringLiteral("api/v2/alerts"), huge));
    prometheus::ServerEndpoint endpoint = endpointAt(m_notAlertmanager.url().chopped(1));
    endpoint.maxAnswerBytes = 4096;
    const Result<QList<Alert>> alerts = AlertmanagerClient(endpoint).alerts();
    QVERIFY2(!alerts.ok(), "an answer over the limit was accepted");
    QVERIFY2(alerts.error().toString().contains(endpoint.url), qPrintable(describe(alerts)));
}

// The fixture's own failures, which every monitoring suite relies on to explain itself.
void TestAlertmanagerClient::stackSaysWhyPrometheusRefusesRules()
{
    QString error;
    QVERIFY(!m_stack->setRules("groups: [unclosed", &error));
    QVERIFY2(error.contains(u"refused to reload") && error.contains(u"rules.yml") &&
                 error.contains(u"did not find expected"),
             qPrintable(error));
    QVERIFY2(m_stack->setRules(kRules, &error), qPrintable(error));
}

void TestAlertmanagerClient::stackSaysWhyItDoesNotStart()
{
    MonitoringStackOptions options;
    options.alertmanager = false;
    options.rules = "groups: [unclosed";
    MonitoringStack stack(options);
    QString error;
    QVERIFY(!stack.start(&error));
    QVERIFY2(error.startsWith(u"Prometheus exited") && error.contains(u"rules.yml") &&
                 error.contains(u"did not find expected"),
             qPrintable(error));
    QVERIFY(!stack.isPrometheusRunning());
}

QTEST_GUILESS_MAIN(TestAlertmanagerClient)
#include "tst_alertmanagerclient.moc"

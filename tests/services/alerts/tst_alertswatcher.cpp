// The alerts watcher against the real Alertmanager and Prometheus (tests/fakes/monitoringstack.h):
// an alert rule firing is listed with its labels and signalled as started; a silence created
// through the watcher is seen by amtool and suppresses the alert, and expiring it is seen too;
// an Alertmanager that cannot be reached is reported with the attempt count and the watcher
// recovers once one listens there; a local threshold rule fires on Prometheus alone after its
// `for` and resolves.
#include "alerts/alertswatcher.h"
#include "fakes/localhttpserver.h"
#include "fakes/monitoringstack.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace launchdeck;
using namespace launchdeck::alerts;
using launchdeck::test::MonitoringStack;
using launchdeck::test::MonitoringStackOptions;

namespace {

const QString kAlertName = QStringLiteral("CheckoutErrors");
constexpr int kAlertTimeoutMs = 60'000;

const char kRules[] = R"(groups:
  - name: launchdeck-watcher-test
    rules:
      - alert: CheckoutErrors
        expr: launchdeck_test_value{name="errors"} > 1
        labels:
          application: checkout
          severity: page
        annotations:
          summary: checkout answers errors
)";

prometheus::ServerEndpoint endpointAt(const QString& url)
{
    prometheus::ServerEndpoint endpoint;
    endpoint.url = url;
    endpoint.timeout = std::chrono::seconds(5);
    return endpoint;
}

AlertsWatcherOptions quickPolls()
{
    AlertsWatcherOptions options;
    options.pollIntervalMs = 300;
    options.firstBackoffMs = 200;
    options.maxBackoffMs = 1'000;
    return options;
}

const WatchedAlert* findAlert(const AlertsWatcher& watcher, const QString& environment,
                              const QString& name)
{
    const auto snapshot = watcher.snapshots().constFind(environment);
    if (snapshot == watcher.snapshots().cend())
        return nullptr;
    for (const WatchedAlert& alert : snapshot->alerts) {
        if (alert.alert.name() == name)
            return &alert;
    }
    return nullptr;
}

QString describe(const AlertsWatcher& watcher, const QString& environment)
{
    const EnvironmentAlerts snapshot = watcher.snapshots().value(environment);
    QStringList alerts;
    for (const WatchedAlert& alert : snapshot.alerts)
        alerts.append(alert.alert.name() + u" (" + alert.alert.state + u')');
    return QStringLiteral("%1: state %2, error '%3', rules '%4', alerts [%5]")
        .arg(environment)
        .arg(int(snapshot.alertmanager.state))
        .arg(snapshot.alertmanager.error, snapshot.rulesError, alerts.join(u", "));
}

// The state amtool reports for silence `id`, or why there is none.
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

class TestAlertsWatcher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        MonitoringStackOptions options;
        options.rules = kRules;
        m_stack = std::make_unique<MonitoringStack>(options);
        QString error;
        QVERIFY2(m_stack->start(&error), qPrintable(error));
        m_stack->setGauge(QStringLiteral("errors"), 0);
        m_stack->setGauge(QStringLiteral("latency"), 0);
        QVERIFY2(m_stack->waitForTargetsUp(30'000, &error), qPrintable(error));
    }

    void listsAFiringAlertWithItsLabels()
    {
        AlertsWatcher watcher(
            {{QStringLiteral("staging"), endpointAt(m_stack->alertmanagerUrl()), {}, {}, {}, {}}},
            quickPolls());
        QSignalSpy changed(&watcher, &AlertsWatcher::alertsChanged);
        QSignalSpy started(&watcher, &AlertsWatcher::alertStarted);
        watcher.start();
        QTRY_VERIFY_WITH_TIMEOUT(
            watcher.snapshots().value(QStringLiteral("staging")).alertmanager.state ==
                prometheus::ServerState::Connected,
            20'000);
        QVERIFY(!findAlert(watcher, QStringLiteral("staging"), kAlertName));

        m_stack->setGauge(QStringLiteral("errors"), 5);
        QTRY_VERIFY2_WITH_TIMEOUT(findAlert(watcher, QStringLiteral("staging"), kAlertName),
                                  qPrintable(describe(watcher, QStringLiteral("staging"))),
                                  kAlertTimeoutMs);
        const WatchedAlert alert = *findAlert(watcher, QStringLiteral("staging"), kAlertName);
        QCOMPARE(alert.environment, QStringLiteral("staging"));
        QCOMPARE(alert.source, QStringLiteral("Alertmanager"));
        QCOMPARE(alert.application(), QStringLiteral("checkout"));
        QCOMPARE(alert.alert.labels.value(QStringLiteral("severity")), QStringLiteral("page"));
        QCOMPARE(alert.alert.annotations.value(QStringLiteral("summary")),
                 QStringLiteral("checkout answers errors"));
        QCOMPARE(alert.alert.state, QStringLiteral("active"));
        QVERIFY(alert.alert.startsAt.isValid());
        QCOMPARE(watcher.firingCount(), 1);
        // It began firing after the first answer: news, once.
        QTRY_COMPARE(started.size(), 1);
        QCOMPARE(started.first().first().value<WatchedAlert>().alert.name(), kAlertName);
        const int before = changed.size();
        QTRY_VERIFY(changed.size() > before + 2);
        QCOMPARE(started.size(), 1);
    }

    void silencesAndExpiresThroughTheWatcher()
    {
        m_stack->setGauge(QStringLiteral("errors"), 5);
        AlertsWatcher watcher(
            {{QStringLiteral("staging"), endpointAt(m_stack->alertmanagerUrl()), {}, {}, {}, {}}},
            quickPolls());
        QSignalSpy created(&watcher, &AlertsWatcher::silenceCreated);
        QSignalSpy expired(&watcher, &AlertsWatcher::silenceExpired);
        QSignalSpy started(&watcher, &AlertsWatcher::alertStarted);
        watcher.start();
        QTRY_VERIFY2_WITH_TIMEOUT(findAlert(watcher, QStringLiteral("staging"), kAlertName),
                                  qPrintable(describe(watcher, QStringLiteral("staging"))),
                                  kAlertTimeoutMs);
        // Already firing at the first answer: listed, not news.
        QCOMPARE(started.size(), 0);

        Silence silence;
        silence.matchers = {
            {QStringLiteral("alertname"), kAlertName, false, true},
            {QStringLiteral("application"), QStringLiteral("checkout"), false, true}};
        silence.startsAt = QDateTime::currentDateTimeUtc();
        silence.endsAt = silence.startsAt.addSecs(3600);
        silence.createdBy = QStringLiteral("release-engineer");
        silence.comment = QStringLiteral("checkout fix being deployed");
        const quint64 request = watcher.createSilence(QStringLiteral("staging"), silence);
        QTRY_COMPARE_WITH_TIMEOUT(created.size(), 1, 20'000);
        QCOMPARE(created.first().at(0).toULongLong(), request);
        const QString id = created.first().at(2).toString();
        QVERIFY2(created.first().at(3).toString().isEmpty(),
                 qPrintable(created.first().at(3).toString()));
        QVERIFY(!id.isEmpty());

        const QString url = m_stack->alertmanagerUrl();
        QCOMPARE(amtoolSilenceState(url, id, false), QStringLiteral("active"));
        QTRY_VERIFY2_WITH_TIMEOUT(
            findAlert(watcher, QStringLiteral("staging"), kAlertName)->alert.state == u"suppressed",
            qPrintable(describe(watcher, QStringLiteral("staging"))), 20'000);
        QVERIFY(findAlert(watcher, QStringLiteral("staging"), kAlertName)
                    ->alert.silencedBy.contains(id));
        bool listed = false;
        for (const Silence& s : watcher.snapshots().value(QStringLiteral("staging")).silences)
            listed = listed || (s.id == id && s.comment == silence.comment);
        QVERIFY(listed);
        QCOMPARE(watcher.firingCount(), 0);

        watcher.expireSilence(QStringLiteral("staging"), id);
        QTRY_COMPARE_WITH_TIMEOUT(expired.size(), 1, 20'000);
        QVERIFY2(expired.first().at(3).toString().isEmpty(),
                 qPrintable(expired.first().at(3).toString()));
        QCOMPARE(amtoolSilenceState(url, id, true), QStringLiteral("expired"));
        QTRY_VERIFY2_WITH_TIMEOUT(
            findAlert(watcher, QStringLiteral("staging"), kAlertName)->alert.state == u"active",
            qPrintable(describe(watcher, QStringLiteral("staging"))), 20'000);
        // Back from suppressed is not a new alert.
        QCOMPARE(started.size(), 0);
    }

    void reportsAnUnreachableAlertmanagerAndRecovers()
    {
        const quint16 port = test::pickFreeLoopbackPort();
        const QString url = QStringLiteral("http://127.0.0.1:%1").arg(port);
        AlertsWatcher watcher({{QStringLiteral("production"), endpointAt(url), {}, {}, {}, {}}},
                              quickPolls());
        watcher.start();
        QTRY_VERIFY_WITH_TIMEOUT(
            watcher.snapshots().value(QStringLiteral("production")).alertmanager.attempt >= 2,
            20'000);
        const prometheus::ServerStatus down =
            watcher.snapshots().value(QStringLiteral("production")).alertmanager;
        QCOMPARE(down.state, prometheus::ServerState::Disconnected);
        QVERIFY2(down.error.contains(QString::number(port)), qPrintable(down.error));
        QVERIFY(down.retryInMs > 0);

        // A real Alertmanager comes up on that port.
        QTemporaryDir data;
        QFile config(data.filePath(QStringLiteral("alertmanager.yml")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("route:\n  receiver: none\nreceivers:\n  - name: none\n");
        config.close();
        QProcess alertmanager;
        alertmanager.setProcessChannelMode(QProcess::MergedChannels);
        alertmanager.start(QStringLiteral("/usr/bin/prometheus-alertmanager"),
                           {u"--config.file=" + config.fileName(), u"--storage.path=" + data.path(),
                            QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(port),
                            QStringLiteral("--cluster.listen-address=")});
        QVERIFY2(alertmanager.waitForStarted(10'000), qPrintable(alertmanager.errorString()));
        QTRY_VERIFY2_WITH_TIMEOUT(
            watcher.snapshots().value(QStringLiteral("production")).alertmanager.state ==
                prometheus::ServerState::Connected,
            qPrintable(describe(watcher, QStringLiteral("production")) + u"\n" +
                       QString::fromUtf8(alertmanager.readAll())),
            30'000);
        const prometheus::ServerStatus up =
            watcher.snapshots().value(QStringLiteral("production")).alertmanager;
        QCOMPARE(up.attempt, 0);
        QVERIFY(up.error.isEmpty());
        alertmanager.terminate();
        QVERIFY(alertmanager.waitForFinished(10'000));
    }

    void aThresholdRuleFiresAfterItsHoldAndResolves()
    {
        ThresholdRule rule;
        rule.name = QStringLiteral("SlowCheckout");
        rule.environment = QStringLiteral("development");
        rule.query = QStringLiteral("launchdeck_test_value{name=\"latency\"}");
        rule.condition = QStringLiteral("result > 0.5");
        rule.holdFor = std::chrono::seconds(3);
        // No Alertmanager: Launchdeck evaluates the rule itself on Prometheus.
        AlertsWatcher watcher({{QStringLiteral("development"),
                                std::nullopt,
                                endpointAt(m_stack->prometheusUrl()),
                                {rule},
                                {},
                                {}}},
                              quickPolls());
        QSignalSpy started(&watcher, &AlertsWatcher::alertStarted);
        watcher.start();
        QTRY_VERIFY_WITH_TIMEOUT(watcher.snapshots().contains(QStringLiteral("development")),
                                 10'000);

        QElapsedTimer raised;
        raised.start();
        m_stack->setGauge(QStringLiteral("latency"), 0.9);
        QTRY_VERIFY2_WITH_TIMEOUT(
            watcher.snapshots().value(QStringLiteral("development")).pendingRules == 1,
            qPrintable(describe(watcher, QStringLiteral("development"))), 30'000);
        QVERIFY(!findAlert(watcher, QStringLiteral("development"), rule.name));
        QTRY_VERIFY2_WITH_TIMEOUT(findAlert(watcher, QStringLiteral("development"), rule.name),
                                  qPrintable(describe(watcher, QStringLiteral("development"))),
                                  30'000);
        // Held for its `for` first: never sooner than 3 s after the value was served.
        QVERIFY2(raised.elapsed() >= 3'000, qPrintable(QString::number(raised.elapsed())));
        const WatchedAlert alert = *findAlert(watcher, QStringLiteral("development"), rule.name);
        QCOMPARE(alert.source, QStringLiteral("Launchdeck rule"));
        QCOMPARE(alert.alert.state, QStringLiteral("active"));
        QCOMPARE(alert.alert.labels.value(QStringLiteral("environment")),
                 QStringLiteral("development"));
        QCOMPARE(alert.alert.labels.value(QStringLiteral("name")), QStringLiteral("latency"));
        QVERIFY(watcher.snapshots().value(QStringLiteral("development")).rulesError.isEmpty());
        QCOMPARE(started.size(), 1);

        m_stack->setGauge(QStringLiteral("latency"), 0.1);
        QTRY_VERIFY2_WITH_TIMEOUT(!findAlert(watcher, QStringLiteral("development"), rule.name),
                                  qPrintable(describe(watcher, QStringLiteral("development"))),
                                  30'000);
        QCOMPARE(started.size(), 1);
    }

    void aRuleWithoutPrometheusSaysWhy()
    {
        ThresholdRule rule;
        rule.name = QStringLiteral("Orphan");
        rule.environment = QStringLiteral("qa");
        rule.query = QStringLiteral("up");
        rule.condition = QStringLiteral("result < 1");
        AlertsWatcher watcher(
            {{QStringLiteral("qa"),
              std::nullopt,
              std::nullopt,
              {rule},
              {},
              QStringLiteral("secret PROM_TOKEN is set neither in the environment nor the "
                             "keyring")}},
            quickPolls());
        watcher.start();
        QTRY_VERIFY(!watcher.snapshots().value(QStringLiteral("qa")).rulesError.isEmpty());
        const QString error = watcher.snapshots().value(QStringLiteral("qa")).rulesError;
        QVERIFY2(error.contains(u"Orphan") && error.contains(u"PROM_TOKEN"), qPrintable(error));
    }

private:
    std::unique_ptr<MonitoringStack> m_stack;
};

QTEST_GUILESS_MAIN(TestAlertsWatcher)
#include "tst_alertswatcher.moc"

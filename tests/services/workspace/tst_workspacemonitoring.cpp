// Tests of launchdeck.yaml's monitoring keys: Prometheus and Alertmanager servers, the traffic
// exporter, PromQL and alert triggers (every key read, each mistake placed and named, no secret
// in a message); dashboards and notifications have their own suite.
#include "workspacetexts.h"

#include "workspace/workspace.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck;
using namespace launchdeck::workspacetests;
using namespace std::chrono_literals;

class TestWorkspaceMonitoring final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mistakes_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected"); // rule@line:column …
        QTest::addColumn<QString>("message");  // of the first finding

        // Servers of an environment.
        QTest::newRow("prometheus not http")
            << withEnvironment("    prometheus: ftp://prom:9090\n")
            << QStringLiteral("bad-url@6:17")
            << QStringLiteral("prometheus of environment 'production' must be an http:// or "
                              "https:// URL with a host, e.g. http://127.0.0.1:9090");
        QTest::newRow("prometheus without host")
            << withEnvironment("    prometheus: \"http://\"\n") << QStringLiteral("bad-url@6:17")
            << QStringLiteral("prometheus of environment 'production' must be an http:// or "
                              "https:// URL with a host, e.g. http://127.0.0.1:9090");
        QTest::newRow("alertmanager url not http")
            << withEnvironment("    alertmanager: {url: am.example.com:9093}\n")
            << QStringLiteral("bad-url@6:25")
            << QStringLiteral("alertmanager of environment 'production' must be an http:// or "
                              "https:// URL with a host, e.g. http://127.0.0.1:9090");
        QTest::newRow("password in the url")
            << withEnvironment("    alertmanager: https://ops:hunter2@am.example.com:9093\n")
            << QStringLiteral("secret-in-workspace@6:19")
            << QStringLiteral("alertmanager of environment 'production' carries a password in "
                              "its URL: name a secret in auth instead");
        QTest::newRow("server is a list")
            << withEnvironment("    prometheus: [http://a:9090]\n")
            << QStringLiteral("wrong-type@6:17")
            << QStringLiteral("prometheus of environment 'production' must be a URL or a mapping "
                              "of url, auth and tls, not a sequence");
        QTest::newRow("server without url")
            << withEnvironment("    prometheus: {auth: {bearer_secret: PROM_TOKEN}}\n")
            << QStringLiteral("missing-field@6:17")
            << QStringLiteral("prometheus of environment 'production' is missing required key "
                              "'url'");
        QTest::newRow("unknown key of a server")
            << withEnvironment("    prometheus: {url: \"http://p:9090\", timeout: 5s}\n")
            << QStringLiteral("unknown-key@6:40") << QString();
        QTest::newRow("both forms of auth")
            << withEnvironment("    alertmanager:\n"
                               "      url: https://am:9093\n"
                               "      auth: {bearer_secret: AM_TOKEN, username: ops, "
                               "password_secret: AM_PASSWORD}\n")
            << QStringLiteral("bad-auth@8:29")
            << QStringLiteral("auth of alertmanager of environment 'production' takes "
                              "bearer_secret, or username with password_secret, not both");
        QTest::newRow("username without password")
            << withEnvironment("    prometheus: {url: \"https://p:9090\", auth: {username: ops}}\n")
            << QStringLiteral("missing-field@6:58")
            << QStringLiteral("auth of prometheus of environment 'production' names a username "
                              "but no password_secret");
        QTest::newRow("password without username")
            << withEnvironment(
                   "    prometheus: {url: \"https://p:9090\", auth: {password_secret: PW}}\n")
            << QStringLiteral("missing-field@6:65")
            << QStringLiteral("auth of prometheus of environment 'production' names a "
                              "password_secret but no username");
        QTest::newRow("empty auth")
            << withEnvironment("    prometheus: {url: \"https://p:9090\", auth: {}}\n")
            << QStringLiteral("missing-field@6:47")
            << QStringLiteral("auth of prometheus of environment 'production' needs "
                              "bearer_secret, or username with password_secret");
        QTest::newRow("token in the file")
            << withEnvironment("    prometheus:\n"
                               "      url: https://p:9090\n"
                               "      auth: {token: s3cr3t.t0ken}\n")
            << QStringLiteral("secret-in-workspace@8:21 missing-field@8:13")
            << QStringLiteral("auth of prometheus of environment 'production' must not hold the "
                              "token itself: name the secret that holds it with bearer_secret or "
                              "password_secret");
        QTest::newRow("secret name not a variable")
            << withEnvironment("    prometheus:\n"
                               "      url: https://p:9090\n"
                               "      auth: {bearer_secret: eyJhbGciOi.payload}\n")
            << QStringLiteral("bad-name@8:29")
            << QStringLiteral("bearer_secret of auth of prometheus of environment 'production' "
                              "must name a secret (letters, digits and _, e.g. PROMETHEUS_TOKEN); "
                              "put the value itself in the keyring or the environment");
        QTest::newRow("cert without key")
            << withEnvironment("    prometheus:\n"
                               "      url: https://p:9090\n"
                               "      tls: {cert_file: nowhere/client.pem}\n")
            << QStringLiteral("missing-file@8:24 bad-tls@8:12")
            << QStringLiteral("cert_file of tls of prometheus of environment 'production' names "
                              "'nowhere/client.pem', which is not a file");
        QTest::newRow("tls over http")
            << withEnvironment("    prometheus:\n"
                               "      url: http://p:9090\n"
                               "      tls: {verify: false}\n")
            << QStringLiteral("bad-tls@8:12")
            << QStringLiteral("tls of prometheus of environment 'production' applies to https:// "
                              "URLs only");
        QTest::newRow("metrics not host:port")
            << withEnvironment("    traffic: {listen: 127.0.0.1:8080, metrics: 9101}\n")
            << QStringLiteral("invalid-port@6:48")
            << QStringLiteral("metrics must be HOST:PORT, e.g. 127.0.0.1:9101, not '9101'");
        QTest::newRow("metrics on the listen address")
            << withEnvironment("    traffic: {listen: 127.0.0.1:8080, metrics: 127.0.0.1:8080}\n")
            << QStringLiteral("bad-value@6:48")
            << QStringLiteral("metrics of the traffic of environment 'production' must be another "
                              "address than listen (127.0.0.1:8080)");
        QTest::newRow("metrics on every interface at the listen port")
            << withEnvironment("    traffic: {listen: 127.0.0.1:8080, metrics: 0.0.0.0:8080}\n")
            << QStringLiteral("bad-value@6:48")
            << QStringLiteral("metrics of the traffic of environment 'production' must be another "
                              "address than listen (127.0.0.1:8080)");

        // Rollback triggers.
        QTest::newRow("trigger condition")
            << withApplication("    rollback:\n"
                               "      triggers:\n"
                               "        prometheus:\n"
                               "          - {query: up, condition: result >> 0.05}\n")
            << QStringLiteral("bad-condition@14:43")
            << QStringLiteral("condition of prometheus trigger 1 of 'web' is not a condition: "
                              "unknown operator at column 8 of 'result >> 0.05' (compare result "
                              "with a number, e.g. \"result < 0.01\")");
        QTest::newRow("quoted trigger condition")
            << withApplication("    rollback:\n"
                               "      triggers:\n"
                               "        prometheus:\n"
                               "          - query: up\n"
                               "            condition: \"result > 0.05 & result < 1\"\n")
            << QStringLiteral("bad-condition@15:39")
            << QStringLiteral("condition of prometheus trigger 1 of 'web' is not a condition: "
                              "expected && or || at column 15 of 'result > 0.05 & result < 1' "
                              "(compare result with a number, e.g. \"result < 0.01\")");
        QTest::newRow("blank trigger condition")
            << withApplication("    rollback:\n"
                               "      triggers:\n"
                               "        prometheus: [{query: up, condition: \" \"}]\n")
            << QStringLiteral("bad-condition@13:45")
            << QStringLiteral("condition of prometheus trigger 1 of 'web' is empty: compare "
                              "result with a number, e.g. \"result > 0.05\"");
        QTest::newRow("trigger without condition")
            << withApplication("    rollback:\n"
                               "      triggers:\n"
                               "        prometheus: [{query: up}]\n")
            << QStringLiteral("missing-field@13:22")
            << QStringLiteral("prometheus trigger 1 of 'web' is missing required key "
                              "'condition'");
        QTest::newRow("empty trigger query")
            << withApplication("    rollback:\n"
                               "      triggers:\n"
                               "        prometheus: [{query: \"\", condition: result > 1}]\n")
            << QStringLiteral("empty-query@13:30")
            << QStringLiteral("query of prometheus trigger 1 of 'web' is empty: write a PromQL "
                              "expression");
        QTest::newRow("trigger for, negative")
            << withApplication("    rollback:\n"
                               "      triggers:\n"
                               "        prometheus:\n"
                               "          - {query: up, condition: result > 1, for: -30s}\n")
            << QStringLiteral("bad-duration@14:53")
            << QStringLiteral("'for' of prometheus trigger 1 of 'web' is not a duration: '-30s' "
                              "(write e.g. 500ms, 30s, 5m, 1h30m)");
        QTest::newRow("trigger for, bare number")
            << withApplication("    rollback:\n"
                               "      triggers:\n"
                               "        prometheus:\n"
                               "          - {query: up, condition: result > 1, for: 30}\n")
            << QStringLiteral("bad-duration@14:53")
            << QStringLiteral("'for' of prometheus trigger 1 of 'web' is not a duration: '30' "
                              "(write e.g. 500ms, 30s, 5m, 1h30m)");
        QTest::newRow("triggers not a list")
            << withApplication("    rollback:\n"
                               "      triggers: {prometheus: {query: up}}\n")
            << QStringLiteral("wrong-type@12:30")
            << QStringLiteral("prometheus triggers of 'web' must be a list of {query, condition, "
                              "for}");
        QTest::newRow("unknown key of a trigger")
            << withApplication("    rollback:\n"
                               "      triggers:\n"
                               "        prometheus: [{query: up, condition: result > 1, hold: "
                               "1m}]\n")
            << QStringLiteral("unknown-key@13:57") << QString();
        QTest::newRow("alerts not a list")
            << withApplication("    rollback: {triggers: {alerts: HighErrorRate}}\n")
            << QStringLiteral("wrong-type@11:35")
            << QStringLiteral("alerts of the rollback triggers of 'web' must be a list of alert "
                              "names, e.g. [HighErrorRate]");
        QTest::newRow("alert without a name")
            << withApplication("    rollback: {triggers: {alerts: [WebDown, \"\"]}}\n")
            << QStringLiteral("bad-value@11:45")
            << QStringLiteral("an alert of the rollback triggers of 'web' has no name");
        QTest::newRow("analysis condition, inside its quotes")
            << withApplication("    strategy:\n"
                               "      type: rolling\n"
                               "      max_surge: 1\n"
                               "      analysis:\n"
                               "        a: {metric: error_rate, success_condition: \"result < "
                               "5ms\"}\n")
            << QStringLiteral("bad-condition@15:63")
            << QStringLiteral("success_condition of analysis 'a' is not a condition: expected && "
                              "or || at column 11 of 'result < 5ms' (compare result with a "
                              "number, e.g. \"result < 0.01\")");
        QTest::newRow("triggers where no server is")
            << withEnvironment("applications:\n"
                               "  web:\n"
                               "    image: shop/web\n"
                               "    rollback:\n"
                               "      triggers:\n"
                               "        prometheus: [{query: up, condition: result < 1}]\n"
                               "        alerts: [WebDown]\n")
            << QStringLiteral("no-prometheus@11:21 no-alertmanager@12:17")
            << QStringLiteral("application 'web' has prometheus triggers, but no environment "
                              "names a prometheus server");
    }
    void everyKeyRead()
    {
        QTemporaryDir root;
        QVERIFY(QDir(root.path()).mkpath(QStringLiteral("certs")));
        for (const char* name : {"certs/ca.pem", "certs/client.pem", "certs/client-key.pem"}) {
            QFile file(QDir(root.path()).filePath(QLatin1String(name)));
            QVERIFY(file.open(QIODevice::WriteOnly));
        }
        QFile file(QDir(root.path()).filePath(QStringLiteral("launchdeck.yaml")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(
            "targets:\n"
            "  local: {type: docker}\n"
            "environments:\n"
            "  staging:\n"
            "    target: local\n"
            "    prometheus: http://127.0.0.1:9090\n"
            "  production:\n"
            "    target: local\n"
            "    prometheus:\n"
            "      url: https://prom.example.com\n"
            "      auth: {username: ops, password_secret: PROM_PASSWORD}\n"
            "    alertmanager:\n"
            "      url: https://am.example.com:9093\n"
            "      auth: {bearer_secret: AM_TOKEN}\n"
            "      tls: {ca_file: certs/ca.pem, cert_file: certs/client.pem,\n"
            "            key_file: certs/client-key.pem, verify: false}\n"
            "    traffic: {listen: 127.0.0.1:8080, metrics: 127.0.0.1:9101}\n"
            "applications:\n"
            "  web:\n"
            "    image: shop/web\n"
            "    strategy:\n"
            "      type: rolling\n"
            "      max_surge: 1\n"
            "      analysis:\n"
            "        errors: {metric: prometheus, query: up, success_condition: result < 1%}\n"
            "    rollback:\n"
            "      triggers:\n"
            "        error_rate: 5%\n"
            "        prometheus:\n"
            "          - query: "
            "sum(rate(haproxy_backend_http_responses_total{code=\"5xx\"}[30s]))\n"
            "            condition: result > 0.05\n"
            "            for: 30s\n"
            "          - {query: up, condition: result < 1}\n"
            "        alerts: [HighErrorRate, WebDown]\n"
            "dashboards:\n"
            "  - name: Storefront traffic\n"
            "    applications: [web]\n"
            "    environments: [staging, production]\n"
            "    panels:\n"
            "      - title: Requests per second\n"
            "        query: sum by (code) "
            "(rate(haproxy_backend_http_responses_total{proxy=\"$app\"}"
            "[1m]))\n"
            "        unit: req/s\n"
            "        legend: \"{{code}}\"\n"
            "      - {title: Memory, query: 'container_memory_usage_bytes{pod=\"${pod}\"}', "
            "unit: bytes}\n"
            "  - name: Everything\n"
            "    panels: [{title: Up, query: up, unit: \"\"}]\n"
            "notifications:\n"
            "  webhook_secret: SLACK_WEBHOOK\n"
            "  desktop: false\n"
            "  environments: [production]\n"
            "  rules:\n"
            "    - name: error-budget\n"
            "      environment: production\n"
            "      query: sum(rate(haproxy_backend_http_responses_total{code=\"5xx\"}[5m]))\n"
            "      condition: result > 0.05\n"
            "      for: 1m\n");
        file.close();

        Diagnostics out;
        const auto workspace = loadWorkspace(root.path(), out);
        QVERIFY(workspace);
        QVERIFY2(out.isEmpty(), qPrintable(rulesOf(out) + u'\n' + messagesOf(out)));

        const Environment* staging = workspace->environment(u"staging");
        QCOMPARE(staging->prometheus.url, u"http://127.0.0.1:9090");
        QCOMPARE(staging->prometheus.auth.kind, ServerAuth::Kind::None);
        QCOMPARE(staging->prometheus.line, 6);
        QVERIFY(!staging->alertmanager.isSet());
        QVERIFY(staging->trafficMetrics.isEmpty());

        const Environment* production = workspace->environment(u"production");
        QCOMPARE(production->prometheus.url, u"https://prom.example.com");
        QCOMPARE(production->prometheus.auth.kind, ServerAuth::Kind::Basic);
        QCOMPARE(production->prometheus.auth.username, u"ops");
        QCOMPARE(production->prometheus.auth.secret, u"PROM_PASSWORD");
        QVERIFY(production->prometheus.tls.verify);
        QCOMPARE(production->alertmanager.url, u"https://am.example.com:9093");
        QCOMPARE(production->alertmanager.auth.kind, ServerAuth::Kind::Bearer);
        QCOMPARE(production->alertmanager.auth.secret, u"AM_TOKEN");
        const QDir base(root.path());
        QCOMPARE(production->alertmanager.tls.caFile, base.absoluteFilePath(u"certs/ca.pem"_qs));
        QCOMPARE(production->alertmanager.tls.certFile,
                 base.absoluteFilePath(u"certs/client.pem"_qs));
        QCOMPARE(production->alertmanager.tls.keyFile,
                 base.absoluteFilePath(u"certs/client-key.pem"_qs));
        QVERIFY(!production->alertmanager.tls.verify);
        QCOMPARE(production->alertmanager.line, 13);
        QCOMPARE(production->trafficListen, u"127.0.0.1:8080");
        QCOMPARE(production->trafficMetrics, u"127.0.0.1:9101");

        const Application* web = workspace->application(u"web");
        QCOMPARE(web->strategy.analyses[0].successCondition, u"result < 1%");
        QCOMPARE(*web->rollback.errorRate, 0.05);
        QCOMPARE(web->rollback.prometheus.size(), 2);
        const PromTrigger& trigger = web->rollback.prometheus[0];
        QCOMPARE(trigger.query,
                 u"sum(rate(haproxy_backend_http_responses_total{code=\"5xx\"}[30s]))");
        QCOMPARE(trigger.condition, u"result > 0.05");
        QCOMPARE(trigger.holdFor, 30s);
        QCOMPARE(trigger.line, 30);
        QCOMPARE(web->rollback.prometheus[1].holdFor, 0ms);
        QCOMPARE(web->rollback.alerts, (QStringList{u"HighErrorRate"_qs, u"WebDown"_qs}));

        QCOMPARE(workspace->dashboards.size(), 2);
        const Dashboard& traffic = workspace->dashboards[0];
        QCOMPARE(traffic.name, u"Storefront traffic");
        QCOMPARE(traffic.applications, QStringList{u"web"_qs});
        QCOMPARE(traffic.environments, (QStringList{u"staging"_qs, u"production"_qs}));
        QCOMPARE(traffic.line, 36);
        QCOMPARE(traffic.panels.size(), 2);
        QCOMPARE(traffic.panels[0].title, u"Requests per second");
        QCOMPARE(traffic.panels[0].unit, u"req/s");
        QCOMPARE(traffic.panels[0].legend, u"{{code}}");
        QCOMPARE(traffic.panels[0].line, 40);
        QCOMPARE(traffic.panels[1].query, u"container_memory_usage_bytes{pod=\"${pod}\"}");
        QCOMPARE(traffic.panels[1].unit, u"bytes");
        QVERIFY(workspace->dashboards[1].applications.isEmpty());
        QVERIFY(workspace->dashboards[1].panels[0].unit.isEmpty());

        const Notifications& notifications = workspace->notifications;
        QVERIFY(notifications.webhook.isEmpty());
        QCOMPARE(notifications.webhookSecret, u"SLACK_WEBHOOK");
        QVERIFY(!notifications.desktop);
        QCOMPARE(notifications.environments, QStringList{u"production"_qs});
        QCOMPARE(notifications.line, 48);
        QCOMPARE(notifications.rules.size(), 1);
        const ThresholdRule& rule = notifications.rules[0];
        QCOMPARE(rule.name, u"error-budget");
        QCOMPARE(rule.environment, u"production");
        QCOMPARE(rule.condition, u"result > 0.05");
        QCOMPARE(rule.holdFor, 60s);
        QCOMPARE(rule.line, 52);
    }

    // What a workspace without the new keys gets: nothing set, desktop notifications on.
    void defaultsWhenAbsent()
    {
        Diagnostics out;
        const auto workspace =
            parseWorkspace(QStringLiteral("launchdeck.yaml"), withEnvironment({}), out);
        QVERIFY(workspace);
        QVERIFY2(out.isEmpty(), qPrintable(messagesOf(out)));
        const Environment* production = workspace->environment(u"production");
        QVERIFY(!production->prometheus.isSet());
        QVERIFY(!production->alertmanager.isSet());
        QVERIFY(workspace->dashboards.isEmpty());
        QVERIFY(workspace->notifications.desktop);
        QVERIFY(workspace->notifications.rules.isEmpty());
        QCOMPARE(workspace->notifications.line, 0);
    }

    void mistakes()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        QFETCH(QString, message);
        Diagnostics out;
        const auto workspace = parseWorkspace(QStringLiteral("launchdeck.yaml"), text, out);
        QVERIFY(workspace);
        QCOMPARE(rulesOf(out), expected);
        if (!message.isEmpty())
            QCOMPARE(out[0].message, message);
        for (const char* secret : {"hunter2", "s3cr3t", "eyJhbGciOi"})
            QVERIFY2(!messagesOf(out).contains(QLatin1String(secret)), qPrintable(messagesOf(out)));
    }
};

QTEST_GUILESS_MAIN(TestWorkspaceMonitoring)
#include "tst_workspacemonitoring.moc"

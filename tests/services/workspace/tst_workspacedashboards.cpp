// Tests of launchdeck.yaml's dashboards (PromQL panels) and notifications (webhook, watched
// environments, threshold rules): each mistake is placed at its line and column and named.
#include "workspacetexts.h"

#include "workspace/workspace.h"

#include <QTest>

using namespace launchdeck;
using namespace launchdeck::workspacetests;

class TestWorkspaceDashboards final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mistakes_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected"); // rule@line:column …
        QTest::addColumn<QString>("message");  // of the first finding

        // Dashboards.
        QTest::newRow("dashboards not a list")
            << withApplication("dashboards: {name: x}\n") << QStringLiteral("wrong-type@11:13")
            << QStringLiteral("dashboards must be a list of {name, applications, environments, "
                              "panels}");
        QTest::newRow("dashboard without name")
            << withApplication("dashboards:\n"
                               "  - panels: [{title: Up, query: up}]\n")
            << QStringLiteral("missing-field@12:5")
            << QStringLiteral("dashboard 1 is missing required key 'name'");
        QTest::newRow("dashboard named twice")
            << withApplication("dashboards:\n"
                               "  - {name: Web, panels: [{title: Up, query: up}]}\n"
                               "  - {name: Web, panels: [{title: Up, query: up}]}\n")
            << QStringLiteral("duplicate-name@13:12")
            << QStringLiteral("dashboard 'Web' is defined twice");
        QTest::newRow("dashboard without panels")
            << withApplication("dashboards:\n"
                               "  - {name: Web, panels: []}\n")
            << QStringLiteral("wrong-type@12:25")
            << QStringLiteral("panels of dashboard 'Web' must be a list of {title, query, unit, "
                              "legend} with at least one panel");
        QTest::newRow("panel without title")
            << withApplication("dashboards:\n"
                               "  - name: Web\n"
                               "    panels:\n"
                               "      - query: up\n")
            << QStringLiteral("missing-field@14:9")
            << QStringLiteral("panel 1 of dashboard 'Web' is missing required key 'title'");
        QTest::newRow("panel with a blank query")
            << withApplication("dashboards:\n"
                               "  - name: Web\n"
                               "    panels:\n"
                               "      - {title: Up, query: \"  \"}\n")
            << QStringLiteral("empty-query@14:28")
            << QStringLiteral("query of panel 'Up' of dashboard 'Web' is empty: write a PromQL "
                              "expression");
        QTest::newRow("panel unit")
            << withApplication("dashboards:\n"
                               "  - name: Web\n"
                               "    panels:\n"
                               "      - {title: Rate, query: up, unit: req/sec}\n")
            << QStringLiteral("bad-value@14:40")
            << QStringLiteral("unit of panel 'Rate' of dashboard 'Web' must be one of bytes, "
                              "seconds, percent, req/s (or \"\" for plain numbers), not 'req/sec' "
                              "(did you mean 'req/s'?)");
        QTest::newRow("legend not closed")
            << withApplication("dashboards:\n"
                               "  - name: Web\n"
                               "    panels:\n"
                               "      - {title: Up, query: up, legend: \"on {{instance\"}\n")
            << QStringLiteral("bad-legend@14:44")
            << QStringLiteral("legend of panel 'Up' of dashboard 'Web' opens {{ without closing "
                              "it");
        QTest::newRow("legend not a label")
            << withApplication("dashboards:\n"
                               "  - name: Web\n"
                               "    panels:\n"
                               "      - {title: Up, query: up, legend: \"{{code}} {{.Labels}}\"}\n")
            << QStringLiteral("bad-legend@14:50")
            << QStringLiteral("legend of panel 'Up' of dashboard 'Web' has '{{.Labels}}', which "
                              "is not a label name");
        QTest::newRow("unknown variable")
            << withApplication("dashboards:\n"
                               "  - name: Web\n"
                               "    panels:\n"
                               "      - title: Up\n"
                               "        query: up{job=\"$app\", instance=~\"$host.*\"} + "
                               "label_replace(up, \"a\", \"$1\", \"b\", \"(.*)\")\n")
            << QStringLiteral("unknown-variable@15:42")
            << QStringLiteral("query of panel 'Up' of dashboard 'Web' uses $host, which Live "
                              "Metrics does not fill in (it knows $app, $env, $revision, "
                              "$namespace, $pod, $container)");
        // A folded query has no single line to point into: the finding stays at the scalar.
        QTest::newRow("unknown variable in a folded query")
            << withApplication("dashboards:\n"
                               "  - name: Web\n"
                               "    panels:\n"
                               "      - title: Up\n"
                               "        query: >-\n"
                               "          sum(up{job=\"$app\"})\n"
                               "          / count(up{instance=\"$host\"})\n")
            << QStringLiteral("unknown-variable@15:16")
            << QStringLiteral("query of panel 'Up' of dashboard 'Web' uses $host, which Live "
                              "Metrics does not fill in (it knows $app, $env, $revision, "
                              "$namespace, $pod, $container)");
        QTest::newRow("unknown variable on a continued plain line")
            << withApplication("dashboards:\n"
                               "  - name: Web\n"
                               "    panels:\n"
                               "      - title: Up\n"
                               "        query: sum(up{job=\"$app\"})\n"
                               "          / count(up{instance=\"$host\"})\n")
            << QStringLiteral("unknown-variable@15:16") << QString();
        QTest::newRow("condition ending early, in quotes")
            << withApplication("    rollback:\n"
                               "      triggers:\n"
                               "        prometheus: [{query: up, condition: 'result <'}]\n")
            << QStringLiteral("bad-condition@13:54")
            << QStringLiteral("condition of prometheus trigger 1 of 'web' is not a condition: "
                              "expected a number at column 9 of 'result <' (compare result with a "
                              "number, e.g. \"result < 0.01\")");
        QTest::newRow("dashboard of unknown names")
            << withApplication("dashboards:\n"
                               "  - name: Web\n"
                               "    applications: [web, wbe]\n"
                               "    environments: [prod]\n"
                               "    panels: [{title: Up, query: up}]\n")
            << QStringLiteral("unknown-application@13:25 unknown-environment@14:20")
            << QStringLiteral("dashboard 'Web' names application 'wbe', which is not defined "
                              "(did you mean 'web'?)");

        // Notifications.
        QTest::newRow("webhook and webhook_secret")
            << withApplication("notifications:\n"
                               "  webhook: https://hooks.example.com/T000/B000\n"
                               "  webhook_secret: SLACK_WEBHOOK\n")
            << QStringLiteral("bad-webhook@13:19")
            << QStringLiteral("notifications take webhook or webhook_secret, not both");
        QTest::newRow("webhook not http")
            << withApplication("notifications: {webhook: hooks.example.com/T000/B000}\n")
            << QStringLiteral("bad-url@11:26")
            << QStringLiteral("webhook of notifications must be an http:// or https:// URL with "
                              "a host, e.g. http://127.0.0.1:9090");
        QTest::newRow("webhook_secret holding the URL")
            << withApplication("notifications: {webhook_secret: \"https://hooks.example.com/X\"}\n")
            << QStringLiteral("bad-name@11:33")
            << QStringLiteral("webhook_secret of notifications must name a secret (letters, "
                              "digits and _, e.g. SLACK_WEBHOOK); put the URL itself in the "
                              "keyring or the environment");
        QTest::newRow("watched environment unknown")
            << withApplication("notifications: {environments: [production, prodution]}\n")
            << QStringLiteral("unknown-environment@11:44")
            << QStringLiteral("notifications names environment 'prodution', which is not defined "
                              "(did you mean 'production'?)");
        QTest::newRow("rule of an unknown environment")
            << withApplication("notifications:\n"
                               "  rules:\n"
                               "    - name: error-budget\n"
                               "      environment: qa\n"
                               "      query: up\n"
                               "      condition: result < 1\n")
            << QStringLiteral("unknown-environment@14:20")
            << QStringLiteral("rule 'error-budget' names environment 'qa', which is not defined");
        QTest::newRow("rule named twice, bad condition, bad for")
            << withApplication("notifications:\n"
                               "  rules:\n"
                               "    - {name: r, environment: staging, query: up, condition: "
                               "result < 1}\n"
                               "    - {name: r, environment: staging, query: up, condition: up < "
                               "1, for: 1 minute}\n")
            << QStringLiteral("duplicate-name@14:14 bad-condition@14:61 bad-duration@14:74")
            << QStringLiteral("rule 'r' of notifications is defined twice");
        QTest::newRow("rule where no prometheus is")
            << withEnvironment("notifications:\n"
                               "  rules: [{name: r, environment: production, query: up, "
                               "condition: result < 1}]\n")
            << QStringLiteral("no-prometheus@7:34")
            << QStringLiteral("rule 'r' queries the Prometheus of environment 'production', which "
                              "names none");
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
        // A webhook URL is a credential of its own.
        QVERIFY2(!messagesOf(out).contains(u"hooks.example.com"), qPrintable(messagesOf(out)));
    }
};

QTEST_GUILESS_MAIN(TestWorkspaceDashboards)
#include "tst_workspacedashboards.moc"

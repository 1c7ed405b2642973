// Live Metrics' PromQL panels against the real Prometheus started by the tests' monitoring stack:
// a panel draws the exporter's gauge with its legend template, its step grows with the window and
// never passes Prometheus's point limit, a hidden panel asks nothing, a killed server is said on
// the panel which draws again once the server is back, the query bar completes metric names,
// label names and values from the server and shows Prometheus's error at its column, and the
// session gives each environment's Prometheus with the dashboards' variables filled in.
#include "dashboardsview.h"
#include "deploy/deploymentledger.h"
#include "fakes/monitoringstack.h"
#include "metricschart.h"
#include "metricstab.h"
#include "prometheus/prometheusserver.h"
#include "promqlpanel.h"
#include "promqlquerybar.h"
#include "session/workspacesession.h"

#include <QBuffer>
#include <QComboBox>
#include <QCompleter>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace launchdeck;
using namespace std::chrono_literals;

namespace {

QStringList seriesNames(const PromQlPanel* panel)
{
    QStringList names;
    for (const QLineSeries* series : panel->chart()->lineSeries())
        names.append(series->name());
    names.sort();
    return names;
}

double newestValue(const PromQlPanel* panel, const QString& name)
{
    for (const QLineSeries* series : panel->chart()->lineSeries()) {
        const QList<QPointF> points = panel->chart()->linePoints(series);
        if (series->name() == name && !points.isEmpty())
            return points.last().y() * panel->chart()->scale().divisor;
    }
    return -1;
}

DashboardPanel gaugePanel(const QString& legend = QStringLiteral("{{name}} via {{job}}"))
{
    DashboardPanel spec;
    spec.title = QStringLiteral("Test gauge");
    spec.query = QStringLiteral("launchdeck_test_value");
    spec.legend = legend;
    return spec;
}

} // namespace

class TestPromQlPanels final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::MonitoringStack> m_stack;
    std::unique_ptr<prometheus::PrometheusServer> m_server;

    std::unique_ptr<PromQlPanel> shownPanel(const DashboardPanel& spec = gaugePanel())
    {
        auto panel = std::make_unique<PromQlPanel>(spec);
        panel->resize(900, 320);
        panel->setServer(m_server.get());
        panel->show();
        if (!QTest::qWaitForWindowExposed(panel.get()))
            qFatal("the panel was not exposed");
        return panel;
    }

    bool writeWorkspace(const QString& root, const QString& prometheusUrl, bool dashboards)
    {
        QDir().mkpath(root);
        QFile file(root + u"/launchdeck.yaml");
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return false;
        QByteArray text = "version: 1\n"
                          "name: dashboards\n"
                          "targets:\n"
                          "  cluster:\n"
                          "    type: kubernetes\n"
                          "    context: test\n"
                          "    namespace: shop\n"
                          "environments:\n"
                          "  staging:\n"
                          "    target: cluster\n"
                          "    prometheus: " +
                          prometheusUrl.toUtf8() +
                          "\n"
                          "  production:\n"
                          "    target: cluster\n"
                          "    prometheus: " +
                          prometheusUrl.toUtf8() +
                          "\n"
                          "  development:\n"
                          "    target: cluster\n"
                          "applications:\n"
                          "  web:\n"
                          "    image: shop/web\n"
                          "    version: \"1.0\"\n";
        if (dashboards)
            text += "dashboards:\n"
                    "  - name: gauges\n"
                    "    applications: [web]\n"
                    "    panels:\n"
                    "      - title: Gauge of $app\n"
                    "        query: launchdeck_test_value{name=\"alpha\"} + $revision\n"
                    "        legend: \"{{name}} $env\"\n";
        return file.write(text) == text.size();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_stack = std::make_unique<test::MonitoringStack>(
            test::MonitoringStackOptions{.alertmanager = false});
        QString error;
        QVERIFY2(m_stack->start(&error), qPrintable(error));
        m_stack->setGauge(QStringLiteral("alpha"), 1.5);
        m_stack->setGauge(QStringLiteral("beta"), 42);
        QVERIFY2(m_stack->waitForTargetsUp(60'000, &error), qPrintable(error));
        prometheus::ServerEndpoint endpoint;
        endpoint.url = m_stack->prometheusUrl();
        m_server = std::make_unique<prometheus::PrometheusServer>(QStringLiteral("test"), endpoint);
        m_server->start();
    }

    void cleanupTestCase()
    {
        m_server.reset();
        m_stack.reset();
    }

    void legendTemplateNamesEachSeries()
    {
        QCOMPARE(promLegend(QStringLiteral("{{code}} on {{ instance }}!"),
                            {{QStringLiteral("code"), QStringLiteral("500")},
                             {QStringLiteral("instance"), QStringLiteral("a:1")}}),
                 QStringLiteral("500 on a:1!"));
        QCOMPARE(promLegend({}, {{QStringLiteral("__name__"), QStringLiteral("up")},
                                 {QStringLiteral("job"), QStringLiteral("x")}}),
                 QStringLiteral("up{job=\"x\"}"));
    }

    void seriesStoreStaysFlatAndKeepsNaN()
    {
        PromSeriesStore store;
        prometheus::QueryResult result;
        result.type = prometheus::ResultType::Matrix;
        for (int s = 0; s < 3; ++s) {
            prometheus::Series series;
            series.labels.insert(QStringLiteral("name"), QString::number(s));
            for (int i = 0; i < 600; ++i)
                series.samples.push_back({1'700'000'000.0 + i, i == 10 ? qQNaN() : double(i)});
            result.series.append(series);
        }
        store.setResult(result, QStringLiteral("n{{name}}"));
        const qsizetype held = store.memoryBytes();
        for (int round = 0; round < 50; ++round)
            store.setResult(result, QStringLiteral("n{{name}}"));
        QCOMPARE(store.memoryBytes(), held);
        QCOMPARE(store.keys().size(), 3);
        QCOMPARE(store.containerName(store.keys().first()), QStringLiteral("n0"));
        // NaN is not drawn; the CSV keeps it.
        const QList<QPointF> points = store.points(store.keys().first(), MetricsField::Cpu,
                                                   1'700'000'000'000, 1'700'000'000'000 + 599'000);
        QCOMPARE(points.size(), 599);
        QBuffer csv;
        csv.open(QIODevice::WriteOnly);
        QVERIFY(store.writeCsv(&csv, 1'700'000'000'000, 1'700'000'020'000));
        QVERIFY2(csv.data().contains(",n0,NaN\n"), csv.data().constData());
        // Over the cap, series are dropped and counted.
        result.series =
            QList<prometheus::Series>(PromSeriesStore::kMaxSeries + 5, result.series[0]);
        for (qsizetype i = 0; i < result.series.size(); ++i)
            result.series[i].labels[QStringLiteral("name")] = QString::number(i);
        store.setResult(result, {});
        QCOMPARE(store.keys().size(), PromSeriesStore::kMaxSeries);
        QCOMPARE(store.droppedSeries(), 5);
    }

    void panelDrawsTheGaugeWithItsLegend()
    {
        const auto panel = shownPanel();
        const QStringList expected = {QStringLiteral("alpha via exporter"),
                                      QStringLiteral("beta via exporter")};
        QTRY_COMPARE_WITH_TIMEOUT(seriesNames(panel.get()), expected, 30'000);
        QTRY_COMPARE_WITH_TIMEOUT(newestValue(panel.get(), expected[1]), 42.0, 30'000);
        QCOMPARE(newestValue(panel.get(), expected[0]), 1.5);
        QVERIFY2(panel->statusText().isEmpty(), qPrintable(panel->statusText()));
        // The line spans the window: more than one point of the range answer is drawn (a
        // Prometheus started moments ago may hold one scrape yet).
        QTRY_VERIFY_WITH_TIMEOUT(
            panel->chart()->linePoints(panel->chart()->lineSeries().first()).size() > 1, 30'000);
    }

    void stepGrowsWithTheWindowWithinThePointLimit()
    {
        const auto panel = shownPanel();
        // Asks for `window` and returns the step it used, checking Prometheus accepted it.
        const auto stepFor = [&panel](qint64 window) -> double {
            const int answers = panel->answersReceived();
            panel->setWindowMs(window);
            if (!QTest::qWaitFor([&] { return panel->answersReceived() > answers; }, 30'000)) {
                qWarning("no answer for a window of %lld ms", window);
                return -1;
            }
            const double step = panel->lastQueryStepSeconds();
            const double points = double(panel->lastQueryWindowMs()) / 1000.0 / step + 1;
            if (points > prometheus::kMaxPointsPerSeries || !panel->statusText().isEmpty() ||
                panel->series().keys().isEmpty()) {
                qWarning("window %lld ms, step %g s: %g points; panel says '%s'", window, step,
                         points, qPrintable(panel->statusText()));
                return -1;
            }
            return step;
        };
        double previous = 0;
        for (const qint64 window : {60'000ll, 900'000ll, 3'600'000ll, 86'400'000ll,
                                    30 * 86'400'000ll, 400 * 86'400'000ll}) {
            const double step = stepFor(window);
            QVERIFY2(step > 0, "see the warning above");
            QVERIFY2(step >= previous,
                     qPrintable(QStringLiteral("window %1 ms: step %2 s after %3 s")
                                    .arg(window)
                                    .arg(step)
                                    .arg(previous)));
            previous = step;
        }
        QVERIFY2(previous > 3600, qPrintable(QString::number(previous)));

        // So wide that two pixels a point would pass Prometheus's limit over two days: the
        // step is made coarser, and Prometheus answers rather than refusing with a 400.
        panel->resize(24'000, 320);
        QTRY_VERIFY(panel->chart()->chart()->plotArea().width() > 20'000);
        const double wide = stepFor(2 * 86'400'000ll);
        QVERIFY2(wide > 0, "see the warning above");
        QVERIFY2(2 * 86'400.0 / 15 + 1 > prometheus::kMaxPointsPerSeries, "the case is not wide");
        QVERIFY2(wide > 15, qPrintable(QString::number(wide)));
    }

    void hiddenPanelAsksNothing()
    {
        const auto panel = shownPanel();
        panel->setWindowMs(60'000); // a one-second step: a visible panel asks every second
        QTRY_VERIFY_WITH_TIMEOUT(panel->queriesSent() >= 3, 30'000);
        panel->hide();
        QTest::qWait(1500); // an answer still out may arrive
        const int hidden = panel->queriesSent();
        QTest::qWait(4000);
        QCOMPARE(panel->queriesSent(), hidden);
        panel->show();
        QTRY_VERIFY_WITH_TIMEOUT(panel->queriesSent() > hidden, 10'000);

        // Paused, it does not ask either.
        panel->setPaused(true, QDateTime::currentMSecsSinceEpoch());
        QTest::qWait(1500);
        const int paused = panel->queriesSent();
        QTest::qWait(4000);
        QCOMPARE(panel->queriesSent(), paused);
        panel->setPaused(false, 0);
        QTRY_VERIFY_WITH_TIMEOUT(panel->queriesSent() > paused, 10'000);
    }

    void killedServerIsSaidAndThePanelRecovers()
    {
        const auto panel = shownPanel();
        panel->setWindowMs(60'000);
        QTRY_VERIFY_WITH_TIMEOUT(!panel->series().keys().isEmpty(), 30'000);
        m_stack->killPrometheus();
        const QString url = m_stack->prometheusUrl();
        QTRY_VERIFY_WITH_TIMEOUT(panel->statusText().contains(u"is not answering"), 30'000);
        QVERIFY2(panel->statusText().startsWith(QStringLiteral("Prometheus at ") + url),
                 qPrintable(panel->statusText()));
        QVERIFY2(panel->statusText().contains(u"retrying"), qPrintable(panel->statusText()));
        // The server is named once, not again by the client's error.
        QVERIFY2(panel->statusText().count(url) == 1, qPrintable(panel->statusText()));
        // What was drawn stays drawn under the message.
        QVERIFY(!panel->chart()->lineSeries().isEmpty());

        QString error;
        QVERIFY2(m_stack->restartPrometheus(&error), qPrintable(error));
        const int before = panel->queriesSent();
        QTRY_VERIFY_WITH_TIMEOUT(panel->statusText().isEmpty(), 60'000);
        QVERIFY(panel->queriesSent() > before);
        QTRY_COMPARE_WITH_TIMEOUT(newestValue(panel.get(), QStringLiteral("beta via exporter")),
                                  42.0, 30'000);
    }

    void completionContextReadsTheCursor()
    {
        using Kind = PromQlCompletionContext::Kind;
        const auto at = [](const QString& text) {
            return promQlCompletionContext(text, text.size());
        };
        QCOMPARE(at(QStringLiteral("rate(http_req")).kind, Kind::MetricName);
        QCOMPARE(at(QStringLiteral("rate(http_req")).prefix, QStringLiteral("http_req"));
        QCOMPARE(at(QStringLiteral("up{jo")).kind, Kind::LabelName);
        QCOMPARE(at(QStringLiteral("up{job=\"x\", ")).kind, Kind::LabelName);
        const PromQlCompletionContext value = at(QStringLiteral("up{job=~\"exp"));
        QCOMPARE(value.kind, Kind::LabelValue);
        QCOMPARE(value.label, QStringLiteral("job"));
        QCOMPARE(value.prefix, QStringLiteral("exp"));
        QCOMPARE(at(QStringLiteral("up{job=\"x\"} > 1")).kind, Kind::None);
        QCOMPARE(at(QStringLiteral("up{job=\"a{b")).kind, Kind::LabelValue);
    }

    void queryBarCompletesFromTheServer()
    {
        PromQlQueryBar bar;
        bar.setServer(m_server.get());
        bar.resize(600, 60);
        bar.show();
        QVERIFY(QTest::qWaitForWindowExposed(&bar));
        bar.edit()->setFocus();
        QTest::keyClicks(bar.edit(), QStringLiteral("launchdeck_te"));
        QTRY_VERIFY_WITH_TIMEOUT(bar.completions().contains(u"launchdeck_test_value"), 30'000);

        bar.edit()->setText(QStringLiteral("launchdeck_test_value"));
        QTest::keyClicks(bar.edit(), QStringLiteral("{"));
        QTRY_VERIFY_WITH_TIMEOUT(bar.completions().contains(u"name"), 30'000);
        QVERIFY(!bar.completions().contains(u"launchdeck_test_value"));

        QTest::keyClicks(bar.edit(), QStringLiteral("name=\""));
        QTRY_VERIFY_WITH_TIMEOUT(
            bar.completions().contains(u"alpha") && bar.completions().contains(u"beta"), 30'000);
        QTest::keyClicks(bar.edit(), QStringLiteral("b"));
        QTRY_COMPARE(bar.completions(), QStringList{QStringLiteral("beta")});
        // Taking the completion puts it in place of what was typed of it.
        Q_EMIT bar.completer()->activated(QStringLiteral("beta"));
        QCOMPARE(bar.edit()->text(), QStringLiteral("launchdeck_test_value{name=\"beta"));
    }

    // The session: environments naming one Prometheus share its server, one naming none has
    // none, an unrelated reload keeps the server, and the Dashboards view fills the variables
    // and shows Prometheus's error for an ad-hoc query at its column.
    void sessionServesTheDashboards()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString root = dir.path() + u"/workspace";
        QVERIFY(writeWorkspace(root, m_stack->prometheusUrl(), true));
        SessionOptions options;
        options.root = root;
        options.dataDir = dir.path() + u"/data";
        options.useKeyring = false;
        auto* session = new WorkspaceSession(options);
        QSignalSpy servers(session, &WorkspaceSession::prometheusServersChanged);
        MetricsStore store;
        MetricsTab tab(&store);
        tab.resize(1400, 900);
        tab.setSession(session);
        session->open();
        QTRY_VERIFY_WITH_TIMEOUT(session->isLoaded() && session->isHistoryReady(), 30'000);
        QVERIFY2(session->workspace(), "the workspace did not parse");

        prometheus::PrometheusServer* staging =
            session->prometheusServer(QStringLiteral("staging"));
        QVERIFY(staging);
        QCOMPARE(staging->endpoint().url, m_stack->prometheusUrl());
        QCOMPARE(session->prometheusServer(QStringLiteral("production")), staging);
        QCOMPARE(session->prometheusServer(QStringLiteral("development")), nullptr);
        QCOMPARE(session->prometheusServers().size(), 1);
        QCOMPARE(servers.size(), 1);

        // The live revision from the ledger.
        const std::shared_ptr<DeploymentLedger> ledger = session->ledger();
        DeploymentStart start;
        start.application = QStringLiteral("web");
        start.environment = QStringLiteral("staging");
        start.to = {7, QStringLiteral("shop/web:1.0")};
        start.strategy = QStringLiteral("rolling");
        const Result<QString> id = ledger->begin(start);
        QVERIFY(id);
        QVERIFY(ledger->finish(*id, DeploymentStatus::Completed));

        DashboardsView* view = tab.dashboardsView();
        tab.showView(view);
        tab.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tab));
        view->selectPair(QStringLiteral("web"), QStringLiteral("staging"));
        view->refreshDeployments();
        QTRY_COMPARE(view->variables().value(QStringLiteral("revision")), QStringLiteral("7"));
        QCOMPARE(view->variables().value(QStringLiteral("namespace")), QStringLiteral("shop"));
        QCOMPARE(view->variables().value(QStringLiteral("app")), QStringLiteral("web"));

        QCOMPARE(session->workspace()->dashboards.size(), 1);
        QCOMPARE(view->panels().size(), 1);
        PromQlPanel* panel = view->panels().first();
        QCOMPARE(panel->query(), QStringLiteral("launchdeck_test_value{name=\"alpha\"} + 7"));
        // 1.5 + 7 from Prometheus itself: the variable reached the server.
        QTRY_COMPARE_WITH_TIMEOUT(newestValue(panel, QStringLiteral("alpha $env")), 8.5, 30'000);
        QCOMPARE(panel->chart()->chart()->title(), QStringLiteral("Gauge of web"));
        // The deployment is marked on the panel.
        QTRY_COMPARE(panel->chart()->visibleMarkerCount(), 1);

        // An ad-hoc query with a parse error: the message and a caret under its column.
        const QString bad = QStringLiteral("sum(launchdeck_test_value{name=}) by (name)");
        view->queryBar()->edit()->setText(bad);
        QTest::keyClick(view->queryBar()->edit(), Qt::Key_Return);
        QVERIFY(view->adHocPanel());
        QTRY_VERIFY_WITH_TIMEOUT(!view->queryBar()->errorText().isEmpty(), 30'000);
        const QStringList lines = view->queryBar()->errorText().split(u'\n');
        QCOMPARE(lines.size(), 3);
        QVERIFY2(lines[0].contains(u"unexpected"), qPrintable(lines[0]));
        QCOMPARE(lines[1], bad);
        // Prometheus reports 1:32: the '}' where a label value was expected.
        QCOMPARE(lines[2], QString(31, u' ') + u'^');
        QCOMPARE(bad.at(31), u'}');
        QVERIFY2(view->adHocPanel()->statusText().contains(u"refused the query"),
                 qPrintable(view->adHocPanel()->statusText()));

        // A good one replaces it and is drawn.
        view->queryBar()->edit()->setText(QStringLiteral("sum(launchdeck_test_value)"));
        QTest::keyClick(view->queryBar()->edit(), Qt::Key_Return);
        QTRY_VERIFY(view->queryBar()->errorText().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(newestValue(view->adHocPanel(), QStringLiteral("{}")), 43.5,
                                  30'000);

        // A reload that leaves the servers as they were keeps them.
        const int changes = int(servers.size());
        QSignalSpy changed(session, &WorkspaceSession::workspaceChanged);
        QFile file(root + u"/launchdeck.yaml");
        QVERIFY(file.open(QIODevice::Append));
        file.write("# a comment changes the text, not the servers\n");
        file.close();
        QTRY_VERIFY_WITH_TIMEOUT(changed.size() >= 1, 30'000);
        QCOMPARE(int(servers.size()), changes);
        QCOMPARE(session->prometheusServer(QStringLiteral("staging")), staging);

        tab.setSession(nullptr);
        delete session;
    }
};

QTEST_MAIN(TestPromQlPanels)
#include "tst_promqlpanels.moc"

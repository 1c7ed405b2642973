// What every target's deployment shares after its candidate passed: canary analysis (PromQL on
// the environment's Prometheus, or a metric the target reads) and the monitoring window's
// triggers (the target's reading, PromQL conditions, Alertmanager's alerts).
#include "deploy/deploymentlifecycle.h"

#include "alerts/alertmanagerclient.h"
#include "prometheus/prometheusclient.h"
#include "prometheus/serverendpoints.h"

#include <QElapsedTimer>
#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <functional>

namespace launchdeck::deploy {

using namespace std::chrono_literals;

namespace {

// A monitoring server read at every reading: an outage is logged when it begins and when it
// ends, not at every reading, and trips nothing by itself.
class OutageLog final
{
public:
    OutageLog(QString what, std::function<void(const QString&)> log)
        : m_what(std::move(what))
        , m_log(std::move(log))
    {}
    void failed(const QString& error)
    {
        if (m_down)
            return;
        m_down = true;
        m_log(QStringLiteral("%1 could not be read during monitoring (%2); its triggers wait")
                  .arg(m_what, error));
    }
    void answered()
    {
        if (!m_down)
            return;
        m_down = false;
        m_log(QStringLiteral("%1 answers again").arg(m_what));
    }

private:
    QString m_what;
    std::function<void(const QString&)> m_log;
    bool m_down = false;
};

// Monitoring reads often: a server that hangs must not hold a reading up for long.
constexpr std::chrono::milliseconds kMonitoringQueryTimeout{5000};

} // namespace

// ---- Prometheus and Alertmanager -------------------------------------------------------------

Result<prometheus::ServerEndpoint>
DeploymentLifecycle::monitoringEndpoint(const MonitoringServer& server) const
{
    // Only values looked up before the job began: the keyring is not asked from this thread.
    const QMap<QString, QString>& secrets = m_control.secretValues;
    return prometheus::endpointOf(server, [&secrets](const QString& name) {
        const auto it = secrets.constFind(name);
        return it == secrets.cend() ? std::nullopt : std::optional<QString>(*it);
    });
}

QueryScope DeploymentLifecycle::queryScope() const
{
    QueryScope scope;
    scope.application = m_plan.application;
    scope.environment = m_plan.environment;
    scope.revision = m_plan.to.number;
    return scope;
}

// ---- VALIDATING ------------------------------------------------------------------------------

void DeploymentLifecycle::checkAnalysesAndTriggers(
    const Finding& finding, const std::function<QString(const QString&)>& metricUnreadable)
{
    const Application& app = m_application;
    const Environment& env = m_environment;
    // What reads the environment's Prometheus needs it configured, with its secret at hand.
    const auto checkPrometheus = [&](const QString& what) {
        if (!env.prometheus.isSet())
            finding(Severity::Critical, QStringLiteral("prometheus"),
                    QStringLiteral("%1 queries Prometheus, and environment %2 has no Prometheus "
                                   "server: set prometheus: URL on it")
                        .arg(what, env.name));
        else if (const Result<prometheus::ServerEndpoint> endpoint =
                     monitoringEndpoint(env.prometheus);
                 !endpoint)
            finding(Severity::Critical, QStringLiteral("prometheus"),
                    what + u": " + endpoint.error().toString());
    };

    if (m_plan.strategy == Strategy::Type::Canary || m_plan.strategy == Strategy::Type::BlueGreen) {
        for (const AnalysisTemplate& analysis : app.strategy.analyses) {
            if (Result<AnalysisRun> run = AnalysisRun::create(analysis); !run)
                finding(Severity::Critical, QStringLiteral("analysis"), run.error().toString());
            else if (analysis.metric == u"prometheus")
                checkPrometheus(QStringLiteral("analysis '%1'").arg(analysis.name));
            else if (const QString unreadable = metricUnreadable(analysis.metric);
                     !unreadable.isEmpty())
                finding(Severity::Critical, QStringLiteral("analysis"),
                        QStringLiteral("analysis '%1': %2").arg(analysis.name, unreadable));
        }
    }
    // A trigger that cannot be watched here is a High finding: a warning where validation
    // is basic or standard, a stop at strict, where nothing should go unwatched.
    const RollbackPolicy& rollback = app.rollback;
    if (!rollback.prometheus.isEmpty()) {
        if (Result<PromTriggerWatch> watch = PromTriggerWatch::create(rollback.prometheus); !watch)
            finding(Severity::Critical, QStringLiteral("rollback-triggers"),
                    watch.error().toString());
        if (!env.prometheus.isSet())
            finding(Severity::High, QStringLiteral("rollback-triggers"),
                    QStringLiteral("the PromQL rollback triggers are not watched in "
                                   "environment %1: it has no Prometheus server")
                        .arg(env.name));
        else
            checkPrometheus(QStringLiteral("the PromQL rollback triggers"));
    }
    if (!rollback.alerts.isEmpty()) {
        if (!env.alertmanager.isSet())
            finding(Severity::High, QStringLiteral("rollback-triggers"),
                    QStringLiteral("the alert rollback triggers (%1) are not watched in "
                                   "environment %2: it has no Alertmanager")
                        .arg(rollback.alerts.join(QStringLiteral(", ")), env.name));
        else if (const Result<prometheus::ServerEndpoint> endpoint =
                     monitoringEndpoint(env.alertmanager);
                 !endpoint)
            finding(Severity::Critical, QStringLiteral("rollback-triggers"),
                    QStringLiteral("the alert rollback triggers: ") + endpoint.error().toString());
    }
}

// ---- canary pauses ---------------------------------------------------------------------------

DeploymentLifecycle::Outcome DeploymentLifecycle::pauseStep(const StrategyStep& step,
                                                            int stepNumber)
{
    if (step.pause) {
        log(QStringLiteral("pause %1 s").arg(step.pause->count() / 1000.0));
        const int seen = m_control.promotions.load();
        const auto deadline = std::chrono::steady_clock::now() + *step.pause;
        // Promote also ends a timed pause early.
        while (std::chrono::steady_clock::now() < deadline && m_control.promotions.load() == seen) {
            if (!m_control.sleepFor(100ms))
                return {false, QStringLiteral("cancelled during a pause")};
        }
    } else if (m_request.autoPromote) {
        log(QStringLiteral("pause for promotion: promoted automatically"));
    } else {
        // Read before asking, so a Promote clicked at once is not missed.
        const int seen = m_control.promotions.load();
        pause(QStringLiteral("paused at canary step %1 (line %2): waiting for Promote")
                  .arg(stepNumber)
                  .arg(step.line));
        if (!m_control.waitForPromotion(seen))
            return {false, QStringLiteral("cancelled while paused for promotion")};
        log(QStringLiteral("promoted"));
    }
    return {true, {}};
}

// ---- analysis --------------------------------------------------------------------------------

DeploymentLifecycle::Outcome DeploymentLifecycle::runNamedAnalysis(const QString& name,
                                                                   const QString& when,
                                                                   const MetricReader& readMetric)
{
    if (name.isEmpty())
        return {true, {}};
    const QList<AnalysisTemplate>& analyses = m_application.strategy.analyses;
    const auto found = std::find_if(analyses.begin(), analyses.end(),
                                    [&](const AnalysisTemplate& a) { return a.name == name; });
    if (found == analyses.end())
        return {false, QStringLiteral("no analysis named '%1'").arg(name)};
    log(QStringLiteral("%1 analysis %2").arg(when, found->name));
    return runAnalysis(*found, readMetric);
}

DeploymentLifecycle::Outcome DeploymentLifecycle::runAnalysis(const AnalysisTemplate& analysis,
                                                              const MetricReader& readMetric)
{
    Result<AnalysisRun> created = AnalysisRun::create(analysis);
    if (!created)
        return {false, created.error().toString()};
    AnalysisRun run = std::move(created).value();
    const bool promql = analysis.metric == u"prometheus";
    std::optional<prometheus::PrometheusClient> prometheus;
    QString query;
    if (promql) {
        const Result<prometheus::ServerEndpoint> endpoint =
            monitoringEndpoint(m_environment.prometheus);
        if (!endpoint)
            return {
                false,
                QStringLiteral("analysis %1: %2").arg(analysis.name, endpoint.error().toString())};
        prometheus.emplace(*endpoint);
        query = prometheus::expandVariables(analysis.query, queryVariables(queryScope()));
        log(QStringLiteral("analysis %1: PromQL on %2 every %3 s, %4 measurements: %5")
                .arg(analysis.name, endpoint->url)
                .arg(analysis.interval.count() / 1000.0)
                .arg(analysis.count)
                .arg(query.simplified()));
    } else {
        log(QStringLiteral("analysis %1: %2 every %3 s, %4 measurements")
                .arg(analysis.name, analysis.metric)
                .arg(analysis.interval.count() / 1000.0)
                .arg(analysis.count));
    }
    const auto logMeasurement = [&](const Measurement& measurement) {
        QString seen =
            measurement.value ? conditionValueText(*measurement.value) : measurement.message;
        if (promql && measurement.value)
            seen += u" (" + measurement.message + u')';
        log(QStringLiteral("analysis %1: %2 → %3")
                .arg(analysis.name, seen, measurementPhaseName(measurement.phase)));
    };
    if (promql) {
        // A failed query is an Error measurement, counted against consecutive_error_limit.
        while (!run.isDone()) {
            if (!m_control.sleepFor(analysis.interval))
                return {false, QStringLiteral("cancelled during analysis %1").arg(analysis.name)};
            const Result<QList<SeriesValue>> values = readQuery(*prometheus, query);
            logMeasurement(values ? run.measureEach(*values)
                                  : run.measure(std::nullopt, values.error().toString()));
        }
    } else {
        if (!readMetric)
            return {false, QStringLiteral("analysis %1: metric %2 cannot be read on %3; use "
                                          "metric prometheus with a query")
                               .arg(analysis.name, analysis.metric, m_environment.target)};
        QString ignored;
        readMetric(analysis.metric, &ignored); // the baseline
        while (!run.isDone()) {
            if (!m_control.sleepFor(analysis.interval))
                return {false, QStringLiteral("cancelled during analysis %1").arg(analysis.name)};
            QString error;
            const std::optional<double> value = readMetric(analysis.metric, &error);
            logMeasurement(run.measure(value, value ? QString() : error));
        }
    }
    QJsonArray values;
    for (const Measurement& measurement : run.measurements())
        // JSON has no NaN or infinity: those are kept as Prometheus writes them.
        values.append(!measurement.value ? QJsonValue()
                      : std::isfinite(*measurement.value)
                          ? QJsonValue(*measurement.value)
                          : QJsonValue(conditionValueText(*measurement.value)));
    const bool ok = run.phase() == AnalysisPhase::Successful;
    if (run.phase() == AnalysisPhase::Inconclusive && !m_request.autoPromote) {
        testResult(QStringLiteral("analysis %1").arg(analysis.name), false,
                   QJsonObject{{QStringLiteral("phase"), analysisPhaseName(run.phase())},
                               {QStringLiteral("values"), values}},
                   run.summary());
        const int seen = m_control.promotions.load();
        pause(run.summary() + QStringLiteral(": inconclusive, waiting for Promote"));
        if (!m_control.waitForPromotion(seen))
            return {false, QStringLiteral("analysis %1 was inconclusive and the deployment was "
                                          "cancelled")
                               .arg(analysis.name)};
        return {true, {}};
    }
    testResult(QStringLiteral("analysis %1").arg(analysis.name), ok,
               QJsonObject{{QStringLiteral("phase"), analysisPhaseName(run.phase())},
                           {QStringLiteral("values"), values}},
               run.summary());
    if (!ok)
        return {false, run.summary()};
    return {true, {}};
}

// ---- MONITORING ------------------------------------------------------------------------------

DeploymentLifecycle::Outcome DeploymentLifecycle::watchWindow(std::chrono::milliseconds interval,
                                                              const TargetReader& readTarget)
{
    const RollbackPolicy& policy = m_application.rollback;
    const auto window = policy.monitorWindow;
    log(QStringLiteral("monitoring for %1 s").arg(window.count() / 1000.0));
    MonitorTriggers triggers(policy);
    Result<PromTriggerWatch> promTriggers = PromTriggerWatch::create(policy.prometheus);
    if (!promTriggers)
        return {false, promTriggers.error().toString()};
    const QMap<QString, QString> variables = queryVariables(queryScope());
    QStringList promQueries;
    std::optional<prometheus::PrometheusClient> prometheus;
    std::optional<alerts::AlertmanagerClient> alertmanager;
    // Triggers of a server the environment lacks are not watched; VALIDATING said so.
    if (!policy.prometheus.isEmpty() && m_environment.prometheus.isSet()) {
        Result<prometheus::ServerEndpoint> endpoint = monitoringEndpoint(m_environment.prometheus);
        if (!endpoint)
            return {false, QStringLiteral("PromQL triggers: ") + endpoint.error().toString()};
        endpoint.value().timeout = std::min(endpoint->timeout, kMonitoringQueryTimeout);
        prometheus.emplace(*endpoint);
        for (const PromTrigger& trigger : policy.prometheus)
            promQueries.append(prometheus::expandVariables(trigger.query, variables));
    }
    if (!policy.alerts.isEmpty() && m_environment.alertmanager.isSet()) {
        Result<prometheus::ServerEndpoint> endpoint =
            monitoringEndpoint(m_environment.alertmanager);
        if (!endpoint)
            return {false, QStringLiteral("alert triggers: ") + endpoint.error().toString()};
        endpoint.value().timeout = std::min(endpoint->timeout, kMonitoringQueryTimeout);
        alertmanager.emplace(*endpoint);
    }
    const auto logLine = [this](const QString& text) {
        log(text);
    };
    OutageLog prometheusOutage(QStringLiteral("Prometheus %1").arg(m_environment.prometheus.url),
                               logLine);
    OutageLog alertmanagerOutage(
        QStringLiteral("Alertmanager %1").arg(m_environment.alertmanager.url), logLine);
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < window.count()) {
        const qint64 left = window.count() - clock.elapsed();
        if (!m_control.sleepFor(std::chrono::milliseconds(qMin<qint64>(interval.count(), left))))
            return {false, QStringLiteral("cancelled while monitoring")};
        const Result<MonitorReading> reading = readTarget();
        if (!reading)
            return {false, reading.error().toString()};
        if (!reading->healthy && !reading->unhealthyWhy.isEmpty())
            log(QStringLiteral("unhealthy: ") + reading->unhealthyWhy);
        if (const std::optional<QString> reason = triggers.observe(*reading))
            return {false, QStringLiteral("monitoring: ") + *reason};
        if (prometheus) {
            QString unread;
            for (qsizetype i = 0; i < promQueries.size(); ++i) {
                const Result<QList<SeriesValue>> values = readQuery(*prometheus, promQueries.at(i));
                if (!values && unread.isEmpty())
                    unread = values.error().toString();
                const std::optional<QString> reason =
                    promTriggers.value().observe(i, values ? std::optional(*values) : std::nullopt,
                                                 QDateTime::currentDateTimeUtc());
                if (reason)
                    return {false, QStringLiteral("monitoring: ") + *reason};
            }
            if (unread.isEmpty())
                prometheusOutage.answered();
            else
                prometheusOutage.failed(unread);
        }
        if (alertmanager) {
            const Result<QList<alerts::Alert>> firing = alertmanager->alerts(true, false, false);
            if (!firing) {
                alertmanagerOutage.failed(firing.error().toString());
            } else {
                alertmanagerOutage.answered();
                if (const std::optional<QString> reason = firingAlertReason(
                        *firing, policy.alerts, m_application.name, m_environment.name))
                    return {false, QStringLiteral("monitoring: ") + *reason};
            }
        }
        progress(75 + int(20 * clock.elapsed() / qMax<qint64>(1, window.count())));
    }
    log(QStringLiteral("monitoring window passed"));
    return {true, {}};
}

} // namespace launchdeck::deploy

// One environment's polls: the Alertmanager's alerts and silences, then the local rules.
#include "alerts/environmentalertsworker.h"

#include <QLoggingCategory>
#include <QTimer>

#include <algorithm>

namespace launchdeck::alerts {

Q_LOGGING_CATEGORY(lcAlerts, "launchdeck.alerts", QtInfoMsg)

EnvironmentAlertsWorker::EnvironmentAlertsWorker(WatchedEnvironment environment,
                                                 AlertsWatcherOptions options)
    : m_environment(std::move(environment))
    , m_options(options)
{
    m_state.environment = m_environment.name;
    m_state.hasAlertmanager =
        m_environment.alertmanager.has_value() || !m_environment.alertmanagerProblem.isEmpty();
    if (m_environment.alertmanager)
        m_alertmanager.emplace(*m_environment.alertmanager);
    if (m_environment.prometheus)
        m_prometheus.emplace(*m_environment.prometheus);
    for (const ThresholdRule& rule : std::as_const(m_environment.rules)) {
        Result<ThresholdEvaluator> evaluator = ThresholdEvaluator::create(rule);
        if (evaluator)
            m_rules.push_back(std::move(evaluator).value());
        else
            m_ruleProblems.append(evaluator.error().toString());
    }
}

void EnvironmentAlertsWorker::start()
{
    m_clock.start();
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &EnvironmentAlertsWorker::poll);
    poll();
}

void EnvironmentAlertsWorker::pollNow()
{
    if (!m_timer)
        return;
    m_nextAttemptMs = 0;
    poll();
}

void EnvironmentAlertsWorker::poll()
{
    m_timer->stop();
    QList<WatchedAlert> started;
    if (!m_environment.alertmanagerProblem.isEmpty()) {
        m_state.alertmanager.state = prometheus::ServerState::Disconnected;
        m_state.alertmanager.error = m_environment.alertmanagerProblem;
    } else if (m_alertmanager && m_clock.elapsed() >= m_nextAttemptMs) {
        pollAlertmanager(started);
    } else if (m_alertmanager) {
        m_state.alertmanager.retryInMs = int(m_nextAttemptMs - m_clock.elapsed());
    }
    evaluateRules(started);

    m_state.alerts = m_alertmanagerAlerts;
    for (const ThresholdEvaluator& rule : m_rules) {
        for (const Alert& alert : rule.firing())
            m_state.alerts.append(WatchedAlert{m_environment.name, thresholdRuleSource(), alert});
    }
    Q_EMIT polled(m_state, started);

    // The next poll: the interval, or sooner when the Alertmanager's backoff ends first.
    qint64 next = m_options.pollIntervalMs;
    if (m_alertmanager && m_state.alertmanager.state == prometheus::ServerState::Disconnected)
        next = std::clamp<qint64>(m_nextAttemptMs - m_clock.elapsed(), 0, next);
    m_timer->start(int(next));
}

void EnvironmentAlertsWorker::pollAlertmanager(QList<WatchedAlert>& started)
{
    const Result<QList<Alert>> alerts = m_alertmanager->alerts();
    if (!alerts) {
        failAlertmanager(alerts.error().toString());
        return;
    }
    const Result<QList<Silence>> silences = m_alertmanager->silences();
    if (!silences) {
        failAlertmanager(silences.error().toString());
        return;
    }
    QSet<QString> known;
    m_alertmanagerAlerts.clear();
    for (const Alert& alert : *alerts) {
        WatchedAlert watched{m_environment.name, alertmanagerSource(), alert};
        known.insert(alert.fingerprint);
        // Those already firing when the console first hears of them are listed, not news.
        if (m_answered && !m_known.contains(alert.fingerprint) && alert.state == u"active")
            started.append(watched);
        m_alertmanagerAlerts.append(watched);
    }
    m_known = std::move(known);
    m_state.silences.clear();
    for (const Silence& silence : *silences) {
        if (silence.state != u"expired")
            m_state.silences.append(silence);
    }
    m_answered = true;
    m_state.lastAnswer = QDateTime::currentDateTimeUtc();
    if (m_state.alertmanager.state != prometheus::ServerState::Connected)
        qCInfo(lcAlerts).noquote()
            << m_environment.name << "Alertmanager" << m_alertmanager->endpoint().url << "reached";
    m_state.alertmanager = prometheus::ServerStatus{prometheus::ServerState::Connected, {}, 0, 0};
}

void EnvironmentAlertsWorker::failAlertmanager(const QString& error)
{
    // The last answer's alerts stay listed: dropping them would make each of them news again
    // when the Alertmanager is back.
    prometheus::ServerStatus& status = m_state.alertmanager;
    ++status.attempt;
    const qint64 backoff =
        std::min<qint64>(qint64(m_options.firstBackoffMs) << std::min(status.attempt - 1, 20),
                         m_options.maxBackoffMs);
    status.state = prometheus::ServerState::Disconnected;
    status.error = error;
    status.retryInMs = int(backoff);
    m_nextAttemptMs = m_clock.elapsed() + backoff;
    qCWarning(lcAlerts).noquote() << m_environment.name << "Alertmanager:" << error << "- attempt"
                                  << status.attempt << "retrying in" << backoff << "ms";
}

void EnvironmentAlertsWorker::evaluateRules(QList<WatchedAlert>& started)
{
    QStringList errors = m_ruleProblems;
    int pending = 0;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (ThresholdEvaluator& rule : m_rules) {
        if (!m_prometheus) {
            errors.append(m_environment.prometheusProblem.isEmpty()
                              ? QStringLiteral("rule %1: environment %2 has no Prometheus server")
                                    .arg(rule.rule().name, m_environment.name)
                              : QStringLiteral("rule %1: %2")
                                    .arg(rule.rule().name, m_environment.prometheusProblem));
            continue;
        }
        const Result<prometheus::QueryResult> result = m_prometheus->query(rule.rule().query);
        if (!result) {
            // Its alerts stay as they were: an unreachable Prometheus neither fires nor resolves.
            errors.append(
                QStringLiteral("rule %1: %2").arg(rule.rule().name, result.error().toString()));
            continue;
        }
        const Result<ThresholdEvaluator::Changes> changes = rule.observe(*result, now);
        if (!changes) {
            errors.append(changes.error().toString());
            continue;
        }
        for (const Alert& alert : changes->started)
            started.append(WatchedAlert{m_environment.name, thresholdRuleSource(), alert});
        pending += rule.pendingCount();
    }
    errors.removeDuplicates();
    m_state.rulesError = errors.join(u'\n');
    m_state.pendingRules = pending;
}

void EnvironmentAlertsWorker::createSilence(quint64 request, const Silence& silence)
{
    if (!m_alertmanager) {
        Q_EMIT silenceCreated(request, m_environment.name, {}, unreachable(tr("silence")));
        return;
    }
    const Result<QString> id = m_alertmanager->createSilence(silence);
    Q_EMIT silenceCreated(request, m_environment.name, id ? *id : QString(),
                          id ? QString() : id.error().toString());
    if (id)
        pollNow();
}

void EnvironmentAlertsWorker::expireSilence(quint64 request, const QString& silenceId)
{
    if (!m_alertmanager) {
        Q_EMIT silenceExpired(request, m_environment.name, silenceId, unreachable(tr("expire")));
        return;
    }
    const Result<bool> done = m_alertmanager->expireSilence(silenceId);
    Q_EMIT silenceExpired(request, m_environment.name, silenceId,
                          done ? QString() : done.error().toString());
    if (done)
        pollNow();
}

QString EnvironmentAlertsWorker::unreachable(const QString& action) const
{
    return m_environment.alertmanagerProblem.isEmpty()
               ? tr("cannot %1: environment %2 has no Alertmanager").arg(action, m_environment.name)
               : m_environment.alertmanagerProblem;
}

} // namespace launchdeck::alerts

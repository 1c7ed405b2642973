// Threshold rules' pending and firing bookkeeping.
#include "alerts/thresholdevaluator.h"

#include <QStringList>

#include <cmath>

namespace launchdeck::alerts {

namespace {

QString labelsKey(const prometheus::Labels& labels)
{
    QStringList parts;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        parts.append(it.key() + u'=' + it.value());
    return parts.join(u',');
}

QString formatHold(std::chrono::milliseconds hold)
{
    const auto ms = hold.count();
    if (ms % 60'000 == 0 && ms >= 60'000)
        return QStringLiteral("%1 min").arg(ms / 60'000);
    if (ms % 1000 == 0)
        return QStringLiteral("%1 s").arg(ms / 1000);
    return QStringLiteral("%1 ms").arg(ms);
}

} // namespace

QString thresholdRuleSource()
{
    return QStringLiteral("Launchdeck rule");
}

Result<ThresholdEvaluator> ThresholdEvaluator::create(const ThresholdRule& rule)
{
    Result<AnalysisCondition> condition = AnalysisCondition::parse(rule.condition);
    if (!condition)
        return Error{QStringLiteral("rule %1: %2").arg(rule.name, condition.error().message),
                     QStringLiteral("launchdeck.yaml:%1").arg(rule.line)};
    return ThresholdEvaluator(rule, std::move(condition).value());
}

ThresholdEvaluator::ThresholdEvaluator(ThresholdRule rule, AnalysisCondition condition)
    : m_rule(std::move(rule))
    , m_condition(std::move(condition))
{}

Result<ThresholdEvaluator::Changes>
ThresholdEvaluator::observe(const prometheus::QueryResult& result, const QDateTime& now)
{
    QMap<QString, std::pair<prometheus::Labels, double>> readings;
    switch (result.type) {
    case prometheus::ResultType::Scalar:
        if (result.scalar)
            readings.insert(QString(), {{}, result.scalar->value});
        break;
    case prometheus::ResultType::Vector:
        for (const prometheus::Series& series : result.series) {
            if (series.samples.empty())
                continue;
            prometheus::Labels labels = series.labels;
            labels.remove(QStringLiteral("__name__"));
            readings.insert(labelsKey(labels), {labels, series.samples.back().value});
        }
        break;
    case prometheus::ResultType::Matrix:
    case prometheus::ResultType::String:
        return Error{QStringLiteral("rule %1: the query answers a %2, not a number or an instant "
                                    "vector")
                         .arg(m_rule.name, result.type == prometheus::ResultType::Matrix
                                               ? QStringLiteral("range vector")
                                               : QStringLiteral("string")),
                     QStringLiteral("launchdeck.yaml:%1").arg(m_rule.line)};
    }

    Changes changes;
    QMap<QString, Instance> next;
    for (auto it = readings.cbegin(); it != readings.cend(); ++it) {
        const double value = it.value().second;
        // NaN compares false with everything: no term of a condition holds for it.
        if (std::isnan(value) || !m_condition.evaluate(value))
            continue;
        Instance instance = m_instances.value(it.key());
        if (!instance.pendingSince.isValid()) {
            instance.labels = it.value().first;
            instance.pendingSince = now;
        }
        instance.value = value;
        if (!instance.firingSince.isValid() &&
            instance.pendingSince.msecsTo(now) >= m_rule.holdFor.count()) {
            instance.firingSince = now;
            changes.started.append(alertOf(it.key(), instance));
        }
        next.insert(it.key(), instance);
    }
    for (auto it = m_instances.cbegin(); it != m_instances.cend(); ++it) {
        if (it.value().firingSince.isValid() && !next.contains(it.key())) {
            Alert gone = alertOf(it.key(), it.value());
            gone.endsAt = now;
            changes.resolved.append(gone);
        }
    }
    m_instances = std::move(next);
    return changes;
}

QList<Alert> ThresholdEvaluator::firing() const
{
    QList<Alert> alerts;
    for (auto it = m_instances.cbegin(); it != m_instances.cend(); ++it) {
        if (it.value().firingSince.isValid())
            alerts.append(alertOf(it.key(), it.value()));
    }
    return alerts;
}

int ThresholdEvaluator::pendingCount() const
{
    int pending = 0;
    for (const Instance& instance : m_instances)
        pending += instance.firingSince.isValid() ? 0 : 1;
    return pending;
}

Alert ThresholdEvaluator::alertOf(const QString& key, const Instance& instance) const
{
    Alert alert;
    alert.labels = instance.labels;
    alert.labels.insert(QStringLiteral("alertname"), m_rule.name);
    alert.labels.insert(QStringLiteral("environment"), m_rule.environment);
    alert.fingerprint = QStringLiteral("rule:%1{%2}").arg(m_rule.name, key);
    alert.state = QStringLiteral("active");
    alert.startsAt = instance.firingSince;
    const QString held = m_rule.holdFor.count() > 0
                             ? QStringLiteral(" for %1").arg(formatHold(m_rule.holdFor))
                             : QString();
    alert.annotations.insert(QStringLiteral("summary"), QStringLiteral("value %1 meets %2%3")
                                                            .arg(conditionValueText(instance.value),
                                                                 m_condition.text(), held));
    alert.annotations.insert(QStringLiteral("query"), m_rule.query);
    alert.annotations.insert(QStringLiteral("value"), conditionValueText(instance.value));
    return alert;
}

} // namespace launchdeck::alerts

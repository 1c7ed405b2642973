// PromQL readings of analysis and triggers, and the alerts that concern a pair.
#include "deploy/promqlreadings.h"

#include <QStringList>

#include <cmath>

namespace launchdeck::deploy {

namespace {

// `{proxy="staging", server="green1"}`, without the metric's name; empty for a series without
// labels (an aggregate such as sum(…)), which reads as a plain number.
QString seriesText(const prometheus::Labels& labels)
{
    QStringList parts;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it) {
        if (it.key() != u"__name__")
            parts.append(QStringLiteral("%1=\"%2\"").arg(it.key(), it.value()));
    }
    return parts.isEmpty() ? QString() : u'{' + parts.join(QStringLiteral(", ")) + u'}';
}

QString seconds(qint64 ms)
{
    return QString::number(std::round(double(ms) / 100.0) / 10.0, 'g', 6) + QStringLiteral(" s");
}

} // namespace

QMap<QString, QString> queryVariables(const QueryScope& scope)
{
    const auto serversOf = [](const QString& group) {
        return group.isEmpty() ? QString() : group + QStringLiteral("[0-9]+");
    };
    return {
        {QStringLiteral("app"), scope.application},
        {QStringLiteral("env"), scope.environment},
        {QStringLiteral("revision"), QString::number(scope.revision)},
        {QStringLiteral("namespace"), scope.nameSpace},
        {QStringLiteral("backend"), scope.backend},
        {QStringLiteral("canary"), serversOf(scope.newGroup)},
        {QStringLiteral("stable"), serversOf(scope.stableGroup)},
        {QStringLiteral("instance"), scope.metricsListen},
    };
}

Result<QList<SeriesValue>> readingValues(const prometheus::QueryResult& result)
{
    QList<SeriesValue> values;
    switch (result.type) {
    case prometheus::ResultType::Scalar:
        if (result.scalar)
            values.append({QString(), result.scalar->value});
        break;
    case prometheus::ResultType::Vector:
    case prometheus::ResultType::Matrix:
        for (const prometheus::Series& series : result.series) {
            const QString labels = seriesText(series.labels);
            for (const prometheus::Sample& sample : series.samples)
                values.append({labels, sample.value});
        }
        break;
    case prometheus::ResultType::String:
        return Error{QStringLiteral("the query answers a string (\"%1\"), not a number")
                         .arg(result.string.left(80)),
                     {}};
    }
    return values;
}

Result<QList<SeriesValue>> readQuery(const prometheus::PrometheusClient& client,
                                     const QString& query)
{
    const Result<prometheus::QueryResult> answer = client.query(query);
    if (!answer)
        return answer.error();
    Result<QList<SeriesValue>> values = readingValues(*answer);
    if (!values)
        return Error{values.error().message, client.endpoint().url};
    return values;
}

PromTriggerWatch::PromTriggerWatch(QList<Watched> watched)
    : m_watched(std::move(watched))
{}

Result<PromTriggerWatch> PromTriggerWatch::create(const QList<PromTrigger>& triggers)
{
    QList<Watched> watched;
    for (const PromTrigger& trigger : triggers) {
        Result<AnalysisCondition> condition = AnalysisCondition::parse(trigger.condition);
        if (!condition)
            return Error{QStringLiteral("PromQL trigger '%1': %2")
                             .arg(trigger.query.simplified(), condition.error().message),
                         QStringLiteral("launchdeck.yaml:%1").arg(trigger.line)};
        if (condition->isEmpty())
            return Error{QStringLiteral("PromQL trigger '%1' has no condition")
                             .arg(trigger.query.simplified()),
                         QStringLiteral("launchdeck.yaml:%1").arg(trigger.line)};
        watched.append({trigger, std::move(condition).value(), {}});
    }
    return PromTriggerWatch(std::move(watched));
}

std::optional<QString> PromTriggerWatch::observe(qsizetype index,
                                                 const std::optional<QList<SeriesValue>>& values,
                                                 const QDateTime& at)
{
    Watched& watched = m_watched[index];
    if (!values)
        return std::nullopt;
    const SeriesValue* met = nullptr;
    for (const SeriesValue& value : *values) {
        if (watched.condition.evaluate(value.value)) {
            met = &value;
            break;
        }
    }
    if (!met) {
        watched.since = {};
        return std::nullopt;
    }
    if (!watched.since.isValid())
        watched.since = at;
    const qint64 held = watched.since.msecsTo(at);
    const qint64 needed = watched.trigger.holdFor.count();
    if (held < needed)
        return std::nullopt;
    QString reason = QStringLiteral("PromQL trigger '%1' at %2")
                         .arg(watched.trigger.query.simplified(), conditionValueText(met->value));
    if (!met->series.isEmpty())
        reason += u" for " + met->series;
    reason += QStringLiteral(" met '%1'").arg(watched.condition.text().trimmed());
    if (needed > 0)
        reason += QStringLiteral(" for %1 (for: %2)").arg(seconds(held), seconds(needed));
    return reason;
}

bool alertConcerns(const alerts::Alert& alert, const QString& application,
                   const QString& environment)
{
    const auto matches = [&alert](std::initializer_list<const char16_t*> names,
                                  const QString& wanted) {
        for (const char16_t* name : names) {
            const QString key = QString::fromUtf16(name);
            if (alert.labels.contains(key) && alert.labels.value(key) != wanted)
                return false;
        }
        return true;
    };
    return matches({u"application", u"app"}, application) &&
           matches({u"environment", u"env"}, environment);
}

std::optional<QString> firingAlertReason(const QList<alerts::Alert>& alerts,
                                         const QStringList& names, const QString& application,
                                         const QString& environment)
{
    for (const alerts::Alert& alert : alerts) {
        // A silence is someone saying they know; only what nobody muted trips a rollback.
        if (alert.state == u"suppressed" || !alert.silencedBy.isEmpty())
            continue;
        if (!names.contains(alert.name()) || !alertConcerns(alert, application, environment))
            continue;
        QString reason = QStringLiteral("alert %1 firing").arg(alert.name());
        if (alert.startsAt.isValid())
            reason +=
                u" since " + alert.startsAt.toLocalTime().toString(QStringLiteral("HH:mm:ss"));
        const QString summary = alert.annotations.value(QStringLiteral("summary"));
        if (!summary.isEmpty())
            reason += u": " + summary.simplified();
        return reason;
    }
    return std::nullopt;
}

} // namespace launchdeck::deploy

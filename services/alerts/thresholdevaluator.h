// A local threshold rule evaluated by Launchdeck itself: each reading of the rule's query is
// checked against its condition, series by series, and a series whose condition has held for
// the rule's `for` fires, as a Prometheus alerting rule does, until a reading no longer meets
// it. Firing series are alerts like Alertmanager's, so the console lists them side by side.
#pragma once

#include "alerts/alertmanagerclient.h"
#include "core/analysiscondition.h"
#include "core/result.h"
#include "prometheus/prometheustypes.h"
#include "workspace/workspace.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>

namespace launchdeck::alerts {

class ThresholdEvaluator final
{
public:
    // Fails when the condition does not parse, naming the rule and its line.
    static Result<ThresholdEvaluator> create(const ThresholdRule& rule);

    const ThresholdRule& rule() const { return m_rule; }

    struct Changes
    {
        QList<Alert> started;  // began firing at this reading
        QList<Alert> resolved; // fired until this reading
    };
    // One reading at `now`: a scalar or an instant vector (one alert per series); NaN meets no
    // condition. A matrix or a string is refused, naming the rule, and changes nothing.
    Result<Changes> observe(const prometheus::QueryResult& result, const QDateTime& now);

    // Firing now: state "active", startsAt when it began firing, annotations `summary`,
    // `query` and `value`.
    QList<Alert> firing() const;
    // Met at the last reading but not yet for long enough.
    int pendingCount() const;

private:
    struct Instance
    {
        prometheus::Labels labels; // the series' own, without __name__
        QDateTime pendingSince;
        QDateTime firingSince; // invalid while pending
        double value = 0;
    };

    ThresholdEvaluator(ThresholdRule rule, AnalysisCondition condition);
    Alert alertOf(const QString& key, const Instance& instance) const;

    ThresholdRule m_rule;
    AnalysisCondition m_condition;
    QMap<QString, Instance> m_instances; // by the series' labels
};

// "Launchdeck rule": the source the console names for these alerts.
QString thresholdRuleSource();

} // namespace launchdeck::alerts

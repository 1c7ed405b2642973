// PromQL and alerts in a deployment: the variables a query may use, an instant query's answer as
// the values a condition weighs, the PromQL rollback triggers held for their duration, and the
// Alertmanager alerts that trip a rollback of an application in an environment.
#pragma once

#include "alerts/alertmanagerclient.h"
#include "core/analysiscondition.h"
#include "core/result.h"
#include "deploy/analysis.h"
#include "prometheus/prometheusclient.h"
#include "prometheus/prometheustypes.h"
#include "workspace/workspace.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace launchdeck::deploy {

// What a deployment's queries may name, each as $name or ${name}.
struct QueryScope
{
    QString application;   // $app
    QString environment;   // $env
    int revision = 0;      // $revision: the new revision's number
    QString nameSpace;     // $namespace: empty on Docker
    QString backend;       // $backend: the entry point's HAProxy backend (the `proxy` label)
    QString newGroup;      // $canary: a regex of the new revision's servers, "green[0-9]+"
    QString stableGroup;   // $stable: the same for the revision it replaces; empty: none
    QString metricsListen; // $instance: traffic.metrics, the exporter's scrape address
};
QMap<QString, QString> queryVariables(const QueryScope& scope);

// An instant query's answer as the values of one reading: a scalar is one value, an instant
// vector one per series, a range vector every sample of every series (as Argo flattens a
// matrix). A string answer is refused.
Result<QList<SeriesValue>> readingValues(const prometheus::QueryResult& result);

// Runs `query` as an instant query now. An error says what the server or the transport said;
// its `where` is the server.
Result<QList<SeriesValue>> readQuery(const prometheus::PrometheusClient& client,
                                     const QString& query);

// The PromQL triggers of a monitoring window. A trigger holds at a reading when its condition
// holds for at least one series; it trips once it has held at every reading for its `for` (at
// the first reading when `for` is zero). A reading that could not be taken leaves the hold as
// it was, as Prometheus keeps an alert pending through a failed rule evaluation: an outage
// neither trips a trigger nor restarts its clock.
class PromTriggerWatch final
{
public:
    // Fails when a condition does not parse, naming the trigger's line.
    static Result<PromTriggerWatch> create(const QList<PromTrigger>& triggers);

    qsizetype size() const { return m_watched.size(); }
    const PromTrigger& trigger(qsizetype index) const { return m_watched.at(index).trigger; }
    // One reading of trigger `index` at `at`: the reason when it trips, e.g. "PromQL trigger
    // 'sum(…)' at 0.42 met 'result > 0.05' for 31 s (for: 30 s)".
    std::optional<QString> observe(qsizetype index, const std::optional<QList<SeriesValue>>& values,
                                   const QDateTime& at);

private:
    struct Watched
    {
        PromTrigger trigger;
        AnalysisCondition condition;
        QDateTime since; // when it began to hold; invalid while it does not
    };
    explicit PromTriggerWatch(QList<Watched> watched);

    QList<Watched> m_watched;
};

// Whether an alert is about `application` in `environment`: each of the labels `application`
// and `app` it carries equals the application, and each of `environment` and `env` the
// environment; a label it does not carry matches any.
bool alertConcerns(const alerts::Alert& alert, const QString& application,
                   const QString& environment);
// The first alert named in `names` that fires for the pair — active or not yet processed;
// silenced and inhibited ones do not count — as "alert HighErrorRate firing since 12:03:04".
std::optional<QString> firingAlertReason(const QList<alerts::Alert>& alerts,
                                         const QStringList& names, const QString& application,
                                         const QString& environment);

} // namespace launchdeck::deploy

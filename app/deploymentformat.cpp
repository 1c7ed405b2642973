// How the command line prints deployments.
#include "deploymentformat.h"

#include <QJsonArray>

#include <algorithm>

namespace launchdeck::cli {

QString formatDuration(qint64 ms)
{
    if (ms < 60'000)
        return QString::number(static_cast<double>(ms) / 1000.0, 'f', 1) + u's';
    const qint64 seconds = ms / 1000;
    if (seconds < 3600)
        return QStringLiteral("%1m %2s").arg(seconds / 60).arg(seconds % 60, 2, 10, QChar(u'0'));
    return QStringLiteral("%1h %2m").arg(seconds / 3600).arg(seconds / 60 % 60, 2, 10, QChar(u'0'));
}

QString revisionText(const std::optional<Revision>& revision)
{
    return revision ? QStringLiteral("r%1 %2").arg(revision->number).arg(revision->image)
                    : QStringLiteral("(none)");
}

QJsonValue revisionJson(const std::optional<Revision>& revision)
{
    if (!revision)
        return QJsonValue::Null;
    return QJsonObject{{QStringLiteral("revision"), revision->number},
                       {QStringLiteral("image"), revision->image}};
}

QString statusText(const DeploymentRecord& record)
{
    return record.status ? deploymentStatusName(*record.status) : deploymentStageName(record.stage);
}

QJsonObject deploymentJson(const DeploymentRecord& record)
{
    QJsonObject object{
        {QStringLiteral("id"), record.id},
        {QStringLiteral("application"), record.application},
        {QStringLiteral("environment"), record.environment},
        {QStringLiteral("kind"), deploymentKindName(record.kind)},
        {QStringLiteral("from"), revisionJson(record.from)},
        {QStringLiteral("to"), revisionJson(record.to)},
        {QStringLiteral("strategy"), record.strategy},
        {QStringLiteral("reason"), record.reason},
        {QStringLiteral("who"), record.who},
        {QStringLiteral("stage"), deploymentStageName(record.stage)},
        {QStringLiteral("status"), record.status ? QJsonValue(deploymentStatusName(*record.status))
                                                 : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("started_at"), record.startedAt.toString(Qt::ISODateWithMs)},
        {QStringLiteral("finished_at"),
         record.finishedAt.isValid() ? QJsonValue(record.finishedAt.toString(Qt::ISODateWithMs))
                                     : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("duration_ms"), record.durationMs},
        {QStringLiteral("message"), record.message}};
    if (!record.transitions.isEmpty()) {
        QJsonArray transitions;
        for (const StageTransition& t : record.transitions)
            transitions.append(QJsonObject{{QStringLiteral("stage"), deploymentStageName(t.stage)},
                                           {QStringLiteral("at"), t.at.toString(Qt::ISODateWithMs)},
                                           {QStringLiteral("detail"), t.detail}});
        object.insert(QStringLiteral("transitions"), transitions);
    }
    if (!record.validations.isEmpty()) {
        QJsonArray validations;
        for (const ValidationResult& v : record.validations)
            validations.append(
                QJsonObject{{QStringLiteral("severity"), severityName(v.severity)},
                            {QStringLiteral("rule"), v.rule},
                            {QStringLiteral("message"), v.message},
                            {QStringLiteral("at"), v.at.toString(Qt::ISODateWithMs)}});
        object.insert(QStringLiteral("validations"), validations);
    }
    if (!record.tests.isEmpty()) {
        QJsonArray tests;
        for (const TestResult& t : record.tests)
            tests.append(QJsonObject{{QStringLiteral("name"), t.name},
                                     {QStringLiteral("passed"), t.passed},
                                     {QStringLiteral("metrics"), t.metrics},
                                     {QStringLiteral("at"), t.at.toString(Qt::ISODateWithMs)}});
        object.insert(QStringLiteral("tests"), tests);
    }
    return object;
}

QJsonObject metricsJson(const DeploymentMetrics& m)
{
    return {{QStringLiteral("application"), m.application},
            {QStringLiteral("environment"), m.environment},
            {QStringLiteral("total"), m.total},
            {QStringLiteral("succeeded"), m.succeeded},
            {QStringLiteral("success_rate"), m.successRate},
            {QStringLiteral("mean_duration_ms"), m.meanDurationMs},
            {QStringLiteral("p95_duration_ms"), m.p95DurationMs},
            {QStringLiteral("deployments"), m.deployments},
            {QStringLiteral("deployments_per_day"), m.deploymentsPerDay},
            {QStringLiteral("change_failure_rate"), m.changeFailureRate},
            {QStringLiteral("mean_time_to_restore_ms"), m.meanTimeToRestoreMs
                                                            ? QJsonValue(*m.meanTimeToRestoreMs)
                                                            : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("restores"), m.restores}};
}

QString table(const QList<QStringList>& rows)
{
    QList<qsizetype> widths;
    for (const QStringList& row : rows) {
        for (qsizetype i = 0; i < row.size(); ++i) {
            if (widths.size() <= i)
                widths.append(0);
            widths[i] = std::max(widths[i], row[i].size());
        }
    }
    QString text;
    for (const QStringList& row : rows) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i)
            line += i + 1 < row.size() ? row[i].leftJustified(widths[i] + 2) : row[i];
        text += line + u'\n';
    }
    return text;
}

QString percent(double share)
{
    return QString::number(share * 100.0, 'f', 1) + u'%';
}

} // namespace launchdeck::cli

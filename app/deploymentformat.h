// How the command line prints deployments: durations, revisions, records as text rows and as
// JSON, metrics, and plain-text tables.
#pragma once

#include "deploy/deploymentledger.h"
#include "deploy/deploymentrecord.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace launchdeck::cli {

// "4.2s", "3m 07s", "1h 05m".
QString formatDuration(qint64 ms);
// "r3 shop/web:1.4.2", or "(none)".
QString revisionText(const std::optional<Revision>& revision);
QJsonValue revisionJson(const std::optional<Revision>& revision);
// The final status, or the stage while it runs.
QString statusText(const DeploymentRecord& record);
// Every field of the record; transitions, validations and tests when it carries them.
QJsonObject deploymentJson(const DeploymentRecord& record);
QJsonObject metricsJson(const DeploymentMetrics& m);
// Columns padded to their widest cell; the last column is not padded.
QString table(const QList<QStringList>& rows);
// "12.5%".
QString percent(double share);

} // namespace launchdeck::cli

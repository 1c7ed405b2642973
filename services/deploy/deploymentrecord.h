// A deployment or rollback as the ledger keeps it: who, what, from → to, stages, results.
#pragma once

#include "core/diagnostic.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace launchdeck {

enum class DeploymentKind { Deploy, Rollback };

enum class DeploymentStage {
    Initialized,
    Validating,
    Testing,
    Deploying,
    Monitoring,
    Completed,
    Failed,
    RollingBack,
    RolledBack
};

enum class DeploymentStatus { Completed, Failed, RolledBack, Cancelled, Interrupted };

// Names as stored and printed: "deploy", "VALIDATING", "ROLLED_BACK".
QString deploymentKindName(DeploymentKind kind);
std::optional<DeploymentKind> deploymentKindFromName(QStringView name);
QString deploymentStageName(DeploymentStage stage);
std::optional<DeploymentStage> deploymentStageFromName(QStringView name);
QString deploymentStatusName(DeploymentStatus status);
std::optional<DeploymentStatus> deploymentStatusFromName(QStringView name);

struct Revision
{
    int number = 0;
    QString image; // e.g. "shop/web:2.4.1"

    friend bool operator==(const Revision&, const Revision&) = default;
};

struct StageTransition
{
    DeploymentStage stage = DeploymentStage::Initialized;
    QDateTime at;
    QString detail;
};

struct ValidationResult
{
    Severity severity = Severity::Info;
    QString rule;
    QString message;
    QDateTime at;
};

struct TestResult
{
    QString name;
    bool passed = false;
    QJsonObject metrics; // e.g. {"p95_ms": 41, "success_rate": 1.0}
    QDateTime at;
};

// What is known when a deployment starts.
struct DeploymentStart
{
    QString id; // empty: a new uuid
    QString application;
    QString environment;
    DeploymentKind kind = DeploymentKind::Deploy;
    std::optional<Revision> from; // none on the first deployment
    Revision to;
    QString strategy;
    QString reason;
    QString who;         // empty: the OS user
    QDateTime startedAt; // invalid: now
};

struct DeploymentRecord
{
    QString id;
    QString application;
    QString environment;
    DeploymentKind kind = DeploymentKind::Deploy;
    std::optional<Revision> from;
    Revision to;
    QString strategy;
    QString reason;
    QString who;
    DeploymentStage stage = DeploymentStage::Initialized; // the latest one
    std::optional<DeploymentStatus> status;               // none while it runs
    QDateTime startedAt;
    QDateTime finishedAt;
    qint64 durationMs = 0;
    QString message; // why it ended as it did
    // Filled by DeploymentLedger::get(), empty in list().
    QList<StageTransition> transitions;
    QList<ValidationResult> validations;
    QList<TestResult> tests;
};

struct DeploymentFilter
{
    QString application; // empty: all
    QString environment; // empty: all
    QDateTime since;     // invalid: no lower bound
    bool unfinishedOnly = false;
    int limit = 500;
};

// The name of the OS user running this process, the "who" of a deployment.
QString currentOsUser();

} // namespace launchdeck

// The pipeline format as plain values: what pipelines/*.yaml says once parsed and checked.
#pragma once

#include "core/diagnostic.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <chrono>
#include <optional>
#include <utility>

namespace launchdeck {

using EnvList = QList<std::pair<QString, QString>>;

enum class StepKind { Run, HttpCheck, LoadTest, Validate };
enum class WhenCondition { OnSuccess, OnFailure, Always };

QString stepKindName(StepKind kind);
QString whenConditionName(WhenCondition when);

struct HttpCheckStep
{
    QString url;
    int expectStatus = 200;
    std::chrono::milliseconds timeout{10'000};
    int retries = 0;
};

// One k6-style ramp stage: move to `target` users over `duration`.
struct LoadStage
{
    std::chrono::milliseconds duration{0};
    int target = 0;
};

struct LoadTestStep
{
    QString url;
    QString method = QStringLiteral("GET");
    int users = 10;
    std::optional<std::chrono::milliseconds> duration; // either this or stages
    QList<LoadStage> stages;
    std::optional<std::chrono::milliseconds> p95Latency;
    std::optional<double> errorRate; // fraction, 0.01 for 1 %
    std::optional<double> minRps;
};

struct ValidateStep
{
    QString path; // relative to the workspace folder
    ValidationLevel level = ValidationLevel::Standard;
};

struct PipelineStep
{
    QString name;
    int line = 0;
    int column = 0;
    QString stage;
    StepKind kind = StepKind::Run;

    QString run;
    QStringList shell{QStringLiteral("bash"), QStringLiteral("-eo"), QStringLiteral("pipefail")};
    QString workingDirectory; // relative to the workspace folder; empty: the folder itself
    EnvList env;
    std::optional<std::chrono::milliseconds> timeout;
    int retryCount = 0;
    std::chrono::milliseconds retryBackoff{1000}; // doubled after every failed attempt
    bool continueOnError = false;
    QStringList needs;
    bool needsDeclared = false; // `needs` written, even as []: the step waits for these alone
    WhenCondition when = WhenCondition::OnSuccess;
    QStringList artifacts;

    HttpCheckStep httpCheck;
    LoadTestStep loadTest;
    ValidateStep validate;
};

struct Pipeline
{
    QString path;
    QString name;
    EnvList env;
    QStringList secrets; // names only; values are resolved when a run starts
    QStringList stages;
    QList<PipelineStep> steps;

    int stepIndex(QStringView stepName) const;
};

} // namespace launchdeck

// Names of deployment kinds, stages and statuses, and the OS user behind a deployment.
#include "deploy/deploymentrecord.h"

#include <array>
#include <utility>

#include <pwd.h>
#include <unistd.h>

namespace launchdeck {

namespace {

template <typename Enum, std::size_t N>
QString nameOf(const std::array<std::pair<Enum, QLatin1String>, N>& names, Enum value)
{
    for (const auto& [candidate, name] : names) {
        if (candidate == value)
            return QString(name);
    }
    return {};
}

template <typename Enum, std::size_t N>
std::optional<Enum> valueOf(const std::array<std::pair<Enum, QLatin1String>, N>& names,
                            QStringView text)
{
    for (const auto& [value, name] : names) {
        if (text == name)
            return value;
    }
    return std::nullopt;
}

const std::array<std::pair<DeploymentKind, QLatin1String>, 2> kKinds{{
    {DeploymentKind::Deploy, QLatin1String("deploy")},
    {DeploymentKind::Rollback, QLatin1String("rollback")},
}};

const std::array<std::pair<DeploymentStage, QLatin1String>, 9> kStages{{
    {DeploymentStage::Initialized, QLatin1String("INITIALIZED")},
    {DeploymentStage::Validating, QLatin1String("VALIDATING")},
    {DeploymentStage::Testing, QLatin1String("TESTING")},
    {DeploymentStage::Deploying, QLatin1String("DEPLOYING")},
    {DeploymentStage::Monitoring, QLatin1String("MONITORING")},
    {DeploymentStage::Completed, QLatin1String("COMPLETED")},
    {DeploymentStage::Failed, QLatin1String("FAILED")},
    {DeploymentStage::RollingBack, QLatin1String("ROLLING_BACK")},
    {DeploymentStage::RolledBack, QLatin1String("ROLLED_BACK")},
}};

const std::array<std::pair<DeploymentStatus, QLatin1String>, 5> kStatuses{{
    {DeploymentStatus::Completed, QLatin1String("COMPLETED")},
    {DeploymentStatus::Failed, QLatin1String("FAILED")},
    {DeploymentStatus::RolledBack, QLatin1String("ROLLED_BACK")},
    {DeploymentStatus::Cancelled, QLatin1String("CANCELLED")},
    {DeploymentStatus::Interrupted, QLatin1String("INTERRUPTED")},
}};

} // namespace

QString deploymentKindName(DeploymentKind kind)
{
    return nameOf(kKinds, kind);
}

std::optional<DeploymentKind> deploymentKindFromName(QStringView name)
{
    return valueOf(kKinds, name);
}

QString deploymentStageName(DeploymentStage stage)
{
    return nameOf(kStages, stage);
}

std::optional<DeploymentStage> deploymentStageFromName(QStringView name)
{
    return valueOf(kStages, name);
}

QString deploymentStatusName(DeploymentStatus status)
{
    return nameOf(kStatuses, status);
}

std::optional<DeploymentStatus> deploymentStatusFromName(QStringView name)
{
    return valueOf(kStatuses, name);
}

QString currentOsUser()
{
    // The password database first: $USER is whatever the caller's shell exported.
    std::array<char, 4096> buffer{};
    passwd entry{};
    passwd* found = nullptr;
    if (::getpwuid_r(::geteuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found &&
        found->pw_name)
        return QString::fromLocal8Bit(found->pw_name);
    const QString user = qEnvironmentVariable("USER");
    return user.isEmpty() ? QStringLiteral("uid %1").arg(::geteuid()) : user;
}

} // namespace launchdeck

// Names of a pair's health.
#include "deploy/pairstatus.h"

namespace launchdeck::deploy {

QString pairHealthName(PairStatus::Health health)
{
    switch (health) {
    case PairStatus::Health::NotDeployed:
        return QStringLiteral("not deployed");
    case PairStatus::Health::Starting:
        return QStringLiteral("starting");
    case PairStatus::Health::Healthy:
        return QStringLiteral("healthy");
    case PairStatus::Health::Unhealthy:
        return QStringLiteral("unhealthy");
    case PairStatus::Health::Stopped:
        return QStringLiteral("stopped");
    case PairStatus::Health::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

} // namespace launchdeck::deploy

// The live state of one application in one environment, as deploymentStatus() answers it: a
// plain value that views and the command line show, apart from the engine that computes it.
#pragma once

#include "deploy/deploymentrecord.h"

#include <QMetaType>
#include <QString>

#include <optional>

namespace launchdeck::deploy {

struct PairStatus
{
    // Of the containers of `servingRevision`, from their Docker health checks.
    enum class Health {
        Unknown,     // the host could not be asked
        NotDeployed, // no container of the pair runs a revision yet
        Starting,
        Healthy,
        Unhealthy,
        Stopped,
    };

    QString application;
    QString environment;
    std::optional<Revision> live; // the revision taking traffic (or running, without traffic)
    // The revision whose containers `health` and `runningReplicas` count: the live one, or the
    // one the running deployment rolls out once it serves (MONITORING) or when nothing was live
    // before it; 0 when neither.
    int servingRevision = 0;
    Health health = Health::Unknown;
    int runningReplicas = 0;
    int desiredReplicas = 0;
    QString activeGroup;                     // blue or green, when behind the entry point
    std::optional<DeploymentRecord> last;    // the newest deployment of the pair
    std::optional<DeploymentRecord> running; // unfinished in the ledger
    QString hostError;                       // the Docker host could not be asked: what and where
};

// As the command line prints and JSON carries it: "healthy", "unhealthy", "starting",
// "stopped", "unknown", "not deployed".
QString pairHealthName(PairStatus::Health health);

} // namespace launchdeck::deploy

Q_DECLARE_METATYPE(launchdeck::deploy::PairStatus::Health)

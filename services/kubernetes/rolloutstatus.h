// Whether a workload's rollout has finished, judged exactly as `kubectl rollout status` judges
// it (kubectl's status viewers for Deployments, StatefulSets and DaemonSets), with kubectl's
// words, so that a deploy that follows a rollout in Launchdeck ends when kubectl's would.
#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace launchdeck::kube {

struct RolloutVerdict
{
    enum class State { InProgress, Done, Failed };
    State state = State::InProgress;
    // kubectl's line without its newline; for Failed the error kubectl prints after "error: ".
    QString message;
};

// The verdict on one Deployment, StatefulSet or DaemonSet object as the API server serves it
// (its "kind" set). `revision` (kubectl's --revision, only for Deployments and only when > 0)
// is the deployment.kubernetes.io/revision the rollout must be at. Any other kind, or a field
// of the wrong type, gives Failed with a message naming the object and the field.
RolloutVerdict rolloutStatus(const QJsonObject& object, std::optional<qint64> revision = {});

} // namespace launchdeck::kube

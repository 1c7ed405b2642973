// Internal to the Kubernetes checks: a read-only view of the pods that workloads create (pod
// spec, labels, selector, replicas, containers) and an index from labels to workloads, so a
// selector is matched against a few candidates instead of every object in the set.
#pragma once

#include "core/kubeobject.h"

#include <QHash>
#include <QList>
#include <QString>

#include <optional>
#include <utility>

namespace launchdeck::kubecheck {

// yaml-cpp throws when a scalar or an invalid node is subscripted and inserts keys when a
// non-const node is: every walk of user input goes through these instead.
YAML::Node child(const YAML::Node& node, const char* key);
QString text(const YAML::Node& node); // scalar text, or empty
bool isTrue(const YAML::Node& node);
bool isFalse(const YAML::Node& node);
// An unquoted integer scalar ("8080" in quotes is a string to Kubernetes, a port name).
std::optional<qint64> integerOf(const YAML::Node& node);
bool isQuoted(const YAML::Node& node);
// The node to point at for something missing inside `preferred`: itself if present, else
// `fallback`.
YAML::Node either(const YAML::Node& preferred, const YAML::Node& fallback);

using Labels = QHash<QString, QString>;
Labels labelsOf(const YAML::Node& map);
QString formatLabels(const QList<std::pair<QString, QString>>& labels);

class LabelSelector final
{
public:
    // spec.selector of apps/v1 workloads, PDBs and affinity terms: matchLabels and
    // matchExpressions (In, NotIn, Exists, DoesNotExist).
    static LabelSelector fromLabelSelector(const YAML::Node& node);
    // A Service's or ReplicationController's selector: a plain map of labels.
    static LabelSelector fromMap(const YAML::Node& node);

    bool isEmpty() const { return m_labels.isEmpty() && m_expressions.isEmpty(); }
    bool matches(const Labels& labels) const;
    const QList<std::pair<QString, QString>>& matchLabels() const { return m_labels; }
    QString toString() const;

private:
    struct Expression
    {
        QString key;
        QString op;
        QStringList values;
    };
    QList<std::pair<QString, QString>> m_labels;
    QList<Expression> m_expressions;
};

struct Container
{
    YAML::Node node;
    YAML::Node nameNode; // where findings about the container as a whole point
    QString name;
    bool init = false;

    QString describe() const; // "container 'app'" or "init container 'migrate'"
};

struct Workload
{
    int object = -1; // index into the checked objects
    YAML::Node podSpec;
    YAML::Node podTemplate; // the template mapping (the object itself for a Pod)
    Labels labels;          // of the pods it creates
    YAML::Node selectorNode;
    LabelSelector selector;
    YAML::Node replicasNode;
    std::optional<qint64> replicas; // only for kinds that have replicas; absent means 1
    QList<Container> containers;    // init containers first, as the pod runs them
};

// Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Pod.
bool isWorkloadKind(QStringView kind);
std::optional<Workload> workloadOf(const KubeObject& object, int index);

// The workloads among a set of objects, in the order they were written.
class WorkloadIndex final
{
public:
    explicit WorkloadIndex(const QList<KubeObject>& objects);

    const QList<Workload>& workloads() const { return m_workloads; }

private:
    QList<Workload> m_workloads;
};

bool namespacesMeet(const QString& a, const QString& b);

} // namespace launchdeck::kubecheck

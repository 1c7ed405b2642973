// Internal to the Kubernetes checks: what the cross-object checks need to know of each object
// (a Service's selector and target ports, a workload's pod labels and ports, a budget's
// bounds, who defines which ServiceAccount), kept as small values instead of node trees, so a
// manifest file is checked one document at a time and each document's tree is let go.
#pragma once

#include "core/diagnostic.h"
#include "core/kubeobject.h"
#include "policy/kubereporter.h"
#include "policy/kubeworkload.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include <optional>

namespace launchdeck::kubecheck {

// The checks of each object on its own, which kubesemantics.cpp and kubepolicies.cpp hold.
void checkObjectSemantics(const QList<KubeObject>& objects, Diagnostics& out);
void checkObjectPolicies(const QList<KubeObject>& objects, ValidationLevel level, Diagnostics& out);

// A scalar of the manifest and where it stands.
struct PlacedValue
{
    bool defined = false;
    QString text;
    std::optional<qint64> integer;
    int line = 0;
    int column = 0;
};

// Who a finding is about: the part of Reporter::report() that needs the object.
struct Subject
{
    QString path;
    QString display; // "Kind/name"
    QString nameSpace;
    int line = 0; // the object itself, where a finding without a place of its own points
    int column = 0;
    quint64 ignored = 0; // bit per Rule the object opts out of by annotation
};

struct WorkloadFacts
{
    Subject subject;
    Labels labels; // of its pods
    std::optional<qint64> replicas;
    QSet<qint64> portNumbers; // declared by containers that serve traffic (not init ones)
    QSet<QString> portNames;
    bool anyPort = false;
    PlacedValue serviceAccount;
};

struct ServiceFacts
{
    Subject subject;
    LabelSelector selector;
    PlacedValue selectorAt;
    QList<PlacedValue> targets; // effective targetPorts that are numbers or valid names
};

struct BudgetFacts
{
    Subject subject;
    LabelSelector selector;
    PlacedValue maxUnavailable;
    PlacedValue minAvailable;
};

class KubeFacts final
{
public:
    // Takes what the cross-object checks need from `objects`, which may be one document's or a
    // whole set's; objects are added in file order.
    void add(const QList<KubeObject>& objects);

    // Duplicates, dangling Services, Service target ports: the semantic ones.
    void checkSemantics(Diagnostics& out) const;
    // ServiceAccounts that the set does not define, disruption budgets that block drains.
    void checkPolicies(ValidationLevel level, Diagnostics& out) const;

private:
    QList<const WorkloadFacts*> selectedBy(const LabelSelector& selector,
                                           const QString& nameSpace) const;

    QHash<QString, std::pair<QString, int>> m_firstDefinition; // kind, namespace, name -> where
    QList<std::pair<Subject, PlacedValue>> m_duplicates;       // the later definition's name
    QList<QString> m_duplicateFirsts;                          // "line 3" or "path:3"
    QList<WorkloadFacts> m_workloads;
    QHash<QString, QList<int>> m_workloadsByLabel; // "key=value" -> positions in m_workloads
    QList<ServiceFacts> m_services;
    QList<BudgetFacts> m_budgets;
    QHash<QString, QStringList> m_serviceAccounts; // name -> namespaces defining it
};

} // namespace launchdeck::kubecheck

// What an API server serves, from /version, /api and /apis (the aggregated discovery of each
// group version): kinds with their plural, group, version, scope and verbs. Cached per cluster
// by its owner and refreshed when a known kind answers 404.
#pragma once

#include "core/result.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <atomic>

namespace launchdeck::kube {

class KubeClient;

struct ResourceInfo
{
    QString group;   // "" for the core group
    QString version; // "v1"
    QString kind;    // "Deployment"
    QString plural;  // "deployments"
    bool namespaced = true;
    QStringList verbs;
    QStringList shortNames;

    QString apiVersion() const { return group.isEmpty() ? version : group + u'/' + version; }
    // "/api/v1/namespaces/NS/pods", "/apis/apps/v1/deployments" (empty nameSpace: all).
    QString collectionPath(const QString& nameSpace = {}) const;
    QString objectPath(const QString& nameSpace, const QString& name) const;
    bool supports(const QString& verb) const { return verbs.contains(verb); }
};

struct ServerVersion
{
    QString gitVersion; // "v1.31.0"
    int major = 0;
    int minor = 0;
};

class Discovery final
{
public:
    // Reads /version, /api/v1 and every group's preferred version under /apis. Blocking.
    static Result<Discovery> load(KubeClient& client, const std::atomic_bool* cancel = nullptr);

    const ServerVersion& version() const { return m_version; }
    const QList<ResourceInfo>& resources() const { return m_resources; }
    // By kind ("Deployment"), plural ("deployments"), short name ("deploy") or
    // "plural.group"; the preferred version when several serve it. Null when not served.
    const ResourceInfo* find(const QString& name) const;
    bool hasGroup(const QString& group) const; // e.g. "metrics.k8s.io"

private:
    ServerVersion m_version;
    QList<ResourceInfo> m_resources;
    QHash<QString, int> m_index;
    QStringList m_groups;
};

} // namespace launchdeck::kube

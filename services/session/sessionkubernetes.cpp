// The session's Kubernetes clusters: one per distinct kubeconfig context of the Kubernetes
// targets, the kubeconfig read and the context resolved off the session's thread (files, the
// environment, exec plugins' paths), made again on reload only when what reaches it changed.
#include "workspacesession.h"

#include "kubernetes/clusterconnection.h"
#include "kubernetes/kubeconfig.h"

#include <QDir>
#include <QLoggingCategory>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include <utility>

namespace launchdeck {

Q_LOGGING_CATEGORY(lcSessionClusters, "launchdeck.session.clusters", QtInfoMsg)

// One target's cluster as read off the session's thread, or why there is none.
struct ResolvedCluster
{
    QString target;   // empty for a context of addKubeconfigContexts()
    QString contexts; // files|context: targets with the same one share a cluster
    QString identity; // all that makes the cluster: a change makes it again
    ClusterConnection connection;
    QString nameSpace;
    QString problem; // set when no cluster could be made
};

struct WorkspaceSession::ResolvedClusters
{
    std::vector<ResolvedCluster> clusters;
};

namespace {

// "~/x" as a shell reads it: the README documents `kubeconfig: ~/.kube/config`.
Target expandHome(Target target, const QString& home)
{
    if (target.kubeconfig == u"~" || target.kubeconfig.startsWith(u"~/"))
        target.kubeconfig = home + target.kubeconfig.mid(1);
    return target;
}

QString noKubeconfig(const KubeconfigLookup& lookup)
{
    if (lookup.kubeconfigVariable.isEmpty())
        return QStringLiteral("no kubeconfig — KUBECONFIG is not set and ~/.kube/config does not "
                              "exist; set kubeconfig: in launchdeck.yaml or KUBECONFIG");
    return QStringLiteral("no kubeconfig — none of the files KUBECONFIG names exists (%1); set "
                          "kubeconfig: in launchdeck.yaml or KUBECONFIG")
        .arg(lookup.kubeconfigVariable);
}

// The identity holds no secret: it names files, the context, the server and the user's entry.
QString identityOf(const QString& contexts, const ClusterConnection& connection,
                   const QString& nameSpace)
{
    return QStringList{contexts, nameSpace, connection.server, connection.userName}.join(u'|');
}

ResolvedCluster resolveOne(const Kubeconfig& config, const QString& context,
                           const QString& nameSpace)
{
    ResolvedCluster one;
    const Result<ClusterConnection> connection = resolveContext(config, context);
    if (!connection) {
        one.problem = connection.error().toString();
        return one;
    }
    one.connection = *connection;
    one.contexts = config.files.join(u':') + u'|' + connection->contextName;
    one.nameSpace = !nameSpace.isEmpty()               ? nameSpace
                    : !connection->nameSpace.isEmpty() ? connection->nameSpace
                                                       : QStringLiteral("default");
    one.identity = identityOf(one.contexts, one.connection, one.nameSpace);
    return one;
}

} // namespace

kube::KubeCluster* WorkspaceSession::kubeCluster(const QString& targetName) const
{
    return m_clusterOf.value(targetName);
}

QList<kube::KubeCluster*> WorkspaceSession::kubeClusters() const
{
    QList<kube::KubeCluster*> clusters;
    for (const auto& [key, cluster] : m_clusters)
        clusters.append(cluster.get());
    for (const auto& [contexts, cluster] : m_otherClusters)
        if (!m_clusterContexts.contains(contexts))
            clusters.append(cluster.get());
    return clusters;
}

QString WorkspaceSession::clusterProblem(const QString& targetName) const
{
    return m_clusterProblems.value(targetName);
}

void WorkspaceSession::applyClusters()
{
    if (!m_options.connectHosts)
        return;
    QList<Target> targets;
    if (m_workspace)
        for (const Target& target : m_workspace->targets)
            if (target.type == Target::Type::Kubernetes)
                targets.append(target);
    if (targets.isEmpty() && m_clusterKeys.isEmpty() && m_clusterProblems.isEmpty())
        return;
    const quint64 generation = ++m_clusterGeneration;
    QPointer<WorkspaceSession> guard(this);
    // Reading the files (and KUBECONFIG's list, and the CA and key files the contexts name)
    // blocks: off this thread, like the workspace's own parse.
    QtConcurrent::run([targets, root = m_options.root] {
        const KubeconfigLookup lookup = KubeconfigLookup::fromEnvironment();
        ResolvedClusters resolved;
        for (const Target& target : targets) {
            ResolvedCluster one;
            const Result<Kubeconfig> config =
                loadKubeconfigForTarget(expandHome(target, lookup.home), root, lookup);
            if (!config)
                one.problem = config.error().toString();
            else if (config->files.isEmpty())
                one.problem = noKubeconfig(lookup);
            else
                one = resolveOne(*config, target.context, target.nameSpace);
            one.target = target.name;
            if (!one.problem.isEmpty())
                one.problem = QStringLiteral("target %1: %2").arg(target.name, one.problem);
            resolved.clusters.push_back(std::move(one));
        }
        return resolved;
    }).then(this, [this, guard, generation](const ResolvedClusters& resolved) {
        if (guard && generation == m_clusterGeneration)
            buildClusters(resolved);
    });
}

void WorkspaceSession::buildClusters(const ResolvedClusters& resolved)
{
    const QHash<QString, QString> previousProblems = std::exchange(m_clusterProblems, {});
    QStringList keys;
    QMap<QString, QStringList> targetsOf; // by files|context, for the cluster's name
    for (const ResolvedCluster& one : resolved.clusters) {
        if (!one.problem.isEmpty()) {
            m_clusterProblems.insert(one.target, one.problem);
            qCInfo(lcSessionClusters).noquote() << one.problem;
            continue;
        }
        keys.append(one.target + u'=' + one.identity);
        targetsOf[one.contexts].append(one.target);
    }
    // A reload that leaves every target's cluster as it was keeps them, watches and all; the
    // views hear of it only when what is missing for a target changed.
    if (keys == m_clusterKeys) {
        if (m_clusterProblems != previousProblems)
            Q_EMIT clustersChanged(kubeClusters());
        return;
    }
    m_clusterKeys = keys;

    auto previous = std::move(m_clusters);
    m_clusters.clear();
    m_clusterOf.clear();
    m_clusterContexts.clear();
    QHash<QString, kube::KubeCluster*> byContexts;
    std::vector<kube::KubeCluster*> started;
    for (const ResolvedCluster& one : resolved.clusters) {
        if (!one.problem.isEmpty())
            continue;
        // Targets naming the same file and context share one cluster: one set of watches.
        kube::KubeCluster*& cluster = byContexts[one.contexts];
        if (!cluster) {
            const QString name = targetsOf.value(one.contexts).join(QStringLiteral(", "));
            const QString key = one.identity + u'|' + name;
            if (auto old = previous.find(key); old != previous.end()) {
                cluster = old->second.get();
                m_clusters.emplace(key, std::move(old->second));
                previous.erase(old);
            } else {
                auto made =
                    std::make_unique<kube::KubeCluster>(name, one.connection, one.nameSpace);
                cluster = made.get();
                started.push_back(cluster);
                m_clusters.emplace(key, std::move(made));
            }
            m_clusterContexts.insert(one.contexts);
        }
        m_clusterOf.insert(one.target, cluster);
    }
    for (kube::KubeCluster* cluster : started)
        cluster->start();
    Q_EMIT clustersChanged(kubeClusters());
    // Receivers have let go; clusters no target names any more end their threads here.
    previous.clear();
}

void WorkspaceSession::addKubeconfigContexts()
{
    if (!m_options.connectHosts)
        return;
    QPointer<WorkspaceSession> guard(this);
    QtConcurrent::run([] {
        ResolvedClusters resolved;
        const Result<Kubeconfig> config = loadKubeconfig(KubeconfigLookup::fromEnvironment());
        if (!config) {
            ResolvedCluster one;
            one.problem = config.error().toString();
            resolved.clusters.push_back(std::move(one));
            return resolved;
        }
        for (auto it = config->contexts.cbegin(); it != config->contexts.cend(); ++it)
            resolved.clusters.push_back(resolveOne(*config, it.key(), {}));
        return resolved;
    }).then(this, [this, guard](const ResolvedClusters& resolved) {
        if (guard)
            addClusters(resolved);
    });
}

void WorkspaceSession::addClusters(const ResolvedClusters& resolved)
{
    bool added = false;
    for (const ResolvedCluster& one : resolved.clusters) {
        if (!one.problem.isEmpty()) {
            qCInfo(lcSessionClusters).noquote() << one.problem;
            continue;
        }
        if (m_clusterContexts.contains(one.contexts) || m_otherClusters.count(one.contexts))
            continue;
        auto cluster = std::make_unique<kube::KubeCluster>(one.connection.contextName,
                                                           one.connection, one.nameSpace);
        cluster->start();
        m_otherClusters.emplace(one.contexts, std::move(cluster));
        added = true;
    }
    if (added)
        Q_EMIT clustersChanged(kubeClusters());
}

} // namespace launchdeck

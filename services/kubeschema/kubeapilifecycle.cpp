// The API lifecycle table and the removed-api / api-not-yet-served findings. Looked up once per
// object by apiVersion and kind, so the table is searched as the std::string yaml-cpp holds.
#include "kubeschema/kubeapilifecycle.h"

#include "core/yamlsource.h"
#include "kubeschema/kubeschemadata.h"

#include <algorithm>
#include <string_view>
#include <tuple>

namespace launchdeck {

namespace {

using kubeschema::data::kLifecycles;
using kubeschema::data::Lifecycle;

QString fromView(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

const Lifecycle* findExact(std::string_view apiVersion, std::string_view kind)
{
    const auto found = std::lower_bound(
        kLifecycles.begin(), kLifecycles.end(), std::pair{apiVersion, kind},
        [](const Lifecycle& row, const std::pair<std::string_view, std::string_view>& key) {
            return std::pair{row.apiVersion, row.kind} < key;
        });
    if (found == kLifecycles.end() || found->apiVersion != apiVersion || found->kind != kind)
        return nullptr;
    return &*found;
}

const Lifecycle* findLifecycle(std::string_view apiVersion, std::string_view kind)
{
    if (const Lifecycle* row = findExact(apiVersion, kind))
        return row;
    constexpr std::string_view listSuffix = "List";
    if (kind.size() > listSuffix.size() && kind.ends_with(listSuffix))
        return findExact(apiVersion, kind.substr(0, kind.size() - listSuffix.size()));
    return nullptr;
}

bool servedAt(const Lifecycle& row, int minor)
{
    return row.since <= minor && (row.removed == 0 || minor < row.removed);
}

std::string_view groupOf(std::string_view apiVersion)
{
    const size_t slash = apiVersion.find('/');
    return slash == std::string_view::npos ? std::string_view() : apiVersion.substr(0, slash);
}

// How close a version is to the newest, for choosing what to suggest: v2beta2 over v1 (it has
// v2's fields), then GA over beta over alpha.
std::tuple<int, int, int> versionRank(std::string_view apiVersion)
{
    std::string_view version = apiVersion.substr(apiVersion.find('/') + 1);
    if (version.starts_with('v'))
        version.remove_prefix(1);
    int major = 0;
    while (!version.empty() && version.front() >= '0' && version.front() <= '9') {
        major = major * 10 + (version.front() - '0');
        version.remove_prefix(1);
    }
    int level = 2;
    if (version.starts_with("beta")) {
        level = 1;
        version.remove_prefix(4);
    } else if (version.starts_with("alpha")) {
        level = 0;
        version.remove_prefix(5);
    }
    int pre = 0;
    for (const char c : version)
        pre = c >= '0' && c <= '9' ? pre * 10 + (c - '0') : pre;
    return {major, level, pre};
}

// The apiVersion a cluster of `minor` serves the kind of `row` by, preferring its own group.
QString servedAlternative(const Lifecycle& row, int minor)
{
    const Lifecycle* best = nullptr;
    const auto rank = [&row](const Lifecycle& candidate) {
        return std::tuple{groupOf(candidate.apiVersion) == groupOf(row.apiVersion),
                          versionRank(candidate.apiVersion)};
    };
    for (const Lifecycle& candidate : kLifecycles) {
        if (candidate.kind != row.kind || &candidate == &row || !servedAt(candidate, minor))
            continue;
        if (!best || rank(*best) < rank(candidate))
            best = &candidate;
    }
    return best ? fromView(best->apiVersion) : QString();
}

QString whoRuns(const KubeCluster& cluster)
{
    const QString version = cluster.version.toString();
    if (cluster.assumed && cluster.environments.isEmpty())
        return QStringLiteral("Kubernetes %1 assumed: no environment names its version")
            .arg(version);
    if (cluster.assumed)
        return QStringLiteral("Kubernetes %1 assumed for %2, which names no kubernetes_version")
            .arg(version, cluster.environments.join(QStringLiteral(", ")));
    if (cluster.environments.isEmpty())
        return QStringLiteral("this cluster runs %1").arg(version);
    if (cluster.environments.size() == 1)
        return QStringLiteral("environment %1 runs %2").arg(cluster.environments.first(), version);
    return QStringLiteral("environments %1 run %2")
        .arg(cluster.environments.join(QStringLiteral(", ")), version);
}

QString releaseName(int minor)
{
    return QStringLiteral("1.%1").arg(minor);
}

} // namespace

KubeVersion newestKubeVersion()
{
    return {1, kubeschema::data::kSchemaMinor};
}

KubeCluster assumedKubeCluster()
{
    return {newestKubeVersion(), {}, true};
}

std::optional<KubeApiLifecycle> kubeApiLifecycle(QStringView apiVersion, QStringView kind)
{
    const QByteArray apiVersionUtf8 = apiVersion.toUtf8();
    const QByteArray kindUtf8 = kind.toUtf8();
    const Lifecycle* row =
        findLifecycle(std::string_view(apiVersionUtf8.constData(), apiVersionUtf8.size()),
                      std::string_view(kindUtf8.constData(), kindUtf8.size()));
    if (!row)
        return std::nullopt;
    KubeApiLifecycle lifecycle;
    if (row->since != 0)
        lifecycle.since = KubeVersion{1, row->since};
    if (row->removed != 0)
        lifecycle.removedIn = KubeVersion{1, row->removed};
    lifecycle.useInstead = fromView(row->useInstead);
    return lifecycle;
}

bool isLifecycleApiGroup(QStringView apiVersion)
{
    const QByteArray utf8 = apiVersion.toUtf8();
    return kubeschema::isLifecycleGroup(groupOf(std::string_view(utf8.constData(), utf8.size())));
}

namespace kubeschema {

bool isLifecycleGroup(std::string_view group)
{
    return std::any_of(kLifecycles.begin(), kLifecycles.end(),
                       [group](const Lifecycle& row) { return groupOf(row.apiVersion) == group; });
}

bool checkApiLifecycle(const KubeObject& object, const YAML::Node& apiVersionNode,
                       const YAML::Node& kindNode, int rowIndex, const QList<KubeCluster>& clusters,
                       Diagnostics& out, bool& removed)
{
    removed = false;
    const Lifecycle* row = rowIndex >= 0 ? &kLifecycles[static_cast<size_t>(rowIndex)]
                           : rowIndex == -1
                               ? nullptr
                               : findLifecycle(apiVersionNode.Scalar(), kindNode.Scalar());
    if (!row)
        return false;
    if (row->since == 0 && row->removed == 0)
        return true; // served by every release Launchdeck checks for
    QStringList removedFor;
    QStringList notYetFor;
    int oldest = 0;
    for (const KubeCluster& cluster : clusters) {
        // Releases before 1.16 are refused where they are named; a 2.x would be newer still.
        const int minor = cluster.version.major > 1 ? 999 : cluster.version.minor;
        if (row->removed != 0 && minor >= row->removed) {
            removedFor.append(whoRuns(cluster));
        } else if (minor < row->since) {
            oldest = notYetFor.isEmpty() ? minor : std::min(oldest, minor);
            notYetFor.append(whoRuns(cluster));
        }
    }
    const QString api = yamlText(apiVersionNode) + u' ' + yamlText(kindNode);
    if (!removedFor.isEmpty()) {
        removed = true;
        out.append(diagnosticAt(
            object.path, apiVersionNode, Severity::High, QStringLiteral("removed-api"),
            QStringLiteral("%1 was removed in Kubernetes %2 (%3); %4")
                .arg(api, releaseName(row->removed), removedFor.join(QStringLiteral("; ")),
                     fromView(row->useInstead))));
    }
    if (!notYetFor.isEmpty()) {
        QString message =
            QStringLiteral("%1 is served from Kubernetes %2 on; %3")
                .arg(api, releaseName(row->since), notYetFor.join(QStringLiteral("; ")));
        if (const QString alternative = servedAlternative(*row, oldest); !alternative.isEmpty())
            message += QStringLiteral("; use %1 there").arg(alternative);
        out.append(diagnosticAt(object.path, apiVersionNode, Severity::High,
                                QStringLiteral("api-not-yet-served"), message));
    }
    return true;
}

} // namespace kubeschema

} // namespace launchdeck

// What the cluster deployment tests share: the fake API server with a ledger beside it,
// workspaces whose staging environment is on a Kubernetes target reaching the fake through its
// kubeconfig (one namespace per application), a job run to its end, and readings of what the
// cluster and kubectl say afterwards.
#pragma once

#include "deploy/deploymentengine.h"
#include "fakes/deploytestbed.h"
#include "fakes/kubeapiserver.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace launchdeck {
class HistoryStore;
}

namespace launchdeck::test {

// The repository every test application runs; the fake pulls nothing, so any tag "exists".
// Tags ending in -never-ready, -crash-loop, -image-pull fail as the fake's kubelet makes them,
// -flaky-probe pods stay Ready while their readiness probe fails now and then (Unhealthy
// Events), and -http500 answers 500 through the service proxy.
inline constexpr char16_t kClusterImage[] = u"registry.test/app";

// One application of a cluster test workspace, deployed to "staging" in the namespace named
// after the application (so that cases share neither objects nor ledger history).
struct ClusterAppOptions
{
    QString application = QStringLiteral("app");
    QString strategy = QStringLiteral("rolling");
    int replicas = 2;
    QString monitor = QStringLiteral("1s");
    QString scaleDownDelay = QStringLiteral("1s");
    QStringList canarySteps;      // YAML flow items, e.g. "{set_weight: 50}"
    QString prePromotionAnalysis; // blue-green
    // YAML flow items under `tests:`, e.g. "{http_check: {path: /healthz}}".
    QStringList tests;
    QString validation = QStringLiteral("basic");
    QString context = QStringLiteral("cert"); // the kubeconfig context of the target
    QString ingress;                          // environment.ingress
    QString resources;                        // flow mapping, e.g. "{cpu: 500m, memory: 64Mi}"
    QStringList secrets;                      // names under the application's `secrets:`
    // Files written beside launchdeck.yaml (path relative to it -> text), and top-level keys
    // added to launchdeck.yaml, e.g. "manifests: [manifests/*.yaml]".
    QList<std::pair<QString, QString>> files;
    QString topLevel;
};

struct ClusterWorkspace
{
    deploy::DeploymentContext context;
    QString application;
    QString nameSpace;
    QString root; // the folder of launchdeck.yaml
};

// Called on the test's thread for each event as it arrives; the job is there to promote or
// cancel it.
using ClusterEventHandler =
    std::function<void(const deploy::DeploymentEvent&, deploy::DeploymentJob&)>;

// A deployment of `version` of `application` to staging by "tester".
deploy::DeploymentRequest clusterDeploy(const QString& application, const QString& version);
// A rollback of `application` in staging, to `toRevision` or the revision before the live one.
deploy::DeploymentRequest clusterRollback(const QString& application, const QString& reason,
                                          std::optional<int> toRevision = std::nullopt);
// "registry.test/app:<tag>".
QString clusterImage(const QString& tag);

// The stages a deployment went through, by name, space-separated.
QString stageNames(const DeploymentRecord& record);
// Whether the record passed through `stage`.
bool passedThrough(const DeploymentRecord& record, DeploymentStage stage);
// Every validation finding and test result of the record, one a line, for failure messages
// and for looking for words in them.
QString findingsText(const DeploymentRecord& record);

// Fields of objects as the server serves them.
QString containerImage(const QJsonObject& workload); // the first container's image
int specReplicas(const QJsonObject& workload);
QJsonObject serviceSelector(const QJsonObject& service);
QString annotation(const QJsonObject& object, const QString& key);

// The line of `kubectl rollout history` for its newest revision: the revision and the
// change cause, e.g. {4, "launchdeck revision 2 (registry.test/app:v2)"}; none when the output
// lists no revision.
struct HistoryLine
{
    int revision = 0;
    QString changeCause;
};
std::optional<HistoryLine> newestHistoryLine(const QString& kubectlOutput);

// Splits what `kubectl get -w -o json` printed (one pretty-printed document after another)
// into its objects; a document still being written at the end is left out.
QList<QJsonObject> splitJsonStream(const QByteArray& text);

class ClusterDeployBed final
{
public:
    ClusterDeployBed();
    ~ClusterDeployBed();
    ClusterDeployBed(const ClusterDeployBed&) = delete;
    ClusterDeployBed& operator=(const ClusterDeployBed&) = delete;

    // The server with `options` (kubectl must be on PATH), the history database and the ledger.
    bool start(const KubeApiServerOptions& options, QString* error = nullptr);
    // The same with what deployment tests want: pods Ready 0.2 s after they start, a log line a
    // second.
    bool start(QString* error = nullptr);

    KubeApiServer& server() { return m_server; }
    const std::shared_ptr<DeploymentLedger>& ledger() const { return m_ledger; }
    QString dataDir() const { return m_data.path(); }

    // Creates the application's namespace unless it exists, writes launchdeck.yaml for
    // `options` into a folder of its own and loads it; on failure says why (in `error`, or as a
    // warning without it).
    std::optional<ClusterWorkspace> workspace(const ClusterAppOptions& options,
                                              QString* error = nullptr);

    // Runs a job to its end, waiting up to `timeout` while the event loop turns.
    static DeployOutcome run(const deploy::DeploymentContext& context,
                             const deploy::DeploymentRequest& request,
                             std::chrono::milliseconds timeout = std::chrono::seconds(120),
                             const ClusterEventHandler& onEvent = {});

    // GET with the full-access token; none for a 404 (or any failure, with a warning).
    std::optional<QJsonObject> get(const QString& path) const;
    std::optional<QJsonObject> deployment(const QString& nameSpace, const QString& name) const;
    std::optional<QJsonObject> service(const QString& nameSpace, const QString& name) const;
    // The pods matching a label selector ("a=b,c=d"), as the server has them.
    QList<QJsonObject> pods(const QString& nameSpace, const QString& selector) const;
    // The images of the pair's pods that are not being deleted, sorted, each once.
    QStringList podImages(const QString& nameSpace, const QString& application) const;
    // Waits until every pod of the pair runs `image` and `count` of them are Ready.
    bool waitForPairPods(const QString& nameSpace, const QString& application, const QString& image,
                         int count,
                         std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;
    // kubectl against the server in `nameSpace`; a non-zero exit is a warning with its words.
    KubectlResult kubectl(const QString& nameSpace, const QStringList& arguments,
                          const QByteArray& input = {}) const;

private:
    KubeApiServer m_server;
    QTemporaryDir m_data;
    QTemporaryDir m_folders;
    int m_folderCount = 0;
    std::unique_ptr<HistoryStore> m_store;
    std::shared_ptr<DeploymentLedger> m_ledger;
};

} // namespace launchdeck::test

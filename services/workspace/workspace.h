// The workspace: launchdeck.yaml at the root of a folder, naming where things run (targets),
// the environments, the applications and where pipelines, templates and manifests live.
#pragma once

#include "core/diagnostic.h"
#include "core/kubeversion.h"
#include "core/result.h"
#include "core/units.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <chrono>
#include <optional>

namespace launchdeck {

struct TlsFiles
{
    QString caFile;
    QString certFile;
    QString keyFile;
    bool verify = true;
};

// How Launchdeck signs in to a monitoring server (Prometheus, Alertmanager) or a webhook. The
// token or password is never in the workspace: `secret` names the variable that holds it, read
// from the process environment first, then from the OS keyring, as applications' secrets are.
struct ServerAuth
{
    enum class Kind { None, Bearer, Basic };
    Kind kind = Kind::None;
    QString username; // basic
    QString secret;   // bearer: the token; basic: the password
};

// A monitoring server of an environment: `prometheus: URL` or `prometheus: {url, auth, tls}`.
struct MonitoringServer
{
    QString url; // empty: none
    ServerAuth auth;
    TlsFiles tls; // verify stays on unless the workspace turns it off
    int line = 0;
    bool isSet() const { return !url.isEmpty(); }
};

struct Target
{
    enum class Type { Docker, Kubernetes };
    QString name;
    Type type = Type::Docker;
    QString host;       // docker: unix:///… or tcp://host:port
    TlsFiles tls;       // docker over tcp
    QString context;    // kubernetes: kubeconfig context
    QString kubeconfig; // kubernetes: file, empty for the default lookup
    QString nameSpace;  // kubernetes
    int line = 0;
};

struct Requirements
{
    std::optional<Quantity> cpu;
    std::optional<Quantity> memory;
    std::optional<Quantity> disk;
};

struct Environment
{
    QString name;
    QString target;
    ValidationLevel validation = ValidationLevel::Standard;
    bool isProtected = false;      // deploy and rollback ask for the environment's name typed
    MonitoringServer prometheus;   // its Prometheus server
    MonitoringServer alertmanager; // its Alertmanager (API v2)
    QString trafficListen;         // host:port where the traffic entry point listens (Docker)
    // host:port where the traffic entry point serves HAProxy's Prometheus exporter at /metrics
    // (Docker); empty: not served.
    QString trafficMetrics;
    std::optional<KubeVersion> kubernetesVersion; // the release its cluster runs; none: not said
    // Kubernetes: the ingress-nginx Ingress in the target's namespace that routes to the
    // applications; a canary's weight then goes through its canary twin. Empty: none.
    QString ingress;
    Requirements requirements;
    QList<std::pair<QString, QString>> env; // variables every application there gets
    int line = 0;
};

struct HealthCheck
{
    QString httpPath; // an HTTP GET of this path…
    int port = 0;
    QStringList command; // …or a command run in the container
    std::chrono::milliseconds interval{10'000};
    std::chrono::milliseconds timeout{2'000};
    int retries = 3;
    std::chrono::milliseconds startPeriod{0};
};

struct AnalysisTemplate
{
    QString name;
    QString metric; // error_rate, latency_p95, restarts, or prometheus (with query)
    QString query;
    std::chrono::milliseconds interval{10'000};
    int count = 1;
    QString successCondition;
    QString failureCondition;
    int failureLimit = 0;
    int inconclusiveLimit = 0;
    int consecutiveErrorLimit = 4;
};

struct StrategyStep
{
    enum class Kind { SetWeight, Pause, Analysis };
    Kind kind = Kind::Pause;
    int weight = 0;                                 // set_weight
    std::optional<std::chrono::milliseconds> pause; // pause; none: wait for Promote
    QString analysis;                               // analysis: template name
    int line = 0;
};

struct Strategy
{
    enum class Type { Recreate, Rolling, BlueGreen, Canary };
    Type type = Type::Rolling;
    int maxSurge = 1;
    int maxUnavailable = 0;
    std::chrono::milliseconds scaleDownDelay{30'000};
    QString prePromotionAnalysis;
    QString postPromotionAnalysis;
    QList<StrategyStep> steps;
    QList<AnalysisTemplate> analyses;
};

struct AppTest
{
    enum class Kind { Pipeline, HttpCheck, LoadTest };
    Kind kind = Kind::HttpCheck;
    QString pipeline;
    QString path; // http_check and load_test: path on the candidate, or a full URL
    QString method = QStringLiteral("GET");
    int expectStatus = 200;
    std::chrono::milliseconds timeout{5'000};
    int retries = 0;
    int users = 10;
    std::chrono::milliseconds duration{10'000};
    std::optional<std::chrono::milliseconds> p95Latency;
    std::optional<double> maxErrorRate; // fraction 0..1
    std::optional<double> minRequestsPerSecond;
    int line = 0;
};

// A PromQL condition of the rollback triggers: the query's result meets `condition`
// ("result > 0.05") at every reading for `holdFor` (zero: at one reading).
struct PromTrigger
{
    QString query;
    QString condition;
    std::chrono::milliseconds holdFor{0};
    int line = 0;
};

struct RollbackPolicy
{
    bool automatic = true;
    std::chrono::milliseconds monitorWindow{120'000};
    std::optional<int> healthFailures;
    std::optional<double> errorRate; // fraction 0..1
    std::optional<std::chrono::milliseconds> latencyP95;
    std::optional<int> restarts;
    std::optional<double> memoryShare; // fraction of the memory limit
    QList<PromTrigger> prometheus;     // against the environment's Prometheus
    QStringList alerts; // Alertmanager alert names that trip it while firing for the pair
};

// How an application's image is built from the workspace when no registry or host has the
// version deployed: `build: {context: apps/web, dockerfile: Dockerfile, args: {…}}`.
struct BuildSpec
{
    QString context;                                   // relative to the workspace folder
    QString dockerfile = QStringLiteral("Dockerfile"); // relative to the context
    QList<std::pair<QString, QString>> args;           // ARG values, in the file's order
    int line = 0;
};

struct Application
{
    QString name;
    QString image;   // repository without tag
    QString version; // default tag
    std::optional<BuildSpec> build;
    QList<PortMapping> ports;
    QList<std::pair<QString, QString>> env;
    QStringList secrets; // names of variables whose values come from the keyring or environment
    std::optional<HealthCheck> healthCheck;
    int replicas = 1;
    std::optional<Quantity> cpu;
    std::optional<Quantity> memory;
    Strategy strategy;
    QStringList dependsOn;
    QList<AppTest> tests;
    RollbackPolicy rollback;
    int line = 0;
};

// A chart of a dashboard: one PromQL query drawn as lines, one per series.
struct DashboardPanel
{
    QString title;
    QString query;  // may use $app, $env, $revision, $namespace, $pod, $container
    QString unit;   // "", "bytes", "seconds", "percent", "req/s"
    QString legend; // "{{label}} text {{other}}"; empty: the series' labels
    int line = 0;
};

// Panels shown on Live Metrics for the applications and environments it names (empty: all).
struct Dashboard
{
    QString name;
    QStringList applications;
    QStringList environments;
    QList<DashboardPanel> panels;
    int line = 0;
};

// A local alert rule, evaluated by Launchdeck itself without an Alertmanager: the query's
// result meets the condition for `holdFor` on the environment's Prometheus.
struct ThresholdRule
{
    QString name;
    QString environment;
    QString query;
    QString condition; // "result > 0.05"
    std::chrono::milliseconds holdFor{0};
    int line = 0;
};

// Where Launchdeck tells people about firing alerts and failed or rolled-back deployments.
struct Notifications
{
    QString webhook;       // a URL that takes a JSON POST with a Slack-compatible `text`…
    QString webhookSecret; // …or the name of the secret holding that URL
    bool desktop = true;
    QStringList environments; // watched: alerts from these notify; empty: all
    QList<ThresholdRule> rules;
    int line = 0;
};

struct Workspace
{
    QString root; // absolute folder
    QString file; // absolute path of launchdeck.yaml
    QString name;
    QList<Target> targets;
    QList<Environment> environments;
    QList<Application> applications;
    QStringList pipelineFiles;    // absolute, resolved from the patterns
    QStringList pipelinePatterns; // as written (relative to root), or the default
    QStringList templateFiles;
    QStringList manifestFiles;
    QList<Dashboard> dashboards;
    Notifications notifications;

    const Environment* environment(QStringView name) const;
    const Application* application(QStringView name) const;
    const Target* target(QStringView name) const;
    // The strictest level any environment asks for; standard when there are none.
    ValidationLevel strictestLevel() const;
};

inline constexpr char16_t kWorkspaceFileName[] = u"launchdeck.yaml";

// Reads `root`/launchdeck.yaml (or the file itself when `root` names it). Findings go to `out`;
// the workspace is returned whenever the file could be parsed, even with findings, so tools can
// show what is there.
std::optional<Workspace> loadWorkspace(const QString& root, Diagnostics& out);
// Parses workspace text already in memory (an editor buffer) named `path`.
std::optional<Workspace> parseWorkspace(const QString& path, const QByteArray& text,
                                        Diagnostics& out);

// The files `patterns` ("dir/*.yaml", "dir/**/*.yaml", relative to `root`) match, absolute, in
// the patterns' order (each pattern's by name), without repeats.
QStringList filesMatching(const QString& root, const QStringList& patterns);
// The pipeline patterns of a folder without a workspace file.
QStringList defaultPipelinePatterns();
// The folders to watch so that a file matching one of `patterns` (relative to `root`) shows up
// when it is added: each pattern's folder (for "dir/**/*.yaml" its subfolders too) or, where it
// does not exist yet, its nearest folder that does, inside `root`. Absolute, without repeats.
QStringList patternFolders(const QString& root, const QStringList& patterns);

// Copies the sample workspace from `sourceDir` (e.g. the resource ":/sample") to
// `dataDir`/sample-workspace unless it is there already; returns that folder.
Result<QString> ensureSampleWorkspace(const QString& sourceDir, const QString& dataDir);

} // namespace launchdeck

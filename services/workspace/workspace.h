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
    bool isProtected = false; // deploy and rollback ask for the environment's name typed
    QString prometheus;       // URL of the environment's Prometheus server
    QString trafficListen;    // host:port where the traffic entry point listens (Docker)
    std::optional<KubeVersion> kubernetesVersion; // the release its cluster runs; none: not said
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

struct RollbackPolicy
{
    bool automatic = true;
    std::chrono::milliseconds monitorWindow{120'000};
    std::optional<int> healthFailures;
    std::optional<double> errorRate; // fraction 0..1
    std::optional<std::chrono::milliseconds> latencyP95;
    std::optional<int> restarts;
    std::optional<double> memoryShare; // fraction of the memory limit
};

struct Application
{
    QString name;
    QString image;   // repository without tag
    QString version; // default tag
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

struct Workspace
{
    QString root; // absolute folder
    QString file; // absolute path of launchdeck.yaml
    QString name;
    QList<Target> targets;
    QList<Environment> environments;
    QList<Application> applications;
    QStringList pipelineFiles; // absolute, resolved from the patterns
    QStringList templateFiles;
    QStringList manifestFiles;

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

// Copies the sample workspace from `sourceDir` (e.g. the resource ":/sample") to
// `dataDir`/sample-workspace unless it is there already; returns that folder.
Result<QString> ensureSampleWorkspace(const QString& sourceDir, const QString& dataDir);

} // namespace launchdeck

// What the deployment engine's tests set up: a private dockerd with the app:v1..v4 images built
// on it, workspaces whose environments point there, a history database with the ledger, a way
// to run a job to its end and to look at what it left, and a load loop sending requests through
// the traffic entry point.
#pragma once

#include "deploy/deploymentengine.h"
#include "deploy/pairworkload.h"
#include "fakes/dockertestbed.h"

#include <QMap>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace launchdeck {
class HistoryStore;
}

namespace launchdeck::test {

// One application of a test workspace. The images: app:v1 and app:v2 answer "v1"/"v2" on "/";
// app:v3 answers 500 on "/"; app:v4 answers "v4" on "/" and its /cgi-bin/healthz turns 500
// `kV4HealthySeconds` after the container started. Every image answers "ok" on /healthz and on
// /cgi-bin/healthz (v4: until it turns).
struct DeployAppOptions
{
    QString workspace = QStringLiteral("deploytest"); // also names HAProxy folders and locks
    QString application = QStringLiteral("app");
    QString image = QStringLiteral("app"); // the repository, e.g. "127.0.0.1:5000/shop/app"
    QString strategy = QStringLiteral("blue-green");
    int replicas = 1;
    QString healthPath = QStringLiteral("/healthz");
    bool traffic = true; // staging gets traffic.listen
    int hostPort = 0;    // > 0: ports ["<hostPort>:80"], else ["80"]
    QString monitor = QStringLiteral("3s");
    QString scaleDownDelay = QStringLiteral("2s");
    QStringList canarySteps; // YAML flow items, e.g. "{set_weight: 50}"
    bool httpCheckTest = false;
    // Monitoring of staging: HAProxy's exporter on a free loopback port (traffic.metrics), the
    // Prometheus and Alertmanager URLs (empty: none).
    bool trafficMetrics = false;
    QString prometheus;
    QString alertmanager;
    // YAML lines replacing the error-rate analysis under `analysis:` (indented 8 spaces), and
    // lines added under the rollback `triggers:` (indented 8 spaces).
    QString analysisYaml;
    QString triggersYaml;
    QString prePromotionAnalysis; // blue-green
    QString postPromotionAnalysis;
};

inline constexpr int kV4HealthySeconds = 9;

struct DeployWorkspace
{
    deploy::DeploymentContext context;
    quint16 listenPort = 0;  // the staging entry point; 0 without traffic
    quint16 metricsPort = 0; // its exporter (traffic.metrics); 0 without
    QString metricsListen;   // "127.0.0.1:<metricsPort>", what Prometheus scrapes
    QString entryUrl;        // "http://127.0.0.1:<listenPort>/", or the declared host port's
};

// A job run to its end: how it ended and everything it reported.
struct DeployOutcome
{
    bool finished = false; // false: the timeout came first
    std::optional<DeploymentStatus> status;
    QString message;
    QString id;
    QList<deploy::DeploymentEvent> events;

    // The Log and Stage texts, one a line, for failure messages.
    QString transcript() const;
    // How it ended, its message and the transcript.
    QString describe() const;
};

// In a test function: the job ran to its end with `expected`, else the test fails with how it
// ended and its transcript.
#define QVERIFY_OUTCOME(outcome, expected)                                                         \
    QVERIFY2((outcome).finished && (outcome).status == (expected), qPrintable((outcome).describe()))

// A deployment of `version` of `application` to `environment` by "tester".
deploy::DeploymentRequest deployRequest(const QString& application, const QString& version,
                                        const QString& environment = QStringLiteral("staging"));

// Polls `url` until it answers 200 with `body` (trimmed), turning the event loop meanwhile.
bool waitForBody(const QString& url, const QString& body,
                 std::chrono::milliseconds timeout = std::chrono::seconds(30));

class DeployTestBed final
{
public:
    DeployTestBed();
    // Stops the HAProxy instances under the data folder, then the daemon.
    ~DeployTestBed();
    DeployTestBed(const DeployTestBed&) = delete;
    DeployTestBed& operator=(const DeployTestBed&) = delete;

    // The daemon, the four images, the history database and the ledger; on failure says why.
    bool start(QString* error = nullptr);

    DockerTestBed& docker() { return m_docker; }
    const std::shared_ptr<DeploymentLedger>& ledger() const { return m_ledger; }
    QString dataDir() const { return m_data.path(); }

    // Writes launchdeck.yaml for `options` into a folder of its own and loads it; on failure
    // says why (the loader's findings).
    std::optional<DeployWorkspace> workspace(const DeployAppOptions& options,
                                             QString* error = nullptr);
    // `application` with two replicas, monitored for ten minutes: long enough to look at the pair
    // while its deployment is in MONITORING (the test cancels it after). A failure is a warning.
    std::optional<DeployWorkspace> monitoredWorkspace(const QString& application);

    // Runs a job to its end, waiting up to `timeout` while the event loop turns; `onEvent` sees
    // each event as it arrives on this thread.
    static DeployOutcome
    run(const deploy::DeploymentContext& context, const deploy::DeploymentRequest& request,
        std::chrono::milliseconds timeout = std::chrono::seconds(180),
        const std::function<void(const deploy::DeploymentEvent&)>& onEvent = {});

    // Stops every HAProxy instance under <dataDir>/traffic.
    void stopTraffic();
    // Stops the HAProxy instances and removes every container of any application, so that the
    // next test case starts on an idle host.
    void clearHost();

    // The pair's containers on the daemon, running or not, as the engine lists them; running()
    // only those that run.
    QList<deploy::PairContainer> containers(const QString& application,
                                            const QString& environment = QStringLiteral("staging"));
    QList<deploy::PairContainer> running(const QString& application,
                                         const QString& environment = QStringLiteral("staging"));

private:
    bool buildImage(const QString& tag, const QMap<QString, QByteArray>& files, QString* error);

    QTemporaryDir m_data;
    QTemporaryDir m_folders; // build contexts and workspaces
    int m_folderCount = 0;
    DockerTestBed m_docker;
    std::unique_ptr<HistoryStore> m_store;
    std::shared_ptr<DeploymentLedger> m_ledger;
};

// Clients sending GET requests through a URL as fast as they can, each on a new connection,
// counting answers by body.
class LoadLoop final
{
public:
    struct Counts
    {
        qint64 successes = 0;         // 2xx
        qint64 failures = 0;          // other statuses and transport errors
        QMap<QString, qint64> bodies; // trimmed bodies of the 2xx answers
        QStringList failureSamples;   // the first few failures: status or curl's words
    };

    explicit LoadLoop(QString url, int clients = 2);
    ~LoadLoop();
    LoadLoop(const LoadLoop&) = delete;
    LoadLoop& operator=(const LoadLoop&) = delete;

    void start();
    void stop();
    Counts counts() const;
    // Forgets what was counted so far.
    void reset();
    // Waits until at least `count` answers arrived since the last reset.
    bool waitForAnswers(qint64 count, std::chrono::milliseconds timeout) const;

private:
    void client();

    QString m_url;
    int m_clients;
    std::atomic_bool m_running{false};
    mutable std::mutex m_mutex;
    Counts m_counts;
    std::vector<std::thread> m_threads;
};

} // namespace launchdeck::test

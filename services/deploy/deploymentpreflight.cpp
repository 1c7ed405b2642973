// The VALIDATING stage of a deployment: the workspace at the environment's level, the image on
// the host (pulled from its registry when missing), what the strategy needs, free ports, the host's
// resources and the dependencies.
#include "deploy/deploymentrun.h"

#include "deploy/imagebuild.h"
#include "deploy/imagepull.h"

#include "core/ipaddress.h"
#include "validation/validator.h"

#include <QDir>

#include <algorithm>

namespace launchdeck::deploy {

namespace {

bool portIsFree(const QString& host, int port)
{
    const QString literal = host.isEmpty() || host == u"*" ? QStringLiteral("0.0.0.0")
                            : host == u"localhost"         ? QStringLiteral("127.0.0.1")
                                                           : host;
    const std::optional<IpAddress> address = parseIpAddress(literal);
    return address && canListenOn(*address, port);
}

bool splitHostPort(const QString& listen, QString* host, int* port)
{
    const qsizetype colon = listen.lastIndexOf(u':');
    if (colon < 0)
        return false;
    bool ok = false;
    *port = listen.mid(colon + 1).toInt(&ok);
    *host = listen.left(colon);
    if (host->startsWith(u'[') && host->endsWith(u']'))
        *host = host->mid(1, host->size() - 2);
    return ok;
}

} // namespace

// ---- VALIDATING ------------------------------------------------------------------------------

bool DeploymentRun::validate()
{
    bool critical = false;
    const auto finding = [&](Severity severity, const QString& rule, const QString& text) {
        validation(severity, rule, text);
        if (blocksDeploy(severity, m_subject.environment.validation))
            critical = true;
    };
    const Application& app = m_subject.application;
    const Environment& env = m_subject.environment;
    const RevisionConfig& config = m_subject.toConfig;
    // Workspace, templates and policy at the environment's level.
    checkWorkspaceFiles(finding);

    // The image is on the host, or pulled there from its registry, or built from the workspace;
    // the revision records the digest the host knows it by.
    Result<std::optional<QJsonObject>> image = m_client->inspectImage(config.image);
    if (image && !image->has_value()) {
        const QString host = m_subject.endpoint.toString();
        const auto logLine = [this](const QString& line) {
            log(line);
        };
        const Result<TransferredImage> pulled = pullForDeployment(
            m_subject.endpoint, m_client->apiVersion(), config.image, logLine, &m_control.cancel);
        if (pulled) {
            image = m_client->inspectImage(config.image);
        } else if (!app.build || m_request.kind != DeploymentKind::Deploy) {
            finding(Severity::Critical, QStringLiteral("image-pull"),
                    QStringLiteral("image %1 is not on %2 and could not be pulled: %3")
                        .arg(config.image, host, pulled.error().message));
        } else {
            log(QStringLiteral("image %1 is on neither %2 nor its registry (%3); building it from "
                               "the workspace")
                    .arg(config.image, host, pulled.error().message));
            ImageBuildHooks hooks;
            hooks.present = [this](const QString& base) -> Result<bool> {
                const Result<std::optional<QJsonObject>> found = m_client->inspectImage(base);
                if (!found)
                    return found.error();
                return found->has_value();
            };
            hooks.pull = [&](const QString& base) -> Result<bool> {
                const Result<TransferredImage> got = pullForDeployment(
                    m_subject.endpoint, m_client->apiVersion(), base, logLine, &m_control.cancel);
                if (!got)
                    return got.error();
                return true;
            };
            hooks.log = logLine;
            hooks.cancel = &m_control.cancel;
            const Result<QString> built =
                buildForDeployment(m_subject.endpoint, m_client->apiVersion(),
                                   m_context.workspace.root, *app.build, config.image, hooks);
            if (!built)
                finding(Severity::Critical, QStringLiteral("image-build"),
                        QStringLiteral("image %1 is not on %2, could not be pulled and could not "
                                       "be built: %3")
                            .arg(config.image, host, built.error().message));
            else
                image = m_client->inspectImage(config.image);
        }
    }
    if (!image) {
        finding(Severity::Critical, QStringLiteral("docker-host"), image.error().toString());
    } else if (image->has_value()) {
        const QString digest = repoDigestOf(**image, config.image);
        log(digest.isEmpty() || digest == config.image
                ? QStringLiteral("image %1 is on the host").arg(config.image)
                : QStringLiteral("image %1 is on the host as %2").arg(config.image, digest));
        if (m_request.kind == DeploymentKind::Deploy && !digest.isEmpty()) {
            m_subject.toConfig.imageDigest = digest;
            QJsonObject recorded = plan().recordedConfig;
            recorded.insert(QStringLiteral("image_digest"), digest);
            m_context.ledger->recordRevisionConfig(plan().application, plan().environment,
                                                   plan().to, recorded);
        }
    }

    // Strategy needs.
    if (m_request.kind == DeploymentKind::Deploy) {
        const bool needsTraffic = m_subject.strategy == Strategy::Type::BlueGreen ||
                                  m_subject.strategy == Strategy::Type::Canary;
        if (needsTraffic && !m_subject.usesTraffic)
            finding(Severity::Critical, QStringLiteral("traffic-entry-point"),
                    QStringLiteral("%1 needs a traffic entry point: set traffic.listen on "
                                   "environment %2")
                        .arg(strategyName(m_subject.strategy), env.name));
        if (!m_subject.usesTraffic && config.replicas > 1 && !declaredHostPorts().isEmpty())
            finding(Severity::Critical, QStringLiteral("host-port-replicas"),
                    QStringLiteral("%1 replicas cannot all publish host port %2; give environment "
                                   "%3 a traffic entry point")
                        .arg(config.replicas)
                        .arg(declaredHostPorts().first())
                        .arg(env.name));
        checkAnalysesAndTriggers(finding, [](const QString& metric) {
            const Result<std::optional<double>> probe = metricValue(metric, {}, {}, 0);
            return probe ? QString() : probe.error().message;
        });
    }

    // Ports: the entry point's, or the declared host ports.
    if (m_subject.usesTraffic) {
        QString host;
        int port = 0;
        if (!splitHostPort(env.trafficListen, &host, &port)) {
            finding(Severity::Critical, QStringLiteral("traffic-listen"),
                    QStringLiteral("traffic.listen '%1' is not host:port").arg(env.trafficListen));
        } else {
            const TrafficRouterOptions options = trafficOptions(m_context, env, config);
            const bool ours = traffic::HaproxyProcess::attach(options.folder, options.process).ok();
            if (!ours && !portIsFree(host, port))
                finding(Severity::Critical, QStringLiteral("port-free"),
                        QStringLiteral("port %1 of the traffic entry point is taken by another "
                                       "program")
                            .arg(env.trafficListen));
            if (!env.trafficMetrics.isEmpty()) {
                QString metricsHost;
                int metricsPort = 0;
                if (!splitHostPort(env.trafficMetrics, &metricsHost, &metricsPort))
                    finding(Severity::Critical, QStringLiteral("traffic-metrics"),
                            QStringLiteral("traffic.metrics '%1' is not host:port")
                                .arg(env.trafficMetrics));
                else if (!ours && !portIsFree(metricsHost, metricsPort))
                    finding(Severity::Critical, QStringLiteral("port-free"),
                            QStringLiteral("port %1 of the entry point's exporter "
                                           "(traffic.metrics) is taken by another program")
                                .arg(env.trafficMetrics));
            }
        }
    } else if (m_subject.endpoint.kind == DockerEndpoint::Kind::Unix) {
        // Only a local daemon's ports can be tried from here; ports the pair holds are its own.
        const QList<PairContainer>& mine = m_subject.containers;
        const bool holding = std::any_of(mine.begin(), mine.end(),
                                         [](const PairContainer& c) { return c.isRunning(); });
        const QMap<int, int> declared = declaredHostPorts();
        for (auto it = declared.begin(); it != declared.end(); ++it) {
            if (!holding && !portIsFree(QString(), it.value()))
                finding(Severity::Critical, QStringLiteral("port-free"),
                        QStringLiteral("host port %1 is taken by another program").arg(it.value()));
        }
    }

    // Resources of the host against the environment's requirements and the replicas' limits;
    // the daemon's /info is slow to answer, so it is asked only when there is something to
    // hold against it.
    const Requirements& needs = env.requirements;
    if (needs.cpu || needs.memory || config.memoryBytes > 0) {
        if (const Result<QJsonObject> info = m_client->info(); !info) {
            finding(Severity::Critical, QStringLiteral("docker-host"), info.error().toString());
        } else {
            const double cpus = info->value(QLatin1String("NCPU")).toDouble();
            const double memory = info->value(QLatin1String("MemTotal")).toDouble();
            if (needs.cpu && needs.cpu->value() > cpus)
                finding(m_request.force ? Severity::High : Severity::Critical,
                        QStringLiteral("resources"),
                        QStringLiteral("environment %1 needs %2 CPUs; the host has %3")
                            .arg(env.name)
                            .arg(needs.cpu->value())
                            .arg(cpus));
            if (needs.memory && needs.memory->value() > memory)
                finding(m_request.force ? Severity::High : Severity::Critical,
                        QStringLiteral("resources"),
                        QStringLiteral("environment %1 needs %2 MiB of memory; the host has %3 MiB")
                            .arg(env.name)
                            .arg(qint64(needs.memory->value() / 1048576.0))
                            .arg(qint64(memory / 1048576.0)));
            const double wanted = double(config.memoryBytes) * config.replicas;
            if (wanted > memory)
                finding(Severity::Critical, QStringLiteral("resources"),
                        QStringLiteral("%1 replicas × %2 MiB exceed the host's %3 MiB")
                            .arg(config.replicas)
                            .arg(config.memoryBytes / 1048576)
                            .arg(qint64(memory / 1048576.0)));
        }
    }
    progress(8);

    // Applications it depends on run healthy in the same environment.
    for (const QString& dependency : app.dependsOn) {
        PairWorkload other(*m_client, dependency, env.name);
        const Result<QList<PairContainer>> containers = other.containers();
        if (!containers) {
            finding(Severity::Critical, QStringLiteral("dependency"),
                    containers.error().toString());
            continue;
        }
        const bool healthy =
            std::any_of(containers->begin(), containers->end(), [](const PairContainer& c) {
                return c.isRunning() && (c.health.isEmpty() || c.health == u"healthy");
            });
        if (!healthy)
            finding(m_request.force ? Severity::High : Severity::Critical,
                    QStringLiteral("dependency"),
                    QStringLiteral("%1 depends on %2, which has no healthy container in %3")
                        .arg(app.name, dependency, env.name));
    }
    progress(10);
    return !critical;
}

QMap<int, int> DeploymentRun::declaredHostPorts() const
{
    QMap<int, int> ports;
    for (const PortMapping& port : m_subject.application.ports) {
        if (port.hostPort > 0)
            ports.insert(port.containerPort, port.hostPort);
    }
    return ports;
}

} // namespace launchdeck::deploy

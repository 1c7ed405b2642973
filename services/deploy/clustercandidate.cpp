// The TESTING stage on a cluster: the candidate (blue-green's idle colour at full size, else a
// one-replica "<app>-candidate" Deployment) behind the preview Service, reached by the tests
// through the API server's service proxy, and its removal when it is not part of the rollout.
#include "deploy/clusterrun.h"

namespace launchdeck::deploy {

namespace {

QString key(const char16_t* text)
{
    return QStringView(text).toString();
}

// The Service port the tests go to: the health check's when the Service has it, else the first.
QString testPort(const RevisionConfig& config)
{
    for (const DockerPortMapping& port : config.ports) {
        if (port.containerPort == config.healthPort)
            return QString::number(port.containerPort);
    }
    return config.ports.isEmpty() ? QString() : QString::number(config.ports.first().containerPort);
}

} // namespace

bool ClusterDeploymentRun::test()
{
    const Application& app = m_subject.application;
    if (app.tests.isEmpty()) {
        log(QStringLiteral("no tests declared; no candidate is started, the new pods' readiness "
                           "is followed as they roll out"));
        return !cancelled();
    }
    const bool blueGreen = m_subject.strategy == Strategy::Type::BlueGreen;
    QString track;
    int replicas = 1;
    if (blueGreen) {
        // The idle colour is the candidate: it runs at full size and becomes live by the switch.
        const bool liveColour = cluster::isColour(m_subject.liveTrack);
        m_newTrack = liveColour ? cluster::otherColour(m_subject.liveTrack) : key(cluster::kBlue);
        track = m_newTrack;
        replicas = m_subject.toObjects.deployment.value(QLatin1String("spec"))
                       .toObject()
                       .value(QLatin1String("replicas"))
                       .toInt(app.replicas);
    } else {
        track = key(cluster::kCandidate);
    }
    const QString workload = cluster::workloadName(app.name, track);
    const QString preview = cluster::previewServiceName(app.name);

    if (const Result<bool> supported = applySupportingObjects(); !supported) {
        testResult(QStringLiteral("start"), false, {}, supported.error().toString());
        return false;
    }
    const Result<QJsonObject> started = apply(cluster::trackDeployment(
        m_subject.toObjects, track, replicas, m_subject.to.number, m_subject.to.image));
    if (!started) {
        testResult(QStringLiteral("start"), false, {}, started.error().toString());
        return false;
    }
    m_candidateCreated = true;
    const std::optional<QJsonObject> previewObject =
        cluster::previewService(m_subject.toObjects, track);
    const QString port = testPort(m_subject.toConfig);
    if (!previewObject || port.isEmpty()) {
        testResult(QStringLiteral("preview"), false, {},
                   QStringLiteral("the tests reach %1 through Service %2, and %3 declares no "
                                  "ports to make it from")
                       .arg(workload, preview, app.name));
        return false;
    }
    if (const Result<QJsonObject> applied = apply(*previewObject); !applied) {
        testResult(QStringLiteral("preview"), false, {}, applied.error().toString());
        return false;
    }
    progress(14);

    const kube::RolloutVerdict verdict = followDeployment(workload, 14, 18);
    if (verdict.state != kube::RolloutVerdict::State::Done) {
        if (!cancelled())
            testResult(QStringLiteral("rollout"), false, {},
                       QStringLiteral("candidate %1 did not become ready: %2")
                           .arg(workload, verdict.message));
        return false;
    }

    m_relay = std::make_unique<kube::ServiceProxyRelay>(m_subject.place.connection,
                                                        m_subject.place.clusterName,
                                                        m_subject.place.nameSpace, preview, port);
    if (const Result<bool> listening = m_relay->start(); !listening) {
        testResult(QStringLiteral("service proxy"), false, {}, listening.error().toString());
        m_relay.reset();
        return false;
    }
    log(QStringLiteral("candidate %1 answers at %2 (relayed to %3)")
            .arg(workload, m_relay->url(), m_relay->proxyPath()));

    const bool passed = runApplicationTests(m_relay->url(), workload, 18, 33);
    log(QStringLiteral("%1 requests relayed to %2").arg(m_relay->relayed()).arg(preview));
    m_relay.reset();
    if (!passed || cancelled())
        return false; // discardCandidate() removes what was started
    if (!blueGreen) {
        // The lone candidate is not part of the rollout.
        note(removeObject(QStringLiteral("Deployment"), workload));
        note(removeObject(QStringLiteral("Service"), preview));
        m_candidateCreated = false;
    }
    // Blue-green keeps its idle colour, which goes live by the switch, and the preview Service
    // until then.
    return true;
}

void ClusterDeploymentRun::discardCandidate()
{
    m_relay.reset();
    if (!m_candidateCreated)
        return;
    const Application& app = m_subject.application;
    if (m_subject.strategy == Strategy::Type::BlueGreen) {
        // The idle colour stays at zero rather than going: its ReplicaSets are the history a
        // later `rollout undo` returns to.
        log(QStringLiteral("scaling the candidate %1 to 0")
                .arg(cluster::workloadName(app.name, m_newTrack)));
        note(scaleWorkload(cluster::workloadName(app.name, m_newTrack), 0));
    } else {
        log(QStringLiteral("removing the candidate %1")
                .arg(cluster::workloadName(app.name, key(cluster::kCandidate))));
        note(removeObject(QStringLiteral("Deployment"),
                          cluster::workloadName(app.name, key(cluster::kCandidate))));
    }
    note(removeObject(QStringLiteral("Service"), cluster::previewServiceName(app.name)));
    m_candidateCreated = false;
}

} // namespace launchdeck::deploy

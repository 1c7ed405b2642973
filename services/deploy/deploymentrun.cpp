// One deployment job on a Docker host: connecting to the host, the subject, and the steps the
// lifecycle asks of the host when a rollback is requested or a candidate is discarded.
#include "deploy/deploymentrun.h"

#include "docker/dockerapiversions.h"
#include "docker/environmenthost.h"

namespace launchdeck::deploy {

DeploymentRun::DeploymentRun(const DeploymentContext& context, const DeploymentRequest& request,
                             JobControl& control, Emit report)
    : DeploymentLifecycle(context, request, control, std::move(report))
{}

DeploymentRun::~DeploymentRun() = default;

Result<DeploymentLifecycle::Plan> DeploymentRun::prepare()
{
    const Result<DockerEndpoint> endpoint = resolveEndpoint(m_context, m_request);
    if (!endpoint)
        return endpoint.error();
    // A job after the first on a daemon skips the version negotiation.
    const bool versionKnown = !knownDockerApiVersion(*endpoint).isEmpty();
    Result<std::unique_ptr<DockerClient>> connected =
        connectDocker(*endpoint, ApiVersionSource::ReuseKnown);
    if (!connected)
        return connected.error();
    m_client = std::move(connected).value();
    Result<DeploymentSubject> subject = resolveSubject(m_context, m_request, *m_client);
    if (!subject && versionKnown) {
        // The daemon may have changed since the version was negotiated: ask it again, once.
        if (const Result<DockerVersion> negotiated = negotiateAndRemember(*m_client); !negotiated)
            return negotiated.error();
        subject = resolveSubject(m_context, m_request, *m_client);
    }
    if (!subject)
        return subject.error();
    m_subject = *subject;
    m_workload.emplace(*m_client, m_subject.application.name, m_subject.environment.name);
    // A removed leftover or a recreated network changes the host beyond the pair: it is logged.
    m_workload->setRepairLog([this](const QString& what) { log(what); });
    m_newGroup =
        m_subject.liveGroup.isEmpty() ? QString::fromUtf16(kBlue) : otherGroup(m_subject.liveGroup);

    Plan plan;
    plan.application = m_subject.application.name;
    plan.environment = m_subject.environment.name;
    plan.from = m_subject.from;
    plan.to = m_subject.to;
    plan.strategy = m_subject.strategy;
    plan.recordedConfig = m_subject.toConfig.toJson();
    return plan;
}

DeploymentLifecycle::Outcome DeploymentRun::rollBack()
{
    return switchTo(m_subject.toConfig, m_subject.to, m_request.cleanUp);
}

void DeploymentRun::discardCandidate()
{
    note(removeContainers(m_started, true));
    m_started.clear();
    if (m_router)
        note(releaseSlots(m_newGroup));
}

} // namespace launchdeck::deploy

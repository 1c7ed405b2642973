// The TESTING stage of a deployment: the candidate (the new revision's containers in the idle
// group, or a lone container on a loopback port) and the application's tests against it.
#include "deploy/deploymentrun.h"

namespace launchdeck::deploy {

namespace {

QString baseUrl(const PairContainer& container)
{
    return QStringLiteral("http://127.0.0.1:%1").arg(container.trafficPort);
}

} // namespace

// ---- TESTING ---------------------------------------------------------------------------------

bool DeploymentRun::test()
{
    const Application& app = m_subject.application;
    const RevisionConfig& config = m_subject.toConfig;
    // The candidate: the new revision's containers in the idle group behind the entry point
    // (blue-green and canary start them all, rolling the first), or one container on a loopback
    // port of its own that goes away after the tests.
    const bool traffic = m_subject.usesTraffic && m_subject.strategy != Strategy::Type::Recreate;
    const int count = !traffic                                        ? 1
                      : m_subject.strategy == Strategy::Type::Rolling ? 1
                                                                      : config.replicas;
    const QString group = traffic ? m_newGroup : QStringLiteral("candidate");
    if (!traffic && app.tests.isEmpty()) {
        // A lone candidate would only repeat the health check the replacement itself waits for.
        log(QStringLiteral("no tests declared; the new containers' health is checked as they "
                           "replace the old ones"));
        return !cancelled();
    }
    if (traffic) {
        // Leftovers of the idle group (an earlier failed attempt) make way.
        const Result<QList<PairContainer>> all = m_workload->containers();
        if (!all) {
            log(all.error().toString());
            return false;
        }
        QList<PairContainer> stale;
        for (const PairContainer& container : *all) {
            if (container.identity.group == group &&
                (!m_subject.from || container.identity.revision != m_subject.from->number))
                stale.append(container);
        }
        if (!stale.isEmpty()) {
            log(QStringLiteral("removing %1 leftover container(s) of the %2 group")
                    .arg(stale.size())
                    .arg(group));
            note(removeContainers(stale, true));
        }
    }
    const Result<QList<PairContainer>> started =
        startGroup(config, m_subject.to, group, 1, count, true);
    if (!started) {
        testResult(QStringLiteral("start"), false, {}, started.error().toString());
        return false;
    }
    const Result<bool> healthy = waitGroupHealthy(*started, config);
    if (!healthy) {
        testResult(QStringLiteral("health"), false, {}, healthy.error().toString());
        return false;
    }
    const PairContainer candidate = started->first();
    const bool passed = runApplicationTests(baseUrl(candidate), candidate.name, 18, 33);
    if (!traffic) {
        // The lone candidate is not part of the rollout.
        note(removeContainers(*started, true));
        m_started.clear();
    }
    return passed && !cancelled();
}

} // namespace launchdeck::deploy

// DEPLOYING on a cluster by the four strategies: the Deployment's own Recreate and RollingUpdate,
// blue-green's two colours behind one Service selector, canary's weights as replica counts or
// through an ingress-nginx canary twin, with pauses and analyses as on a Docker host.
#include "deploy/clusterrun.h"

#include <QElapsedTimer>
#include <QJsonDocument>

#include <algorithm>
#include <memory>

namespace launchdeck::deploy {

using namespace std::chrono_literals;

namespace {

QString text(const char16_t* value)
{
    return QString::fromUtf16(value);
}

// The REST path of a namespaced object: `group` ("/apis/apps/v1"), `resource` ("deployments").
QString objectPath(const ClusterPlace& place, QStringView group, QStringView resource,
                   const QString& name)
{
    return group + u"/namespaces/" + place.nameSpace + u'/' + resource + u'/' + name;
}

// A canary that is not ready within this long does not hold its steps up: Kubernetes keeps
// its pods out of the Service until they are, and the pauses and analyses that follow judge it.
constexpr std::chrono::milliseconds kCanaryReadyWait{60'000};

// What the application's Service selects now: whether it exists, and the track it is pointed
// at (none: every track of the pair).
struct ServiceState
{
    bool exists = false;
    std::optional<QString> track;
};

Result<ServiceState> serviceState(kube::KubeClient& client, const ClusterPlace& place,
                                  const QString& name)
{
    const Result<std::optional<QJsonObject>> found =
        fetchObject(client, place, objectPath(place, u"/api/v1", u"services", name));
    if (!found)
        return found.error();
    ServiceState state;
    state.exists = found->has_value();
    if (state.exists) {
        const QJsonValue track = (**found)[u"spec"][u"selector"][text(cluster::kTrack)];
        if (track.isString())
            state.track = track.toString();
    }
    return state;
}

} // namespace

DeploymentLifecycle::Outcome ClusterDeploymentRun::deployByStrategy()
{
    const Application& app = m_subject.application;
    const Strategy& strategy = app.strategy;
    const kube::ApplicationObjects& objects = m_subject.toObjects;
    const int replicas = m_subject.toConfig.replicas;
    const Revision& to = m_subject.to;
    const QString stable = text(cluster::kStable);
    const QString where =
        kube::clusterLabel(m_subject.place.clusterName, m_subject.place.connection.server);
    const auto failed = [](const Error& error) {
        return Outcome{false, error.toString()};
    };
    const auto unfinished = [&](const kube::RolloutVerdict& verdict) {
        return Outcome{false,
                       cancelled() ? QStringLiteral("cancelled") : where + u": " + verdict.message};
    };
    const auto isDone = [](const kube::RolloutVerdict& verdict) {
        return verdict.state == kube::RolloutVerdict::State::Done;
    };
    // Restarts of a track's pods since the baseline reading, for analyses of `restarts`; the
    // traffic metrics have no reader on a cluster (no entry point of Launchdeck's counts it).
    const auto readerFor = [this](const QString& analysis, const QString& track) -> MetricReader {
        const QList<AnalysisTemplate>& analyses = m_subject.application.strategy.analyses;
        const auto found =
            std::find_if(analyses.begin(), analyses.end(),
                         [&](const AnalysisTemplate& a) { return a.name == analysis; });
        if (found == analyses.end() || found->metric != u"restarts")
            return {};
        auto base = std::make_shared<QMap<QString, int>>();
        return [this, track, base](const QString&, QString* error) -> std::optional<double> {
            const Result<MonitorReading> reading = readTrack(track, *base);
            if (!reading) {
                *error = reading.error().toString();
                return std::nullopt;
            }
            return double(reading->restarts);
        };
    };
    // Brings the application's Service to its ports and labels without moving its selector;
    // a new one selects `initial`. Returns what it selects.
    const auto syncService =
        [&](const std::optional<QString>& initial) -> Result<std::optional<QString>> {
        if (!objects.service)
            return initial;
        const Result<ServiceState> state = serviceState(*m_client, m_subject.place, app.name);
        if (!state)
            return state.error();
        const std::optional<QString> track = state->exists ? state->track : initial;
        if (const Result<QJsonObject> applied = apply(*cluster::activeService(objects, track));
            !applied)
            return applied.error();
        return track;
    };

    if (Result<bool> secret = applySupportingObjects(); !secret)
        return failed(secret.error());

    // recreate and rolling, and a canary with no stable revision to split against: the
    // Deployment "APP" takes the new template and Kubernetes replaces its pods.
    const auto rollOutStable = [&](const std::optional<QString>& serviceTrack) -> Outcome {
        const QString name = cluster::workloadName(app.name, stable);
        const Result<std::optional<QString>> selected = syncService(serviceTrack);
        if (!selected)
            return failed(selected.error());
        const Result<QJsonObject> applied =
            apply(cluster::trackDeployment(objects, stable, replicas, to.number, to.image));
        if (!applied)
            return failed(applied.error());
        m_newTrack = stable;
        m_trafficMoved = true;
        if (const kube::RolloutVerdict verdict = followDeployment(name, 38, 72); !isDone(verdict))
            return unfinished(verdict);
        // A Service another strategy pointed elsewhere follows once the new pods serve.
        if (*selected != serviceTrack) {
            if (Result<bool> pointed = pointService(serviceTrack); !pointed)
                return failed(pointed.error());
        }
        m_switchedAt = QDateTime::currentDateTimeUtc();
        progress(74);
        return {true, {}};
    };

    const auto blueGreen = [&]() -> Outcome {
        const QString live = m_subject.liveTrack;
        if (!cluster::isColour(m_newTrack))
            m_newTrack =
                cluster::isColour(live) ? cluster::otherColour(live) : text(cluster::kBlue);
        if (m_previousTrack.isEmpty())
            m_previousTrack = live;
        const QString colour = m_newTrack;
        const QString name = cluster::workloadName(app.name, colour);
        const auto withdraw = [&](Outcome outcome) {
            // Nothing serves from the new colour yet: it goes, the old one never stopped.
            note(scaleWorkload(name, 0));
            note(removeObject(QStringLiteral("Service"), cluster::previewServiceName(app.name)));
            return outcome;
        };
        if (m_candidateCreated)
            log(QStringLiteral("%1 runs revision %2 already: it was the tested candidate")
                    .arg(name)
                    .arg(to.number));
        if (const Result<QJsonObject> applied =
                apply(cluster::trackDeployment(objects, colour, replicas, to.number, to.image));
            !applied)
            return withdraw(failed(applied.error()));
        if (const kube::RolloutVerdict verdict = followDeployment(name, 36, 55); !isDone(verdict))
            return withdraw(unfinished(verdict));
        if (const std::optional<QJsonObject> preview = cluster::previewService(objects, colour)) {
            if (const Result<QJsonObject> applied = apply(*preview); !applied)
                return withdraw(failed(applied.error()));
        }
        const Result<std::optional<QString>> selected = syncService(colour);
        if (!selected)
            return withdraw(failed(selected.error()));
        progress(60);
        if (const Outcome analysed =
                runNamedAnalysis(strategy.prePromotionAnalysis, QStringLiteral("pre-promotion"),
                                 readerFor(strategy.prePromotionAnalysis, colour));
            !analysed.ok)
            return withdraw(analysed);
        if (cancelled())
            return withdraw({false, QStringLiteral("cancelled before the switch")});
        QElapsedTimer switchClock;
        switchClock.start();
        if (*selected != colour) {
            if (Result<bool> pointed = pointService(colour); !pointed)
                return withdraw(failed(pointed.error()));
        }
        m_trafficMoved = true;
        m_switchedAt = QDateTime::currentDateTimeUtc();
        log(QStringLiteral("traffic switched to %1 (revision %2) in %3 ms; %4 stays warm for %5 s")
                .arg(colour)
                .arg(to.number)
                .arg(switchClock.elapsed())
                .arg(live.isEmpty() ? QStringLiteral("nothing")
                                    : cluster::workloadName(app.name, live))
                .arg(strategy.scaleDownDelay.count() / 1000));
        // As Argo: after the switch, with the old colour still warm; a failure switches back.
        if (const Outcome analysed =
                runNamedAnalysis(strategy.postPromotionAnalysis, QStringLiteral("post-promotion"),
                                 readerFor(strategy.postPromotionAnalysis, colour));
            !analysed.ok)
            return analysed;
        progress(74);
        return {true, {}};
    };

    const auto canary = [&]() -> Outcome {
        const bool byIngress = !m_subject.environment.ingress.isEmpty();
        if (m_subject.liveTrack != stable) {
            log(m_subject.liveTrack.isEmpty()
                    ? QStringLiteral("first deployment: the canary takes all traffic")
                    : QStringLiteral("no stable revision to weigh the canary against (%1 "
                                     "serves): the new revision rolls out as the stable track")
                          .arg(cluster::workloadName(app.name, m_subject.liveTrack)));
            return rollOutStable(byIngress ? std::optional(stable) : std::nullopt);
        }
        const QString canaryTrack = text(cluster::kCanary);
        const QString stableName = cluster::workloadName(app.name, stable);
        const QString canaryName = cluster::workloadName(app.name, canaryTrack);
        const QString serviceName = app.name;
        const QString twinName = m_subject.environment.ingress + u"-canary";
        m_newTrack = canaryTrack;
        std::optional<QJsonObject> ingress;
        bool canaryExists = false;
        int canaryReplicas = 0;
        const auto withdraw = [&](Outcome outcome) {
            // Before traffic moved the canary served nothing: it goes, the stable never changed.
            if (!m_trafficMoved) {
                note(removeObject(QStringLiteral("Deployment"), canaryName));
                if (byIngress) {
                    note(removeObject(QStringLiteral("Ingress"), twinName));
                    note(removeObject(QStringLiteral("Service"), canaryName));
                }
            }
            return outcome;
        };
        const auto setIngressWeight = [&](int weight) -> Result<bool> {
            const Result<QJsonObject> twin =
                cluster::canaryIngress(*ingress, app.name, serviceName, weight);
            if (!twin)
                return twin.error();
            if (const Result<QJsonObject> applied = apply(*twin); !applied)
                return applied.error();
            return true;
        };

        // Waits for the canary's Deployment as kubectl judges it; gives up without failing
        // when its pods restart or are killed, at its progress deadline or after
        // kCanaryReadyWait, saying why.
        const auto awaitCanary = [&]() -> std::optional<QString> {
            const QString path =
                objectPath(m_subject.place, u"/apis/apps/v1", u"deployments", canaryName);
            QMap<QString, int> base;
            QElapsedTimer clock;
            clock.start();
            QString said;
            while (!cancelled()) {
                const Result<std::optional<QJsonObject>> found =
                    fetchObject(*m_client, m_subject.place, path);
                if (found && found->has_value()) {
                    const kube::RolloutVerdict verdict = kube::rolloutStatus(**found);
                    if (verdict.message != said)
                        log(verdict.message);
                    said = verdict.message;
                    if (verdict.state == kube::RolloutVerdict::State::Done)
                        return std::nullopt;
                    if (verdict.state == kube::RolloutVerdict::State::Failed)
                        return verdict.message;
                }
                if (const Result<MonitorReading> reading = readTrack(canaryTrack, base);
                    reading && (reading->restarts > 0 || reading->oomKilled))
                    return reading->oomKilled
                               ? QStringLiteral("a container was killed for lack of memory")
                               : QStringLiteral("its containers restarted (%1 restarts)")
                                     .arg(reading->restarts);
                if (clock.elapsed() >= kCanaryReadyWait.count())
                    return QStringLiteral("not ready after %1 s")
                        .arg(kCanaryReadyWait.count() / 1000);
                m_control.sleepFor(250ms);
            }
            return QStringLiteral("cancelled");
        };

        if (byIngress) {
            if (!objects.service)
                return {false, QStringLiteral("canary by Ingress %1: application %2 declares no "
                                              "ports, so no Service can carry its traffic")
                                   .arg(m_subject.environment.ingress, app.name)};
            const Result<std::optional<QJsonObject>> found =
                fetchObject(*m_client, m_subject.place,
                            objectPath(m_subject.place, u"/apis/networking.k8s.io/v1", u"ingresses",
                                       m_subject.environment.ingress));
            if (!found)
                return failed(found.error());
            if (!found->has_value())
                return {false,
                        QStringLiteral("%1: Ingress %2 not found in namespace %3")
                            .arg(where, m_subject.environment.ingress, m_subject.place.nameSpace)};
            ingress = **found;
            // The stable Service must leave the canary's pods out before there are any.
            const Result<std::optional<QString>> selected = syncService(stable);
            if (!selected)
                return failed(selected.error());
            if (*selected != stable) {
                if (Result<bool> pointed = pointService(stable); !pointed)
                    return failed(pointed.error());
            }
            if (const Result<QJsonObject> applied = apply(*cluster::canaryService(objects));
                !applied)
                return withdraw(failed(applied.error()));
            if (Result<bool> weighed = setIngressWeight(0); !weighed)
                return withdraw(failed(weighed.error()));
            // Behind the twin the weight is exact whatever the replicas: the canary runs them all.
            if (const Result<QJsonObject> applied = apply(
                    cluster::trackDeployment(objects, canaryTrack, replicas, to.number, to.image));
                !applied)
                return withdraw(failed(applied.error()));
            canaryExists = true;
            if (const std::optional<QString> notReady = awaitCanary(); notReady && !cancelled())
                log(QStringLiteral("%1 is not ready (%2): it gets its weight all the same, and "
                                   "the steps that follow judge it")
                        .arg(canaryName, *notReady));
            progress(40);
        } else {
            const Result<std::optional<QString>> selected = syncService(std::nullopt);
            if (!selected)
                return failed(selected.error());
            if (selected->has_value()) {
                if (Result<bool> pointed = pointService(std::nullopt); !pointed)
                    return failed(pointed.error());
            }
        }

        const int steps = int(strategy.steps.size());
        int done = 0;
        for (const StrategyStep& step : strategy.steps) {
            if (cancelled())
                return withdraw({false, QStringLiteral("cancelled")});
            const int percent = 40 + 33 * done / qMax(1, steps);
            switch (step.kind) {
            case StrategyStep::Kind::SetWeight: {
                if (byIngress) {
                    if (Result<bool> weighed = setIngressWeight(step.weight); !weighed)
                        return withdraw(failed(weighed.error()));
                    m_trafficMoved = m_trafficMoved || step.weight > 0;
                    log(QStringLiteral("canary weight %1% (exact: Ingress %2 sends it to %3)")
                            .arg(step.weight)
                            .arg(twinName, canaryName));
                    break;
                }
                const cluster::WeightSplit split = cluster::splitReplicas(replicas, step.weight);
                m_trafficMoved = m_trafficMoved || split.canary > 0;
                log(QStringLiteral("canary weight %1% → %2 of %3 replicas (%4%)")
                        .arg(step.weight)
                        .arg(split.canary)
                        .arg(split.canary + split.stable)
                        .arg(qRound(split.effectiveWeight)));
                const auto scaleStable = [&]() -> std::optional<Outcome> {
                    if (Result<bool> scaled = scaleWorkload(stableName, split.stable); !scaled)
                        return withdraw(failed(scaled.error()));
                    if (const kube::RolloutVerdict verdict =
                            followDeployment(stableName, percent, percent);
                        !isDone(verdict))
                        return withdraw(unfinished(verdict));
                    return std::nullopt;
                };
                // The side that grows goes first, so the pair never runs short.
                if (canaryExists && split.canary < canaryReplicas) {
                    if (const std::optional<Outcome> stopped = scaleStable())
                        return *stopped;
                    if (Result<bool> scaled = scaleWorkload(canaryName, split.canary); !scaled)
                        return withdraw(failed(scaled.error()));
                    canaryReplicas = split.canary;
                    break;
                }
                if (!canaryExists) {
                    if (const Result<QJsonObject> applied = apply(cluster::trackDeployment(
                            objects, canaryTrack, split.canary, to.number, to.image));
                        !applied)
                        return withdraw(failed(applied.error()));
                    canaryExists = true;
                } else if (Result<bool> scaled = scaleWorkload(canaryName, split.canary); !scaled) {
                    return withdraw(failed(scaled.error()));
                }
                canaryReplicas = split.canary;
                if (const std::optional<QString> notReady = awaitCanary()) {
                    if (cancelled())
                        return withdraw({false, QStringLiteral("cancelled")});
                    // The stable keeps serving in full until the canary can take its share.
                    log(QStringLiteral("%1 is not ready (%2): %3 keeps its replicas, and the "
                                       "steps that follow judge the canary")
                            .arg(canaryName, *notReady, stableName));
                    break;
                }
                if (const std::optional<Outcome> stopped = scaleStable())
                    return *stopped;
                break;
            }
            case StrategyStep::Kind::Pause: {
                if (const Outcome paused = pauseStep(step, done + 1); !paused.ok)
                    return withdraw(paused);
                break;
            }
            case StrategyStep::Kind::Analysis: {
                const auto found = std::find_if(
                    strategy.analyses.begin(), strategy.analyses.end(),
                    [&](const AnalysisTemplate& a) { return a.name == step.analysis; });
                if (found == strategy.analyses.end())
                    return withdraw(
                        {false, QStringLiteral("no analysis named '%1'").arg(step.analysis)});
                if (const Outcome analysed =
                        runAnalysis(*found, readerFor(found->name, canaryTrack));
                    !analysed.ok)
                    return withdraw(analysed);
                break;
            }
            }
            ++done;
            progress(40 + 33 * done / qMax(1, steps));
        }

        // Promotion: the stable Deployment takes the new template with all its replicas, then
        // the canary's traffic and pods go.
        if (const Result<QJsonObject> applied =
                apply(cluster::trackDeployment(objects, stable, replicas, to.number, to.image));
            !applied)
            return failed(applied.error());
        m_trafficMoved = true;
        if (const kube::RolloutVerdict verdict = followDeployment(stableName, 73, 74);
            !isDone(verdict))
            return unfinished(verdict);
        if (byIngress) {
            if (Result<bool> weighed = setIngressWeight(0); !weighed)
                return failed(weighed.error());
        }
        note(removeObject(QStringLiteral("Deployment"), canaryName));
        m_switchedAt = QDateTime::currentDateTimeUtc();
        log(QStringLiteral("canary promoted: revision %1 takes all traffic").arg(to.number));
        progress(74);
        return {true, {}};
    };

    switch (m_subject.strategy) {
    case Strategy::Type::Recreate:
        log(QStringLiteral("recreate: Kubernetes stops the old pods before it starts the new "
                           "ones; the application is unreachable until they are ready"));
        return rollOutStable(stable);
    case Strategy::Type::Rolling:
        log(QStringLiteral("rolling update by the Deployment itself (max surge %1, max "
                           "unavailable %2)")
                .arg(strategy.maxSurge)
                .arg(strategy.maxUnavailable));
        return rollOutStable(stable);
    case Strategy::Type::BlueGreen:
        return blueGreen();
    case Strategy::Type::Canary:
        return canary();
    }
    return {false, QStringLiteral("unknown strategy")};
}

} // namespace launchdeck::deploy

// kube-linter's default checks on pods and containers (security context, host namespaces and
// mounts, images, secrets, resources) and on the objects around them (disruption budgets, Jobs,
// API versions), each object on its own. Those that relate objects to each other (service
// accounts, what a budget selects) are in kubefacts.cpp.
#include "core/units.h"
#include "policy/kubefacts.h"
#include "policy/kubepolicy.h"
#include "policy/kubereporter.h"
#include "policy/kubeworkload.h"
#include "policy/policypredicates.h"

#include <QSet>

namespace launchdeck {

namespace {

using namespace kubecheck;

QString capabilityName(const YAML::Node& node)
{
    QString name = text(node).trimmed().toUpper();
    if (name.startsWith(u"CAP_"))
        name.remove(0, 4);
    return name;
}

class PolicyChecker final
{
public:
    PolicyChecker(const QList<KubeObject>& objects, ValidationLevel level, Diagnostics& out)
        : m_objects(objects)
        , m_report(objects, out, level)
        , m_index(objects)
    {}

    void run()
    {
        for (int i = 0; i < m_objects.size(); ++i) {
            const KubeObject& object = m_objects[i];
            if (object.apiVersion.startsWith(u"extensions/v1beta")) {
                m_report.report(Rule::NoExtensionsV1beta, i, child(object.node, "apiVersion"),
                                QStringLiteral("uses %1, which Kubernetes 1.16 removed; use "
                                               "apps/v1 or networking.k8s.io/v1")
                                    .arg(object.apiVersion));
            }
            if (object.kind == u"PodDisruptionBudget")
                checkDisruptionBudget(i);
        }
        for (const Workload& workload : m_index.workloads()) {
            checkPod(workload);
            checkHostMounts(workload);
            for (const Container& container : workload.containers)
                checkContainer(workload, container);
            checkAntiAffinity(workload);
            checkJobTtl(workload);
        }
    }

private:
    void flagIfTrue(Rule rule, int object, const YAML::Node& node, const QString& message)
    {
        if (isTrue(node))
            m_report.report(rule, object, node, message);
    }

    void checkPod(const Workload& workload)
    {
        const int object = workload.object;
        const YAML::Node spec = workload.podSpec;
        flagIfTrue(Rule::HostNetwork, object, child(spec, "hostNetwork"),
                   QStringLiteral("shares the host's network namespace (hostNetwork: true)"));
        flagIfTrue(Rule::HostPid, object, child(spec, "hostPID"),
                   QStringLiteral("shares the host's process namespace (hostPID: true)"));
        flagIfTrue(Rule::HostIpc, object, child(spec, "hostIPC"),
                   QStringLiteral("shares the host's IPC namespace (hostIPC: true)"));

        const YAML::Node sysctls = child(child(spec, "securityContext"), "sysctls");
        if (sysctls.IsSequence()) {
            static constexpr QStringView kUnsafe[] = {u"kernel.msg", u"kernel.sem", u"kernel.shm",
                                                      u"fs.mqueue.", u"net."};
            for (const YAML::Node& sysctl : sysctls) {
                const YAML::Node nameNode = child(sysctl, "name");
                const QString name = text(nameNode);
                for (const QStringView prefix : kUnsafe) {
                    if (name.startsWith(prefix)) {
                        m_report.report(Rule::UnsafeSysctls, object, nameNode,
                                        QStringLiteral("sets the unsafe sysctl '%1'").arg(name));
                        break;
                    }
                }
            }
        }

        const YAML::Node deprecated = child(spec, "serviceAccount");
        if (!text(deprecated).isEmpty()) {
            m_report.report(Rule::DeprecatedServiceAccountField, object, deprecated,
                            QStringLiteral("uses the deprecated serviceAccount field; use "
                                           "serviceAccountName"));
        }
    }

    void checkHostMounts(const Workload& workload)
    {
        QHash<QString, QString> hostPaths; // volume name -> host path
        const YAML::Node volumes = child(workload.podSpec, "volumes");
        if (volumes.IsSequence()) {
            for (const YAML::Node& volume : volumes) {
                const YAML::Node path = child(child(volume, "hostPath"), "path");
                if (path.IsDefined())
                    hostPaths.insert(text(child(volume, "name")), text(path));
            }
        }
        if (hostPaths.isEmpty())
            return;
        for (const Container& container : workload.containers) {
            const YAML::Node mounts = child(container.node, "volumeMounts");
            if (!mounts.IsSequence())
                continue;
            for (const YAML::Node& mount : mounts) {
                const YAML::Node nameNode = child(mount, "name");
                const auto it = hostPaths.constFind(text(nameNode));
                if (it == hostPaths.constEnd())
                    continue;
                if (isDockerSocketPath(*it)) {
                    m_report.report(Rule::DockerSock, workload.object, nameNode,
                                    QStringLiteral("%1 mounts the Docker socket (host path '%2', "
                                                   "volume '%3')")
                                        .arg(container.describe(), *it, it.key()));
                } else if (isSensitiveHostPath(*it)) {
                    m_report.report(Rule::SensitiveHostMounts, workload.object, nameNode,
                                    QStringLiteral("%1 mounts the sensitive host path '%2' "
                                                   "(volume '%3')")
                                        .arg(container.describe(), *it, it.key()));
                }
            }
        }
    }

    void checkContainer(const Workload& workload, const Container& container)
    {
        const int object = workload.object;
        const QString who = container.describe();
        const YAML::Node context = child(container.node, "securityContext");
        const YAML::Node podContext = child(workload.podSpec, "securityContext");

        const YAML::Node image = child(container.node, "image");
        if (image.IsScalar() && isLatestTag(text(image))) {
            const bool untagged = !text(image).endsWith(u":latest");
            m_report.report(Rule::LatestTag, object, image,
                            QStringLiteral("%1 uses image '%2' %3; pin a version")
                                .arg(who, text(image),
                                     untagged ? QStringLiteral("without a tag (so 'latest')")
                                              : QStringLiteral("with the 'latest' tag")));
        }

        const YAML::Node privileged = child(context, "privileged");
        flagIfTrue(Rule::PrivilegedContainer, object, privileged,
                   who + QStringLiteral(" runs privileged"));

        const YAML::Node capabilities = child(context, "capabilities");
        const YAML::Node added = child(capabilities, "add");
        std::optional<YAML::Node> sysAdmin; // optional: assigning a yaml-cpp node rewrites it
        std::optional<YAML::Node> netRawAdded;
        if (added.IsSequence()) {
            for (const YAML::Node& capability : added) {
                const QString name = capabilityName(capability);
                if (name == u"SYS_ADMIN" && !sysAdmin)
                    sysAdmin.emplace(capability);
                if ((name == u"NET_RAW" || name == u"ALL") && !netRawAdded)
                    netRawAdded.emplace(capability);
            }
        }
        const YAML::Node escalation = child(context, "allowPrivilegeEscalation");
        if (isTrue(escalation)) {
            m_report.report(Rule::PrivilegeEscalationContainer, object, escalation,
                            who + QStringLiteral(" allows privilege escalation"));
        } else if (isTrue(privileged)) {
            m_report.report(Rule::PrivilegeEscalationContainer, object, privileged,
                            who + QStringLiteral(" is privileged, which allows privilege "
                                                 "escalation"));
        } else if (sysAdmin) {
            m_report.report(Rule::PrivilegeEscalationContainer, object, *sysAdmin,
                            who + QStringLiteral(" adds SYS_ADMIN, which allows privilege "
                                                 "escalation"));
        }

        if (netRawAdded) {
            m_report.report(Rule::DropNetRawCapability, object, *netRawAdded,
                            QStringLiteral("%1 adds the capability %2, which includes NET_RAW")
                                .arg(who, text(*netRawAdded)));
        } else {
            const YAML::Node dropped = child(capabilities, "drop");
            bool drops = false;
            if (dropped.IsSequence()) {
                for (const YAML::Node& capability : dropped) {
                    const QString name = capabilityName(capability);
                    drops = drops || name == u"NET_RAW" || name == u"ALL";
                }
            }
            if (!drops) {
                m_report.report(Rule::DropNetRawCapability, object,
                                either(dropped, container.nameNode),
                                who + QStringLiteral(" does not drop NET_RAW"));
            }
        }

        checkRunAsNonRoot(object, container, context, podContext);

        const YAML::Node readOnly = child(context, "readOnlyRootFilesystem");
        if (!isTrue(readOnly)) {
            m_report.report(Rule::NoReadOnlyRootFs, object, either(readOnly, container.nameNode),
                            who + QStringLiteral(" does not have a read-only root filesystem"));
        }

        checkEnvironment(object, container);
        checkResources(object, container);

        const YAML::Node ports = child(container.node, "ports");
        if (ports.IsSequence()) {
            for (const YAML::Node& port : ports) {
                const YAML::Node number = child(port, "containerPort");
                const QString protocol = text(child(port, "protocol"));
                if (integerOf(number) == 22 && (protocol.isEmpty() || protocol == u"TCP")) {
                    m_report.report(Rule::SshPort, object, number,
                                    who + QStringLiteral(" exposes port 22 (SSH)"));
                }
            }
        }
    }

    void checkRunAsNonRoot(int object, const Container& container, const YAML::Node& context,
                           const YAML::Node& podContext)
    {
        // The container's settings override the pod's, field by field.
        const YAML::Node userNode =
            either(child(context, "runAsUser"), child(podContext, "runAsUser"));
        const YAML::Node nonRootNode =
            either(child(context, "runAsNonRoot"), child(podContext, "runAsNonRoot"));
        const auto user = integerOf(userNode);
        if (user && *user == 0) {
            m_report.report(Rule::RunAsNonRoot, object, userNode,
                            container.describe() + QStringLiteral(" runs as user 0 (root)"));
            return;
        }
        if ((user && *user > 0) || isTrue(nonRootNode))
            return;
        m_report.report(Rule::RunAsNonRoot, object,
                        isFalse(nonRootNode) ? nonRootNode : container.nameNode,
                        container.describe() +
                            QStringLiteral(" is not set to run as non-root; set runAsNonRoot: "
                                           "true or a runAsUser above 0"));
    }

    void checkEnvironment(int object, const Container& container)
    {
        const YAML::Node env = child(container.node, "env");
        if (!env.IsSequence())
            return;
        for (const YAML::Node& variable : env) {
            const QString name = text(child(variable, "name"));
            const YAML::Node value = child(variable, "value");
            // The value itself never goes into the message: it may be the credential.
            if (!text(value).isEmpty() && looksLikeSecretEnvName(name)) {
                m_report.report(Rule::EnvVarSecret, object, value,
                                QStringLiteral("%1 sets '%2' to a literal value; use "
                                               "valueFrom.secretKeyRef")
                                    .arg(container.describe(), name));
            }
        }
    }

    void checkResources(int object, const Container& container)
    {
        const YAML::Node resources = child(container.node, "resources");
        const YAML::Node cpu = child(child(resources, "requests"), "cpu");
        const auto cpuQuantity = parseQuantity(text(cpu));
        if (!cpu.IsDefined() || (cpuQuantity && cpuQuantity->milli == 0)) {
            m_report.report(Rule::UnsetCpuRequirements, object, either(cpu, container.nameNode),
                            container.describe() + QStringLiteral(" sets no CPU request"));
        }
        const YAML::Node memory = child(child(resources, "limits"), "memory");
        const auto memoryQuantity = parseQuantity(text(memory));
        if (!memory.IsDefined() || (memoryQuantity && memoryQuantity->milli == 0)) {
            m_report.report(Rule::UnsetMemoryRequirements, object,
                            either(memory, container.nameNode),
                            container.describe() + QStringLiteral(" sets no memory limit"));
        }
    }

    void checkAntiAffinity(const Workload& workload)
    {
        if (!workload.replicas || *workload.replicas < 2)
            return;
        const YAML::Node antiAffinity =
            child(child(workload.podSpec, "affinity"), "podAntiAffinity");
        QList<YAML::Node> terms;
        const YAML::Node required =
            child(antiAffinity, "requiredDuringSchedulingIgnoredDuringExecution");
        if (required.IsSequence()) {
            for (const YAML::Node& term : required)
                terms.append(term);
        }
        const YAML::Node preferred =
            child(antiAffinity, "preferredDuringSchedulingIgnoredDuringExecution");
        if (preferred.IsSequence()) {
            for (const YAML::Node& weighted : preferred)
                terms.append(child(weighted, "podAffinityTerm"));
        }
        for (const YAML::Node& term : terms) {
            const LabelSelector selector =
                LabelSelector::fromLabelSelector(child(term, "labelSelector"));
            if (text(child(term, "topologyKey")) == u"kubernetes.io/hostname" &&
                !selector.isEmpty() && selector.matches(workload.labels))
                return;
        }
        m_report.report(Rule::NoAntiAffinity, workload.object, workload.replicasNode,
                        QStringLiteral("has %1 replicas but no pod anti-affinity on "
                                       "kubernetes.io/hostname selecting its pods; they may all "
                                       "run on one node")
                            .arg(*workload.replicas));
    }

    void checkJobTtl(const Workload& workload)
    {
        const KubeObject& object = m_objects[workload.object];
        const YAML::Node spec = child(object.node, "spec");
        if (object.kind == u"Job") {
            if (child(child(object.node, "metadata"), "ownerReferences").IsDefined())
                return; // created by a controller, which cleans up after it
            if (!child(spec, "ttlSecondsAfterFinished").IsDefined()) {
                m_report.report(Rule::JobTtlSecondsAfterFinished, workload.object, spec,
                                QStringLiteral("sets no ttlSecondsAfterFinished; the finished Job "
                                               "and its pods stay until deleted"));
            }
        } else if (object.kind == u"CronJob") {
            const YAML::Node ttl =
                child(child(child(spec, "jobTemplate"), "spec"), "ttlSecondsAfterFinished");
            if (ttl.IsDefined()) {
                m_report.report(Rule::JobTtlSecondsAfterFinished, workload.object, ttl,
                                QStringLiteral("its Jobs set ttlSecondsAfterFinished, which "
                                               "fights the CronJob's successfulJobsHistoryLimit "
                                               "and failedJobsHistoryLimit"));
            }
        }
    }

    void checkDisruptionBudget(int index)
    {
        const KubeObject& budget = m_objects[index];
        const YAML::Node spec = child(budget.node, "spec");
        if (!child(spec, "unhealthyPodEvictionPolicy").IsDefined()) {
            m_report.report(Rule::PdbUnhealthyPodEvictionPolicy, index, spec,
                            QStringLiteral("does not set unhealthyPodEvictionPolicy; a crashing "
                                           "pod can block node drains (set AlwaysAllow)"));
        }
    }

    const QList<KubeObject>& m_objects;
    Reporter m_report;
    WorkloadIndex m_index;
};

} // namespace

namespace kubecheck {

void checkObjectPolicies(const QList<KubeObject>& objects, ValidationLevel level, Diagnostics& out)
{
    PolicyChecker(objects, level, out).run();
}

} // namespace kubecheck

} // namespace launchdeck

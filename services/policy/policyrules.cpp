// The registry of Kubernetes rules (names, severities, levels, the reasons for them) and the
// reporter every check writes through.
#include "policy/kubereporter.h"
#include "policy/kubeworkload.h"

#include <array>

namespace launchdeck {

namespace {

using kubecheck::Rule;

PolicyRule semanticRule(const char16_t* name, Severity severity, const char16_t* description,
                        const char16_t* remediation)
{
    return {QString::fromUtf16(name),        severity,
            ValidationLevel::Standard,       true,
            QString::fromUtf16(description), QString::fromUtf16(remediation)};
}

// Critical rules run from basic on, high and medium from standard, low and info at strict.
PolicyRule policyRule(const char16_t* name, Severity severity, const char16_t* description,
                      const char16_t* remediation)
{
    const ValidationLevel level = severity == Severity::Critical ? ValidationLevel::Basic
                                  : severity <= Severity::Medium ? ValidationLevel::Standard
                                                                 : ValidationLevel::Strict;
    return {QString::fromUtf16(name),       severity, level, false, QString::fromUtf16(description),
            QString::fromUtf16(remediation)};
}

QList<PolicyRule> buildRules()
{
    const std::array rules{
        semanticRule(u"mismatching-selector", Severity::High,
                     u"A workload's selector does not select the pods of its own template: the "
                     u"API server refuses it. Reported in the API server's words with its other "
                     u"refusals, at every level; an ignore annotation cannot hide a refusal.",
                     u"Make spec.selector match the labels of spec.template.metadata."),
        semanticRule(u"dangling-service", Severity::Medium,
                     u"A Service selects no pods of any workload in the set, so it has no "
                     u"endpoints. Only checked when the set holds workloads: a file of Services "
                     u"alone may front workloads applied from elsewhere. Medium: traffic fails, "
                     u"but nothing else breaks.",
                     u"Make the Service's selector match the pod labels of a workload."),
        semanticRule(u"invalid-target-ports", Severity::High,
                     u"A Service's targetPort (a number, or a port name) is not a port of the "
                     u"pods it selects.",
                     u"Point targetPort at a declared containerPort or container port name."),
        semanticRule(u"bad-quantity", Severity::High,
                     u"A resource quantity that does not parse (\"512MB\" instead of \"512M\" or "
                     u"\"512Mi\"), or is negative.",
                     u"Write quantities as Kubernetes does: 250m, 0.5, 512Mi, 2G."),
        semanticRule(u"liveness-port", Severity::High,
                     u"A liveness probe targets a port its container does not declare: the "
                     u"kubelet restarts the container forever.",
                     u"Probe a declared containerPort or port name of the same container."),
        semanticRule(u"readiness-port", Severity::High,
                     u"A readiness probe targets a port its container does not declare: the "
                     u"pod never becomes ready.",
                     u"Probe a declared containerPort or port name of the same container."),
        semanticRule(u"startup-port", Severity::High,
                     u"A startup probe targets a port its container does not declare: the "
                     u"container never starts.",
                     u"Probe a declared containerPort or port name of the same container."),
        semanticRule(u"duplicate-env-var", Severity::High,
                     u"A container sets the same environment variable twice; only the last "
                     u"value takes effect.",
                     u"Keep one entry per variable name."),
        semanticRule(u"duplicate-resource", Severity::High,
                     u"Two objects of the same kind share a name in one namespace; applying the "
                     u"set silently keeps only the last.",
                     u"Rename one of them or remove the copy."),
        policyRule(u"privileged-container", Severity::Critical,
                   u"A container runs privileged: it has every capability and the host's "
                   u"devices.",
                   u"Do not run containers as privileged; add the one capability needed."),
        policyRule(u"docker-sock", Severity::Critical,
                   u"A container mounts the Docker socket, which gives full control of the host.",
                   u"Remove the hostPath volume and its volumeMount."),
        policyRule(u"host-pid", Severity::Critical, u"The pod shares the host's process namespace.",
                   u"Remove hostPID: true."),
        policyRule(u"host-network", Severity::Critical,
                   u"The pod shares the host's network namespace.", u"Remove hostNetwork: true."),
        policyRule(u"sensitive-host-mounts", Severity::Critical,
                   u"A container mounts a sensitive host directory (/, /etc, /proc, /sys, /dev, "
                   u"/boot, /root, /var/lib/kubelet, runtime sockets, ...).",
                   u"Remove those hostPath volumes and their volumeMounts."),
        policyRule(u"privilege-escalation-container", Severity::High,
                   u"A container allows privilege escalation: allowPrivilegeEscalation: true, "
                   u"privileged, or the SYS_ADMIN capability.",
                   u"Set allowPrivilegeEscalation: false, privileged: false and drop "
                   u"SYS_ADMIN."),
        policyRule(u"host-ipc", Severity::High, u"The pod shares the host's IPC namespace.",
                   u"Remove hostIPC: true."),
        policyRule(u"run-as-non-root", Severity::High,
                   u"A container may run as root: neither runAsNonRoot: true nor a runAsUser "
                   u"above 0 is set for it or its pod, or runAsUser is 0.",
                   u"Set runAsNonRoot: true and a non-zero runAsUser in the pod or container "
                   u"securityContext."),
        policyRule(u"latest-tag", Severity::High,
                   u"A container image has no tag or the tag 'latest', so what runs changes "
                   u"under the same manifest and rollbacks do not roll back.",
                   u"Pin a version tag or a digest."),
        policyRule(u"env-var-secret", Severity::High,
                   u"An environment variable named like a credential (SECRET, PASSWORD, TOKEN, "
                   u"KEY, ...) holds a literal value in the manifest.",
                   u"Use valueFrom.secretKeyRef or mount the Secret as a file."),
        policyRule(u"unsafe-sysctls", Severity::High,
                   u"The pod sets unsafe sysctls (kernel.msg*, kernel.sem, kernel.shm*, "
                   u"fs.mqueue.*, net.*).",
                   u"Remove the unsafe sysctls, or run such pods on dedicated nodes."),
        policyRule(u"non-existent-service-account", Severity::High,
                   u"A pod names a ServiceAccount the set does not define; the controller "
                   u"cannot create the pods. Only checked when the set defines ServiceAccounts. "
                   u"High: the deploy fails.",
                   u"Create the ServiceAccount, or name an existing one."),
        policyRule(u"no-extensions-v1beta", Severity::High,
                   u"The object uses an extensions/v1beta* API, removed in Kubernetes 1.16. "
                   u"High rather than info: current clusters refuse the object.",
                   u"Migrate to apps/v1 or networking.k8s.io/v1."),
        policyRule(u"unset-cpu-requirements", Severity::Medium,
                   u"A container sets no CPU request, so the scheduler places it blindly.",
                   u"Set resources.requests.cpu."),
        policyRule(u"unset-memory-requirements", Severity::Medium,
                   u"A container sets no memory limit, so one leak can starve its node.",
                   u"Set resources.limits.memory."),
        policyRule(u"no-read-only-root-fs", Severity::Medium,
                   u"A container's root filesystem is writable.",
                   u"Set readOnlyRootFilesystem: true; mount emptyDir volumes where it writes."),
        policyRule(u"drop-net-raw-capability", Severity::Medium,
                   u"A container keeps (or adds) NET_RAW, which allows spoofing packets on the "
                   u"node's network. Medium: a default capability, dangerous only in concert.",
                   u"Drop NET_RAW (or ALL) in securityContext.capabilities.drop."),
        policyRule(u"ssh-port", Severity::Medium,
                   u"A container exposes TCP port 22. Medium: often a real SSH server, which "
                   u"should have been vetted.",
                   u"Do not serve SSH from a pod; use kubectl exec."),
        policyRule(u"no-anti-affinity", Severity::Low,
                   u"A workload with more than one replica sets no pod anti-affinity on "
                   u"kubernetes.io/hostname, so all replicas may land on one node.",
                   u"Add a podAntiAffinity term selecting the workload's pods with topologyKey "
                   u"kubernetes.io/hostname."),
        policyRule(u"job-ttl-seconds-after-finished", Severity::Low,
                   u"A standalone Job sets no ttlSecondsAfterFinished, so finished Jobs pile "
                   u"up; or a CronJob's Job sets one, which fights the CronJob's history "
                   u"limits.",
                   u"Set ttlSecondsAfterFinished on standalone Jobs only."),
        policyRule(u"pdb-max-unavailable", Severity::Low,
                   u"A PodDisruptionBudget allows 0 unavailable pods of a workload in the set, "
                   u"which blocks every node drain.",
                   u"Set maxUnavailable to 1 or more."),
        policyRule(u"pdb-min-available", Severity::Low,
                   u"A PodDisruptionBudget's minAvailable is not below the replicas of a "
                   u"workload in the set, which blocks every node drain.",
                   u"Set minAvailable below the workload's replicas."),
        policyRule(u"pdb-unhealthy-pod-eviction-policy", Severity::Low,
                   u"A PodDisruptionBudget does not set unhealthyPodEvictionPolicy, so a crashing "
                   u"pod can block a drain. Judged on the budget alone, as kube-linter does.",
                   u"Set unhealthyPodEvictionPolicy: AlwaysAllow."),
        policyRule(u"deprecated-service-account-field", Severity::Info,
                   u"The pod uses the deprecated serviceAccount field.",
                   u"Use serviceAccountName."),
    };
    static_assert(rules.size() == static_cast<size_t>(Rule::Count),
                  "one registry entry per kubecheck::Rule, in the same order");
    return QList<PolicyRule>(rules.begin(), rules.end());
}

} // namespace

const QList<PolicyRule>& kubePolicyRules()
{
    static const QList<PolicyRule> rules = buildRules();
    return rules;
}

const PolicyRule* findKubePolicyRule(QStringView name)
{
    for (const PolicyRule& rule : kubePolicyRules()) {
        if (rule.name == name)
            return &rule;
    }
    return nullptr;
}

QString kubeLinterIgnoreAnnotation(const QString& rule)
{
    return QStringLiteral("ignore-check.kube-linter.io/") + rule;
}

namespace kubecheck {

const PolicyRule& ruleOf(Rule rule)
{
    return kubePolicyRules().at(static_cast<qsizetype>(rule));
}

Reporter::Reporter(const QList<KubeObject>& objects, Diagnostics& out,
                   std::optional<ValidationLevel> level)
    : m_objects(objects)
    , m_out(out)
    , m_level(level)
{}

bool Reporter::runs(Rule rule) const
{
    const PolicyRule& entry = ruleOf(rule);
    if (!m_level)
        return entry.semantic;
    return !entry.semantic && *m_level >= entry.minimumLevel;
}

bool Reporter::ignores(const KubeObject& object, const PolicyRule& rule) const
{
    // Looked up only when there is a finding, so clean objects cost nothing here.
    const YAML::Node annotations = child(child(object.node, "metadata"), "annotations");
    if (!annotations.IsMap())
        return false;
    const std::string key = kubeLinterIgnoreAnnotation(rule.name).toStdString();
    for (const auto& entry : annotations) {
        if (!entry.first.IsScalar())
            continue;
        const std::string& name = entry.first.Scalar();
        if (name == key || name == "kube-linter.io/ignore-all")
            return true;
    }
    return false;
}

void Reporter::report(Rule rule, int object, const YAML::Node& at, const QString& message)
{
    if (!runs(rule))
        return;
    const PolicyRule& entry = ruleOf(rule);
    const KubeObject& subject = m_objects.at(object);
    if (ignores(subject, entry))
        return;
    m_out.append(diagnosticAt(subject.path, at.IsDefined() ? at : subject.node, entry.severity,
                              entry.name, subject.displayName() + u": " + message));
}

} // namespace kubecheck

} // namespace launchdeck

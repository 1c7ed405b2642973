// Internal to the Kubernetes checks: the rule identifiers, in registry order, and the reporter
// that names objects, honours kube-linter's ignore annotations and the validation level.
#pragma once

#include "core/diagnostic.h"
#include "core/kubeobject.h"
#include "policy/kubepolicy.h"

#include <optional>

namespace launchdeck::kubecheck {

// The order is the order of kubePolicyRules(); policyrules.cpp asserts both have the same size.
enum class Rule {
    // Semantic checks
    MismatchingSelector,
    DanglingService,
    InvalidTargetPorts,
    BadQuantity,
    LivenessPort,
    ReadinessPort,
    StartupPort,
    DuplicateEnvVar,
    DuplicateResource,
    // Policy checks
    PrivilegedContainer,
    DockerSock,
    HostPid,
    HostNetwork,
    SensitiveHostMounts,
    PrivilegeEscalationContainer,
    HostIpc,
    RunAsNonRoot,
    LatestTag,
    EnvVarSecret,
    UnsafeSysctls,
    NonExistentServiceAccount,
    NoExtensionsV1beta,
    UnsetCpuRequirements,
    UnsetMemoryRequirements,
    NoReadOnlyRootFs,
    DropNetRawCapability,
    SshPort,
    NoAntiAffinity,
    JobTtlSecondsAfterFinished,
    PdbMaxUnavailable,
    PdbMinAvailable,
    PdbUnhealthyPodEvictionPolicy,
    DeprecatedServiceAccountField,
    Count
};

const PolicyRule& ruleOf(Rule rule);

class Reporter final
{
public:
    // `level` empty: semantic checks, which the caller gates; set: policy checks at that level.
    Reporter(const QList<KubeObject>& objects, Diagnostics& out,
             std::optional<ValidationLevel> level);

    bool runs(Rule rule) const;
    // Appends "<Kind>/<name>: <message>" at `at` (the object itself when `at` is undefined),
    // unless the rule does not run or the object opts out of it.
    void report(Rule rule, int object, const YAML::Node& at, const QString& message);

    const QList<KubeObject>& objects() const { return m_objects; }

private:
    bool ignores(const KubeObject& object, const PolicyRule& rule) const;

    const QList<KubeObject>& m_objects;
    Diagnostics& m_out;
    std::optional<ValidationLevel> m_level;
};

} // namespace launchdeck::kubecheck

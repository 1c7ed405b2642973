// Compose policies: per-service judgements about privileges, host access, secrets and limits.
#include "compose/composepolicies.h"

#include "compose/composefile.h"
#include "compose/composeinterpolation.h"
#include "core/units.h"
#include "core/yamlsource.h"
#include "policy/policypredicates.h"

namespace launchdeck {

namespace {

class ServicePolicies
{
public:
    ServicePolicies(const QString& path, const ComposeService& service, Diagnostics& out)
        : m_path(path)
        , m_service(service)
        , m_out(out)
    {}

    void run()
    {
        checkImage();
        checkFlag("privileged", u"true", Severity::Critical, "privileged-container",
                  QStringLiteral("runs privileged: it has every capability and all host devices"));
        checkFlag("network_mode", u"host", Severity::Critical, "host-network",
                  QStringLiteral("shares the host's network namespace (network_mode: host)"));
        checkFlag("pid", u"host", Severity::Critical, "host-pid",
                  QStringLiteral("shares the host's process namespace (pid: host)"));
        checkFlag("ipc", u"host", Severity::High, "host-ipc",
                  QStringLiteral("shares the host's IPC namespace (ipc: host)"));
        checkMounts();
        checkEnvironment();
        checkSshPort();
        checkResources();
        checkHardening();
    }

private:
    void add(const YAML::Node& at, Severity severity, const char* rule, const QString& message)
    {
        m_out.append(diagnosticAt(m_path, at.IsDefined() ? at : m_service.key, severity,
                                  QLatin1String(rule),
                                  QStringLiteral("service '%1' %2").arg(m_service.name, message)));
    }

    void checkImage()
    {
        const YAML::Node node = field(m_service.node, "image");
        const auto image = composeScalar(node);
        if (!image || hasComposeInterpolation(*image))
            return;
        if (isLatestTag(*image)) {
            add(node, Severity::High, "latest-tag",
                QStringLiteral("uses image '%1' without a pinned tag; a redeploy may run "
                               "different code (pin a version or a digest)")
                    .arg(*image));
        }
    }

    void checkFlag(const char* key, QStringView value, Severity severity, const char* rule,
                   const QString& message)
    {
        const YAML::Node node = field(m_service.node, key);
        if (composeScalar(node) == value)
            add(node, severity, rule, message);
    }

    void checkMounts()
    {
        for (const ComposeMount& mount : composeMounts(m_service)) {
            if (mount.type != ComposeMount::Type::Bind)
                continue;
            if (isDockerSocketPath(mount.source)) {
                add(mount.node, Severity::Critical, "docker-sock",
                    QStringLiteral("mounts the Docker socket '%1': that is root on the host")
                        .arg(mount.source));
            } else if (isSensitiveHostPath(mount.source)) {
                add(mount.node, Severity::Critical, "sensitive-host-mounts",
                    QStringLiteral("mounts the sensitive host path '%1'").arg(mount.source));
            }
        }
    }

    void checkEnvironment()
    {
        for (const ComposeEnvVar& var : composeEnvironment(m_service)) {
            if (!var.value || var.value->isEmpty() || hasComposeInterpolation(*var.value))
                continue;
            if (looksLikeSecretEnvName(var.name)) {
                add(var.node, Severity::High, "env-var-secret",
                    QStringLiteral("sets '%1' to a literal value in the file; pass it from the "
                                   "environment (${%1}) or use Compose secrets")
                        .arg(var.name));
            }
        }
    }

    void checkSshPort()
    {
        for (const char* key : {"ports", "expose"}) {
            const YAML::Node list = field(m_service.node, key);
            if (!list.IsSequence())
                continue;
            for (const YAML::Node& item : list) {
                int port = 0;
                if (item.IsMap()) {
                    port = composeScalar(field(item, "target")).value_or(QString()).toInt();
                } else if (const auto text = composeScalar(item)) {
                    if (const auto mapping = parsePortMapping(*text))
                        port = mapping->containerPort;
                }
                if (port == 22) {
                    add(item, Severity::Medium, "ssh-port",
                        QStringLiteral("exposes port 22: containers should not run an SSH server"));
                }
            }
        }
    }

    void checkResources()
    {
        const YAML::Node limits =
            field(field(field(m_service.node, "deploy"), "resources"), "limits");
        const bool cpu = field(limits, "cpus").IsDefined() ||
                         field(m_service.node, "cpus").IsDefined() ||
                         field(m_service.node, "cpu_quota").IsDefined();
        const bool memory =
            field(limits, "memory").IsDefined() || field(m_service.node, "mem_limit").IsDefined();
        if (!cpu) {
            add(m_service.key, Severity::Medium, "unset-cpu-requirements",
                QStringLiteral("has no CPU limit (deploy.resources.limits.cpus or cpus)"));
        }
        if (!memory) {
            add(m_service.key, Severity::Medium, "unset-memory-requirements",
                QStringLiteral("has no memory limit (deploy.resources.limits.memory or "
                               "mem_limit)"));
        }
    }

    void checkHardening()
    {
        if (composeScalar(field(m_service.node, "read_only")) != u"true") {
            add(m_service.key, Severity::Low, "no-read-only-root-fs",
                QStringLiteral("has a writable root filesystem (set read_only: true and mount "
                               "tmpfs where it writes)"));
        }
        const YAML::Node health = field(m_service.node, "healthcheck");
        if (!health.IsDefined() || composeScalar(field(health, "disable")) == u"true") {
            add(m_service.key, Severity::Low, "no-healthcheck",
                QStringLiteral("has no healthcheck, so compose cannot tell when it is ready"));
        }
    }

    const QString& m_path;
    const ComposeService& m_service;
    Diagnostics& m_out;
};

} // namespace

void checkComposePolicies(const QString& path, const YAML::Node& document, Diagnostics& out)
{
    for (const ComposeService& service : composeServices(document))
        ServicePolicies(path, service, out).run();
}

bool isStrictOnlyComposeRule(QStringView rule)
{
    return rule == u"no-read-only-root-fs" || rule == u"no-healthcheck";
}

} // namespace launchdeck

// Kubernetes manifests from a template, hardened by default: non-root, read-only root
// filesystem, no privilege escalation, no capabilities, requests and limits, probes.
#include "templates/templaterender.h"

#include <algorithm>

namespace launchdeck::templates {

namespace {

DocNode str(const QString& text, int line = 0)
{
    return DocNode::string(text, line);
}

qint64 seconds(std::chrono::milliseconds duration)
{
    return std::max<qint64>(1, duration.count() / 1000);
}

QString secretName(const ResolvedTemplate& tmpl)
{
    return tmpl.name + QStringLiteral("-secrets");
}

class KubeRenderer
{
public:
    KubeRenderer(const ResolvedTemplate& tmpl, Diagnostics& out, const QString& path)
        : m_tmpl(tmpl)
        , m_out(out)
        , m_path(path)
    {}

    QList<DocNode> render()
    {
        for (const ResolvedResource& r : m_tmpl.resources) {
            switch (r.type) {
            case ResourceType::Compute:
            case ResourceType::Database:
                workload(r);
                break;
            case ResourceType::Storage:
                storage(r);
                break;
            case ResourceType::Network:
                if (r.internal)
                    m_documents.append(internalNetworkPolicy(m_tmpl, r));
                break;
            case ResourceType::LoadBalancer:
                ingress(r);
                break;
            case ResourceType::Monitoring:
                break; // annotations on the scraped pods
            }
        }
        m_documents += exposurePolicies(m_tmpl, m_path);
        outputs();
        return m_documents;
    }

private:
    // Pods that declare a network in `networks` carry its label; NetworkPolicies select them.
    DocNode podLabels(const ResolvedResource& r)
    {
        DocNode labels = commonLabels(m_tmpl, r);
        for (const QString& network : r.networks)
            labels.insert(networkLabel(network), QStringLiteral("true"));
        return labels;
    }

    DocNode probe(const ResolvedResource& r)
    {
        DocNode node = DocNode::map();
        const int line = r.health ? r.health->line : (r.ports.isEmpty() ? 0 : r.ports.first().line);
        if (r.health && r.health->kind == ResolvedHealth::Kind::Http) {
            DocNode& get = node.insert(QStringLiteral("httpGet"), DocNode::map(line));
            get.insert(QStringLiteral("path"), r.health->path);
            get.insert(QStringLiteral("port"), DocNode::number(r.health->port));
        } else if (r.health && r.health->kind == ResolvedHealth::Kind::Command) {
            node.insert(QStringLiteral("exec"), DocNode::map(line))
                .insert(QStringLiteral("command"), kubeStrings(r.health->command));
        } else {
            const int port = r.health ? r.health->port : r.ports.first().container;
            node.insert(QStringLiteral("tcpSocket"), DocNode::map(line))
                .insert(QStringLiteral("port"), DocNode::number(port));
        }
        const ResolvedHealth timing = r.health.value_or(ResolvedHealth{});
        node.insert(QStringLiteral("initialDelaySeconds"),
                    DocNode::number(seconds(timing.initialDelay), line));
        node.insert(QStringLiteral("periodSeconds"),
                    DocNode::number(seconds(timing.interval), line));
        node.insert(QStringLiteral("timeoutSeconds"),
                    DocNode::number(seconds(timing.timeout), line));
        node.insert(QStringLiteral("failureThreshold"), DocNode::number(timing.retries, line));
        return node;
    }

    // Secret variables come from the Secret "<template>-secrets"; a value that mixes them with
    // text refers to them as $(VAR), which Kubernetes expands from earlier variables.
    DocNode environment(const ResolvedResource& r)
    {
        DocNode env = DocNode::sequence();
        QStringList referenced;
        DocNode plain = DocNode::sequence();
        for (const ResolvedEnv& var : r.env) {
            DocNode item = DocNode::map(var.line);
            item.insert(QStringLiteral("name"), var.name);
            if (var.parts.size() == 1 && var.parts.first().secret) {
                DocNode& key = item.insert(QStringLiteral("valueFrom"), DocNode::map())
                                   .insert(QStringLiteral("secretKeyRef"), DocNode::map());
                key.insert(QStringLiteral("name"), secretName(m_tmpl));
                key.insert(QStringLiteral("key"), var.parts.first().text);
                plain.append(item);
                continue;
            }
            QString value;
            for (const EnvPart& part : var.parts) {
                if (part.secret) {
                    const QString alias = QStringLiteral("SECRET_") + part.text.toUpper();
                    if (!referenced.contains(part.text))
                        referenced.append(part.text);
                    value += u"$(" + alias + u')';
                } else {
                    value +=
                        QString(part.text).replace(QStringLiteral("$("), QStringLiteral("$$("));
                }
            }
            item.insert(QStringLiteral("value"), value);
            plain.append(item);
        }
        for (const QString& secret : std::as_const(referenced)) {
            DocNode item = DocNode::map();
            item.insert(QStringLiteral("name"), QStringLiteral("SECRET_") + secret.toUpper());
            DocNode& key = item.insert(QStringLiteral("valueFrom"), DocNode::map())
                               .insert(QStringLiteral("secretKeyRef"), DocNode::map());
            key.insert(QStringLiteral("name"), secretName(m_tmpl));
            key.insert(QStringLiteral("key"), secret);
            env.append(item);
        }
        for (const DocNode& item : plain.items())
            env.append(item);
        return env;
    }

    DocNode resources(const ResolvedResource& r)
    {
        DocNode node = DocNode::map();
        DocNode& requests = node.insert(QStringLiteral("requests"), DocNode::map());
        requests.insert(QStringLiteral("cpu"), r.cpu.text, r.cpu.line);
        requests.insert(QStringLiteral("memory"), r.memory.text, r.memory.line);
        DocNode& limits = node.insert(QStringLiteral("limits"), DocNode::map());
        limits.insert(QStringLiteral("cpu"), r.cpuLimit.text, r.cpuLimit.line);
        limits.insert(QStringLiteral("memory"), r.memoryLimit.text, r.memoryLimit.line);
        return node;
    }

    DocNode container(const ResolvedResource& r, int metricsPort)
    {
        DocNode c = DocNode::map(r.line);
        c.insert(QStringLiteral("name"), r.name);
        c.insert(QStringLiteral("image"), str(r.image, r.source->image.line));
        if (!r.command.isEmpty())
            c.insert(QStringLiteral("command"),
                     kubeStrings(r.command, r.source->command.first().line));
        if (!r.args.isEmpty())
            c.insert(QStringLiteral("args"), kubeStrings(r.args, r.source->args.first().line));
        DocNode ports = DocNode::sequence();
        for (const ResolvedPort& port : r.ports) {
            DocNode item = DocNode::map(port.line);
            item.insert(QStringLiteral("name"), portName(port));
            item.insert(QStringLiteral("containerPort"), DocNode::number(port.container));
            item.insert(QStringLiteral("protocol"), port.protocol.toUpper());
            ports.append(item);
        }
        const bool declared =
            std::any_of(r.ports.begin(), r.ports.end(),
                        [&](const ResolvedPort& p) { return p.container == metricsPort; });
        if (metricsPort > 0 && !declared) {
            DocNode item = DocNode::map();
            item.insert(QStringLiteral("name"), QStringLiteral("metrics"));
            item.insert(QStringLiteral("containerPort"), DocNode::number(metricsPort));
            item.insert(QStringLiteral("protocol"), QStringLiteral("TCP"));
            ports.append(item);
        }
        if (!ports.isEmpty())
            c.insert(QStringLiteral("ports"), ports);
        if (!r.env.isEmpty())
            c.insert(QStringLiteral("env"), environment(r));
        c.insert(QStringLiteral("resources"), resources(r));
        DocNode& security = c.insert(QStringLiteral("securityContext"), DocNode::map());
        security.insert(QStringLiteral("allowPrivilegeEscalation"), DocNode::boolean(false));
        security.insert(QStringLiteral("privileged"), DocNode::boolean(false));
        security.insert(QStringLiteral("readOnlyRootFilesystem"), DocNode::boolean(true));
        security.insert(QStringLiteral("runAsNonRoot"), DocNode::boolean(true));
        security.insert(QStringLiteral("capabilities"), DocNode::map())
            .insert(QStringLiteral("drop"), kubeStrings({QStringLiteral("ALL")}));
        if (r.health || !r.ports.isEmpty()) {
            c.insert(QStringLiteral("livenessProbe"), probe(r));
            c.insert(QStringLiteral("readinessProbe"), probe(r));
        }
        DocNode mounts = DocNode::sequence();
        const auto mount = [&](const QString& name, const QString& path, bool readOnly, int line) {
            DocNode item = DocNode::map(line);
            item.insert(QStringLiteral("name"), name);
            item.insert(QStringLiteral("mountPath"), path);
            if (readOnly)
                item.insert(QStringLiteral("readOnly"), DocNode::boolean(true));
            mounts.append(item);
        };
        mount(QStringLiteral("tmp"), QStringLiteral("/tmp"), false, 0);
        for (qsizetype i = 0; i < r.writablePaths.size(); ++i)
            mount(QStringLiteral("writable-%1").arg(i + 1), r.writablePaths[i], false,
                  r.source->writablePaths.value(i).line);
        for (const ResolvedMount& m : r.mounts)
            mount(m.storage, m.path, m.readOnly, m.line);
        if (r.type == ResourceType::Database)
            mount(QStringLiteral("data"), r.dataPath, false, r.source->dataPath.line);
        c.insert(QStringLiteral("volumeMounts"), mounts);
        return c;
    }

    DocNode podTemplate(const ResolvedResource& r)
    {
        DocNode pod = DocNode::map();
        DocNode& metadata = pod.insert(QStringLiteral("metadata"), DocNode::map());
        metadata.insert(QStringLiteral("labels"), podLabels(r));
        int metricsPort = 0;
        for (const ResolvedResource* monitoring : scrapersOf(m_tmpl, r)) {
            metricsPort = scrapePort(*monitoring, r);
            DocNode& annotations =
                metadata.insert(QStringLiteral("annotations"), DocNode::map(monitoring->line));
            annotations.insert(QStringLiteral("prometheus.io/scrape"), QStringLiteral("true"));
            annotations.insert(QStringLiteral("prometheus.io/port"), QString::number(metricsPort));
            annotations.insert(QStringLiteral("prometheus.io/path"), monitoring->metricsPath);
        }
        DocNode& spec = pod.insert(QStringLiteral("spec"), DocNode::map());
        spec.insert(QStringLiteral("automountServiceAccountToken"), DocNode::boolean(false));
        DocNode& security =
            spec.insert(QStringLiteral("securityContext"), DocNode::map(r.source->user.line));
        security.insert(QStringLiteral("runAsNonRoot"), DocNode::boolean(true));
        security.insert(QStringLiteral("runAsUser"), DocNode::number(r.user));
        security.insert(QStringLiteral("runAsGroup"), DocNode::number(r.user));
        security.insert(QStringLiteral("fsGroup"), DocNode::number(r.user));
        security.insert(QStringLiteral("seccompProfile"), DocNode::map())
            .insert(QStringLiteral("type"), QStringLiteral("RuntimeDefault"));
        if (r.replicas > 1) {
            // Replicas on different nodes survive the loss of one; preferred, so a small
            // cluster still schedules them all.
            DocNode term = DocNode::map();
            term.insert(QStringLiteral("weight"), DocNode::number(100));
            DocNode& affinityTerm = term.insert(QStringLiteral("podAffinityTerm"), DocNode::map());
            affinityTerm.insert(QStringLiteral("labelSelector"), DocNode::map())
                .insert(QStringLiteral("matchLabels"), selectorLabels(m_tmpl, r));
            affinityTerm.insert(QStringLiteral("topologyKey"),
                                QStringLiteral("kubernetes.io/hostname"));
            DocNode terms = DocNode::sequence();
            terms.append(term);
            spec.insert(QStringLiteral("affinity"), DocNode::map(r.source->replicas.line))
                .insert(QStringLiteral("podAntiAffinity"), DocNode::map())
                .insert(QStringLiteral("preferredDuringSchedulingIgnoredDuringExecution"), terms);
        }
        DocNode containers = DocNode::sequence();
        containers.append(container(r, metricsPort));
        spec.insert(QStringLiteral("containers"), containers);
        DocNode volumes = DocNode::sequence();
        const auto emptyDir = [&](const QString& name) {
            DocNode item = DocNode::map();
            item.insert(QStringLiteral("name"), name);
            item.insert(QStringLiteral("emptyDir"), DocNode::map());
            volumes.append(item);
        };
        emptyDir(QStringLiteral("tmp"));
        for (qsizetype i = 0; i < r.writablePaths.size(); ++i)
            emptyDir(QStringLiteral("writable-%1").arg(i + 1));
        for (const ResolvedMount& m : r.mounts) {
            DocNode item = DocNode::map(m.line);
            item.insert(QStringLiteral("name"), m.storage);
            DocNode& claim = item.insert(QStringLiteral("persistentVolumeClaim"), DocNode::map());
            claim.insert(QStringLiteral("claimName"), m.storage);
            if (m.readOnly)
                claim.insert(QStringLiteral("readOnly"), DocNode::boolean(true));
            volumes.append(item);
        }
        spec.insert(QStringLiteral("volumes"), volumes);
        return pod;
    }

    void workload(const ResolvedResource& r)
    {
        const bool database = r.type == ResourceType::Database;
        DocNode root =
            kubeObject(QStringLiteral("apps/v1"),
                       database ? QStringLiteral("StatefulSet") : QStringLiteral("Deployment"),
                       r.name, commonLabels(m_tmpl, r), r.line);
        if (!r.dependencies.isEmpty()) {
            root.find(QStringLiteral("metadata"))
                ->insert(QStringLiteral("annotations"),
                         DocNode::map(r.source->dependencies.first().line))
                .insert(QStringLiteral("launchdeck.io/depends-on"), r.dependencies.join(u','));
        }
        DocNode& spec = root.insert(QStringLiteral("spec"), DocNode::map());
        if (database)
            spec.insert(QStringLiteral("serviceName"), r.name);
        spec.insert(QStringLiteral("replicas"),
                    DocNode::number(r.replicas, r.source->replicas.line));
        spec.insert(QStringLiteral("selector"), DocNode::map())
            .insert(QStringLiteral("matchLabels"), selectorLabels(m_tmpl, r));
        spec.insert(QStringLiteral("template"), podTemplate(r));
        if (database) {
            DocNode claim = DocNode::map(r.storage.line);
            claim.insert(QStringLiteral("metadata"), DocNode::map())
                .insert(QStringLiteral("name"), QStringLiteral("data"));
            DocNode& claimSpec = claim.insert(QStringLiteral("spec"), DocNode::map());
            claimSpec.insert(QStringLiteral("accessModes"),
                             kubeStrings({QStringLiteral("ReadWriteOnce")}));
            claimSpec.insert(QStringLiteral("resources"), DocNode::map())
                .insert(QStringLiteral("requests"), DocNode::map())
                .insert(QStringLiteral("storage"), r.storage.text);
            DocNode claims = DocNode::sequence();
            claims.append(claim);
            spec.insert(QStringLiteral("volumeClaimTemplates"), claims);
        }
        m_documents.append(root);
        if (!r.ports.isEmpty())
            service(r, database);
    }

    void service(const ResolvedResource& r, bool headless)
    {
        DocNode root = kubeObject(QStringLiteral("v1"), QStringLiteral("Service"), r.name,
                                  commonLabels(m_tmpl, r), r.line);
        DocNode& spec = root.insert(QStringLiteral("spec"), DocNode::map());
        // A StatefulSet's governing Service is headless: clients reach the pods by DNS.
        if (headless)
            spec.insert(QStringLiteral("clusterIP"), QStringLiteral("None"));
        spec.insert(QStringLiteral("selector"), selectorLabels(m_tmpl, r));
        DocNode ports = DocNode::sequence();
        for (const ResolvedPort& port : r.ports) {
            DocNode item = DocNode::map(port.line);
            item.insert(QStringLiteral("name"), portName(port));
            item.insert(QStringLiteral("port"),
                        DocNode::number(ResolvedResource::servicePort(port)));
            item.insert(QStringLiteral("targetPort"), portName(port));
            item.insert(QStringLiteral("protocol"), port.protocol.toUpper());
            ports.append(item);
        }
        spec.insert(QStringLiteral("ports"), ports);
        m_documents.append(root);
    }

    void storage(const ResolvedResource& r)
    {
        DocNode root = kubeObject(QStringLiteral("v1"), QStringLiteral("PersistentVolumeClaim"),
                                  r.name, commonLabels(m_tmpl, r), r.line);
        DocNode& spec = root.insert(QStringLiteral("spec"), DocNode::map());
        spec.insert(QStringLiteral("accessModes"),
                    kubeStrings({r.accessMode}, r.source->accessMode.line));
        if (!r.storageClass.isEmpty())
            spec.insert(QStringLiteral("storageClassName"), r.storageClass,
                        r.source->storageClass.line);
        spec.insert(QStringLiteral("resources"), DocNode::map())
            .insert(QStringLiteral("requests"), DocNode::map())
            .insert(QStringLiteral("storage"), r.size.text, r.size.line);
        m_documents.append(root);
    }

    void ingress(const ResolvedResource& r)
    {
        DocNode root = kubeObject(QStringLiteral("networking.k8s.io/v1"), QStringLiteral("Ingress"),
                                  r.name, commonLabels(m_tmpl, r), r.line);
        DocNode& spec = root.insert(QStringLiteral("spec"), DocNode::map());
        if (!r.ingressClass.isEmpty())
            spec.insert(QStringLiteral("ingressClassName"), r.ingressClass,
                        r.source->ingressClass.line);
        if (!r.tlsSecret.isEmpty()) {
            DocNode tls = DocNode::map(r.source->tlsSecret.line);
            if (!r.host.isEmpty())
                tls.insert(QStringLiteral("hosts"), kubeStrings({r.host}));
            tls.insert(QStringLiteral("secretName"), r.tlsSecret);
            DocNode list = DocNode::sequence();
            list.append(tls);
            spec.insert(QStringLiteral("tls"), list);
        }
        DocNode rule = DocNode::map(r.source->host.line);
        if (!r.host.isEmpty())
            rule.insert(QStringLiteral("host"), r.host);
        DocNode paths = DocNode::sequence();
        for (const ResolvedRoute& route : r.routes) {
            const ResolvedResource* target = m_tmpl.find(route.resource);
            if (!target)
                continue;
            DocNode item = DocNode::map(route.line);
            item.insert(QStringLiteral("path"), route.path);
            item.insert(QStringLiteral("pathType"), QStringLiteral("Prefix"));
            DocNode& backend = item.insert(QStringLiteral("backend"), DocNode::map())
                                   .insert(QStringLiteral("service"), DocNode::map());
            backend.insert(QStringLiteral("name"), target->name);
            backend.insert(QStringLiteral("port"), DocNode::map())
                .insert(QStringLiteral("number"),
                        DocNode::number(routePort(route, *target, m_out, m_path)));
            paths.append(item);
        }
        rule.insert(QStringLiteral("http"), DocNode::map()).insert(QStringLiteral("paths"), paths);
        DocNode rules = DocNode::sequence();
        rules.append(rule);
        spec.insert(QStringLiteral("rules"), rules);
        m_documents.append(root);
    }

    void outputs()
    {
        if (m_tmpl.outputs.isEmpty())
            return;
        ResolvedResource none;
        none.name = m_tmpl.name;
        DocNode root = kubeObject(QStringLiteral("v1"), QStringLiteral("ConfigMap"),
                                  m_tmpl.name + QStringLiteral("-outputs"),
                                  commonLabels(m_tmpl, none), m_tmpl.outputs.first().line);
        DocNode& data = root.insert(QStringLiteral("data"), DocNode::map());
        for (const ResolvedOutput& output : m_tmpl.outputs)
            data.insert(output.name, output.value, output.line);
        m_documents.append(root);
    }

    const ResolvedTemplate& m_tmpl;
    Diagnostics& m_out;
    const QString& m_path;
    QList<DocNode> m_documents;
};

} // namespace

QList<DocNode> renderKubernetes(const ResolvedTemplate& tmpl, Diagnostics& out, const QString& path)
{
    return KubeRenderer(tmpl, out, path).render();
}

} // namespace launchdeck::templates

// A Compose file from a template: services with healthchecks, limits and hardening, named
// volumes and networks. Secret variables stay ${NAME} for docker compose to fill in.
#include "templates/templaterender.h"

namespace launchdeck::templates {

namespace {

// Compose interpolates every value: a literal '$' must be written "$$".
QString escaped(const QString& text)
{
    return QString(text).replace(u'$', QStringLiteral("$$"));
}

DocNode str(const QString& text, int line = 0)
{
    return DocNode::string(escaped(text), line);
}

DocNode stringList(const QStringList& list, int line = 0)
{
    DocNode sequence = DocNode::sequence(line);
    for (const QString& item : list)
        sequence.append(str(item));
    return sequence;
}

// Compose counts CPUs as a decimal number of cores.
QString cpus(const Quantity& quantity)
{
    QString text = QString::number(static_cast<double>(quantity.milli) / 1000.0, 'f', 3);
    while (text.endsWith(u'0'))
        text.chop(1);
    if (text.endsWith(u'.'))
        text.chop(1);
    return text;
}

// Compose memory units are binary: 1m is 1 MiB.
QString bytes(const Quantity& quantity)
{
    const qint64 value = quantity.milli / 1000;
    const std::pair<qint64, const char*> units[] = {
        {1024LL * 1024 * 1024, "g"}, {1024LL * 1024, "m"}, {1024, "k"}};
    for (const auto& [size, suffix] : units) {
        if (value > 0 && value % size == 0)
            return QString::number(value / size) + QLatin1String(suffix);
    }
    return QString::number(value) + u'b';
}

QString variableName(const QString& name)
{
    return name.toUpper();
}

class ComposeRenderer
{
public:
    ComposeRenderer(const ResolvedTemplate& tmpl, Diagnostics& out, const QString& path)
        : m_tmpl(tmpl)
        , m_out(out)
        , m_path(path)
    {}

    DocNode render()
    {
        DocNode root = DocNode::map(1);
        DocNode services = DocNode::map();
        DocNode volumes = DocNode::map();
        DocNode networks = DocNode::map();
        for (const ResolvedResource& r : m_tmpl.resources) {
            switch (r.type) {
            case ResourceType::Compute:
            case ResourceType::Database:
                services.insert(r.name, service(r));
                if (r.type == ResourceType::Database)
                    volumes.insert(r.name + QStringLiteral("-data"), volume(r));
                break;
            case ResourceType::Storage:
                volumes.insert(r.name, volume(r));
                break;
            case ResourceType::Network: {
                DocNode network = DocNode::map(r.line);
                if (r.internal)
                    network.insert(QStringLiteral("internal"),
                                   DocNode::boolean(true, r.source->internal.line));
                network.insert(QStringLiteral("labels"), labels(r, false));
                networks.insert(r.name, network);
                break;
            }
            case ResourceType::LoadBalancer:
            case ResourceType::Monitoring:
                break; // labels on the services they route to or scrape
            }
        }
        root.insert(QStringLiteral("services"), services);
        if (!volumes.isEmpty())
            root.insert(QStringLiteral("volumes"), volumes);
        if (!networks.isEmpty())
            root.insert(QStringLiteral("networks"), networks);
        if (!m_tmpl.outputs.isEmpty()) {
            DocNode outputs = DocNode::map(m_tmpl.outputs.first().line);
            for (const ResolvedOutput& output : m_tmpl.outputs)
                outputs.insert(output.name, str(output.value, output.line));
            root.insert(QStringLiteral("x-outputs"), outputs);
        }
        return root;
    }

private:
    DocNode volume(const ResolvedResource& r)
    {
        DocNode node = DocNode::map(r.type == ResourceType::Database ? r.storage.line : r.line);
        node.insert(QStringLiteral("labels"), labels(r, false));
        return node;
    }

    DocNode labels(const ResolvedResource& r, bool service = true)
    {
        DocNode node = DocNode::map();
        const DocNode common = commonLabels(m_tmpl, r);
        for (const auto& [key, value] : common.entries())
            node.insert(key, str(value.text(), value.line()));
        if (!service)
            return node;
        for (const ResolvedResource* monitoring : scrapersOf(m_tmpl, r)) {
            node.insert(QStringLiteral("prometheus.io/scrape"),
                        str(QStringLiteral("true"), monitoring->line));
            node.insert(QStringLiteral("prometheus.io/port"),
                        str(QString::number(scrapePort(*monitoring, r)), monitoring->line));
            node.insert(QStringLiteral("prometheus.io/path"),
                        str(monitoring->metricsPath, monitoring->line));
        }
        for (const ResolvedResource& lb : m_tmpl.resources) {
            if (lb.type != ResourceType::LoadBalancer)
                continue;
            QStringList routes;
            int line = 0;
            for (const ResolvedRoute& route : lb.routes) {
                if (route.resource != r.name)
                    continue;
                routes.append(lb.host + route.path);
                line = route.line;
            }
            if (!routes.isEmpty())
                node.insert(QStringLiteral("launchdeck.io/route.") + lb.name,
                            str(routes.join(u','), line));
        }
        return node;
    }

    DocNode healthcheck(const ResolvedResource& r)
    {
        const ResolvedHealth& h = *r.health;
        DocNode node = DocNode::map(h.line);
        QStringList test;
        switch (h.kind) {
        case ResolvedHealth::Kind::Http:
            test = {QStringLiteral("CMD"), QStringLiteral("wget"), QStringLiteral("-q"),
                    QStringLiteral("--spider"),
                    QStringLiteral("http://localhost:%1%2").arg(h.port).arg(h.path)};
            break;
        case ResolvedHealth::Kind::Tcp:
            test = {QStringLiteral("CMD"), QStringLiteral("nc"), QStringLiteral("-z"),
                    QStringLiteral("localhost"), QString::number(h.port)};
            break;
        case ResolvedHealth::Kind::Command:
            test = QStringList{QStringLiteral("CMD")} + h.command;
            break;
        }
        node.insert(QStringLiteral("test"), stringList(test));
        node.insert(QStringLiteral("interval"), formatDuration(h.interval));
        node.insert(QStringLiteral("timeout"), formatDuration(h.timeout));
        node.insert(QStringLiteral("retries"), DocNode::number(h.retries));
        node.insert(QStringLiteral("start_period"), formatDuration(h.initialDelay));
        return node;
    }

    DocNode service(const ResolvedResource& r)
    {
        const Resource& source = *r.source;
        DocNode s = DocNode::map(r.line);
        s.insert(QStringLiteral("image"), str(r.image, source.image.line));
        if (!r.command.isEmpty())
            s.insert(QStringLiteral("entrypoint"),
                     stringList(r.command, source.command.first().line));
        if (!r.args.isEmpty())
            s.insert(QStringLiteral("command"), stringList(r.args, source.args.first().line));
        s.insert(QStringLiteral("user"), str(QString::number(r.user), source.user.line));
        s.insert(QStringLiteral("read_only"), DocNode::boolean(true));
        s.insert(QStringLiteral("tmpfs"),
                 stringList(QStringList{QStringLiteral("/tmp")} + r.writablePaths));
        s.insert(QStringLiteral("security_opt"),
                 stringList({QStringLiteral("no-new-privileges:true")}));
        s.insert(QStringLiteral("cap_drop"), stringList({QStringLiteral("ALL")}));
        if (!r.env.isEmpty()) {
            DocNode env = DocNode::map();
            for (const ResolvedEnv& var : r.env) {
                QString value;
                for (const EnvPart& part : var.parts)
                    value +=
                        part.secret ? u"${" + variableName(part.text) + u'}' : escaped(part.text);
                env.insert(var.name, DocNode::string(value, var.line));
            }
            s.insert(QStringLiteral("environment"), env);
        }
        DocNode ports = DocNode::sequence();
        DocNode expose = DocNode::sequence();
        for (const ResolvedPort& port : r.ports) {
            const QString suffix = port.protocol == u"tcp" ? QString() : u'/' + port.protocol;
            if (port.published > 0)
                ports.append(
                    str(QStringLiteral("%1:%2").arg(port.published).arg(port.container) + suffix,
                        port.line));
            else
                expose.append(str(QString::number(port.container) + suffix, port.line));
        }
        if (!ports.isEmpty())
            s.insert(QStringLiteral("ports"), ports);
        if (!expose.isEmpty())
            s.insert(QStringLiteral("expose"), expose);
        DocNode mounts = DocNode::sequence();
        for (const ResolvedMount& m : r.mounts)
            mounts.append(
                str(m.storage + u':' + m.path + (m.readOnly ? QStringLiteral(":ro") : QString()),
                    m.line));
        if (r.type == ResourceType::Database)
            mounts.append(
                str(r.name + QStringLiteral("-data:") + r.dataPath, source.dataPath.line));
        if (!mounts.isEmpty())
            s.insert(QStringLiteral("volumes"), mounts);
        if (!r.networks.isEmpty())
            s.insert(QStringLiteral("networks"),
                     stringList(r.networks, source.networks.first().line));
        DocNode dependsOn = DocNode::map();
        for (qsizetype i = 0; i < r.dependencies.size(); ++i) {
            const ResolvedResource* target = m_tmpl.find(r.dependencies[i]);
            if (!target || !target->isWorkload())
                continue;
            dependsOn.insert(target->name, DocNode::map(source.dependencies.value(i).line))
                .insert(QStringLiteral("condition"), target->health
                                                         ? QStringLiteral("service_healthy")
                                                         : QStringLiteral("service_started"));
        }
        if (!dependsOn.isEmpty())
            s.insert(QStringLiteral("depends_on"), dependsOn);
        if (r.health)
            s.insert(QStringLiteral("healthcheck"), healthcheck(r));
        DocNode& deploy = s.insert(QStringLiteral("deploy"), DocNode::map());
        deploy.insert(QStringLiteral("replicas"),
                      DocNode::number(r.replicas, source.replicas.line));
        DocNode& resources = deploy.insert(QStringLiteral("resources"), DocNode::map());
        DocNode& limits = resources.insert(QStringLiteral("limits"), DocNode::map());
        limits.insert(QStringLiteral("cpus"), cpus(r.cpuLimit.quantity), r.cpuLimit.line);
        limits.insert(QStringLiteral("memory"), bytes(r.memoryLimit.quantity), r.memoryLimit.line);
        DocNode& reservations = resources.insert(QStringLiteral("reservations"), DocNode::map());
        reservations.insert(QStringLiteral("cpus"), cpus(r.cpu.quantity), r.cpu.line);
        reservations.insert(QStringLiteral("memory"), bytes(r.memory.quantity), r.memory.line);
        s.insert(QStringLiteral("labels"), labels(r));
        s.insert(QStringLiteral("restart"), QStringLiteral("unless-stopped"));
        for (const ResolvedPort& port : r.ports) {
            if (port.published > 0 && r.replicas > 1) {
                m_out.append({m_path, port.line, 0, Severity::Medium,
                              QStringLiteral("replicas-port-conflict"),
                              QStringLiteral("'%1' publishes host port %2 and runs %3 replicas: "
                                             "on one Docker host only the first can bind it")
                                  .arg(r.name)
                                  .arg(port.published)
                                  .arg(r.replicas)});
            }
        }
        return s;
    }

    const ResolvedTemplate& m_tmpl;
    Diagnostics& m_out;
    const QString& m_path;
};

} // namespace

DocNode renderCompose(const ResolvedTemplate& tmpl, Diagnostics& out, const QString& path)
{
    return ComposeRenderer(tmpl, out, path).render();
}

} // namespace launchdeck::templates

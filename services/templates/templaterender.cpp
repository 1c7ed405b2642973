// Rendering entry point and what both renderers share.
#include "templates/templaterender.h"

namespace launchdeck::templates {

DocNode selectorLabels(const ResolvedTemplate& tmpl, const ResolvedResource& resource)
{
    DocNode labels = DocNode::map();
    labels.insert(QStringLiteral("app.kubernetes.io/name"), resource.name);
    labels.insert(QStringLiteral("app.kubernetes.io/part-of"), tmpl.name);
    return labels;
}

DocNode commonLabels(const ResolvedTemplate& tmpl, const ResolvedResource& resource)
{
    DocNode labels = selectorLabels(tmpl, resource);
    if (!tmpl.version.isEmpty())
        labels.insert(QStringLiteral("app.kubernetes.io/version"), tmpl.version);
    labels.insert(QStringLiteral("launchdeck.io/template"), tmpl.name);
    if (!tmpl.environment.isEmpty())
        labels.insert(QStringLiteral("launchdeck.io/environment"), tmpl.environment);
    const Resource* source = resource.source;
    for (qsizetype i = 0; i < resource.tags.size(); ++i) {
        const int line = source && i < source->tags.size() ? source->tags[i].second.line : 0;
        labels.insert(resource.tags[i].first, resource.tags[i].second, line);
    }
    return labels;
}

DocNode kubeObject(const QString& apiVersion, const QString& kind, const QString& name,
                   const DocNode& labels, int line)
{
    DocNode root = DocNode::map(line);
    root.insert(QStringLiteral("apiVersion"), apiVersion);
    root.insert(QStringLiteral("kind"), kind);
    DocNode& metadata = root.insert(QStringLiteral("metadata"), DocNode::map());
    metadata.insert(QStringLiteral("name"), name);
    metadata.insert(QStringLiteral("labels"), labels);
    return root;
}

DocNode kubeStrings(const QStringList& list, int line)
{
    DocNode sequence = DocNode::sequence(line);
    for (const QString& item : list)
        sequence.append(DocNode::string(item));
    return sequence;
}

QString networkLabel(const QString& network)
{
    return QStringLiteral("network.launchdeck.io/") + network;
}

QString portName(const ResolvedPort& port)
{
    return port.protocol + u'-' + QString::number(port.container);
}

int routePort(const ResolvedRoute& route, const ResolvedResource& target, Diagnostics& out,
              const QString& path)
{
    if (target.ports.isEmpty()) {
        out.append({path, route.line, 0, Severity::High, QStringLiteral("invalid-route"),
                    QStringLiteral("the route to '%1' has no port to reach: '%1' declares none")
                        .arg(target.name)});
        return 0;
    }
    if (route.port == 0)
        return ResolvedResource::servicePort(target.ports.first());
    for (const ResolvedPort& port : target.ports) {
        if (ResolvedResource::servicePort(port) == route.port || port.container == route.port)
            return ResolvedResource::servicePort(port);
    }
    out.append({path, route.line, 0, Severity::High, QStringLiteral("invalid-route"),
                QStringLiteral("the route to '%1' uses port %2, which '%1' does not declare")
                    .arg(target.name)
                    .arg(route.port)});
    return 0;
}

int scrapePort(const ResolvedResource& monitoring, const ResolvedResource& target)
{
    if (monitoring.metricsPort > 0)
        return monitoring.metricsPort;
    return target.ports.isEmpty() ? 0 : target.ports.first().container;
}

QList<const ResolvedResource*> scrapersOf(const ResolvedTemplate& tmpl,
                                          const ResolvedResource& resource)
{
    QList<const ResolvedResource*> scrapers;
    for (const ResolvedResource& candidate : tmpl.resources) {
        if (candidate.type == ResourceType::Monitoring && candidate.scrape.contains(resource.name))
            scrapers.append(&candidate);
    }
    return scrapers;
}

RenderResult renderTemplate(const InfraTemplate& tmpl, RenderTarget target,
                            const QHash<QString, QString>& overrides, Diagnostics& out)
{
    RenderResult result;
    const auto resolved = resolveTemplate(tmpl, overrides, ResolveMode::Render, out);
    if (!resolved)
        return result;
    WrittenYaml written;
    if (target == RenderTarget::Compose) {
        writeYaml(renderCompose(*resolved, out, tmpl.path), 1, written);
    } else {
        const QList<DocNode> documents = renderKubernetes(*resolved, out, tmpl.path);
        for (qsizetype i = 0; i < documents.size(); ++i) {
            if (i > 0) {
                written.text += QStringLiteral("---\n");
                written.lines.append(documents[i].line());
            }
            writeYaml(documents[i], documents[i].line(), written);
        }
    }
    result.text = written.text;
    result.sourceLines = written.lines;
    return result;
}

} // namespace launchdeck::templates

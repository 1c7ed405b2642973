// Kubernetes NetworkPolicies for template networks: an internal network isolates its members,
// and load balancers and scrapers get just the ports they need into it.
#include "templates/templaterender.h"

namespace launchdeck::templates {

namespace {

DocNode memberSelector(const QString& network)
{
    DocNode selector = DocNode::map();
    selector.insert(QStringLiteral("matchLabels"), DocNode::map())
        .insert(networkLabel(network), QStringLiteral("true"));
    return selector;
}

// An internal network: its members talk to each other (and to DNS), nothing else reaches
// them or is reached by them, as with an internal Compose network.
} // namespace

DocNode internalNetworkPolicy(const ResolvedTemplate& tmpl, const ResolvedResource& r)
{
    DocNode root =
        kubeObject(QStringLiteral("networking.k8s.io/v1"), QStringLiteral("NetworkPolicy"), r.name,
                   commonLabels(tmpl, r), r.line);
    DocNode& spec = root.insert(QStringLiteral("spec"), DocNode::map());
    spec.insert(QStringLiteral("podSelector"), memberSelector(r.name));
    spec.insert(QStringLiteral("policyTypes"),
                kubeStrings({QStringLiteral("Ingress"), QStringLiteral("Egress")}));
    DocNode peer = DocNode::map();
    peer.insert(QStringLiteral("podSelector"), memberSelector(r.name));
    DocNode peers = DocNode::sequence();
    peers.append(peer);
    DocNode from = DocNode::map();
    from.insert(QStringLiteral("from"), peers);
    DocNode ingressRules = DocNode::sequence();
    ingressRules.append(from);
    spec.insert(QStringLiteral("ingress"), ingressRules);
    DocNode to = DocNode::map();
    to.insert(QStringLiteral("to"), peers);
    DocNode dns = DocNode::map();
    DocNode dnsPorts = DocNode::sequence();
    for (const char* protocol : {"UDP", "TCP"}) {
        DocNode port = DocNode::map();
        port.insert(QStringLiteral("port"), DocNode::number(53));
        port.insert(QStringLiteral("protocol"), QLatin1String(protocol));
        dnsPorts.append(port);
    }
    dns.insert(QStringLiteral("ports"), dnsPorts);
    DocNode egressRules = DocNode::sequence();
    egressRules.append(to);
    egressRules.append(dns);
    spec.insert(QStringLiteral("egress"), egressRules);
    return root;
}

namespace {

bool onInternalNetwork(const ResolvedTemplate& tmpl, const ResolvedResource& r)
{
    for (const QString& name : r.networks) {
        const ResolvedResource* network = tmpl.find(name);
        if (network && network->internal)
            return true;
    }
    return false;
}

// Load balancers and scrapers reach pods from outside their internal networks: each such
// pair gets a policy that opens just that port.
} // namespace

QList<DocNode> exposurePolicies(const ResolvedTemplate& tmpl, const QString& path)
{
    QList<DocNode> documents;
    for (const ResolvedResource& r : tmpl.resources) {
        QList<std::pair<const ResolvedResource*, int>> opened;
        if (r.type == ResourceType::LoadBalancer) {
            for (const ResolvedRoute& route : r.routes) {
                const ResolvedResource* target = tmpl.find(route.resource);
                if (!target || !onInternalNetwork(tmpl, *target) || target->ports.isEmpty())
                    continue;
                Diagnostics ignored; // reported once, by the Ingress
                const int servicePort = routePort(route, *target, ignored, path);
                for (const ResolvedPort& port : target->ports) {
                    if (ResolvedResource::servicePort(port) == servicePort)
                        opened.append({target, port.container});
                }
            }
        } else if (r.type == ResourceType::Monitoring) {
            for (const QString& name : r.scrape) {
                const ResolvedResource* target = tmpl.find(name);
                if (target && onInternalNetwork(tmpl, *target) && scrapePort(r, *target) > 0)
                    opened.append({target, scrapePort(r, *target)});
            }
        }
        for (const auto& [target, port] : std::as_const(opened)) {
            DocNode root =
                kubeObject(QStringLiteral("networking.k8s.io/v1"), QStringLiteral("NetworkPolicy"),
                           r.name + u'-' + target->name, commonLabels(tmpl, r), r.line);
            DocNode& spec = root.insert(QStringLiteral("spec"), DocNode::map());
            spec.insert(QStringLiteral("podSelector"), DocNode::map())
                .insert(QStringLiteral("matchLabels"), selectorLabels(tmpl, *target));
            spec.insert(QStringLiteral("policyTypes"), kubeStrings({QStringLiteral("Ingress")}));
            DocNode portNode = DocNode::map();
            portNode.insert(QStringLiteral("port"), DocNode::number(port));
            portNode.insert(QStringLiteral("protocol"), QStringLiteral("TCP"));
            DocNode ports = DocNode::sequence();
            ports.append(portNode);
            DocNode rule = DocNode::map();
            rule.insert(QStringLiteral("ports"), ports);
            DocNode rules = DocNode::sequence();
            rules.append(rule);
            spec.insert(QStringLiteral("ingress"), rules);
            documents.append(root);
        }
    }
    return documents;
}

} // namespace launchdeck::templates

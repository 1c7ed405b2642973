// The two renderers of a resolved template, and what they share: labels and port names.
#pragma once

#include "templates/docnode.h"
#include "templates/templateresolver.h"

namespace launchdeck::templates {

// Kubernetes manifests, one document per object, in template order.
QList<DocNode> renderKubernetes(const ResolvedTemplate& tmpl, Diagnostics& out,
                                const QString& path);
// One Compose document.
DocNode renderCompose(const ResolvedTemplate& tmpl, Diagnostics& out, const QString& path);

// Labels every rendered object of `resource` carries (tags included).
DocNode commonLabels(const ResolvedTemplate& tmpl, const ResolvedResource& resource);
// The labels that select the pods of `resource`.
DocNode selectorLabels(const ResolvedTemplate& tmpl, const ResolvedResource& resource);

// "tcp-80": a valid Kubernetes port name for a container port.
QString portName(const ResolvedPort& port);

// The port a route reaches on `target` (its service port), or 0 with a finding.
int routePort(const ResolvedRoute& route, const ResolvedResource& target, Diagnostics& out,
              const QString& path);
// The container port a monitoring resource scrapes on `target`.
int scrapePort(const ResolvedResource& monitoring, const ResolvedResource& target);

// A Kubernetes object with apiVersion, kind, metadata.name and metadata.labels.
DocNode kubeObject(const QString& apiVersion, const QString& kind, const QString& name,
                   const DocNode& labels, int line);
DocNode kubeStrings(const QStringList& list, int line = 0);
// The pod label that makes a pod a member of a template network.
QString networkLabel(const QString& network);

// The NetworkPolicy isolating the members of an internal network.
DocNode internalNetworkPolicy(const ResolvedTemplate& tmpl, const ResolvedResource& network);
// Policies letting load balancers and scrapers reach members of internal networks.
QList<DocNode> exposurePolicies(const ResolvedTemplate& tmpl, const QString& path);

// Monitoring resources scraping `resource`.
QList<const ResolvedResource*> scrapersOf(const ResolvedTemplate& tmpl,
                                          const ResolvedResource& resource);

} // namespace launchdeck::templates

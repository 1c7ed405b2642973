// What the Kubernetes API server refuses of every object beyond its schema: name formats per
// kind, label and annotation keys and values, counts that must not be negative, port numbers
// and names, unique names, selectors that match their template, restart policies. Each finding
// is high and reads as the API server's own refusal; they run at every validation level.
#pragma once

#include "core/diagnostic.h"
#include "core/kubeobject.h"

#include <QString>
#include <QStringList>

namespace launchdeck {

// Findings:
//  invalid-name        a name, generateName or namespace the kind does not allow (DNS-1123
//                      subdomain or label, DNS-1035 label, path segment), a container, volume,
//                      port or environment variable name of the wrong form
//  invalid-label       a label key or value (metadata, templates, selectors, nodeSelector)
//  invalid-annotation  an annotation key, or annotations over 256 KiB in all
//  invalid-value       a negative count, a port outside 1-65535, an unsupported protocol,
//                      restart policy, strategy, Service type or operator, an empty selector
//  required-value      a value the API server requires (a name, an image, a Job's restartPolicy,
//                      a port name when a Service has several ports)
//  duplicate-name      two containers, volumes, container ports or Service ports of one name
//  not-found           a volumeMount naming no volume of the pod
//  mismatching-selector  a selector that does not select the pods of its own template (the
//                      name kube-linter gives the same finding), a Job selector set by hand
//                      without manualSelector
void validateKubeApiRules(const KubeObject& object, Diagnostics& out);

// The rule identifiers above, for documentation and tests.
QStringList kubeApiRuleNames();

} // namespace launchdeck

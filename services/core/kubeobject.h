// One Kubernetes object read from a manifest file, with where it came from.
#pragma once

#include "core/diagnostic.h"
#include "core/yamlsource.h"

#include <QList>
#include <QString>

namespace launchdeck {

struct KubeObject
{
    QString path;     // file it came from
    int document = 0; // index of the YAML document in that file
    YAML::Node node;  // the object itself (a mapping)
    QString apiVersion;
    QString kind;
    QString name;
    QString nameSpace; // empty when not set

    QString displayName() const
    {
        return kind + u'/' + (name.isEmpty() ? QStringLiteral("<unnamed>") : name);
    }
};

// The objects of a parsed manifest file: one per non-empty document, `kind: List` items
// unpacked. A document that is not a mapping or has no apiVersion/kind is reported.
QList<KubeObject> kubeObjectsOf(const YamlFile& file, Diagnostics& out);

// True when the file looks like Kubernetes manifests (some document has apiVersion and kind).
bool looksLikeKubernetes(const YamlFile& file);

} // namespace launchdeck

// Drift of a live object: what the workspace would apply for it on an environment (a Kubernetes
// template rendered for that environment, or a plain manifest) beside what the cluster holds,
// restricted to the fields the workspace sets. Reads and renders files: call it off the GUI
// thread.
#pragma once

#include "clusteryaml.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace launchdeck {

// An environment whose target is the cluster, with the namespace objects without one land in.
struct DriftEnvironment
{
    QString name;
    QString nameSpace;
};

struct DriftResult
{
    bool found = false;
    QString environment;               // where the match was found
    QString source;                    // the template or manifest file
    QString desiredYaml;               // what the workspace sets
    QString liveYaml;                  // the live object, restricted to those fields
    QList<clusteryaml::DiffLine> diff; // Removed: only in the workspace; Added: only live
    QStringList problems;              // files that could not be read or rendered
    bool hasDrift() const;
};

// Looks for `live` (a Kubernetes object as served) among the rendered templates and manifests
// of the environments, in their order; the first match is compared.
DriftResult computeDrift(const QStringList& templateFiles, const QStringList& manifestFiles,
                         const QList<DriftEnvironment>& environments, const QJsonObject& live);

} // namespace launchdeck

// Where an application's Kubernetes objects come from: a Kubernetes template of the workspace
// rendered for the environment, the workspace's manifests, or — for an application declared
// only in launchdeck.yaml — a Deployment and Service generated from it.
#pragma once

#include "core/result.h"
#include "kubernetes/applicationobjects.h"
#include "workspace/workspace.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace launchdeck::deploy::cluster {

// The objects of `application` in `environment` running `image` at Launchdeck's `revision`,
// the Deployment's strategy set for `strategy` (recreate and rolling as launchdeck.yaml says;
// blue-green and canary keep the Deployment's own). Looked for in this order:
//  1. a template with provider kubernetes written for this environment or for none, rendered
//     with its defaults, whose render holds a Deployment of the application;
//  2. the workspace's manifests;
//  3. generated from launchdeck.yaml (kube::applicationObjects).
// A Deployment is the application's when it is named after it or labelled
// app.kubernetes.io/name with its name. From a template or manifests: its container named
// after the application (else its only one) runs `image`; it, its selector and its pods get the
// labels a pair is found by (name, environment, managed-by); the Service named after the
// application is the active Service, its selector narrowed the same way; the other objects of
// the file labelled with the application's name, and the ConfigMaps, claims and service
// account its pods use from the file, are companions (never a Secret: its values would reach
// the ledger). Fails naming the file and the object: two templates or two manifest files
// holding the application's Deployment, an object for another namespace than `nameSpace` (the
// one the environment deploys into; empty: the target's as written), no container to run the
// image, a template that does not render. Blocking (reads and renders files).
Result<kube::ApplicationObjects>
workspaceApplicationObjects(const Workspace& workspace, const Application& application,
                            const Environment& environment, Strategy::Type strategy,
                            const QString& image, int revision, const QString& nameSpace = {});

// The Secret of Launchdeck's that `deployment`'s containers read, and the keys they read of it:
// "<application>-secrets", or for objects rendered from a template (label
// launchdeck.io/template) "<template>-secrets". Empty when they read neither.
struct LaunchdeckSecret
{
    QString name;
    QStringList keys;
};
LaunchdeckSecret launchdeckSecret(const QJsonObject& deployment, const QString& application);

// The names of the ConfigMaps, Secrets, PersistentVolumeClaims and ServiceAccount a
// Deployment's pods use, as "Kind/name".
QStringList podReferences(const QJsonObject& deployment);

} // namespace launchdeck::deploy::cluster

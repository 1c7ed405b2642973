// The one entry to offline validation: classifies a file (workspace, template, Compose file,
// Kubernetes manifests, pipeline) and runs every check its kind and the level call for.
#pragma once

#include "core/diagnostic.h"
#include "core/kubeversion.h"

#include <QByteArray>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace launchdeck {

struct Workspace;

enum class FileKind { Workspace, Template, Compose, Kubernetes, Pipeline, Yaml, Unknown };

QString fileKindName(FileKind kind);

// Guesses the kind from the file name and the parsed content: launchdeck.yaml and files in a
// pipelines/ folder by name, every kind also by content.
FileKind classifyFile(const QString& path, const QByteArray& text);

struct FileCheck
{
    FileKind kind = FileKind::Unknown; // what the file was checked as
    int documents = 0;                 // YAML documents read
    Diagnostics diagnostics;
};

// How to validate: the level, and the Kubernetes releases manifests are checked for.
struct ValidationOptions
{
    ValidationLevel level = ValidationLevel::Standard;
    // Each release with the environments that run it; empty: the newest release Launchdeck knows.
    QList<KubeCluster> kubernetes;
};

// The options a workspace asks for: its strictest level, and each distinct Kubernetes release its
// environments name (an environment on a Kubernetes target that names none runs the newest).
ValidationOptions validationOptionsFor(const Workspace& workspace);
// The options of one environment, as the editor checks for it: its level and its cluster's
// release. An environment the workspace does not name gets the defaults.
ValidationOptions validationOptionsFor(const Workspace& workspace, const QString& environment);

// Validates text (from disk or an editor buffer) named `path`. Kubernetes manifests are
// checked one document at a time, so memory follows the largest document, not the file.
FileCheck checkText(const QString& path, const QByteArray& text, const ValidationOptions& options);
FileCheck checkText(const QString& path, const QByteArray& text, ValidationLevel level);
// Reads and validates a file; an unreadable file is reported as a critical finding.
FileCheck checkFile(const QString& path, const ValidationOptions& options);
FileCheck checkFile(const QString& path, ValidationLevel level);

// The findings of checkText() and checkFile().
Diagnostics validateText(const QString& path, const QByteArray& text, ValidationLevel level);
Diagnostics validateFile(const QString& path, ValidationLevel level);

// The YAML files a validation of `path` covers: the file itself, or the workspace files below
// a folder (launchdeck.yaml, pipelines/, templates/, manifests, compose files), sorted.
QStringList validationTargets(const QString& path);

} // namespace launchdeck

Q_DECLARE_METATYPE(launchdeck::ValidationOptions)

// Offline validation of one file: parse once, decide what the file is, run the checks of its
// kind at the requested level.
#include "validation/validator.h"

#include "compose/composevalidator.h"
#include "core/kubeobject.h"
#include "core/yamlsource.h"
#include "kubeschema/kubeschema.h"
#include "pipeline/pipelineparser.h"
#include "policy/kubepolicy.h"
#include "templates/template.h"
#include "workspace/workspace.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

namespace launchdeck {

namespace {

bool isWorkspaceFile(const QString& path)
{
    return QFileInfo(path).fileName() == QString::fromUtf16(kWorkspaceFileName);
}

bool isPipelineFile(const QString& path)
{
    return QFileInfo(path).dir().dirName() == u"pipelines";
}

bool looksLikeCompose(const YamlFile& file)
{
    if (file.documents.size() != 1)
        return false;
    const YAML::Node& root = file.documents.first().root;
    return root.IsMap() && root["services"].IsDefined() && !root["apiVersion"].IsDefined();
}

FileKind classify(const QString& path, const YamlFile& file)
{
    if (isWorkspaceFile(path))
        return FileKind::Workspace;
    if (!file.readable)
        return FileKind::Unknown;
    if (isPipelineFile(path))
        return FileKind::Pipeline;
    if (templates::looksLikeTemplate(file))
        return FileKind::Template;
    if (looksLikeCompose(file))
        return FileKind::Compose;
    if (looksLikeKubernetes(file))
        return FileKind::Kubernetes;
    return FileKind::Yaml;
}

void validateKubernetes(const YamlFile& file, ValidationLevel level, Diagnostics& out)
{
    const QList<KubeObject> objects = kubeObjectsOf(file, out);
    for (const KubeObject& object : objects)
        validateKubeStructure(object, out);
    if (level != ValidationLevel::Basic)
        checkKubeSemantics(objects, out);
    checkKubePolicies(objects, level, out);
}

// Renders are checked by the same validators as hand-written files.
void validateRender(const YamlFile& rendered, ValidationLevel level, Diagnostics& out)
{
    if (looksLikeCompose(rendered))
        validateCompose(rendered, level, out);
    else
        validateKubernetes(rendered, level, out);
}

} // namespace

QString fileKindName(FileKind kind)
{
    switch (kind) {
    case FileKind::Workspace:
        return QStringLiteral("workspace");
    case FileKind::Template:
        return QStringLiteral("template");
    case FileKind::Compose:
        return QStringLiteral("compose");
    case FileKind::Kubernetes:
        return QStringLiteral("kubernetes");
    case FileKind::Pipeline:
        return QStringLiteral("pipeline");
    case FileKind::Yaml:
        return QStringLiteral("yaml");
    case FileKind::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

FileKind classifyFile(const QString& path, const QByteArray& text)
{
    Diagnostics ignored;
    return classify(path, parseYaml(path, text, ignored));
}

Diagnostics validateText(const QString& path, const QByteArray& text, ValidationLevel level)
{
    Diagnostics out;
    if (isWorkspaceFile(path)) {
        parseWorkspace(path, text, out);
        sortDiagnostics(out);
        return out;
    }
    const YamlFile file = parseYaml(path, text, out);
    switch (classify(path, file)) {
    case FileKind::Template:
        templates::validateTemplate(file, level, out,
                                    [level](const YamlFile& rendered, Diagnostics& found) {
                                        validateRender(rendered, level, found);
                                    });
        break;
    case FileKind::Compose:
        validateCompose(file, level, out);
        break;
    case FileKind::Kubernetes:
        validateKubernetes(file, level, out);
        break;
    case FileKind::Yaml:
        if (file.documents.isEmpty() ||
            (file.documents.size() == 1 && file.documents[0].root.IsNull())) {
            out.append({path, 0, 0, Severity::High, QStringLiteral("empty"),
                        QStringLiteral(
                            "the file is empty; expected a workspace, template, Compose file or "
                            "Kubernetes manifests")});
        } else {
            out.append({path, 1, 1, Severity::Low, QStringLiteral("unknown-format"),
                        QStringLiteral(
                            "not recognised as a template, Compose file or Kubernetes manifest; "
                            "only its YAML was checked")});
        }
        break;
    case FileKind::Pipeline:
        validatePipeline(file, out);
        break;
    case FileKind::Workspace: // handled above
    case FileKind::Unknown:   // unreadable: the loader reported why
        break;
    }
    sortDiagnostics(out);
    return out;
}

Diagnostics validateFile(const QString& path, ValidationLevel level)
{
    QFile file(path);
    const QFileInfo info(path);
    Diagnostics out;
    if (info.isDir()) {
        out.append({path, 0, 0, Severity::Critical, QStringLiteral("unreadable"),
                    QStringLiteral("is a folder, not a file")});
        return out;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        out.append({path, 0, 0, Severity::Critical, QStringLiteral("unreadable"),
                    QStringLiteral("cannot read: %1").arg(file.errorString())});
        return out;
    }
    const YamlLimits limits;
    if (file.size() > limits.maxBytes) {
        out.append({path, 0, 0, Severity::Critical, QStringLiteral("file-too-large"),
                    QStringLiteral("file is %1 MiB; Launchdeck reads YAML files of up to %2 MiB")
                        .arg(static_cast<double>(file.size()) / 1048576.0, 0, 'f', 1)
                        .arg(limits.maxBytes / 1048576)});
        return out;
    }
    return validateText(path, file.readAll(), level);
}

QStringList validationTargets(const QString& path)
{
    const QFileInfo info(path);
    if (!info.isDir())
        return {path};
    const QDir dir(path);
    QStringList files;
    if (QFileInfo::exists(dir.filePath(QString::fromUtf16(kWorkspaceFileName)))) {
        files.append(dir.filePath(QString::fromUtf16(kWorkspaceFileName)));
        Diagnostics ignored; // the workspace file itself reports them when validated
        if (const auto workspace = loadWorkspace(path, ignored)) {
            files += workspace->pipelineFiles;
            files += workspace->templateFiles;
            files += workspace->manifestFiles;
        }
    } else {
        QDirIterator it(path, {QStringLiteral("*.yaml"), QStringLiteral("*.yml")}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext())
            files.append(it.next());
    }
    for (QString& file : files)
        file = QDir::cleanPath(file);
    files.removeDuplicates();
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace launchdeck

// Offline validation of one file: parse once, decide what the file is, run the checks of its
// kind at the requested level.
#include "validation/validator.h"

#include "compose/composevalidator.h"
#include "core/kubeobject.h"
#include "core/yamllookup.h"
#include "core/yamlsource.h"
#include "kubeschema/kubeapirules.h"
#include "kubeschema/kubeschema.h"
#include "pipeline/pipelineformat.h"
#include "pipeline/pipelineparser.h"
#include "policy/kubepolicy.h"
#include "templates/template.h"
#include "validation/textfile.h"
#include "workspace/workspace.h"
#include "workspace/workspaceformat.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

#include <optional>

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
    return root.IsMap() && yamlChild(root, "services").IsDefined() &&
           !yamlChild(root, "apiVersion").IsDefined();
}

bool looksLikeKubernetesObject(const YAML::Node& root)
{
    return root.IsMap() && yamlChild(root, "apiVersion").IsDefined() &&
           yamlChild(root, "kind").IsDefined();
}

// The kind the first document alone decides, if it does.
std::optional<FileKind> kindOfFirstDocument(const QString& path, const YamlDocument& first)
{
    if (isPipelineFile(path))
        return FileKind::Pipeline;
    if (templates::looksLikeTemplate(YamlFile{path, {first}, true}))
        return FileKind::Template;
    if (looksLikeWorkspace(first.root))
        return FileKind::Workspace;
    if (looksLikePipeline(first.root))
        return FileKind::Pipeline;
    if (looksLikeKubernetesObject(first.root))
        return FileKind::Kubernetes;
    return std::nullopt;
}

FileKind classify(const QString& path, const YamlFile& file)
{
    if (isWorkspaceFile(path))
        return FileKind::Workspace;
    if (!file.readable)
        return FileKind::Unknown;
    if (!file.documents.isEmpty()) {
        if (const auto kind = kindOfFirstDocument(path, file.documents.first()))
            return *kind;
    }
    if (looksLikeCompose(file))
        return FileKind::Compose;
    if (looksLikeKubernetes(file))
        return FileKind::Kubernetes;
    return FileKind::Yaml;
}

// The releases to check manifests for: those the options name, else the newest.
const QList<KubeCluster>& kubeClustersOf(const ValidationOptions& options)
{
    static const QList<KubeCluster> newest{assumedKubeCluster()};
    return options.kubernetes.isEmpty() ? newest : options.kubernetes;
}

void validateKubernetes(const YamlFile& file, const ValidationOptions& options, Diagnostics& out)
{
    const QList<KubeObject> objects = kubeObjectsOf(file, out);
    for (const KubeObject& object : objects) {
        validateKubeStructure(object, kubeClustersOf(options), out);
        validateKubeApiRules(object, out);
    }
    KubeSetChecker set(options.level, out);
    set.add(objects);
    set.finish();
}

// Renders are checked by the same validators as hand-written files.
void validateRender(const YamlFile& rendered, const ValidationOptions& options, Diagnostics& out)
{
    if (looksLikeCompose(rendered))
        validateCompose(rendered, options.level, out);
    else
        validateKubernetes(rendered, options, out);
}

// One file's validation as its documents arrive, deciding its kind as classify() does. The
// documents are kept until the kind is known; Kubernetes manifests are then checked one
// document at a time, each let go once checked: a file of 400,000 objects never holds their
// trees at once. The other kinds are single documents and are kept.
class DocumentStream final
{
public:
    DocumentStream(const QString& path, const ValidationOptions& options, Diagnostics& out)
        : m_path(path)
        , m_options(options)
        , m_level(options.level)
        , m_out(out)
    {}

    void add(const YamlDocument& document)
    {
        ++m_documents;
        if (m_kind == FileKind::Kubernetes) {
            checkKubernetes(document);
            return;
        }
        m_held.append(document);
        if (m_kind)
            return;
        if (m_held.size() == 1)
            m_kind = kindOfFirstDocument(m_path, document);
        else if (looksLikeKubernetesObject(document.root))
            m_kind = FileKind::Kubernetes; // a later object decides, as looksLikeKubernetes()
        if (m_kind == FileKind::Kubernetes) {
            m_kubernetes.emplace(m_level, m_out);
            for (const YamlDocument& held : std::as_const(m_held))
                checkKubernetes(held);
            m_held.clear();
        }
    }

    int documents() const { return m_documents; }

    // `complete`: every document was read. Returns the kind the file was checked as.
    FileKind finish(bool complete, const QByteArray& text)
    {
        if (m_kind == FileKind::Kubernetes) {
            // A document left unread may hold what a Service selects: no guessing about it.
            if (complete)
                m_kubernetes->finish();
            return FileKind::Kubernetes;
        }
        if (!complete)
            return FileKind::Unknown; // the loader said why
        const YamlFile file{m_path, m_held, true};
        const FileKind kind = m_kind                   ? *m_kind
                              : looksLikeCompose(file) ? FileKind::Compose
                                                       : FileKind::Yaml;
        checkWhole(kind, file, text);
        return kind;
    }

private:
    void checkKubernetes(const YamlDocument& document)
    {
        const QList<KubeObject> objects = kubeObjectsOf(YamlFile{m_path, {document}, true}, m_out);
        for (const KubeObject& object : objects) {
            validateKubeStructure(object, kubeClustersOf(m_options), m_out);
            validateKubeApiRules(object, m_out);
        }
        m_kubernetes->add(objects);
    }

    void checkWhole(FileKind kind, const YamlFile& file, const QByteArray& text)
    {
        const ValidationLevel level = m_level;
        switch (kind) {
        case FileKind::Template:
            templates::validateTemplate(file, level, m_out,
                                        [this](const YamlFile& rendered, Diagnostics& found) {
                                            validateRender(rendered, m_options, found);
                                        });
            break;
        case FileKind::Compose:
            validateCompose(file, level, m_out);
            break;
        case FileKind::Pipeline:
            validatePipeline(file, m_out);
            break;
        case FileKind::Workspace:
            // The workspace parser reads the text itself, finding what the loader found again.
            m_out.clear();
            parseWorkspace(m_path, text, m_out);
            break;
        case FileKind::Yaml:
            if (file.documents.isEmpty() ||
                (file.documents.size() == 1 && file.documents[0].root.IsNull())) {
                m_out.append({m_path, 0, 0, Severity::High, QStringLiteral("empty"),
                              QStringLiteral("the file is empty; expected a workspace, pipeline, "
                                             "template, Compose file or Kubernetes manifests")});
            } else {
                m_out.append({m_path, 1, 1, Severity::Low, QStringLiteral("unknown-format"),
                              QStringLiteral("not recognised as a workspace, pipeline, template, "
                                             "Compose file or Kubernetes manifest; only its YAML "
                                             "was checked")});
            }
            break;
        case FileKind::Kubernetes: // checked document by document
        case FileKind::Unknown:
            break;
        }
    }

    const QString& m_path;
    const ValidationOptions& m_options;
    const ValidationLevel m_level;
    Diagnostics& m_out;
    std::optional<FileKind> m_kind;
    QList<YamlDocument> m_held;
    std::optional<KubeSetChecker> m_kubernetes;
    int m_documents = 0;
};

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

namespace {

// The release an environment's cluster runs, with that environment: named, or the newest for a
// Kubernetes target that names none; none for an environment on Docker.
std::optional<KubeCluster> clusterOf(const Workspace& workspace, const Environment& environment)
{
    if (environment.kubernetesVersion)
        return KubeCluster{*environment.kubernetesVersion, {environment.name}, false};
    const Target* target = workspace.target(environment.target);
    if (target && target->type == Target::Type::Kubernetes)
        return KubeCluster{newestKubeVersion(), {environment.name}, true};
    return std::nullopt;
}

} // namespace

ValidationOptions validationOptionsFor(const Workspace& workspace)
{
    ValidationOptions options{workspace.strictestLevel(), {}};
    for (const Environment& environment : workspace.environments) {
        const std::optional<KubeCluster> found = clusterOf(workspace, environment);
        if (!found)
            continue;
        const auto same = std::find_if(
            options.kubernetes.begin(), options.kubernetes.end(), [&](const KubeCluster& c) {
                return c.version == found->version && c.assumed == found->assumed;
            });
        if (same != options.kubernetes.end())
            same->environments += found->environments;
        else
            options.kubernetes.append(*found);
    }
    std::sort(options.kubernetes.begin(), options.kubernetes.end(),
              [](const KubeCluster& a, const KubeCluster& b) { return a.version < b.version; });
    return options;
}

ValidationOptions validationOptionsFor(const Workspace& workspace, const QString& environment)
{
    ValidationOptions options;
    const Environment* chosen = workspace.environment(environment);
    if (!chosen)
        return options;
    options.level = chosen->validation;
    if (const std::optional<KubeCluster> cluster = clusterOf(workspace, *chosen))
        options.kubernetes.append(*cluster);
    return options;
}

FileCheck checkText(const QString& path, const QByteArray& text, ValidationLevel level)
{
    return checkText(path, text, ValidationOptions{level, {}});
}

FileCheck checkText(const QString& path, const QByteArray& text, const ValidationOptions& options)
{
    FileCheck check;
    if (isWorkspaceFile(path)) {
        check.kind = FileKind::Workspace;
        check.documents = 1;
        parseWorkspace(path, text, check.diagnostics);
        sortDiagnostics(check.diagnostics);
        return check;
    }
    DocumentStream stream(path, options, check.diagnostics);
    const bool complete =
        forEachYamlDocument(path, text, check.diagnostics,
                            [&stream](const YamlDocument& document) { stream.add(document); });
    check.kind = stream.finish(complete, text);
    check.documents = stream.documents();
    sortDiagnostics(check.diagnostics);
    return check;
}

FileCheck checkFile(const QString& path, ValidationLevel level)
{
    return checkFile(path, ValidationOptions{level, {}});
}

FileCheck checkFile(const QString& path, const ValidationOptions& options)
{
    const YamlLimits limits;
    const TextFile file = readTextFile(path, limits.maxBytes);
    FileCheck check;
    switch (file.status) {
    case TextFile::Status::Read:
        return checkText(path, file.bytes, options);
    case TextFile::Status::Folder:
        check.diagnostics.append({path, 0, 0, Severity::Critical, QStringLiteral("unreadable"),
                                  QStringLiteral("is a folder, not a file")});
        break;
    case TextFile::Status::TooLarge:
        check.diagnostics.append(
            {path, 0, 0, Severity::Critical, QStringLiteral("file-too-large"),
             QStringLiteral("file is %1 MiB; Launchdeck reads YAML files of up to %2 MiB")
                 .arg(static_cast<double>(file.size) / 1048576.0, 0, 'f', 1)
                 .arg(limits.maxBytes / 1048576)});
        break;
    case TextFile::Status::Unreadable:
        check.diagnostics.append({path, 0, 0, Severity::Critical, QStringLiteral("unreadable"),
                                  QStringLiteral("cannot read: %1").arg(file.error)});
        break;
    }
    return check;
}

Diagnostics validateText(const QString& path, const QByteArray& text, ValidationLevel level)
{
    return checkText(path, text, level).diagnostics;
}

Diagnostics validateFile(const QString& path, ValidationLevel level)
{
    return checkFile(path, level).diagnostics;
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

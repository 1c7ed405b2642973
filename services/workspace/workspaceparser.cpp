// Parsing launchdeck.yaml: targets, environments and the file patterns; applications are read in
// applicationparser.cpp, monitoring servers in monitoringparser.cpp, dashboards and
// notifications in dashboardparser.cpp.
#include "workspace/workspaceparser.h"

#include "core/yamlsource.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>

namespace launchdeck {

using namespace workspace_detail;

const Environment* Workspace::environment(QStringView wanted) const
{
    const auto it = std::find_if(environments.begin(), environments.end(),
                                 [&](const Environment& e) { return e.name == wanted; });
    return it == environments.end() ? nullptr : &*it;
}

const Application* Workspace::application(QStringView wanted) const
{
    const auto it = std::find_if(applications.begin(), applications.end(),
                                 [&](const Application& a) { return a.name == wanted; });
    return it == applications.end() ? nullptr : &*it;
}

const Target* Workspace::target(QStringView wanted) const
{
    const auto it = std::find_if(targets.begin(), targets.end(),
                                 [&](const Target& t) { return t.name == wanted; });
    return it == targets.end() ? nullptr : &*it;
}

ValidationLevel Workspace::strictestLevel() const
{
    if (environments.isEmpty())
        return ValidationLevel::Standard;
    ValidationLevel level = ValidationLevel::Basic;
    for (const Environment& e : environments)
        level = std::max(level, e.validation);
    return level;
}

namespace {

const QStringList kLevels = {QStringLiteral("basic"), QStringLiteral("standard"),
                             QStringLiteral("strict")};

// "HOST:PORT" split in two; a bad one is reported at `node` with an example.
std::optional<std::pair<QString, int>> readHostPort(YamlMapReader& reader, const YAML::Node& node,
                                                    const QString& text, const char* key,
                                                    const QString& example)
{
    if (text.isEmpty())
        return std::nullopt;
    const qsizetype colon = text.lastIndexOf(u':');
    bool portOk = false;
    const int port = colon > 0 ? text.mid(colon + 1).toInt(&portOk) : 0;
    if (!portOk || port < 1 || port > 65535) {
        reader.error(node, QStringLiteral("invalid-port"),
                     QStringLiteral("%1 must be HOST:PORT, e.g. %2, not '%3'")
                         .arg(QLatin1String(key), example, text));
        return std::nullopt;
    }
    return std::pair{text.left(colon), port};
}

// Addresses that listen on every interface, and so clash with any other on the same port.
bool isWildcardHost(const QString& host)
{
    return host == u"0.0.0.0" || host == u"*" || host == u"::" || host == u"[::]";
}

// An Ingress name is a DNS subdomain; its canary twin "<name>-canary" must be one too.
constexpr int kMaxIngressName = 253 - 7;

bool isIngressName(const QString& name)
{
    static const QRegularExpression pattern(
        QStringLiteral("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"));
    return name.size() <= kMaxIngressName && pattern.match(name).hasMatch();
}

Target parseTarget(const QString& name, const YAML::Node& node, const QString& path,
                   Diagnostics& out)
{
    Target target;
    target.name = name;
    target.line = yamlLine(node);
    YamlMapReader reader(node, path, QStringLiteral("target '%1'").arg(name), out);
    const auto type =
        reader.oneOf("type", {QStringLiteral("docker"), QStringLiteral("kubernetes")}, true);
    if (type == u"kubernetes") {
        target.type = Target::Type::Kubernetes;
        target.context = reader.string("context", true).value_or(QString());
        target.kubeconfig = reader.string("kubeconfig").value_or(QString());
        target.nameSpace = reader.string("namespace").value_or(QStringLiteral("default"));
        if (!target.nameSpace.isEmpty() && !isDnsLabel(target.nameSpace)) {
            reader.error(reader.take("namespace"), QStringLiteral("bad-value"),
                         QStringLiteral("namespace '%1' of target '%2' is not a valid DNS label")
                             .arg(target.nameSpace, name));
        }
    } else if (type == u"docker") {
        target.type = Target::Type::Docker;
        const YAML::Node hostNode = reader.take("host");
        target.host = reader.string("host").value_or(QStringLiteral("unix:///var/run/docker.sock"));
        if (!target.host.startsWith(u"unix://") && !target.host.startsWith(u"tcp://")) {
            reader.error(
                hostNode, QStringLiteral("bad-value"),
                QStringLiteral("host of target '%1' must start with unix:// or tcp://, not '%2'")
                    .arg(name, target.host));
        }
        if (const YAML::Node tls = reader.take("tls"); tls.IsDefined()) {
            YamlMapReader tlsReader(tls, path, QStringLiteral("tls of target '%1'").arg(name), out);
            target.tls.caFile = tlsReader.string("ca").value_or(QString());
            target.tls.certFile = tlsReader.string("cert").value_or(QString());
            target.tls.keyFile = tlsReader.string("key").value_or(QString());
            target.tls.verify = tlsReader.boolean("verify").value_or(true);
            tlsReader.finish();
        }
    }
    reader.finish();
    return target;
}

Environment parseEnvironment(const QString& name, const YAML::Node& node, const QString& path,
                             Diagnostics& out)
{
    Environment environment;
    environment.name = name;
    environment.line = yamlLine(node);
    YamlMapReader reader(node, path, QStringLiteral("environment '%1'").arg(name), out);
    environment.target = reader.string("target", true).value_or(QString());
    if (const auto level = reader.oneOf("validation", kLevels))
        environment.validation = *validationLevelFromName(*level);
    environment.isProtected = reader.boolean("protected").value_or(false);
    const YAML::Node kubernetesVersionNode = reader.take("kubernetes_version");
    if (const auto version = reader.string("kubernetes_version")) {
        if (const QString problem = kubeVersionProblem(*version); !problem.isEmpty()) {
            reader.error(
                kubernetesVersionNode, QStringLiteral("bad-value"),
                QStringLiteral("kubernetes_version of environment '%1' %2").arg(name, problem));
        } else {
            environment.kubernetesVersion = KubeVersion::parse(*version);
        }
    }
    const YAML::Node ingressNode = reader.take("ingress");
    environment.ingress = reader.string("ingress").value_or(QString());
    if (!environment.ingress.isEmpty() && !isIngressName(environment.ingress)) {
        reader.error(ingressNode, QStringLiteral("bad-value"),
                     QStringLiteral("ingress of environment '%1' must name an Ingress: lower-case "
                                    "letters, digits, '-' and '.' (at most %2), not '%3'")
                         .arg(name)
                         .arg(kMaxIngressName)
                         .arg(environment.ingress));
        environment.ingress.clear();
    }
    const QString owner = QStringLiteral("environment '%1'").arg(name);
    environment.prometheus = readMonitoringServer(reader, "prometheus", owner);
    environment.alertmanager = readMonitoringServer(reader, "alertmanager", owner);
    environment.env = reader.stringMap("env");
    if (const YAML::Node traffic = reader.take("traffic"); traffic.IsDefined()) {
        YamlMapReader trafficReader(traffic, path,
                                    QStringLiteral("traffic of environment '%1'").arg(name), out);
        const YAML::Node listenNode = trafficReader.take("listen");
        environment.trafficListen = trafficReader.string("listen", true).value_or(QString());
        const auto listen = readHostPort(trafficReader, listenNode, environment.trafficListen,
                                         "listen", QStringLiteral("127.0.0.1:8080"));
        const YAML::Node metricsNode = trafficReader.take("metrics");
        environment.trafficMetrics = trafficReader.string("metrics").value_or(QString());
        const auto metrics = readHostPort(trafficReader, metricsNode, environment.trafficMetrics,
                                          "metrics", QStringLiteral("127.0.0.1:9101"));
        if (listen && metrics && listen->second == metrics->second &&
            (listen->first == metrics->first || isWildcardHost(listen->first) ||
             isWildcardHost(metrics->first))) {
            trafficReader.error(
                metricsNode, QStringLiteral("bad-value"),
                QStringLiteral("metrics of the traffic of environment '%1' must be another "
                               "address than listen (%2)")
                    .arg(name, environment.trafficListen));
        }
        trafficReader.finish();
    }
    if (const YAML::Node requirements = reader.take("requirements"); requirements.IsDefined()) {
        YamlMapReader requirementsReader(
            requirements, path, QStringLiteral("requirements of environment '%1'").arg(name), out);
        environment.requirements.cpu = requirementsReader.quantity("cpu");
        environment.requirements.memory = requirementsReader.quantity("memory");
        environment.requirements.disk = requirementsReader.quantity("disk");
        requirementsReader.finish();
    }
    reader.finish();
    return environment;
}

// A pattern's parts: "dir/**/*.yaml" is the folder "dir", recursive, and the name "*.yaml".
struct PatternParts
{
    QString directory; // relative to the root; empty for the root itself
    QString filePattern;
    bool recursive = false;
};

PatternParts patternParts(const QString& pattern)
{
    const qsizetype slash = pattern.lastIndexOf(u'/');
    PatternParts parts{slash >= 0 ? pattern.left(slash) : QString(),
                       slash >= 0 ? pattern.mid(slash + 1) : pattern};
    if (parts.directory.endsWith(u"/**") || parts.directory == u"**") {
        parts.recursive = true;
        parts.directory.chop(parts.directory == u"**" ? 2 : 3);
    }
    return parts;
}

// Expands "dir/*.yaml" or "dir/**/*.yaml" relative to the workspace root.
QStringList expandPattern(const QString& root, const QString& pattern)
{
    const PatternParts parts = patternParts(pattern);
    QStringList files;
    QDirIterator it(QDir(root).filePath(parts.directory), {parts.filePattern}, QDir::Files,
                    parts.recursive ? QDirIterator::Subdirectories : QDirIterator::NoIteratorFlags);
    while (it.hasNext())
        files.append(QFileInfo(it.next()).absoluteFilePath());
    files.sort();
    return files;
}

// The files `key`'s patterns match; `effective`, when given, receives the patterns themselves.
QStringList readPatterns(YamlMapReader& reader, const char* key, const QString& root,
                         const QStringList& defaults, QStringList* effective = nullptr)
{
    const YAML::Node node = reader.take(key);
    QStringList patterns = defaults;
    if (node.IsDefined()) {
        patterns.clear();
        if (!node.IsSequence()) {
            reader.error(
                node, QStringLiteral("wrong-type"),
                QStringLiteral("'%1' must be a list of file patterns").arg(QLatin1String(key)));
            return {};
        }
        for (const YAML::Node& item : node) {
            const auto pattern = yamlString(
                item, reader.path(), QStringLiteral("a pattern of '%1'").arg(QLatin1String(key)),
                reader.diagnostics());
            if (!pattern)
                continue;
            if (QDir::isAbsolutePath(*pattern) || pattern->contains(u"..")) {
                reader.error(
                    item, QStringLiteral("bad-value"),
                    QStringLiteral("pattern '%1' must stay inside the workspace").arg(*pattern));
                continue;
            }
            const QStringList matched = expandPattern(root, *pattern);
            if (matched.isEmpty()) {
                reader.error(item, QStringLiteral("no-match"),
                             QStringLiteral("pattern '%1' matches no file").arg(*pattern),
                             Severity::Low);
            }
            patterns.append(*pattern);
        }
    }
    if (effective)
        *effective = patterns;
    return filesMatching(root, patterns);
}

// An environment's Ingress splits a canary's traffic on a cluster; a Docker target has its own
// entry point (traffic.listen) and nothing would read the name.
void checkIngressTargets(const Workspace& workspace, const YAML::Node& root, const QString& path,
                         Diagnostics& out)
{
    for (const Environment& environment : workspace.environments) {
        const Target* target = workspace.target(environment.target);
        if (environment.ingress.isEmpty() || !target || target->type != Target::Type::Docker)
            continue;
        out.append(diagnosticAt(
            path, root["environments"][environment.name.toStdString()]["ingress"], Severity::High,
            QStringLiteral("ingress-not-kubernetes"),
            QStringLiteral("ingress of environment '%1' names an Ingress, but its target '%2' is "
                           "a Docker host; an Ingress belongs to a Kubernetes target (on Docker, "
                           "traffic.listen is the entry point)")
                .arg(environment.name, target->name)));
    }
}

template <typename Item, typename Parse>
QList<Item> readNamedMap(YamlMapReader& reader, const char* key, const QString& what, Parse parse)
{
    QList<Item> items;
    const YAML::Node node = reader.take(key);
    if (!node.IsDefined())
        return items;
    if (!node.IsMap()) {
        reader.error(
            node, QStringLiteral("wrong-type"),
            QStringLiteral("'%1' must be a mapping of names to %2").arg(QLatin1String(key), what));
        return items;
    }
    for (const auto& entry : node) {
        const QString name = yamlText(entry.first);
        if (!isDnsLabel(name)) {
            reader.error(
                entry.first, QStringLiteral("bad-name"),
                QStringLiteral("name '%1' must be lower-case letters, digits and '-' (at most 63)")
                    .arg(name));
        }
        items.append(parse(name, entry.second, reader.path(), reader.diagnostics()));
    }
    return items;
}

} // namespace

std::optional<Workspace> parseWorkspace(const QString& path, const QByteArray& text,
                                        Diagnostics& out)
{
    const SourceTextScope source(text);
    const YamlFile file = parseYaml(path, text, out);
    if (!file.readable)
        return std::nullopt;
    if (file.documents.size() != 1) {
        out.append({path, 1, 1, Severity::Critical, QStringLiteral("workspace-documents"),
                    QStringLiteral("launchdeck.yaml must hold exactly one YAML document, not %1")
                        .arg(file.documents.size())});
        return std::nullopt;
    }
    const YAML::Node root = file.documents.first().root;
    Workspace workspace;
    workspace.file = QFileInfo(path).absoluteFilePath();
    workspace.root = QFileInfo(path).absolutePath();

    YamlMapReader reader(root, path, QStringLiteral("the workspace"), out);
    if (!reader.isMap())
        return std::nullopt;
    const YAML::Node versionNode = reader.take("version");
    if (const auto version = reader.integer("version", 1, 1000); version && *version != 1) {
        reader.error(
            versionNode, QStringLiteral("bad-value"),
            QStringLiteral("workspace format version %1 is newer than this Launchdeck reads (1)")
                .arg(*version),
            Severity::Critical);
    }
    workspace.name = reader.string("name").value_or(QFileInfo(workspace.root).fileName());
    workspace.targets =
        readNamedMap<Target>(reader, "targets", QStringLiteral("targets"), parseTarget);
    workspace.environments = readNamedMap<Environment>(
        reader, "environments", QStringLiteral("environments"), parseEnvironment);
    workspace.applications = readNamedMap<Application>(
        reader, "applications", QStringLiteral("applications"), parseApplication);
    workspace.pipelineFiles =
        readPatterns(reader, "pipelines", workspace.root, {QStringLiteral("pipelines/*.yaml")},
                     &workspace.pipelinePatterns);
    workspace.templateFiles =
        readPatterns(reader, "templates", workspace.root, {QStringLiteral("templates/*.yaml")});
    workspace.manifestFiles = readPatterns(reader, "manifests", workspace.root, {});
    workspace.dashboards = readDashboards(reader);
    workspace.notifications = readNotifications(reader);
    reader.finish();
    checkIngressTargets(workspace, root, path, out);
    checkReferences(workspace, root, path, out);
    return workspace;
}

QStringList filesMatching(const QString& root, const QStringList& patterns)
{
    QStringList files;
    for (const QString& pattern : patterns)
        files += expandPattern(root, pattern);
    files.removeDuplicates();
    return files;
}

QStringList defaultPipelinePatterns()
{
    return {QStringLiteral("pipelines/*.yaml"), QStringLiteral("pipelines/*.yml")};
}

QStringList patternFolders(const QString& root, const QStringList& patterns)
{
    const QString top = QDir::cleanPath(QDir(root).absolutePath());
    QStringList folders;
    for (const QString& pattern : patterns) {
        const PatternParts parts = patternParts(pattern);
        QString folder = QDir::cleanPath(QDir(top).filePath(parts.directory));
        const bool exists = QFileInfo(folder).isDir();
        // A folder still to be made shows up as a change of the nearest one that is there.
        while (!QFileInfo(folder).isDir() && folder.size() > top.size())
            folder = QFileInfo(folder).absolutePath();
        folders.append(folder);
        if (exists && parts.recursive) {
            QDirIterator it(folder, QDir::Dirs | QDir::NoDotAndDotDot,
                            QDirIterator::Subdirectories);
            while (it.hasNext())
                folders.append(QDir::cleanPath(it.next()));
        }
    }
    folders.removeDuplicates();
    return folders;
}

std::optional<Workspace> loadWorkspace(const QString& root, Diagnostics& out)
{
    const QFileInfo info(root);
    const QString path =
        info.isDir() ? QDir(root).filePath(QString::fromUtf16(kWorkspaceFileName)) : root;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        out.append({path, 0, 0, Severity::Critical, QStringLiteral("unreadable"),
                    QStringLiteral("cannot read the workspace file: %1").arg(file.errorString())});
        return std::nullopt;
    }
    return parseWorkspace(path, file.readAll(), out);
}

} // namespace launchdeck

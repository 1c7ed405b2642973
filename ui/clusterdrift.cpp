// Finding a live object's counterpart in the workspace and comparing the two.
#include "clusterdrift.h"

#include "compose/yamljson.h"
#include "core/kubeobject.h"
#include "core/yamlsource.h"
#include "templates/template.h"

#include <algorithm>

#include <optional>

namespace launchdeck {

namespace {

struct Wanted
{
    QString kind;
    QString nameSpace; // empty: cluster-scoped
    QString name;
};

std::optional<KubeObject> findIn(const YamlFile& file, const Wanted& wanted,
                                 const QString& defaultNamespace, Diagnostics& out)
{
    for (const KubeObject& object : kubeObjectsOf(file, out)) {
        if (object.kind != wanted.kind || object.name != wanted.name)
            continue;
        const QString nameSpace = object.nameSpace.isEmpty() ? defaultNamespace : object.nameSpace;
        if (wanted.nameSpace.isEmpty() || nameSpace == wanted.nameSpace)
            return object;
    }
    return std::nullopt;
}

void noteProblems(const Diagnostics& found, QStringList& problems)
{
    for (const Diagnostic& diagnostic : found)
        if (isError(diagnostic.severity))
            problems.append(formatDiagnostic(diagnostic));
}

} // namespace

bool DriftResult::hasDrift() const
{
    return std::any_of(diff.begin(), diff.end(), [](const clusteryaml::DiffLine& line) {
        return line.op != clusteryaml::DiffLine::Op::Same;
    });
}

DriftResult computeDrift(const QStringList& templateFiles, const QStringList& manifestFiles,
                         const QList<DriftEnvironment>& environments, const QJsonObject& live)
{
    const QJsonObject metadata = live.value(u"metadata").toObject();
    const Wanted wanted{live.value(u"kind").toString(), metadata.value(u"namespace").toString(),
                        metadata.value(u"name").toString()};
    DriftResult result;

    // Each file is read once, whatever the number of environments.
    QList<YamlFile> manifests;
    for (const QString& path : manifestFiles) {
        Diagnostics found;
        manifests.append(loadYamlFile(path, found));
        noteProblems(found, result.problems);
    }
    QList<templates::InfraTemplate> parsedTemplates;
    for (const QString& path : templateFiles) {
        Diagnostics found;
        const YamlFile file = loadYamlFile(path, found);
        if (file.readable && templates::looksLikeTemplate(file)) {
            if (auto parsed = templates::parseTemplate(file, found);
                parsed && parsed->provider == templates::Provider::Kubernetes)
                parsedTemplates.append(std::move(*parsed));
        }
        noteProblems(found, result.problems);
    }

    std::optional<KubeObject> match;
    for (const DriftEnvironment& environment : environments) {
        for (const templates::InfraTemplate& tmpl : std::as_const(parsedTemplates)) {
            // A template written for another environment is not applied to this one.
            if (!tmpl.environment.isEmpty() && tmpl.environment != environment.name)
                continue;
            Diagnostics found;
            const templates::RenderResult rendered =
                templates::renderTemplate(tmpl, templates::RenderTarget::Kubernetes, {}, found);
            const YamlFile file = parseYaml(tmpl.path, rendered.text.toUtf8(), found);
            noteProblems(found, result.problems);
            if (file.readable)
                match = findIn(file, wanted, environment.nameSpace, found);
            if (match) {
                result.source = tmpl.path;
                break;
            }
        }
        for (qsizetype i = 0; !match && i < manifests.size(); ++i) {
            Diagnostics found;
            if (manifests[i].readable)
                match = findIn(manifests[i], wanted, environment.nameSpace, found);
            if (match)
                result.source = manifests[i].path;
        }
        if (match) {
            result.environment = environment.name;
            break;
        }
    }
    result.problems.removeDuplicates();
    if (!match)
        return result;

    result.found = true;
    const QJsonObject desired = yamlToJson(match->node).value.toObject();
    // Secrets are compared masked: their values never reach the screen.
    const QJsonObject shownDesired = clusteryaml::maskedSecret(desired);
    const QJsonObject shownLive =
        clusteryaml::maskedSecret(clusteryaml::restrictTo(live, desired).toObject());
    result.desiredYaml = clusteryaml::toYaml(shownDesired);
    result.liveYaml = clusteryaml::toYaml(shownLive);
    result.diff = clusteryaml::lineDiff(result.desiredYaml.split(u'\n', Qt::SkipEmptyParts),
                                        result.liveYaml.split(u'\n', Qt::SkipEmptyParts));
    return result;
}

} // namespace launchdeck

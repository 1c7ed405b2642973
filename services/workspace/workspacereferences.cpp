// Cross-checks within launchdeck.yaml: every name one part uses must be defined by another, and
// what queries Prometheus or Alertmanager needs an environment that names one.
#include "workspace/workspaceparser.h"

#include "core/yamlsource.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>

#include <functional>

namespace launchdeck::workspace_detail {

namespace {

// The node of `key` in the named entry of a top-level section, for positions.
YAML::Node nodeOf(const YAML::Node& root, const char* section, const QString& name,
                  const char* key = nullptr)
{
    const YAML::Node sectionNode = root[section];
    if (!sectionNode.IsDefined() || !sectionNode.IsMap())
        return root;
    const YAML::Node entry = sectionNode[name.toStdString()];
    if (!entry.IsDefined())
        return sectionNode;
    if (!key || !entry.IsMap())
        return entry;
    const YAML::Node value = entry[key];
    return value.IsDefined() ? value : entry;
}

void reportDuplicatesOfDependencies(const Workspace& workspace, const YAML::Node& root,
                                    const QString& path, Diagnostics& out)
{
    // Applications that depend on each other in a circle can never all be healthy first.
    QHash<QString, QStringList> edges;
    for (const Application& app : workspace.applications)
        edges.insert(app.name, app.dependsOn);
    QSet<QString> done;
    QSet<QString> active;
    std::function<bool(const QString&)> visit = [&](const QString& name) {
        if (done.contains(name))
            return false;
        if (active.contains(name))
            return true;
        active.insert(name);
        for (const QString& next : edges.value(name)) {
            if (visit(next))
                return true;
        }
        active.remove(name);
        done.insert(name);
        return false;
    };
    for (const Application& app : workspace.applications) {
        if (!done.contains(app.name) && visit(app.name)) {
            out.append(
                diagnosticAt(path, nodeOf(root, "applications", app.name, "depends_on"),
                             Severity::High, QStringLiteral("dependency-cycle"),
                             QStringLiteral("application '%1' depends on itself through depends_on")
                                 .arg(app.name)));
            return;
        }
    }
}

// The value of `key` in a mapping, or an undefined node. yaml-cpp throws when the node of a
// missing key is asked its type, so every look below the root goes through here.
YAML::Node childOf(const YAML::Node& node, const char* key)
{
    if (!node.IsDefined() || !node.IsMap())
        return YAML::Node(YAML::NodeType::Undefined);
    const YAML::Node child = node[key];
    return child.IsDefined() ? child : YAML::Node(YAML::NodeType::Undefined);
}

// The name at `node` must be one of `known`, e.g. an environment of a dashboard.
void checkName(const YAML::Node& node, const QStringList& known, const QString& kind,
               const QString& owner, const QString& path, Diagnostics& out)
{
    if (!node.IsScalar() || known.contains(yamlText(node)))
        return;
    const QString name = yamlText(node);
    const QString guess = closestMatch(name, known);
    out.append(diagnosticAt(path, node, Severity::High, QStringLiteral("unknown-") + kind,
                            QStringLiteral("%1 names %2 '%3', which is not defined%4")
                                .arg(owner, kind, name,
                                     guess.isEmpty()
                                         ? QString()
                                         : QStringLiteral(" (did you mean '%1'?)").arg(guess))));
}

void checkNamesIn(const YAML::Node& names, const QStringList& known, const QString& kind,
                  const QString& owner, const QString& path, Diagnostics& out)
{
    if (!names.IsDefined() || !names.IsSequence())
        return;
    for (const YAML::Node& item : names)
        checkName(item, known, kind, owner, path, out);
}

// Dashboards, notifications and their rules against the applications and environments; a rule
// needs its environment's Prometheus, and triggers need some environment to have one.
// A build names a folder of the workspace that holds its Dockerfile.
void checkBuildContexts(const Workspace& workspace, const YAML::Node& root, const QString& path,
                        Diagnostics& out)
{
    for (const Application& app : workspace.applications) {
        if (!app.build || app.build->context.isEmpty())
            continue;
        const YAML::Node at = nodeOf(root, "applications", app.name, "build");
        const QDir context(QDir(workspace.root).filePath(app.build->context));
        if (!context.exists()) {
            out.append(diagnosticAt(
                path, at, Severity::High, QStringLiteral("missing-build-context"),
                QStringLiteral("build context '%1' of '%2' is not a folder of the workspace")
                    .arg(app.build->context, app.name)));
        } else if (!QFileInfo(context.filePath(app.build->dockerfile)).isFile()) {
            out.append(diagnosticAt(path, at, Severity::High, QStringLiteral("missing-dockerfile"),
                                    QStringLiteral("build of '%1' names %2, which is not in %3")
                                        .arg(app.name, app.build->dockerfile, app.build->context)));
        }
    }
}

void checkMonitoringReferences(const Workspace& workspace, const YAML::Node& root,
                               const QString& path, Diagnostics& out)
{
    QStringList appNames;
    for (const Application& app : workspace.applications)
        appNames.append(app.name);
    QStringList environmentNames;
    for (const Environment& environment : workspace.environments)
        environmentNames.append(environment.name);
    const QString application = QStringLiteral("application");
    const QString environmentKind = QStringLiteral("environment");

    if (const YAML::Node dashboards = childOf(root, "dashboards"); dashboards.IsSequence()) {
        int index = 0;
        for (const YAML::Node& dashboard : dashboards) {
            ++index;
            if (!dashboard.IsMap())
                continue;
            const YAML::Node name = childOf(dashboard, "name");
            const QString owner = name.IsScalar()
                                      ? QStringLiteral("dashboard '%1'").arg(yamlText(name))
                                      : QStringLiteral("dashboard %1").arg(index);
            checkNamesIn(childOf(dashboard, "applications"), appNames, application, owner, path,
                         out);
            checkNamesIn(childOf(dashboard, "environments"), environmentNames, environmentKind,
                         owner, path, out);
        }
    }

    const YAML::Node notifications = childOf(root, "notifications");
    if (notifications.IsMap()) {
        checkNamesIn(childOf(notifications, "environments"), environmentNames, environmentKind,
                     QStringLiteral("notifications"), path, out);
        if (const YAML::Node rules = childOf(notifications, "rules"); rules.IsSequence()) {
            for (const YAML::Node& rule : rules) {
                const YAML::Node environmentNode = childOf(rule, "environment");
                if (!environmentNode.IsScalar())
                    continue;
                const YAML::Node name = childOf(rule, "name");
                const QString owner = name.IsScalar()
                                          ? QStringLiteral("rule '%1'").arg(yamlText(name))
                                          : QStringLiteral("a rule of notifications");
                const Environment* environment = workspace.environment(yamlText(environmentNode));
                if (!environment) {
                    checkName(environmentNode, environmentNames, environmentKind, owner, path, out);
                } else if (!environment->prometheus.isSet()) {
                    out.append(diagnosticAt(
                        path, environmentNode, Severity::High, QStringLiteral("no-prometheus"),
                        QStringLiteral("%1 queries the Prometheus of environment '%2', which "
                                       "names none")
                            .arg(owner, environment->name)));
                }
            }
        }
    }

    const auto anyEnvironment = [&](auto has) {
        return std::any_of(workspace.environments.begin(), workspace.environments.end(), has);
    };
    const bool anyPrometheus =
        anyEnvironment([](const Environment& e) { return e.prometheus.isSet(); });
    const bool anyAlertmanager =
        anyEnvironment([](const Environment& e) { return e.alertmanager.isSet(); });
    for (const Application& app : workspace.applications) {
        const YAML::Node rollback = nodeOf(root, "applications", app.name, "rollback");
        const YAML::Node triggers = childOf(rollback, "triggers");
        // At the list when there is one, else at the nearest mapping that holds it.
        const auto at = [&](const char* key) {
            const YAML::Node node = childOf(triggers, key);
            return node.IsDefined() ? node : triggers.IsDefined() ? triggers : rollback;
        };
        if (!app.rollback.prometheus.isEmpty() && !anyPrometheus) {
            out.append(diagnosticAt(
                path, at("prometheus"), Severity::Medium, QStringLiteral("no-prometheus"),
                QStringLiteral("application '%1' has prometheus triggers, but no environment "
                               "names a prometheus server")
                    .arg(app.name)));
        }
        if (!app.rollback.alerts.isEmpty() && !anyAlertmanager) {
            out.append(diagnosticAt(
                path, at("alerts"), Severity::Medium, QStringLiteral("no-alertmanager"),
                QStringLiteral("application '%1' has alert triggers, but no environment names "
                               "an alertmanager")
                    .arg(app.name)));
        }
    }
}

} // namespace

void checkReferences(const Workspace& workspace, const YAML::Node& root, const QString& path,
                     Diagnostics& out)
{
    QStringList targetNames;
    for (const Target& t : workspace.targets)
        targetNames.append(t.name);
    for (const Environment& environment : workspace.environments) {
        if (!environment.target.isEmpty() && !workspace.target(environment.target)) {
            const QString guess = closestMatch(environment.target, targetNames);
            out.append(diagnosticAt(
                path, nodeOf(root, "environments", environment.name, "target"), Severity::High,
                QStringLiteral("unknown-target"),
                QStringLiteral("environment '%1' runs on target '%2', which is not defined%3")
                    .arg(environment.name, environment.target,
                         guess.isEmpty() ? QString()
                                         : QStringLiteral(" (did you mean '%1'?)").arg(guess))));
        }
    }

    QStringList pipelineNames;
    for (const QString& file : workspace.pipelineFiles)
        pipelineNames.append(QFileInfo(file).completeBaseName());
    QStringList appNames;
    for (const Application& app : workspace.applications)
        appNames.append(app.name);

    for (const Application& app : workspace.applications) {
        for (const QString& dependency : app.dependsOn) {
            if (!workspace.application(dependency)) {
                out.append(diagnosticAt(
                    path, nodeOf(root, "applications", app.name, "depends_on"), Severity::High,
                    QStringLiteral("unknown-application"),
                    QStringLiteral("application '%1' depends on '%2', which is not defined")
                        .arg(app.name, dependency)));
            }
        }
        for (const AppTest& test : app.tests) {
            if (test.kind == AppTest::Kind::Pipeline && !test.pipeline.isEmpty() &&
                !pipelineNames.contains(test.pipeline)) {
                out.append({path, test.line, 0, Severity::High, QStringLiteral("unknown-pipeline"),
                            QStringLiteral(
                                "test of '%1' runs pipeline '%2', but no pipelines/%2.yaml exists")
                                .arg(app.name, test.pipeline)});
            }
        }
        QStringList analysisNames;
        for (const AnalysisTemplate& analysis : app.strategy.analyses)
            analysisNames.append(analysis.name);
        auto checkAnalysis = [&](const QString& name, int line) {
            if (!name.isEmpty() && !analysisNames.contains(name)) {
                out.append({path, line, 0, Severity::High, QStringLiteral("unknown-analysis"),
                            QStringLiteral("strategy of '%1' uses analysis '%2', which its "
                                           "'analysis' does not define")
                                .arg(app.name, name)});
            }
        };
        const int strategyLine = yamlLine(nodeOf(root, "applications", app.name, "strategy"));
        for (const StrategyStep& step : app.strategy.steps) {
            if (step.kind == StrategyStep::Kind::Analysis)
                checkAnalysis(step.analysis, step.line);
        }
        checkAnalysis(app.strategy.prePromotionAnalysis, strategyLine);
        checkAnalysis(app.strategy.postPromotionAnalysis, strategyLine);

        const bool needsTraffic = app.strategy.type == Strategy::Type::BlueGreen ||
                                  app.strategy.type == Strategy::Type::Canary;
        for (const Environment& environment : workspace.environments) {
            const Target* target = workspace.target(environment.target);
            if (needsTraffic && target && target->type == Target::Type::Docker &&
                environment.trafficListen.isEmpty()) {
                out.append(diagnosticAt(
                    path, nodeOf(root, "environments", environment.name), Severity::Medium,
                    QStringLiteral("missing-traffic"),
                    QStringLiteral("application '%1' deploys %2 but environment '%3' on Docker "
                                   "declares no traffic.listen entry point")
                        .arg(app.name,
                             app.strategy.type == Strategy::Type::Canary
                                 ? QStringLiteral("canary")
                                 : QStringLiteral("blue-green"),
                             environment.name)));
            }
        }
        if (app.healthCheck && app.healthCheck->port > 0) {
            const bool declared =
                std::any_of(app.ports.begin(), app.ports.end(), [&](const PortMapping& p) {
                    return p.containerPort == app.healthCheck->port;
                });
            if (!declared) {
                out.append(diagnosticAt(
                    path, nodeOf(root, "applications", app.name, "health_check"), Severity::High,
                    QStringLiteral("health-check-port"),
                    QStringLiteral(
                        "health check of '%1' targets port %2, which its ports do not expose")
                        .arg(app.name)
                        .arg(app.healthCheck->port)));
            }
        }
    }
    checkBuildContexts(workspace, root, path, out);
    reportDuplicatesOfDependencies(workspace, root, path, out);
    checkMonitoringReferences(workspace, root, path, out);
}

} // namespace launchdeck::workspace_detail

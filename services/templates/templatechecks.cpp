// Cross-resource checks of a parsed template: references by name and dependency cycles.
#include "templates/templatechecks.h"

#include "core/yamlmapreader.h"

#include <QHash>

#include <functional>

namespace launchdeck::templates {

namespace {

void errorAt(Diagnostics& out, const QString& path, const Value& at, const QString& rule,
             const QString& message)
{
    out.append({path, at.line, at.column, Severity::High, rule, message});
}

// A reference by name to another resource, checked when written literally.
void requireResource(Diagnostics& out, const InfraTemplate& tmpl, const Resource& from,
                     const Value& name, QList<ResourceType> types, const QString& rule,
                     const QString& role)
{
    if (!name.present() || name.text.contains(u'$'))
        return;
    const Resource* target = tmpl.resource(name.text);
    QStringList typeNames;
    for (ResourceType type : types)
        typeNames.append(resourceTypeName(type));
    if (!target) {
        QStringList names;
        for (const Resource& r : tmpl.resources)
            names.append(r.name);
        const QString guess = closestMatch(name.text, names);
        errorAt(out, tmpl.path, name, rule,
                QStringLiteral("%1 of '%2' names '%3', which is not a resource of this "
                               "template%4")
                    .arg(role, from.name, name.text,
                         guess.isEmpty() ? QString()
                                         : QStringLiteral(" (did you mean '%1'?)").arg(guess)));
    } else if (!types.isEmpty() && !types.contains(target->type)) {
        errorAt(out, tmpl.path, name, QStringLiteral("wrong-resource-type"),
                QStringLiteral("%1 of '%2' names '%3', a %4 resource; expected %5")
                    .arg(role, from.name, name.text, resourceTypeName(target->type),
                         typeNames.join(QStringLiteral(" or "))));
    }
}

} // namespace

void checkTemplateReferences(const InfraTemplate& tmpl, Diagnostics& out)
{
    const QList<ResourceType> workloads = {ResourceType::Compute, ResourceType::Database};
    for (const Resource& r : tmpl.resources) {
        for (const Value& dependency : r.dependencies)
            requireResource(out, tmpl, r, dependency, {}, QStringLiteral("unknown-dependency"),
                            QStringLiteral("a dependency"));
        for (const Value& network : r.networks)
            requireResource(out, tmpl, r, network, {ResourceType::Network},
                            QStringLiteral("unknown-resource"), QStringLiteral("a network"));
        for (const Mount& mount : r.mounts)
            requireResource(out, tmpl, r, mount.storage, {ResourceType::Storage},
                            QStringLiteral("unknown-resource"), QStringLiteral("a volume"));
        for (const Route& route : r.routes)
            requireResource(out, tmpl, r, route.resource, workloads,
                            QStringLiteral("unknown-resource"), QStringLiteral("a route"));
        for (const Value& target : r.scrape)
            requireResource(out, tmpl, r, target, workloads, QStringLiteral("unknown-resource"),
                            QStringLiteral("a scrape target"));
    }
}

void checkDependencyCycles(const InfraTemplate& tmpl, Diagnostics& out)
{
    // Depth-first search; a dependency that reaches back into the current path closes a
    // cycle, reported once at that dependency.
    QHash<QString, int> state; // 1: on the current path, 2: done
    QStringList path;
    const std::function<void(const Resource&)> visit = [&](const Resource& r) {
        state.insert(r.name, 1);
        path.append(r.name);
        for (const Value& dependency : r.dependencies) {
            const Resource* next = tmpl.resource(dependency.text);
            if (!next)
                continue;
            const int s = state.value(next->name);
            if (s == 1) {
                const QStringList cycle =
                    path.mid(path.indexOf(next->name)) + QStringList{next->name};
                errorAt(
                    out, tmpl.path, dependency, QStringLiteral("dependency-cycle"),
                    QStringLiteral("dependency cycle: %1").arg(cycle.join(QStringLiteral(" -> "))));
            } else if (s == 0) {
                visit(*next);
            }
        }
        path.removeLast();
        state.insert(r.name, 2);
    };
    for (const Resource& r : tmpl.resources) {
        if (state.value(r.name) == 0)
            visit(r);
    }
}

} // namespace launchdeck::templates

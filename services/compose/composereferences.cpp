// Cross-references of a Compose document, checked as compose-go's loader checks them (its
// normalisation turns links, volumes_from and `service:` namespaces into dependencies, and its
// consistency check refuses any reference to what the project does not define), with its
// wording, each finding at the reference itself.
#include "compose/composereferences.h"

#include "compose/composefile.h"
#include "compose/composeinterpolation.h"
#include "core/yamlsource.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QMap>
#include <QSet>

#include <functional>
#include <optional>

namespace launchdeck {

namespace {

struct Dependency
{
    YAML::Node node; // where the reference is written
    QString via;     // the key that makes it a dependency, empty for depends_on itself
};

QString quoted(const QString& text)
{
    return u'"' + text + u'"';
}

class References
{
public:
    References(const QString& path, const YAML::Node& document, Diagnostics& out)
        : m_path(path)
        , m_document(document)
        , m_out(out)
        , m_services(composeServices(document))
    {
        for (const ComposeService& service : std::as_const(m_services))
            m_serviceNames.insert(service.name);
        for (const char* section : {"networks", "volumes", "configs", "secrets", "models"}) {
            for (const auto& [name, node] : composeNames(field(document, section)))
                m_declared[QLatin1String(section)].insert(name);
        }
        readIncludedNames();
    }

    void run()
    {
        for (const ComposeService& service : std::as_const(m_services)) {
            collectDependencies(service);
            checkExtends(service);
            checkAdditionalContexts(service);
            checkNetworks(service);
            checkVolumes(service);
            checkConfigsAndSecrets(service);
            checkModels(service);
        }
        checkCycles();
        checkIncludes();
    }

private:
    void add(const YAML::Node& at, const char* rule, const QString& message)
    {
        if (m_incomplete && QLatin1String(rule) != QLatin1String("missing-include") &&
            QLatin1String(rule) != QLatin1String("depends-on-cycle"))
            return;
        m_out.append(diagnosticAt(m_path, at, Severity::High, QLatin1String(rule), message));
    }

    QSet<QString> declared(const char* section) const
    {
        return m_declared.value(QLatin1String(section));
    }

    bool known(const QString& service) const
    {
        return m_serviceNames.contains(service) || hasComposeInterpolation(service);
    }

    // The local files `include` names; nullopt when one of them cannot be known here (a remote
    // include, a variable in its path).
    std::optional<QStringList> includedFiles() const
    {
        QStringList files;
        const QFileInfo self(m_path);
        const YAML::Node includes = field(m_document, "include");
        if (!includes.IsSequence())
            return files;
        const QDir base = self.absoluteDir();
        for (const YAML::Node& item : includes) {
            const YAML::Node paths = item.IsMap() ? field(item, "path") : item;
            QList<YAML::Node> nodes;
            if (paths.IsSequence()) {
                for (const YAML::Node& one : paths)
                    nodes.append(one);
            } else {
                nodes.append(paths);
            }
            for (const YAML::Node& node : std::as_const(nodes)) {
                const auto text = composeScalar(node);
                if (!text || text->isEmpty() || hasComposeInterpolation(*text) ||
                    text->contains(u"://") || text->startsWith(u"git@"))
                    return std::nullopt;
                files.append(QDir::cleanPath(base.absoluteFilePath(*text)));
            }
        }
        return files;
    }

    // What included files define is the project's too. When they cannot all be read, references
    // are not judged: a name may come from what could not be seen.
    void readIncludedNames()
    {
        if (!field(m_document, "include").IsDefined())
            return;
        const auto files = includedFiles();
        if (!files || !QFileInfo(m_path).isFile()) {
            m_incomplete = true;
            return;
        }
        for (const QString& file : *files) {
            if (!QFileInfo(file).isFile()) {
                m_incomplete = true; // reported as missing-include
                continue;
            }
            try {
                const YAML::Node included = YAML::LoadFile(file.toStdString());
                for (const ComposeService& service : composeServices(included))
                    m_serviceNames.insert(service.name);
                for (const char* section :
                     {"networks", "volumes", "configs", "secrets", "models"}) {
                    for (const auto& [name, node] : composeNames(field(included, section)))
                        m_declared[QLatin1String(section)].insert(name);
                }
            } catch (const YAML::Exception&) {
                m_incomplete = true;
            }
        }
    }

    // The first reference to a service wins, as in compose-go's normalisation: depends_on,
    // then links, the `service:` namespaces and volumes_from.
    void depend(const ComposeService& service, const QString& target, const YAML::Node& node,
                const QString& via)
    {
        QMap<QString, Dependency>& edges = m_dependencies[service.name];
        if (edges.contains(target))
            return;
        edges.insert(target, {node, via});
        if (known(target))
            return;
        add(node, "unknown-service",
            QStringLiteral("service %1 depends on undefined service %2%3")
                .arg(quoted(service.name), quoted(target),
                     via.isEmpty() ? QString() : QStringLiteral(" (through %1)").arg(via)));
    }

    void collectDependencies(const ComposeService& service)
    {
        m_dependencies.insert(service.name, {});
        for (const auto& [name, node] : composeNames(field(service.node, "depends_on")))
            depend(service, name, node, {});
        for (const auto& [link, node] : composeNames(field(service.node, "links"))) {
            const QStringList parts = link.split(u':');
            depend(service, parts.size() == 2 ? parts[0] : link, node, QStringLiteral("links"));
        }
        for (const char* key : {"network_mode", "ipc", "pid", "uts", "cgroup"}) {
            const YAML::Node node = field(service.node, key);
            if (const auto text = composeScalar(node); text && text->startsWith(u"service:"))
                depend(service, text->mid(8), node, QLatin1String(key));
        }
        for (const auto& [from, node] : composeNames(field(service.node, "volumes_from"))) {
            if (!from.startsWith(u"container:"))
                depend(service, from.section(u':', 0, 0), node, QStringLiteral("volumes_from"));
        }
    }

    void checkExtends(const ComposeService& service)
    {
        const YAML::Node extends = field(service.node, "extends");
        YAML::Node target = extends;
        if (extends.IsMap()) {
            if (field(extends, "file").IsDefined())
                return; // the base service lives in another file
            target = field(extends, "service");
        }
        const auto name = composeScalar(target);
        if (!name || known(*name))
            return;
        add(target, "unknown-service",
            QStringLiteral("cannot extend service %1 in %2: service %3 not found")
                .arg(quoted(service.name), QFileInfo(m_path).fileName(), quoted(*name)));
    }

    void checkAdditionalContexts(const ComposeService& service)
    {
        const YAML::Node contexts = field(field(service.node, "build"), "additional_contexts");
        const auto check = [&](const QString& name, const YAML::Node& value) {
            const auto text = composeScalar(value);
            if (!text || !text->startsWith(u"service:") || known(text->mid(8)))
                return;
            add(value, "unknown-service",
                QStringLiteral("service %1 declares unknown service %2 as additional contexts %3")
                    .arg(quoted(service.name), quoted(text->mid(8)), name));
        };
        if (contexts.IsMap()) {
            for (const auto& entry : contexts)
                check(yamlText(entry.first), entry.second);
        } else if (contexts.IsSequence()) {
            for (const YAML::Node& item : contexts) {
                const QString text = yamlText(item);
                const qsizetype equals = text.indexOf(u'=');
                if (item.IsScalar() && equals > 0) {
                    const QString target = text.mid(equals + 1);
                    if (target.startsWith(u"service:") && !known(target.mid(8)))
                        add(item, "unknown-service",
                            QStringLiteral("service %1 declares unknown service %2 as additional "
                                           "contexts %3")
                                .arg(quoted(service.name), quoted(target.mid(8)),
                                     text.left(equals)));
                }
            }
        }
    }

    void undeclared(const ComposeService& service, const YAML::Node& at, const char* rule,
                    const QString& kind, const QString& name, const QString& section)
    {
        add(at, rule,
            QStringLiteral("service %1 refers to undefined %2 %3 (declare it under the top-level "
                           "'%4')")
                .arg(quoted(service.name), kind, name, section));
    }

    void checkNetworks(const ComposeService& service)
    {
        static const QString section = QStringLiteral("networks");
        const QSet<QString> networks = declared("networks");
        for (const auto& [name, node] : composeNames(field(service.node, "networks"))) {
            if (name == u"default" || networks.contains(name) || hasComposeInterpolation(name))
                continue;
            undeclared(service, node, "undeclared-network", QStringLiteral("network"), name,
                       section);
        }
    }

    void checkVolumes(const ComposeService& service)
    {
        const QSet<QString> volumes = declared("volumes");
        for (const ComposeMount& mount : composeMounts(service)) {
            if (mount.type != ComposeMount::Type::Volume || mount.source.isEmpty() ||
                volumes.contains(mount.source) || hasComposeInterpolation(mount.source))
                continue;
            undeclared(service, mount.node, "undeclared-volume", QStringLiteral("volume"),
                       mount.source, QStringLiteral("volumes (a host path starts with / or .)"));
        }
    }

    // Service and build `configs`/`secrets` items: a name, or a mapping with `source`.
    void checkGrants(const ComposeService& service, const YAML::Node& list, const char* rule,
                     const QString& kind, const QSet<QString>& names, const QString& section)
    {
        if (!list.IsSequence())
            return;
        for (const YAML::Node& item : list) {
            const YAML::Node source = item.IsMap() ? field(item, "source") : item;
            const auto name = composeScalar(source);
            if (!name || names.contains(*name) || hasComposeInterpolation(*name))
                continue;
            undeclared(service, source, rule, kind, *name, section);
        }
    }

    void checkConfigsAndSecrets(const ComposeService& service)
    {
        const QSet<QString> configs = declared("configs");
        const QSet<QString> secrets = declared("secrets");
        checkGrants(service, field(service.node, "configs"), "undeclared-config",
                    QStringLiteral("config"), configs, QStringLiteral("configs"));
        checkGrants(service, field(service.node, "secrets"), "undeclared-secret",
                    QStringLiteral("secret"), secrets, QStringLiteral("secrets"));
        checkGrants(service, field(field(service.node, "build"), "secrets"), "undeclared-secret",
                    QStringLiteral("build secret"), secrets, QStringLiteral("secrets"));
    }

    void checkModels(const ComposeService& service)
    {
        const QSet<QString> models = declared("models");
        for (const auto& [name, node] : composeNames(field(service.node, "models"))) {
            if (!models.contains(name) && !hasComposeInterpolation(name))
                undeclared(service, node, "undeclared-model", QStringLiteral("model"), name,
                           QStringLiteral("models"));
        }
    }

    // Depth-first over services and their dependencies in name order, as compose-go searches, so
    // the first cycle reported reads as docker compose reports it; every other back edge is a
    // cycle of its own.
    void checkCycles()
    {
        enum class State { Unvisited, OnPath, Done };
        QHash<QString, State> state;
        QStringList path;
        std::function<void(const QString&)> visit = [&](const QString& name) {
            state.insert(name, State::OnPath);
            path.append(name);
            const QMap<QString, Dependency>& edges = m_dependencies[name];
            for (auto it = edges.begin(); it != edges.end(); ++it) {
                if (!m_dependencies.contains(it.key()))
                    continue; // undefined, reported as such
                const State next = state.value(it.key(), State::Unvisited);
                if (next == State::OnPath) {
                    const QStringList cycle = path.mid(path.indexOf(it.key()));
                    add(it->node, "depends-on-cycle",
                        QStringLiteral("dependency cycle detected: %1 -> %2")
                            .arg(cycle.join(QStringLiteral(" -> ")), it.key()));
                } else if (next == State::Unvisited) {
                    visit(it.key());
                }
            }
            path.removeLast();
            state.insert(name, State::Done);
        };
        QStringList names = m_dependencies.keys();
        names.sort();
        for (const QString& name : std::as_const(names)) {
            if (state.value(name, State::Unvisited) == State::Unvisited)
                visit(name);
        }
    }

    void checkInclude(const YAML::Node& node, const QDir& base)
    {
        const auto text = composeScalar(node);
        if (!text || text->isEmpty() || hasComposeInterpolation(*text) || text->contains(u"://") ||
            text->startsWith(u"git@"))
            return; // remote includes are fetched by docker compose, not looked up here
        const QString file = QDir::cleanPath(base.absoluteFilePath(*text));
        if (QFileInfo::exists(file))
            return;
        add(node, "missing-include",
            QStringLiteral("open %1: no such file or directory")
                .arg(QDir::toNativeSeparators(file)));
    }

    void checkIncludes()
    {
        const QFileInfo self(m_path);
        const YAML::Node includes = field(m_document, "include");
        if (!includes.IsSequence() || !self.isFile())
            return;
        const QDir base = self.absoluteDir();
        for (const YAML::Node& item : includes) {
            const YAML::Node paths = item.IsMap() ? field(item, "path") : item;
            if (paths.IsSequence()) {
                for (const YAML::Node& one : paths)
                    checkInclude(one, base);
            } else {
                checkInclude(paths, base);
            }
        }
    }

    const QString& m_path;
    const YAML::Node& m_document;
    Diagnostics& m_out;
    const QList<ComposeService> m_services;
    QSet<QString> m_serviceNames;
    QHash<QString, QMap<QString, Dependency>> m_dependencies;
    QHash<QString, QSet<QString>> m_declared; // top-level section -> names
    bool m_incomplete = false;
};

} // namespace

void checkComposeReferences(const QString& path, const YAML::Node& document, Diagnostics& out)
{
    if (document.IsMap())
        References(path, document, out).run();
}

} // namespace launchdeck

// Validation of a template: its own checks, then the checks of its render, placed back on the
// template lines the rendered lines came from.
#include "templates/template.h"

#include "core/yamlsource.h"

namespace launchdeck::templates {

namespace {

bool wanted(Severity severity, ValidationLevel level)
{
    switch (level) {
    case ValidationLevel::Basic:
        return severity <= Severity::High;
    case ValidationLevel::Standard:
        return severity <= Severity::Medium;
    case ValidationLevel::Strict:
        break;
    }
    return true;
}

// Values for variables that have neither default nor override, so a template meant to be
// completed at deploy time can still be rendered and checked.
QHash<QString, QString> sampleValues(const InfraTemplate& tmpl)
{
    QHash<QString, QString> values;
    for (const Variable& variable : tmpl.variables) {
        if (variable.secret || variable.defaultValue)
            continue;
        switch (variable.type) {
        case VariableType::String:
            values.insert(variable.name, variable.name);
            break;
        case VariableType::Integer:
            values.insert(variable.name, QStringLiteral("1"));
            break;
        case VariableType::Boolean:
            values.insert(variable.name, QStringLiteral("false"));
            break;
        case VariableType::Quantity:
            values.insert(variable.name, QStringLiteral("1"));
            break;
        case VariableType::Duration:
            values.insert(variable.name, QStringLiteral("1s"));
            break;
        }
    }
    return values;
}

} // namespace

void validateTemplate(const YamlFile& file, ValidationLevel level, Diagnostics& out,
                      const RenderValidator& renderValidator)
{
    Diagnostics found;
    const auto tmpl = parseTemplate(file, found);
    if (tmpl) {
        const RenderTarget target = tmpl->provider == Provider::Kubernetes
                                        ? RenderTarget::Kubernetes
                                        : RenderTarget::Compose;
        const RenderResult render = renderTemplate(*tmpl, target, sampleValues(*tmpl), found);
        if (!render.text.isEmpty() && renderValidator) {
            Diagnostics raw;
            const YamlFile rendered = parseYaml(file.path, render.text.toUtf8(), raw);
            renderValidator(rendered, raw);
            const QString kind = target == RenderTarget::Kubernetes ? QStringLiteral("Kubernetes")
                                                                    : QStringLiteral("Compose");
            for (const Diagnostic& d : std::as_const(raw)) {
                Diagnostic mapped = d;
                mapped.path = file.path;
                mapped.line = d.line > 0 ? render.sourceLines.value(d.line - 1) : 0;
                mapped.column = 0;
                mapped.message =
                    QStringLiteral("%1 (rendered %2, line %3)").arg(d.message, kind).arg(d.line);
                found.append(mapped);
            }
        }
    }
    for (const Diagnostic& d : std::as_const(found)) {
        if (wanted(d.severity, level) && !out.contains(d))
            out.append(d);
    }
}

} // namespace launchdeck::templates

// The editor's validation and render preview, run in a worker thread.
#include "validation/validationservice.h"

#include "core/yamlsource.h"
#include "templates/template.h"
#include "validation/validator.h"

namespace launchdeck {

ValidationService::ValidationService(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<Diagnostics>();
    qRegisterMetaType<ValidationLevel>();
    qRegisterMetaType<ValidationOptions>();
}

void ValidationService::validate(quint64 generation, const QString& path, const QByteArray& text,
                                 const ValidationOptions& options)
{
    Q_EMIT validated(generation, path, checkText(path, text, options).diagnostics);
}

void ValidationService::render(quint64 generation, const QString& path, const QByteArray& text,
                               const QString& target)
{
    Diagnostics out;
    const YamlFile file = parseYaml(path, text, out);
    QString output;
    if (file.readable) {
        if (const auto parsed = templates::parseTemplate(file, out)) {
            templates::RenderTarget renderTarget =
                parsed->provider == templates::Provider::Kubernetes
                    ? templates::RenderTarget::Kubernetes
                    : templates::RenderTarget::Compose;
            if (target == u"compose")
                renderTarget = templates::RenderTarget::Compose;
            else if (target == u"kubernetes")
                renderTarget = templates::RenderTarget::Kubernetes;
            output = templates::renderTemplate(*parsed, renderTarget, {}, out).text;
        }
    }
    sortDiagnostics(out);
    Q_EMIT rendered(generation, path, output, out);
}

} // namespace launchdeck

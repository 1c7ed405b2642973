// Validation and render preview for the editor, off the GUI thread. Lives in a worker thread;
// calls go in through queued invocations, results come back as signals stamped with the
// caller's generation so superseded answers can be dropped.
#pragma once

#include "core/diagnostic.h"
#include "validation/validator.h"

#include <QObject>

namespace launchdeck {

class ValidationService final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ValidationService)

public:
    explicit ValidationService(QObject* parent = nullptr);

    // `target` for render: "compose" or "kubernetes"; empty means the template's own provider.
    Q_INVOKABLE void validate(quint64 generation, const QString& path, const QByteArray& text,
                              const launchdeck::ValidationOptions& options);
    Q_INVOKABLE void render(quint64 generation, const QString& path, const QByteArray& text,
                            const QString& target);

Q_SIGNALS:
    void validated(quint64 generation, const QString& path,
                   const launchdeck::Diagnostics& diagnostics);
    void rendered(quint64 generation, const QString& path, const QString& output,
                  const launchdeck::Diagnostics& diagnostics);
};

} // namespace launchdeck

Q_DECLARE_METATYPE(launchdeck::ValidationLevel)

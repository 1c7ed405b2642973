// The GUI side of ValidationService: owns the "validation" thread, stamps each request with a
// generation, and passes on only answers to the newest request for each file.
#pragma once

#include "core/diagnostic.h"
#include "validation/validator.h"

#include <QHash>
#include <QObject>
#include <QThread>

namespace launchdeck {

class ValidationService;

class ValidationClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ValidationClient)

public:
    explicit ValidationClient(QObject* parent = nullptr);
    ~ValidationClient() override;

    // `options`: the level and the Kubernetes release of the environment the editor checks for.
    void validate(const QString& path, const QByteArray& text, const ValidationOptions& options);
    // Only one preview is shown: a render request supersedes every earlier one.
    void render(const QString& path, const QByteArray& text, const QString& target);
    // Forgets outstanding requests, e.g. when another workspace is opened.
    void cancelAll();

    bool isBusy() const { return m_outstanding > 0; }

Q_SIGNALS:
    void validated(const QString& path, const launchdeck::Diagnostics& diagnostics);
    void rendered(const QString& path, const QString& output,
                  const launchdeck::Diagnostics& diagnostics);
    void busyChanged(bool busy);

private:
    void onValidated(quint64 generation, const QString& path, const Diagnostics& diagnostics);
    void onRendered(quint64 generation, const QString& path, const QString& output,
                    const Diagnostics& diagnostics);
    void settle();

    QThread m_thread;
    ValidationService* m_service;
    quint64 m_generation = 0;
    quint64 m_cancelledBelow = 0; // answers to generations below this are ignored
    QHash<QString, quint64> m_latestValidation;
    quint64 m_latestRender = 0;
    int m_outstanding = 0;
};

} // namespace launchdeck

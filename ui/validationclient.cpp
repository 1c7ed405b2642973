// Requests go to the worker thread as queued calls; answers come back as queued signals.
#include "validationclient.h"

#include "validation/validationservice.h"

namespace launchdeck {

ValidationClient::ValidationClient(QObject* parent)
    : QObject(parent)
    , m_service(new ValidationService)
{
    qRegisterMetaType<launchdeck::Diagnostic>();
    qRegisterMetaType<launchdeck::Diagnostics>();
    qRegisterMetaType<launchdeck::ValidationLevel>();
    m_thread.setObjectName(QStringLiteral("validation"));
    m_service->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_service, &QObject::deleteLater);
    connect(m_service, &ValidationService::validated, this, &ValidationClient::onValidated);
    connect(m_service, &ValidationService::rendered, this, &ValidationClient::onRendered);
    m_thread.start();
}

ValidationClient::~ValidationClient()
{
    m_thread.quit();
    m_thread.wait();
}

void ValidationClient::validate(const QString& path, const QByteArray& text,
                                const ValidationOptions& options)
{
    const quint64 generation = ++m_generation;
    m_latestValidation.insert(path, generation);
    if (m_outstanding++ == 0)
        Q_EMIT busyChanged(true);
    QMetaObject::invokeMethod(
        m_service,
        [service = m_service, generation, path, text, options] {
            service->validate(generation, path, text, options);
        },
        Qt::QueuedConnection);
}

void ValidationClient::render(const QString& path, const QByteArray& text, const QString& target)
{
    const quint64 generation = ++m_generation;
    m_latestRender = generation;
    if (m_outstanding++ == 0)
        Q_EMIT busyChanged(true);
    QMetaObject::invokeMethod(
        m_service,
        [service = m_service, generation, path, text, target] {
            service->render(generation, path, text, target);
        },
        Qt::QueuedConnection);
}

void ValidationClient::cancelAll()
{
    m_cancelledBelow = m_generation + 1;
    m_latestValidation.clear();
    m_latestRender = 0;
}

void ValidationClient::settle()
{
    if (m_outstanding > 0 && --m_outstanding == 0)
        Q_EMIT busyChanged(false);
}

void ValidationClient::onValidated(quint64 generation, const QString& path,
                                   const Diagnostics& diagnostics)
{
    settle();
    if (generation < m_cancelledBelow || m_latestValidation.value(path) != generation)
        return;
    Q_EMIT validated(path, diagnostics);
}

void ValidationClient::onRendered(quint64 generation, const QString& path, const QString& output,
                                  const Diagnostics& diagnostics)
{
    settle();
    if (generation < m_cancelledBelow || generation != m_latestRender)
        return;
    Q_EMIT rendered(path, output, diagnostics);
}

} // namespace launchdeck

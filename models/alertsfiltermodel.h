// Alerts and silences narrowed to one environment and one application, for the Alerts view's
// filters; either left empty shows all.
#pragma once

#include <QSortFilterProxyModel>

namespace launchdeck {

class AlertsFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertsFilterModel)

public:
    explicit AlertsFilterModel(QObject* parent = nullptr);

    void setEnvironment(const QString& environment);
    void setApplication(const QString& application);
    const QString& environment() const { return m_environment; }
    const QString& application() const { return m_application; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_environment;
    QString m_application;
};

} // namespace launchdeck

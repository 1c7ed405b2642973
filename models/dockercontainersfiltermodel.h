// Sorting and filtering of the containers table: free text over name and image, an id prefix,
// and a running-only switch.
#pragma once

#include <QSortFilterProxyModel>

namespace launchdeck {

class DockerContainersFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerContainersFilterModel)

public:
    explicit DockerContainersFilterModel(QObject* parent = nullptr);

    void setText(const QString& text);
    QString text() const { return m_text; }
    void setRunningOnly(bool runningOnly);
    bool runningOnly() const { return m_runningOnly; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_text;
    bool m_runningOnly = false;
};

} // namespace launchdeck

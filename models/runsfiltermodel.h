// Sorting and filtering of the runs table: free text over pipeline and run id, and a status.
#pragma once

#include "pipeline/runtypes.h"

#include <QSortFilterProxyModel>

#include <optional>

namespace launchdeck {

class RunsFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunsFilterModel)

public:
    explicit RunsFilterModel(QObject* parent = nullptr);

    void setText(const QString& text);
    void setStatus(std::optional<RunStatus> status);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_text;
    std::optional<RunStatus> m_status;
};

} // namespace launchdeck

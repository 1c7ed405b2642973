// Sorting and filtering of the Problems table: by severity tier and by free text.
#pragma once

#include "diagnosticsmodel.h"

#include <QSortFilterProxyModel>

namespace launchdeck {

class DiagnosticsFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DiagnosticsFilterModel)

public:
    explicit DiagnosticsFilterModel(QObject* parent = nullptr);

    void setTierVisible(DiagnosticsModel::Tier tier, bool visible);
    bool isTierVisible(DiagnosticsModel::Tier tier) const;
    // Case-insensitive match against file, rule and message.
    void setText(const QString& text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    bool m_visible[3] = {true, true, true};
    QString m_text;
};

} // namespace launchdeck

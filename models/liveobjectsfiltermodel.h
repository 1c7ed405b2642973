// Sorting and filtering of a cluster table: free text over every cell, and a label selector in
// kubectl's -l syntax. A selector that does not parse filters nothing and says why.
#pragma once

#include "kubernetes/labelselector.h"

#include <QSortFilterProxyModel>

#include <optional>

namespace launchdeck {

class LiveObjectsFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LiveObjectsFilterModel)

public:
    explicit LiveObjectsFilterModel(QObject* parent = nullptr);

    // Case-insensitive; a row passes when any of its cells contains the text.
    void setText(const QString& text);
    QString text() const { return m_text; }
    // Empty clears it. Returns false (and selectorError() says why) when the text does not
    // parse; the rows are then not filtered by labels at all.
    bool setSelector(const QString& selector);
    QString selectorText() const { return m_selectorText; }
    QString selectorError() const { return m_selectorError; }

Q_SIGNALS:
    void selectorErrorChanged(const QString& error);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_text;
    QString m_selectorText;
    QString m_selectorError;
    std::optional<kube::LabelSelector> m_selector;
};

} // namespace launchdeck

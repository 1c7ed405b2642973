// Paints one log line: optional time and step columns, then the text in its ANSI colours.
#pragma once

#include <QStyledItemDelegate>

namespace launchdeck {

class LogDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogDelegate)

public:
    explicit LogDelegate(QObject* parent = nullptr);

    void setShowTimestamps(bool show) { m_showTimestamps = show; }
    bool showTimestamps() const { return m_showTimestamps; }
    void setShowSteps(bool show) { m_showSteps = show; }
    // A row's match of the current search is underlaid.
    void setHighlight(const QString& needle) { m_highlight = needle; }

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    bool m_showTimestamps = false;
    bool m_showSteps = true;
    QString m_highlight;
};

} // namespace launchdeck

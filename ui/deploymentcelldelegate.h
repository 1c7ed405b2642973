// How a cell of the deployment matrix is painted: three lines, the live revision and tag (and
// the one a running deployment rolls out), the health with replicas, and the last change, the
// host's error or the progress bar of a deployment running here.
#pragma once

#include <QStyledItemDelegate>

namespace launchdeck {

class DeploymentCellDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeploymentCellDelegate)

public:
    // A cell's words as painted, from the roles of DeploymentMatrixModel.
    struct Lines
    {
        bool known = false; // false: only `revision` ("Asking for the status…") is painted
        // "r7 · 2.4.1" or "Not deployed"; while a deployment runs "r7 · 2.4.1 → r8 · 2.5.0", or
        // "r1 · 2.4.1 (monitoring)" for the first one
        QString revision;
        QString health; // "healthy  2/2"
        QString last;   // the last change, a deployment running elsewhere, the host's error
        bool lastIsError = false;
        int percent = -1; // a deployment running here: the bar's value, and its text below
        QString progress; // "Deploying 40%"
    };

    explicit DeploymentCellDelegate(QObject* parent = nullptr);

    static Lines lines(const QModelIndex& index);
    // Three lines of `metrics` and the margins: the matrix's row height.
    static int cellHeight(const QFontMetrics& metrics);

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

} // namespace launchdeck

// The matrix cell's three lines worded from the model's roles, then painted with the style's
// item background and, while a deployment runs here, its progress bar.
#include "deploymentcelldelegate.h"

#include "deploymentmatrixmodel.h"

#include <QDateTime>
#include <QLocale>
#include <QPainter>

namespace launchdeck {

namespace {

constexpr int kCellWidth = 220;
constexpr int kVerticalMargins = 18; // 4 above and below, the gaps between the lines

} // namespace

DeploymentCellDelegate::DeploymentCellDelegate(QObject* parent)
    : QStyledItemDelegate(parent)
{}

DeploymentCellDelegate::Lines DeploymentCellDelegate::lines(const QModelIndex& index)
{
    Lines lines;
    lines.known = index.data(DeploymentMatrixModel::KnownRole).toBool();
    if (!lines.known) {
        lines.revision = tr("Asking for the status…");
        return lines;
    }
    const int revision = index.data(DeploymentMatrixModel::RevisionRole).toInt();
    const QString stage = index.data(DeploymentMatrixModel::StageRole).toString();
    lines.revision = revision > 0 ? tr("r%1 · %2")
                                        .arg(revision)
                                        .arg(index.data(DeploymentMatrixModel::TagRole).toString())
                                  : tr("Not deployed");
    // A running deployment's revision joins the live one; a first one stands alone with its
    // stage, since nothing else describes the cell yet.
    if (const int rollout = index.data(DeploymentMatrixModel::RolloutRevisionRole).toInt();
        rollout > 0) {
        const QString next = tr("r%1 · %2")
                                 .arg(rollout)
                                 .arg(index.data(DeploymentMatrixModel::RolloutTagRole).toString());
        lines.revision = revision > 0 ? tr("%1 → %2").arg(lines.revision, next)
                                      : tr("%1 (%2)").arg(next, stage.toLower());
    }

    lines.health = healthLabel(
        index.data(DeploymentMatrixModel::HealthRole).value<deploy::PairStatus::Health>());
    const int desired = index.data(DeploymentMatrixModel::DesiredReplicasRole).toInt();
    if (desired > 0)
        lines.health += QStringLiteral("  %1/%2")
                            .arg(index.data(DeploymentMatrixModel::RunningReplicasRole).toInt())
                            .arg(desired);

    lines.percent = index.data(DeploymentMatrixModel::ProgressRole).toInt();
    if (lines.percent >= 0) {
        lines.progress = QStringLiteral("%1 %2%").arg(stage).arg(lines.percent);
        return lines;
    }
    if (!stage.isEmpty()) {
        lines.last = tr("Running elsewhere: %1").arg(stage);
    } else if (const QDateTime when =
                   index.data(DeploymentMatrixModel::LastChangeRole).toDateTime();
               when.isValid()) {
        lines.last = tr("%1, %2 by %3")
                         .arg(index.data(DeploymentMatrixModel::LastSummaryRole).toString(),
                              QLocale().toString(when.toLocalTime(), QLocale::ShortFormat),
                              index.data(DeploymentMatrixModel::LastWhoRole).toString());
    }
    if (const QString error = index.data(DeploymentMatrixModel::HostErrorRole).toString();
        !error.isEmpty()) {
        lines.last = error;
        lines.lastIsError = true;
    }
    return lines;
}

int DeploymentCellDelegate::cellHeight(const QFontMetrics& metrics)
{
    return metrics.height() * 3 + kVerticalMargins;
}

void DeploymentCellDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                                   const QModelIndex& index) const
{
    QStyleOptionViewItem base = option;
    initStyleOption(&base, index);
    base.text.clear();
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : nullptr;
    if (style)
        style->drawControl(QStyle::CE_ItemViewItem, &base, painter, widget);

    const Lines cell = lines(index);
    const QRect area = option.rect.adjusted(8, 4, -8, -4);
    const int line = option.fontMetrics.height();
    const bool selected = option.state & QStyle::State_Selected;
    const QColor text = option.palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
    painter->save();
    painter->setPen(text);
    if (!cell.known) {
        painter->drawText(area, Qt::AlignLeft | Qt::AlignTop, cell.revision);
        painter->restore();
        return;
    }
    QFont bold = option.font;
    bold.setBold(true);
    painter->setFont(bold);
    painter->drawText(QRect(area.left(), area.top(), area.width(), line),
                      Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetrics(bold).elidedText(cell.revision, Qt::ElideRight, area.width()));
    painter->setFont(option.font);

    const QRect second(area.left(), area.top() + line + 2, area.width(), line);
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(healthColour(
        index.data(DeploymentMatrixModel::HealthRole).value<deploy::PairStatus::Health>()));
    const int dot = line / 2;
    painter->drawEllipse(QRect(second.left(), second.center().y() - dot / 2, dot, dot));
    painter->setPen(text);
    painter->drawText(second.adjusted(dot + 6, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
                      cell.health);

    const QRect third(area.left(), second.bottom() + 3, area.width(), line + 2);
    if (cell.percent >= 0 && style) {
        QStyleOptionProgressBar bar;
        bar.rect = third;
        bar.minimum = 0;
        bar.maximum = 100;
        bar.progress = cell.percent;
        bar.text = cell.progress;
        bar.textVisible = true;
        bar.state = QStyle::State_Enabled | QStyle::State_Horizontal;
        bar.palette = option.palette;
        bar.fontMetrics = option.fontMetrics;
        style->drawControl(QStyle::CE_ProgressBar, &bar, painter, widget);
    } else {
        if (cell.lastIsError)
            painter->setPen(healthColour(deploy::PairStatus::Health::Unhealthy));
        const QString last = cell.percent >= 0 ? cell.progress : cell.last;
        painter->drawText(third, Qt::AlignLeft | Qt::AlignVCenter,
                          option.fontMetrics.elidedText(last, Qt::ElideRight, third.width()));
    }
    painter->restore();
}

QSize DeploymentCellDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const
{
    return {kCellWidth, cellHeight(option.fontMetrics)};
}

} // namespace launchdeck

// Cells kept in a grid indexed by name, so a status answer touches only the cells it changed.
#include "deploymentmatrixmodel.h"

#include <QCoreApplication>
#include <QLocale>

namespace launchdeck {

namespace {

bool sameRecord(const std::optional<DeploymentRecord>& a, const std::optional<DeploymentRecord>& b)
{
    if (a.has_value() != b.has_value())
        return false;
    if (!a)
        return true;
    return a->id == b->id && a->stage == b->stage && a->status == b->status &&
           a->finishedAt == b->finishedAt && a->to == b->to;
}

bool sameStatus(const deploy::PairStatus& a, const deploy::PairStatus& b)
{
    return a.live == b.live && a.servingRevision == b.servingRevision && a.health == b.health &&
           a.runningReplicas == b.runningReplicas && a.desiredReplicas == b.desiredReplicas &&
           a.activeGroup == b.activeGroup && a.hostError == b.hostError &&
           sameRecord(a.last, b.last) && sameRecord(a.running, b.running);
}

QString tagOf(const QString& image)
{
    const qsizetype colon = image.lastIndexOf(u':');
    return colon > image.lastIndexOf(u'/') ? image.mid(colon + 1) : QString();
}

const deploy::PairStatus kEmptyStatus;

} // namespace

QString deploymentStageLabel(DeploymentStage stage)
{
    switch (stage) {
    case DeploymentStage::Initialized:
        return QCoreApplication::translate("launchdeck::DeploymentMatrix", "Initialized");
    case DeploymentStage::Validating:
        return QCoreApplication::translate("launchdeck::DeploymentMatrix", "Validating");
    case DeploymentStage::Testing:
        return QCoreApplication::translate("launchdeck::DeploymentMatrix", "Testing");
    case DeploymentStage::Deploying:
        return QCoreApplication::translate("launchdeck::DeploymentMatrix", "Deploying");
    case DeploymentStage::Monitoring:
        return QCoreApplication::translate("launchdeck::DeploymentMatrix", "Monitoring");
    case DeploymentStage::Completed:
        return QCoreApplication::translate("launchdeck::DeploymentMatrix", "Completed");
    case DeploymentStage::Failed:
        return QCoreApplication::translate("launchdeck::DeploymentMatrix", "Failed");
    case DeploymentStage::RollingBack:
        return QCoreApplication::translate("launchdeck::DeploymentMatrix", "Rolling back");
    case DeploymentStage::RolledBack:
        return QCoreApplication::translate("launchdeck::DeploymentMatrix", "Rolled back");
    }
    return {};
}

QString deploymentStatusLabel(DeploymentStatus status)
{
    switch (status) {
    case DeploymentStatus::Completed:
        return QCoreApplication::translate("launchdeck::DeploymentMatrix", "Completed");
    case DeploymentStatus::Failed:
        return QCoreApplication::translate("launchdeck::DeploymentMatrix", "Failed");
    case DeploymentStatus::RolledBack:
        return QCoreApplication::translate("launchdeck::DeploymentMatrix", "Rolled back");
    case DeploymentStatus::Cancelled:
        return QCoreApplication::translate("launchdeck::DeploymentMatrix", "Cancelled");
    case DeploymentStatus::Interrupted:
        return QCoreApplication::translate("launchdeck::DeploymentMatrix", "Interrupted");
    }
    return {};
}

QColor deploymentStatusColour(DeploymentStatus status)
{
    switch (status) {
    case DeploymentStatus::Completed:
        return QColor(0x2e, 0x9e, 0x44);
    case DeploymentStatus::Failed:
        return QColor(0xd9, 0x30, 0x25);
    case DeploymentStatus::RolledBack:
    case DeploymentStatus::Interrupted:
        return QColor(0xe0, 0x8a, 0x00);
    case DeploymentStatus::Cancelled:
        return QColor(0x80, 0x80, 0x80);
    }
    return {};
}

QColor healthColour(deploy::PairStatus::Health health)
{
    switch (health) {
    case deploy::PairStatus::Health::Healthy:
        return QColor(0x2e, 0x9e, 0x44);
    case deploy::PairStatus::Health::Unhealthy:
        return QColor(0xd9, 0x30, 0x25);
    case deploy::PairStatus::Health::Starting:
        return QColor(0xe0, 0x8a, 0x00);
    case deploy::PairStatus::Health::NotDeployed:
    case deploy::PairStatus::Health::Stopped:
    case deploy::PairStatus::Health::Unknown:
        break;
    }
    return QColor(0x90, 0x90, 0x90);
}

QString healthLabel(deploy::PairStatus::Health health)
{
    switch (health) {
    case deploy::PairStatus::Health::Healthy:
        return QCoreApplication::translate("launchdeck::DeploymentMatrix", "healthy");
    case deploy::PairStatus::Health::Unhealthy:
        return QCoreApplication::translate("launchdeck::DeploymentMatrix", "unhealthy");
    case deploy::PairStatus::Health::Starting:
        return QCoreApplication::translate("launchdeck::DeploymentMatrix", "starting");
    case deploy::PairStatus::Health::Stopped:
        return QCoreApplication::translate("launchdeck::DeploymentMatrix", "stopped");
    case deploy::PairStatus::Health::NotDeployed:
        return QCoreApplication::translate("launchdeck::DeploymentMatrix", "not deployed");
    case deploy::PairStatus::Health::Unknown:
        break;
    }
    return QCoreApplication::translate("launchdeck::DeploymentMatrix", "unknown");
}

DeploymentMatrixModel::DeploymentMatrixModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void DeploymentMatrixModel::setNames(const QStringList& applications,
                                     const QStringList& environments)
{
    if (applications == m_applications && environments == m_environments)
        return;
    beginResetModel();
    m_applications = applications;
    m_environments = environments;
    m_rowOf.clear();
    m_columnOf.clear();
    for (int row = 0; row < m_applications.size(); ++row)
        m_rowOf.insert(m_applications[row], row);
    for (int column = 0; column < m_environments.size(); ++column)
        m_columnOf.insert(m_environments[column], column);
    m_cells = QList<QList<Cell>>(m_applications.size(), QList<Cell>(m_environments.size()));
    endResetModel();
}

void DeploymentMatrixModel::ensureNames(const QList<deploy::PairStatus>& pairs)
{
    QStringList newApplications;
    QStringList newEnvironments;
    for (const deploy::PairStatus& pair : pairs) {
        if (!m_rowOf.contains(pair.application) && !newApplications.contains(pair.application))
            newApplications.append(pair.application);
        if (!m_columnOf.contains(pair.environment) && !newEnvironments.contains(pair.environment))
            newEnvironments.append(pair.environment);
    }
    if (!newEnvironments.isEmpty()) {
        const int first = static_cast<int>(m_environments.size());
        beginInsertColumns({}, first, first + static_cast<int>(newEnvironments.size()) - 1);
        for (const QString& name : std::as_const(newEnvironments)) {
            m_columnOf.insert(name, static_cast<int>(m_environments.size()));
            m_environments.append(name);
        }
        for (QList<Cell>& row : m_cells)
            row.resize(m_environments.size());
        endInsertColumns();
    }
    if (!newApplications.isEmpty()) {
        const int first = static_cast<int>(m_applications.size());
        beginInsertRows({}, first, first + static_cast<int>(newApplications.size()) - 1);
        for (const QString& name : std::as_const(newApplications)) {
            m_rowOf.insert(name, static_cast<int>(m_applications.size()));
            m_applications.append(name);
            m_cells.append(QList<Cell>(m_environments.size()));
        }
        endInsertRows();
    }
}

DeploymentMatrixModel::Cell* DeploymentMatrixModel::cell(const QString& application,
                                                         const QString& environment,
                                                         QModelIndex* where)
{
    const int row = rowOf(application);
    const int column = columnOf(environment);
    if (row < 0 || column < 0)
        return nullptr;
    *where = index(row, column);
    return &m_cells[row][column];
}

void DeploymentMatrixModel::applyStatus(const QList<deploy::PairStatus>& pairs)
{
    ensureNames(pairs);
    for (const deploy::PairStatus& pair : pairs) {
        QModelIndex where;
        Cell* target = cell(pair.application, pair.environment, &where);
        if (!target || (target->known && sameStatus(target->status, pair)))
            continue;
        target->status = pair;
        target->known = true;
        Q_EMIT dataChanged(where, where);
    }
}

void DeploymentMatrixModel::setProgress(const QString& application, const QString& environment,
                                        DeploymentStage stage, int percent)
{
    QModelIndex where;
    Cell* target = cell(application, environment, &where);
    if (!target || (target->percent == percent && target->stage == stage))
        return;
    target->percent = qBound(0, percent, 100);
    target->stage = stage;
    Q_EMIT dataChanged(where, where);
}

void DeploymentMatrixModel::clearProgress(const QString& application, const QString& environment)
{
    QModelIndex where;
    Cell* target = cell(application, environment, &where);
    if (!target || target->percent < 0)
        return;
    target->percent = -1;
    Q_EMIT dataChanged(where, where);
}

const deploy::PairStatus& DeploymentMatrixModel::pair(int row, int column) const
{
    if (row < 0 || row >= m_cells.size() || column < 0 || column >= m_environments.size())
        return kEmptyStatus;
    return m_cells[row][column].status;
}

bool DeploymentMatrixModel::isRunning(int row, int column) const
{
    if (row < 0 || row >= m_cells.size() || column < 0 || column >= m_environments.size())
        return false;
    const Cell& c = m_cells[row][column];
    return c.percent >= 0 || c.status.running.has_value();
}

int DeploymentMatrixModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_applications.size());
}

int DeploymentMatrixModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_environments.size());
}

QString DeploymentMatrixModel::stageText(const Cell& c) const
{
    if (c.percent >= 0)
        return deploymentStageLabel(c.stage);
    return c.status.running ? deploymentStageLabel(c.status.running->stage) : QString();
}

QString DeploymentMatrixModel::displayText(const Cell& c) const
{
    if (!c.known)
        return tr("…");
    const deploy::PairStatus& s = c.status;
    QString text = s.live ? tr("r%1 %2").arg(s.live->number).arg(tagOf(s.live->image))
                          : tr("No live revision");
    if (s.running) {
        const QString rollout = tr("r%1 %2 (%3)")
                                    .arg(s.running->to.number)
                                    .arg(tagOf(s.running->to.image), stageText(c));
        text = s.live ? tr("%1 → %2").arg(text, rollout) : rollout;
    }
    text += QStringLiteral(" — ") + healthLabel(s.health);
    if (s.desiredReplicas > 0)
        text += QStringLiteral(" %1/%2").arg(s.runningReplicas).arg(s.desiredReplicas);
    return text;
}

QString DeploymentMatrixModel::toolTip(const Cell& c) const
{
    const deploy::PairStatus& s = c.status;
    QStringList lines;
    lines.append(tr("%1 in %2").arg(s.application, s.environment));
    if (s.live)
        lines.append(tr("Live: revision %1 (%2)").arg(s.live->number).arg(s.live->image));
    if (s.running)
        lines.append(tr("Rolling out: revision %1 (%2), %3")
                         .arg(s.running->to.number)
                         .arg(s.running->to.image, stageText(c)));
    if (s.servingRevision > 0)
        lines.append(tr("Health: %1, %2 of %3 replicas of revision %4 running")
                         .arg(healthLabel(s.health))
                         .arg(s.runningReplicas)
                         .arg(s.desiredReplicas)
                         .arg(s.servingRevision));
    else
        lines.append(tr("Health: %1, %2 of %3 replicas running")
                         .arg(healthLabel(s.health))
                         .arg(s.runningReplicas)
                         .arg(s.desiredReplicas));
    if (!s.activeGroup.isEmpty())
        lines.append(tr("Traffic on the %1 group").arg(s.activeGroup));
    if (s.last) {
        const QDateTime when =
            s.last->finishedAt.isValid() ? s.last->finishedAt : s.last->startedAt;
        lines.append(
            tr("Last change: %1 by %2")
                .arg(QLocale().toString(when.toLocalTime(), QLocale::ShortFormat), s.last->who));
    }
    if (!s.hostError.isEmpty())
        lines.append(tr("Host: %1").arg(s.hostError));
    return lines.join(u'\n');
}

QVariant DeploymentMatrixModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Cell& c = m_cells.at(index.row()).at(index.column());
    const deploy::PairStatus& s = c.status;
    switch (role) {
    case Qt::DisplayRole:
        return displayText(c);
    case Qt::ToolTipRole:
        return c.known ? toolTip(c) : QVariant();
    case Qt::ForegroundRole:
        return c.known ? QVariant(healthColour(s.health)) : QVariant();
    case ApplicationRole:
        return m_applications.at(index.row());
    case EnvironmentRole:
        return m_environments.at(index.column());
    case RevisionRole:
        return s.live ? s.live->number : 0;
    case ImageRole:
        return s.live ? s.live->image : QString();
    case TagRole:
        return s.live ? tagOf(s.live->image) : QString();
    case HealthRole:
        return QVariant::fromValue(s.health);
    case RunningReplicasRole:
        return s.runningReplicas;
    case DesiredReplicasRole:
        return s.desiredReplicas;
    case LastChangeRole:
        if (!s.last)
            return QDateTime();
        return s.last->finishedAt.isValid() ? s.last->finishedAt : s.last->startedAt;
    case LastWhoRole:
        return s.last ? s.last->who : QString();
    case LastSummaryRole: {
        if (!s.last)
            return QString();
        const QString what = s.last->kind == DeploymentKind::Rollback
                                 ? tr("rollback to r%1").arg(s.last->to.number)
                                 : tr("deploy r%1").arg(s.last->to.number);
        return s.last->status ? tr("%1 %2").arg(what, deploymentStatusLabel(*s.last->status))
                              : tr("%1 running").arg(what);
    }
    case ProgressRole:
        return c.percent;
    case StageRole:
        return stageText(c);
    case HostErrorRole:
        return s.hostError;
    case KnownRole:
        return c.known;
    case RolloutRevisionRole:
        return s.running ? s.running->to.number : 0;
    case RolloutTagRole:
        return s.running ? tagOf(s.running->to.image) : QString();
    default:
        return {};
    }
}

QVariant DeploymentMatrixModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Horizontal)
        return m_environments.value(section);
    return m_applications.value(section);
}

} // namespace launchdeck

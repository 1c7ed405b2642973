// The alerts and silences tables.
#include "alertsmodel.h"

#include <QColor>
#include <QStringList>

namespace launchdeck {

namespace {

QString formatTime(const QDateTime& when)
{
    return when.isValid() ? when.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                          : QString();
}

// Every label but the alert's name and its environment, which have columns of their own.
QString formatLabels(const prometheus::Labels& labels)
{
    QStringList parts;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it) {
        if (it.key() == u"alertname")
            continue;
        parts.append(it.key() + u'=' + it.value());
    }
    return parts.join(QStringLiteral(", "));
}

QString envKey(const QString& environment, const QString& key)
{
    return environment + u'\x1f' + key;
}

QString applicationOf(const QList<alerts::SilenceMatcher>& matchers)
{
    for (const alerts::SilenceMatcher& matcher : matchers) {
        if ((matcher.name == u"application" || matcher.name == u"app") && matcher.isEqual &&
            !matcher.isRegex)
            return matcher.value;
    }
    return {};
}

} // namespace

QString formatMatchers(const QList<alerts::SilenceMatcher>& matchers)
{
    QStringList parts;
    for (const alerts::SilenceMatcher& matcher : matchers) {
        const QString op = matcher.isRegex
                               ? (matcher.isEqual ? QStringLiteral("=~") : QStringLiteral("!~"))
                               : (matcher.isEqual ? QStringLiteral("=") : QStringLiteral("!="));
        parts.append(matcher.name + op + matcher.value);
    }
    return parts.join(QStringLiteral(", "));
}

AlertsModel::AlertsModel(QObject* parent)
    : DockerTableModel<AlertRow>(parent)
{}

int AlertsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AlertsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Environment:
        return tr("Environment");
    case Alert:
        return tr("Alert");
    case Labels:
        return tr("Labels");
    case State:
        return tr("State");
    case Since:
        return tr("Since");
    case Summary:
        return tr("Summary");
    case Source:
        return tr("Source");
    }
    return {};
}

int AlertsModel::firingCount() const
{
    int firing = 0;
    for (int row = 0; row < rowCount(); ++row)
        firing += rowAt(row).alert.alert.state == u"active" ? 1 : 0;
    return firing;
}

void AlertsModel::applyEnvironment(const alerts::EnvironmentAlerts& alerts)
{
    QHash<QString, const alerts::Silence*> silences;
    for (const alerts::Silence& silence : alerts.silences)
        silences.insert(silence.id, &silence);
    QList<AlertRow> rows;
    QSet<QString> keys;
    for (const alerts::WatchedAlert& alert : alerts.alerts) {
        AlertRow row{alert, {}};
        QStringList by;
        for (const QString& id : alert.alert.silencedBy) {
            const alerts::Silence* silence = silences.value(id);
            by.append(silence ? tr("%1: %2 (until %3)")
                                    .arg(silence->createdBy, silence->comment,
                                         formatTime(silence->endsAt))
                              : id);
        }
        row.silencedBy = by.join(QStringLiteral("; "));
        keys.insert(keyOf(row));
        rows.append(row);
    }
    QStringList gone;
    for (int row = 0; row < rowCount(); ++row) {
        const AlertRow& existing = rowAt(row);
        if (existing.alert.environment == alerts.environment && !keys.contains(keyOf(existing)))
            gone.append(keyOf(existing));
    }
    removeKeys(gone);
    upsertRows(rows);
}

QString AlertsModel::keyOf(const AlertRow& row) const
{
    return envKey(row.alert.environment, row.alert.key());
}

QVariant AlertsModel::display(const AlertRow& row, int column) const
{
    const alerts::Alert& alert = row.alert.alert;
    switch (column) {
    case Environment:
        return row.alert.environment;
    case Alert:
        return alert.name();
    case Labels:
        return formatLabels(alert.labels);
    case State:
        if (alert.state == u"suppressed" && !row.silencedBy.isEmpty())
            return tr("suppressed — silenced by %1").arg(row.silencedBy);
        return alert.state;
    case Since:
        return formatTime(alert.startsAt);
    case Summary:
        return alert.annotations.value(QStringLiteral("summary"));
    case Source:
        return row.alert.source;
    }
    return {};
}

QVariant AlertsModel::value(const AlertRow& row, int column, int role) const
{
    switch (role) {
    case Qt::DisplayRole:
        return display(row, column);
    case Qt::ToolTipRole:
        if (column == Summary || column == Labels || column == State) {
            const QString description =
                row.alert.alert.annotations.value(QStringLiteral("description"));
            return column == Summary && !description.isEmpty() ? description : display(row, column);
        }
        return {};
    case Qt::ForegroundRole:
        if (column == State)
            return row.alert.alert.state == u"active" ? QColor(0xc6, 0x28, 0x28)
                                                      : QColor(0x75, 0x75, 0x75);
        return {};
    case AlertsEnvironmentRole:
        return row.alert.environment;
    case AlertsApplicationRole:
        return row.alert.application();
    case AlertsKeyRole:
        return keyOf(row);
    case AlertsSortRole:
        return column == Since ? QVariant(row.alert.alert.startsAt.toMSecsSinceEpoch())
                               : display(row, column);
    }
    return {};
}

SilencesModel::SilencesModel(QObject* parent)
    : DockerTableModel<SilenceRow>(parent)
{}

int SilencesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SilencesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Environment:
        return tr("Environment");
    case Matchers:
        return tr("Matchers");
    case Comment:
        return tr("Comment");
    case CreatedBy:
        return tr("Created by");
    case Ends:
        return tr("Expires");
    case State:
        return tr("State");
    }
    return {};
}

void SilencesModel::applyEnvironment(const alerts::EnvironmentAlerts& alerts)
{
    QList<SilenceRow> rows;
    QSet<QString> keys;
    for (const alerts::Silence& silence : alerts.silences) {
        rows.append({alerts.environment, silence});
        keys.insert(keyOf(rows.constLast()));
    }
    QStringList gone;
    for (int row = 0; row < rowCount(); ++row) {
        if (rowAt(row).environment == alerts.environment && !keys.contains(keyOf(rowAt(row))))
            gone.append(keyOf(rowAt(row)));
    }
    removeKeys(gone);
    upsertRows(rows);
}

QString SilencesModel::keyOf(const SilenceRow& row) const
{
    return envKey(row.environment, row.silence.id);
}

QVariant SilencesModel::value(const SilenceRow& row, int column, int role) const
{
    if (role == Qt::DisplayRole || role == AlertsSortRole) {
        switch (column) {
        case Environment:
            return row.environment;
        case Matchers:
            return formatMatchers(row.silence.matchers);
        case Comment:
            return row.silence.comment;
        case CreatedBy:
            return row.silence.createdBy;
        case Ends:
            return role == AlertsSortRole ? QVariant(row.silence.endsAt.toMSecsSinceEpoch())
                                          : QVariant(formatTime(row.silence.endsAt));
        case State:
            return row.silence.state;
        }
        return {};
    }
    if (role == Qt::ToolTipRole && column == Matchers)
        return formatMatchers(row.silence.matchers);
    if (role == AlertsEnvironmentRole)
        return row.environment;
    if (role == AlertsApplicationRole)
        return applicationOf(row.silence.matchers);
    if (role == AlertsKeyRole)
        return keyOf(row);
    return {};
}

} // namespace launchdeck

// The columns `kubectl get` prints for each kind the cluster view shows, computed from the
// object as kubectl's printers compute them (READY, UP-TO-DATE, AVAILABLE, STATUS, RESTARTS,
// AGE, …), so the console and kubectl agree cell for cell.
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace launchdeck::kube {

// The kinds the cluster view shows, in its order: Deployment, StatefulSet, DaemonSet,
// ReplicaSet, Pod, Service, Ingress, ConfigMap, Secret, Event, Node, Namespace.
QStringList viewedKinds();

// kubectl's header for `kind` without NAMESPACE ("NAME", "READY", "UP-TO-DATE", …).
QStringList columnsOf(const QString& kind);
// The cells for one object, in columnsOf(kind)'s order, AGE relative to `now`.
QStringList rowOf(const QString& kind, const QJsonObject& object, const QDateTime& now);
// Whether the column sorts as a number or a duration rather than as text.
bool isNumericColumn(const QString& kind, int column);
// kubectl's age: "45s", "5m3s", "3h4m", "2d3h", "45d", "3y45d" (duration.HumanDuration).
QString humanDuration(qint64 seconds);
// The instant the duration in a cell counts from: creation for AGE, the last sighting for an
// Event's LAST SEEN, the last restart in a Pod's RESTARTS ("3 (5m ago)"); invalid where the cell
// shows none. Views sort durations by it and keep the cells current without recomputing rows.
QDateTime sinceOf(const QString& kind, const QJsonObject& object, int column);
// `cell` (as rowOf() made it) again once `seconds` have passed since sinceOf().
QString agedCell(const QString& kind, int column, const QString& cell, qint64 seconds);
// Whether the column shows a duration (AGE, LAST SEEN) rather than a count.
bool isDurationColumn(const QString& kind, int column);

} // namespace launchdeck::kube

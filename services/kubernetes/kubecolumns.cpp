// kubectl get's columns for the kinds the cluster view shows, computed as the API server's table
// printers compute them (pkg/printers/internalversion/printers.go): the same cells, the same
// placeholders ("<none>", "<pending>", "<unknown>"), the same pod STATUS reasoning.
#include "kubernetes/kubecolumns.h"

#include <QDate>
#include <QJsonArray>
#include <QSet>

#include <algorithm>
#include <limits>

namespace launchdeck::kube {

namespace {

constexpr qint64 kNoTime = std::numeric_limits<qint64>::min();
constexpr qsizetype kLoadBalancerWidth = 16;

struct KindSpec
{
    QString kind;
    QString columns;   // '|'-separated
    QList<int> counts; // columns holding a number
    int duration = -1; // AGE or LAST SEEN
};

const QList<KindSpec>& specs()
{
    static const QList<KindSpec> all{
        {u"Deployment"_qs, u"NAME|READY|UP-TO-DATE|AVAILABLE|AGE"_qs, {2, 3}, 4},
        {u"StatefulSet"_qs, u"NAME|READY|AGE"_qs, {}, 2},
        {u"DaemonSet"_qs,
         u"NAME|DESIRED|CURRENT|READY|UP-TO-DATE|AVAILABLE|NODE SELECTOR|AGE"_qs,
         {1, 2, 3, 4, 5},
         7},
        {u"ReplicaSet"_qs, u"NAME|DESIRED|CURRENT|READY|AGE"_qs, {1, 2, 3}, 4},
        {u"Pod"_qs, u"NAME|READY|STATUS|RESTARTS|AGE"_qs, {3}, 4},
        {u"Service"_qs, u"NAME|TYPE|CLUSTER-IP|EXTERNAL-IP|PORT(S)|AGE"_qs, {}, 5},
        {u"Ingress"_qs, u"NAME|CLASS|HOSTS|ADDRESS|PORTS|AGE"_qs, {}, 5},
        {u"ConfigMap"_qs, u"NAME|DATA|AGE"_qs, {1}, 2},
        {u"Secret"_qs, u"NAME|TYPE|DATA|AGE"_qs, {2}, 3},
        {u"Event"_qs, u"LAST SEEN|TYPE|REASON|OBJECT|MESSAGE"_qs, {}, 0},
        {u"Node"_qs, u"NAME|STATUS|ROLES|AGE|VERSION"_qs, {}, 3},
        {u"Namespace"_qs, u"NAME|STATUS|AGE"_qs, {}, 2},
    };
    return all;
}

const KindSpec& specOf(const QString& kind)
{
    // kubectl's default for kinds it has no printer for.
    static const KindSpec fallback{QString(), u"NAME|AGE"_qs, {}, 1};
    for (const KindSpec& spec : specs()) {
        if (spec.kind == kind)
            return spec;
    }
    return fallback;
}

int digits(const QString& text, qsizetype from, qsizetype count, bool* ok)
{
    int value = 0;
    for (qsizetype i = from; i < from + count; ++i) {
        if (i >= text.size() || !text.at(i).isDigit()) {
            *ok = false;
            return 0;
        }
        value = value * 10 + text.at(i).digitValue();
    }
    return value;
}

// RFC 3339 as the API server writes metav1.Time and MicroTime, to milliseconds since the epoch.
// Hand-made because a table of thousands of objects parses several timestamps per row.
qint64 timeOf(const QJsonValue& value)
{
    const QString text = value.toString();
    bool ok = text.size() >= 20 && text.at(4) == u'-' && text.at(7) == u'-' &&
              (text.at(10) == u'T' || text.at(10) == u't') && text.at(13) == u':' &&
              text.at(16) == u':';
    const int year = digits(text, 0, 4, &ok);
    const int month = digits(text, 5, 2, &ok);
    const int day = digits(text, 8, 2, &ok);
    const int hour = digits(text, 11, 2, &ok);
    const int minute = digits(text, 14, 2, &ok);
    const int second = digits(text, 17, 2, &ok);
    if (!ok)
        return kNoTime;
    qsizetype at = 19;
    qint64 millis = 0;
    if (at < text.size() && text.at(at) == u'.') {
        int scale = 100;
        for (++at; at < text.size() && text.at(at).isDigit(); ++at) {
            millis += text.at(at).digitValue() * scale;
            scale /= 10;
        }
    }
    qint64 offsetSeconds = 0;
    if (at < text.size() && (text.at(at) == u'+' || text.at(at) == u'-')) {
        const int sign = text.at(at) == u'+' ? 1 : -1;
        const int hours = digits(text, at + 1, 2, &ok);
        const int minutes = digits(text, at + 4, 2, &ok);
        offsetSeconds = sign * (hours * 3600 + minutes * 60);
    } else if (at >= text.size() || (text.at(at) != u'Z' && text.at(at) != u'z')) {
        ok = false;
    }
    const QDate date(year, month, day);
    if (!ok || !date.isValid())
        return kNoTime;
    const qint64 days = date.toJulianDay() - QDate(1970, 1, 1).toJulianDay();
    const qint64 seconds = days * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds;
    return seconds * 1000 + millis;
}

// translateTimestampSince: "<unknown>" for a zero time, else the human duration until now.
QString since(qint64 millis, qint64 nowMillis)
{
    if (millis == kNoTime)
        return u"<unknown>"_qs;
    return humanDuration((nowMillis - millis) / 1000);
}

QString number(const QJsonValue& value)
{
    return QString::number(value.toInteger());
}

qint64 createdOf(const QJsonObject& object)
{
    return timeOf(object[u"metadata"][u"creationTimestamp"]);
}

// The API server defaults spec.replicas to 1 for the workload kinds.
qint64 replicasOf(const QJsonObject& object)
{
    const QJsonValue replicas = object[u"spec"][u"replicas"];
    return replicas.isUndefined() || replicas.isNull() ? 1 : replicas.toInteger();
}

// labels.FormatLabels: sorted "k=v" pairs, "<none>" when empty.
QString formatLabels(const QJsonObject& labels)
{
    QStringList pairs;
    for (auto it = labels.begin(); it != labels.end(); ++it)
        pairs.append(it.key() + u'=' + it.value().toString());
    pairs.sort();
    return pairs.isEmpty() ? u"<none>"_qs : pairs.join(u',');
}

// The load-balancer ingress points, sorted and unique, clipped to 16 characters as kubectl
// clips them outside -o wide.
QString loadBalancerAddresses(const QJsonArray& ingress)
{
    QStringList points;
    for (const QJsonValue& point : ingress) {
        const QString ip = point[u"ip"].toString();
        const QString address = ip.isEmpty() ? point[u"hostname"].toString() : ip;
        if (!address.isEmpty() && !points.contains(address))
            points.append(address);
    }
    points.sort();
    QString joined = points.join(u',');
    if (joined.size() > kLoadBalancerWidth)
        joined = joined.left(kLoadBalancerWidth - 3) + u"..."_qs;
    return joined;
}

// ---- Pod -------------------------------------------------------------------------------------

struct PodSummary
{
    int ready = 0;
    int total = 0;
    QString reason;
    qint64 restarts = 0;
    qint64 lastRestart = kNoTime;
};

bool isRestartable(const QJsonObject& container)
{
    return container[u"restartPolicy"].toString() == u"Always";
}

bool hasCondition(const QJsonObject& status, QStringView type)
{
    for (const QJsonValue& condition : status[u"conditions"].toArray()) {
        if (condition[u"type"].toString() == type && condition[u"status"].toString() == u"True")
            return true;
    }
    return false;
}

void noteRestart(const QJsonValue& container, qint64* last)
{
    const QJsonValue terminated = container[u"lastState"][u"terminated"];
    if (!terminated.isObject())
        return;
    const qint64 finished = timeOf(terminated[u"finishedAt"]);
    if (finished != kNoTime && (*last == kNoTime || finished > *last))
        *last = finished;
}

QString terminatedReason(const QJsonValue& terminated, const QString& prefix)
{
    const QString reason = terminated[u"reason"].toString();
    if (!reason.isEmpty())
        return prefix + reason;
    const qint64 signal = terminated[u"signal"].toInteger();
    if (signal != 0)
        return prefix + u"Signal:"_qs + QString::number(signal);
    return prefix + u"ExitCode:"_qs + QString::number(terminated[u"exitCode"].toInteger());
}

// printPod's reasoning: init containers first, then the containers from the last to the first,
// so that the first container with a waiting or terminated reason names the pod's state.
PodSummary summarisePod(const QJsonObject& pod)
{
    PodSummary summary;
    const QJsonObject spec = pod[u"spec"].toObject();
    const QJsonObject status = pod[u"status"].toObject();
    const QString phase = status[u"phase"].toString();
    summary.total = int(spec[u"containers"].toArray().size());
    summary.reason = status[u"reason"].toString().isEmpty() ? phase : status[u"reason"].toString();
    for (const QJsonValue& condition : status[u"conditions"].toArray()) {
        if (condition[u"type"].toString() == u"PodScheduled" &&
            condition[u"reason"].toString() == u"SchedulingGated")
            summary.reason = u"SchedulingGated"_qs;
    }

    const QJsonArray initSpecs = spec[u"initContainers"].toArray();
    QSet<QString> restartableInit;
    for (const QJsonValue& container : initSpecs) {
        if (isRestartable(container.toObject())) {
            restartableInit.insert(container[u"name"].toString());
            ++summary.total;
        }
    }

    qint64 restartableRestarts = 0;
    qint64 lastRestartableRestart = kNoTime;
    bool initializing = false;
    const QJsonArray initStatuses = status[u"initContainerStatuses"].toArray();
    for (qsizetype i = 0; i < initStatuses.size(); ++i) {
        const QJsonValue container = initStatuses.at(i);
        const bool restartable = restartableInit.contains(container[u"name"].toString());
        summary.restarts += container[u"restartCount"].toInteger();
        noteRestart(container, &summary.lastRestart);
        if (restartable) {
            restartableRestarts += container[u"restartCount"].toInteger();
            noteRestart(container, &lastRestartableRestart);
        }
        const QJsonValue terminated = container[u"state"][u"terminated"];
        const QJsonValue waiting = container[u"state"][u"waiting"];
        if (terminated.isObject() && terminated[u"exitCode"].toInteger() == 0)
            continue;
        if (restartable && container[u"started"].toBool()) {
            if (container[u"ready"].toBool())
                ++summary.ready;
            continue;
        }
        if (terminated.isObject()) {
            summary.reason = terminatedReason(terminated, u"Init:"_qs);
        } else if (waiting.isObject() && !waiting[u"reason"].toString().isEmpty() &&
                   waiting[u"reason"].toString() != u"PodInitializing") {
            summary.reason = u"Init:"_qs + waiting[u"reason"].toString();
        } else {
            summary.reason = u"Init:%1/%2"_qs.arg(i).arg(initSpecs.size());
        }
        initializing = true;
        break;
    }

    if (!initializing || hasCondition(status, u"Initialized")) {
        summary.restarts = restartableRestarts;
        summary.lastRestart = lastRestartableRestart;
        bool hasRunning = false;
        const QJsonArray statuses = status[u"containerStatuses"].toArray();
        for (qsizetype i = statuses.size() - 1; i >= 0; --i) {
            const QJsonValue container = statuses.at(i);
            summary.restarts += container[u"restartCount"].toInteger();
            noteRestart(container, &summary.lastRestart);
            const QJsonValue waiting = container[u"state"][u"waiting"];
            const QJsonValue terminated = container[u"state"][u"terminated"];
            if (waiting.isObject() && !waiting[u"reason"].toString().isEmpty()) {
                summary.reason = waiting[u"reason"].toString();
            } else if (terminated.isObject()) {
                summary.reason = terminatedReason(terminated, QString());
            } else if (container[u"ready"].toBool() && container[u"state"][u"running"].isObject()) {
                hasRunning = true;
                ++summary.ready;
            }
        }
        // A container still running keeps a pod whose other containers completed Running.
        if (summary.reason == u"Completed" && hasRunning)
            summary.reason = hasCondition(status, u"Ready") ? u"Running"_qs : u"NotReady"_qs;
    }

    const bool deleting = pod[u"metadata"][u"deletionTimestamp"].isString();
    if (deleting && status[u"reason"].toString() == u"NodeLost")
        summary.reason = u"Unknown"_qs;
    else if (deleting && phase != u"Succeeded" && phase != u"Failed")
        summary.reason = u"Terminating"_qs;
    return summary;
}

QString restartsCell(qint64 restarts, qint64 lastRestart, qint64 nowMillis)
{
    if (restarts == 0 || lastRestart == kNoTime)
        return QString::number(restarts);
    return u"%1 (%2 ago)"_qs.arg(restarts).arg(since(lastRestart, nowMillis));
}

// ---- Other kinds -----------------------------------------------------------------------------

QString serviceExternalIp(const QJsonObject& service)
{
    const QJsonObject spec = service[u"spec"].toObject();
    QStringList external;
    for (const QJsonValue& ip : spec[u"externalIPs"].toArray())
        external.append(ip.toString());
    const QString type = spec[u"type"].toString(u"ClusterIP"_qs);
    if (type == u"ClusterIP" || type == u"NodePort")
        return external.isEmpty() ? u"<none>"_qs : external.join(u',');
    if (type == u"LoadBalancer") {
        const QString balancer =
            loadBalancerAddresses(service[u"status"][u"loadBalancer"][u"ingress"].toArray());
        if (!external.isEmpty()) {
            QStringList all = balancer.isEmpty() ? QStringList() : balancer.split(u',');
            all.append(external);
            return all.join(u',');
        }
        return balancer.isEmpty() ? u"<pending>"_qs : balancer;
    }
    if (type == u"ExternalName")
        return spec[u"externalName"].toString();
    return u"<unknown>"_qs;
}

QString servicePorts(const QJsonArray& ports)
{
    QStringList pieces;
    for (const QJsonValue& port : ports) {
        const QString protocol = port[u"protocol"].toString(u"TCP"_qs);
        const qint64 nodePort = port[u"nodePort"].toInteger();
        pieces.append(
            nodePort > 0 ? u"%1:%2/%3"_qs.arg(port[u"port"].toInteger()).arg(nodePort).arg(protocol)
                         : u"%1/%2"_qs.arg(port[u"port"].toInteger()).arg(protocol));
    }
    return pieces.isEmpty() ? u"<none>"_qs : pieces.join(u',');
}

QString serviceClusterIp(const QJsonObject& spec)
{
    const QJsonArray ips = spec[u"clusterIPs"].toArray();
    if (!ips.isEmpty())
        return ips.first().toString();
    // Objects written before dual-stack carry clusterIP alone.
    const QString ip = spec[u"clusterIP"].toString();
    return ip.isEmpty() ? u"<none>"_qs : ip;
}

// formatHosts: the first three hosts, then "+ N more...", "*" when no rule names a host.
QString ingressHosts(const QJsonArray& rules)
{
    constexpr int kMax = 3;
    QStringList hosts;
    bool more = false;
    for (const QJsonValue& rule : rules) {
        if (hosts.size() == kMax)
            more = true;
        const QString host = rule[u"host"].toString();
        if (!more && !host.isEmpty())
            hosts.append(host);
    }
    if (hosts.isEmpty())
        return u"*"_qs;
    const QString joined = hosts.join(u',');
    return more ? u"%1 + %2 more..."_qs.arg(joined).arg(rules.size() - kMax) : joined;
}

QString nodeStatus(const QJsonObject& node)
{
    QStringList status;
    for (const QJsonValue& condition : node[u"status"][u"conditions"].toArray()) {
        if (condition[u"type"].toString() == u"Ready") {
            status = {condition[u"status"].toString() == u"True" ? u"Ready"_qs : u"NotReady"_qs};
        }
    }
    if (status.isEmpty())
        status.append(u"Unknown"_qs);
    if (node[u"spec"][u"unschedulable"].toBool())
        status.append(u"SchedulingDisabled"_qs);
    return status.join(u',');
}

QString nodeRoles(const QJsonObject& labels)
{
    static const QString prefix = u"node-role.kubernetes.io/"_qs;
    QStringList roles;
    for (auto it = labels.begin(); it != labels.end(); ++it) {
        QString role;
        if (it.key().startsWith(prefix))
            role = it.key().mid(prefix.size());
        else if (it.key() == u"kubernetes.io/role")
            role = it.value().toString();
        if (!role.isEmpty() && !roles.contains(role))
            roles.append(role);
    }
    roles.sort();
    return roles.isEmpty() ? u"<none>"_qs : roles.join(u',');
}

// printEvent's LAST SEEN instant: the series' last observation, else lastTimestamp, else the
// first sighting (firstTimestamp, or eventTime for events of the newer API).
qint64 eventLastSeen(const QJsonObject& event)
{
    if (event[u"series"].isObject())
        return timeOf(event[u"series"][u"lastObservedTime"]);
    const qint64 last = timeOf(event[u"lastTimestamp"]);
    if (last != kNoTime)
        return last;
    const qint64 first = timeOf(event[u"firstTimestamp"]);
    return first != kNoTime ? first : timeOf(event[u"eventTime"]);
}

QString eventObject(const QJsonObject& event)
{
    const QJsonObject involved = event[u"involvedObject"].toObject();
    const QString kind = involved[u"kind"].toString().toLower();
    const QString name = involved[u"name"].toString();
    return name.isEmpty() ? kind : kind + u'/' + name;
}

} // namespace

QStringList viewedKinds()
{
    QStringList kinds;
    for (const KindSpec& spec : specs())
        kinds.append(spec.kind);
    return kinds;
}

QStringList columnsOf(const QString& kind)
{
    return specOf(kind).columns.split(u'|');
}

bool isNumericColumn(const QString& kind, int column)
{
    const KindSpec& spec = specOf(kind);
    return column == spec.duration || spec.counts.contains(column);
}

bool isDurationColumn(const QString& kind, int column)
{
    return specOf(kind).duration == column;
}

QStringList rowOf(const QString& kind, const QJsonObject& object, const QDateTime& now)
{
    const qint64 nowMillis = now.toMSecsSinceEpoch();
    const QString name = object[u"metadata"][u"name"].toString();
    const QString age = since(createdOf(object), nowMillis);
    const QJsonObject spec = object[u"spec"].toObject();
    const QJsonObject status = object[u"status"].toObject();

    if (kind == u"Pod") {
        const PodSummary pod = summarisePod(object);
        return {name, u"%1/%2"_qs.arg(pod.ready).arg(pod.total), pod.reason,
                restartsCell(pod.restarts, pod.lastRestart, nowMillis), age};
    }
    if (kind == u"Deployment") {
        return {name, u"%1/%2"_qs.arg(status[u"readyReplicas"].toInteger()).arg(replicasOf(object)),
                number(status[u"updatedReplicas"]), number(status[u"availableReplicas"]), age};
    }
    if (kind == u"StatefulSet")
        return {name, u"%1/%2"_qs.arg(status[u"readyReplicas"].toInteger()).arg(replicasOf(object)),
                age};
    if (kind == u"DaemonSet") {
        return {name,
                number(status[u"desiredNumberScheduled"]),
                number(status[u"currentNumberScheduled"]),
                number(status[u"numberReady"]),
                number(status[u"updatedNumberScheduled"]),
                number(status[u"numberAvailable"]),
                formatLabels(spec[u"template"][u"spec"][u"nodeSelector"].toObject()),
                age};
    }
    if (kind == u"ReplicaSet") {
        return {name, QString::number(replicasOf(object)), number(status[u"replicas"]),
                number(status[u"readyReplicas"]), age};
    }
    if (kind == u"Service") {
        return {name,
                spec[u"type"].toString(u"ClusterIP"_qs),
                serviceClusterIp(spec),
                serviceExternalIp(object),
                servicePorts(spec[u"ports"].toArray()),
                age};
    }
    if (kind == u"Ingress") {
        const QJsonValue className = spec[u"ingressClassName"];
        return {name,
                className.isString() ? className.toString() : u"<none>"_qs,
                ingressHosts(spec[u"rules"].toArray()),
                loadBalancerAddresses(status[u"loadBalancer"][u"ingress"].toArray()),
                spec[u"tls"].toArray().isEmpty() ? u"80"_qs : u"80, 443"_qs,
                age};
    }
    if (kind == u"ConfigMap") {
        const qsizetype entries =
            object[u"data"].toObject().size() + object[u"binaryData"].toObject().size();
        return {name, QString::number(entries), age};
    }
    if (kind == u"Secret") {
        return {name, object[u"type"].toString(),
                QString::number(object[u"data"].toObject().size()), age};
    }
    if (kind == u"Event") {
        return {since(eventLastSeen(object), nowMillis), object[u"type"].toString(),
                object[u"reason"].toString(), eventObject(object),
                object[u"message"].toString().trimmed()};
    }
    if (kind == u"Node") {
        return {name, nodeStatus(object), nodeRoles(object[u"metadata"][u"labels"].toObject()), age,
                status[u"nodeInfo"][u"kubeletVersion"].toString()};
    }
    if (kind == u"Namespace")
        return {name, status[u"phase"].toString(), age};
    return {name, age};
}

QDateTime sinceOf(const QString& kind, const QJsonObject& object, int column)
{
    qint64 millis = kNoTime;
    if (kind == u"Event" && column == 0) {
        millis = eventLastSeen(object);
    } else if (column == specOf(kind).duration) {
        millis = createdOf(object);
    } else if (kind == u"Pod" && column == 3) {
        const PodSummary pod = summarisePod(object);
        if (pod.restarts != 0)
            millis = pod.lastRestart;
    }
    return millis == kNoTime ? QDateTime() : QDateTime::fromMSecsSinceEpoch(millis, Qt::UTC);
}

QString agedCell(const QString& kind, int column, const QString& cell, qint64 seconds)
{
    if (kind == u"Pod" && column == 3) {
        const qsizetype open = cell.indexOf(u" ("_qs);
        if (open < 0)
            return cell;
        return cell.left(open) + u" ("_qs + humanDuration(seconds) + u" ago)"_qs;
    }
    return humanDuration(seconds);
}

QString humanDuration(qint64 seconds)
{
    // A clock up to a second ahead of the server's still reads as "now", as kubectl allows.
    if (seconds < -1)
        return u"<invalid>"_qs;
    if (seconds < 0)
        return u"0s"_qs;
    if (seconds < 60 * 2)
        return u"%1s"_qs.arg(seconds);
    const qint64 minutes = seconds / 60;
    if (minutes < 10) {
        const qint64 rest = seconds % 60;
        return rest == 0 ? u"%1m"_qs.arg(minutes) : u"%1m%2s"_qs.arg(minutes).arg(rest);
    }
    if (minutes < 60 * 3)
        return u"%1m"_qs.arg(minutes);
    const qint64 hours = seconds / 3600;
    if (hours < 8) {
        const qint64 rest = minutes % 60;
        return rest == 0 ? u"%1h"_qs.arg(hours) : u"%1h%2m"_qs.arg(hours).arg(rest);
    }
    if (hours < 48)
        return u"%1h"_qs.arg(hours);
    if (hours < 24 * 8) {
        const qint64 rest = hours % 24;
        return rest == 0 ? u"%1d"_qs.arg(hours / 24) : u"%1d%2h"_qs.arg(hours / 24).arg(rest);
    }
    if (hours < 24 * 365 * 2)
        return u"%1d"_qs.arg(hours / 24);
    if (hours < 24 * 365 * 8) {
        const qint64 rest = (hours / 24) % 365;
        return rest == 0 ? u"%1y"_qs.arg(hours / 24 / 365)
                         : u"%1y%2d"_qs.arg(hours / 24 / 365).arg(rest);
    }
    return u"%1y"_qs.arg(hours / 24 / 365);
}

} // namespace launchdeck::kube

// kubectl's status viewers (k8s.io/kubectl/pkg/polymorphichelpers, rollout_status.go) over the
// object's JSON. kubectl reads the object without the API server's defaulting, so an absent
// field counts as zero, and an absent spec.replicas or update strategy as unset; the same holds
// here. Its messages end in a newline, which the verdict leaves off.
#include "kubernetes/rolloutstatus.h"

#include <QJsonArray>
#include <QJsonValue>
#include <QRegularExpression>
#include <QStringList>

#include <cmath>
#include <limits>

namespace launchdeck::kube {

namespace {

using State = RolloutVerdict::State;

// Go's %q for the names kubectl quotes: backslash and quote escaped, control characters too.
QString quoted(const QString& text)
{
    QString out = u"\""_qs;
    for (const QChar c : text) {
        if (c == u'"' || c == u'\\')
            out += u'\\' + QString(c);
        else if (c == u'\n')
            out += u"\\n"_qs;
        else if (c == u'\t')
            out += u"\\t"_qs;
        else if (c.unicode() < 0x20)
            out += u"\\x%1"_qs.arg(uint(c.unicode()), 2, 16, QChar(u'0'));
        else
            out += c;
    }
    return out + u'"';
}

// Reads the object's integer fields, remembering the first one that is not an integer.
class Fields
{
public:
    explicit Fields(const QJsonObject& object)
        : m_object(object)
    {}

    // The integer at a dotted path; nullopt when absent or null (or of the wrong type, which
    // error() then reports).
    std::optional<qint64> optionalInt(const QString& path)
    {
        const QJsonValue value = at(path);
        if (value.isUndefined() || value.isNull())
            return std::nullopt;
        const double number = value.toDouble(std::numeric_limits<double>::quiet_NaN());
        if (!value.isDouble() || std::floor(number) != number ||
            std::abs(number) > 9.007199254740992e15) {
            if (m_error.isEmpty())
                m_error = u"%1 is %2, not a whole number"_qs.arg(path, describe(value));
            return std::nullopt;
        }
        return value.toInteger();
    }
    qint64 integer(const QString& path) { return optionalInt(path).value_or(0); }

    QString string(const QString& path)
    {
        const QJsonValue value = at(path);
        if (!value.isUndefined() && !value.isNull() && !value.isString() && m_error.isEmpty())
            m_error = u"%1 is %2, not a string"_qs.arg(path, describe(value));
        return value.toString();
    }

    bool has(const QString& path) const
    {
        const QJsonValue value = at(path);
        return !value.isUndefined() && !value.isNull();
    }

    const QString& error() const { return m_error; }

private:
    QJsonValue at(const QString& path) const
    {
        QJsonValue value = m_object;
        for (const QString& part : path.split(u'.'))
            value = value.toObject().value(part);
        return value;
    }

    static QString describe(const QJsonValue& value)
    {
        if (value.isString())
            return quoted(value.toString());
        if (value.isBool())
            return value.toBool() ? u"true"_qs : u"false"_qs;
        if (value.isDouble())
            return QString::number(value.toDouble());
        return value.isArray() ? u"a list"_qs : u"an object"_qs;
    }

    const QJsonObject& m_object;
    QString m_error;
};

RolloutVerdict inProgress(const QString& message)
{
    return {State::InProgress, message};
}
RolloutVerdict done(const QString& message)
{
    return {State::Done, message};
}
RolloutVerdict failed(const QString& message)
{
    return {State::Failed, message};
}

// A field of the wrong type: kubectl fails to convert the object; say which field.
RolloutVerdict badField(const QString& kind, const QString& name, const QString& error)
{
    return failed(u"%1 %2: %3"_qs.arg(kind, quoted(name), error));
}

// The deployment.kubernetes.io/revision annotation as kubectl's deploymentutil.Revision reads
// it (strconv.ParseInt, base 10): 0 when absent, nullopt with `error` set when not a number.
std::optional<qint64> deploymentRevision(const QJsonObject& object, QString* error)
{
    const QJsonValue value =
        object[u"metadata"][u"annotations"][u"deployment.kubernetes.io/revision"];
    if (value.isUndefined() || value.isNull())
        return 0;
    const QString text = value.toString();
    static const QRegularExpression decimal(u"^[+-]?[0-9]+$"_qs);
    if (!decimal.match(text).hasMatch()) {
        *error = u"strconv.ParseInt: parsing %1: invalid syntax"_qs.arg(quoted(text));
        return std::nullopt;
    }
    bool ok = false;
    const qint64 number = text.toLongLong(&ok);
    if (!ok) {
        *error = u"strconv.ParseInt: parsing %1: value out of range"_qs.arg(quoted(text));
        return std::nullopt;
    }
    return number;
}

bool progressDeadlineExceeded(const QJsonObject& object)
{
    // kubectl takes the first condition of type Progressing.
    for (const QJsonValue& condition : object[u"status"][u"conditions"].toArray()) {
        if (condition[u"type"].toString() == u"Progressing")
            return condition[u"reason"].toString() == u"ProgressDeadlineExceeded";
    }
    return false;
}

RolloutVerdict deploymentStatus(const QJsonObject& object, const QString& name,
                                std::optional<qint64> revision)
{
    if (revision && *revision > 0) {
        QString error;
        const std::optional<qint64> running = deploymentRevision(object, &error);
        if (!running) {
            return failed(
                u"cannot get the revision of deployment %1: %2"_qs.arg(quoted(name), error));
        }
        if (*running != *revision) {
            return failed(u"desired revision (%1) is different from the running revision (%2)"_qs
                              .arg(*revision)
                              .arg(*running));
        }
    }
    Fields fields(object);
    const qint64 generation = fields.integer(u"metadata.generation"_qs);
    const qint64 observed = fields.integer(u"status.observedGeneration"_qs);
    const std::optional<qint64> desired = fields.optionalInt(u"spec.replicas"_qs);
    const qint64 replicas = fields.integer(u"status.replicas"_qs);
    const qint64 updated = fields.integer(u"status.updatedReplicas"_qs);
    const qint64 available = fields.integer(u"status.availableReplicas"_qs);
    if (!fields.error().isEmpty())
        return badField(u"deployment"_qs, name, fields.error());

    if (generation > observed)
        return inProgress(u"Waiting for deployment spec update to be observed..."_qs);
    if (progressDeadlineExceeded(object))
        return failed(u"deployment %1 exceeded its progress deadline"_qs.arg(quoted(name)));
    const QString waiting = u"Waiting for deployment %1 rollout to finish: "_qs.arg(quoted(name));
    if (desired && updated < *desired) {
        return inProgress(
            waiting +
            u"%1 out of %2 new replicas have been updated..."_qs.arg(updated).arg(*desired));
    }
    if (replicas > updated) {
        return inProgress(waiting +
                          u"%1 old replicas are pending termination..."_qs.arg(replicas - updated));
    }
    if (available < updated) {
        return inProgress(
            waiting + u"%1 of %2 updated replicas are available..."_qs.arg(available).arg(updated));
    }
    return done(u"deployment %1 successfully rolled out"_qs.arg(quoted(name)));
}

const QString kOnlyRollingUpdate =
    u"rollout status is only available for RollingUpdate strategy type"_qs;

RolloutVerdict daemonSetStatus(const QJsonObject& object, const QString& name)
{
    Fields fields(object);
    const QString strategy = fields.string(u"spec.updateStrategy.type"_qs);
    const qint64 generation = fields.integer(u"metadata.generation"_qs);
    const qint64 observed = fields.integer(u"status.observedGeneration"_qs);
    const qint64 desired = fields.integer(u"status.desiredNumberScheduled"_qs);
    const qint64 updated = fields.integer(u"status.updatedNumberScheduled"_qs);
    const qint64 available = fields.integer(u"status.numberAvailable"_qs);
    if (!fields.error().isEmpty())
        return badField(u"daemon set"_qs, name, fields.error());

    // OnDelete replaces pods only when someone deletes them: kubectl has nothing to wait for.
    if (strategy != u"RollingUpdate")
        return failed(kOnlyRollingUpdate);
    if (generation > observed)
        return inProgress(u"Waiting for daemon set spec update to be observed..."_qs);
    const QString waiting = u"Waiting for daemon set %1 rollout to finish: "_qs.arg(quoted(name));
    if (updated < desired) {
        return inProgress(
            waiting + u"%1 out of %2 new pods have been updated..."_qs.arg(updated).arg(desired));
    }
    if (available < desired) {
        return inProgress(waiting +
                          u"%1 of %2 updated pods are available..."_qs.arg(available).arg(desired));
    }
    return done(u"daemon set %1 successfully rolled out"_qs.arg(quoted(name)));
}

RolloutVerdict statefulSetStatus(const QJsonObject& object, const QString& name)
{
    Fields fields(object);
    const QString strategy = fields.string(u"spec.updateStrategy.type"_qs);
    const qint64 generation = fields.integer(u"metadata.generation"_qs);
    const qint64 observed = fields.integer(u"status.observedGeneration"_qs);
    const std::optional<qint64> desired = fields.optionalInt(u"spec.replicas"_qs);
    const std::optional<qint64> partition =
        fields.optionalInt(u"spec.updateStrategy.rollingUpdate.partition"_qs);
    const bool rollingUpdate = fields.has(u"spec.updateStrategy.rollingUpdate"_qs);
    const qint64 ready = fields.integer(u"status.readyReplicas"_qs);
    const qint64 updated = fields.integer(u"status.updatedReplicas"_qs);
    const qint64 current = fields.integer(u"status.currentReplicas"_qs);
    const QString updateRevision = fields.string(u"status.updateRevision"_qs);
    const QString currentRevision = fields.string(u"status.currentRevision"_qs);
    if (!fields.error().isEmpty())
        return badField(u"statefulset"_qs, name, fields.error());

    if (strategy != u"RollingUpdate")
        return failed(kOnlyRollingUpdate);
    if (observed == 0 || generation > observed)
        return inProgress(u"Waiting for statefulset spec update to be observed..."_qs);
    if (desired && ready < *desired)
        return inProgress(u"Waiting for %1 pods to be ready..."_qs.arg(*desired - ready));
    if (rollingUpdate) {
        if (desired && partition && updated < *desired - *partition) {
            return inProgress(
                u"Waiting for partitioned roll out to finish: %1 out of %2 new pods have been updated..."_qs
                    .arg(updated)
                    .arg(*desired - *partition));
        }
        return done(
            u"partitioned roll out complete: %1 new pods have been updated..."_qs.arg(updated));
    }
    if (updateRevision != currentRevision) {
        return inProgress(
            u"waiting for statefulset rolling update to complete %1 pods at revision %2..."_qs
                .arg(updated)
                .arg(updateRevision));
    }
    return done(
        u"statefulset rolling update complete %1 pods at revision %2..."_qs.arg(current).arg(
            currentRevision));
}

} // namespace

RolloutVerdict rolloutStatus(const QJsonObject& object, std::optional<qint64> revision)
{
    const QString kind = object[u"kind"].toString();
    const QString name = object[u"metadata"][u"name"].toString();
    const QString apiVersion = object[u"apiVersion"].toString();
    // Only the group counts, as in kubectl (extensions/v1beta1 Deployments and DaemonSets too).
    const QString group = apiVersion.contains(u'/') ? apiVersion.section(u'/', 0, 0) : QString();
    const bool apps = apiVersion.isEmpty() || group == u"apps";
    const bool extensions = group == u"extensions";
    if (kind == u"Deployment" && (apps || extensions))
        return deploymentStatus(object, name, revision);
    if (kind == u"DaemonSet" && (apps || extensions))
        return daemonSetStatus(object, name);
    if (kind == u"StatefulSet" && apps)
        return statefulSetStatus(object, name);
    if (kind.isEmpty()) {
        return failed(u"object %1 has no kind: rollout status needs a Deployment, StatefulSet or "
                      u"DaemonSet"_qs.arg(quoted(name)));
    }
    return failed(u"no status viewer has been implemented for %1"_qs.arg(
        group.isEmpty() ? kind : kind + u'.' + group));
}

} // namespace launchdeck::kube

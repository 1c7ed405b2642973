// Pod log lines as LogModel batches: which values of a pod are secret, masking, and chunks of
// consecutive lines of one pod.
#include "podlogfeed.h"

#include "logchunkbuilder.h"

#include "dockerlogfeed.h"

#include <QJsonArray>

#include <algorithm>

namespace launchdeck {

namespace {

const QLatin1String kSpec("spec");
const QLatin1String kName("name");

QList<QJsonObject> containersOf(const QJsonObject& pod)
{
    QList<QJsonObject> containers;
    const QJsonObject spec = pod.value(kSpec).toObject();
    for (const char* field : {"initContainers", "containers", "ephemeralContainers"}) {
        for (const QJsonValue& container : spec.value(QLatin1String(field)).toArray())
            containers.append(container.toObject());
    }
    return containers;
}

void addValue(QStringList* values, const QString& value)
{
    if (value.trimmed().size() >= PodLogFeed::kMinSecretLength && !values->contains(value))
        values->append(value);
}

} // namespace

QStringList PodLogFeed::containerNames(const QJsonObject& pod)
{
    QStringList names;
    const QJsonArray containers =
        pod.value(kSpec).toObject().value(QLatin1String("containers")).toArray();
    for (const QJsonValue& container : containers)
        names.append(container.toObject().value(kName).toString());
    return names;
}

QStringList PodLogFeed::referencedSecrets(const QJsonObject& pod)
{
    QStringList names;
    const auto add = [&names](const QString& name) {
        if (!name.isEmpty() && !names.contains(name))
            names.append(name);
    };
    for (const QJsonObject& container : containersOf(pod)) {
        for (const QJsonValue& env : container.value(QLatin1String("env")).toArray()) {
            add(env.toObject()
                    .value(QLatin1String("valueFrom"))
                    .toObject()
                    .value(QLatin1String("secretKeyRef"))
                    .toObject()
                    .value(kName)
                    .toString());
        }
        for (const QJsonValue& from : container.value(QLatin1String("envFrom")).toArray())
            add(from.toObject()
                    .value(QLatin1String("secretRef"))
                    .toObject()
                    .value(kName)
                    .toString());
    }
    for (const QJsonValue& value :
         pod.value(kSpec).toObject().value(QLatin1String("volumes")).toArray()) {
        const QJsonObject volume = value.toObject();
        add(volume.value(QLatin1String("secret"))
                .toObject()
                .value(QLatin1String("secretName"))
                .toString());
        const QJsonArray sources = volume.value(QLatin1String("projected"))
                                       .toObject()
                                       .value(QLatin1String("sources"))
                                       .toArray();
        for (const QJsonValue& source : sources)
            add(source.toObject()
                    .value(QLatin1String("secret"))
                    .toObject()
                    .value(kName)
                    .toString());
    }
    return names;
}

QStringList PodLogFeed::secretValues(const QJsonObject& pod, const QList<QJsonObject>& secrets)
{
    QStringList values;
    for (const QJsonObject& container : containersOf(pod)) {
        for (const QJsonValue& value : container.value(QLatin1String("env")).toArray()) {
            const QJsonObject env = value.toObject();
            if (env.contains(QLatin1String("value")) &&
                DockerLogFeed::looksSecret(env.value(kName).toString()))
                addValue(&values, env.value(QLatin1String("value")).toString());
        }
    }
    const QStringList referenced = referencedSecrets(pod);
    const QString nameSpace = pod.value(QLatin1String("metadata"))
                                  .toObject()
                                  .value(QLatin1String("namespace"))
                                  .toString();
    for (const QJsonObject& secret : secrets) {
        const QJsonObject metadata = secret.value(QLatin1String("metadata")).toObject();
        const QString secretNamespace = metadata.value(QLatin1String("namespace")).toString();
        if (!referenced.contains(metadata.value(kName).toString()) ||
            (!nameSpace.isEmpty() && !secretNamespace.isEmpty() && secretNamespace != nameSpace))
            continue;
        const QJsonObject data = secret.value(QLatin1String("data")).toObject();
        for (auto it = data.begin(); it != data.end(); ++it) {
            addValue(&values,
                     QString::fromUtf8(QByteArray::fromBase64(it.value().toString().toLatin1())));
        }
        const QJsonObject stringData = secret.value(QLatin1String("stringData")).toObject();
        for (auto it = stringData.begin(); it != stringData.end(); ++it)
            addValue(&values, it.value().toString());
    }
    return values;
}

void PodLogFeed::setMaskedValues(const QStringList& values)
{
    m_maskedValues = values;
    m_masker = SecretMasker(kMask);
    for (const QString& value : values)
        m_masker.add(value);
}

LogBatch PodLogFeed::convert(const QList<kube::PodLogLine>& lines)
{
    LogBatch batch;
    LogChunkBuilder builder(batch);
    for (const kube::PodLogLine& line : lines) {
        QByteArray text = line.text.toUtf8();
        m_masker.mask(text);
        const qint64 timeMs = line.time.isValid() ? line.time.toMSecsSinceEpoch() : 0;
        qint64& next = m_nextNumber[line.pod];
        if (next == 0)
            next = 1;
        const qint64 number = next++;
        builder.startStep(line.pod);
        qsizetype at = 0;
        do {
            qsizetype end = std::min(text.size(), at + kMaxLineBytes);
            // Never cut inside a UTF-8 sequence.
            while (end < text.size() && end > at + 1 &&
                   (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
                --end;
            builder.add({}, QByteArrayView(text.constData() + at, end - at), number, timeMs,
                        at > 0);
            at = end;
        } while (at < text.size());
    }
    builder.finish();
    return batch;
}

} // namespace launchdeck
